"""The JSON and data API: library queries as REST calls, recommendations, and the well-known descriptions.

``/api/queries/<name>`` binds the parameters of a library query (never pasting them into the text) and runs it
through :func:`webapp.sparql.answer`, so it has the endpoint's formats, limits and completeness notice.
``/api/recommend/...`` answers the recommender's questions with their sourced reasons
(:func:`graph.similarity.reasons.to_dict`). ``/.well-known/sparql-examples``, ``/.well-known/void`` and
``/download/ascn-kg.<ext>`` publish the library, the build description and the whole graph. Errors are JSON
objects with ``error`` (what went wrong), ``parameter`` (which one, for a 400) and ``suggestions`` (for a 404).
See ``docs/api.md``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from typing import Any

from flask import Blueprint, Response, jsonify, request, send_file, url_for
from rdflib import URIRef

from graph.describe import DOWNLOADS, dump_name, recount
from graph.dumps import kept_dump
from graph.formats import FORMATS, write
from graph.query_input import check_entities
from graph.releases import current_release
from graph.similarity.filters import Filters
from graph.similarity.reasons import to_dict
from graph.similarity.recommend import QuestionError, ask, choose
from graph.store import construct, select
from ontology import PREFIXES, ontology_graph
from ontology.errors import NotFound, shown
from ontology.namespace import OWL, RDF, RDFS
from queries.errors import QueryError
from queries.examples import examples_graph, query_text
from queries.library import check_given, get_query, internal, library
from webapp.bounds import distinct
from webapp.linked_data import link_context, rdf_body
from webapp.page_data import whole_number
from webapp.ranges import precondition_met, whole_past_a_long_suffix
from webapp.site_url import site_url_for
from webapp.sparql import ProtocolError, Request, answer, check_format, choose_format, cors, prefers_html
from webapp.store import get_graph_cache, get_settings, get_store

bp = Blueprint("api", __name__)
bp.after_request(cors)

MAX_TOP = 100
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off", ""}


class ApiError(Exception):
    """A request the API refuses: status, message, and the parameter at fault or names to suggest."""

    def __init__(self, status: int, message: str, parameter: str | None = None, suggestions=(), headers=None):
        super().__init__(message)
        self.status, self.message, self.parameter = status, message, parameter
        self.suggestions, self.headers = list(suggestions), headers or {}


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    """The refusal as JSON. ``message`` repeats ``error``: the checks every route shares (a value's length, the
    rate limits, a method) answer ``error`` with the kind of error and ``message`` with what went wrong
    (:func:`webapp.errors.render_error`), so ``message`` is the one member a client can read from any refusal."""
    body: dict[str, Any] = {"error": exc.message, "message": exc.message, "status": exc.status}
    if exc.parameter:
        body["parameter"] = exc.parameter
    if exc.status == 404 or exc.suggestions:
        body["suggestions"] = exc.suggestions
    response = jsonify(body)
    response.status_code = exc.status
    response.headers.update(exc.headers)
    return response


# -- the query library as REST calls -------------------------------------------------------------
def describe_query(query) -> dict:
    """What a client needs to call one library query: its header and parameters, and its URL."""
    return {
        "name": query.name,
        "title": query.title,
        "description": " ".join(query.description.split()),
        "audience": list(query.audience),
        "form": query.kind,
        "tags": list(query.tags),
        "params": [
            {
                "name": p.name,
                "type": p.type,
                "entity": p.entity,
                "default": p.default,
                "required": p.required,
                "exclusive_minimum": p.exclusive_minimum,
                "maximum": p.maximum,
                "description": " ".join(p.description.split()),
            }
            for p in query.params
        ],
        "url": url_for("api.run_query", name=query.name),
        "sparql": query_text(query),
    }


@bp.get("/api/queries")
def queries() -> Response:
    """The library: every query's name, title, description, audience and parameters."""
    return jsonify({"queries": [describe_query(q) for q in library().values()]})


