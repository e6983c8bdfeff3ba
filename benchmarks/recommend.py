"""Recommendation latency at each scale, through the store, as the web app and ``ascn recommend`` answer.

For each size the synthetic graph (:mod:`benchmarks.synthetic`; the file :mod:`benchmarks.load` caches) goes into
a fresh data directory by the real commands, each in its own process: ``ascn build`` (the bundled graph), then
``ascn load FILE --name synthetic``. A fresh process per size then

1. opens the store as the command does (:func:`loaders.dataset.open_graph`) and answers one query (a triple
   count): the store's memory is the process's RSS then, beside the RSS before the store was opened and the
   store's size on disk;
2. builds the recommender from the store: the typed graph read by the ``similarity_*`` SPARQL queries
   (:meth:`graph.similarity.typed_graph.GraphCache.get`, what the first recommendation after a load pays), then
   every similarity structure (meta-path matrices, the PageRank operator, the text indexes, the link look-ups),
   which each question would otherwise build on its first call, kept with the typed graph in the data
   directory's ``derived/`` (:meth:`graph.similarity.scoring.Scorer.warm`), once, as the web app's warm-up does;
   then, as a restart on the same content does, drops them and reads the typed graph back from ``derived/`` by a
   new cache, with its structures, and asks for the structures again (nothing left to build when they were kept);
3. asks each of the six questions about random entities (top 10, with reasons), twice over the same draws:
   *through the store*, calling the recommend functions with the store and a graph cache as the web app's API
   and the command do, so every call first asks the store for its version key (:meth:`graph.store.Store.version`)
   and then finds the typed graph in the cache; and *alone*, on the cached typed graph, which is what issue 5's latency
   target was set on. Both ask the typed graph read back at the restart, as a restarted server would.

It prints the figures of each step (the builds' wall time and the process's CPU time, reader threads included),
p50/p95/max per question, the process's RSS after the build and at its peak,
and the targets: the build (typed graph and structures) under 15 s (issue 15, set at 3M triples; issue 5 had 30 s at
10,000 cities), p95 under 50 ms per question (issues 5 and 12).
Calls through the store stop after ``--budget`` seconds per question,
so their count is printed beside their percentiles.

Run: ``python -m benchmarks.recommend`` (30k and 300k triples), ``--sizes 1240000`` (about 10,000 cities, the size
issue 12's latency target names: :data:`TEN_THOUSAND_CITIES`) or ``--sizes 3000000``.
"""

from __future__ import annotations

import argparse
import functools
import gc
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.load import CACHE, disk_size, synthetic_file
from graph.config import Settings
from graph.similarity.reasons import Recommendations
from graph.similarity.recommend import ask as question
from graph.similarity.scoring import scorer
from graph.similarity.typed_graph import GraphCache, TypedGraph
from graph.store import Store
from loaders import dataset

P95_TARGET_MS = 50.0
TEN_THOUSAND_CITIES = 1_240_000
"""The synthetic size that holds about 10,000 cities (10,074 with the bundled graph's, about 124 triples a city):
the size issue 12's latency target names (issue 5 set it at 10,000 cities)."""
BUILD_TARGET_S = 15.0
BIN = Path(sys.executable).parent


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory (``VmRSS``) or its peak (``VmHWM``), in MB, from /proc.

    >>> 0 < rss_mb() <= rss_mb("VmHWM")  # the peak read later is at least the RSS read before
    True
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass(frozen=True)
class Timing:
    """Milliseconds per call of one question, and how many answers had no recommendation to show."""

    ms: tuple[float, ...]
    empty: int = 0

    def percentile(self, p: float) -> float:
        return float(np.percentile(self.ms, p)) if self.ms else float("nan")

    def cells(self) -> str:
        if not self.ms:
            return f"{0:>6}{'-':>9}{'-':>9}{'-':>9}"
        return f"{len(self.ms):>6}{self.percentile(50):9.1f}{self.percentile(95):9.1f}{max(self.ms):9.1f}"


def timed(calls: list[Callable[[], object]], budget: float) -> tuple[tuple[float, ...], list]:
    """Run ``calls`` in turn until all have run or ``budget`` seconds have passed (at least one): the
    milliseconds of each call and its answer."""
    ms: list[float] = []
    answers = []
    start = time.perf_counter()
    for call in calls:
        t = time.perf_counter()
        answers.append(call())
        ms.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() - start > budget:
            break
    return tuple(ms), answers


def ask(calls: list[Callable[[], Recommendations]], budget: float) -> Timing:
    """:func:`timed` for recommendation questions, counting the answers with nothing to show."""
    ms, answers = timed(calls, budget)
    return Timing(ms, sum(1 for answer in answers if not answer.items))


