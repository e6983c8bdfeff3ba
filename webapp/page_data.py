"""Running the pages' own ``.rq`` queries (``queries/pages``) and turning terms into what templates show.

Pages read the graph through named queries with bound parameters only, like every other part of the
project; these helpers keep the routes short.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from flask import current_app, has_app_context, has_request_context, request
from rdflib.term import Identifier, Node

from graph import lookup
from ontology.namespace import ID
from queries.errors import QueryError
from queries.library import get_query
from webapp.store import get_store

T = TypeVar("T")
_WEB_URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+\Z", re.IGNORECASE)
PER_VERSION = "ascn-per-version"
"""The ``app.extensions`` key of :func:`once_per_version`'s values: name → (graph version, value)."""

DEFAULT_BASE = str(ID).removesuffix("id/")
"""The public IRI base the entity IRIs live under (``ASCN_PUBLIC_BASE``): ``<base>id/city/da-nang`` is served at
``/id/city/da-nang``."""


def run(
    name: str,
    values: Mapping[str, Any] | None = None,
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
):
    """The answer of the page query ``name`` with ``values`` bound (a Table, bool or rdflib Graph), over the
    ``default_graphs`` and ``named_graphs`` given (else the union of every graph)."""
    query = get_query(name, "pages").bind(values)
    return get_store().query(query, default_graphs=default_graphs, named_graphs=named_graphs)


def rows(name: str, values: Mapping[str, Any] | None = None) -> list[dict[str, Identifier | None]]:
    """The rows of a SELECT page query as dicts of terms."""
    return list(run(name, values))


def value_rows(name: str, values: Mapping[str, Any] | None = None) -> list[dict[str, str | None]]:
    """The rows of a SELECT page query as dicts of plain strings (:meth:`graph.store.Store.values`, so an
    empty string is None): for bulk reads, where rdflib terms would cost more than the query."""
    table = get_store().values(get_query(name, "pages").bind(values))
    return [dict(zip(table.variables, row)) for row in table.rows]


