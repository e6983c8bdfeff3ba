"""The researcher's query editor (``/query``) and the match page (``/match``) for partners and planning cities.

``/query`` is a page around the vendored Yasgui editor: the page lists the query library (so it reads without
JavaScript too), and ``static/js/query.js`` sets up the editor against ``/sparql`` with local autocompletion,
the map and chart views and the completeness notice. ``/match`` answers its two forms on the server (a GET, so
an answer has a shareable URL and works without JavaScript) with the recommender's explained results.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, make_response, render_template, request, url_for
from markupsafe import Markup, escape

from graph.releases import Release, current_release
from graph.similarity.filters import Filters
from graph.similarity.reasons import Recommendations, to_dict
from graph.similarity.recommend import QuestionError, ask, choose
from graph.store import select
from ontology import prefixed
from ontology.errors import NotFound
from queries.library import internal, library
from webapp import pinned
from webapp.bounds import MAX_VALUE_LENGTH, distinct, repeated
from webapp.page_data import linked_items
from webapp.security import content_security_policy
from webapp.site_url import site_url_for
from webapp.static_files import static_folder
from webapp.store import get_store, get_typed_graph

bp = Blueprint("tools", __name__)

AUDIENCES = ("researcher", "city_officer", "partner")
TOP = 10
"""How many cities or projects a /match answer lists (its link to the same answer as JSON asks for as many)."""
_CODE_SPAN = re.compile(r"`([^`]+)`")


@bp.app_template_filter("code_spans")
def code_spans(text: str) -> Markup:
    """A library query's description as a page shows it: the .rq headers name parameters as Markdown code spans
    (`` `city` ``), which a person should read as code, not as backticks.

    >>> code_spans("Leave `city` empty for <all>")
    Markup('Leave <code>city</code> empty for &lt;all&gt;')
    """
    return Markup(_CODE_SPAN.sub(r"<code>\1</code>", str(escape(text))))


@bp.get("/query")
def query_page():
    """The SPARQL editor, with the library as ready examples grouped by who they are for."""
    queries = list(library().values())
    groups = [(a.replace("_", " "), [q for q in queries if a in q.audience]) for a in AUDIENCES]
    others = [q for q in queries if not set(q.audience) & set(AUDIENCES)]
    if others:
        groups.append(("everyone", others))
    config = current_app.config
    pinned_to, current = _pinned_release(), current_release(get_store())
    endpoint = site_url_for("sparql.endpoint", release=pinned_to.version if pinned_to else None)
    response = make_response(
        render_template(
            "tools/query.html",
            groups=groups,
            endpoint=endpoint,
            pinned=pinned_to,
            current=current,
            timeout=float(config["SPARQL_TIMEOUT"]),
            row_limit=int(config["SPARQL_ROW_LIMIT"]),
            tile_url=config.get("TILE_URL") or "",
            panel=data_panel(),
        )
    )
    hashes = " ".join(f"'{h}'" for h in _editor_styles())
    policy = content_security_policy(config.get("TILE_URL"))
    response.headers["Content-Security-Policy"] = policy.replace("style-src 'self'", f"style-src 'self' {hashes}")
    return response


def _pinned_release() -> Release | None:
    """The release ``?release=`` pins the editor to (its queries go to ``/sparql?release=``); 404 if unknown."""
    version = request.args.get("release")
    if not version:
        return None
    try:
        return pinned.release(version)
    except NotFound as exc:
        abort(404, description=f"{exc} (the releases are listed on /changes)")  # it may end in "did you mean ...?"


def data_panel() -> dict[str, list[dict]]:
    """The classes and properties of the data with their counts, from the build's VoID description (entities per
    class, triples per property), each written as the editor would insert it."""
    store = get_store()
    classes = [
        {
            "iri": str(r["class"]),
            "label": str(r["classLabel"]),
            "term": prefixed(str(r["class"])),
            "count": int(r["entities"]),
        }
        for r in select(store.query, internal("void_class_partitions").sparql)
    ]
    properties = [
        {
            "iri": str(r["property"]),
            "label": str(r["propertyLabel"]),
            "term": prefixed(str(r["property"])),
            "count": int(r["triples"]),
        }
        for r in select(store.query, internal("void_property_partitions").sparql)
    ]
    return {"classes": classes, "properties": properties}


_GRIP_STYLE = re.compile(r"createStyle\([^,()]+,`([^`$]*)`\)")
_DRAG_STYLE = "*{cursor:col-resize!important}"


EDITOR_STYLES = "ascn-editor-styles"
"""The ``app.extensions`` key of :func:`editor_style_hashes` for the app's own static folder."""


def _editor_styles() -> tuple[str, ...]:
    """:func:`editor_style_hashes` of this app's static folder, read once per app (each app has its own folder)."""
    kept = current_app.extensions.get(EDITOR_STYLES)
    if kept is None:
        kept = current_app.extensions[EDITOR_STYLES] = editor_style_hashes(static_folder())
    return kept


def editor_style_hashes(static_folder: str) -> tuple[str, ...]:
    """CSP hashes of the fixed stylesheets the editor's table adds at run time (its column resizer writes them
    into ``<style>`` elements), read from the vendored bundle so an upgrade cannot leave them stale.

    Only these exact texts are allowed on ``/query``; inline ``style=`` attributes and any other style element
    stay refused.
    """
    path = Path(static_folder) / "vendor" / "yasgui" / "yasgui.min.js"
    if not path.is_file():  # not installed: the page says so (webapp.vendor), and no editor runs to need them
        return ()
    bundle = path.read_text(encoding="utf-8")
    texts = [*_GRIP_STYLE.findall(bundle), _DRAG_STYLE]
    return tuple(
        "sha256-" + base64.b64encode(hashlib.sha256(t.encode("utf-8")).digest()).decode("ascii") for t in texts
    )


