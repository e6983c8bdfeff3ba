"""The JSON-LD ``@context`` of the ontology: its terms as plain JSON keys, so a JSON-LD answer reads as JSON.

Without a context an entity's JSON-LD is expanded: every key a full IRI, every value an object
(``"http://www.w3.org/2000/01/rdf-schema#label": [{"@language": "en", "@value": "Da Nang"}]``). With it the same
graph reads ``"label": "Da Nang"``, ``"country": "https://w3id.org/ascn/id/country/vn"``, ``"joinedYear": "2018"``.
Every class and property of the ontology is a term named by its local name; object properties take IRIs
(``"@type": "@id"``), datatype properties their declared datatype and ``rdf:langString`` ones English. The outside
properties the data uses (labels, sources, coordinates, ...) are terms too unless the ontology has that local name;
everything else keeps a prefixed name. A value that does not fit its term (a label in Thai) keeps the prefixed key
and a value object, so compacting loses nothing: the JSON-LD reads back as the same graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ontology import PREFIXES, ontology_graph, prefixed

__all__ = ["jsonld_context"]

ASCN = PREFIXES["ascn"]

_VOCABULARIES: tuple[str, ...] = (
    *("ascn", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov"),
    *("void", "dcat", "schema", "org", "geo", "wgs", "s4city"),
)
"""The prefixes of vocabularies. The entity paths' prefixes (``city:``, ``country:``, ...) are left out: their names
are properties' names too (``ascn:country``, ``ascn:status``, ``dcterms:source``), and an entity's IRI reads best
whole."""

_OUTSIDE: dict[str | None, tuple[str, ...]] = {
    "en": (
        *("rdfs:label", "skos:prefLabel", "skos:altLabel", "skos:definition", "skos:note", "skos:scopeNote"),
        *("skos:historyNote", "dcterms:description"),
    ),
    "@id": (
        *("dcterms:source", "schema:url", "skos:inScheme", "skos:topConceptOf", "skos:hasTopConcept"),
        *("skos:closeMatch", "skos:relatedMatch", "geo:hasGeometry"),
        *("void:class", "void:property", "void:dataDump", "void:sparqlEndpoint", "void:vocabulary"),
        *("dcat:distribution", "dcat:downloadURL", "dcterms:license"),
    ),
    "xsd:dateTime": ("dcterms:issued", "dcterms:modified"),
    "xsd:date": ("schema:foundingDate",),
    "xsd:decimal": ("wgs:lat", "wgs:long"),
    "geo:wktLiteral": ("geo:asWKT",),
    None: (
        *("dcterms:title", "dcterms:publisher", "rdf:value", "geo:Geometry", "skos:Concept", "skos:ConceptScheme"),
        *("void:triples", "void:entities", "void:uriSpace", "dcat:mediaType", "dcat:version", "dcterms:identifier"),
        *("dcterms:hasVersion", "owl:versionInfo", "void:classPartition", "void:propertyPartition", "void:subset"),
    ),
}
"""Outside terms the entity descriptions and the VoID descriptions (of the dataset, of a named graph) use, named by
their local names, by what their values are: English text, IRIs, a datatype, or as the value comes (``None``: text,
and ``rdf:value``'s and VoID's numbers, which JSON writes as numbers). The VoID partitions and subsets, always blank
nodes or IRIs, take their values as they come (``{"@id": "_:…"}``): see :func:`jsonld_context` on blank nodes."""

_NATIVE = {XSD.string, XSD.boolean, XSD.integer, XSD.double}
"""Datatypes a term does not declare: plain text, and what JSON writes natively (``true``, ``1285``)."""


@cache
def _terms() -> dict[str, tuple[str, dict | str]]:
    """Every term: its name → (the IRI it stands for, its definition)."""
    graph = ontology_graph()
    terms: dict[str, tuple[str, dict | str]] = {}
    for name in _VOCABULARIES:
        terms[name] = (PREFIXES[name], PREFIXES[name])
    for cls in sorted(str(c) for c in graph.subjects(RDF.type, OWL.Class)):
        if cls.startswith(ASCN):
            terms[cls.removeprefix(ASCN)] = (cls, prefixed(cls))
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for prop in sorted(str(p) for p in graph.subjects(RDF.type, kind)):
            if prop.startswith(ASCN):
                terms[prop.removeprefix(ASCN)] = (prop, _definition(graph, URIRef(prop), kind))
    for values, curies in _OUTSIDE.items():
        for curie in curies:
            prefix, name = curie.split(":")
            if name in terms:  # the ontology's own term of that name wins; the outside one keeps its prefixed name
                continue
            definition: dict | str = curie
            if values == "en":
                definition = {"@id": curie, "@language": "en"}
            elif values is not None:
                definition = {"@id": curie, "@type": values}
            terms[name] = (PREFIXES[prefix] + name, definition)
    return terms


def _definition(graph: Graph, prop: URIRef, kind: URIRef) -> dict:
    definition: dict = {"@id": prefixed(str(prop))}
    range_ = graph.value(prop, RDFS.range)
    if kind == OWL.ObjectProperty:
        definition["@type"] = "@id"
    elif range_ == RDF.langString:
        definition["@language"] = "en"
    elif isinstance(range_, URIRef) and str(range_).startswith(str(XSD)) and range_ not in _NATIVE:
        definition["@type"] = prefixed(str(range_))
    return definition


def jsonld_context(used: Iterable[str] | None = None, blank: Iterable[str] = ()) -> dict:
    """The context (the value of ``@context``): every term, or, given the IRIs a graph ``used`` (its predicates and
    types), the vocabularies' prefixes and the terms for those only, so that an answer carries a context of its own
    size and reads without fetching anything. A property in ``blank`` (one with a blank node for a value) gets no
    ``"@type": "@id"`` term: rdflib 7 writes the blank node as that term's string value and drops its description, so
    it keeps its prefixed name and ``{"@id": "_:…"}`` values, and the graph reads back whole.

    >>> context = jsonld_context()
    >>> context["country"], context["joinedYear"]
    ({'@id': 'ascn:country', '@type': '@id'}, {'@id': 'ascn:joinedYear', '@type': 'xsd:gYear'})
    >>> context["label"], context["City"]
    ({'@id': 'rdfs:label', '@language': 'en'}, 'ascn:City')
    >>> sorted(jsonld_context(["https://w3id.org/ascn/ontology#country"]))[:3]
    ['ascn', 'country', 'dcat']
    """
    wanted = None if used is None else set(used)
    blanks = set(blank)
    return {
        name: definition
        for name, (iri, definition) in sorted(_terms().items())
        if (wanted is None or name in _VOCABULARIES or iri in wanted)
        and not (iri in blanks and isinstance(definition, dict) and definition.get("@type") == "@id")
    }
