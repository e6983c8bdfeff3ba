"""Answers and pages kept per graph version: a server-side answer cache and HTTP validators (ETag, 304).

An answer depends on the query, its dataset, its format, the limits and the graph; the graph's part is
:meth:`graph.store.Store.version`, which every write through the app's store changes (a load, an unload, a build,
an accepted proposal all write through it). So a key made of the request's part and that version is exact: a
write makes every kept answer unreachable at once, and they are dropped the first time the new version is seen.

That holds only where the version is exact and free to read — the embedded store, whose one read-write handle is
the app's own (an ``ascn load`` beside ``ascn serve`` is run by the server on that handle, :mod:`webapp.served`;
nothing else can open the store while the server holds its lock). A remote server may be written
by others, and its version costs a query that still misses a graph replaced by one of the same size
(:meth:`graph.backends.sparql.SparqlStore.version`), so against a remote store nothing is kept and no ETag is sent.

Pages are kept the same way, in the same budget: a page made from the graph and the app alone (the page
blueprints), keyed by its URL and the request headers it may depend on (Accept, Accept-Encoding), so a second
visitor gets the bytes the first one got.

The answer cache is an LRU bounded in bytes (``ANSWER_CACHE_BYTES``, ``ASCN_ANSWER_CACHE_BYTES``; 0 keeps
nothing); an answer larger than a quarter of the budget is sent but not kept, so one large answer cannot push
out every small one. ETags are made of the graph version, the server's start and a hash of the request's key; a
client that sends one back in ``If-None-Match`` gets 304 without the query (or the page) being run again. The
embedded store's version outlives a restart (it is kept with the content), the code that made a page may not: an
ETag of an earlier start is never answered with 304.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request

from graph.pool import Reply
from ontology.errors import InputError
from webapp.site_url import site_root


@dataclass(frozen=True)
class Page:
    """A page as sent (after compression), kept for the next visitor of the same URL with the same headers."""

    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...]


EXTENSION = "ascn-answer-cache"
ENTRY_OVERHEAD = 400
"""Bytes counted per kept answer on top of its body and key: the Reply object, the dict slot, the key tuple."""
CACHE_CONTROL = "public, no-cache"
NOT_KEPT = "no-store"
"""The Cache-Control of a page still missing a part being prepared: kept by no one, given no ETag."""
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
        self._entries: OrderedDict[Hashable, tuple[Reply | Page, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, version: str, key: Hashable) -> Reply | Page | None:
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

    def put(self, version: str, key: Hashable, reply: Reply | Page) -> None:
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
        raise InputError(
            field="ASCN_ANSWER_CACHE_BYTES", expected="a whole number of bytes (0 keeps nothing)", got=size
        )
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


_STARTED = uuid.uuid4().hex
"""This server's start, in every ETag (see the module's docstring)."""


def etag(version: str, key: Hashable) -> str:
    """A strong validator for what ``key`` names under ``version`` in this server's run.

    >>> etag("v1", ("q",)) == etag("v1", ("q",)) != etag("v2", ("q",))
    True
    """
    held = repr((version, _STARTED, key)).encode("utf-8", "surrogatepass")
    digest = hashlib.blake2b(held, digest_size=16).hexdigest()
    return f'"{digest}"'


def not_modified(tag: str, headers: dict | None = None, kept: bool = False) -> Response | None:
    """A 304 when the request's ``If-None-Match`` holds ``tag`` (a GET or HEAD only), else None.

    The compression of answers (flask-compress) sends ``"<tag>:gzip"`` or ``"<tag>:br"`` as the ETag of a compressed
    answer, so those stand for ``tag`` too; the 304 carries the one the client holds. ``If-None-Match: *`` holds every
    tag of a representation there is (RFC 9110, 13.1.2): a 304 with ``tag`` when the answer is ``kept`` (so it is
    known to be there; an address that would be a 404 or a query that would be refused is answered as usual); it was
    answered in full.
    """
    if request.method not in ("GET", "HEAD") or not request.if_none_match:
        return None
    bare = tag.strip('"')
    held = next((t for t in request.if_none_match.as_set(include_weak=True) if t.split(":", 1)[0] == bare), None)
    if held is None and kept and request.if_none_match.star_tag:
        held = bare
    if held is None:
        return None
    response = Response(status=304)
    response.headers.update(headers or {})
    response.headers["ETag"] = f'"{held}"'
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


# -- pages -------------------------------------------------------------------------------------
PAGE_BLUEPRINTS = frozenset({"pages", "reference", "search", "tools", "changes", "crawlers"})
"""The blueprints whose GET answers are pages (and their RDF alternates) made from the graph and the app alone."""


def _page_key() -> tuple[str, tuple[str, ...]] | None:
    """The key of the page a GET or HEAD asks for: one for both methods, as a HEAD's answer is the GET's without its
    body (RFC 9110, 9.3.2), so it has the GET's ETag, and a client that asked with HEAD revalidates its GET with it
    (the method was in the key: the two ETags differed, and that GET was sent whole, never a 304)."""
    if request.method not in ("GET", "HEAD") or request.blueprint not in PAGE_BLUEPRINTS:
        return None
    version = graph_version()
    if version is None:
        return None
    headers = request.headers
    return version, (
        "page",
        request.full_path,
        headers.get("Accept", ""),
        headers.get("Accept-Encoding", ""),
        site_root(),
    )


def _page_not_modified() -> Response | None:
    """Note the page's key (the version read before the page is made); answer with 304 when the client already
    holds its ETag, else with the kept page when there is one."""
    key = g.page_key = _page_key()
    if key is None:
        return None
    kept = answer_cache().get(*key)
    if request.if_none_match and (unchanged := not_modified(etag(*key), {"Vary": "Accept"}, isinstance(kept, Page))):
        return unchanged
    if isinstance(kept, Page):
        return Response(kept.body, content_type=kept.content_type, headers=list(kept.headers))
    return None


KEPT_HEADERS = frozenset(
    {
        "content-type",
        "content-encoding",
        "vary",
        "link",
        "etag",
        "cache-control",
        "content-security-policy",
        "content-language",
    }
)
"""The headers of a page that belong to the page (not to one request, as rate-limit counts do)."""


def _page_validators(response: Response) -> Response:
    """An ETag and Cache-Control on every page answered in full (200) while the graph's version is known; the page
    kept for the next visitor."""
    key: tuple[str, tuple[str, ...]] | None = g.get("page_key")
    if (
        key is None
        or response.status_code != 200
        or "ETag" in response.headers
        or response.is_streamed
        or response.headers.get("Cache-Control") == NOT_KEPT
    ):
        return response
    response.headers["ETag"] = etag(*key)
    response.headers.setdefault("Cache-Control", CACHE_CONTROL)
    if not response.direct_passthrough:
        headers = tuple(
            (name, value)
            for name, value in response.headers.items()
            if name.lower() in KEPT_HEADERS and name.lower() != "content-type"
        )
        version, page = key
        answer_cache().put(version, page, Page(response.get_data(), response.content_type, headers))
    return response
