"""The SPARQL 1.1 Service Description a GET on ``/sparql`` without a query returns.

Clients (and people) learn from it what the endpoint speaks and what it holds: the query language, the
result formats, that the default graph is the union of the named graphs, the named graphs themselves,
and the limits every answer is subject to.
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from graph.formats import Format, write
from webapp.store import get_store

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


def service_description(endpoint: str, config: Mapping, fmt: Format) -> bytes:
    """The description of the endpoint at ``endpoint``, serialised in the graph format ``fmt``."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("formats", W3C_FORMATS)
    g.bind("dcterms", DCTERMS)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if config["SPARQL_ALLOWED_SERVICES"]:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    for name in RESULT_FORMATS:
        g.add((service, SD.resultFormat, W3C_FORMATS[name]))
    g.add((service, DCTERMS.title, Literal("ASEAN Smart Cities Network knowledge graph", lang="en")))
    g.add(
        (
            service,
            DCTERMS.description,
            Literal(
                f"Read-only SPARQL 1.1 query endpoint. Each query may run {float(config['SPARQL_TIMEOUT']):g} s and "
                f"return {int(config['SPARQL_ROW_LIMIT'])} rows; the X-ASCN-Complete header (and, in SPARQL JSON, "
                "the ascn:completeness member) says whether an answer was cut. Updates are refused.",
                lang="en",
            ),
        )
    )
    dataset, default = BNode(), BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    for name in get_store().graph_names():
        named = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
    return write(g, fmt)
