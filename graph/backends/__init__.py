"""Store backends by name, imported only when asked for (rdflib's plugin habit).

These modules are the only ones that import a store library (pyoxigraph, SPARQLWrapper); the
import-linter contract in pyproject.toml keeps it that way.
"""

from __future__ import annotations

from importlib import import_module

from graph.config import Settings
from graph.errors import StoreError
from graph.store import Store

BACKENDS = {
    "oxigraph": "graph.backends.oxigraph:OxigraphStore",
    "sparql": "graph.backends.sparql:SparqlStore",
}


def open_store(settings: Settings, read_only: bool = False) -> Store:
    """Open the store that ``settings.store`` names; ``read_only`` for query workers beside the owner.

    A backend with an ``open_read_only`` constructor (the embedded store, whose read-write lock one
    process holds) gives a read-only handle; a remote store is opened as usual, since a query worker
    only ever queries it.

    >>> open_store(Settings(store="mongo"))
    Traceback (most recent call last):
    ...
    graph.errors.StoreError: unknown store backend 'mongo'; choose one of: oxigraph, sparql
    """
    try:
        module_name, class_name = BACKENDS[settings.store].split(":")
    except KeyError:
        raise StoreError(
            f"unknown store backend {settings.store!r}; choose one of: {', '.join(sorted(BACKENDS))}"
        ) from None
    backend = getattr(import_module(module_name), class_name)
    if read_only and hasattr(backend, "open_read_only"):
        return backend.open_read_only(settings)
    return backend.open(settings)


def repair_store(settings: Settings, graphs, keep) -> dict:
    """Replace a (damaged) embedded store by a fresh one holding ``graphs`` and the loaded graphs' snapshots; see
    :meth:`graph.backends.oxigraph.OxigraphStore.repair`. A remote store is repaired on its server."""
    if settings.store != "oxigraph":
        raise StoreError("`ascn repair` repairs the embedded store; a remote store is repaired on its own server")
    return import_module("graph.backends.oxigraph").OxigraphStore.repair(settings, graphs, keep)


def memory_store() -> Store:
    """An empty in-memory store of the embedded backend, whatever the configured one: a place to check data with
    SPARQL (:mod:`loaders.shacl_sparql`) before it is written anywhere."""
    return import_module("graph.backends.oxigraph").OxigraphStore.in_memory()
