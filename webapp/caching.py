"""Answers and pages kept per graph version: a server-side answer cache and HTTP validators (ETag, 304).

An answer depends on the query, its dataset, its format, the limits and the graph; the graph's part is
:meth:`graph.store.Store.version`, which every write through the app's store changes (a load, an unload, a build,
an accepted proposal all write through it). So a key made of the request's part and that version is exact: a
write makes every kept answer unreachable at once, and they are dropped the first time the new version is seen.

That holds only where the version is exact and free to read — the embedded store, whose one read-write handle is
the app's own (a CLI write while ``ascn serve`` runs is refused by the store's lock). A remote server may be written
by others, and its version costs a query that still misses a graph replaced by one of the same size
(:meth:`graph.backends.sparql.SparqlStore.version`), so against a remote store nothing is kept and no ETag is sent.

The answer cache is an LRU bounded in bytes (``ANSWER_CACHE_BYTES``, ``ASCN_ANSWER_CACHE_BYTES``; 0 keeps
nothing); an answer larger than a quarter of the budget is sent but not kept, so one large answer cannot push
out every small one. ETags are made of the graph version and a hash of the request's key; a client that sends
one back in ``If-None-Match`` gets 304 without the query (or the page) being run again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Hashable

from flask import Flask, Response, current_app, g, request

from graph.pool import Reply

EXTENSION = "ascn-answer-cache"
ENTRY_OVERHEAD = 400
"""Bytes counted per kept answer on top of its body and key: the Reply object, the dict slot, the key tuple."""
CACHE_CONTROL = "public, no-cache"
"""Any cache may keep an answer or a page (the data is public), but must ask again before using it: the graph
can change at any time, and asking costs a 304."""


class AnswerCache:
    """Replies kept by key for one graph version, least recently used dropped first, at most ``max_bytes``.

    >>> cache = AnswerCache(10_000)
    >>> reply = Reply("results", "text/csv", b"x" * 500, 1, True, 10)
    >>> cache.put("v1", ("q",), reply); cache.get("v1", ("q",)) is reply, cache.get("v2", ("q",))
    (True, None)
    >>> cache.size, len(cache)
    (0, 0)
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max(0, int(max_bytes))
        self.size = 0
        self._version: str | None = None
        self._entries: OrderedDict[Hashable, tuple[Reply, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, version: str, key: Hashable) -> Reply | None:
        """The reply kept for ``key`` under ``version``; a new version drops everything kept before it."""
        with self._lock:
            if version != self._version:
                self._reset(version)
                return None
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, version: str, key: Hashable, reply: Reply) -> None:
        """Keep ``reply`` for ``key`` (unless it is over a quarter of the budget), dropping the least recently used
        replies until the whole fits."""
        cost = len(reply.body) + len(repr(key)) + ENTRY_OVERHEAD
        if cost > self.max_bytes // 4:
            return
        with self._lock:
            if version != self._version:
                self._reset(version)
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._entries[key] = (reply, cost)
            self.size += cost
            while self.size > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self.size -= dropped

    def _reset(self, version: str) -> None:
        self._version = version
        self._entries.clear()
        self.size = 0


def init_app(app: Flask) -> None:
    """Give the app its answer cache and the pages their validators."""
    size = app.config["ANSWER_CACHE_BYTES"]
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError(f"ASCN_ANSWER_CACHE_BYTES must be a whole number of bytes (0 keeps nothing), got {size!r}")
    app.extensions[EXTENSION] = AnswerCache(size)
    app.before_request(_page_not_modified)
    app.after_request(_page_validators)


def answer_cache() -> AnswerCache:
    return current_app.extensions[EXTENSION]


def graph_version() -> str | None:
    """The version of the app's graph when it is exact and free to read (the embedded store), else None: the
    answers and pages of a graph with no such version are neither kept nor given an ETag."""
    from webapp.store import current_version

    return current_version()


def etag(version: str, key: Hashable) -> str:
    """A strong validator for what ``key`` names under ``version``.

    >>> etag("v1", ("q",)) == etag("v1", ("q",)) != etag("v2", ("q",))
    True
    """
    digest = hashlib.blake2b(repr((version, key)).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return f'"{digest}"'


def not_modified(tag: str, headers: dict | None = None) -> Response | None:
    """A 304 when the request's ``If-None-Match`` holds ``tag`` (a GET or HEAD only), else None."""
    if request.method not in ("GET", "HEAD") or not request.if_none_match.contains_weak(tag.strip('"')):
        return None
    response = Response(status=304)
    response.headers.update(headers or {})
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


# -- pages -------------------------------------------------------------------------------------
PAGE_BLUEPRINTS = frozenset({"pages", "reference", "search", "tools"})
"""The blueprints whose GET answers are pages (and their RDF alternates) made from the graph and the app alone."""


def _page_key() -> tuple | None:
    if request.method not in ("GET", "HEAD") or request.blueprint not in PAGE_BLUEPRINTS:
        return None
    version = graph_version()
    if version is None:
        return None
    return version, ("page", request.full_path, request.headers.get("Accept", ""), request.host_url)


def _page_not_modified() -> Response | None:
    """Note the page's key (the version read before the page is made) and answer with 304 when the client
    already holds its ETag."""
    key = g.page_key = _page_key()
    if key is None or not request.if_none_match:
        return None
    return not_modified(etag(*key), {"Vary": "Accept"})


def _page_validators(response: Response) -> Response:
    """An ETag and Cache-Control on every page answered in full (200) while the graph's version is known."""
    key = g.get("page_key")
    if key is None or response.status_code != 200 or "ETag" in response.headers or response.is_streamed:
        return response
    response.headers["ETag"] = etag(*key)
    response.headers.setdefault("Cache-Control", CACHE_CONTROL)
    return response
