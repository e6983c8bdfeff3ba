"""Endpoint speed: ``ascn serve`` against ``oxigraph serve`` and rdflib-endpoint, same graph, same load, same run.

For each graph — the bundled one and a synthetic one (300k triples by default, :mod:`benchmarks.synthetic`) —
the script:

1. builds a fresh ascn data directory (``ascn build``; the synthetic graph is then added with ``ascn load`` or
   through the store API, see ``--load``), timing each step;
2. exports that store as N-Quads and loads the very same quads into a fresh Oxigraph directory with
   ``oxigraph load`` (timed), and into rdflib-endpoint at its start (timed until it answers);
3. starts each server on 127.0.0.1 and a free port, checks that every query of the repeated mix gives the same
   number of rows on each (a server answering a different graph would make the figures meaningless), then sends
   each the same two bounded closed-loop loads: ``--clients`` threads, each sending its next request when the
   last one is answered, for ``--requests`` requests or ``--seconds`` seconds, whichever ends first;
4. stops each server by its PID, and prints throughput, p50/p95 latency and errors per server and mix, the ratios
   ascn/oxigraph and ascn/rdflib-endpoint per mix against the targets, ascn's median over the cheap library
   queries, and each query's median.

The two mixes:

- **repeated**: every library query (``queries/library``) with its default parameters, plus a few ad-hoc queries
  (counts, a join, a filter), in an order shuffled per cycle with a fixed seed. The same texts come again and
  again, as from a dashboard or a tutorial: ascn answers them from its kept answers.
- **unique**: the library queries with parameters, each request bound to values read from the graph (cities,
  countries, partners, programmes, projects, focus areas, statuses, label words, years, distances), no text sent
  twice, so no kept answer helps: the cost of a query through the whole request path.

Both are the same sequence for every server. Each request is ``POST application/sparql-query`` with
``Accept: application/sparql-results+json`` over a kept-alive connection per client thread.

``--profile`` samples the ascn server (and its query workers) with py-spy during one more unique round (other
values) and prints where the time goes.

Run: ``python -m benchmarks.endpoint`` (options: ``--help``). Needs the ``bench`` extra:
``pip install -e '.[test,bench]'``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import synthetic

BIN = Path(sys.executable).parent
ACCEPT = "application/sparql-results+json"
MIXES = ("repeated", "unique")
TARGETS = {
    ("bundled", "repeated", "oxigraph"): 1.0,
    ("bundled", "unique", "oxigraph"): 0.8,
    ("synthetic", "unique", "oxigraph"): 0.8,
    ("bundled", "repeated", "rdflib-endpoint"): 5.0,
    ("bundled", "unique", "rdflib-endpoint"): 5.0,
    ("synthetic", "repeated", "rdflib-endpoint"): 5.0,
    ("synthetic", "unique", "rdflib-endpoint"): 5.0,
}
"""ascn's throughput must reach at least this multiple of each peer's, per graph (bundled, synthetic) and mix; a
ratio with no entry is printed with "no target"."""
GOALS = {("bundled", "repeated", "oxigraph"): 1.5}
"""Beyond the target: what the issue hopes for."""
CHEAP_MS = 3.0
"""A library query is cheap when Oxigraph's median for it is at most this; ascn's median over the cheap ones must be
at most this too (in the unique mix, where no kept answer helps)."""

AD_HOC = {
    "adhoc_count_triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "adhoc_count_by_class": "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) ?class",
    "adhoc_join_projects": """PREFIX ascn: <https://w3id.org/ascn/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?project ?label ?cityLabel ?countryLabel ?area WHERE {
  ?project a ascn:Project ; rdfs:label ?label ; ascn:inCity ?city ; ascn:focusArea ?area .
  ?city rdfs:label ?cityLabel ; ascn:country ?country .
  ?country rdfs:label ?countryLabel .
} ORDER BY ?project ?area LIMIT 200""",
    "adhoc_filter_cities": """PREFIX ascn: <https://w3id.org/ascn/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT ?city ?label ?lat WHERE {
  ?city a ascn:City ; rdfs:label ?label ; wgs:lat ?lat ; ascn:pilotCity true .
  FILTER(?lat > 10 && ?lat < 16 && CONTAINS(LCASE(STR(?label)), "a"))
} ORDER BY ?city LIMIT 500""",
}


def query_mix() -> dict[str, str]:
    """The queries of the load: each library query bound with its defaults, then the ad-hoc ones."""
    from queries.library import library

    mix = {name: query.bind() for name, query in sorted(library().items())}
    mix.update(AD_HOC)
    return mix


def sequence(mix: dict[str, str], requests: int, seed: int = 1) -> list[str]:
    """Query names in the order sent: whole cycles of the mix, each cycle shuffled with a fixed seed.

    >>> sequence({"a": "", "b": "", "c": ""}, 7) == sequence({"a": "", "b": "", "c": ""}, 7)
    True
    >>> sorted(sequence({"a": "", "b": "", "c": ""}, 6))
    ['a', 'a', 'b', 'b', 'c', 'c']
    """
    rng = random.Random(seed)
    order: list[str] = []
    while len(order) < requests:
        cycle = sorted(mix)
        rng.shuffle(cycle)
        order += cycle
    return order[:requests]


UNIQUE_YEARS = range(1995, 2031)
UNIQUE_KM = range(25, 5001, 25)


def value_pools(data_dir: Path) -> dict[str, list[str]]:
    """What the unique mix binds, read from the ascn store before it is served: the IRIs of each kind of entity
    (``city``, ``partner``, ``focus-area`` ...), the words of labels, and years and distances."""
    from graph.backends import open_store
    from graph.config import Settings
    from ontology.namespace import ID

    store = open_store(Settings(data_dir=data_dir, auto_build=False))
    try:
        subjects = store.values("SELECT DISTINCT ?s WHERE { ?s a ?type }").column("s")
        labels = store.values("SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }").column("l")
    finally:
        store.close()
    pools: dict[str, set[str]] = defaultdict(set)
    for iri in subjects:
        kind, _, ident = (iri or "").removeprefix(str(ID)).partition("/")
        if iri and iri.startswith(str(ID)) and ident and "/" not in ident:
            pools[kind].add(iri)
    pools["string"] = {w for label in labels if label for w in re.findall(r"[^\W\d_]{4,}", label.lower())}
    pools["year"] = {str(y) for y in UNIQUE_YEARS}
    pools["decimal"] = {str(km) for km in UNIQUE_KM}
    return {kind: sorted(values) for kind, values in pools.items()}


def unique_requests(pools: dict[str, list[str]], requests: int, leave_out=(), seed: int = 1) -> list[tuple[str, str]]:
    """``requests`` (query name, text) pairs in which no text repeats: each library query with parameters, in
    turn (shuffled per round with a fixed seed), bound to its next combination of values from ``pools`` (its
    entity kind for an IRI parameter, else its type), so no kept answer can serve any of them.

    >>> pools = {"city": ["https://w3id.org/ascn/id/city/a", "https://w3id.org/ascn/id/city/b"],
    ...          "year": ["2019", "2020"], "decimal": ["100"], "string": ["water"]}
    >>> made = unique_requests(pools, 12)
    >>> len(made) == len({text for _, text in made}) == 12
    True
    """
    import itertools

    from queries.library import library

    rng = random.Random(seed)
    bindings = {}
    for name, query in sorted(library().items()):
        varying = [
            (p.name, list(pools.get(p.entity or p.type, ()))) for p in query.params if p.type != "iri" or p.entity
        ]
        varying = [(param, values) for param, values in varying if values]
        if not varying or name in leave_out:
            continue
        for _, values in varying:
            rng.shuffle(values)
        combos = itertools.product(*(values for _, values in varying))
        bindings[name] = (query, [param for param, _ in varying], combos)
    made: list[tuple[str, str]] = []
    while len(made) < requests and bindings:
        names = sorted(bindings)
        rng.shuffle(names)
        for name in names:
            query, params, combos = bindings[name]
            combo = next(combos, None)
            if combo is None:
                del bindings[name]
                continue
            made.append((name, query.bind(dict(zip(params, combo)))))
            if len(made) == requests:
                break
    texts = {text for _, text in made}
    if len(texts) != len(made):
        raise AssertionError("the unique mix repeats a query text")
    return made


# -- servers -------------------------------------------------------------------------------------
@dataclass
class Endpoint:
    name: str
    port: int
    path: str
    process: subprocess.Popen
    started_in: float = 0.0
    settled_in: float = 0.0

    def post(self, conn: http.client.HTTPConnection, query: str) -> tuple[int, bytes]:
        conn.request(
            "POST",
            self.path,
            body=query.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query", "Accept": ACCEPT},
        )
        response = conn.getresponse()
        return response.status, response.read()

    def connect(self, timeout: float) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(
    name: str, args: list[str], port: int, path: str, log: Path, settle_for: float, wait: float = 600
) -> Iterator[Endpoint]:
    """Start a server, wait until it answers a query and then until it is idle (at most ``settle_for`` s), yield
    it; stop it by its PID (SIGTERM, then SIGKILL)."""
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    endpoint = Endpoint(name, port, path, process)
    try:
        deadline = time.monotonic() + wait
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}; see {log}")
            try:
                with closing(endpoint.connect(5)) as conn:
                    if endpoint.post(conn, "ASK { ?s ?p ?o }")[0] == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer within {wait:g} s; see {log}")
            time.sleep(0.1)
        endpoint.started_in = time.perf_counter() - started
        endpoint.settled_in = settle(process.pid, settle_for) + endpoint.started_in
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def settle(pid: int, wait: float, busy: float = 0.05) -> float:
    """Seconds until ``pid`` and its children use under ``busy`` of a CPU over a second (at most ``wait``).

    ``ascn serve`` starts the recommender's evaluation in a child process (unless the content was evaluated before),
    which takes a CPU for a while after the server answers; the load is measured once every server is idle, so it
    sees the steady state.
    """
    start = time.perf_counter()
    last = _cpu_seconds(pid)
    while time.perf_counter() - start < wait:
        time.sleep(1.0)
        now = _cpu_seconds(pid)
        if now - last < busy:
            break
        last = now
    return time.perf_counter() - start


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its descendants, from /proc (0 where unreadable)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending += [int(c) for c in children]
        except (OSError, IndexError, ValueError):
            continue
    return total


@contextmanager
def closing(conn: http.client.HTTPConnection) -> Iterator[http.client.HTTPConnection]:
    try:
        yield conn
    finally:
        conn.close()


def serve_ascn(data_dir: Path, log: Path, settle_for: float, workers: int | None, threads: int | None):
    port = free_port()
    args = [
        str(BIN / "ascn"),
        "--data-dir",
        str(data_dir),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *(("--workers", str(workers)) if workers else ()),  # else ascn serve's default, as a user gets it
        *(("--threads", str(threads)) if threads else ()),
    ]
    return running("ascn serve", args, port, "/sparql", log, settle_for)


def serve_oxigraph(location: Path, log: Path, settle_for: float):
    port = free_port()
    args = [
        str(BIN / "oxigraph"),
        "serve",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    return running("oxigraph serve", args, port, "/query", log, settle_for)


def serve_rdflib_endpoint(nquads: Path, log: Path, settle_for: float):
    port = free_port()
    args = [str(BIN / "rdflib-endpoint"), "serve", str(nquads), "--host", "127.0.0.1", "--port", str(port)]
    return running("rdflib-endpoint", args, port, "/", log, settle_for)


# -- graphs --------------------------------------------------------------------------------------
@dataclass
class Prepared:
    """A graph ready to serve: the ascn data directory, the same quads as a file and in an Oxigraph directory."""

    label: str
    ascn_dir: Path
    nquads: Path
    oxigraph_dir: Path
    quads: int
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    pools: dict[str, list[str]] = field(default_factory=dict)
    """The values the unique mix binds (:func:`value_pools`)."""


def _timed(args: list[str], log: Path) -> float:
    start = time.perf_counter()
    with log.open("ab") as out:
        subprocess.run(args, stdout=out, stderr=subprocess.STDOUT, check=True)
    return time.perf_counter() - start


def prepare(work: Path, label: str, synthetic_triples: int | None, load: str) -> Prepared:
    """Build the ascn store (bundled graph, plus the synthetic one if asked), export it, load it into Oxigraph."""
    folder = work / label
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ascn = [str(BIN / "ascn"), "--data-dir", str(folder / "ascn")]
    log = folder / "prepare.log"
    prepared = Prepared(label, folder / "ascn", folder / "dataset.nq", folder / "oxigraph", 0)
    t = prepared.timings
    t["ascn build (bundled)"] = _timed([*ascn, "build"], log)
    if synthetic_triples:
        nt = work / f"synthetic-{synthetic_triples}.nt"
        if not nt.exists():
            written = synthetic.generate(nt, synthetic_triples)
            t["generate synthetic"] = written.seconds
        triples = sum(1 for line in nt.open(encoding="utf-8") if not line.startswith("#"))
        prepared.notes.append(f"synthetic graph: {triples:,} triples from {nt.name}")
        if load == "cli":
            t["ascn load (synthetic)"] = _timed([*ascn, "load", str(nt), "--name", "synthetic"], log)
        else:
            t.update(_load_through_api(prepared.ascn_dir, nt))
    prepared.pools = value_pools(prepared.ascn_dir)
    t["ascn export (nquads)"] = _timed([*ascn, "export", "--format", "nquads", "--output", str(prepared.nquads)], log)
    prepared.quads = sum(1 for _ in prepared.nquads.open(encoding="utf-8"))
    t["oxigraph load"] = _timed(
        [str(BIN / "oxigraph"), "load", "--location", str(prepared.oxigraph_dir), "--file", str(prepared.nquads)], log
    )
    return prepared


def _load_through_api(data_dir: Path, nt: Path) -> dict[str, float]:
    """Add the synthetic graph as ``ascn load --name synthetic`` would, minus the SHACL check: parse, then rebuild.

    ``store.rebuild`` writes through pyoxigraph's bulk ``extend`` (``replace_graphs`` sends one SPARQL update).
    """
    from rdflib import Graph

    from graph.backends import open_store
    from graph.config import Settings

    start = time.perf_counter()
    graph = Graph().parse(nt, format="nt")
    parsed = time.perf_counter()
    store = open_store(Settings(data_dir=data_dir, auto_build=False))
    try:
        store.rebuild({synthetic.SYNTHETIC_GRAPH: graph}, keep=store.graph_names())
    finally:
        store.close()
    stored = time.perf_counter()
    return {"rdflib parse (synthetic)": parsed - start, "store.rebuild (synthetic)": stored - parsed}


# -- load ----------------------------------------------------------------------------------------
@dataclass
class Run:
    """One server's answers to the load: (query name, seconds, ok) per request, and the wall time."""

    server: str
    samples: list[tuple[str, float, bool]]
    wall: float
    requested: int

    @property
    def ok(self) -> list[float]:
        return [s for _, s, ok in self.samples if ok]

    @property
    def errors(self) -> int:
        return sum(1 for *_, ok in self.samples if not ok)

    @property
    def throughput(self) -> float:
        return len(self.ok) / self.wall if self.wall else 0.0

    def percentile(self, p: int) -> float:
        times = sorted(self.ok)
        if not times:
            return float("nan")
        return times[min(len(times) - 1, round(p / 100 * (len(times) - 1)))]

    def median_by_query(self) -> dict[str, float]:
        by: dict[str, list[float]] = defaultdict(list)
        for name, seconds, ok in self.samples:
            if ok:
                by[name].append(seconds)
        return {name: statistics.median(times) for name, times in by.items()}


