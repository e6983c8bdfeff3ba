"""``/api/reconcile``: the W3C Reconciliation Service API (version 0.2), so partners can match the cities,
agencies and projects of their own spreadsheets to the graph's entities in OpenRefine or any other client.

- ``GET /api/reconcile`` answers the service manifest (types, properties, preview and suggest services);
- ``GET`` or ``POST /api/reconcile`` with ``queries=`` (a JSON batch) answers candidates with score, ``match``
  and types (:func:`graph.reconcile.reconcile` does the matching);
- ``/api/reconcile/suggest/{entity,type,property}?prefix=`` complete names as a client's user types;
- ``/api/reconcile/preview?id=`` is the small HTML card a client shows beside a candidate.

Entity ids are the entities' IRIs, so a reconciled column holds Linked Data identifiers. A malformed batch is
refused whole (400) naming the query and field at fault. See ``docs/api.md``.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from graph import reconcile as rc
from graph.lookup import Entity, Index, local_id, term_labels
from ontology.errors import InputError, shown
from ontology.namespace import ASCN
from webapp.api import ApiError, _api_error
from webapp.page_data import local_path, lookup_index, public_base, whole_number
from webapp.site_url import site_root
from webapp.sparql import cors

bp = Blueprint("reconcile", __name__, url_prefix="/api/reconcile")
bp.after_request(cors)
bp.register_error_handler(ApiError, _api_error)

MAX_QUERIES = 10
"""Queries one batch may hold: OpenRefine's batch. Each is compared with every name of the graph, 11 ms for most
names and up to 70 ms for one as long as the graph's names and sharing their letters ('smart city project programme
partnership ASEAN cooperation agency japan'), so a batch of 50 such kept the server's process busy for 3.4 s."""
MAX_PROPERTY_VALUES = 10
"""Property values one query may give: each is compared with every candidate's country or city, and 20,000 of them
cost 3.8 s; a spreadsheet row gives one value per column."""
MAX_LIMIT = 100
SUGGEST_LIMIT = 10


@bp.route("", methods=["GET", "POST"])
def service() -> Response:
    """The manifest, or (with ``queries``) the candidates of each query of the batch."""
    queries = request.values.get("queries")
    if queries is None:
        if request.method == "POST":  # a JSON body, or the batch as a file, was answered with the manifest
            raise ApiError(
                400,
                "a POST carries its batch in the form field 'queries' (application/x-www-form-urlencoded); this one "
                f"has none (Content-Type {request.mimetype or 'none'})",
                "queries",
            )
        return _jsonp(manifest())
    batch = _parse_batch(queries)
    index = lookup_index()
    answer = {}
    for key, query in batch.items():
        try:
            found = rc.reconcile(index, query["query"], query["types"], query["properties"], query["limit"])
        except InputError as exc:
            raise ApiError(400, f"query {shown(key)}: {exc}", "queries") from None
        answer[key] = {"result": [_candidate(index, c) for c in found]}
    return _jsonp(answer)


def manifest() -> dict:
    """The service manifest (spec §3): what the service matches, and where its preview and suggest live."""
    root = site_root().rstrip("/")
    return {
        "versions": ["0.1", "0.2"],
        "name": "ASEAN Smart Cities Network knowledge graph",
        "identifierSpace": public_base() + "id/",
        "schemaSpace": str(ASCN),
        "documentation": root + "/data",
        "view": {"url": "{{id}}"},
        "defaultTypes": [{"id": k.id, "name": k.name} for k in rc.TYPES],
        "preview": {"url": root + "/api/reconcile/preview?id={{id}}", "width": 420, "height": 220},
        "suggest": {
            kind: {"service_url": root, "service_path": f"/api/reconcile/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
    }


def _parse_batch(text: str) -> dict[str, dict]:
    """A query batch, checked field by field: ``query`` (text), ``type`` (an id or a list), ``limit``
    (1 to 100), ``properties`` (``pid`` and ``v``: text, number, an ``{"id"}`` object, or a list of those)."""
    try:
        batch = json.loads(text, parse_int=_whole_number, object_pairs_hook=_members)
    except json.JSONDecodeError as exc:
        reason = exc.msg.removesuffix(" at")  # some of json's messages end in "at" themselves
        raise ApiError(
            400, f"parameter 'queries' is not JSON: {reason} at line {exc.lineno} column {exc.colno}", "queries"
        ) from None
    except RecursionError:  # json's decoder recurses per nesting level: '[' * 10000 was a 500
        raise ApiError(400, "parameter 'queries' is nested too deeply to be a batch of queries", "queries") from None
    if not isinstance(batch, dict):
        raise ApiError(400, "parameter 'queries' must be a JSON object of queries by key", "queries")
    if len(batch) > MAX_QUERIES:
        raise ApiError(400, f"a batch holds at most {MAX_QUERIES} queries, got {len(batch)}", "queries")
    return {key: _parse_query(key, query) for key, query in batch.items()}


def _members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are each given once: json kept the last of two of one name, so a batch naming two
    queries 'q0' was answered for one of them, and a query giving 'query' twice for the second text alone."""
    members: dict[str, Any] = {}
    for key, value in pairs:
        if key in members:
            raise ApiError(400, f"parameter 'queries' gives the key {shown(key)} twice in one object", "queries")
        members[key] = value
    return members


