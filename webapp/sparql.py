"""``/sparql``: the SPARQL 1.1 Protocol for queries, read-only, with limits every answer owns up to.

GET ``query=``, POST form-encoded and POST ``application/sparql-query`` are accepted, with
``default-graph-uri`` / ``named-graph-uri`` and a ``format`` parameter for browsers; a GET without a query
returns the SPARQL Service Description. Updates are refused (403), and so is SERVICE to any endpoint the
operator has not allowed (``SPARQL_ALLOWED_SERVICES``), since it would make this server fetch URLs: decided on
the parsed query (:mod:`graph.federation`), relative IRIs resolved against ``<PUBLIC_BASE>sparql`` and never
against the request's Host, and behind that by the query workers' outbound-connection wall (:mod:`graph.egress`).

Every query runs in a worker process (:mod:`graph.pool`) with a time limit that kills the work, and a row
cap. Each answer says whether it is complete in ``X-ASCN-*`` headers and, in SPARQL JSON, in an
``ascn:completeness`` member. No request makes the server answer 500.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass, replace
from functools import lru_cache

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header

from graph.errors import StoreError
from graph.federation import SERVICE_REFUSED, allowed_services, service_targets
from graph.formats import FORMATS, Format, by_name, kind_of_form
from graph.pool import AnswerTooLarge, Job, PoolBusy, QueryTimeout, Reply
from graph.results import XML_REFUSAL
from graph.sparql_text import inspect_query, normalised, shape
from ontology.errors import NotFound, shown
from queries.errors import QueryError
from webapp import pinned
from webapp.caching import CACHE_CONTROL, answer_cache, etag, not_modified
from webapp.linked_data import best_match
from webapp.site_url import site_url_for
from webapp.sparql_description import service_description
from webapp.store import current_version, get_pool

bp = Blueprint("sparql", __name__)
log = logging.getLogger(__name__)

COMPLETENESS_HEADERS = ("X-ASCN-Complete", "X-ASCN-Reason", "X-ASCN-Rows", "X-ASCN-Row-Limit", "X-ASCN-Timeout")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_UPDATE = "application/sparql-update"
_REFUSE_UPDATE = (
    "this endpoint is read-only: SPARQL Update is refused. Change the graph with "
    "`ascn load` / `ascn build` on the server"
)


class ProtocolError(Exception):
    """A request the protocol (or this endpoint's rules) refuses: an HTTP status and a message."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class Request:
    query: str | None
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    format: str | None
    release: str | None = None
    """A release to answer from (``release=``, :mod:`webapp.pinned`); None for the live data."""


# -- the endpoint ------------------------------------------------------------------------------
@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    if request.method == "OPTIONS":
        return _preflight()
    try:
        req = _read_request()
        if req.query is None:
            return _describe(req)
        return answer(req)
    except ProtocolError as exc:
        return _error(exc.status, exc.message, exc.headers)


def answer(req: Request) -> Response:
    """Run ``req.query`` in the pool under the app's limits: the response with its completeness headers.

    Shared with ``/api/queries/<name>`` (:mod:`webapp.api`), so a library query called as a REST call gets the
    same formats, limits and completeness notice as the same text sent to ``/sparql``. Raises ProtocolError.
    """
    query = req.query
    if query is None:  # the endpoint answers a request without one with its Service Description
        raise ProtocolError(400, "missing parameter 'query'")
    config = current_app.config
    pool, version = get_pool(), None
    if req.release is not None:
        try:
            pinned_release = pinned.release(req.release)
        except NotFound as exc:
            raise ProtocolError(404, f"parameter 'release': {exc}") from None
        pool, version = pinned.pool_for(pinned_release), f"release {pinned_release.version}"  # never changes
    else:
        version = current_version()  # read before the query runs: a write meanwhile makes this answer's key stale
    chosen = {kind: choose_format(kind, req.format) for kind in FORMATS}
    formats = {kind: fmt.name if fmt else None for kind, fmt in chosen.items()}
    timeout = float(config["SPARQL_TIMEOUT"])
    row_limit = int(config["SPARQL_ROW_LIMIT"])
    base = query_base(config)
    key = (
        normalised(query),
        req.default_graphs,
        req.named_graphs,
        tuple(formats.values()),
        row_limit,
        timeout,
        base,
    )
    tag = None
    if version is not None:
        tag = etag(version, key) if request.method in ("GET", "HEAD") else None
        kept = answer_cache().get(version, key)
        if tag and (unchanged := not_modified(tag, {"Vary": "Accept"}, isinstance(kept, Reply))):
            return unchanged
        if isinstance(kept, Reply):  # a query's key never holds a page
            _log_answer(_name(query), kept, 0.0, " (kept answer)")
            return _reply(kept, timeout, tag, req.format)
    info = inspect_query(query)
    if info.update:
        raise ProtocolError(403, _REFUSE_UPDATE)
    _check_services(query, base, config)
    _check_shape(query, config)
    kind = kind_of_form(info.form)
    if kind is not None and formats[kind] is None:
        raise _not_acceptable(kind, req.format)
    job = Job(
        query,
        formats,
        row_limit,
        req.default_graphs,
        req.named_graphs,
        base_iri=base,
        has_dataset_clause=info.has_dataset_clause,
        max_bytes=int(config["SPARQL_MAX_ANSWER_BYTES"]),
    )
    name, started, fallback = _name(query), time.monotonic(), None
    try:
        try:
            reply = pool.run(job, timeout)
        except QueryError as exc:
            fallback = _without_xml(kind, formats, req.format) if exc.message == XML_REFUSAL else None
            if fallback is None:
                raise
            reply = pool.run(replace(job, formats=fallback), timeout)
    except QueryError as exc:
        if exc.message == SERVICE_REFUSED:
            log.warning("query %s: a call to another endpoint was refused by the workers' wall", name)
            raise ProtocolError(400, SERVICE_REFUSED) from None
        if exc.message == XML_REFUSAL:
            raise ProtocolError(406, XML_REFUSAL) from None
        log.info("query %s refused by the parser: %s", name, exc)
        raise ProtocolError(400, f"malformed query: {exc}") from None
    except QueryTimeout as exc:
        log.warning("query %s stopped after %.3f s (time limit)", name, time.monotonic() - started)
        headers = _limits_headers(False, "timeout", 0, row_limit, timeout)
        raise ProtocolError(503, f"{exc}; no answer was sent. Narrow the query or add a LIMIT", headers) from None
    except AnswerTooLarge as exc:
        log.warning("query %s refused: %s", name, exc)
        raise ProtocolError(400, str(exc)) from None
    except PoolBusy as exc:
        log.warning("query %s not started: %s", name, exc)
        raise ProtocolError(503, str(exc), {"Retry-After": "1"}) from None
    except StoreError as exc:
        log.error("query %s failed: %s", name, exc)
        raise ProtocolError(503, f"the store could not answer: {exc}") from None
    _log_answer(name, reply, time.monotonic() - started)
    response = _reply(reply, timeout, None if fallback else tag, req.format)  # nor does the ETag
    if version is not None and fallback is None:  # the key does not hold the fallback, which the Accept header chose
        answer_cache().put(version, key, reply)
    return response


_XML_FORMATS = ("xml", "rdfxml")


def _without_xml(kind: str | None, formats: dict, format_param: str | None) -> dict | None:
    """The formats to write an answer XML cannot carry in: for its kind, the one the Accept header prefers after
    the XML syntax it chose (a 406 answered a client that had said it takes JSON too). None when the client named
    XML in ``format`` or accepts nothing else: the 406 stands."""
    if kind is None or format_param is not None or formats[kind] not in _XML_FORMATS:
        return None
    other = choose_format(kind, None, _XML_FORMATS)
    return {**formats, kind: other.name} if other else None


def _log_answer(name: str, reply: Reply, elapsed: float, note: str = "") -> None:
    log.info(
        "query %s: %d %s in %.3f s%s%s",
        name,
        reply.rows,
        "row" if reply.rows == 1 else "rows",
        elapsed,
        "" if reply.complete else f" (cut at the row limit {reply.row_limit})",
        note,
    )


def _reply(reply: Reply, timeout: float, tag: str | None = None, format_param: str | None = None) -> Response:
    """The response carrying ``reply``; a 406 (ProtocolError) when no format the client accepts could hold it."""
    media_type = reply.media_type
    if media_type is None:
        raise _not_acceptable(reply.kind, format_param)
    text = media_type.startswith("text/") or media_type.endswith(("json", "xml"))
    reason = None if reply.complete else "row-limit"
    headers = _limits_headers(reply.complete, reason, reply.rows, reply.row_limit, timeout)
    headers["Vary"] = "Accept"
    if tag:
        headers["ETag"] = tag
        headers["Cache-Control"] = CACHE_CONTROL
    return Response(reply.body, headers=headers, content_type=f"{media_type}; charset=utf-8" if text else media_type)


def _limits_headers(complete: bool, reason: str | None, rows: int, limit: int, timeout: float) -> dict:
    headers = {
        "X-ASCN-Complete": "true" if complete else "false",
        "X-ASCN-Rows": str(rows),
        "X-ASCN-Row-Limit": str(limit),
        "X-ASCN-Timeout": f"{timeout:g}",
    }
    if reason:
        headers["X-ASCN-Reason"] = reason
    return headers


def _describe(req: Request) -> Response:
    """The Service Description; a browser (which prefers HTML to every RDF syntax) goes to the query editor instead,
    since a person who follows a link to the endpoint would otherwise be handed a file to download."""
    if request.method not in ("GET", "HEAD"):  # HEAD is answered as GET is (it was this 400)
        raise ProtocolError(400, "missing parameter 'query' (a POST must carry a query)")
    if req.format is None and prefers_html():
        return Response(status=303, headers={"Location": url_for("tools.query_page")})
    fmt = choose_format("graph", req.format)
    if fmt is None:
        raise _not_acceptable("graph", req.format, "the service description, a graph")
    body = service_description(site_url_for("sparql.endpoint"), current_app.config, fmt)
    response = Response(body, mimetype=fmt.media_type)
    response.headers["Vary"] = "Accept"
    return response


# -- reading the request -----------------------------------------------------------------------
def _read_request() -> Request:
    """The protocol's parameters from the URL, a form body or a direct body; ProtocolError when wrong."""
    params = {key: request.args.getlist(key) for key in request.args}
    if request.method == "POST":
        mimetype = request.mimetype
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if mimetype == _UPDATE:
            raise ProtocolError(403, _REFUSE_UPDATE)
        if mimetype not in (_FORM, _DIRECT):
            raise ProtocolError(415, f"a POST must have Content-Type {_FORM} or {_DIRECT} (got {mimetype or 'none'})")
        if charset not in ("utf-8", "utf8", "us-ascii"):
            raise ProtocolError(415, f"the request body must be UTF-8 (got charset {charset})")
        body = request.get_data(cache=True)
        try:
            # a query file saved with a byte-order mark (Windows editors do) and sent with curl --data-binary @q.rq: the
            # mark was the parser's "found '\ufeff' (line 1, column 1)", where `ascn query q.rq` reads the same file
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ProtocolError(400, f"the request body is not UTF-8 (byte {exc.start})") from None
        if mimetype == _FORM:
            for key in request.form:
                params.setdefault(key, []).extend(request.form.getlist(key))
        else:
            params.setdefault("query", []).append(text)
    if "update" in params:
        raise ProtocolError(403, _REFUSE_UPDATE)
    query = _single(params, "query")
    if query is not None:
        if not query.strip():
            raise ProtocolError(400, "parameter 'query' is empty")
        limit = int(current_app.config["SPARQL_MAX_QUERY_LENGTH"])
        if len(query) > limit:
            raise ProtocolError(413, f"parameter 'query' is {len(query)} characters long; the limit is {limit}")
    fmt = _format(params)
    check_format(fmt)
    return Request(
        query, _iris(params, "default-graph-uri"), _iris(params, "named-graph-uri"), fmt, _single(params, "release")
    )


ANSWER_KINDS = ("results", "boolean", "graph")
"""The kinds of answer a query gives (:func:`graph.formats.kind_of_form`): the formats ``format`` may name."""


def check_format(fmt: str | None) -> None:
    """Refuse (400) a ``format`` parameter that names no format of any kind of answer."""
    if fmt is not None and not any(by_name(kind, fmt) for kind in ANSWER_KINDS):
        names = sorted({f.name for kind in ANSWER_KINDS for f in FORMATS[kind]})
        raise ProtocolError(400, f"parameter 'format': unknown format {shown(fmt)}; choose one of: {', '.join(names)}")


def _format(params: dict) -> str | None:
    """The ``format`` parameter: given once, or several times naming one format (a value may list names, as an
    Accept header does).

    SPARQLWrapper sends TSV, JSON-LD and RDF/XML requests with both its short name and its Accept header
    (``format=tsv&format=text/tab-separated-values``, ``format=json-ld&format=application/ld+json,application/x-json+ld``)
    for servers that know only one of them; names that mean the same format for every kind of answer are one choice.
    Names that differ are refused by :func:`_single`.

    >>> _format({"format": ["rdf+xml", "application/rdf+xml"]}), _format({"format": ["json"]})
    ('rdf+xml', 'json')
    """
    values = params.get("format", [])
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    if len(values) > 1 and names and all(_same_format(names[0], name) for name in names[1:]):
        return names[0]
    return _single(params, "format")


def _same_format(one: str, other: str) -> bool:
    return all(by_name(kind, one) == by_name(kind, other) for kind in ANSWER_KINDS)


def _single(params: dict, name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise ProtocolError(400, f"parameter '{name}' is given {len(values)} times; give it once")
    return values[0] if values else None


def _iris(params: dict, name: str) -> tuple[str, ...] | None:
    if name not in params:
        return None
    for value in params[name]:
        if not _IRI.match(value):
            raise ProtocolError(400, f"parameter '{name}': {value!r} is not an absolute IRI")
    return tuple(params[name])


def query_base(config) -> str:
    """The base relative IRIs of a query resolve against: ``<PUBLIC_BASE>sparql``, fixed by the operator. Never
    the request's URL: its host comes from the client's Host header, and a relative SERVICE IRI resolved against
    a forged one would name any host."""
    return f"{config['PUBLIC_BASE']}sparql"


def _check_services(query: str, base: str, config) -> None:
    """Refuse (400, one message for all) a query whose parsed algebra calls an endpoint not allowed. A query the
    parser cannot read goes on to the workers, whose wall refuses the same calls (see :mod:`graph.federation`),
    unless the store is remote: the remote server would make the call, beyond that wall."""
    targets = service_targets(query, base)
    if targets is None:
        if config.get("STORE", "oxigraph") == "sparql":
            raise ProtocolError(
                400,
                "this endpoint cannot read the query to check which endpoints it calls; "
                "write it in plain SPARQL 1.1 (the store's parser may accept more)",
            )
        return
    allowed = allowed_services(config["SPARQL_ALLOWED_SERVICES"])
    if any(target is None or target not in allowed for target in targets):
        raise ProtocolError(400, SERVICE_REFUSED)


REMOTE_NESTING, REMOTE_CHAINED = 128, 300
"""The deepest brackets and the most chained operators and patterns (:func:`graph.sparql_text.shape`) of a query sent
to a remote store. ``oxigraph serve`` (0.5.13) aborts, its stack overflowed, on a query of a few kilobytes that goes
deeper: 700 nested groups, 700 OPTIONALs or 2,000 ``+`` in a row (400 nested collections ran past 10 s), so one GET
stopped the store for every client. The project's queries nest at most 9 deep and chain at most 45; embedded, each
query runs in a worker with a deep stack and needs no such bound."""


def _check_shape(query: str, config) -> None:
    """Refuse (400) a query deeper than a remote store's server survives (:data:`REMOTE_NESTING`)."""
    if config.get("STORE", "oxigraph") != "sparql":
        return
    depth, chained = shape(query)
    if depth > REMOTE_NESTING or chained > REMOTE_CHAINED:
        raise ProtocolError(
            400,
            f"this endpoint's store takes queries that nest brackets at most {REMOTE_NESTING} deep and chain at "
            f"most {REMOTE_CHAINED} operators and patterns (OPTIONAL, UNION, MINUS, FILTER, &&, ||, +, -, *, /, |); "
            f"this one nests {depth} deep and chains {chained}",
        )


# -- content negotiation -----------------------------------------------------------------------
def choose_format(kind: str, format_param: str | None, excluding: tuple[str, ...] = ()) -> Format | None:
    """The format for answers of ``kind``: the ``format`` parameter, else Accept (of the formats not named in
    ``excluding``), else the default."""
    if format_param is not None:
        return by_name(kind, format_param)
    accept = request.headers.get("Accept")
    if accept is not None and len(accept) > 500:  # an odd header is matched, never kept in the cache
        return _negotiate.__wrapped__(kind, accept, excluding)
    return _negotiate(kind, accept, excluding)


@lru_cache(maxsize=1024)
def _negotiate(kind: str, accept: str | None, excluding: tuple[str, ...] = ()) -> Format | None:
    """The format of ``kind`` an Accept header prefers; cached, since clients send the same few headers again
    and again and matching one costs more than the rest of the request's checks together.

    >>> _negotiate("results", "text/csv;q=0.5, application/xml").name, _negotiate("graph", None).name
    ('xml', 'turtle')
    >>> _negotiate("boolean", "text/csv") is None
    True
    """
    formats = [f for f in FORMATS[kind] if f.name not in excluding]
    parsed = parse_accept_header(accept, MIMEAccept)
    if not parsed:
        return formats[0]
    offered = [f.media_type for f in formats] + [a for f in formats for a in f.aliases if "/" in a]
    best = best_match(parsed, offered)
    return by_name(kind, best) if best else None


def prefers_html() -> bool:
    """Whether the Accept header ranks HTML above every RDF syntax (browsers do; ``*/*`` and RDF clients do not)."""
    offered = [f.media_type for f in FORMATS["graph"]] + ["text/html"]
    return best_match(request.accept_mimetypes, offered) == "text/html"


_KINDS = {
    "results": "a table of results (SELECT)",
    "boolean": "a yes-or-no answer (ASK)",
    "graph": "a graph (CONSTRUCT, DESCRIBE)",
}
"""Each kind of answer in the words of a 406 that a ``format`` parameter asked for."""


def _not_acceptable(kind: str, format_param: str | None = None, what: str | None = None) -> ProtocolError:
    """The 406 for an answer of ``kind`` no format asked for can carry: naming the ``format`` parameter and the names
    it may take when it asked (it was the Accept header's message, listing media types), else the media types.
    ``what`` names an answer that is no query's (the Service Description)."""
    if format_param is not None:
        names = ", ".join(f.name for f in FORMATS[kind])
        return ProtocolError(
            406, f"parameter 'format': {format_param} cannot carry {what or _KINDS[kind]}; choose one of: {names}"
        )
    types = ", ".join(f.media_type for f in FORMATS[kind])
    return ProtocolError(
        406, f"no acceptable format for this answer; this endpoint can send: {types}", {"Vary": "Accept"}
    )


# -- responses ---------------------------------------------------------------------------------
def _error(status: int, message: str, headers: dict | None = None) -> Response:
    response = Response(f"{message}\n", status=status, mimetype="text/plain")
    response.headers.update(headers or {})
    return response


def _preflight() -> Response:
    response = current_app.make_default_options_response()  # its Allow, and no body's type
    response.status_code = 204
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = (
        request.headers.get("Access-Control-Request-Headers") or "Accept, Content-Type"
    )
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


@bp.after_request
def cors(response: Response) -> Response:
    """Any origin may query: the data is public and the endpoint read-only."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = ", ".join(COMPLETENESS_HEADERS)
    return response


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    """Werkzeug's own refusals (413 for a body over MAX_CONTENT_LENGTH, 405 for a method other than those of
    ``Allow``, ...) as plain text, not HTML, with their headers."""
    headers = {name: value for name, value in exc.get_headers() if name != "Content-Type"}
    return _error(exc.code or 400, exc.description or exc.name, headers)


_PROLOGUE = re.compile(r"(?i)(PREFIX|BASE)\b|#")


def _name(query: str) -> str:
    """How logs name a query: a short hash of its text and its first line that is not prologue (else its first
    line), read no further than that line.

    >>> _name("PREFIX x: <http://x.org/>\\n\\n  SELECT * {}\\n# done")
    "b43f5836273b 'SELECT * {}'"
    """
    digest = hashlib.sha256(query.encode("utf-8")).hexdigest()[:12]
    first = ""
    for line in query.splitlines():
        line = line.strip()
        if line and not _PROLOGUE.match(line):
            first = line
            break
        first = first or line
    return f"{digest} {first[:80]!r}"
