"""The data of an entity page's graph view (``static/js/graph-view.js``): the entity's neighbourhood as triples.

The picture shows what the page lists — the entity's description graph (its links out, with the labels and types
of what they reach) and the entities linking in, with their labels and classes — as plain JSON the script draws
with Cytoscape.js; literals become node details, not nodes.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from webapp.page_data import public_base, rows


def _term(node) -> dict:
    if isinstance(node, Literal):
        return {"type": "literal", "value": str(node), "lang": node.language or ""}
    return {"type": "bnode" if isinstance(node, BNode) else "uri", "value": str(node)}


def neighbourhood(iri: URIRef, graph: Graph) -> dict:
    """``{"centre", "base", "triples"}``: the description ``graph`` of ``iri`` and the links into it."""
    triples = [{"s": _term(s), "p": _term(p), "o": _term(o)} for s, p, o in graph]
    for r in rows("entity_incoming", {"entity": str(iri)}):
        subject = r["subject"]
        triples.append({"s": _term(subject), "p": _term(r["property"]), "o": _term(iri)})
        if r["label"] is not None:
            triples.append({"s": _term(subject), "p": _term(RDFS.label), "o": _term(r["label"])})
        if r["class"] is not None:
            triples.append({"s": _term(subject), "p": _term(RDF.type), "o": _term(r["class"])})
    return {"centre": str(iri), "base": public_base(), "triples": triples}
