"""The closing table of ``python -m benchmarks``: every figure printed with a target, and whether it was met.

The benchmarks are scripts that print; ``python -m benchmarks`` shows what each one prints and keeps a copy, and
:func:`rows` picks out the lines that state a target. Reading the printed lines (rather than asking each script
for a structure) keeps every script runnable on its own and the summary in step with what the reader saw: a line
counts when it mentions a target and says "met" or "missed" (or "no target", for figures the issue asks for
without one, such as store memory). The scale of a line is the last heading printed before it (a line starting
``==`` or ``##``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERDICT = re.compile(r"\btarget\b.*?\b(met|missed)\b", re.IGNORECASE)
_HEADING = re.compile(r"^(?:==|##)\s+(.+?)(?:\s+—.*)?$")


@dataclass(frozen=True)
class Row:
    benchmark: str
    scale: str
    figure: str
    verdict: str


def rows(benchmark: str, lines: list[str]) -> list[Row]:
    """The lines that state a target (or say there is none), each with the heading it came under.

    >>> for row in rows("load", ["## 30,067 triples", "oxigraph load  0.31",
    ...                          "ascn / oxigraph load: 0.22x (target >= 0.5x: missed); ascn / ... --graph: 0.23x"]):
    ...     print(row.scale, "|", row.verdict)
    30,067 triples | missed
    >>> [r.verdict for r in rows("endpoint", ["== bundled: 6,815 quads — 4 clients", "   ascn / oxigraph   0.85×   "
    ...                                       "target ≥ 0.5×   met", "   store memory: 93 MB (no target)"])]
    ['met', '–']
    """
    found: list[Row] = []
    scale = ""
    for line in lines:
        heading = _HEADING.match(line.strip())
        if heading:
            scale = heading.group(1)
            continue
        verdict = _VERDICT.search(line)
        if verdict:
            found.append(Row(benchmark, scale, " ".join(line.split()), verdict.group(1).lower()))
        elif "no target" in line:
            found.append(Row(benchmark, scale, " ".join(line.split()), "–"))
    return found


def table(found: list[Row]) -> str:
    """The rows as a plain-text table, one line each, and a count of targets met.

    >>> print(table([Row("load", "30k", "ascn / oxigraph load: 0.22x (target >= 0.5x: missed)", "missed")]))
    benchmark       scale                 verdict  figure
    load            30k                   missed   ascn / oxigraph load: 0.22x (target >= 0.5x: missed)
    targets met: 0 of 1
    """
    lines = [f"{'benchmark':<15} {'scale':<21} {'verdict':<8} figure"]
    lines += [f"{r.benchmark:<15} {r.scale[:21]:<21} {r.verdict:<8} {r.figure}" for r in found]
    judged = [r for r in found if r.verdict in ("met", "missed")]
    lines.append(f"targets met: {sum(r.verdict == 'met' for r in judged)} of {len(judged)}")
    failed = sum(r.verdict == "failed" for r in found)
    if failed:
        lines.append(f"benchmarks that failed (their targets are not in the count): {failed}")
    return "\n".join(lines)