@bp.get("/api/queries/<name>")
def run_query(name: str) -> Response:
    """Run a library query with the URL's parameters bound; ``format`` (or Accept) picks the answer's format.

    :raise 404: no query of that name (the closest names are suggested); an empty answer to a bare entity id that
        names nothing of its kind (``city=danang``: the closest ids are suggested, as ``ascn query`` does), or to
        an entity parameter's IRI that the graph does not describe (``country=https://example.org/x``), naming the
        parameter. Ids are checked only when the answer is empty, so an answer with rows costs no further look-up.
    :raise 400: an unknown parameter, a value of the wrong form, or a required parameter left out.
    """
    try:
        query = get_query(name)
    except NotFound as exc:
        raise ApiError(404, exc.message, suggestions=exc.suggestions) from None
    fmt = _one("format")
    try:
        check_format(fmt)
    except ProtocolError as exc:
        raise ApiError(exc.status, exc.message, "format") from None
    values = _query_values(query)
    try:
        text = query.bind(values)
    except QueryError as exc:
        raise ApiError(400, exc.message) from None
    try:
        response = answer(Request(text, None, None, fmt))
    except ProtocolError as exc:
        raise ApiError(exc.status, exc.message, headers=exc.headers) from None
    if response.headers.get("X-ASCN-Rows") == "0":
        try:
            check_entities(get_store(), query, values)
        except NotFound as exc:
            raise ApiError(404, exc.message, exc.parameter, exc.suggestions) from None
    return response


def _query_values(query) -> dict[str, Any]:
    """The URL's parameters for ``query``, each value checked against its declared type (400 naming it)."""
    params = {p.name: p for p in query.params}
    values: dict[str, Any] = {}
    for key in request.args:
        if key == "format":
            continue
        if key not in params:
            known = ", ".join(sorted(params)) or "none"
            raise ApiError(400, f"query {query.name!r} has no parameter {shown(key)}; its parameters: {known}", key)
        given = request.args.getlist(key)
        try:
            check_given(params[key], given)
        except QueryError as exc:
            raise ApiError(400, exc.message, key) from None
        values[key] = given if len(given) > 1 else given[0]
    for param in query.params:
        if param.required and param.default in (None, "") and values.get(param.name) in (None, ""):
            raise ApiError(400, f"query {query.name!r} needs the parameter {param.name!r} ({param.type})", param.name)
    return values


@bp.get("/api/vocabulary")
def vocabulary() -> Response:
    """The prefixes, classes and properties of this graph, for the query editor's local autocompletion.

    Classes and properties are those the ontology declares plus those the data uses, so the editor never has to
    ask an outside service (LOV, prefix.cc) and suggests exactly the terms that can match.
    """
    return jsonify(vocabulary_terms())


@bp.get("/api/prefixes")
def prefixes() -> Response:
    """The project's prefixes as one JSON object, prefix → namespace (the form the editor's prefix list reads)."""
    return jsonify(PREFIXES)


def vocabulary_terms() -> dict:
    store = get_store()
    declared = _declared_terms()
    used_classes = {str(row["class"]) for row in select(store.query, internal("class_counts").sparql)}
    used_properties = {str(row["property"]) for row in select(store.query, internal("predicates_in_use").sparql)}
    return {
        "prefixes": PREFIXES,
        "classes": sorted(declared["classes"] | used_classes),
        "properties": sorted(declared["properties"] | used_properties),
    }


@cache
def _declared_terms() -> dict[str, frozenset[str]]:
    """Classes and properties the ontology declares (package data: read once per process)."""
    g = ontology_graph()
    classes = {str(c) for t in (OWL.Class, RDFS.Class) for c in g.subjects(RDF.type, t) if isinstance(c, URIRef)}
    properties = {
        str(p)
        for t in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
        for p in g.subjects(RDF.type, t)
        if isinstance(p, URIRef)
    }
    return {"classes": frozenset(classes), "properties": frozenset(properties)}


# -- recommendations -----------------------------------------------------------------------------
@bp.get("/api/recommend/projects")
def recommend_projects() -> Response:
    """Projects to learn from: ``city=``, ``project=``, or a plan (``focus=``..., ``outcome=``..., ``text=``), the
    plan with or without the planning ``city=`` (whose own projects never come back)."""
    return _recommend(
        "projects",
        {
            "city": _one("city"),
            "project": _one("project"),
            "focus": _many("focus"),
            "outcome": _many("outcome"),
            "text": (_one("text") or "").strip(),
        },
        plan_country=_one("plan_country"),
        diverse=_flag("diverse", True),
    )


@bp.get("/api/recommend/cities")
def recommend_cities() -> Response:
    """Cities for a partner (``partner=``, narrowed by ``focus=``/``programme=``/``in_country=``; new cities unless
    ``include_tied=true``), for a partner profile (those three alone), or like a city (``city=``)."""
    return _recommend(
        "cities",
        {
            "partner": _one("partner"),
            "city": _one("city"),
            "focus": _many("focus"),
            "programme": _many("programme"),
            "in_country": _many("in_country"),
        },
        include_tied=_flag("include_tied"),
    )


