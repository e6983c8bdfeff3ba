"""Every benchmark at every scale, one command: ``python -m benchmarks`` (``make benchmarks``).

1. endpoint (:mod:`benchmarks.endpoint`): ``ascn serve`` against ``oxigraph serve`` and rdflib-endpoint on the
   bundled graph and a 300k-triple synthetic graph. Not at 3M: rdflib-endpoint answers nothing within 30 s
   already at 300k (and would need minutes and gigabytes just to parse 3M quads), the heaviest library queries
   already reach ascn's 10 s limit at 300k and so leave the timed mix, and the run would grow by a quarter of an
   hour for a ratio over the few cheap queries left;
2. pages (:mod:`benchmarks.pages`): the first visit of every page right after ``ascn build`` and ``ascn serve``,
   and warm pages;
3. load (:mod:`benchmarks.load`): ``ascn load`` against ``oxigraph load`` at 30k, 300k and 3M triples;
4. recommendation (:mod:`benchmarks.recommend`): the recommender built from the store, and its latency
   per question, at 30k, 300k, 1.24M (about 10,000 cities, the size issue 12's latency target names) and 3M
   triples, with the store's memory at each scale.
5. completion (:mod:`benchmarks.complete`): ``/api/complete`` while someone types, over HTTP from ``ascn serve``,
   against the same entity question sent as SPARQL, on the bundled graph and at 300k triples;
6. remote (:mod:`benchmarks.remote`): docs/remote-store.md's at-scale recipe at 3M triples, on Oxigraph server
   and Virtuoso: build, load, recommendations and the web app against each server, timed.
7. ingest (:mod:`benchmarks.ingest`): ``ascn ingest`` on the test documents, entity-link precision and fact
   recall against hand-written answers, beside the name matcher without its guards.

Each step runs in a process of its own (``python -m benchmarks.<step>``), so the memory one step holds never
counts in the next one's figures (a child's peak RSS includes the copy of its parent made at fork). Its output is
shown as it comes and kept for the summary: every figure printed with a target, and whether it was met
(:mod:`benchmarks.summary`). One step failing is reported there and the others still run.

``--quick`` is for development: the endpoint on the bundled graph and 30k triples with short loads, load and
recommendation at 30k and 300k only. For other settings run the scripts one by one
(``python -m benchmarks.endpoint --help``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass

from benchmarks.endpoint import machine
from benchmarks.recommend import TEN_THOUSAND_CITIES
from benchmarks.summary import Row, rows, table

ALL_SIZES = "30000,300000,3000000"
RECOMMEND_SIZES = f"30000,300000,{TEN_THOUSAND_CITIES},3000000"
QUICK_SIZES = "30000,300000"


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    module: str
    argv: list[str]
    minutes: float
    """Expected minutes on 2 shared cores, from the last runs (3M steps extrapolated from 300k where not run)."""


FULL = [
    Step(
        "endpoint",
        "ascn serve vs oxigraph serve vs rdflib-endpoint (bundled graph, 300k triples)",
        "endpoint",
        ["--requests", "960", "--seconds", "45", "--settle", "120"],
        6,
    ),
    Step(
        "pages",
        "first visit of every page after ascn build, warm pages (bundled graph)",
        "pages",
        ["--rounds", "20"],
        2,
    ),
    Step("load", "ascn load vs oxigraph load (30k, 300k, 3M triples)", "load", ["--sizes", ALL_SIZES], 3),
    Step(
        "recommendation",
        "recommender built from the store, latency per question, store memory (30k, 300k, 1.24M, 3M triples)",
        "recommend",
        ["--sizes", RECOMMEND_SIZES],
        6,
    ),
    Step(
        "completion",
        "/api/complete while typing vs the same question as SPARQL (bundled graph, 300k triples)",
        "complete",
        ["--sizes", "0,300000"],
        3,
    ),
    Step(
        "remote",
        "the at-scale recipe on Oxigraph server and Virtuoso (3M triples)",
        "remote",
        ["--triples", "3000000"],
        27,
    ),
    Step("ingest", "ascn ingest on the test documents: entity-link precision, fact recall", "ingest", [], 0.5),
]
QUICK = [
    Step(
        "endpoint",
        "ascn serve vs oxigraph serve vs rdflib-endpoint (bundled graph, 30k triples, short loads)",
        "endpoint",
        ["--synthetic-triples", "30000", "--requests", "320", "--seconds", "15", "--settle", "30"],
        2,
    ),
    Step(
        "pages", "first visit of every page after ascn build, warm pages (bundled graph)", "pages", ["--rounds", "5"], 2
    ),
    Step("load", "ascn load vs oxigraph load (30k, 300k triples)", "load", ["--sizes", QUICK_SIZES], 1),
    Step(
        "recommendation",
        "recommender built from the store, latency per question, store memory (30k, 300k triples)",
        "recommend",
        ["--sizes", QUICK_SIZES],
        6,
    ),
    Step(
        "completion",
        "/api/complete while typing vs the same question as SPARQL (bundled graph, 30k triples)",
        "complete",
        ["--sizes", "0,30000", "--words", "20"],
        1,
    ),
    Step(
        "remote",
        "the at-scale recipe on Oxigraph server and Virtuoso (30k triples)",
        "remote",
        ["--triples", "30000"],
        1,
    ),
    Step("ingest", "ascn ingest on the test documents: entity-link precision, fact recall", "ingest", [], 0.5),
]


def run(step: Step) -> list[Row]:
    """Run one step in its own process, showing and keeping its output; a failure becomes a summary row."""
    print(f"\n# {step.name}: {step.title}", flush=True)
    started = time.perf_counter()
    lines = []
    child = subprocess.Popen(
        [sys.executable, "-m", f"benchmarks.{step.module}", *step.argv], stdout=subprocess.PIPE, text=True
    )
    for line in child.stdout:
        print(line, end="", flush=True)
        lines.append(line.rstrip("\n"))
    code = child.wait()
    minutes = (time.perf_counter() - started) / 60
    print(f"# {step.name} took {minutes:.1f} min (expected about {step.minutes:g})", flush=True)
    found = rows(step.name, lines)
    if code != 0:
        print(f"# {step.name} FAILED (exit code {code}; its error is above)", flush=True)
        found.append(Row(step.name, "", f"FAILED: exit code {code} (the error is printed above the summary)", "failed"))
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="development run: no 3M triples, the endpoint at 30k with short loads"
    )
    args = parser.parse_args(argv)
    steps = QUICK if args.quick else FULL
    print(f"machine: {machine()}")
    print(
        f"{'quick' if args.quick else 'full'} run: "
        + ", ".join(f"{s.name} ~{s.minutes:g} min" for s in steps)
        + f"; expected about {sum(s.minutes for s in steps):g} min in all",
        flush=True,
    )
    started = time.perf_counter()
    found = [row for step in steps for row in run(step)]
    print(f"\n# summary ({(time.perf_counter() - started) / 60:.1f} min in all)")
    print(table(found), flush=True)


if __name__ == "__main__":
    main()
