"""Helpers for the reliability and security tests: process trees, a listener that must stay silent, HTTP.

Everything here stays on 127.0.0.1; every process a test starts is stopped by its own PID (see
``tests/conftest.py``'s ``running_ascn``).
"""

from __future__ import annotations

import http.client
import os
import socket
import threading
import urllib.parse
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest


# -- processes ---------------------------------------------------------------------------------------------------
def _proc_table() -> dict[int, tuple[int, str, str]]:
    """pid → (parent pid, state letter, command line) for every process /proc shows."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended while we looked
            continue
        # the command name (field 2) is in parentheses and may itself hold spaces or ')'
        rest = stat[stat.rindex(")") + 2 :].split()
        table[int(entry)] = (int(rest[1]), rest[0], cmdline)
    return table


def query_workers(server_pid: int) -> set[int]:
    """The live query-worker processes of an ``ascn serve`` process.

    The pool starts its workers through multiprocessing's forkserver, so they are the children of the
    server's forkserver child (the only child whose command line names ``multiprocessing.forkserver``).
    Zombies (state Z) are not live.
    """
    table = _proc_table()
    forkservers = {pid for pid, (ppid, _, cmd) in table.items() if ppid == server_pid and "forkserver" in cmd}
    return {pid for pid, (ppid, state, _) in table.items() if ppid in forkservers and state != "Z"}


def is_alive(pid: int) -> bool:
    """Whether ``pid`` is a running (not zombie) process."""
    entry = _proc_table().get(pid)
    return entry is not None and entry[1] != "Z"


# -- HTTP against a real server ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def http_request(
    url: str,
    method: str = "GET",
    target: str | None = None,
    body: bytes | None = None,
    headers: dict | None = None,
    timeout: float = 20.0,
    source: str | None = None,
) -> Answer:
    """One raw HTTP request to ``url``'s host; ``target`` (path and query, sent verbatim) defaults to url's.

    http.client sends the request target as given, so a test can put malformed percent-encoding on the wire.
    ``source`` is the client's own address (any of 127.0.0.0/8 reaches a server on 127.0.0.1 as another client).
    """
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=timeout, source_address=(source, 0) if source else None
    )
    try:
        connection.request(
            method,
            target or (parts.path + (f"?{parts.query}" if parts.query else "")),
            body=body,
            headers=headers or {},
        )
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


# -- a listener that must receive nothing ------------------------------------------------------------------------
@dataclass
class Listener:
    """A TCP listener on 127.0.0.1: ``url`` points at it, ``connections`` counts who called."""

    url: str
    connections: list = field(default_factory=list)


@contextmanager
def silent_listener():
    """A local HTTP listener that records every connection (and answers 200), for "the server fetched
    nothing" checks: a request that made the server fetch a URL pointing here shows up in ``connections``."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    listener = Listener(f"http://127.0.0.1:{server.getsockname()[1]}")
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, peer = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(1)
                try:
                    request = conn.recv(4096)
                except OSError:
                    request = b""
                listener.connections.append((peer, request))
                with suppress(OSError):
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=accept, name="silent-listener", daemon=True)
    thread.start()
    try:
        yield listener
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()


@pytest.fixture
def listener():
    with silent_listener() as found:
        yield found
