"""The query library as SPARQL examples in the SIB ``sparql-examples`` form, for ``/.well-known/sparql-examples``.

Query editors and example browsers (the SIB sparql-editor, the UniProt and Bgee endpoints) read examples as
SHACL ``sh:SPARQLExecutable`` resources: the query text in ``sh:select``/``sh:ask``/``sh:construct``, a label,
an English comment, keywords and the endpoint the query targets, plus ``sh:declare`` prefix declarations.
Each example carries its query with the header's defaults bound, so it runs as-is and gives the library's
default answer; the editable ``VALUES`` block shows where the parameters go, and the comment lists them
(the ontology defines no parameter vocabulary, so they are described in text rather than with new terms).

Every node has an IRI under ``<site>/.well-known/sparql-examples/`` (no blank nodes), so two exports of the same
library are isomorphic and a changed query shows up as a changed triple.

>>> g = examples_graph("http://127.0.0.1:5000/sparql")
>>> from rdflib.namespace import SH
>>> ex = URIRef("http://127.0.0.1:5000/.well-known/sparql-examples/pilot_cities_of_country")
>>> (ex, RDF.type, SH.SPARQLSelectExecutable) in g
True
>>> str(g.value(ex, SCHEMA.target))
'http://127.0.0.1:5000/sparql'
"""

from __future__ import annotations

from urllib.parse import urljoin

from rdflib import Graph, Literal, URIRef

from ontology import PREFIXES
from ontology.namespace import OWL, RDF, RDFS, SCHEMA, SH, XSD
from queries.errors import QueryError
from queries.library import Param, Query, library

__all__ = ["examples_graph", "examples_root", "query_text", "comment"]

_FORMS = {
    "SELECT": (SH.SPARQLSelectExecutable, SH.select),
    "ASK": (SH.SPARQLAskExecutable, SH.ask),
    "CONSTRUCT": (SH.SPARQLConstructExecutable, SH.construct),
}


def examples_root(base_endpoint: str) -> str:
    """The namespace of the example IRIs: ``/.well-known/sparql-examples/`` on the endpoint's site.

    >>> examples_root("https://kg.example.org/ascn/sparql")
    'https://kg.example.org/.well-known/sparql-examples/'
    """
    return urljoin(base_endpoint, "/.well-known/sparql-examples/")


def examples_graph(base_endpoint: str) -> Graph:
    """Every library query as one ``sh:SPARQLExecutable``, targeting ``base_endpoint``.

    A query whose form has no SHACL executable class (DESCRIBE) raises QueryError rather than being left out,
    so the served examples never silently miss a library query.
    """
    root = examples_root(base_endpoint)
    graph = Graph()
    graph.bind("sh", SH)
    graph.bind("schema", SCHEMA)
    graph.bind("ex", root)
    prefixes = URIRef(root + "prefixes")
    graph.add((prefixes, RDF.type, OWL.Ontology))
    for prefix, namespace in sorted(PREFIXES.items()):
        declaration = URIRef(f"{root}prefixes/{prefix}")
        graph.add((prefixes, SH.declare, declaration))
        graph.add((declaration, SH.prefix, Literal(prefix)))
        graph.add((declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI)))
    target = URIRef(base_endpoint)
    for name, query in library().items():
        if query.kind not in _FORMS:
            raise QueryError(f"query {name!r} is a {query.kind} query, which sparql-examples cannot describe")
        executable_class, text_property = _FORMS[query.kind]
        example = URIRef(root + name)
        graph.add((example, RDF.type, SH.SPARQLExecutable))
        graph.add((example, RDF.type, executable_class))
        graph.add((example, RDFS.label, Literal(query.title, lang="en")))
        graph.add((example, RDFS.comment, Literal(comment(query), lang="en")))
        graph.add((example, text_property, Literal(query_text(query))))
        graph.add((example, SH.prefixes, prefixes))
        graph.add((example, SCHEMA.target, target))
        for tag in query.tags:
            graph.add((example, SCHEMA.keywords, Literal(tag)))
    return graph


def query_text(query: Query) -> str:
    """The query with its defaults bound and without the ``#+`` header (the comment carries it).

    >>> from queries.library import get_query
    >>> print(query_text(get_query("project_counts_by_status")).splitlines()[0])
    PREFIX ascn: <https://w3id.org/ascn/ontology#>
    """
    lines = query.bind().splitlines()
    while lines and (lines[0].startswith("#+") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines) + "\n"


def comment(query: Query) -> str:
    """The description, the audience and one line per parameter, as plain text.

    >>> from queries.library import get_query
    >>> print(comment(get_query("cities_by_join_year")).splitlines()[-1])
    - year (year, default 2025): the year the cities joined (four digits)
    """
    lines = [" ".join(query.description.split())]
    if query.audience:
        lines.append("For: " + ", ".join(a.replace("_", " ") for a in query.audience) + ".")
    if query.params:
        lines.append(
            "Parameters (bound in the VALUES block after WHERE; delete a 'VALUES ?name { ... }' "
            "to ask about every value):"
        )
        lines.extend(_param_line(p) for p in query.params)
    return "\n".join(lines)


def _param_line(param: Param) -> str:
    kind = param.type + (f", a {param.entity} id or IRI" if param.entity else "")
    extra = ", required" if param.required else ""
    if param.default not in (None, ""):
        extra += f", default {param.default}"
    return f"- {param.name} ({kind}{extra}): {' '.join(param.description.split())}"