def _whole_number(digits: str) -> int:
    """A JSON whole number, refused past Python's limit on converting digits (4,300 by default), where ``int`` raises
    a ValueError that is no JSONDecodeError: a ``limit`` of 5,000 digits was a 500 (read by
    :func:`~webapp.page_data.whole_number`, which holds that limit)."""
    size = digits.lstrip("-")
    value = whole_number(size)
    if value is None:
        raise ApiError(
            400,
            f"parameter 'queries' holds a number of more than {sys.get_int_max_str_digits():,} digits ({len(size):,})",
            "queries",
        )
    return -value if digits.startswith("-") else value


def _parse_query(key: str, query: Any) -> dict:
    def refuse(message: str):
        raise ApiError(400, f"query {shown(key)}: {message}", "queries")

    if not isinstance(query, dict):
        refuse("must be a JSON object")
    unknown = sorted(set(query) - {"query", "type", "limit", "properties", "type_strict"})
    if unknown:
        refuse(f"unknown field(s) {', '.join(unknown)}; known: query, type, limit, properties, type_strict")
    text = query.get("query", "")
    if not isinstance(text, str):
        refuse("field 'query' must be text")
    types = query.get("type") or []
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        refuse("field 'type' must be a type id or a list of type ids")
    limit = query.get("limit", 5)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        refuse(f"field 'limit' must be a whole number from 1 to {MAX_LIMIT}")
    properties = []
    for n, prop in enumerate(query.get("properties") or []):
        if not isinstance(prop, dict) or not isinstance(prop.get("pid"), str) or "v" not in prop:
            refuse(f"properties[{n}] must be an object with 'pid' and 'v'")
        for value in prop["v"] if isinstance(prop["v"], list) else [prop["v"]]:
            if isinstance(value, dict):
                value = value.get("id")
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                refuse(f"properties[{n}]: a value must be text, a number or an object with an 'id'")
            properties.append((prop["pid"], str(value)))
            if len(properties) > MAX_PROPERTY_VALUES:
                refuse(f"field 'properties' holds more than {MAX_PROPERTY_VALUES} values")
    if not text.strip() and not properties:
        refuse("give a 'query' text (or properties)")
    return {"query": text, "types": types, "properties": properties, "limit": limit}


def _candidate(index: Index, c: rc.Candidate) -> dict:
    return {
        "id": c.entity.iri,
        "name": c.entity.label,
        "description": _description(index, c.entity),
        "score": c.score,
        "match": c.match,
        "type": [{"id": k.id, "name": k.name} for k in c.types],
    }


def _description(index: Index, entity: Entity) -> str:
    """What tells namesakes apart: the entity's kind and the country (or city) it is in."""
    kinds = rc.kinds_of(entity)
    kind = kinds[0].name if kinds else _class_label(entity)
    places = sorted(index.entities[i].label for i in rc.country_of(index, entity) - {entity.iri} if i in index.entities)
    cities = sorted(index.entities[i].label for i in rc.city_of(entity) - {entity.iri} if i in index.entities)
    where = ", ".join(cities + places)
    return f"{kind} in {where}" if where else kind