def draws(store, tg: TypedGraph, n: int, seed: int = 1) -> dict[str, list[Callable[..., Recommendations]]]:
    """``n`` random questions of each kind, as calls still taking ``cache=`` (through the store) or ``tg=``.

    The subjects are drawn among all entities of the kind (bundled and synthetic) with a fixed seed; a planned
    project is a random planning city, one or two random focus areas and the words of a random project's name.
    """
    rng = random.Random(seed)
    cities, projects, partners, areas = (tg.ids(k) for k in ("city", "project", "partner", "focus_area"))

    def pick(ids: list[str]) -> str:
        return ids[rng.randrange(len(ids))]

    def plan() -> Callable[..., Recommendations]:
        focus = sorted({pick(areas) for _ in range(rng.randint(1, 2))})
        return functools.partial(
            question, store, "projects_for_plan", city=pick(cities), focus=focus, text=tg.label(pick(projects))
        )

    return {
        "similar_cities": [functools.partial(question, store, "similar_cities", city=pick(cities)) for _ in range(n)],
        "projects_for_city": [
            functools.partial(question, store, "projects_for_city", city=pick(cities)) for _ in range(n)
        ],
        "projects_like": [
            functools.partial(question, store, "projects_like", project=pick(projects)) for _ in range(n)
        ],
        "projects_for_plan": [plan() for _ in range(n)],
        "cities_for_partner": [
            functools.partial(question, store, "cities_for_partner", partner=pick(partners)) for _ in range(n)
        ],
        "partners_for_city": [
            functools.partial(question, store, "partners_for_city", city=pick(cities)) for _ in range(n)
        ],
    }


def prepare(path: Path, data_dir: Path) -> dict[str, float]:
    """A fresh data directory holding the bundled graph and ``path`` in the graph ``synthetic``, made by the
    real commands in their own processes (timed)."""
    shutil.rmtree(data_dir, ignore_errors=True)
    ascn = [str(BIN / "ascn"), "--data-dir", str(data_dir)]
    timings = {}
    for step, args in (("ascn build", ["build"]), ("ascn load", ["load", str(path), "--name", "synthetic"])):
        start = time.perf_counter()
        done = subprocess.run([*ascn, *args], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"{step} failed ({done.returncode}):\n{(done.stdout + done.stderr)[-2000:]}")
        timings[step] = time.perf_counter() - start
    return timings


@dataclass(frozen=True)
class Scale:
    """The figures of one size (see the module's docstring for how each is taken)."""

    triples: int
    quads: int
    kinds: dict[str, int]
    links: int
    steps: dict[str, float]
    rss_before: float
    store_rss: float
    disk_mb: float
    count_ms: float
    read_s: float
    structures_s: float
    kept_s: float
    """The typed graph read back from ``derived/`` by a new cache (with the structures kept with it)."""
    kept_structures_s: float
    """What the structures still cost after that read back: with :attr:`kept_s`, what a restart pays."""
    cpu_s: tuple[float, float]
    """The process's CPU seconds for the first build (read and structures) and for the build after a restart."""
    built_rss: float
    peak_rss: float
    version_ms: tuple[float, ...]
    questions: dict[str, tuple[Timing, Timing]]
    """Per question: the calls through the store, then the same draws on the cached typed graph alone."""


def _build(store: Store, data_dir: Path) -> tuple[GraphCache, TypedGraph, float, float, float]:
    """One start's recommender build, as the web app's warm-up (the typed graph kept in ``derived/`` once, with its
    structures): its cache and typed graph, the seconds reading (or reading back) the typed graph and building
    what is left of the structures, and the CPU seconds of both."""
    cpu = time.process_time()
    cache = GraphCache(data_dir=data_dir)
    t = time.perf_counter()
    tg = cache.get(store, keep=False)
    read = time.perf_counter() - t
    t = time.perf_counter()
    scorer(tg).warm()
    return cache, tg, read, time.perf_counter() - t, time.process_time() - cpu


def measure(size: int, queries: int, budget: float, cache_dir: Path) -> Scale:
    """Prepare, open, build and ask at one size, in this process."""
    path, count = synthetic_file(cache_dir, size)
    with tempfile.TemporaryDirectory(prefix="ascn-bench-recommend-") as work:
        data_dir = Path(work) / "data"
        steps = prepare(path, data_dir)
        before = rss_mb()
        store = dataset.open_graph(Settings(data_dir=data_dir))
        try:
            t = time.perf_counter()
            quads = int(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0])
            count_ms = (time.perf_counter() - t) * 1000
            store_rss, disk = rss_mb(), disk_size(data_dir / "current") / 2**20
            cache, tg, read, structures, first_cpu = _build(store, data_dir)
            del tg, cache
            gc.collect()  # the first build's graph and structures leave memory, as at a restart
            cache, tg, kept, kept_structures, kept_cpu = _build(store, data_dir)  # the next start's, same content
            built_rss = rss_mb()
            version_ms, _ = timed([store.version for _ in range(5)], budget)
            questions = {
                name: (
                    ask([functools.partial(c, cache=cache) for c in calls], budget),
                    ask([functools.partial(c, tg=tg) for c in calls], budget),
                )
                for name, calls in draws(store, tg, queries).items()
            }
        finally:
            store.close()
    return Scale(
        count,
        quads,
        {k: len(tg.ids(k)) for k in ("city", "project", "partner")},
        len(tg.links),
        steps,
        before,
        store_rss,
        disk,
        count_ms,
        read,
        structures,
        kept,
        kept_structures,
        (first_cpu, kept_cpu),
        built_rss,
        rss_mb("VmHWM"),
        version_ms,
        questions,
    )


