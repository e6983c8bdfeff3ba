"""Error pages: every error a person can meet is a page that says what went wrong and where to go next.

A 404 names the closest pages (for an entity path, the closest entities of that type, see
:mod:`webapp.pages`). Clients that asked for JSON (``/api/…`` or ``Accept: application/json``) get a JSON
body with the same message, so scripts never have to parse HTML; clients that asked for RDF (an entity IRI
with ``Accept: text/turtle`` or ``?format=ttl``) or plain text get the message as plain text, which no RDF
parser mistakes for data as it would try to read an HTML page.
"""

from __future__ import annotations

from difflib import get_close_matches

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed, ServiceUnavailable
from werkzeug.exceptions import NotFound as HTTPNotFound

from graph.errors import StoreError
from webapp.bounds import ParameterError
from webapp.linked_data import FORMAT_NAMES, HTML, OFFERS, best_match

TITLES = {
    400: "The request could not be understood",
    404: "Page not found",
    405: "Method not allowed",
    406: "No representation in that format",
    413: "Request too large",
    429: "Too many requests",
    500: "Something went wrong on our side",
    503: "The graph cannot be read at the moment",
}


class EntityNotFound(HTTPNotFound):
    """An entity path the graph does not hold: carries the closest existing entities as (path, label)."""

    def __init__(self, message: str, suggestions: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.suggestions = suggestions or []


JSON, TEXT = "json", "text"
_ERROR_OFFERS = [*OFFERS[:2], "application/json", *OFFERS[2:]]
"""What an error can be written as, by media type: HTML first (so a tie gets the page), then JSON, then plain text
standing for each RDF syntax the entity IRIs offer (:data:`webapp.linked_data.OFFERS`, ``text/plain`` among them)."""


def error_form() -> str:
    """How this request's error is written: ``json`` for API paths and clients that prefer JSON, ``text`` for
    clients that prefer plain text or an RDF syntax (by Accept or, as :func:`webapp.linked_data.negotiate` reads it,
    ``?format=ttl``), else ``html``: browsers, ``*/*``, ties and an Accept nothing here meets get the page.
    Matched through :func:`webapp.linked_data.best_match`, so ``application/json; charset=utf-8`` is JSON
    (werkzeug alone matched no offer to it, and such a client got HTML). A client that sent ``Range`` is resuming a
    download, not reading pages: its error (a 416 above all) is plain text where it got the HTML page."""
    if request.path.startswith("/api/"):
        return JSON
    if FORMAT_NAMES.get(request.args.get("format", "").strip().lower(), HTML) != HTML:
        return TEXT
    best = best_match(request.accept_mimetypes, _ERROR_OFFERS)
    if best == "application/json":
        return JSON
    return HTML if best in (None, *OFFERS[:2]) and "Range" not in request.headers else TEXT


def closest_pages(path: str, app: Flask) -> list[tuple[str, str]]:
    """The app's fixed pages whose paths are closest to ``path`` (for a mistyped address)."""
    fixed = sorted(
        {
            rule.rule
            for rule in app.url_map.iter_rules()
            if rule.methods and "GET" in rule.methods and not rule.arguments and not rule.rule.startswith("/static")
        }
    )
    return [(p, p) for p in get_close_matches(path[:200], fixed, n=3, cutoff=0.5)]


def render_error(
    error: HTTPException, suggestions: list[tuple[str, str]] | None = None, as_json: bool | None = None
) -> Response:
    """The error as an HTML page (JSON or plain text for clients that want them, :func:`error_form`) with the
    error's own status code.

    ``as_json`` overrides the choice for a caller that knows its client wants JSON whatever the path and
    Accept header say (a SPARQL client refused by the rate limiter, see :mod:`webapp.limits`).
    """
    code = error.code or 500
    message = error.description if code != 500 else "The server could not answer this request. The error was logged."
    form = JSON if as_json else error_form()
    if form == JSON:
        body: dict[str, object] = {"error": TITLES.get(code, error.name), "message": message, "status": code}
        if isinstance(error, ParameterError):
            body["parameter"] = error.parameter
        if suggestions:
            body["suggestions"] = [{"path": p, "label": label} for p, label in suggestions]
        response = jsonify(body)
    elif form == TEXT:
        lines = [f"{code} {TITLES.get(code, error.name)}: {message}"]
        if suggestions:
            lines += ["Did you mean:", *(f"  {p}" + (f"  {label}" if label != p else "") for p, label in suggestions)]
        response = Response("\n".join(lines) + "\n", mimetype="text/plain")
    else:
        response = Response(
            render_template(
                "errors/error.html",
                code=code,
                title=TITLES.get(code, error.name),
                message=message,
                suggestions=suggestions or [],
            ),
            mimetype="text/html",
        )
    response.status_code = code
    response.vary.add("Accept")  # the error's form follows it, so a cache must not give one client's form to another
    for name, value in error.get_headers():  # its own: a 405's Allow, a 416's Content-Range (bytes */length), ...
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _route_of_wrong_method(endpoint: str | None, values: dict | None) -> None:
    """Hand a request whose method its path's route does not take to that route, whose own error handler answers.

    Flask leaves such a request without a rule, so no blueprint's error handler saw its 405: ``PUT /sparql`` got
    the HTML page instead of the endpoint's plain-text protocol errors, and no CORS header. Registered as a URL
    value preprocessor because those run before every ``before_request`` function (a refused parameter of the same
    request is then answered in the route's form too). The 405 names the method and the ones the route takes.
    """
    error = request.routing_exception
    if not isinstance(error, MethodNotAllowed) or not error.valid_methods:
        return
    allowed = sorted(error.valid_methods)
    adapter = current_app.create_url_adapter(request)
    assert adapter is not None  # a request always has one
    request.url_rule = adapter.match(method=allowed[0], return_rule=True)[0]
    request.routing_exception = MethodNotAllowed(
        allowed, f"method {request.method} is not allowed here; {request.path} accepts {', '.join(allowed)}"
    )


def init_app(app: Flask) -> None:
    """Register the error pages on ``app``."""
    app.url_value_preprocessor(_route_of_wrong_method)

    @app.errorhandler(EntityNotFound)
    def entity_not_found(error: EntityNotFound):
        return render_error(error, error.suggestions)

    @app.errorhandler(404)
    def not_found(error: HTTPException):
        # Only an address no route takes is mistyped; a route's own 404 (/changes?from=nope, an unknown release)
        # says what is missing, and the closest page to /changes is /changes itself.
        return render_error(error, closest_pages(request.path, app) if request.url_rule is None else [])

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code < 400:
            return error
        return render_error(error)

    @app.errorhandler(StoreError)
    def store_error(error: StoreError):
        # A remote store that is down or too slow (ASCN_REMOTE_TIMEOUT) was a 500 on every page and API route but
        # /sparql's own 503. The message keeps the store's address, which the public should not learn, in the log.
        current_app.logger.error("%s: the store could not answer: %s", request.path, error)
        response = render_error(
            ServiceUnavailable("The store that holds the graph is not answering; please try again in a minute.")
        )
        response.headers["Retry-After"] = "60"
        return response

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        # Flask has already logged an unhandled exception (error.original_exception) with its traceback.
        return render_error(error)
