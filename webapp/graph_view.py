"""``/api/neighbourhood?entity=<IRI>``: an entity's neighbourhood as JSON triples, for the graph view of its page
(``static/js/graph-view.js``, which fetches it, so the page itself carries no raw IRIs).

The picture shows what the page lists — the entity's description graph (its links out, with the labels and types
of what they reach) and the entities linking in, with their labels and classes; the script draws them with
Cytoscape.js, literals as node details, not nodes.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from webapp.api import ApiError, _api_error
from webapp.bounds import is_entity_path
from webapp.page_data import public_base, rows, run

bp = Blueprint("graph_view", __name__)
bp.register_error_handler(ApiError, _api_error)


@bp.get("/api/neighbourhood")
def neighbourhood_json() -> Response:
    """The neighbourhood of the entity ``entity`` (an IRI under the id base); 404 when the graph has no such entity.
    Its path is checked as an entity page's (:func:`webapp.bounds.is_entity_path`) before it is made an IRI for a
    query: ``…/id/city/da-nang>`` is no IRI, and binding it was a 500."""
    iri = request.args.get("entity", "")
    kind, _, ident = iri.removeprefix(public_base() + "id/").partition("/")
    if (
        not iri.startswith(public_base() + "id/")
        or not is_entity_path(kind, ident)
        or not run("entity_exists", {"entity": iri})
    ):
        raise ApiError(404, f"the graph has no entity {iri!r}", "entity")
    return jsonify(neighbourhood(URIRef(iri), run("entity_description", {"entity": iri})))


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
