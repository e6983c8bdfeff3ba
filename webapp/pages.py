"""The pages a person browses: home, one page per entity (Linked Data, content-negotiated) and Find projects.

Every figure and fact on these pages is read from the graph through the ``queries/pages`` ``.rq`` files;
nothing about the network is written into the templates.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from difflib import get_close_matches
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from rdflib import Graph, Literal, URIRef

from graph.errors import StoreError
from graph.formats import Format
from graph.lookup import fold, local_id
from graph.similarity.questions import QUESTIONS
from graph.similarity.reasons import to_dict
from graph.similarity.recommend import ask
from ontology.errors import NotFound, shown
from ontology.namespace import ASCN, DCTERMS, GRAPH, RDFS, VOID
from queries.errors import QueryError
from webapp.bounds import MAX_ENTITY_PATH, ParameterError, is_entity_path
from webapp.entity_view import Entity, build, kind_name
from webapp.errors import EntityNotFound
from webapp.facets import (
    FACETS,
    SORTS,
    facet_counts,
    parse_search,
    projects_from_rows,
    search,
    snippet,
    sort_projects,
    unknown_values,
)
from webapp.linked_data import alternates, link_context, link_header, negotiate, rdf_body, schema_org
from webapp.page_data import (
    bound,
    closest_entities,
    entity_pages,
    href_of,
    iri_of,
    linked_items,
    local_path,
    lookup_index,
    once_per_version,
    rows,
    run,
    text,
    upper_first,
    value_rows,
)
from webapp.site_url import site_url
from webapp.store import get_graph_cache, get_store

bp = Blueprint("pages", __name__)
bp.add_app_template_global(href_of, "href_of")
bp.add_app_template_filter(upper_first, "upper_first")
_SLUG = re.compile(r"[A-Za-z0-9_.-]+")
_DIGITS = re.compile(r"[0-9]+")


@bp.app_context_processor
def data_version() -> dict:
    """The version of the bundled data for the footer of every page."""
    try:
        found = rows("data_version")
    except (StoreError, QueryError):  # the footer must never turn a page (an error page above all) into a 500
        return {"data_version": None}
    return {"data_version": text(found[0]["version"]) if found else None}


@bp.route("/")
def home():
    counts = {str(bound(r["kind"])): int(bound(r["count"])) for r in rows("home_counts")}
    cities = [_map_city(r) for r in rows("member_cities")]
    countries = sorted({(c["iso2"], c["country"], c["country_path"]) for c in cities if c["iso2"]}, key=lambda c: c[1])
    per_country = _country_counts(cities)
    return render_template(
        "pages/home.html",
        counts=counts,
        network=_network(),
        reported=_reported_counts(),
        cities=cities,
        countries=countries,
        per_country=per_country,
        network_wide=sum(p.network_wide for p in project_facts()),
        map_data={
            "cities": [c for c in cities if c["lat"] is not None],
            "countries": list(per_country.values()),
            **_map_settings(),
        },
    )


def _map_settings() -> dict:
    """What every map needs besides its points: the tile server, if any, and the country outlines."""
    return {
        "tiles": current_app.config.get("TILE_URL") or None,
        "outlines": url_for("static", filename="vendor/world-atlas/countries-50m.json"),
    }


def _country_counts(cities: list[dict]) -> dict[str, dict]:
    """Per member state with member cities (by ISO code): its name, page, and how many member cities and projects
    the graph holds for it."""
    projects = project_facts()
    out: dict[str, dict] = {}
    for c in cities:
        if c["iso2"]:
            entry = out.setdefault(
                c["iso2"],
                {"iso2": c["iso2"], "label": c["country"], "path": c["country_path"], "cities": 0, "projects": 0},
            )
            entry["cities"] += 1
    ids = {entry["path"].rsplit("/", 1)[-1]: entry for entry in out.values()}
    for p in projects:
        for country in p.facets["country"]:
            if country in ids:
                ids[country]["projects"] += 1
    return dict(sorted(out.items(), key=lambda item: item[1]["label"]))


@bp.route("/go/city")
def go_to_city():
    """The home page's "open a city page" form, which works without JavaScript: a redirect to the city."""
    city = request.args.get("city", "")
    if not _SLUG.fullmatch(city):
        abort(400, description="Choose a city from the list to open its page.")
    return redirect(url_for("pages.entity", kind="city", ident=city))


