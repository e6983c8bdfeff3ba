"""Linked Data: which representation of an entity a request asks for, and its schema.org JSON-LD.

An entity IRI answers HTML to browsers and to ``Accept: */*``, and Turtle, N-Triples, JSON-LD or RDF/XML to
clients that ask for them in ``Accept`` or with ``?format=ttl|nt|jsonld|rdf``. The RDF is the entity's
description graph; the HTML page embeds a schema.org view of the same facts for search engines.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response, url_for
from rdflib import RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import NotAcceptable as HTTPNotAcceptable
from werkzeug.http import parse_options_header

from graph.formats import GRAPH_FORMATS, Format, by_name, write
from ontology.errors import shown
from ontology.jsonld import jsonld_context
from ontology.namespace import ASCN, RDF, SCHEMA, WGS
from webapp.bounds import ParameterError
from webapp.page_data import sorted_terms

HTML = "html"
XHTML = "application/xhtml+xml"
_GENERIC_XML = ("application/xml", "text/xml")
OFFERS = (
    ["text/html", XHTML]
    + [f.media_type for f in GRAPH_FORMATS]
    + [alias for f in GRAPH_FORMATS for alias in f.aliases if "/" in alias and alias not in _GENERIC_XML]
    + [alias for f in GRAPH_FORMATS for alias in f.aliases if alias in _GENERIC_XML]
)
"""HTML first, so ``*/*`` (and a tie) gets the page (XHTML only to a client naming it: :func:`negotiate`); then each
RDF syntax by media type and its aliases. The generic XML types come last, so they win only where the client ranks
them above everything else offered: ``Accept: application/xml`` gets RDF/XML (which is XML; it was a 406, where
``/sparql`` and ``/.well-known/void`` answer it), while a browser, which names them beside HTML (Safari 5 and
Firefox 2 ranked them with XHTML, above text/html), gets the page. ``text/plain`` is offered (N-Triples, its
historical media type, as ``/sparql`` answers it): a plain-text client got a 406. ``application/json`` gets JSON-LD,
which is JSON: a client asking for JSON (``requests``, ``fetch``) got a 406."""
FORMAT_NAMES = {
    HTML: HTML,
    **{key: f.name for f in GRAPH_FORMATS for key in (f.name, f.extension, *f.aliases) if "/" not in key},
}
"""What the ``format`` parameter may say: ``html``, or an RDF syntax by name, file ending or short alias."""


def best_match(accept: MIMEAccept, offered: Sequence[str]) -> str | None:
    """The media type of ``offered`` that ``accept`` prefers, or None: content negotiation for every route.

    Every answer here is UTF-8, so a range asking for it (``application/sparql-results+json; charset=utf-8``, as
    many clients send) is met; werkzeug matches a range with parameters only to an offer with the same ones, so
    each type is offered bare and with the charset, and the match is returned bare.

    A type's quality is that of the most specific range matching it (RFC 9110 12.5.1): werkzeug's ``best_match``
    took the highest quality of any matching range, so ``text/csv;q=0, text/*`` was answered in the CSV the client
    had refused. Of the types of the highest quality above 0, the one a more specific range names wins, then the
    first offered.

    >>> from werkzeug.http import parse_accept_header
    >>> best_match(parse_accept_header("text/csv; charset=UTF-8", MIMEAccept), ["application/json", "text/csv"])
    'text/csv'
    >>> best_match(parse_accept_header("text/csv;q=0, text/*", MIMEAccept), ["text/csv", "text/plain"])
    'text/plain'
    """
    ranges = _ranges(accept)
    best, best_key = None, None
    for media in offered:
        found = _quality(ranges, media)
        if found is not None and found[0] > 0 and (best_key is None or found > best_key):
            best, best_key = media, found
    return best


_Range = tuple[str, str, dict[str, str], float]
"""A media range of an Accept header: its type, subtype, parameters (lower case) and quality."""


def _ranges(accept: MIMEAccept) -> list[_Range]:
    """The media ranges of ``accept``, each read once (not once for each type offered), through the documented
    :func:`werkzeug.http.parse_options_header`, not ``MIMEAccept``'s private ``_specificity`` and
    ``_value_matches``, which a werkzeug release may change; what is no media range (``text``, ``*/json``) is left
    out, as it matches nothing."""
    out = []
    for value, quality in accept:
        mime, options = parse_options_header(value)
        kind, _, subtype = mime.lower().partition("/")
        if subtype and not (kind == "*" and subtype != "*"):
            out.append((kind, subtype, {name.lower(): option.lower() for name, option in options.items()}, quality))
    return out


def _quality(ranges: list[_Range], media: str) -> tuple[float, tuple[bool, bool, int]] | None:
    """The quality the Accept header's ``ranges`` give ``media`` (bare or in UTF-8) and the specificity of the range
    that gives it: the most specific range that matches it, the highest quality among equally specific ones; None
    when none matches."""
    kind, _, subtype = media.lower().partition("/")
    matching = [
        ((range_kind != "*", range_subtype != "*", len(params)), quality)
        for range_kind, range_subtype, params, quality in ranges
        # a wildcard matches whatever its parameters; a full type only bare or in UTF-8, as every answer here is
        if range_kind == "*"
        or (range_kind == kind and (range_subtype == "*" or (range_subtype == subtype and params in ({}, _UTF8))))
    ]
    if not matching:
        return None
    specificity, quality = max(matching)
    return quality, specificity


_UTF8 = {"charset": "utf-8"}


class NotAcceptable(HTTPNotAcceptable):
    """The Accept header names no representation we have: a 406 listing those we do."""


def negotiate(accept: MIMEAccept, format_param: str | None) -> str | Format:
    """``HTML`` or the RDF :class:`Format` a request asks for, for every route that has both (entity pages,
    ``/ontology``), so they answer alike: an unknown ``format`` parameter is a 400 naming it (ParameterError), an
    Accept header nothing here meets a 406 (NotAcceptable) listing what there is; ``*/*`` and browsers get HTML.

    >>> negotiate(MIMEAccept([("*/*", 1)]), None)
    'html'
    >>> negotiate(MIMEAccept([("text/turtle", 1), ("text/html", 0.5)]), None).name
    'turtle'
    >>> negotiate(MIMEAccept([("text/html", 1)]), "jsonld").media_type
    'application/ld+json'
    >>> negotiate(MIMEAccept([("application/*", 1)]), None).media_type
    'application/n-triples'
    """
    if format_param:
        name = FORMAT_NAMES.get(format_param.strip().lower())
        if name is None:
            raise ParameterError(
                "format",
                f"unknown format {shown(format_param)}; use one of html, "
                + ", ".join(f.extension for f in GRAPH_FORMATS),
            )
        return HTML if name == HTML else _graph_format(name)
    if not accept:
        return HTML
    best = best_match(accept, OFFERS if _names_xhtml(accept) else [o for o in OFFERS if o != XHTML])
    if best is None:
        raise NotAcceptable("this is available as text/html, " + ", ".join(f.media_type for f in GRAPH_FORMATS))
    return HTML if best in ("text/html", XHTML) else _graph_format(best)


def _names_xhtml(accept: MIMEAccept) -> bool:
    """Whether ``accept`` names XHTML itself, as browsers do beside text/html. Met by a wildcard, XHTML won
    ``Accept: application/*`` from a Linked Data client, which got the HTML page (labelled text/html, a type it
    did not accept) where the application/* it asked for holds every RDF syntax but Turtle.

    >>> _names_xhtml(MIMEAccept([("application/*", 1)])), _names_xhtml(MIMEAccept([("application/xhtml+xml", 1)]))
    (False, True)
    """
    return any(value.lower() == XHTML for value, quality in accept if quality > 0)


def _graph_format(name: str) -> Format:
    """The RDF format of a name :data:`FORMAT_NAMES` or :data:`OFFERS` holds (built from the same table, so found)."""
    fmt = by_name("graph", name)
    if fmt is None:
        raise LookupError(f"{name!r} names no RDF format, though the offers list it")
    return fmt


def alternates(path: str) -> list[dict]:
    """The entity's other representations, for ``<link rel="alternate">`` and the page's download links.

    >>> [a["href"] for a in alternates("/id/city/da-nang")][:2]
    ['/id/city/da-nang?format=ttl', '/id/city/da-nang?format=nt']
    """
    return [{"href": f"{path}?format={f.extension}", "type": f.media_type, "name": f.label} for f in GRAPH_FORMATS]


def link_header(path: str) -> str:
    """An HTTP ``Link`` header naming every alternate representation."""
    return ", ".join(f'<{a["href"]}>; rel="alternate"; type="{a["type"]}"' for a in alternates(path))


CONTEXT_REL = "http://www.w3.org/ns/json-ld#context"
"""The link relation of a JSON-LD context (JSON-LD 1.1, section 6.1)."""


def link_context(response: Response) -> Response:
    """A JSON-LD answer (:func:`rdf_body`'s) links the whole context its own terms come from, beside any other
    ``Link`` it has: for every route that answers JSON-LD (entities, named graphs, ``/.well-known/void``), so a
    reader finds the published context the same way whichever answer it started from."""
    if response.mimetype == "application/ld+json":
        link = f'<{url_for("reference.jsonld_context_file")}>; rel="{CONTEXT_REL}"; type="application/ld+json"'
        response.headers["Link"] = ", ".join(filter(None, (response.headers.get("Link"), link)))
    return response


def rdf_body(graph: Graph, fmt: Format) -> bytes:
    """``graph`` in the RDF syntax ``fmt``; JSON-LD compacted with the terms of the ontology's context
    (:func:`ontology.jsonld.jsonld_context`) that the graph uses, carried in the answer itself: it reads as plain JSON
    keys, and a JSON-LD reader needs to fetch nothing (the store's own loader fetches no remote context). It reads
    back as the same graph, a blank node an object property points to included (rdflib dropped it):

    >>> graph, place = Graph(), BNode()
    >>> _ = graph.add((URIRef("https://w3id.org/ascn/id/city/x"), ASCN.country, place))
    >>> _ = graph.add((place, RDFS.label, Literal("y")))
    >>> len(Graph().parse(data=rdf_body(graph, _graph_format("jsonld")), format="json-ld"))
    2
    """
    if fmt.name != "jsonld":
        return write(graph, fmt)
    used = {str(p) for p in graph.predicates()} | {str(o) for o in graph.objects(None, RDF.type)}
    blank = {str(p) for _, p, o in graph if isinstance(o, BNode)}
    context = jsonld_context(used, blank)
    return graph.serialize(format="json-ld", context=context, auto_compact=True).encode("utf-8")


def schema_org(iri: URIRef, graph: Graph, types: list[str], page_url: str) -> dict:
    """A schema.org description of the entity from its description graph (types from the ontology's
    subclass axioms, ``Thing`` when it declares none)."""
    data: dict = {
        "@context": "https://schema.org",
        "@id": str(iri),
        "@type": [t.removeprefix(str(SCHEMA)) for t in types] or "Thing",
        "url": page_url,
    }
    name = graph.value(iri, RDFS.label) or graph.value(iri, SKOS.prefLabel) or graph.value(iri, DCTERMS.title)
    if name is not None:
        data["name"] = str(name)
    description = graph.value(iri, DCTERMS.description) or graph.value(iri, SKOS.definition)
    if description is not None:
        data["description"] = str(description)
    alternate = [str(a) for a in graph.objects(iri, SKOS.altLabel)]
    if alternate:
        data["alternateName"] = alternate
    lat, long = graph.value(iri, WGS.lat), graph.value(iri, WGS.long)
    if isinstance(lat, Literal) and isinstance(long, Literal):
        data["geo"] = {"@type": "GeoCoordinates", "latitude": float(lat), "longitude": float(long)}
    same = graph.value(iri, SCHEMA.url)
    if same is not None:
        data["sameAs"] = str(same)
    issued = graph.value(iri, DCTERMS.issued)
    if issued is not None:
        data["datePublished"] = str(issued)
    publisher = graph.value(iri, DCTERMS.publisher)
    if isinstance(publisher, Literal):
        data["publisher"] = {"@type": "Organization", "name": str(publisher)}
    founded = graph.value(iri, SCHEMA.foundingDate)
    if founded is not None:
        data["foundingDate"] = str(founded)
    citations = [
        {"@type": "CreativeWork", "@id": str(s), "name": _name(graph, s)}
        for s in sorted_terms(graph.objects(iri, DCTERMS.source))
    ]
    if citations:
        data["citation"] = citations
    places = [o for p in (ASCN.country, ASCN.inCity) for o in graph.objects(iri, p)]
    if places:
        data["containedInPlace" if "https://schema.org/City" in types else "location"] = [
            {"@id": str(p), "name": _name(graph, p)} for p in places
        ]
    return data


def _name(graph: Graph, node) -> str:
    for prop in (RDFS.label, SKOS.prefLabel, DCTERMS.title):
        value = graph.value(node, prop)
        if value is not None:
            return str(value)
    return str(node)
