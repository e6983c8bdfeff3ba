"""The ASCN ontology: Turtle modules, alignments and SHACL shapes as package files.

This package is the bottom layer of the project and imports nothing from the
others. Files are read with :mod:`importlib.resources`, so they are found the
same way from a checkout and from an installed wheel.

>>> g = ontology_graph()
>>> from ontology.namespace import ASCN, OWL, RDF
>>> (ASCN.City, RDF.type, OWL.Class) in g
True
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

import rdflib

__all__ = [
    "ontology_files",
    "ontology_graph",
    "ontology_modules",
    "module_graph",
    "shapes_graph",
    "review_shapes_graph",
    "ontology_shapes_graph",
    "ONTOLOGY_IRI",
    "PREFIXES",
    "bind_prefixes",
    "prefixed",
    "entity_iri",
]

ONTOLOGY_IRI = rdflib.URIRef("https://w3id.org/ascn/ontology")

PREFIXES = {
    "ascn": "https://w3id.org/ascn/ontology#",
    **{
        name: f"https://w3id.org/ascn/id/{path}/"
        for name, path in (
            ("city", "city"),
            ("country", "country"),
            ("partner", "partner"),
            ("programme", "programme"),
            ("pairing", "pairing"),
            ("project", "project"),
            ("practice", "practice"),
            ("source", "source"),
            ("focus", "focus-area"),
            ("outcome", "outcome"),
            ("event", "event"),
        )
    },
    # the project status vocabulary (ascn:ProjectStatus), as ontology/modules/vocabularies.ttl names it: a status
    # then reads status:ongoing in the query editor, the dumps and the changes, not as a full IRI
    "status": "https://w3id.org/ascn/id/status/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "wgs": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "s4city": "https://saref.etsi.org/saref4city/",
}
"""The prefixes every serialisation and query editor of the project uses."""


def prefixed(iri: str) -> str:
    """An IRI written with the project's prefixes where one fits (the longest), else as is: the one way the
    project shortens an IRI, so a name it shows can be pasted into a query that declares :data:`PREFIXES`.

    >>> prefixed("https://w3id.org/ascn/ontology#City"), prefixed("https://w3id.org/ascn/id/city/da-nang")
    ('ascn:City', 'city:da-nang')
    >>> prefixed("https://w3id.org/ascn/id/city/da-nang/population"), prefixed("urn:x")
    ('https://w3id.org/ascn/id/city/da-nang/population', 'urn:x')
    """
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None or not re.fullmatch(r"[A-Za-z_][\w-]*", iri[len(best) :]):
        return iri
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def bind_prefixes(graph: rdflib.Graph) -> rdflib.Graph:
    """``graph`` with :data:`PREFIXES` bound, each taking its name from rdflib's own default.

    rdflib binds a few names by default, among them ``wgs`` to an https variant of the WGS84 namespace the data
    does not use; binding ours without ``replace`` left that one the name, so the data's ``wgs:lat`` came out as
    ``wgs1:lat``.

    >>> g = bind_prefixes(rdflib.Graph())
    >>> g.namespace_manager.compute_qname("http://www.w3.org/2003/01/geo/wgs84_pos#lat")[:2]
    ('wgs', rdflib.term.URIRef('http://www.w3.org/2003/01/geo/wgs84_pos#'))
    """
    for prefix, uri in PREFIXES.items():
        graph.bind(prefix, uri, replace=True)
    return graph


ENTITY_BASE = "https://w3id.org/ascn/id/"


def entity_iri(path: str, id_: str) -> rdflib.URIRef:
    """The stable IRI of an entity, ``https://w3id.org/ascn/id/<path>/<id>``; country ids are ISO codes in lower case.

    >>> str(entity_iri("country", "VN")), str(entity_iri("city", "da-nang"))
    ('https://w3id.org/ascn/id/country/vn', 'https://w3id.org/ascn/id/city/da-nang')
    """
    return rdflib.URIRef(f"{ENTITY_BASE}{path}/{id_.lower() if path == 'country' else id_}")


def _root() -> Traversable:
    return files(__name__)


def _ttl(folder: str) -> list[Traversable]:
    return sorted((f for f in (_root() / folder).iterdir() if f.name.endswith(".ttl")), key=lambda f: f.name)


def ontology_files() -> list[Traversable]:
    """The umbrella ``ascn.ttl``, then the modules, then the alignments (each sorted by name)."""
    return [_root() / "ascn.ttl", *_ttl("modules"), *_ttl("alignments")]


@cache
def ontology_modules() -> dict[str, Traversable]:
    """Each module's and alignment's own IRI (``https://w3id.org/ascn/ontology/core``, ...) → its file: the IRIs the
    umbrella ``owl:imports`` and every term's ``rdfs:isDefinedBy`` names, so that each can be served as its file.

    >>> ontology_modules()["https://w3id.org/ascn/ontology/core"].name
    'core.ttl'
    """
    found = {}
    for path in ontology_files()[1:]:
        header = _parse([path]).value(predicate=rdflib.RDF.type, object=rdflib.OWL.Ontology)
        if header is None:
            raise ValueError(f"{path.name} declares no owl:Ontology, so it has no IRI to serve it at")
        found[str(header)] = path
    return found


def module_graph(iri: str) -> rdflib.Graph:
    """A new graph holding the one module or alignment file :func:`ontology_modules` finds at ``iri``."""
    return _parse([ontology_modules()[iri]])


def _parse(paths: list[Traversable]) -> rdflib.Graph:
    graph = bind_prefixes(rdflib.Graph())
    for path in paths:
        graph.parse(data=path.read_text(encoding="utf-8"), format="turtle")
    return graph


def ontology_graph() -> rdflib.Graph:
    """A new graph holding the whole ontology: umbrella, modules and alignments."""
    return _parse(ontology_files())


def shapes_graph() -> rdflib.Graph:
    """A new graph holding the data shapes (what a valid record is)."""
    return _parse([_root() / "shapes" / "data.shacl.ttl"])


def review_shapes_graph() -> rdflib.Graph:
    """A new graph holding the shapes of the review cycle: ingested documents and proposals."""
    return _parse([_root() / "shapes" / "review.shacl.ttl"])


def ontology_shapes_graph() -> rdflib.Graph:
    """A new graph holding the shapes about the ontology itself (every term documented)."""
    return _parse([_root() / "shapes" / "ontology.shacl.ttl"])