@bp.get("/api/recommend/partners")
def recommend_partners() -> Response:
    """Partners that fit a city (``city=``): new partners first, then those already working there, marked."""
    return _recommend("partners", {"city": _one("city")})


def _recommend(output: str, given: dict, **options) -> Response:
    """The answer to the recommender's question on ``output`` that the parameters ask; a parameter the route does not
    take is a 400 naming it and those it takes: one it ignored (``limit=3`` for ``top=3``) gave ten items as if
    asked for, where a library query refuses a parameter it does not have."""
    taken = [*given, *options, "top", *_FILTER_PARAMETERS]
    unknown = next((name for name in request.args if name not in taken), None)
    if unknown is not None:
        raise ApiError(
            400,
            f"/api/recommend/{output} has no parameter {shown(unknown)}; its parameters: {', '.join(taken)}",
            unknown,
        )
    try:
        question = choose(output, given)
        result = ask(
            get_store(),
            question,
            top=_top(),
            filters=_filters(),
            cache=get_graph_cache(),
            **{k: v for k, v in given.items() if v},
            **options,
        )
    except QuestionError as exc:
        raise ApiError(400, str(exc), exc.parameter) from None
    except NotFound as exc:
        raise ApiError(404, exc.message, suggestions=exc.suggestions) from None
    return jsonify(to_dict(result))


def _one(name: str) -> str | None:
    values = [v for v in request.args.getlist(name) if v.strip()]
    if len(values) > 1:
        raise ApiError(400, f"parameter {name!r} is given {len(values)} times; give it once", name)
    return values[0].strip() if values else None


def _many(name: str) -> list[str]:
    return distinct(request.args.getlist(name))


def _top() -> int:
    text = _one("top") or "10"
    top = whole_number(text)
    if top is None or not 1 <= top <= MAX_TOP:
        raise ApiError(400, f"parameter 'top' must be a whole number from 1 to {MAX_TOP}, got {shown(text)}", "top")
    return top


def _flag(name: str, default: bool = False) -> bool:
    given = _one(name)
    if given is None:
        return default
    text = given.lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ApiError(400, f"parameter {name!r} must be true or false, got {shown(text)}", name)


def _year(name: str) -> int | None:
    text = _one(name)
    if text is None:
        return None
    year = whole_number(text)
    if year is None or len(text) != 4:
        raise ApiError(400, f"parameter {name!r} must be a year (four digits), got {shown(text)}", name)
    return year


_FILTER_PARAMETERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "country": ("country", _one),
    "focus_area": ("focus_area", _one),
    "status": ("status", _one),
    "from": ("start_year", _year),
    "to": ("end_year", _year),
    "exclude_own_city": ("exclude_own_city", _flag),
    "exclude_own_country": ("exclude_own_country", _flag),
    "exclude_paired": ("exclude_paired", _flag),
}
"""The filters every recommendation takes: each parameter's :class:`Filters` field and how its value is read. One
table, so the parameters :func:`_recommend` accepts are the ones :func:`_filters` reads."""


def _filters() -> Filters:
    """The filters every recommendation takes (names are resolved, and refused with suggestions, later)."""
    return Filters(**{field: read(name) for name, (field, read) in _FILTER_PARAMETERS.items()})


# -- well-known descriptions and downloads -------------------------------------------------------
@bp.get("/.well-known/sparql-examples")
def sparql_examples() -> Response:
    """The query library as SHACL ``sh:SPARQLExecutable`` examples targeting this site's ``/sparql``."""
    graph = examples_graph(site_url_for("sparql.endpoint"))
    return _graph_response(graph)


@bp.get("/.well-known/void")
def void() -> Response:
    """The VoID/DCAT description of the build the store holds (written by ``ascn build``), counting every named graph
    the store holds now, as the downloads do (:func:`graph.describe.recount`)."""
    store = get_store()
    graph = construct(store.query, internal("build_description").sparql)
    if len(graph) == 0:
        raise ApiError(404, "the store holds no build description: run `ascn build`")
    sizes = {str(row["graph"]): int(row["triples"]) for row in select(store.query, internal("graph_sizes").sparql)}
    return _graph_response(recount(graph, sizes))