def _map_city(r) -> dict:
    iso2 = text(r["iso2"])
    return {
        "label": text(r["label"]),
        "path": local_path(r["city"]),
        "id": str(r["city"]).rsplit("/", 1)[-1],
        "lat": float(r["lat"]) if r["lat"] is not None else None,
        "long": float(r["long"]) if r["long"] is not None else None,
        "iso2": iso2.lower() if iso2 else None,
        "country": text(r["countryLabel"]),
        "country_path": local_path(r["country"]),
        "joined": text(r["joined"]),
        "pilot": bool(r["pilot"] is not None and r["pilot"].toPython()),
    }


def _network() -> dict | None:
    found = rows("network_overview")
    if not found:
        return None
    first = found[0]
    statements: dict[str, dict] = {}
    for r in found:
        if r["statement"] is None:
            continue
        s = statements.setdefault(
            str(r["statement"]), {"aspect": text(r["aspect"]), "text": text(r["text"]), "sources": []}
        )
        if r["source"] is not None:
            s["sources"].append({"path": local_path(r["source"]), "title": text(r["sourceTitle"]) or str(r["source"])})
    by_aspect = defaultdict(list)
    for s in statements.values():
        by_aspect[s["aspect"]].append(s)
    return {
        "label": text(first["label"]),
        "short": text(first["short"]),
        "description": text(first["description"]),
        "founded": text(first["founded"]),
        "path": local_path(first["network"]),
        "aspects": by_aspect,
    }


def _reported_counts() -> dict:
    """The latest member and project counts the sources report, with their dates and sources."""
    latest: dict[str, dict] = {}
    for r in rows("latest_counts"):
        kind = str(bound(r["kind"]))
        entry = latest.setdefault(kind, {"value": int(bound(r["value"])), "as_of": text(r["asOf"]), "sources": []})
        if entry["as_of"] == text(r["asOf"]) and r["source"] is not None and local_path(r["source"]):
            entry["sources"].append(local_path(r["source"]))
    return latest


# -- find projects ---------------------------------------------------------------------------------------------

PAGE_SIZE = 40


def project_facts() -> list:
    """Every project with its facets and the names of its places (:mod:`graph.lookup`), read once per graph
    version."""

    def read() -> list:
        entities = lookup_index().entities
        return projects_from_rows(
            value_rows("project_facts"), lambda iri: entities[iri].all_names() if iri in entities else []
        )

    return once_per_version("project_facts", read)


def _found_projects():
    """All projects, the search the request asks for, the order it wants and the projects found, in that order."""
    projects = project_facts()
    wanted = parse_search(request.args, request.args.getlist)
    for key, value, known in unknown_values(projects, wanted):
        close = get_close_matches(value[:100], known, n=3, cutoff=0.6)
        raise ParameterError(
            key,
            f"no {dict(FACETS)[key].lower()} {shown(value)} in the graph"
            + (f"; did you mean {', '.join(close)}?" if close else ""),
        )
    order = request.args.get("sort", "name")
    if order not in dict(SORTS):  # the page's own menu sends one of them; another was put in name order silently
        raise ParameterError("sort", f"no order {shown(order, 40)}; choose one of: {', '.join(dict(SORTS))}")
    return projects, wanted, order, sort_projects(search(projects, wanted), order)


