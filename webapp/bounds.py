"""Bounds on what one request may ask for, checked before any view runs, so no request costs more than its size.

Eight checks, each answering 400 (413, 415) with a message that names what was wrong:

* the ``Host`` header must be a host name (labels of at most 63 characters, 253 in all) or an IP literal, with an
  optional port. Werkzeug encodes it with IDNA to build URLs, and a label too long for IDNA raised an error before
  any view or error handler could run (a 500 without a page). :class:`HeaderCheck` puts the server's own name in
  place of a bad one before Flask reads it, and :func:`_refuse_bad_headers` then answers 400 with the site's page;
* an ``Accept``, ``Accept-Encoding``, ``Accept-Language`` or ``Accept-Charset`` header may list at most
  :data:`MAX_ACCEPT_RANGES` ranges in at most :data:`MAX_ACCEPT_LENGTH` characters. Werkzeug's ``best_match``
  compares every offered type with every range, and the views offer up to a hundred: an ``Accept`` of 9,000 ranges
  (240 KB, within the header limit) kept the server's process busy for 2 s on ``/sparql``, 0.7 s on an entity page.
  :class:`HeaderCheck` takes such a header away before anything negotiates with it, so the refusal costs nothing;
* a parameter may be repeated at most :data:`MAX_VALUES` times (the lists a person can choose from are shorter),
  and a value may be at most :data:`MAX_VALUE_LENGTH` characters, except a SPARQL query, which has a limit of its
  own (``SPARQL_MAX_QUERY_LENGTH``, see :mod:`webapp.sparql`), and a reconciliation batch;
* there may be at most :data:`MAX_PARAMETERS` parameters in all, in the URL and a form body together;
* no value, in the URL or a form body, may hold a control character other than a tab or a line break (a NUL
  typed into a search was echoed into the page it made): no name in the graph and no query needs one; nor may the
  path, nor a tab or line break in it (``/id/city/da-nang%00`` put a NUL, ``%E2%80%AE`` a right-to-left override,
  ``%0D`` a carriage return, into its 404 page);
* a request body with a ``Content-Encoding`` (gzip, ...) is refused (415): nothing here decodes one;
* a request body declared longer than ``MAX_CONTENT_LENGTH`` is refused (413) naming its size, the limit and the
  setting, before any of it is read;
* a parameter whose percent-escapes are no UTF-8 is refused (werkzeug read them as U+FFFD).

With these, every view's work is bounded by small constants times the size of the data; views still refuse the
values they do not know (an unknown facet value on ``/projects`` is a 400 naming the parameter).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import unquote_to_bytes

from flask import Flask, current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

from loaders.records import CONTROL
from ontology.errors import shown
from webapp.facets import FACETS

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

MAX_VALUES = 50
"""Values one parameter may have (``focus=…&focus=…``): more than any list on the site offers."""
MAX_PARAMETERS = 200
"""Parameters one request may have, counting repeats."""
MAX_VALUE_LENGTH = 10_000
"""Characters in one parameter value (a plan's text, a search); a SPARQL query has its own, larger limit."""
QUERY_PARAMETERS = {"sparql.endpoint": {"query"}, "reconcile.service": {"queries"}}
"""Parameters whose length a route checks itself: route → names (a SPARQL query's length; a reconciliation batch's
queries, of which there may be :data:`webapp.reconcile.MAX_QUERIES`, within the body's limit)."""
_FORM = "application/x-www-form-urlencoded"
_FACETS = frozenset(key for key, _ in FACETS)
REPEATABLE = {
    "pages.find_projects": _FACETS,
    "pages.find_projects_csv": _FACETS,
    "tools.match_page": frozenset({"focus", "outcome", "programme", "country"}),
}
"""The parameters a page takes several values of (its multi-select filters); it takes every other parameter once,
and a repeat is a 400 naming it, as ``/sparql`` and the API answer one: ``/search?q=dan&q=hue`` searched 'dan' and
said nothing of 'hue'. (``/match``'s ``country`` repeats in the partner's form, whose countries are several; the
city's form checks its own, see :func:`webapp.tools.match_page`.)"""
DECIDE_REPEATS = ("sparql.", "api.", "served.")
"""Blueprints that decide repeats themselves: ``/sparql`` (``format`` may be repeated naming one format), the API (a
library query's parameter binds each of its values), the CLI's route (a JSON body)."""

_LABEL = r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)"
_HOST = re.compile(rf"(?:{_LABEL}(?:\.{_LABEL})*\.?|\[[0-9A-Fa-f:.]{{2,45}}\])(?::[0-9]{{0,5}})?")
_BAD_HOST = "ascn.bad_host"
_BAD_ACCEPT = "ascn.bad_accept"