def once_per_version(name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per graph version in this app, kept under ``name`` until the graph changes.

    For page data that depends on the graph alone and costs much at scale: Find projects reads every project,
    which takes minutes from a remote server holding millions of triples. While nothing changes only
    :meth:`graph.store.Store.version` runs. The version is read before the data, so a write that lands
    meanwhile is seen at the next request.
    """
    version = get_store().version()
    kept = current_app.extensions.setdefault(PER_VERSION, {}).get(name)
    if kept is not None and kept[0] == version:
        return kept[1]
    value = compute()
    current_app.extensions[PER_VERSION][name] = (version, value)
    return value


def lookup_index() -> lookup.Index:
    """The graph's names, classes and properties (:mod:`graph.lookup`) for reconciliation and completion, read
    once per graph version."""
    return once_per_version("lookup-index", lambda: lookup.build(get_store()))


def entity_pages() -> dict[str, str]:
    """Every entity's page, path → label, in path order: entities only, not their parts (a city's geometry, a
    statement of the network), from the name index (:func:`lookup_index`), once per graph version."""

    def read() -> dict[str, str]:
        pages = {path: e.label for iri, e in lookup_index().entities.items() if (path := local_path(iri))}
        return {path: pages[path] for path in sorted(pages) if _ENTITY_PAGE.fullmatch(path)}

    return once_per_version("entity-pages", read)


_ENTITY_PAGE = re.compile(r"/id/[^/]+/[^/]+")


CLOSEST_LENGTH = 60
"""Characters of a path's id compared with the entities' ids and names for a 404's suggestions: more than the
longest id (48 in the bundled graph); each character more costs time for each of the 1,300 ids and names (a path's
250 characters took 0.12 s through difflib alone, see :func:`graph.lookup.close_matches`)."""


CLOSEST_RATIO = 0.6
"""How alike (difflib's ratio, over names with accents and case folded) a path's id and an entity's id or name must
be to be suggested: difflib's own default. At 0.4 /id/city/nowhere offered Singapore (0.5: "n", "o", "r", "e" in
order); a typo (da-nangg 0.93, hanio 0.8) or a shortened name (cebu for Cebu City, 0.62) is well above it, and the
folding keeps a name typed with its accents (/id/city/đà-nẵng, 0.57 before) at 1."""


def closest_entities(kind: str, ident: str) -> list[tuple[str, str]]:
    """The entities whose id or label is closest to ``ident``: of the same kind, or of any kind when the
    kind itself is unknown (for a 404's suggestions). From :func:`entity_pages`, kept per graph version:
    read from the store at each 404, an unknown kind (/id/abcde/fghij) cost 130 ms of the server's process."""
    pages = entity_pages()
    entities = {path: label for path, label in pages.items() if path.startswith(f"/id/{kind}/")} or pages
    keys: dict[str, str] = {}
    for path, label in entities.items():
        keys.setdefault(lookup.fold(path.rsplit("/", 1)[-1]), path)
        keys.setdefault(lookup.fold(label), path)
    picked: list[str] = []
    for key in lookup.close_matches(lookup.fold(ident[:CLOSEST_LENGTH]), keys, n=10, cutoff=CLOSEST_RATIO):
        if keys[key] not in picked:
            picked.append(keys[key])
    return [(path, entities[path]) for path in picked[:5]]


def text(term: Node | None) -> str | None:
    """A term as plain text (None stays None).

    >>> from rdflib import Literal
    >>> text(Literal("Da Nang", lang="en")), text(None)
    ('Da Nang', None)
    """
    return None if term is None else str(term)


def upper_first(name: str) -> str:
    """A label as the start of a heading or a breadcrumb: its first letter upper case, the rest as written. Jinja's
    ``capitalize`` lowers the rest, and the breadcrumb of an annual meeting read "Ascn annual meeting".

    >>> upper_first("ASCN annual meeting"), upper_first("city–partner pairing"), upper_first("")
    ('ASCN annual meeting', 'City–partner pairing', '')
    """
    return name[:1].upper() + name[1:]


def sorted_terms(nodes: Iterable[Node]) -> list[Identifier]:
    """``nodes`` in rdflib's order of terms. rdflib types a graph's terms as ``Node``, which has no order; every
    term a parsed graph holds is an ``Identifier`` (IRI, blank node or literal), which has.

    >>> from rdflib import Literal, URIRef
    >>> sorted_terms([URIRef("https://example.org/b"), Literal("a"), URIRef("https://example.org/a")])
    [rdflib.term.URIRef('https://example.org/a'), rdflib.term.URIRef('https://example.org/b'), rdflib.term.Literal('a')]
    """
    return sorted(n for n in nodes if isinstance(n, Identifier))


def bound(term: T | None) -> T:
    """A row's value (a term, or a string of :func:`value_rows`) for a variable the query binds in every row (a
    COUNT, a variable of a required pattern).

    Which variables may be unbound follows from the query's shape, which no static type sees, so :func:`rows`
    and :func:`value_rows` type every value as optional and the caller says here which one cannot be; one that
    is unbound all the same fails at once rather than showing as "None".

    >>> from rdflib import Literal
    >>> int(bound(Literal(3)))
    3
    >>> bound(None)
    Traceback (most recent call last):
    ...
    queries.errors.QueryError: a page query left unbound a variable it binds in every row
    """
    if term is None:
        raise QueryError("a page query left unbound a variable it binds in every row")
    return term


def local_path(iri: str | None) -> str | None:
    """The app path of an entity IRI under the id base, or of a named graph's IRI, or None for any other IRI and for
    none at all (an optional variable a query left unbound).

    >>> local_path("https://w3id.org/ascn/id/city/da-nang"), local_path("https://w3id.org/ascn/graph/bundled/cities")
    ('/id/city/da-nang', '/graph/bundled/cities')
    >>> local_path("https://schema.org/City") is None
    True
    """
    if iri is None:
        return None
    iri, base = str(iri), public_base()
    if not iri.startswith((base + "id/", base + "graph/")):
        return None
    return "/" + iri[len(base) :]


def linked_items(answer: Mapping[str, Any]) -> list[dict]:
    """A recommender answer's items (:func:`graph.similarity.reasons.to_dict`) with the app path of everything they
    link to (``path`` on each item, reason, piece of evidence and source), as the pages' recommendation macro
    (``pages/_macros.html``) shows them on entity pages and on /match alike."""
    items = answer["items"]
    for item in items:
        item["path"] = local_path(item["iri"])
        for reason in item["reasons"]:
            reason["path"] = local_path(reason["entity"])
            for ev in reason["evidence"]:
                ev["path"] = local_path(ev["fact"])
                for src in ev["sources"]:
                    src["path"] = local_path(src["iri"])
    return items


def href_of(iri: str | None) -> str | None:
    """Where a link to ``iri`` goes: the app path of an entity IRI, the IRI itself when it is an http(s) URL, and
    None for anything else, which a template then shows as text. Data decides link targets, so a ``javascript:``
    or ``data:`` IRI in a loaded file must never become a link, whatever the Content-Security-Policy would stop.

    >>> href_of("https://w3id.org/ascn/id/city/da-nang"), href_of("https://example.org/report.pdf")
    ('/id/city/da-nang', 'https://example.org/report.pdf')
    >>> href_of("javascript:alert(1)"), href_of(" JavaScript:alert(1)"), href_of("urn:isbn:1"), href_of(None)
    (None, None, None, None)
    """
    if iri is None:
        return None
    path = local_path(iri)
    if path:
        return (request.script_root if has_request_context() else "") + path
    return str(iri) if _WEB_URL.match(str(iri)) else None


def iri_of(path: str) -> str:
    """The entity IRI an app path stands for (the inverse of :func:`local_path`).

    >>> iri_of("/id/city/da-nang")
    'https://w3id.org/ascn/id/city/da-nang'
    """
    return public_base() + path.lstrip("/")


def public_base() -> str:
    """The configured public IRI base (outside an app, the project's own)."""
    return current_app.config.get("PUBLIC_BASE") or DEFAULT_BASE if has_app_context() else DEFAULT_BASE


def entity_type(iri: str) -> str | None:
    """The type segment of an entity IRI (``city`` for ``…/id/city/da-nang``), or None (a named graph's IRI too).

    >>> entity_type("https://w3id.org/ascn/id/focus-area/mobility"), entity_type("https://w3id.org/ascn/graph/ontology")
    ('focus-area', None)
    """
    path = local_path(iri)
    return path.split("/")[2] if path and path.startswith("/id/") and path.count("/") >= 3 else None


def whole_number(text: str) -> int | None:
    """``text`` as a whole number when it is ASCII digits only, else None. ``str.isdigit`` and ``int`` also take
    other scripts' digits, so ``top=５`` was 5; and ``isdigit`` takes ``²``, which ``int`` refuses (a 500). Past
    Python's limit on converting digits (4,300, leading zeros aside) ``int`` raises too (a 500): such a number is
    None, as every caller bounds what it takes far below it.

    >>> whole_number("10"), whole_number("５"), whole_number("²"), whole_number("-1"), whole_number("")
    (10, None, None, None, None)
    >>> whole_number("0" * 5000 + "5"), whole_number("1" + "0" * 5000)
    (5, None)
    """
    if not (text.isascii() and text.isdigit()):
        return None
    digits, most = text.lstrip("0") or "0", sys.get_int_max_str_digits()
    return int(digits) if not most or len(digits) <= most else None