def load(endpoint: Endpoint, order: list[tuple[str, str]], clients: int, seconds: float, timeout: float) -> Run:
    """Closed loop: ``clients`` threads send the (name, query) requests of ``order`` one after another until done or
    time's up."""
    lock = threading.Lock()
    position = 0
    samples: list[tuple[str, float, bool]] = []
    deadline = time.monotonic() + seconds

    def client() -> None:
        nonlocal position
        conn = endpoint.connect(timeout)
        try:
            while True:
                with lock:
                    if position >= len(order) or time.monotonic() > deadline:
                        return
                    name, text = order[position]
                    position += 1
                started = time.perf_counter()
                try:
                    status, _ = endpoint.post(conn, text)
                    ok = status == 200
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = endpoint.connect(timeout)
                    ok = False
                elapsed = time.perf_counter() - started
                with lock:
                    samples.append((name, elapsed, ok))
        finally:
            conn.close()

    threads = [threading.Thread(target=client, name=f"client-{i}") for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Run(endpoint.name, samples, time.perf_counter() - start, len(order))


def answer_rows(
    endpoint: Endpoint, mix: dict[str, str], timeout: float, budget: float
) -> dict[str, tuple[int | str, float]]:
    """Each query once, in turn (also a warm-up): its number of rows, or the HTTP status / error when it failed,
    and its time alone. Queries left when ``budget`` seconds have passed are marked "not tried"."""
    rows: dict[str, tuple[int | str, float]] = {}
    conn = endpoint.connect(timeout)
    deadline = time.monotonic() + budget
    try:
        for name, text in mix.items():
            if time.monotonic() > deadline:
                rows[name] = ("not tried", 0.0)
                continue
            started = time.perf_counter()
            try:
                status, body = endpoint.post(conn, text)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = endpoint.connect(timeout)
                rows[name] = (type(exc).__name__, time.perf_counter() - started)
                continue
            elapsed = time.perf_counter() - started
            if status != 200:
                rows[name] = (f"HTTP {status}", elapsed)
                continue
            answer = json.loads(body)
            count = len(answer["results"]["bindings"]) if "results" in answer else int(bool(answer["boolean"]))
            rows[name] = (count, elapsed)
    finally:
        conn.close()
    return rows


# -- profiling -----------------------------------------------------------------------------------
def profile(
    endpoint: Endpoint, order: list[tuple[str, str]], clients: int, seconds: float, timeout: float, out: Path
) -> str:
    """Sample ``endpoint``'s process tree with py-spy during one more round of the load: where its time goes."""
    spy = shutil.which("py-spy", path=str(BIN)) or shutil.which("py-spy")
    if spy is None:
        return "py-spy is not installed (pip install -e '.[bench]'): no profile"
    recorder = subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(endpoint.process.pid),
            "--subprocesses",
            "--format",
            "raw",
            "--rate",
            "200",
            "--output",
            str(out),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    load(endpoint, order, clients, seconds, timeout)
    recorder.send_signal(2)  # py-spy writes its file on SIGINT
    try:
        recorder.wait(timeout=30)
    except subprocess.TimeoutExpired:
        recorder.kill()
        recorder.wait()
    if not out.exists():
        return "py-spy wrote no profile (is ptrace allowed here?)"
    return summarise_profile(out.read_text(encoding="utf-8", errors="replace"))


def summarise_profile(raw: str, top: int = 18) -> str:
    """Own and total samples per function from py-spy's collapsed stacks, by process role (server or worker).

    >>> print(summarise_profile('process 1:"python ascn serve";thread (0x1);a (x.py:1);b (y.py:2) 3\\n'))
    server (ascn serve): 3 samples
      own  total  function
      100%  100%  b (y.py)
        0%  100%  a (x.py)
    """
    own: dict[str, Counter] = defaultdict(Counter)
    total: dict[str, Counter] = defaultdict(Counter)
    count: Counter = Counter()
    for line in raw.splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        frames = [_frame(f) for f in stack.split(";") if _FRAME.match(f)]  # drops process and thread headers
        role = "worker (query process)" if any(f.startswith("_worker_main ") for f in frames) else "server (ascn serve)"
        if not frames:
            continue
        count[role] += int(n)
        own[role][frames[-1]] += int(n)
        for frame in set(frames):
            total[role][frame] += int(n)
    lines = []
    for role in sorted(count):
        lines.append(f"{role}: {count[role]} samples")
        lines.append("  own  total  function")
        ranked = sorted(set(own[role]) | set(total[role]), key=lambda f: (-own[role][f], -total[role][f], f))[
            : top // 2
        ]
        ranked += [f for f, _ in total[role].most_common(top) if f not in ranked][: top - len(ranked)]
        for frame in ranked:
            lines.append(f"  {own[role][frame] / count[role]:4.0%}  {total[role][frame] / count[role]:4.0%}  {frame}")
    return "\n".join(lines)


_FRAME = re.compile(r"^\S.* \(.+:\d+\)$")


def _frame(frame: str) -> str:
    """``fn (path/to/module.py:12)`` → ``fn (module.py)``: lines apart, one entry per function."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    parts = Path(path).parts
    short = "/".join(parts[-2:]) if len(parts) > 1 and parts[-2] not in ("site-packages",) else Path(path).name
    return f"{name} ({short})" if where else name


# -- report ---------------------------------------------------------------------------------------
def report(
    prepared: Prepared,
    runs: dict[str, list[Run]],
    rows: dict[str, dict[str, int | str]],
    clients: int,
    starts: dict[str, tuple[float, float, bool]],
    excluded: dict[str, str],
    cheap: set[str] | None = None,
) -> str:
    """The figures of one graph: each mix's table (``runs``: mix → one Run per server, ascn first), the ratios
    against each peer with their targets, the median of cheap library queries, and each query's median."""
    first = next(iter(runs.values()))
    graph = "bundled" if prepared.label == "bundled" else "synthetic"
    lines = [
        f"\n== {prepared.label}: {prepared.quads:,} quads — {clients} clients, "
        + ", ".join(f"{mix} mix {mix_runs[0].requested} requests" for mix, mix_runs in runs.items())
        + f" ({len(rows[first[0].server]) - len(excluded)} queries in the repeated mix)"
    ]
    lines += [f"   {note}" for note in prepared.notes]
    for step, seconds in prepared.timings.items():
        lines.append(f"   {step:<28} {seconds:8.2f} s")
    for server, (answering, idle, busy) in starts.items():
        state = (
            f"STILL BUSY after {idle:.0f} s: measured under its background work" if busy else f"idle after {idle:.1f} s"
        )
        lines.append(f"   {server + ' start':<28} {answering:8.2f} s   ({state})")
    for name, why in excluded.items():
        lines.append(f"   left out of both mixes: {name} (ascn serve: {why})")
    for mix, mix_runs in runs.items():
        lines.append(
            f"\n   {mix + ' mix':<18}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'done':>7}{'wall s':>8}"
        )
        for run in mix_runs:
            cut = "  (cut by --seconds)" if len(run.samples) < run.requested else ""
            lines.append(
                f"   {run.server:<18}{run.throughput:9.1f}{run.percentile(50) * 1000:9.1f}"
                f"{run.percentile(95) * 1000:9.1f}{run.errors:8d}{len(run.samples):7d}{run.wall:8.1f}{cut}"
            )
    lines.append("")
    for mix, mix_runs in runs.items():
        lines += [_ratio(graph, mix, mix_runs[0], peer) for peer in mix_runs[1:]]
    for mix, mix_runs in runs.items():
        peer = next((r for r in mix_runs if r.server.startswith("oxigraph")), None)
        if peer is not None:
            lines.append(_cheap(mix, mix_runs[0], peer, cheap))
    ascn = first[0]
    mismatched = [
        name
        for name in rows[ascn.server]
        if name not in excluded
        and len({str(rows[r.server].get(name)) for r in first if r.server != "rdflib-endpoint"}) > 1
    ]
    peer = rows.get("rdflib-endpoint", {})
    different = [
        name
        for name in rows[ascn.server]
        if name not in excluded and str(peer.get(name)) not in (str(rows[ascn.server][name]), "None", "not tried")
    ]
    untried = [name for name, answer in peer.items() if answer == "not tried"]
    if untried:
        lines.append(
            f"   rdflib-endpoint: {len(untried)} of {len(peer)} queries not reached in the warm-up's time "
            f"(--seconds): {', '.join(untried)}"
        )
    if mismatched:
        lines.append(
            "   ROW COUNTS DIFFER between ascn and oxigraph: "
            + ", ".join(f"{n} ({rows[ascn.server][n]} vs {rows['oxigraph serve'].get(n)})" for n in mismatched)
        )
    else:
        lines.append("   every query of the repeated mix gave the same number of rows on ascn and oxigraph")
    if different:
        lines.append(
            "   rdflib-endpoint differs on: "
            + ", ".join(f"{n} ({rows['rdflib-endpoint'][n]} vs {rows[ascn.server][n]})" for n in different)
        )
    for mix, mix_runs in runs.items():
        medians = {run.server: run.median_by_query() for run in mix_runs}
        names = set().union(*(m.keys() for m in medians.values()))
        lines.append(
            f"\n   {'median ms per query, ' + mix + ' mix':<43}"
            + "".join(f"{run.server.split()[0]:>16}" for run in mix_runs)
            + (f"{'rows':>8}" if mix == "repeated" else "")
        )
        for name in sorted(names, key=lambda n: -medians[ascn.server].get(n, 0)):
            cells = "".join(
                f"{medians[run.server][name] * 1000:16.1f}" if name in medians[run.server] else f"{'-':>16}"
                for run in mix_runs
            )
            count = f"{str(rows[ascn.server].get(name, '')):>8}" if mix == "repeated" else ""
            lines.append(f"   {name:<43}{cells}{count}")
    return "\n".join(lines)


def _ratio(graph: str, mix: str, ascn: Run, peer: Run) -> str:
    """One ratio line: ``ascn / oxigraph, unique mix: 0.52×`` with its target (or "no target") and verdict.

    >>> _ratio("synthetic", "repeated", Run("ascn serve", [("q", 0.01, True)] * 4, 1.0, 4),
    ...        Run("oxigraph serve", [("q", 0.01, True)] * 2, 1.0, 2))
    '   ascn / oxigraph, repeated mix:           2.00×   (no target for this graph and mix)'
    """
    key = peer.server.split()[0]
    target = TARGETS.get((graph, mix, key))
    head = f"   ascn / {key + ', ' + mix + ' mix:':<32}"
    if not peer.throughput:
        figure = f"{head}     ∞ "
        ok = bool(ascn.throughput)
        why = f" ({peer.server} answered no request in time)"
    else:
        ratio = ascn.throughput / peer.throughput
        figure = f"{head}{ratio:6.2f}×"
        ok = ratio >= (target or 0)
        goal = GOALS.get((graph, mix, key))
        why = f" (goal {goal:g}×: {'reached' if ratio >= goal else 'not reached'})" if goal else ""
    if target is None:
        return f"{figure}   (no target for this graph and mix)"
    return f"{figure}   target ≥ {target:g}×   {'met' if ok else 'MISSED'}{why}"


def _cheap(mix: str, ascn: Run, oxigraph: Run, cheap: set[str] | None = None) -> str:
    """ascn's median over the cheap library queries — ``cheap``: those Oxigraph answered within :data:`CHEAP_MS`
    alone, in the warm-up; else those it answers within it at the median of the mix (ad-hoc queries aside) —
    judged in the unique mix only: in the repeated one kept answers serve them."""
    if cheap is None:
        peer = oxigraph.median_by_query()
        cheap = {name for name, seconds in peer.items() if seconds * 1000 <= CHEAP_MS}
    cheap = {name for name in cheap if not name.startswith("adhoc_")}
    times = [seconds for name, seconds, ok in ascn.samples if ok and name in cheap]
    if not times:
        return f"   cheap library queries, {mix} mix: none answered (no target)"
    median = statistics.median(times) * 1000
    theirs = statistics.median([s for n, s, ok in oxigraph.samples if ok and n in cheap]) * 1000
    figure = (
        f"   cheap library queries ({len(cheap)} oxigraph answers within {CHEAP_MS:g} ms), {mix} mix: "
        f"ascn median {median:.1f} ms, oxigraph {theirs:.1f} ms"
    )
    if mix != "unique":
        return figure + "   (no target: kept answers)"
    return figure + f"   target ≤ {CHEAP_MS:g} ms   {'met' if median <= CHEAP_MS else 'MISSED'}"


def _said(answer: int | str, seconds: float) -> str:
    """A warm-up answer in words.

    >>> _said(213, 10.46), _said("HTTP 503", 10.0)
    ('213 rows in 10.5 s', 'HTTP 503 after 10.0 s')
    """
    return f"{answer} rows in {seconds:.1f} s" if isinstance(answer, int) else f"{answer} after {seconds:.1f} s"


def bench_graph(prepared: Prepared, args: argparse.Namespace, work: Path) -> str:
    mix = query_mix()
    order: dict[str, list[tuple[str, str]]] = {}
    runs: dict[str, list[Run]] = {m: [] for m in MIXES}
    rows, starts, excluded = {}, {}, {}
    cheap: set[str] | None = None
    logs, settle_for = work / prepared.label, args.settle
    servers = [
        (
            "ascn",
            lambda: serve_ascn(prepared.ascn_dir, logs / "ascn.log", settle_for, args.ascn_workers, args.ascn_threads),
        ),
        ("oxigraph", lambda: serve_oxigraph(prepared.oxigraph_dir, logs / "oxigraph.log", settle_for)),
    ]
    if not args.no_rdflib:
        servers.append(
            ("rdflib-endpoint", lambda: serve_rdflib_endpoint(prepared.nquads, logs / "rdflib.log", settle_for))
        )
    profile_text = None
    for key, start in servers:
        with start() as endpoint:
            starts[endpoint.name] = (endpoint.started_in, endpoint.settled_in, endpoint.settled_in >= settle_for)
            alone = answer_rows(endpoint, mix, args.timeout, args.warmup)
            rows[endpoint.name] = {name: answer for name, (answer, _) in alone.items()}
            if key == "oxigraph":  # cheap: what Oxigraph answers fast alone, one query at a time
                cheap = {
                    name
                    for name, (answer, seconds) in alone.items()
                    if isinstance(answer, int) and seconds * 1000 <= CHEAP_MS
                }
            if key == "ascn":  # what ascn refuses (its time limit) leaves every server's timed mixes
                excluded = {name: answer for name, (answer, _) in alone.items() if not isinstance(answer, int)}
                order["repeated"] = [
                    (name, mix[name])
                    for name in sequence({n: q for n, q in mix.items() if n not in excluded}, args.requests)
                ]
                order["unique"] = unique_requests(prepared.pools, args.requests, leave_out=excluded)
            for name in excluded:
                excluded[name] = (
                    f"{excluded[name]}"
                    if key == "ascn"
                    else f"{excluded[name]}; {endpoint.name}: {_said(*alone[name])}"
                )
            for m in MIXES:
                runs[m].append(load(endpoint, order[m], args.clients, args.seconds, args.timeout))
                print(f"   {endpoint.name}, {m} mix: {runs[m][-1].throughput:.1f} req/s", file=sys.stderr, flush=True)
            if key == "ascn" and args.profile:  # a fresh unique round (seed 2): a request's cost with no kept answer
                fresh = unique_requests(prepared.pools, args.requests, leave_out=excluded, seed=2)
                profile_text = profile(
                    endpoint, fresh, args.clients, args.seconds, args.timeout, logs / "ascn-profile.txt"
                )
    text = report(prepared, runs, rows, args.clients, starts, excluded, cheap)
    if profile_text:
        text += f"\n\n   where ascn serve spends its time (py-spy, unique mix, {prepared.label}):\n" + "\n".join(
            "   " + line for line in profile_text.splitlines()
        )
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--graphs", nargs="+", choices=["bundled", "synthetic"], default=["bundled", "synthetic"])
    parser.add_argument("--synthetic-triples", type=int, default=300_000)
    parser.add_argument(
        "--load",
        choices=["api", "cli"],
        default="api",
        help="add the synthetic graph with the store API (parse + rebuild) or with `ascn load` "
        "(adds SHACL validation; minutes at 300k)",
    )
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--requests", type=int, default=1280, help="requests per server (the same sequence for each)")
    parser.add_argument(
        "--seconds",
        type=float,
        default=60,
        help="stop a server's load after this long",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=180,
        help="bound of the one-by-one warm-up pass per server, seconds: a query it leaves untried on ascn leaves "
        "both mixes, so it must outlast the slow queries of the largest graph",
    )
    parser.add_argument("--timeout", type=float, default=30, help="client timeout per request, seconds")
    parser.add_argument(
        "--settle",
        type=float,
        default=120,
        help="wait at most this long for each server to go idle after it starts (ascn serve computes "
        "the recommender evaluation in the background first)",
    )
    parser.add_argument("--ascn-workers", type=int, help="ascn serve --workers (default: ascn serve's own default)")
    parser.add_argument("--ascn-threads", type=int, help="ascn serve --threads (default: ascn serve's own default)")
    parser.add_argument("--no-rdflib", action="store_true", help="leave rdflib-endpoint out")
    parser.add_argument("--profile", action="store_true", help="sample ascn serve with py-spy and summarise")
    parser.add_argument("--workdir", type=Path, help="where stores and logs go (default: a temporary folder, removed)")
    args = parser.parse_args(argv)
    if not args.no_rdflib and not (BIN / "rdflib-endpoint").exists():
        parser.error("rdflib-endpoint is not installed: pip install -e '.[bench]' (or pass --no-rdflib)")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="ascn-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"machine: {machine()}", flush=True)
        for graph in args.graphs:
            label = "bundled" if graph == "bundled" else f"synthetic-{args.synthetic_triples // 1000}k"
            print(f"preparing {label} ...", file=sys.stderr, flush=True)
            prepared = prepare(work, label, args.synthetic_triples if graph == "synthetic" else None, args.load)
            print(bench_graph(prepared, args, work), flush=True)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


def machine() -> str:
    """nproc, memory and CPU model, for the figures' context."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{mem / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        memory = "unknown memory"
    return f"{os.cpu_count()} CPUs, {memory}, {model}, Python {sys.version.split()[0]}"


if __name__ == "__main__":
    main()
