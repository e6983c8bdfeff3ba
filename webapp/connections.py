"""Open connections per client address, capped in the server itself, so one address cannot hold them all.

waitress keeps at most ``CONNECTIONS`` connections open in all (:mod:`webapp.serve`); a client that opens hundreds
and never finishes its headers would otherwise take that whole budget until the idle timeout closes them, and any
new client would wait in the listen backlog. :class:`PerClient` stands where waitress makes the connection object for
each accepted socket: a client address that already holds ``limit`` open connections gets a short **429** answer on
the new one, which is then closed, while other addresses keep being served. The address is the TCP peer's: behind a
reverse proxy every connection comes from the proxy, whose address (``TRUSTED_PROXY``) is therefore not capped; the
proxy limits its own clients (``limit_conn`` in nginx).

Everything here runs in waitress's main loop (accepting, closing), which never blocks: the refusal is one
non-blocking send on a fresh socket.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from ontology.errors import InputError

log = logging.getLogger(__name__)

SETTING = "CONNECTIONS_PER_CLIENT"
"""The app's config key (``ASCN_CONNECTIONS_PER_CLIENT``, ``ascn serve --connections-per-client``); 0: no cap."""
UNREAD = 64 * 1024
"""Bytes of what a refused client already sent that are read before closing: a socket closed with unread data
answers with a reset, which could destroy the 429 before the client reads it."""


def limit_from(config: dict) -> int:
    """The cap the app's config gives, checked: a whole number of connections, 0 for none.

    >>> limit_from({"CONNECTIONS_PER_CLIENT": 50})
    50
    >>> limit_from({"CONNECTIONS_PER_CLIENT": "many"})
    Traceback (most recent call last):
    ...
    ontology.errors.InputError: field 'ASCN_CONNECTIONS_PER_CLIENT': expected a whole number of connections (0: no cap), got 'many'
    """
    value = config[SETTING]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(field=f"ASCN_{SETTING}", expected="a whole number of connections (0: no cap)", got=value)
    return value


def refusal(limit: int) -> bytes:
    """The whole answer a refused connection gets: 429, with the limit in words."""
    body = (
        f"Too many open connections from your address: at most {limit} at once. "
        "Close some (or wait for them to finish) and try again.\n"
    ).encode()
    head = (
        "HTTP/1.1 429 Too Many Requests\r\n"
        "Retry-After: 1\r\n"
        "Connection: close\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


class PerClient:
    """waitress's channel factory with a cap on the connections each client address holds open.

    Set as the server's ``channel_class``: waitress calls it with each accepted socket. It counts a connection when
    its channel is made and uncounts it when waitress removes the channel (closed by either side, or idle too long).
    """

    def __init__(self, channel_class: type, limit: int, exempt: Iterable[str] = ()) -> None:
        self.limit = limit
        self.exempt = frozenset(exempt)
        self.open: Counter[str] = Counter()
        self._answer = refusal(limit)
        self._lock = threading.Lock()  # waitress may close a channel from a request thread
        self._warned: set[str] = set()
        cap = self

        class Counted(channel_class):
            client: str | None = None

            def del_channel(self, map=None):
                super().del_channel(map)
                client, self.client = self.client, None  # closing may call this twice; count once
                if client is not None:
                    cap._closed(client)

        self._channel: Callable[..., Any] = Counted

    def __call__(self, server, conn: socket.socket, addr, adj, map=None):
        client = addr[0] if isinstance(addr, tuple) else str(addr)
        if client in self.exempt:
            return self._channel(server, conn, addr, adj, map=map)
        with self._lock:
            if self.open[client] >= self.limit:
                first = client not in self._warned
                self._warned.add(client)
            else:
                self.open[client] += 1
                first = None
        if first is not None:
            if first:
                log.warning("refusing new connections from %s: it holds %d open (ASCN_%s)", client, self.limit, SETTING)
            self._refuse(conn)
            return None
        try:
            channel = self._channel(server, conn, addr, adj, map=map)
        except BaseException:
            self._closed(client)
            raise
        channel.client = client
        return channel

    def _closed(self, client: str) -> None:
        with self._lock:
            self.open[client] -= 1
            if self.open[client] <= 0:
                del self.open[client]
            if self.open[client] < self.limit:
                self._warned.discard(client)

    def _refuse(self, conn: socket.socket) -> None:
        """Answer 429 on ``conn`` and close it, without ever waiting on the client."""
        try:
            conn.setblocking(False)
            unread = 0
            while unread < UNREAD:
                chunk = conn.recv(UNREAD)
                if not chunk:
                    break
                unread += len(chunk)
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            conn.close()
            return
        try:
            conn.send(self._answer)
            conn.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        finally:
            conn.close()
