"""Reference pages: the ontology's documentation (``/ontology``) and the data page (``/data``).

``/ontology`` is HTML for browsers and the ontology itself (Turtle, RDF/XML, JSON-LD, N-Triples) for clients
that ask for RDF, with ``/ontology.ttl``, ``/ontology.rdf`` and ``/ontology.jsonld`` as plain downloads. ``/data``
offers the whole graph, summarises its VoID description, shows the recommender's evaluation table and lists
the gaps in the data, each from a query of the library.
"""

from __future__ import annotations

import json
from collections import OrderedDict

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from graph.describe import DOWNLOADS, dump_name
from graph.formats import GRAPH_FORMATS, Format
from graph.releases import current_release
from graph.similarity.evaluate import BASELINES
from graph.store import select
from ontology import ONTOLOGY_IRI, ontology_modules
from ontology.jsonld import jsonld_context
from queries.library import get_query, internal
from webapp.caching import NOT_KEPT
from webapp.citation import bibtex, cff, pinned_url
from webapp.evaluation import EvaluationFailed, current_evaluation
from webapp.linked_data import link_context, negotiate
from webapp.ontology_doc import (
    MODULE_ORDER,
    app_doc,
    class_diagram,
    ontology_title,
    serialised,
    serialised_module,
    version_iri,
)
from webapp.page_data import local_path
from webapp.store import get_store

bp = Blueprint("reference", __name__)

ONTOLOGY_FILES = {f.extension: f for f in GRAPH_FORMATS}
"""The ontology as a file in each RDF syntax, by file ending."""


@bp.get("/ontology")
def ontology_page():
    """The documentation page, or the ontology as RDF when the client asks for an RDF syntax (``Accept`` or
    ``format``, negotiated as entity pages are)."""
    wanted = negotiate(request.accept_mimetypes, request.args.get("format"))
    if isinstance(wanted, Format):
        response = _ontology_file(wanted, attachment=False)
    else:
        doc = app_doc(current_app)
        response = Response(
            render_template(
                "reference/ontology.html",
                doc=doc,
                diagram=class_diagram(doc.anchors),
                title=ontology_title(),
                schemes=_schemes(),
                link=local_path,
                files=ONTOLOGY_FILES,
            )
        )
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/ontology/context.jsonld")
def jsonld_context_file():
    """The ontology's JSON-LD context, whole (:mod:`ontology.jsonld`): for researchers writing or reading JSON with
    the ontology's terms as plain keys. Entity answers carry the part they use; this is the whole, to cite by URL.
    Open to every origin, as the SPARQL endpoint is, so a JSON-LD processor in a browser can fetch it."""
    response = Response(json.dumps({"@context": jsonld_context()}, indent=2), mimetype="application/ld+json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/ontology/<path:module>")
def ontology_module(module: str):
    """A module's or alignment's IRI (``https://w3id.org/ascn/ontology/core``: every term's ``rdfs:isDefinedBy``, and
    what the umbrella ``owl:imports``) and the ontology's version IRI, dereferenced: a module is its own file to an RDF
    client and the documentation (at the module's panel of the diagram) to a browser; the version IRI is the
    ontology, which is at that version. Before, each was a 404."""
    iri = f"{ONTOLOGY_IRI}/{module}"
    if iri == version_iri():
        query = request.query_string.decode()  # a format= parameter goes along
        return redirect(url_for("reference.ontology_page") + (f"?{query}" if query else ""), 303)
    if iri not in ontology_modules():
        abort(
            404,
            description=f"no ontology module at {iri}; there are: "
            + ", ".join(sorted(m.removeprefix(f"{ONTOLOGY_IRI}/") for m in ontology_modules())),
        )
    wanted = negotiate(request.accept_mimetypes, request.args.get("format"))
    if isinstance(wanted, Format):
        response = link_context(Response(serialised_module(iri, wanted), mimetype=wanted.media_type))
        response.headers["Content-Type"] = f"{wanted.media_type}; charset=utf-8"
    else:
        panel = f"module-{module}" if module in MODULE_ORDER else "documentation"
        response = Response(status=303, headers={"Location": url_for("reference.ontology_page", _anchor=panel)})
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/ontology.<ext>")
def ontology_file(ext: str):
    """The ontology as a file: ``.ttl`` (Turtle), ``.rdf`` (RDF/XML), ``.jsonld`` (JSON-LD), ``.nt``.

    A ``format`` parameter is read as every RDF route reads it (:func:`negotiate`), the ending being only the default:
    ``/ontology.ttl?format=nt`` was Turtle without a word; it is N-Triples, ``format=html`` the documentation page
    and an unknown format the same 400 naming it."""
    if ext not in ONTOLOGY_FILES:
        abort(
            404,
            description=f"no ontology file ontology.{ext}; there are: "
            + ", ".join(f"ontology.{e}" for e in ONTOLOGY_FILES),
        )
    asked = request.args.get("format")
    wanted = negotiate(request.accept_mimetypes, asked) if asked else ONTOLOGY_FILES[ext]
    if not isinstance(wanted, Format):
        return redirect(url_for("reference.ontology_page"), 303)
    return _ontology_file(wanted, attachment=True)