@dataclass(frozen=True)
class Option:
    value: str
    label: str


def _options(tg, kind: str) -> list[Option]:
    return sorted(
        (Option(iri.rsplit("/", 1)[-1], tg.label(iri)) for iri in tg.ids(kind)), key=lambda o: o.label.casefold()
    )


EMPTY_FORM = {
    "partner": (
        ("partner", "focus", "programme", "in_country"),
        "choose a partner, or describe one by ticking its focus areas or programmes",
    ),
    "city": (
        ("city", "focus", "outcome", "text"),
        "choose your city, tick the plan's focus areas or outcomes, or describe the plan in a few words",
    ),
}
"""Each /match form's fields that ask something, and what the form says when none is filled in, in the words of
its own fields: the API's message for the same request names parameters (``in_country``) and questions (a
project's look-alikes, a city's) the form does not have."""


@bp.get("/match")
def match_page():
    """Two forms — a partner looking for cities, a city planning a project — and, when one was sent, its answer."""
    tg = get_typed_graph()
    options = {
        kind: _options(tg, kind) for kind in ("focus_area", "outcome", "country", "partner", "programme", "city")
    }
    who = request.args.get("who")
    answer: Recommendations | None = None
    error: NotFound | QuestionError | None = None
    status = 200
    api_url = None
    if who in ("partner", "city"):
        route, question = _partner_question() if who == "partner" else _city_question()
        fields, empty = EMPTY_FORM[who]
        try:
            if not any(question[k] for k in fields):
                raise QuestionError(empty, fields[0])
            answer = _partner_answer(tg, question) if who == "partner" else _city_answer(tg, question)
        except NotFound as exc:
            error, status = exc, 404
        except QuestionError as exc:
            error, status = exc, 400
        asked = {k: "true" if v is True else v for k, v in question.items() if v}
        api_url = url_for(route) + "?" + urlencode({"top": TOP, **asked}, doseq=True)
    return render_template(
        "tools/match.html",
        options=options,
        who=who,
        args=request.args,
        answer=answer,
        items=linked_items(to_dict(answer)) if answer else [],
        remedies=_remedies(tg, question) if who == "partner" and answer and not answer.items else [],
        error=error,
        api_url=api_url,
        max_text=MAX_VALUE_LENGTH,
    ), status


def _partner_question() -> tuple[str, dict]:
    """The partner form as the parameters of ``/api/recommend/cities``, which asks the same question."""
    args = request.args
    return "api.recommend_cities", {
        "partner": args.get("partner", "").strip(),
        "focus": _many("focus"),
        "programme": _many("programme"),
        "in_country": _many("country"),
        "include_tied": args.get("include_tied") == "on",
    }


def _city_question() -> tuple[str, dict]:
    """The planning city's form as the parameters of ``/api/recommend/projects``, which asks the same question."""
    args = request.args
    return "api.recommend_projects", {
        "city": args.get("city", "").strip(),
        "focus": _many("focus"),
        "outcome": _many("outcome"),
        "text": args.get("text", "").strip(),
        "plan_country": _once("country"),
        "exclude_own_country": args.get("elsewhere") == "on",
    }


def _partner_answer(tg, question: dict) -> Recommendations:
    """An existing partner's new cities (narrowed by the ticked focus areas, programmes, countries), or the cities
    for a partner described by those alone."""
    given = {k: question[k] for k in ("partner", "focus", "programme", "in_country")}
    return _ask("cities", given, tg, include_tied=question["include_tied"])


REMEDIES = {"in_country": "fewer countries", "include_tied": "“Also show cities the partner already works in”"}
"""The partner form's changes an empty list of cities is told of besides other focus areas or programmes, each
offered only where it brings a city back (:func:`_remedies`)."""


def _remedies(tg, question: dict) -> list[str]:
    """Of :data:`REMEDIES`, the changes to the partner form that would list a city where it listed none: the
    countries ticked left out, the cities the partner already works in shown. The European Union under Smart Green
    ASEAN Cities, which no pairing runs under, was offered the box for those cities, none of which is under the
    programme either; each change is asked, since the answer alone does not say what another question would give."""
    changed = {
        "in_country": {**question, "in_country": []} if question["in_country"] else None,
        "include_tied": {**question, "include_tied": True} if not question["include_tied"] else None,
    }
    return [REMEDIES[k] for k, q in changed.items() if q is not None and _partner_answer(tg, q).items]


def _city_answer(tg, question: dict) -> Recommendations:
    """Projects to learn from for the planned project, its city's own projects left out (a city alone: the
    projects elsewhere it could learn from)."""
    filters = Filters(exclude_own_country=question["exclude_own_country"])
    given = {k: question[k] for k in ("city", "focus", "outcome", "text")}
    return _ask("projects", given, tg, filters, plan_country=question["plan_country"] or None)


def _ask(output: str, given: dict, tg, filters: Filters | None = None, **options) -> Recommendations:
    return ask(
        get_store(),
        choose(output, given),
        top=TOP,
        filters=filters,
        tg=tg,
        **{k: v for k, v in given.items() if v},
        **options,
    )


def _many(name: str) -> list[str]:
    return distinct(request.args.getlist(name))


def _once(name: str) -> str:
    """A parameter the city's form gives once (the partner's form gives ``country`` several times)."""
    values = request.args.getlist(name)
    if len(values) > 1:
        raise repeated(name, len(values))
    return values[0].strip() if values else ""