@bp.route("/projects")
def find_projects():
    """Faceted search over projects; the query string holds the whole state, so every search can be shared."""
    projects, wanted, order, found = _found_projects()
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = _page_number(request.args.get("page", "1"), pages)
    facets = facet_counts(projects, wanted)
    labels = {key: {v["id"]: v["label"] for v in values} for key, values in facets.items()}
    return render_template(
        "pages/find.html",
        search=wanted,
        facets=facets,
        facet_names=FACETS,
        results=found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total=len(found),
        all_count=len(projects),
        page=page,
        pages=pages,
        labels=labels,
        without_years=sum(1 for p in projects if p.start is None and p.end is None),
        remove_url=_remove_url,
        page_url=_page_url,
        path_of=local_path,
        sources_of=_sources_of,
        sorts=SORTS,
        order=order,
        snippet=snippet,
        csv_url=url_for("pages.find_projects_csv") + _query_string(exclude=("page",)),
    )


CSV_COLUMNS = (
    "project",
    "name",
    "city",
    "member_state",
    "focus_areas",
    "partners",
    "status",
    "start",
    "end",
    "period",
    "description",
    "sources",
)


@bp.route("/projects.csv")
def find_projects_csv():
    """Every project of a Find projects search (not just one page of it) as CSV, one row per project; several
    values of one field are joined with "; ". Made to be opened in a spreadsheet, so no cell runs as a formula
    there (:func:`_as_text`)."""
    _, _, _, found = _found_projects()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for p in found:
        writer.writerow(
            _as_text(str(cell))
            for cell in [
                p.iri,
                p.name,
                "; ".join(p.facets["city"].values()),
                "; ".join(p.facets["country"].values()),
                "; ".join(p.facets["focus"].values()),
                "; ".join(p.facets["partner"].values()),
                "; ".join(p.facets["status"].values()),
                p.start or "",
                p.end or "",
                p.period_in_words,
                p.description,
                "; ".join(p.sources),
            ]
        )
    return Response(
        out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="ascn-projects.csv"'}
    )


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _as_text(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text: one starting as a formula would (Excel and LibreOffice run
    ``=HYPERLINK(...)``, ``+cmd|...``, ``-``, ``@`` and a leading tab or CR as one), so it gets a leading quote, as
    OWASP advises against CSV injection. Names and descriptions come from loaded files anyone may write. The SPARQL
    CSV and TSV answers are not changed so: they are the SPARQL 1.1 format, read by programs that need values exact.

    >>> _as_text("=1+1"), _as_text("-2"), _as_text("Smart water"), _as_text("")
    ("'=1+1", "'-2", 'Smart water', '')
    """
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _query_string(exclude: tuple[str, ...] = ()) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in exclude]
    return "?" + urlencode(args) if args else ""


def _page_number(text: str, pages: int) -> int:
    """The page ``text`` asks for; 400 naming the pages there are when it is no number from 1 to ``pages``.

    Compared as text first, so a number thousands of digits long is out of range, not a conversion error.
    """
    digits = text.lstrip("0") if _DIGITS.fullmatch(text) else ""
    if not digits or len(digits) > len(str(pages)) or int(digits) > pages:
        raise ParameterError(
            "page",
            f"this search has {pages} page{'s' if pages > 1 else ''}; "
            f"expected a page number from 1 to {pages}, got {shown(text, 40)}",
        )
    return int(digits)


def _remove_url(key: str, value: str | None = None) -> str:
    """This search's URL without one chosen value (or without the whole parameter ``key``)."""
    args = [
        (k, v)
        for k, v in request.args.items(multi=True)
        if k != "page" and not (k == key and (value is None or v == value))
    ]
    return url_for("pages.find_projects") + ("?" + urlencode(args) if args else "")


def _sources_of(project) -> list[dict]:
    return [
        {"path": local_path(iri), "title": title}
        for iri, title in sorted(project.sources.items(), key=lambda item: item[1].lower())
    ]


def _page_url(number: int) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"] + [("page", str(number))]
    return url_for("pages.find_projects") + "?" + urlencode(args)


# -- entity pages (Linked Data) ----------------------------------------------------------------------------

RECOMMENDATIONS = {
    "city": ("projects_for_city", "partners_for_city", "similar_cities"),
    "project": ("projects_like",),
    "partner": ("cities_for_partner",),
}
"""The recommender questions (:data:`graph.similarity.questions.QUESTIONS`) each kind of entity page shows."""
TOP = 5


@bp.get("/id/")
def kinds_of_entities():
    """``/id/``, the base of every entity IRI: the kinds of entity, each with how many the graph holds; as RDF too,
    negotiated as the listing of one kind is (an RDF client got the HTML page)."""
    counts = Counter(path.split("/")[2] for path in entity_pages())
    wanted = negotiate(request.accept_mimetypes, request.args.get("format"))
    if isinstance(wanted, Format):
        # each kind's listing, as the page lists it: its name and how many entities it holds
        index, graph = URIRef(iri_of("/id/")), Graph()
        for kind, n in sorted(counts.items()):
            listing = URIRef(iri_of(f"/id/{kind}/"))
            graph.add((index, DCTERMS.hasPart, listing))
            graph.add((listing, RDFS.label, Literal(kind_name(kind))))
            graph.add((listing, VOID.entities, Literal(n)))
        return _linked_data(Response(rdf_body(graph, wanted), mimetype=wanted.media_type), "/id/")
    listed = [(f"/id/{kind}/", f"{kind_name(kind)} ({n:,})") for kind, n in sorted(counts.items())]
    page = render_template(
        "pages/kind.html", name="entity", kind="", entities=listed, alternates=alternates(request.script_root + "/id/")
    )
    return _linked_data(Response(page), "/id/")


@bp.get("/id/<kind>/")
def entities_of_kind(kind: str):
    """``/id/city/``, the IRI of an entity without its id: every entity of that kind, by name (a reader who shortens
    an entity's address gets its siblings, not a 404)."""
    pages = entity_pages()
    listed = sorted(
        ((path, label) for path, label in pages.items() if path.startswith(f"/id/{kind}/")),
        key=lambda item: (fold(item[1]), item[0]),
    )
    if not listed:
        kinds = sorted({path.split("/")[2] for path in pages})
        close = get_close_matches(kind[:100], kinds, n=5, cutoff=0.4)
        raise EntityNotFound(f"The graph has no entities at /id/{kind[:100]}/.", [(f"/id/{k}/", k) for k in close])
    path = f"/id/{kind}/"
    wanted = negotiate(request.accept_mimetypes, request.args.get("format"))
    if isinstance(wanted, Format):
        # the members' labels and types, as the page lists them; not the parts under them (a city's geometry)
        members = {URIRef(iri_of(p)) for p, _ in listed}
        graph = Graph()
        for triple in run("kind_members", {"prefix": iri_of(path)}):
            if triple[0] in members:
                graph.add(triple)
        return _linked_data(Response(rdf_body(graph, wanted), mimetype=wanted.media_type), path)
    page = render_template(
        "pages/kind.html",
        name=kind_name(kind),
        kind=kind,
        entities=listed,
        alternates=alternates(request.script_root + path),
    )
    return _linked_data(Response(page), path)


@bp.route("/id/<kind>/<path:ident>")
def entity(kind: str, ident: str):
    """An entity IRI, dereferenced: HTML for people, RDF for machines (``Vary: Accept``)."""
    path = f"/id/{kind}/{ident}"
    if not is_entity_path(kind, ident):
        shown = path if len(path) <= 100 else path[:100] + "…"
        raise EntityNotFound(
            f"The graph has no entity at {shown}: entity paths are /id/<kind>/<id>, in letters, "
            f"digits, '-', '_' and '.', at most {MAX_ENTITY_PATH} characters.",
            closest_entities(kind if _SLUG.fullmatch(kind) else "", ident),
        )
    iri = URIRef(iri_of(path))
    # /id/city/hanoi/geometry and /id/partner/european_union/funding-period/2 are parts of a city or a partner,
    # not one: only an entity the path's kind names gets that kind's recommendations, overview and topics.
    own_kind = kind if "/" not in ident else None
    wanted = negotiate(request.accept_mimetypes, request.args.get("format"))
    if not run("entity_exists", {"entity": str(iri)}):
        raise EntityNotFound(f"The graph has no {kind.replace('-', ' ')} at {path}.", closest_entities(kind, ident))
    graph = run("entity_description", {"entity": str(iri)})
    topic = {"focus": request.args.get("focus", "").strip()[:100], "text": request.args.get("topic", "").strip()[:200]}
    if isinstance(wanted, Format):
        response = Response(rdf_body(graph, wanted), mimetype=wanted.media_type)
    else:
        view = build(iri, graph)
        types = [str(r["type"]) for r in rows("schema_types", {"entity": str(iri)})]
        page_url = site_url(path)
        response = Response(
            render_template(
                "pages/entity.html",
                entity=view,
                path=path,
                alternates=alternates(request.script_root + path),
                jsonld=schema_org(iri, graph, types, page_url),
                recommendations=_recommendations(own_kind, str(iri), topic) if own_kind else [],
                map_data=_entity_map(view),
                overview=_country_overview(view) if own_kind == "country" else None,
                topic=topic,
                topics=_focus_areas() if own_kind in ("city", "partner") else [],
            )
        )
    return _linked_data(response, path)


@bp.route("/graph/<path:name>")
def named_graph(name: str):
    """A named graph's IRI (``…/graph/bundled/cities``, as TriG, the VoID description and ``GRAPH ?g`` give them),
    dereferenced as an entity's is: its VoID description counted from the graph as it is now, as a page or as RDF.
    The graph's own triples are a query away (the page links it)."""
    path = f"/graph/{name}"
    iri = iri_of(path)
    graphs = get_store().graph_names()
    if iri not in graphs:
        named = [(p, p.removeprefix("/graph/")) for g in graphs if (p := local_path(g))]
        close = get_close_matches(name, [label for _, label in named], n=5, cutoff=0.4)
        raise EntityNotFound(f"The graph has no named graph at {path[:100]}.", [n for n in named if n[1] in close])
    wanted = negotiate(request.accept_mimetypes, request.args.get("format"))
    # the graph alone as the named graph, so only it is counted; the ontology, for the classes' labels
    description = run("graph_description", {"graph": iri}, default_graphs=[str(GRAPH["ontology"])], named_graphs=[iri])
    if isinstance(wanted, Format):
        return _linked_data(Response(rdf_body(description, wanted), mimetype=wanted.media_type), path)
    subject = URIRef(iri)
    classes = [
        {
            "label": str(description.value(c, RDFS.label) or local_id(c)),
            "anchor": local_id(c).lower() if str(c).startswith(str(ASCN)) else None,
            "entities": int(description.value(p, VOID.entities)),
        }
        for p in description.objects(subject, VOID.classPartition)
        if (c := description.value(p, VOID["class"])) is not None
    ]
    content = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
    page = render_template(
        "pages/graph.html",
        name=name,
        iri=iri,
        triples=int(description.value(subject, VOID.triples)),
        entities=int(description.value(subject, VOID.entities) or 0),
        classes=sorted(classes, key=lambda c: (-c["entities"], c["label"].lower())),
        content_url=url_for("sparql.endpoint", query=content, format="ttl"),
        editor_url=url_for("tools.query_page", query=content),
        alternates=alternates(request.script_root + path),
    )
    return _linked_data(Response(page), path)


def _linked_data(response: Response, path: str) -> Response:
    """An IRI's answer with the headers every dereferenced IRI carries: ``Vary: Accept`` and its alternates; JSON-LD
    also links the whole context its own terms come from."""
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = link_header(request.script_root + path)
    return link_context(response)


def _recommendations(kind: str, iri: str, topic: dict | None = None) -> list[dict]:
    """The recommender's answers for this entity, as plain data with local paths for every link. On a city page a
    topic (a focus area, words) narrows "projects to learn from" to it, still compared with the city's own projects
    (on that topic when it has any); on a partner page a focus area narrows the cities that fit it."""
    out = []
    for name in RECOMMENDATIONS.get(kind, ()):
        if name == "projects_for_city" and topic and (topic["focus"] or topic["text"]):
            try:
                answer = to_dict(
                    ask(
                        get_store(),
                        name,
                        top=TOP,
                        cache=get_graph_cache(),
                        city=iri,
                        focus=[topic["focus"]] if topic["focus"] else [],
                        text=topic["text"],
                    )
                )
            except NotFound:
                abort(400, description=f"No focus area is called {topic['focus']!r}: choose one from the list.")
        elif name == "cities_for_partner" and topic and topic["focus"]:
            try:
                answer = to_dict(
                    ask(get_store(), name, top=TOP, partner=iri, focus=[topic["focus"]], cache=get_graph_cache())
                )
            except NotFound:
                abort(400, description=f"No focus area is called {topic['focus']!r}: choose one from the list.")
        else:
            subject = QUESTIONS[name].input_kind
            answer = to_dict(
                ask(
                    get_store(),
                    name,
                    top=TOP,
                    cache=get_graph_cache(),
                    city=iri if subject == "city" else None,
                    project=iri if subject == "project" else None,
                    partner=iri if subject == "partner" else None,
                )
            )
        out.append(
            {
                "name": name,
                "title": QUESTIONS[name].title,
                "items": linked_items(answer),
                "note": answer["note"],
                "order_note": _order_note(answer["items"]),
            }
        )
    return out


def _order_note(items: list[dict]) -> str | None:
    """When every item gives the same reasons, what orders them (the signals beside the stated links)."""
    reasons = {tuple(r["text"] for r in item["reasons"]) for item in items}
    if len(items) < 2 or len(reasons) != 1:
        return None
    return (
        "Each of these has the same reason, so the order comes from the rest of the evidence: how much their "
        "descriptions have in common with this one's, and how closely the graph links them through shared "
        "cities, partners, programmes and focus areas."
    )


def _focus_areas() -> list[tuple[str, str, int]]:
    """The focus areas projects are classified under: (id, label, number of projects), most used first."""
    projects = project_facts()
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for p in projects:
        for area, label in p.facets["focus"].items():
            counts[(area, label)] += 1
    return [(area, label, n) for (area, label), n in sorted(counts.items(), key=lambda item: (-item[1], item[0][1]))]


def _country_overview(view: Entity) -> dict:
    """A member state's member cities, the projects in them and the partners paired with them, with counts."""
    cities = next((f.values for f in view.incoming if f.label == "Member cities"), [])
    projects: dict[str, dict] = {}
    partners: dict[str, dict] = {}
    for r in rows("country_overview", {"country": view.iri}):
        into = projects if text(r["kind"]) == "project" else partners
        item = into.setdefault(
            str(r["entity"]),
            {"path": local_path(r["entity"]), "label": text(r["label"]), "cities": [], "status": text(r["status"])},
        )
        if text(r["cityLabel"]) not in item["cities"]:
            item["cities"].append(text(r["cityLabel"]))
    statuses: dict[str, int] = defaultdict(int)
    for p in projects.values():
        statuses[p["status"] or "unknown"] += 1
    return {
        "cities": len(cities),
        "projects": list(projects.values()),
        "partners": list(partners.values()),
        "statuses": sorted(statuses.items(), key=lambda item: -item[1]),
        "find_url": url_for("pages.find_projects", country=view.iri.rsplit("/", 1)[-1]),
    }


def _entity_map(view) -> dict | None:
    if view.kind == "country":
        cities = [
            c
            for c in map(_map_city, rows("member_cities"))
            if c["lat"] is not None and c["country_path"] == local_path(view.iri)
        ]
        return {"cities": cities, **_map_settings(), "maxZoom": 7} if cities else None
    if view.coordinates is None:
        return None
    lat, long = view.coordinates
    return {
        "cities": [
            {
                "label": view.label,
                "path": local_path(view.iri),
                "lat": lat,
                "long": long,
                "iso2": None,
                "country": "",
                "highlight": True,
            }
        ],
        **_map_settings(),
        "maxZoom": 9,
    }