def _ontology_file(fmt: Format, attachment: bool) -> Response:
    response = link_context(Response(serialised(fmt), mimetype=fmt.media_type))
    response.headers["Content-Type"] = f"{fmt.media_type}; charset=utf-8"
    if attachment:
        response.headers["Content-Disposition"] = f'inline; filename="ascn-ontology.{fmt.extension}"'
    return response


def _schemes() -> list[dict]:
    """The SKOS concept schemes with their concepts (focus areas first: the framework's own scheme)."""
    schemes: OrderedDict[str, dict] = OrderedDict()
    for row in select(get_store().query, internal("concept_schemes").sparql):
        scheme = schemes.setdefault(
            str(row["scheme"]),
            {
                "iri": str(row["scheme"]),
                "label": str(row["schemeLabel"]),
                "definition": str(row["schemeDefinition"]) if row["schemeDefinition"] else "",
                "concepts": {},
            },
        )
        concept = str(row["concept"])
        scheme["concepts"].setdefault(
            concept,
            {
                "iri": concept,
                "label": str(row["label"] or concept.rsplit("/", 1)[-1]),
                "definition": str(row["definition"] or ""),
                "top": str(row["top"]) == "true",
            },
        )
    ordered = sorted(schemes.values(), key=lambda s: (not s["iri"].endswith("/focus-areas"), s["label"].casefold()))
    for scheme in ordered:
        scheme["concepts"] = list(scheme["concepts"].values())
    return ordered


@bp.get("/data")
def data_page():
    """Downloads, the VoID summary, the recommender's evaluation and the gaps of the data."""
    store = get_store()
    partitions = list(select(store.query, internal("void_class_partitions").sparql))
    totals = list(select(store.query, internal("graph_sizes").sparql))
    described = bool(select(store.query, internal("build_info").sparql).rows)
    union = next(iter(select(store.query, internal("union_size").sparql)))
    gaps = {
        name: list(select(store.query, get_query(name).bind()))
        for name in ("cities_without_projects", "facts_with_low_or_medium_confidence", "named_only_projects")
    }
    gap_titles = {name: get_query(name).title for name in gaps}
    failure = None
    try:
        evaluation = current_evaluation(wait=0)  # else the page says it is still being computed, and reloads
    except EvaluationFailed as exc:
        evaluation, failure = None, str(exc)
    response = Response(
        render_template(
            "reference/data.html",
            downloads=DOWNLOADS,
            partitions=partitions,
            described=described,
            total_triples=sum(int(row["triples"]) for row in totals),
            union_triples=int(union["triples"]),
            graphs=totals,
            gaps=gaps,
            gap_titles=gap_titles,
            evaluation=evaluation,
            evaluation_failure=failure,
            baselines=BASELINES,
            link=local_path,
            dump_name=dump_name,
            citation=_citation(),
        )
    )
    if evaluation is None:
        response.headers["Cache-Control"] = NOT_KEPT  # the next visit must see the table once it is there
    return response


def _citation() -> dict | None:
    """The current release's citation as BibTeX and CFF, with the link that pins it (None before a build)."""
    release = current_release(get_store())
    if release is None:
        return None
    url = pinned_url(release)
    return {"release": release, "url": url, "bibtex": bibtex(release, url), "cff": cff(release, url)}
