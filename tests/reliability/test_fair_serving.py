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
from collections import Counter
from contextlib import suppress

import pytest

from tests.conftest import BOUND, running_ascn, store_copy, wait_until
from tests.reliability.conftest import http_request, query_workers

HALF_OPEN = 200
PER_CLIENT = 50
"""``ascn serve``'s default cap on the connections one client address holds open (``CONNECTIONS_PER_CLIENT``)."""
EXTRA = 10
RUNAWAYS = 20
WORKERS = 2
LANE = 1
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TRIVIAL = "ASK { <https://w3id.org/ascn/id/city/phuket> ?p ?o }"


@pytest.fixture(scope="module")
def server(tmp_path_factory, bundled_graphs):
    """``ascn serve`` with 2 workers (and its reserved lane) and a time limit runaways do not reach during a test."""
    settings = store_copy(tmp_path_factory.mktemp("fair") / "data", bundled_graphs)
    with running_ascn(settings.data_dir, "--workers", str(WORKERS), "--timeout", "120") as running:
        yield running


@pytest.fixture
def patient_server(tmp_path, bundled_graphs):
    """``ascn serve`` with 2 workers, the lane and its default HTTP threads, where a query may wait 120 s for a worker:
    runaways that find none stay waiting through the test, however slow the machine."""
    settings = store_copy(tmp_path / "data", bundled_graphs)
    env = {"ASCN_SPARQL_ADMISSION_WAIT": "120"}
    with running_ascn(settings.data_dir, "--workers", str(WORKERS), "--timeout", "120", env=env) as running:
        yield running


def _query_url(server, query: str) -> str:
    return f"{server.url}?{urllib.parse.urlencode({'query': query})}"


def _address(server) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(server.url)
    return parts.hostname, parts.port


def _state(sock: socket.socket) -> str:
    """``"open"`` while the server keeps this connection (nothing to read, no end of stream), ``"refused"`` once it
    answered 429 and closed it, ``"closed"`` when it closed it without a word (or reset it)."""
    sock.setblocking(False)
    received = b""
    with suppress(ConnectionError):  # a reset ends the stream as a close does
        try:
            while chunk := sock.recv(4096):
                received += chunk
        except BlockingIOError:
            if not received:
                return "open"
    return "refused" if received.startswith(b"HTTP/1.1 429 ") else "closed"


class _HalfOpen:
    """Connections from one client address whose request headers never end, and what the server did with each.

    A connection's state is read once it is no longer open (the server's answer can be read only once).
    :meth:`talk` sends one more byte of the unfinished header on each open connection, at most once a second, so
    the idle timeout (10 s) closes none of them however long a busy machine takes between two checks; it is not
    sent before the refusals are read, as a byte sent to a closed connection makes the server reset it, and the
    reset destroys the unread 429.
    """

    def __init__(self, server, source: str, count: int):
        self.socks = []
        for _ in range(count):
            sock = socket.create_connection(_address(server), source_address=(source, 0))
            sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            self.socks.append(sock)
        self.states = ["open"] * count
        self.talked = time.monotonic()

    def counts(self) -> Counter:
        self.states = [_state(s) if state == "open" else state for s, state in zip(self.socks, self.states)]
        return Counter(self.states)

    def talk(self) -> None:
        if time.monotonic() - self.talked > 1:
            self.counts()
            for sock, state in zip(self.socks, self.states):
                if state == "open":
                    sock.send(b"x")
            self.talked = time.monotonic()

    def close_one(self) -> None:
        """Close one connection the server keeps (the client gives one up)."""
        i = self.states.index("open")
        self.socks[i].close()
        self.states[i] = "given up"

    def close(self) -> None:
        for sock in self.socks:
            sock.close()


