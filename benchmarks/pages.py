"""Pages after a build: the first visit of every page, and warm pages, on a fresh ``ascn build``.

The script builds a fresh data directory (``ascn build``, timed), starts ``ascn serve`` on it and, as soon as the
server answers, visits every page once in turn — the home page, Find projects, the query editor, the match page and
its answers, the data page, the ontology, search, changes, review and an entity page of each kind — timing each
first visit (what the first person after a build waits for). It then waits until the server is idle (its background
work, the recommender's evaluation, done), visits every page ``--rounds`` more times and prints the p95 of those
warm visits, and checks the data page now shows the evaluation. Every visit must answer 200.

Nothing is waited for between the server's first answer and the first visits: a page whose parts are still being
prepared in the background must answer anyway, fast, with what it has (the data page says its evaluation is still
being computed).

Targets: every first visit under 1 s; warm p95 under 100 ms. Visits send no ``If-None-Match``, so no 304 helps:
every visit makes its page.

Run: ``python -m benchmarks.pages`` (``--rounds 20`` by default).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.endpoint import BIN, Endpoint, free_port, machine, running, settle

FIRST_TARGET = 1.0
WARM_P95_TARGET = 0.100
PAGES = (
    "/",
    "/projects",
    "/projects?focus=quality_environment",
    "/query",
    "/match",
    "/match?who=partner&partner=japan",
    "/match?who=city&focus=quality_environment&text=bus",
    "/data",
    "/ontology",
    "/search?q=water",
    "/changes",
    "/review",
    "/id/city/da-nang",
    "/id/project/kul-urban-observatory",
    "/id/partner/japan",
    "/id/focus-area/quality_environment",
    "/id/country/vn",
    "/id/pairing/yokohama-danang",
    "/id/source/ascn_me_2022",
    "/id/programme/smart-jamp",
    "/id/practice/bp-expertise-gap",
    "/match?who=partner&partner=yokohama&focus=quality_environment",
)


def visit(endpoint: Endpoint, path: str, timeout: float = 120) -> tuple[int, float, bytes]:
    """One GET of ``path`` on a new connection (as a first visitor's browser): status, seconds, body."""
    conn = endpoint.connect(timeout)
    try:
        started = time.perf_counter()
        conn.request("GET", path, headers={"Accept": "text/html"})
        response = conn.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, body
    finally:
        conn.close()


def report(build: float, first: dict[str, tuple[int, float]], warm: dict[str, list[float]], evaluation: str) -> str:
    """The figures and the two targets.

    >>> print(report(2.0, {"/": (200, 0.2), "/data": (200, 1.5)}, {"/": [0.01, 0.02], "/data": [0.05]}, "shown"))
    ascn build                  2.00 s
    <BLANKLINE>
       page                              first ms   warm p50 ms
       /                                    200.0          15.0
       /data                               1500.0          50.0
    <BLANKLINE>
       slowest first visit: /data 1500 ms   target < 1000 ms   missed
       warm pages: p95 50.0 ms over 3 visits   target < 100 ms   met
       the data page's evaluation after the server settled: shown
    """
    lines = [f"ascn build {build:21.2f} s", "", f"   {'page':<33}{'first ms':>9}{'warm p50 ms':>14}"]
    for path, (status, seconds) in first.items():
        note = "" if status == 200 else f"   HTTP {status}"
        times = warm.get(path) or [float("nan")]
        lines.append(f"   {path:<33}{seconds * 1000:9.1f}{statistics.median(times) * 1000:14.1f}{note}")
    slowest = max(first, key=lambda p: first[p][1])
    worst = first[slowest][1]
    failed = [p for p, (status, _) in first.items() if status != 200]
    verdict = "met" if worst < FIRST_TARGET and not failed else "missed"
    lines += [
        "",
        f"   slowest first visit: {slowest} {worst * 1000:.0f} ms   target < {FIRST_TARGET * 1000:.0f} ms   "
        f"{verdict}" + (f" ({len(failed)} pages not 200)" if failed else ""),
    ]
    all_warm = sorted(t for times in warm.values() for t in times)
    p95 = all_warm[min(len(all_warm) - 1, round(0.95 * (len(all_warm) - 1)))]
    lines.append(
        f"   warm pages: p95 {p95 * 1000:.1f} ms over {len(all_warm)} visits   "
        f"target < {WARM_P95_TARGET * 1000:.0f} ms   {'met' if p95 < WARM_P95_TARGET else 'missed'}"
    )
    lines.append(f"   the data page's evaluation after the server settled: {evaluation}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="warm visits of every page")
    parser.add_argument("--settle", type=float, default=300, help="wait at most this long for the server to go idle")
    parser.add_argument("--workdir", type=Path, help="where the store and logs go (default: a temporary folder)")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="ascn-bench-pages-"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / "ascn"
    shutil.rmtree(data, ignore_errors=True)
    try:
        print(f"machine: {machine()}", flush=True)
        print("\n== pages after a build (bundled graph)", flush=True)
        started = time.perf_counter()
        with (work / "build.log").open("wb") as out:
            subprocess.run(
                [str(BIN / "ascn"), "--data-dir", str(data), "build"], stdout=out, stderr=subprocess.STDOUT, check=True
            )
        build = time.perf_counter() - started
        port = free_port()
        command = [str(BIN / "ascn"), "--data-dir", str(data), "serve", "--host", "127.0.0.1", "--port", str(port)]
        with running("ascn serve", command, port, "/sparql", work / "serve.log", settle_for=0) as endpoint:
            first = {}
            for path in PAGES:
                status, seconds, _ = visit(endpoint, path)
                first[path] = (status, seconds)
            settled = settle(endpoint.process.pid, args.settle)
            warm: dict[str, list[float]] = {path: [] for path in PAGES}
            for _ in range(args.rounds):
                for path in PAGES:
                    status, seconds, _ = visit(endpoint, path)
                    if status == 200:
                        warm[path].append(seconds)
            status, _, body = visit(endpoint, "/data")
            shown = "shown" if b'id="evaluation-table"' in body else f"NOT shown (HTTP {status})"
        print(
            f"ascn serve answering after {endpoint.started_in:.1f} s; idle {settled:.1f} s after the first visits "
            "(the evaluation in the background)",
            flush=True,
        )
        print(report(build, first, warm, shown), flush=True)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