def _class_label(entity: Entity) -> str:
    labels = term_labels()
    return ", ".join(sorted(labels.get(c, local_id(c)) for c in entity.classes)) or "entity"


# -- suggest and preview -------------------------------------------------------------------------
@bp.get("/suggest/entity")
def suggest_entity() -> Response:
    """Entities whose name has a word starting with ``prefix`` (of ``type`` when given), most used first."""
    prefix, index = _prefix(), lookup_index()
    classes = _type_classes(index, request.args["type"]) if request.args.get("type") else None
    found = index.complete(prefix, classes, limit=SUGGEST_LIMIT) if prefix.strip() else []
    return _jsonp(
        {
            "result": [
                {
                    "id": e.iri,
                    "name": e.label,
                    "description": _description(index, e),
                    "notable": [{"id": k.id, "name": k.name} for k in rc.kinds_of(e)],
                }
                for e in found
            ]
        }
    )


def _type_classes(index: Index, type_id: str) -> set[str]:
    """The classes of the ``type`` parameter; 400 naming it when the graph has none of its entities."""
    try:
        return rc.type_classes(index, type_id)
    except InputError as exc:
        raise ApiError(400, f"parameter 'type': expected {exc.expected}, got {shown(type_id)}", "type") from None


@bp.get("/suggest/type")
def suggest_type() -> Response:
    """The service's types whose id or name has a word starting with ``prefix``."""
    prefix = _prefix().casefold()
    found = [k for k in rc.TYPES if any(w.startswith(prefix) for w in f"{k.id} {k.name}".casefold().split())]
    return _jsonp({"result": [{"id": k.id, "name": k.name} for k in found]})


@bp.get("/suggest/property")
def suggest_property() -> Response:
    """The properties a query can give (``country``, ``city``) whose id or description matches ``prefix``."""
    prefix = _prefix().casefold()
    found = [
        (pid, text)
        for pid, text in rc.PROPERTIES.items()
        if any(w.startswith(prefix) for w in f"{pid} {text}".casefold().split())
    ]
    return _jsonp({"result": [{"id": pid, "name": pid, "description": text} for pid, text in found]})


def _prefix() -> str:
    prefix = request.args.get("prefix")
    if prefix is None:
        raise ApiError(400, "parameter 'prefix' is required", "prefix")
    return prefix


@bp.get("/preview")
def preview() -> Response:
    """A small HTML card of one entity (its names, kind, place and a link to its page), for a client's popup."""
    iri = request.args.get("id", "")
    index = lookup_index()
    entity = index.entities.get(iri)
    if entity is None:
        raise ApiError(404, f"no entity with id {shown(iri)}", "id")
    names = [n for n in entity.all_names() if n != entity.label]
    return Response(
        render_template(
            "reconcile/preview.html",
            entity=entity,
            names=names,
            description=_description(index, entity),
            path=local_path(entity.iri),
        )
    )


def _jsonp(body: dict) -> Response:
    """JSON, or JSONP when the client names a ``callback`` (older reconciliation clients ask for it).

    The script starts with an empty comment, as well-kept JSONP answers do (Express, Rails): a body that begins
    with bytes the client chose could otherwise be read as another kind of file (a Flash object, Rosetta Flash,
    CVE-2014-4671); ``nosniff``, which every answer carries (``webapp.security``), keeps a browser from guessing one.
    """
    callback = request.args.get("callback")
    if callback:
        if len(callback) > _CALLBACK_LENGTH or not _CALLBACK.fullmatch(callback):
            # it was answered as plain JSON, which the client's script cannot run
            raise ApiError(
                400,
                "parameter 'callback': expected a JavaScript name (letters, digits, '_', '$', '.') of at most "
                f"{_CALLBACK_LENGTH} characters, got {shown(callback, 40)}"
                + (f" ({len(callback)} characters)" if len(callback) > 40 else ""),
                "callback",
            )
        return Response(f"/**/{callback}({json.dumps(body)});", mimetype="application/javascript")
    return jsonify(body)


_CALLBACK = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*")
"""A JSONP callback: a JavaScript name, or names joined by dots (``jQuery123.cb``); ASCII only."""

_CALLBACK_LENGTH = 128
"""The longest callback name taken: jQuery's generated names are about 40 characters; a name of thousands is no
client's, and would only make the answer a vehicle for the client's bytes."""
