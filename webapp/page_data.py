"""Running the pages' own ``.rq`` queries (``queries/pages``) and turning terms into what templates show.

Pages read the graph through named queries with bound parameters only, like every other part of the
project; these helpers keep the routes short.
"""

from __future__ import annotations

from typing import Any, Mapping

from rdflib import Literal, URIRef
from rdflib.term import Node

from flask import current_app, has_app_context

from ontology.namespace import ID
from queries.library import get_query
from webapp.store import get_store

DEFAULT_BASE = str(ID).removesuffix("id/")
"""The public IRI base the entity IRIs live under (``ASCN_PUBLIC_BASE``): ``<base>id/city/da-nang`` is served at
``/id/city/da-nang``."""


def run(name: str, values: Mapping[str, Any] | None = None):
    """The answer of the page query ``name`` with ``values`` bound (a Table, bool or rdflib Graph)."""
    return get_store().query(get_query(name, "pages").bind(values))


def rows(name: str, values: Mapping[str, Any] | None = None) -> list[dict[str, Node | None]]:
    """The rows of a SELECT page query as dicts of terms."""
    return list(run(name, values))


def text(term: Node | None) -> str | None:
    """A term as plain text (None stays None).

    >>> text(Literal("Da Nang", lang="en")), text(None)
    ('Da Nang', None)
    """
    return None if term is None else str(term)


def local_path(iri: str | URIRef) -> str | None:
    """The app path of an entity IRI under the id base, or None for any other IRI.

    >>> local_path("https://w3id.org/ascn/id/city/da-nang")
    '/id/city/da-nang'
    >>> local_path("https://schema.org/City") is None
    True
    """
    iri, base = str(iri), public_base()
    if not iri.startswith(base + "id/"):
        return None
    return "/" + iri[len(base):]


def iri_of(path: str) -> str:
    """The entity IRI an app path stands for (the inverse of :func:`local_path`).

    >>> iri_of("/id/city/da-nang")
    'https://w3id.org/ascn/id/city/da-nang'
    """
    return public_base() + path.lstrip("/")


def public_base() -> str:
    """The configured public IRI base (outside an app, the project's own)."""
    return current_app.config.get("PUBLIC_BASE") or DEFAULT_BASE if has_app_context() else DEFAULT_BASE


def entity_type(iri: str | URIRef) -> str | None:
    """The type segment of an entity IRI (``city`` for ``…/id/city/da-nang``), or None.

    >>> entity_type("https://w3id.org/ascn/id/focus-area/mobility")
    'focus-area'
    """
    path = local_path(iri)
    return path.split("/")[2] if path and path.count("/") >= 3 else None
