"""Store backends by name, imported only when asked for (rdflib's plugin habit).

These modules are the only ones that import a store library (pyoxigraph, SPARQLWrapper); the
import-linter contract in pyproject.toml keeps it that way.
"""

from __future__ import annotations

from importlib import import_module

from graph.config import Settings
from graph.store import Store
from ontology.errors import StoreError

BACKENDS = {
    "oxigraph": "graph.backends.oxigraph:OxigraphStore",
    "sparql": "graph.backends.sparql:SparqlStore",
}


def open_store(settings: Settings) -> Store:
    """Open the store that ``settings.store`` names.

    >>> open_store(Settings(store="mongo"))
    Traceback (most recent call last):
    ...
    ontology.errors.StoreError: unknown store backend 'mongo'; choose one of: oxigraph, sparql
    """
    try:
        module_name, class_name = BACKENDS[settings.store].split(":")
    except KeyError:
        raise StoreError(
            f"unknown store backend {settings.store!r}; choose one of: {', '.join(sorted(BACKENDS))}"
        ) from None
    return getattr(import_module(module_name), class_name).open(settings)
