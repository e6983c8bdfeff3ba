"""Read a user's RDF file (Turtle, N-Triples, JSON-LD, ...) with errors that say where the file is wrong."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph

from graph.formats import FILE_ENDINGS, Format
from ontology.errors import InputError

def is_rdf(path: Path) -> bool:
    """Whether ``path`` names an RDF file by its ending (:data:`graph.formats.FILE_ENDINGS`)."""
    return path.suffix.lower() in FILE_ENDINGS


def read_rdf(path: Path) -> Graph:
    """The triples of ``path``; a syntax error raises InputError naming the file, line and problem."""
    fmt = _format(path)
    graph = Graph()
    try:
        graph.parse(path, format=fmt.rdflib)
    except Exception as exc:  # rdflib's parsers raise many types; all mean "this file is not valid RDF"
        raise InputError(path.name, _line_of(exc), None, f"valid {fmt.label} ({_reason(exc)})") from None
    return graph


def load_format(path: Path) -> str:
    """The store's load format for an RDF file, by its name ending.

    >>> load_format(Path("big.nt")), load_format(Path("mine.TTL"))
    ('ntriples', 'turtle')
    """
    return _format(path).name


def _format(path: Path) -> Format:
    fmt = FILE_ENDINGS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(path.name, None, None, f"an RDF file ending in {', '.join(sorted(FILE_ENDINGS))}",
                         repr(path.suffix))
    return fmt


def _line_of(exc: Exception) -> int | None:
    match = re.search(r"line (\d+)", str(exc))
    if match:
        return int(match[1])
    line = getattr(exc, "lines", None) or getattr(exc, "line", None)
    return line if isinstance(line, int) else None


def _reason(exc: Exception) -> str:
    """The parser's own account of the problem, without the context dump some parsers append."""
    why = getattr(exc, "_why", None)  # rdflib's Turtle/N3 BadSyntax keeps the reason here
    if why:
        return str(why)
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else type(exc).__name__
