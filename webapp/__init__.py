"""The web app: an application factory (Flask's tutorial shape) with one blueprint per area.

Configuration comes in layers: :data:`DEFAULTS`, then ``ASCN_*`` environment variables (Flask's
``from_prefixed_env``, which reads JSON values, so ``ASCN_SPARQL_ALLOWED_SERVICES='["https://…"]'``
works), then the ``config`` mapping a caller (a test, ``ascn serve``) passes. The store settings are
the keys named like :class:`graph.config.Settings` fields (``STORE``, ``DATA_DIR``, ``QUERY_URL`` …),
so moving to a remote SPARQL server is a configuration change only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response

from graph.config import seconds_setting, whole_setting
from graph.pool import default_workers
from webapp.site_url import check_site_url

DEFAULTS: dict[str, Any] = {
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "SPARQL_TIMEOUT": 10.0,
    "SPARQL_ROW_LIMIT": 10_000,
    "SPARQL_WORKERS": default_workers(),
    "SPARQL_LANE_WORKERS": 1,
    "SPARQL_LANE_LIMIT": 1.0,
    "SPARQL_ADMISSION_WAIT": 2.0,
    "SPARQL_WORKER_MEMORY": 0,  # bytes of data a query worker may map; 0: graph.pool.default_worker_memory
    "SPARQL_MAX_QUERY_LENGTH": 100_000,
    "SPARQL_MAX_ANSWER_BYTES": 64 * 1024 * 1024,
    "SPARQL_ALLOWED_SERVICES": [],
    "TILE_URL": None,
    "PUBLIC_BASE": "https://w3id.org/ascn/",
    "SITE_URL": None,
    "TRUSTED_PROXY": None,
    "EVALUATION_LIMIT": 500,
    "RATE_LIMIT_SPARQL": None,
    "RATE_LIMIT_PAGES": None,
    "RATE_LIMIT_STORAGE": "memory://",
    "CONNECTIONS_PER_CLIENT": 50,
    "ANSWER_CACHE_BYTES": 64 * 1024 * 1024,
    "CURATOR_TOKEN": None,
    "CURATOR_SIGN_IN_HOURS": 8,
    "SECRET_KEY": None,
}
"""Request bodies up to 1 MiB; per query 10 s, 10 000 rows, 100 000 characters, an answer of 64 MiB; query workers twice
the CPU cores (2 to 8, :func:`graph.pool.default_workers`) and one more in a reserved lane for queries of up to 1 s
while the others are busy, a query that finds no free worker within 2 s refused with 503 (see
:class:`graph.pool.QueryPool`); no map tiles unless ``ASCN_TILE_URL`` names a tile server; entity IRIs under
``ASCN_PUBLIC_BASE``; absolute URLs to the site's own pages from ``ASCN_SITE_URL``, else from the address the server
answers at, never from a request's ``Host`` (see :mod:`webapp.site_url`); forwarded headers trusted only from
``ASCN_TRUSTED_PROXY`` (the reverse proxy's address, used by ``ascn serve``); the data page's recommender evaluation
holds out at most ``ASCN_EVALUATION_LIMIT`` links per link type; no rate limits unless ``ASCN_RATE_LIMIT_SPARQL``
(``/sparql`` and ``/api/queries/…``) or ``ASCN_RATE_LIMIT_PAGES`` (every other route) gives one per client address in
flask-limiter's notation (``"60/minute;10/second"``), counted in ``ASCN_RATE_LIMIT_STORAGE`` (see :mod:`webapp.limits`);
``ascn serve`` keeps at most 50 connections open per client address (``ASCN_CONNECTIONS_PER_CLIENT``, 0 for no cap; see
:mod:`webapp.connections`); query answers kept up to 64 MiB in all until the graph changes (``ASCN_ANSWER_CACHE_BYTES``,
0 keeps none; see :mod:`webapp.caching`); no curator token, so no one can review proposals through the web unless
``ASCN_CURATOR_TOKEN`` gives one, a curator's sign-in ending 8 hours after it was made (``ASCN_CURATOR_SIGN_IN_HOURS``),
and sessions signed with ``ASCN_SECRET_KEY`` (a random key per start when unset; see :mod:`webapp.review`)."""


class _App(Flask):
    def make_default_options_response(self) -> Response:
        """The answer to an OPTIONS request (its ``Allow`` header), with no body and so no body's type: Flask gave it
        ``text/html``, as it gives every Response. ``/sparql``'s CORS preflight is made from it too."""
        response = super().make_default_options_response()
        del response.headers["Content-Type"]
        return response


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configuration, the store (opened once, built on first run), the blueprints."""
    app = _App(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("ASCN")
    if config:
        app.config.from_mapping(config)
    _check_numbers(app.config)
    app.config["SITE_URL"] = check_site_url(app.config.get("SITE_URL"))

    from webapp import limits

    limits.init_app(app)  # first: a malformed limit stops here, before the store is opened

    from webapp import store

    store.init_app(app)

    from webapp import bounds, caching, errors, pages, ranges, security, sparql, static_files, vendor

    bounds.init_app(app)  # before the answer cache: a request out of bounds is refused, never answered from it
    caching.init_app(app)
    security.init_app(app)
    ranges.init_app(app)
    static_files.init_app(app)
    vendor.init_app(app)
    errors.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(sparql.bp)

    from webapp import (
        api,
        changes,
        citation,
        complete,
        crawlers,
        evaluation,
        graph_view,
        reconcile,
        reference,
        review,
        search,
        served,
        tools,
    )

    evaluation.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(reconcile.bp)
    app.register_blueprint(complete.bp)
    app.register_blueprint(graph_view.bp)
    app.register_blueprint(tools.bp)
    app.register_blueprint(reference.bp)
    app.register_blueprint(citation.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(changes.bp)
    app.register_blueprint(crawlers.bp)
    review.init_app(app)
    app.register_blueprint(review.bp)
    app.register_blueprint(served.bp)
    return app


WHOLE_SETTINGS = {
    "SPARQL_ROW_LIMIT": 1,
    "SPARQL_WORKERS": 1,
    "SPARQL_LANE_WORKERS": 0,
    "SPARQL_WORKER_MEMORY": 0,
    "SPARQL_MAX_QUERY_LENGTH": 1,
    "SPARQL_MAX_ANSWER_BYTES": 1,
}
"""The endpoint's whole-number settings and the least each may be."""
SECONDS_SETTINGS = {"SPARQL_TIMEOUT": False, "SPARQL_LANE_LIMIT": False, "SPARQL_ADMISSION_WAIT": True}
"""The endpoint's settings in seconds, and whether each may be 0."""


def _check_numbers(config) -> None:
    """Read the endpoint's numeric settings as numbers, refusing (InputError naming the ``ASCN_*`` variable) one that
    is none, or out of range, before anything starts: they were read at each query, so ``ASCN_SPARQL_TIMEOUT=ten``
    or ``ascn serve --timeout nan`` (JSON and click both read NaN and Infinity) started a server whose every query
    was a 500, and a negative time limit one whose every query was stopped at once."""
    for key, least in WHOLE_SETTINGS.items():
        config[key] = whole_setting(config[key], f"ASCN_{key}", least)
    for key, zero in SECONDS_SETTINGS.items():
        config[key] = seconds_setting(config[key], f"ASCN_{key}", zero)
