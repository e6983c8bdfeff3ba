"""``/api/complete``: completion of entities and terms as someone types, from the graph's own names.

- ``?q=dan`` — entities with a label or alternative name (or IRI) having a word that starts with ``q``, most used
  first; ``type=`` (a class IRI, prefixed name such as ``ascn:City``, or a reconciliation type such as ``City``)
  keeps only its instances;
- ``?kind=class&q=`` — classes that have instances, largest first;
- ``?kind=property&class=ascn:City&q=`` — the properties instances of that class have, most used first;
- ``?predicate=ascn:focusArea&class=ascn:Project&q=`` — the entities such instances link to by that property,
  so every suggestion keeps the pattern ``?s a class ; predicate <it>`` non-empty.

Answers come from :mod:`graph.lookup`'s in-memory index (read once per graph version): no query per keystroke.
Each result has ``iri``, ``label``, ``prefixed`` (the IRI with the project's prefixes, else ``<iri>``) and
``count`` (uses, instances or triples). See ``docs/api.md``.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from graph.lookup import Entity, Term, expand_name
from graph.reconcile import kind_classes
from ontology import prefixed
from ontology.errors import shown
from webapp.api import ApiError, _api_error
from webapp.page_data import lookup_index, whole_number
from webapp.sparql import cors

bp = Blueprint("complete", __name__)
bp.after_request(cors)
bp.register_error_handler(ApiError, _api_error)

KINDS = ("entity", "class", "property")
MAX_LIMIT = 50


@bp.get("/api/complete")
def complete() -> Response:
    """Suggestions for the text ``q`` (see the module's description for the parameters)."""
    args = request.args
    q, kind = args.get("q", ""), args.get("kind", "entity")
    if kind not in KINDS:
        raise ApiError(400, f"parameter 'kind' must be one of {', '.join(KINDS)}, got {shown(kind)}", "kind")
    limit_text = args.get("limit", "10")
    limit = whole_number(limit_text)
    if limit is None or not 1 <= limit <= MAX_LIMIT:
        raise ApiError(
            400, f"parameter 'limit' must be a whole number from 1 to {MAX_LIMIT}, got {shown(limit_text)}", "limit"
        )
    cls = expand_name(args["class"]) if args.get("class") else None
    index = lookup_index()
    if kind == "class":
        results = [_term(t) for t in index.classes(q, limit)]
    elif kind == "property":
        results = [_term(t) for t in index.properties(q, cls, limit)]
    elif args.get("predicate"):
        results = [_entity(e, n) for e, n in index.objects(q, cls, expand_name(args["predicate"]), limit)]
    else:
        classes = kind_classes(args["type"]) if args.get("type") else None
        results = [_entity(e, e.uses) for e in index.complete(q, classes, limit)]
    return jsonify({"results": results})


def _written(iri: str) -> str:
    short = prefixed(iri)
    return short if short != iri else f"<{iri}>"


def _term(term: Term) -> dict:
    return {"iri": term.iri, "label": term.label, "prefixed": _written(term.iri), "count": term.count}


def _entity(entity: Entity, count: int) -> dict:
    return {
        "iri": entity.iri,
        "label": entity.label,
        "prefixed": _written(entity.iri),
        "count": count,
        "types": sorted(prefixed(c) for c in entity.classes),
    }