def _graph_response(graph) -> Response:
    """``graph`` in the format the ``format`` parameter or Accept asks for (Turtle by default).

    A browser (which ranks HTML above every RDF syntax) gets the Turtle labelled as plain text, which it shows in
    the tab: it was handed RDF/XML (its ``application/xml;q=0.9``) as a file to download, and ``Accept: text/html``
    alone a 406 in JSON."""
    fmt = _one("format")
    if fmt is None and prefers_html():
        response = Response(write(graph, FORMATS["graph"][0]), content_type="text/plain; charset=utf-8")
        response.headers["Vary"] = "Accept"
        return response
    chosen = choose_format("graph", fmt)
    if chosen is None:
        offered = ", ".join(f"{f.name} ({f.media_type})" for f in FORMATS["graph"])
        if fmt is not None:
            raise ApiError(400, f"parameter 'format': unknown format {shown(fmt)}; offered: {offered}", "format")
        raise ApiError(406, f"no acceptable format for Accept: {request.headers.get('Accept')}; offered: {offered}")
    response = Response(rdf_body(graph, chosen), mimetype=chosen.media_type)
    response.headers["Content-Type"] = f"{chosen.media_type}; charset=utf-8"
    response.headers["Vary"] = "Accept"
    return link_context(response)


_EXTENSIONS = {fmt.extension: fmt for fmt in DOWNLOADS}
_DOWNLOAD_NAMES = {key: fmt for fmt in DOWNLOADS for key in (fmt.name, fmt.extension, *fmt.aliases) if "/" not in key}
"""What a download's ``format`` parameter may say: a download's syntax by name, file ending or short alias."""


@bp.get("/download/ascn-kg.<ext>")
def download(ext: str) -> Response:
    """The whole graph as a file (TriG keeps the named graphs; the triple formats hold their union), saved
    under the name of the current release (``ascn-kg-<version>.<ext>``).

    A ``format`` parameter is read as on ``/ontology.<ext>``, the ending being only the default: it picks the file of
    that syntax, named by its own ending (``/download/ascn-kg.ttl?format=jsonld`` is ``ascn-kg-<version>.jsonld``,
    where it was the Turtle file without a word); a format no download has is a 400 naming it and those there are."""
    store = get_store()
    release = current_release(store)
    if ext not in _EXTENSIONS:
        raise ApiError(
            404,
            f"no download {shown('ascn-kg.' + ext)}",
            suggestions=[dump_name(release.version if release else None, e) for e in _EXTENSIONS],
        )
    asked = _one("format")
    if asked is not None:
        if asked.lower() not in _DOWNLOAD_NAMES:
            raise ApiError(
                400,
                f"parameter 'format': no download in the format {shown(asked)}; there are: "
                + ", ".join(f"{f.name} (ascn-kg.{f.extension})" for f in DOWNLOADS),
                "format",
            )
        ext = _DOWNLOAD_NAMES[asked.lower()].extension
    fmt = _EXTENSIONS[ext]
    name = dump_name(release.version if release else None, ext)
    gzipped = request.accept_encodings["gzip"] > 0
    with kept_dump(store, get_settings().data_dir, fmt, gzipped) as path:
        if path is None:  # a remote store: written for this request
            data = store.export(fmt.name)
            whole_past_a_long_suffix(len(data))
            # the same bytes while the content is the same (graph.backends.sparql: export), so their digest is the
            # validator and a Range is answered as from a kept dump (it was ignored: the whole file sent again)
            response = Response(data, mimetype=fmt.media_type)
            response.set_etag(hashlib.blake2b(data, digest_size=16).hexdigest())
            response.make_conditional(request, accept_ranges=True, complete_length=len(data))
        else:
            whole_past_a_long_suffix(path.stat().st_size)
            response = send_file(path, mimetype=fmt.media_type, etag=path.stem, conditional=True)
            response.cache_control.public = True
            if gzipped:
                response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return precondition_met(response)


@bp.get("/download/ascn-kg-<version>.<ext>")
def download_release(version: str, ext: str) -> Response:
    """The whole graph by its release's file name; the store serves its current release only."""
    release = current_release(get_store())
    if release is None or version != release.version:
        current = [dump_name(release.version, e) for e in _EXTENSIONS] if release else []
        raise ApiError(
            404,
            f"no download {dump_name(version, ext)}: the current release is {release.version if release else 'none'}",
            suggestions=current,
        )
    return download(ext)