def test_a_new_client_is_served_while_hundreds_of_connections_never_finish_their_headers(server):
    # from four addresses, each within its cap of open connections, so all of them take a place in the server
    stalled = []
    try:
        for n in range(HALF_OPEN // PER_CLIENT):
            stalled.append(_HalfOpen(server, f"127.0.0.{2 + n}", PER_CLIENT))
        started = time.monotonic()
        answer = http_request(_query_url(server, TRIVIAL), timeout=BOUND)
        elapsed = time.monotonic() - started
        assert answer.status == 200 and b"true" in answer.body
        states = sum((s.counts() for s in stalled), Counter())
        print(
            f"\n{HALF_OPEN} half-open connections from {len(stalled)} addresses: a new client answered in "
            f"{elapsed * 1000:.0f} ms ({states['open']} of them still open)"
        )
        assert states["refused"] == 0
        assert states["open"] > 0, "the new client was served only after the stalled connections were dropped"
    finally:
        for s in stalled:
            s.close()


def test_one_address_cannot_hold_more_connections_than_its_cap_and_others_are_served(server):
    capped, other = "127.0.0.20", "127.0.0.21"
    stalled = _HalfOpen(server, capped, PER_CLIENT + EXTRA)
    try:
        wait_until(lambda: stalled.counts()["refused"] >= EXTRA, f"the {EXTRA} connections past the cap refused")
        states = stalled.counts()
        assert states == {"open": PER_CLIENT, "refused": EXTRA}, states
        # the answer a refused connection reads (before it sends anything: it is answered as soon as it is taken)
        stalled.talk()
        with socket.create_connection(_address(server), timeout=BOUND, source_address=(capped, 0)) as sock:
            head, _, body = sock.makefile("rb").read().partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 429 Too Many Requests\r\n") and b"\r\nRetry-After: 1\r\n" in head
        assert f"at most {PER_CLIENT} at once".encode() in body
        # another address is served
        stalled.talk()
        started = time.monotonic()
        served = http_request(_query_url(server, TRIVIAL), timeout=BOUND, source=other)
        elapsed = time.monotonic() - started
        assert served.status == 200 and b"true" in served.body
        # a connection the capped client gives up gives it its place back
        stalled.close_one()

        def served_again() -> bool:
            stalled.talk()
            try:
                return http_request(_query_url(server, TRIVIAL), timeout=BOUND, source=capped).status == 200
            except ConnectionError:  # refused before the request was read: the server resets the connection
                return False

        wait_until(served_again, "the capped client was served again after giving up a connection")
        assert stalled.counts() == {"open": PER_CLIENT - 1, "refused": EXTRA, "given up": 1}
        print(
            f"\n{PER_CLIENT + EXTRA} half-open connections from {capped}: {states['open']} kept, "
            f"{states['refused']} refused with 429; a client from {other} answered in {elapsed * 1000:.0f} ms"
        )
    finally:
        stalled.close()


def _flood(server, answers: list) -> list[threading.Thread]:
    """:data:`RUNAWAYS` runaway queries sent at once, each from a thread of its own; their answers go to ``answers``."""

    def runaway():
        with suppress(OSError, http.client.HTTPException):  # the server stopped at the end of the test meanwhile
            answers.append(http_request(_query_url(server, RUNAWAY), timeout=BOUND))

    threads = [threading.Thread(target=runaway, daemon=True) for _ in range(RUNAWAYS)]
    for t in threads:
        t.start()
    return threads


def test_a_trivial_query_sent_while_runaways_wait_for_workers_is_served_ahead_of_them(patient_server):
    """With 20 runaways in flight (two on the workers, one on the reserved lane, which stops each after 1 s, the rest
    waiting for a worker), a trivial query is served at one of the lane's next turns, ahead of the runaways waiting
    before it: the lane's freed worker goes to the newest query. It used to wait behind them all (8 s after 20
    runaways; with the default 2 s admission wait, often a 503): 8 HTTP threads were all held by runaways, and the
    lane served the waiting queries in order."""
    server = patient_server
    pid = server.process.pid
    wait_until(lambda: len(query_workers(pid)) == WORKERS + LANE, "the query workers started")
    answers: list = []
    _flood(server, answers)
    wait_until(lambda: answers, "the reserved lane stopped its first runaway")
    started = time.monotonic()
    trivial = http_request(_query_url(server, TRIVIAL), timeout=BOUND)
    elapsed, answered = time.monotonic() - started, len(answers)
    print(
        f"\n{RUNAWAYS} runaway queries in flight: a trivial query answered in {elapsed * 1000:.0f} ms, "
        f"when the lane had stopped {answered} of them"
    )
    assert trivial.status == 200 and b"true" in trivial.body, trivial.text
    assert all(a.status == 503 for a in answers[:answered])
    assert answered < RUNAWAYS - WORKERS - 1, "runaways sent before the trivial query must still have been waiting"


def test_a_trivial_query_answers_while_runaways_fill_the_workers(server):
    pid = server.process.pid
    wait_until(lambda: len(query_workers(pid)) == WORKERS + LANE, "the query workers started")
    answers: list = []
    threads = _flood(server, answers)
    # every runaway that found no worker of its own is refused; the rest hold the workers
    wait_until(lambda: len(answers) >= RUNAWAYS - WORKERS, "the runaways beyond the workers were refused")
    refused = list(answers)
    assert all(a.status == 503 and a.headers.get("retry-after") for a in refused), [a.status for a in refused]
    assert any("busy" in a.text for a in refused)
    wait_until(lambda: len(query_workers(pid)) == WORKERS + LANE, "the reserved lane's worker was back")
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
