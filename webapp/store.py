"""One store and one query pool per app, kept in ``app.extensions`` (flaskr's ``init_app``), never global.

The app process opens the store read-write (building it on first run), so it owns the embedded store's
lock and a concurrent ``ascn load`` fails with a clear message instead of writing under a running server.
Queries from the web run in :class:`graph.pool.QueryPool` workers, each with its own read-only handle,
so a runaway query can be stopped without touching the app's handle.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, fields

from flask import Flask, current_app

from graph.config import Settings
from graph.dumps import drop_stale_dumps
from graph.federation import allowed_services
from graph.pool import QueryPool, default_worker_memory
from graph.similarity.typed_graph import GraphCache, TypedGraph, typed_graph
from graph.store import Store
from loaders import dataset

EXTENSION = "ascn"
_TEXT_SETTINGS = {"store", "query_url", "update_url", "gsp_url", "username", "password"}


@dataclass
class AppStore:
    settings: Settings
    store: Store
    pool: QueryPool
    pool_version: str | None = None
    """The graph version the pool's workers read (see :func:`current_version`)."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    graphs: GraphCache = field(default_factory=GraphCache)
    """The recommender's typed graphs by graph version (this app's, read once per version, kept in the data
    directory's ``derived/`` for the next start)."""


def settings_from_config(config) -> Settings:
    """The store settings held in the app's config (keys named like the Settings fields, upper case).

    Environment variables already reached the config through ``from_prefixed_env``, so they are not
    read a second time here; JSON-looking values (``ASCN_PASSWORD=1234``) are turned back into text.
    """
    values = {}
    for f in fields(Settings):
        if f.name.upper() in config:
            value = config[f.name.upper()]
            values[f.name] = str(value) if f.name in _TEXT_SETTINGS and value is not None else value
    return Settings.load(values, environ={})


def init_app(app: Flask) -> None:
    """Open the store (building it when empty or out of date) and set up the query pool."""
    settings = settings_from_config(app.config)
    store = dataset.open_graph(settings)
    config = app.config
    from webapp.pinned import KEEP  # pinned imports this module

    size, lane = int(config["SPARQL_WORKERS"]), int(config["SPARQL_LANE_WORKERS"])
    pool = QueryPool(
        settings,
        size=size,
        services=allowed_services(config["SPARQL_ALLOWED_SERVICES"]),
        lane=lane,
        lane_limit=float(config["SPARQL_LANE_LIMIT"]),
        admission_wait=float(config["SPARQL_ADMISSION_WAIT"]),
        # the pinned releases' workers (one per kept pool) take this bound too: half the machine is shared among all
        memory=int(config["SPARQL_WORKER_MEMORY"]) or default_worker_memory(size + lane + KEEP),
    )
    exact = getattr(store, "version_is_exact", False)
    version = store.version() if exact else None
    drop_stale_dumps(store, settings.data_dir)  # a load, unload or build made while no server ran
    app.extensions[EXTENSION] = AppStore(settings, store, pool, version, graphs=GraphCache(data_dir=settings.data_dir))


def get_store() -> Store:
    """The current app's store (read-write handle: use it for metadata, run user queries in the pool)."""
    return current_app.extensions[EXTENSION].store


def get_settings() -> Settings:
    """The current app's store settings (where its data directory is)."""
    return current_app.extensions[EXTENSION].settings


def get_graph_cache() -> GraphCache:
    """The current app's cache of the recommender's typed graphs (pass it as ``cache=`` to the recommender)."""
    return current_app.extensions[EXTENSION].graphs


def get_typed_graph() -> TypedGraph:
    """The recommender's typed graph of the current app's graph, read once per graph version."""
    return typed_graph(get_store(), get_graph_cache())


def get_pool() -> QueryPool:
    """The current app's query pool."""
    return current_app.extensions[EXTENSION].pool


def current_version() -> str | None:
    """The graph's version when it is exact and free to read (the embedded store's), else None.

    When it changed since the query workers opened the store (a write through the app's store: a load, an
    accepted proposal), the workers are renewed first, so the next query sees the new content.
    """
    state = current_app.extensions[EXTENSION]
    if state.pool_version is None:
        return None
    version = state.store.version()
    if version != state.pool_version:
        with state.lock:
            if version != state.pool_version:
                state.pool.recycle()
                state.pool_version = version
                drop_stale_dumps(state.store, state.settings.data_dir)
    return version


def close_app(app: Flask) -> None:
    """Stop the evaluation's process and the query workers (those of pinned releases too), release the store."""
    from webapp import evaluation, pinned

    evaluation.close_app(app)
    pinned.close_app(app)
    state = app.extensions.pop(EXTENSION, None)
    if state is not None:
        state.pool.close()
        state.store.close()