def report(s: Scale) -> str:
    """The figures of one size and its three targets, each on a line of its own (for the summary)."""
    build, restart = s.read_s + s.structures_s, s.kept_s + s.kept_structures_s
    lines = [
        f"\n## {s.triples:,} triples — {s.kinds['city']:,} cities, {s.kinds['project']:,} projects, "
        f"{s.kinds['partner']:,} partners, {s.links:,} links (the synthetic file and the bundled graph)",
        "   "
        + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in s.steps.items())
        + f" (a fresh data directory, {s.quads:,} quads)",
        f"   store memory: {s.store_rss:.0f} MB RSS holding the store open after one query (a triple count, "
        f"{s.count_ms:.0f} ms; {s.rss_before:.0f} MB before opening it), {s.disk_mb:.1f} MB on disk (no target)",
        f"   typed graph from the store (9 SPARQL reads, two at a time, then kept in derived/) {s.read_s:.2f} s, "
        f"similarity structures (then kept with it) {s.structures_s:.2f} s",
        f"   recommender build: {build:.2f} s, CPU {s.cpu_s[0]:.2f} s (target < {BUILD_TARGET_S:g} s: "
        f"{'met' if build < BUILD_TARGET_S else 'missed'})",
        f"   after a restart on the same content: typed graph read back from derived/ with its structures "
        f"{s.kept_s:.2f} s, structures still to build {s.kept_structures_s:.2f} s, build {restart:.2f} s, CPU "
        f"{s.cpu_s[1]:.2f} s (target < {BUILD_TARGET_S:g} s: {'met' if restart < BUILD_TARGET_S else 'missed'})",
        f"   RSS with the recommender built {s.built_rss:.0f} MB, peak {s.peak_rss:.0f} MB; every call through the "
        f"store first asks for the store's version key: p50 {Timing(s.version_ms).percentile(50):.1f} ms "
        f"over {len(s.version_ms)}",
        f"\n   {'':<20}{'through the store (as the web app)':>36}   {'alone (cached typed graph)':>33}",
        f"   {'question':<20}" + f"{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}   " * 2 + "empty",
    ]
    lines += [
        f"   {name:<20}{through.cells()}   {alone.cells()}   {alone.empty:>5}"
        for name, (through, alone) in s.questions.items()
    ]
    for how, which in (("through the store", 0), ("of the recommender alone", 1)):
        worst, name = max((t[which].percentile(95), n) for n, t in s.questions.items())
        lines.append(
            f"   worst p95 {how} at {s.kinds['city']:,} cities: {worst:.1f} ms ({name}) (target < {P95_TARGET_MS:g} ms: "
            f"{'met' if worst < P95_TARGET_MS else 'missed'})"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="30000,300000", help="comma-separated triple counts (default: %(default)s)")
    parser.add_argument("--queries", type=int, default=100, help="random questions of each kind (default: %(default)s)")
    parser.add_argument(
        "--budget",
        type=float,
        default=30.0,
        help="stop a question's timed calls after this many seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--cache", type=Path, default=CACHE, help="where generated files are kept between runs (default: %(default)s)"
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="measure in this process instead of a fresh one per size (what each child does; the "
        "RSS then includes whatever ran before)",
    )
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"recommendation latency: {args.queries} random questions of each kind per size, at most "
        f"{args.budget:g} s of calls per question and way",
        flush=True,
    )
    for size in sizes:
        if args.in_process:
            print(report(measure(size, args.queries, args.budget, args.cache)), flush=True)
            continue
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "benchmarks.recommend",
                "--in-process",
                "--sizes",
                str(size),
                "--queries",
                str(args.queries),
                "--budget",
                str(args.budget),
                "--cache",
                str(args.cache),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for line in child.stdout:  # re-printed, so a caller capturing sys.stdout sees the child's figures
            if not line.startswith("recommendation latency:"):
                print(line, end="", flush=True)
        if child.wait() != 0:
            sys.exit(f"the recommendation benchmark at {size:,} triples failed ({child.returncode})")


if __name__ == "__main__":
    main()
