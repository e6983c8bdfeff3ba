"""A real ``ascn serve`` under load: no request fails, and a runaway query costs only its own worker.

The servers run as in production (waitress, 2 query workers), each over its own copy of the bundled graph: one
for the load, with time limits no busy machine meets (a refusal there would be the machine's, not the server's),
and one with a 5 s time limit for the runaway queries. Clients are threads on keep-alive HTTP connections, all on
127.0.0.1. The tests wait for states (a worker running the runaway query, the pool back at full size), never for
a number of seconds.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
import urllib.parse

import pytest

from queries.library import library
from tests.conftest import BOUND, CpuWatch, running_ascn, store_copy, wait_until
from tests.reliability.conftest import http_request, is_alive, query_workers

CLIENTS = 16
LOAD_SECONDS = 10.0
WORKERS = 2
LANE = 1
"""The reserved lane's worker (``SPARQL_LANE_WORKERS``): the server runs WORKERS + LANE worker processes."""
TIMEOUT = 5.0
"""The runaway server's time limit: the simple queries sent once the runaway one runs are answered well within it."""
PHUKET_LABEL = (
    "SELECT ?label WHERE { <https://w3id.org/ascn/id/city/phuket> <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
)
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
PATHOLOGICAL = {
    "four-way cross product": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    # One closure over every edge ((p|!p)* follows any predicate) takes ~1.5 s on the bundled graph;
    # two chained closures join 237 031 pairs with themselves and run for minutes.
    "unbounded property path": f"SELECT (COUNT(*) AS ?n) {{ ?a ({LABEL}|!{LABEL})* ?b . ?b ({LABEL}|!{LABEL})* ?c }}",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory, bundled_graphs):
    """``ascn serve --workers 2 --timeout 5`` over a copy of the bundled build, for this module only."""
    settings = store_copy(tmp_path_factory.mktemp("load") / "data", bundled_graphs)
    with running_ascn(settings.data_dir, "--workers", str(WORKERS), "--timeout", str(TIMEOUT)) as running:
        yield running


@pytest.fixture
def load_server(tmp_path, bundled_graphs):
    """``ascn serve --workers 2`` over a copy of the bundled build with limits no busy machine meets: a query may
    run 120 s and wait 120 s for a free worker."""
    settings = store_copy(tmp_path / "data", bundled_graphs)
    env = {"ASCN_SPARQL_ADMISSION_WAIT": "120"}
    with running_ascn(settings.data_dir, "--workers", str(WORKERS), "--timeout", "120", env=env) as running:
        yield running


def _mix(url: str) -> list[tuple[str, str]]:
    """The request mix: every library query (defaults bound) to /sparql by GET, and as its REST call."""
    path = urllib.parse.urlsplit(url).path
    requests = [("GET", f"{path}?{urllib.parse.urlencode({'query': q.bind()})}") for q in library().values()]
    requests += [("GET", f"/api/queries/{name}") for name in library()]
    requests.append(("GET", f"{path}?{urllib.parse.urlencode({'query': 'ASK { ?s ?p ?o }'})}"))
    return requests


def _client(url: str, requests: list, done, offset: int, out: dict) -> None:
    """One closed-loop client: send the mix round-robin on one keep-alive connection until ``done()``."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    i = offset
    try:
        while not done():
            method, target = requests[i % len(requests)]
            i += 1
            started = time.monotonic()
            try:
                connection.request(method, target, headers={"Accept": "application/sparql-results+json, */*"})
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                out["failures"].append(f"{target[:80]}: {type(exc).__name__}: {exc}")
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                continue
            out["latencies"].append(time.monotonic() - started)
            if response.status != 200:
                out["failures"].append(f"{target[:80]}: {response.status} {body[:200]!r}")
    finally:
        connection.close()


def test_concurrent_clients_get_every_answer(load_server):
    """16 clients for 10 s (and until the whole library mix was sent twice over) : zero failed requests."""
    server = load_server
    requests = _mix(server.url)
    out: dict = {"latencies": [], "failures": []}
    started = time.monotonic()
    stop, hang = started + LOAD_SECONDS, started + BOUND

    def done() -> bool:
        now = time.monotonic()
        return now > hang or (now >= stop and len(out["latencies"]) + len(out["failures"]) >= 2 * len(requests))

    threads = [threading.Thread(target=_client, args=(server.url, requests, done, n * 7, out)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=BOUND + 60)
    elapsed = time.monotonic() - started
    latencies = sorted(out["latencies"])
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert out["failures"] == []
    assert len(latencies) >= 2 * len(requests)  # every request of the mix was sent at least twice
    p50, p95 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.95)]
    print(
        f"\nload: {CLIENTS} clients, {elapsed:.1f} s, {len(latencies)} requests, "
        f"{len(latencies) / elapsed:.0f} req/s, p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, 0 failed"
    )
    assert server.process.poll() is None


def _simple_latency(url: str) -> float:
    started = time.monotonic()
    answer = http_request(f"{url}?{urllib.parse.urlencode({'query': PHUKET_LABEL})}")
    assert answer.status == 200 and b"Phuket" in answer.body
    return time.monotonic() - started


def _wait_for_workers(pid: int, n: int) -> set[int]:
    def found() -> set[int] | None:
        workers = query_workers(pid)
        return workers if len(workers) == n else None

    return wait_until(found, f"{n} query workers running")


@pytest.mark.parametrize("kind", PATHOLOGICAL)
def test_a_runaway_query_is_stopped_and_only_its_worker_is_replaced(server, kind):
    """The runaway query gets 503 at the time limit; simple queries answer meanwhile (their times are printed);
    the worker that ran it is killed and a new one takes its place, so the pool is back to its size."""
    pid = server.process.pid
    before = _wait_for_workers(pid, WORKERS + LANE)
    assert len(before) == WORKERS + LANE
    for _ in range(3):
        _simple_latency(server.url)  # warm both workers
    alone = statistics.median(_simple_latency(server.url) for _ in range(7))

    slow: dict = {}

    def run_slow():
        started = time.monotonic()
        slow["answer"] = http_request(
            f"{server.url}?{urllib.parse.urlencode({'query': PATHOLOGICAL[kind]})}", timeout=BOUND
        )
        slow["seconds"] = time.monotonic() - started

    watch = CpuWatch(before)
    thread = threading.Thread(target=run_slow)
    thread.start()
    watch.wait_busy("a worker started the runaway query")
    during = [_simple_latency(server.url) for _ in range(3)]
    still_running = thread.is_alive()
    thread.join(timeout=BOUND)
    print(
        f"\n{kind}: simple query alone {alone * 1000:.1f} ms (median of 7), during the runaway query "
        f"{', '.join(f'{d * 1000:.1f}' for d in during)} ms; runaway stopped after {slow['seconds']:.2f} s"
    )
    assert still_running, "the simple queries must have run while the runaway one did"

    answer = slow["answer"]
    assert answer.status == 503
    assert (answer.headers["x-ascn-complete"], answer.headers["x-ascn-reason"]) == ("false", "timeout")
    assert "time limit" in answer.text
    assert slow["seconds"] >= TIMEOUT  # it ran until its limit (how much later it was answered is the machine's)

    after = _wait_for_workers(pid, WORKERS + LANE)
    assert len(after) == WORKERS + LANE
    [killed] = before - after
    assert len(after - before) == 1 and not is_alive(killed)
    for _ in range(2 * WORKERS):
        _simple_latency(server.url)  # answered (it asserts the answer) by the pool back at full size
    assert query_workers(pid) == after
    assert "starting a replacement" in server.log.read_text()