MAX_ACCEPT_RANGES = 50
"""Ranges one ``Accept``-family header may list: a browser sends under 10, RDF and SPARQL clients under 20."""
MAX_ACCEPT_LENGTH = 4_000
"""Characters in one ``Accept``-family header: a browser's ``Accept`` has about 150, an RDF library's about 400."""
_ACCEPT_HEADERS = {
    "HTTP_ACCEPT": "Accept",
    "HTTP_ACCEPT_ENCODING": "Accept-Encoding",
    "HTTP_ACCEPT_LANGUAGE": "Accept-Language",
    "HTTP_ACCEPT_CHARSET": "Accept-Charset",
}


class ParameterError(BadRequest):
    """A request parameter out of bounds or unknown: a 400 that names the parameter (JSON clients get it as
    ``parameter``, see :func:`webapp.errors.render_error`)."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"parameter {parameter!r}: {message}")
        self.parameter = parameter


def repeated(name: str, count: int) -> ParameterError:
    """The refusal of a parameter given ``count`` times that is taken once."""
    return ParameterError(name, f"given {count} times; give it once")


MAX_ENTITY_PATH = 300
"""Characters in an entity path (/id/<kind>/<id>): far more than any id the loader makes."""
_KIND = re.compile(r"[A-Za-z0-9_.-]+")
_IDENT = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")


def is_entity_path(kind: str, ident: str) -> bool:
    """Whether ``/id/<kind>/<ident>`` can name an entity: checked before it is made an IRI for a query (a ``<`` or
    ``"`` in it is no IRI at all), by every route that takes an entity path.

    >>> is_entity_path("city", "da-nang"), is_entity_path("city", "phuket/population"), is_entity_path("c<ty", "x")
    (True, True, False)
    """
    return (
        len(kind) + len(ident) + 5 <= MAX_ENTITY_PATH
        and _KIND.fullmatch(kind) is not None
        and _IDENT.fullmatch(ident) is not None
    )


def host_is_valid(host: str) -> bool:
    """Whether ``host`` (a Host header) is a host name or IP literal with an optional port.

    >>> host_is_valid("example.org:5000"), host_is_valid("[::1]:80"), host_is_valid("127.0.0.1")
    (True, True, True)
    >>> host_is_valid("a" * 64 + ".org"), host_is_valid("x.org/evil"), host_is_valid("-x.org")
    (False, False, False)
    >>> host_is_valid("example.org:99999"), host_is_valid("example.org:65535"), host_is_valid("[::1]")
    (False, True, True)
    """
    if len(host) > 260 or _HOST.fullmatch(host) is None:
        return False
    name, port = host, ""
    if ":" in host and not host.endswith("]"):
        name, _, port = host.rpartition(":")
    # a port past 65535 named no address, and the service description's sd:endpoint was an URL no client can use
    return len(name) <= 253 and int(port or 0) <= 65535


class HeaderCheck:
    """WSGI middleware: a request whose Host header is no host name is served as if it named the server itself,
    flagged so that the app refuses it (a 400 page built with the server's own URLs, never the forged ones); one
    whose ``Accept``-family header is too long to negotiate with is served without that header, flagged likewise
    (the refusal's own page is then chosen without it)."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST")
        if host is not None and not host_is_valid(host):
            environ[_BAD_HOST] = host
            server = environ.get("SERVER_NAME") or "localhost"
            environ["HTTP_HOST"] = server if host_is_valid(server) else "localhost"
        for key, name in _ACCEPT_HEADERS.items():
            value = environ.get(key)
            if value is not None and (len(value) > MAX_ACCEPT_LENGTH or value.count(",") >= MAX_ACCEPT_RANGES):
                environ.setdefault(_BAD_ACCEPT, (name, value.count(",") + 1, len(value)))
                del environ[key]
        return self.app(environ, start_response)


def check_parameters() -> None:
    """Refuse (400, naming the parameter) too many parameters, too many values of one, a value too long, or a
    value holding a control character: in the URL and a form body alike (a form body of 100,000 parameters cost
    the server 0.46 s, and one of 5,000 ``default-graph-uri`` values was answered). A page refuses a parameter
    given twice that it takes once (:data:`REPEATABLE`)."""
    endpoint = request.endpoint or ""
    own = QUERY_PARAMETERS.get(endpoint, ())
    once = endpoint not in ("", "static") and not endpoint.startswith(DECIDE_REPEATS)
    values = list(_values())
    total = 0
    for name, count in Counter(name for name, _ in values).items():
        if count > MAX_VALUES:
            raise ParameterError(name, f"given {count} times; at most {MAX_VALUES} values are accepted")
        if once and count > 1 and name not in REPEATABLE.get(endpoint, ()):
            raise repeated(name, count)
        total += count
        if total > MAX_PARAMETERS:
            raise ParameterError(name, f"a request may carry at most {MAX_PARAMETERS} parameters")
    for name, value in values:
        if len(value) > MAX_VALUE_LENGTH and name not in own:
            raise ParameterError(name, f"a value of {len(value)} characters; at most {MAX_VALUE_LENGTH} are accepted")
        control = CONTROL.search(value)
        if control is not None:
            raise ParameterError(
                name,
                f"holds the control character U+{ord(control[0]):04X}; only text, tabs and line breaks are accepted",
            )


def _check_utf8(encoded: bytes) -> None:
    """Refuse (400, naming the parameter and the byte) a name or value of the URL-encoded ``encoded`` whose
    percent-escapes are no UTF-8: werkzeug reads such bytes as U+FFFD, so ``query=SELECT … '%FF'`` was answered for
    another query than the one sent, where the same query in a POST body was refused."""
    for pair in encoded.split(b"&"):
        name, _, value = (unquote_to_bytes(part.replace(b"+", b" ")) for part in pair.partition(b"="))
        for what, raw in (("name", name), ("value", value)):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ParameterError(
                    name.decode("utf-8", "replace")[:40],
                    f"its {what} is not UTF-8 (byte {exc.start + 1} of it is 0x{raw[exc.start]:02X})",
                ) from None


def _values() -> Iterable[tuple[str, str]]:
    """Every parameter value of the request: the URL's, then a form body's. The body is read into the request's
    cache first, so a view that reads the raw body afterwards (``/sparql`` checks that it is UTF-8) still gets it;
    its ``&`` are counted before it is parsed, since parsing takes as long as the refusal would save."""
    _check_utf8(request.query_string)
    yield from request.args.items(multi=True)
    if request.mimetype == _FORM:
        body = request.get_data(cache=True)
        pairs = body.count(b"&") + 1
        if pairs > MAX_PARAMETERS:
            raise BadRequest(
                f"The form body carries {pairs} parameters; a request may carry at most {MAX_PARAMETERS} parameters."
            )
        _check_utf8(body)
        yield from request.form.items(multi=True)


def distinct(values) -> list[str]:
    """The non-blank values, stripped, each once, in the order given (a repeated value asks nothing new).

    >>> distinct([" a", "b", "a ", "", "  "])
    ['a', 'b']
    """
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))


_PATH_CONTROL = re.compile(r"[\t\n\r]|" + CONTROL.pattern)
"""What no path may hold: :data:`~loaders.records.CONTROL`, and the tab and line breaks a text value may hold. A
carriage return in a path (``/id/city/a%0Db``) reached the plain-text 404 and a 405's message as it was, so a
terminal showing the answer went back and wrote over its line."""


def _refuse_bad_headers() -> None:
    control = _PATH_CONTROL.search(request.path)
    if control is not None:  # never echoed: the 404 pages say which path they did not find
        raise BadRequest(f"The path holds the control character U+{ord(control[0]):04X}; no address here has one.")
    host = request.environ.get(_BAD_HOST)
    if host is not None:
        raise BadRequest(
            f"The Host header {shown(host, 80)} is not a host name (letters, digits and hyphens in labels of "
            "at most 63 characters, optionally with a port up to 65535)."
        )
    coding = request.headers.get("Content-Encoding", "").strip().lower()
    if coding not in ("", "identity") and (request.content_length or "HTTP_TRANSFER_ENCODING" in request.environ):
        # the body would be read as the coded bytes: a gzipped SPARQL query was 'the request body is not UTF-8 (byte 1)'
        raise UnsupportedMediaType(
            f"The request body has Content-Encoding {shown(coding, 40)}; request bodies are read as sent: send it "
            "without a Content-Encoding."
        )
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and (request.content_length or 0) > limit:
        # werkzeug refuses it too, when the body is read, but with 'The data value transmitted exceeds the capacity
        # limit.', which says neither how large the body is, nor the limit, nor which setting raises it
        raise RequestEntityTooLarge(
            f"The request body is too large: it holds {request.content_length:,} bytes, over the limit of {limit:,} "
            "(ASCN_MAX_CONTENT_LENGTH)."
        )
    accept = request.environ.get(_BAD_ACCEPT)
    if accept is not None:
        name, ranges, length = accept
        raise BadRequest(
            f"The {name} header lists {ranges} ranges in {length} characters; at most {MAX_ACCEPT_RANGES} ranges "
            f"in {MAX_ACCEPT_LENGTH} characters are accepted."
        )


def init_app(app: Flask) -> None:
    """Check the Host and Accept headers and the parameters of every request to ``app``."""
    # Flask's documented way to add WSGI middleware, though Flask's own hints declare wsgi_app a method
    app.wsgi_app = HeaderCheck(app.wsgi_app)  # type: ignore[method-assign]
    app.before_request(_refuse_bad_headers)
    app.before_request(check_parameters)
