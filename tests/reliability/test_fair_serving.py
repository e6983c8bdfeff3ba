"""Fair serving against a real ``ascn serve``: clients that never finish their headers, and runaway queries that
fill the query workers, do not keep anyone else from an answer.

The tests wait for states (connections open, runaways refused or running, the reserved lane's worker back), never
for a number of seconds; the times they print are for the closing note, not assertions.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.parse

import pytest

from tests.conftest import running_ascn, store_copy
from tests.reliability.conftest import http_request, query_workers

HALF_OPEN = 200
RUNAWAYS = 20
WORKERS = 2
LANE = 1
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TRIVIAL = "ASK { <https://w3id.org/ascn/id/city/phuket> ?p ?o }"
BOUND = 300.0
"""Seconds after which a state the test waits for counts as never reached (a hang, not a slow machine)."""


@pytest.fixture(scope="module")
def server(tmp_path_factory, bundled_graphs):
    """``ascn serve`` with 2 workers (and its reserved lane) and a time limit runaways do not reach during a test."""
    settings = store_copy(tmp_path_factory.mktemp("fair") / "data", bundled_graphs)
    with running_ascn(settings.data_dir, "--workers", str(WORKERS), "--timeout", "120") as running:
        yield running


def _query_url(server, query: str) -> str:
    return f"{server.url}?{urllib.parse.urlencode({'query': query})}"


def _wait_until(condition, what: str):
    deadline = time.monotonic() + BOUND
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {BOUND:g} s"
        time.sleep(0.05)


def _still_open(sock: socket.socket) -> bool:
    """Whether the server has not closed this connection (nothing to read, and no end of stream)."""
    sock.setblocking(False)
    try:
        return sock.recv(1) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


def test_a_new_client_is_served_while_hundreds_of_connections_never_finish_their_headers(server):
    parts = urllib.parse.urlsplit(server.url)
    stalled = []
    try:
        for _ in range(HALF_OPEN):
            sock = socket.create_connection((parts.hostname, parts.port))
            sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # never finished
            stalled.append(sock)
        started = time.monotonic()
        answer = http_request(_query_url(server, TRIVIAL), timeout=BOUND)
        elapsed = time.monotonic() - started
        assert answer.status == 200 and b"true" in answer.body
        still = sum(_still_open(s) for s in stalled)
        print(
            f"\n{HALF_OPEN} half-open connections: a new client answered in {elapsed * 1000:.0f} ms "
            f"({still} of them still open)"
        )
        assert still > 0, "the new client was served only after the stalled connections were dropped"
    finally:
        for sock in stalled:
            sock.close()


def test_a_trivial_query_answers_while_runaways_fill_the_workers(server):
    pid = server.process.pid
    _wait_until(lambda: len(query_workers(pid)) == WORKERS + LANE, "the query workers started")
    answers: list = []

    def runaway():
        try:
            answers.append(http_request(_query_url(server, RUNAWAY), timeout=BOUND))
        except (OSError, http.client.HTTPException):  # the server stopped at the end of the module meanwhile
            pass

    threads = [threading.Thread(target=runaway, daemon=True) for _ in range(RUNAWAYS)]
    for t in threads:
        t.start()
    # every runaway that found no worker of its own is refused; the rest hold the workers
    _wait_until(lambda: len(answers) >= RUNAWAYS - WORKERS, "the runaways beyond the workers were refused")
    refused = list(answers)
    assert all(a.status == 503 and a.headers.get("retry-after") for a in refused), [a.status for a in refused]
    assert any("busy" in a.text for a in refused)
    _wait_until(lambda: len(query_workers(pid)) == WORKERS + LANE, "the reserved lane's worker was back")
    started = time.monotonic()
    trivial = http_request(_query_url(server, TRIVIAL), timeout=BOUND)
    elapsed = time.monotonic() - started
    running = sum(t.is_alive() for t in threads)
    print(
        f"\n{RUNAWAYS} runaway queries: {len(refused)} refused with 503 + Retry-After, {running} running; "
        f"a trivial query answered in {elapsed * 1000:.0f} ms"
    )
    assert trivial.status == 200 and b"true" in trivial.body, trivial.text
    assert running == WORKERS, "the trivial query must have been answered while the runaways ran"
