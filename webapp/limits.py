"""Per-client rate limits (flask-limiter), off unless the operator sets one.

Two buckets per client address: ``RATE_LIMIT_SPARQL`` for the routes that run a query in a worker process
(``/sparql`` and ``/api/queries/<name>``), ``RATE_LIMIT_PAGES`` for every other route. Each takes
flask-limiter's notation, several limits joined by ``;`` (``"60/minute;10/second"``). Static files, CORS
preflights (``OPTIONS``) and addresses that match no route are never counted.

The client is ``request.remote_addr``. Behind a reverse proxy that is the proxy, unless ``ascn serve`` is told
the proxy's address (``TRUSTED_PROXY``): waitress then puts the client address from ``X-Forwarded-For`` in
``REMOTE_ADDR`` (see :mod:`webapp.serve`), so each client keeps its own bucket.

A refused request gets 429 with ``Retry-After`` and the ``X-RateLimit-*`` headers, and the site's error
answer (:mod:`webapp.errors`): JSON for the query routes and ``/api/``, the HTML error page for the rest.
The counts live in ``RATE_LIMIT_STORAGE``: ``memory://`` (one per app, so per process) unless the operator
names a shared one. If that storage fails, requests pass uncounted and the error is logged: a limiter
outage never turns into a 500.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from functools import partial
from typing import Any

from flask import Flask, Response, current_app, request
from flask_limiter import ApplicationLimit, HeaderNames, Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import parse_many
from limits.errors import ConfigurationError

from ontology.errors import InputError
from webapp.errors import render_error

EXTENSION = "ascn-limits"
SETTINGS = {"sparql": "RATE_LIMIT_SPARQL", "pages": "RATE_LIMIT_PAGES"}
"""Bucket name → the config key of its limit."""
QUERY_ENDPOINTS = frozenset({"sparql.endpoint", "api.run_query"})
"""The routes that run a client's query in a worker process: the expensive ones, with a bucket of their own."""
WHAT = {"sparql": "SPARQL queries (/sparql and /api/queries/…)", "pages": "pages and API calls"}
HEADERS = ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")
_LIMITER_RETRY_AFTER = "X-ASCN-Limiter-Retry-After"
"""Where flask-limiter writes its Retry-After (it would write one on every response, and overwrite the 503's
``Retry-After: 1`` from a busy query pool); :func:`_settle_headers` drops it, so only a 429 says Retry-After."""


PUBLIC_LIMITS = {"RATE_LIMIT_SPARQL": "120/minute;10/second", "RATE_LIMIT_PAGES": "1200/minute;40/second"}
"""The limits ``ascn serve`` sets when it listens on an address other than loopback and the operator set none: a
person browsing or a script querying at a sustained pace never meets them, a flood of one address does."""
LOOPBACK = ("127.", "::1", "localhost", "[::1]")


def public_defaults(host: str, config: Mapping[str, Any], environ: Mapping[str, str]) -> dict:
    """The default limits for a server listening on ``host``: none on loopback (the machine's own users), else
    :data:`PUBLIC_LIMITS` for each bucket whose limit neither ``config`` nor an ``ASCN_*`` variable sets (an empty
    variable turns that bucket's limit off).

    >>> public_defaults("127.0.0.1", {}, {})
    {}
    >>> public_defaults("0.0.0.0", {"RATE_LIMIT_PAGES": "5/second"}, {"ASCN_RATE_LIMIT_SPARQL": ""})
    {}
    >>> public_defaults("0.0.0.0", {}, {})["RATE_LIMIT_SPARQL"]
    '120/minute;10/second'
    """
    if host.startswith(LOOPBACK):
        return {}
    return {
        key: limit for key, limit in PUBLIC_LIMITS.items() if config.get(key) is None and f"ASCN_{key}" not in environ
    }


def check_limit(text: str, setting: str) -> str:
    """``text`` when it is a limit in flask-limiter's notation; an :class:`InputError` naming ``setting`` if not.

    Checked when the app is built, because a limit that fails to parse at request time would answer 500.

    >>> check_limit("60/minute;10/second", "ASCN_RATE_LIMIT_SPARQL")
    '60/minute;10/second'
    >>> check_limit("lots", "ASCN_RATE_LIMIT_PAGES")
    Traceback (most recent call last):
    ...
    ontology.errors.InputError: field 'ASCN_RATE_LIMIT_PAGES': expected a rate limit such as '60/minute' or '60/minute;10/second', got 'lots'
    """
    try:
        if isinstance(text, str) and parse_many(text):
            return text
    except ValueError:
        pass
    raise InputError(field=setting, expected="a rate limit such as '60/minute' or '60/minute;10/second'", got=text)


def bucket() -> str | None:
    """The bucket the current request counts against: ``"sparql"``, ``"pages"``, or None (not counted)."""
    if request.method == "OPTIONS" or request.endpoint in (None, "static"):
        return None
    return "sparql" if request.endpoint in QUERY_ENDPOINTS else "pages"


def _other_bucket(name: str) -> bool:
    return bucket() != name


def init_app(app: Flask) -> None:
    """Rate-limit ``app`` with a limiter (and storage) of its own when a limit is set; else change nothing."""
    config = app.config
    limits = {name: check_limit(config[key], f"ASCN_{key}") for name, key in SETTINGS.items() if config.get(key)}
    if not limits:
        return
    storage = config["RATE_LIMIT_STORAGE"]
    limiter = Limiter(
        get_remote_address,
        storage_uri=storage,
        headers_enabled=True,
        swallow_errors=True,
        header_name_mapping={HeaderNames.RETRY_AFTER: _LIMITER_RETRY_AFTER},
        application_limits=[
            ApplicationLimit(limit, scope=name, exempt_when=partial(_other_bucket, name))
            for name, limit in limits.items()
        ],
    )
    app.after_request(_settle_headers)  # registered before the limiter's own hook, so it runs after it
    try:
        limiter.init_app(app)
    except ConfigurationError as exc:
        raise InputError(
            field="ASCN_RATE_LIMIT_STORAGE", expected=f"a storage the limits library can use ({exc})", got=storage
        ) from None
    app.extensions[EXTENSION] = limiter
    app.register_error_handler(RateLimitExceeded, _refused)


def _refused(error: RateLimitExceeded) -> Response:
    """429 in the site's error format, saying which limit was reached and when to come back."""
    name = bucket() or "pages"
    current = current_app.extensions[EXTENSION].current_limit
    wait = max(1, math.ceil(current.reset_at - time.time())) if current else 1
    error.description = (
        f"Too many requests from your address: {WHAT[name]} are limited to {error.limit.limit}. Try again in {wait} s."
    )
    response = render_error(error, as_json=True if name == "sparql" else None)
    response.headers["Retry-After"] = str(wait)
    return response


def _settle_headers(response: Response) -> Response:
    """Drop the limiter's own Retry-After (a refusal carries the one :func:`_refused` set), and let cross-origin
    scripts read the rate-limit headers wherever CORS already exposes others (/sparql)."""
    response.headers.pop(_LIMITER_RETRY_AFTER, None)
    exposed = response.headers.get("Access-Control-Expose-Headers")
    if exposed is not None:
        response.headers["Access-Control-Expose-Headers"] = ", ".join([exposed, *HEADERS])
    return response
