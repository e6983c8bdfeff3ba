"""The recommendation functions the command and the web app share: plain Python in, dataclasses out.

Each function takes the store, names (or ids, or IRIs) and :class:`~graph.similarity.filters.Filters`, reads
the typed graph of the store's current version (built once per version, see
:func:`~graph.similarity.typed_graph.typed_graph`), scores the candidates (:mod:`graph.similarity.scoring`)
and returns :class:`~graph.similarity.reasons.Recommendations` whose every item carries sourced reasons. A
candidate for which no reason can be stated is not shown. An unknown name raises ``NotFound`` with the closest
names.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from graph.similarity.filters import Filters, ResolvedFilters
from graph.similarity.reasons import Evidence, Reason, Recommendation, Recommendations, evidence, first_evidence, path_reason
from graph.similarity.scoring import PATH_WEIGHTS, W_METAPATH, W_PPR, scorer
from graph.similarity.typed_graph import GraphCache, TypedGraph, typed_graph

__all__ = ["similar_cities", "projects_for_city", "projects_like", "projects_for_plan", "cities_for_partner",
           "partners_for_city", "FEW_LINKS"]

FEW_LINKS = 2
"""A query entity with fewer meta-path links than this is "sparsely linked": the answer says it leans on the
random walk (personalised PageRank) and on focus areas."""

NAMED_ONLY_NOTE = "the sources only name this project; they give no description"


# -- the questions -------------------------------------------------------------------------------

def similar_cities(store, city: str, top: int = 10, filters: Filters | None = None, *,
                   cache: GraphCache | None = None, tg: TypedGraph | None = None) -> Recommendations:
    """Cities most like ``city``: shared focus areas, partners, programmes and best practices."""
    tg = tg or typed_graph(store, cache)
    c = tg.resolve(city, "city")
    f = (filters or Filters()).resolve(tg)
    sc = scorer(tg)
    mask = f.city_mask(tg)
    mask[tg.index("city")[c]] = False
    if f.exclude_own_country:
        mask &= ~_in_countries(tg, tg.matrix("city_country"), set(tg.targets("in_country", c)))
    signals = sc.city_city(tg.index("city")[c])
    items = _rank(tg, "city_city", "city", c, signals, mask, top, lambda d: _city_city_reasons(tg, c, d))
    return _answer(tg, "similar_cities", [c], items, _sparse_note(tg, c, _city_links(tg, c), items))


def projects_for_city(store, city: str, top: int = 10, filters: Filters | None = None, *,
                      cache: GraphCache | None = None, tg: TypedGraph | None = None) -> Recommendations:
    """Projects of other cities that ``city`` could learn from (never its own projects)."""
    tg = tg or typed_graph(store, cache)
    c = tg.resolve(city, "city")
    f = (filters or Filters()).resolve(tg)
    own = set(tg.sources_of("in_city", c))
    mask = _project_mask(tg, f, exclude=own, own_cities={c}, own_countries=set(tg.targets("in_country", c)))
    sc = scorer(tg)
    signals = sc.city_project(tg.index("city")[c])
    items = _rank(tg, "city_project", "project", c, signals, mask, top, lambda p: _city_project_reasons(tg, c, p))
    note = _sparse_note(tg, c, _city_links(tg, c), items)
    if not items and not tg.sources_of("in_city", c):
        # Nothing links the city to any project: fall back on the focus areas most projects share.
        shares = np.asarray(tg.matrix("project_focus_area").sum(axis=0)).ravel()
        areas = [tg.ids("focus_area")[i] for i in np.flatnonzero(shares == shares.max())] if shares.size else []
        signals = sc.plan_project([tg.index("focus_area")[a] for a in areas], [], "")
        items = _rank(tg, "plan_project", "project", None, signals, mask, top,
                      lambda p: _plan_reasons(tg, sc, areas, [], "", p, "the focus area most ASCN projects share"))
        note = (f"{tg.label(c)} has no projects and nothing in the graph links it to other projects, so these are "
                f"projects in the focus area most ASCN projects share ({', '.join(tg.label(a) for a in areas)})")
    return _answer(tg, "projects_for_city", [c], items, note)


def projects_like(store, project: str, top: int = 10, filters: Filters | None = None, *,
                  include_own_city: bool = False, cache: GraphCache | None = None,
                  tg: TypedGraph | None = None) -> Recommendations:
    """Projects elsewhere most like ``project``: shared focus areas (rarer ones count more), partners, practices.

    The project's own city's other projects are left out unless ``include_own_city``: the question is what
    other cities did.
    """
    tg = tg or typed_graph(store, cache)
    p = tg.resolve(project, "project")
    f = (filters or Filters()).resolve(tg)
    cities = set(tg.targets("in_city", p))
    countries = {k for c in cities for k in tg.targets("in_country", c)}
    exclude = {p} | (set() if include_own_city else {q for c in cities for q in tg.sources_of("in_city", c)})
    mask = _project_mask(tg, f, exclude=exclude, own_cities=cities, own_countries=countries)
    signals = scorer(tg).project_project(tg.index("project")[p])
    items = _rank(tg, "project_project", "project", p, signals, mask, top,
                  lambda q: _project_project_reasons(tg, p, q))
    links = len(tg.targets("focus_area", p)) + len(tg.targets("involves_partner", p)) + len(
        tg.sources_of("concerns_project", p))
    return _answer(tg, "projects_like", [p], items, _sparse_note(tg, p, links, items))


def projects_for_plan(store, focus_areas: Sequence[str] = (), outcomes: Sequence[str] = (), text: str = "",
                      country: str | None = None, top: int = 10, filters: Filters | None = None, *,
                      cache: GraphCache | None = None, tg: TypedGraph | None = None) -> Recommendations:
    """Projects to learn from for a project only planned: its focus areas, strategic outcomes and short text.

    ``country`` (the planning city's member state) is excluded from the answer when ``filters`` ask to
    exclude the own country; otherwise it is only recorded.
    """
    tg = tg or typed_graph(store, cache)
    areas = [tg.resolve(a, "focus_area") for a in focus_areas]
    aims = [tg.resolve(o, "outcome") for o in outcomes]
    own_country = tg.resolve(country, "country") if country else None
    if not (areas or aims or text.strip()):
        raise ValueError("describe the planned project by focus areas, outcomes or text")
    f = (filters or Filters()).resolve(tg)
    mask = _project_mask(tg, f, exclude=set(), own_cities=set(), own_countries={own_country} - {None})
    sc = scorer(tg)
    signals = sc.plan_project([tg.index("focus_area")[a] for a in areas], [tg.index("outcome")[o] for o in aims], text)
    items = _rank(tg, "plan_project", "project", None, signals, mask, top,
                  lambda q: _plan_reasons(tg, sc, areas, aims, text, q))
    notes = []
    if aims and not any(tg.sources_of("strategic_outcome", o) for o in aims):
        notes.append("no project in the graph is linked to these strategic outcomes yet, so they do not change "
                     "the ranking")
    query = [*areas, *aims] + ([f"text:{text}"] if text.strip() else [])
    return _answer(tg, "projects_for_plan", query, items, "; ".join(notes) or None)


def cities_for_partner(store, partner: str, top: int = 10, filters: Filters | None = None, *,
                       cache: GraphCache | None = None, tg: TypedGraph | None = None) -> Recommendations:
    """Cities that fit a partner's expertise (its projects' focus areas) and programmes.

    With ``exclude_paired`` the cities it already pairs with (as the named partner or the agency doing the
    work) are left out.
    """
    tg = tg or typed_graph(store, cache)
    a = tg.resolve(partner, "partner")
    f = (filters or Filters()).resolve(tg)
    mask = f.city_mask(tg)
    if f.exclude_paired:
        mask[[tg.index("city")[c] for c in paired_cities(tg, a)]] = False
    signals = scorer(tg).partner_city(tg.index("partner")[a])
    items = _rank(tg, "partner_city", "city", a, signals, mask, top, lambda c: _partner_city_reasons(tg, a, c))
    links = len(tg.sources_of("involves_partner", a)) + len(tg.sources_of("paired_partner", a))
    return _answer(tg, "cities_for_partner", [a], items, _sparse_note(tg, a, links, items))


def partners_for_city(store, city: str, top: int = 10, filters: Filters | None = None, *,
                      cache: GraphCache | None = None, tg: TypedGraph | None = None) -> Recommendations:
    """Partners that fit a city: the partner→city meta-paths walked from the city's side.

    With ``exclude_paired`` the partners it already pairs with are left out.
    """
    tg = tg or typed_graph(store, cache)
    c = tg.resolve(city, "city")
    f = (filters or Filters()).resolve(tg)
    mask = f.partner_mask(tg)
    if f.exclude_paired:
        paired = {a for pairing in tg.sources_of("paired_city", c) for a in tg.targets("paired_partner", pairing)}
        mask[[tg.index("partner")[a] for a in paired]] = False
    signals = scorer(tg).city_partner(tg.index("city")[c])
    items = _rank(tg, "city_partner", "partner", c, signals, mask, top, lambda a: _partner_city_reasons(tg, a, c))
    return _answer(tg, "partners_for_city", [c], items, _sparse_note(tg, c, _city_links(tg, c), items))


def paired_cities(tg: TypedGraph, partner: str) -> set[str]:
    """The cities a partner already pairs with (as the named partner or as the agency doing the work)."""
    return {c for pairing in tg.sources_of("paired_partner", partner) for c in tg.targets("paired_city", pairing)}


# -- ranking ---------------------------------------------------------------------------------------

def _rank(tg: TypedGraph, question: str, kind: str, query: str | None, signals, mask: np.ndarray, top: int,
          reasons: Callable[[str], list[Reason]], w_ppr: float = W_PPR) -> list[Recommendation]:
    """Score the candidates, order them (score, then IRI), keep the first ``top`` that have a reason."""
    sc = scorer(tg)
    candidates = np.flatnonzero(mask)
    if candidates.size == 0 or top <= 0:
        return []
    ppr = sc.ppr_scores(query, kind) if query is not None else None
    score, parts = sc.combine(question, signals, ppr, candidates, w_ppr)
    ids = tg.ids(kind)
    items: list[Recommendation] = []
    for i in _order(score, candidates, pool=4 * top):
        if score[i] <= 0 or len(items) >= top:
            break
        iri = ids[candidates[i]]
        found = reasons(iri)
        if not found and query is not None:
            connection = path_reason(tg, query, iri)
            found = [connection] if connection else []
        if not found:
            continue
        entity = tg.entities[iri]
        notes = (NAMED_ONLY_NOTE,) if entity.named_only else ()
        items.append(Recommendation(
            rank=len(items) + 1, iri=iri, kind=kind, label=entity.label, score=round(float(score[i]), 6),
            signals={name: round(float(v[i]), 6) for name, v in sorted(parts.items()) if v[i] > 0},
            reasons=tuple(found), notes=notes))
    return items


def _order(score: np.ndarray, candidates: np.ndarray, pool: int):
    """Candidate positions by score, then IRI: the best ``pool`` (with all ties) first, the rest on demand.

    Sorting only the head keeps a question at 100,000 candidates from paying for a full sort.
    """
    rounded = np.round(score, 12)
    if pool < len(rounded):
        threshold = np.partition(rounded, len(rounded) - pool)[len(rounded) - pool]
        head = np.flatnonzero(rounded >= threshold)
        yield from head[np.lexsort((candidates[head], -rounded[head]))]
        rest = np.flatnonzero(rounded < threshold)
        yield from rest[np.lexsort((candidates[rest], -rounded[rest]))]
    else:
        yield from np.lexsort((candidates, -rounded))


def _project_mask(tg: TypedGraph, f: ResolvedFilters, exclude: set[str], own_cities: set[str],
                  own_countries: set[str]) -> np.ndarray:
    mask = f.project_mask(tg)
    index = tg.index("project")
    mask[[index[p] for p in exclude]] = False
    if f.exclude_own_city and own_cities:
        mask[[index[p] for c in own_cities for p in tg.sources_of("in_city", c)]] = False
    if f.exclude_own_country and own_countries:
        project_country = tg.matrix("city_project").T @ tg.matrix("city_country")
        mask &= ~_in_countries(tg, project_country, own_countries)
    return mask


def _in_countries(tg: TypedGraph, matrix, countries: set[str]) -> np.ndarray:
    """Rows of an entity × country matrix that touch any of ``countries``."""
    columns = [tg.index("country")[k] for k in countries]
    if not columns:
        return np.zeros(matrix.shape[0], dtype=bool)
    return np.asarray(matrix[:, columns].sum(axis=1)).ravel() > 0


def _answer(tg: TypedGraph, question: str, query: list[str], items: list[Recommendation],
            note: str | None) -> Recommendations:
    key = {"similar_cities": "city_city", "projects_for_city": "city_project", "projects_like": "project_project",
           "projects_for_plan": "plan_project", "cities_for_partner": "partner_city",
           "partners_for_city": "city_partner"}[question]
    weights = {f"metapath.{k}": v for k, v in PATH_WEIGHTS[key].items()}
    if question != "projects_for_plan":
        weights = {"metapath": W_METAPATH, "ppr": W_PPR, **weights}
    return Recommendations(question, tuple(query), tuple(tg.label(q) for q in query), tuple(items), note,
                           weights, tg.version)


def _city_links(tg: TypedGraph, city: str) -> int:
    return len(tg.sources_of("in_city", city)) + len(tg.sources_of("paired_city", city))


def _sparse_note(tg: TypedGraph, query: str, links: int, items: list[Recommendation]) -> str | None:
    walk_only = [i for i in items if set(i.signals) <= {"ppr"}]
    if links >= FEW_LINKS and not walk_only:
        return None
    what = f"{tg.label(query)} has {links} project or partnership link{'s' if links != 1 else ''} in the graph"
    if links >= FEW_LINKS:
        return (f"{len(walk_only)} of these come only from the wider neighbourhood (personalised PageRank); "
                "their reason is the chain of links that connects them")
    return (f"{what}, so these lean on its wider neighbourhood (personalised PageRank from it) and on the focus "
            "areas it has; items without a shared focus area, partner or programme say how they are connected")


# -- reasons ---------------------------------------------------------------------------------------

def _focus_of_city(tg: TypedGraph, city: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in tg.sources_of("in_city", city):
        for f in tg.targets("focus_area", p):
            out.setdefault(f, []).append(p)
    return out


def _partner_links_of_city(tg: TypedGraph, city: str) -> dict[str, list[tuple[str, str, str]]]:
    """Partner → the links tying it to ``city`` (its pairings, its projects), sorted."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for pairing in tg.sources_of("paired_city", city):
        for a in tg.targets("paired_partner", pairing):
            out.setdefault(a, []).append(("paired_partner", pairing, a))
    for p in tg.sources_of("in_city", city):
        for a in tg.targets("involves_partner", p):
            out.setdefault(a, []).append(("involves_partner", p, a))
    return {a: sorted(v) for a, v in out.items()}


def _programmes_of_city(tg: TypedGraph, city: str) -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = {}
    for pairing in tg.sources_of("paired_city", city):
        for g in tg.targets("under_programme", pairing):
            out.setdefault(g, []).append(("under_programme", pairing, g))
    return out


def _practices_of_city(tg: TypedGraph, city: str) -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = {}
    for bp in tg.sources_of("concerns_city", city):
        out.setdefault(bp, []).append(("concerns_city", bp, city))
    for p in tg.sources_of("in_city", city):
        for bp in tg.sources_of("concerns_project", p):
            out.setdefault(bp, []).append(("concerns_project", bp, p))
    return out


def _rarer_first(tg: TypedGraph, areas) -> list[str]:
    weights = scorer(tg).focus_weights
    index = tg.index("focus_area")
    return sorted(areas, key=lambda f: (-weights[index[f]], f))


def _shared(kind: str, tg: TypedGraph, ties_a: dict, ties_b: dict, text: Callable[[str], str],
            order: Callable[[list[str]], list[str]] = sorted) -> list[Reason]:
    return [Reason(kind, x, tg.label(x), text(x),
                   tuple(first_evidence(tg, ties_a[x], 1) + first_evidence(tg, ties_b[x], 1)))
            for x in order(set(ties_a) & set(ties_b))]


def _city_city_reasons(tg: TypedGraph, c: str, d: str) -> list[Reason]:
    fa = {f: [("focus_area", p, f) for p in ps] for f, ps in _focus_of_city(tg, c).items()}
    fb = {f: [("focus_area", p, f) for p in ps] for f, ps in _focus_of_city(tg, d).items()}
    reasons = _shared("partner", tg, _partner_links_of_city(tg, c), _partner_links_of_city(tg, d),
                      lambda a: f"both work with {tg.label(a)}")
    reasons += _shared("programme", tg, _programmes_of_city(tg, c), _programmes_of_city(tg, d),
                       lambda g: f"both take part in {tg.label(g)}")
    reasons += _shared("focus_area", tg, fa, fb, lambda f: f"both have {tg.label(f)} projects",
                       lambda xs: _rarer_first(tg, xs))
    reasons += _shared("practice", tg, _practices_of_city(tg, c), _practices_of_city(tg, d),
                       lambda bp: f"the same lesson concerns both: {tg.label(bp)}")
    return reasons


def _city_project_reasons(tg: TypedGraph, c: str, p: str) -> list[Reason]:
    reasons = []
    city_partners = _partner_links_of_city(tg, c)
    for a in tg.targets("involves_partner", p):
        if a in city_partners:
            ev = evidence(tg, "involves_partner", p, a)[:1] + first_evidence(tg, city_partners[a], 1)
            reasons.append(Reason("partner", a, tg.label(a), f"involves {tg.label(a)}, who already works with "
                                  f"{tg.label(c)}", tuple(ev)))
    city_focus = _focus_of_city(tg, c)
    for f in _rarer_first(tg, [f for f in tg.targets("focus_area", p) if f in city_focus]):
        n = len(city_focus[f])
        ev = evidence(tg, "focus_area", p, f)[:1] + first_evidence(tg, [("focus_area", q, f) for q in city_focus[f]], 1)
        reasons.append(Reason("focus_area", f, tg.label(f), f"works on {tg.label(f)}, like {n} project"
                              f"{'s' if n != 1 else ''} of {tg.label(c)}", tuple(ev)))
    city_practices = _practices_of_city(tg, c)
    for bp in tg.sources_of("concerns_project", p):
        if bp in city_practices:
            ev = evidence(tg, "concerns_project", bp, p)[:1] + first_evidence(tg, city_practices[bp], 1)
            reasons.append(Reason("practice", bp, tg.label(bp), f"the same lesson concerns both: {tg.label(bp)}",
                                  tuple(ev)))
    return reasons


def _project_project_reasons(tg: TypedGraph, p: str, q: str) -> list[Reason]:
    reasons = []
    for rel, kind, text in (("involves_partner", "partner", "both involve {}"),
                            ("focus_area", "focus_area", "both work on {}")):
        shared = set(tg.targets(rel, p)) & set(tg.targets(rel, q))
        order = _rarer_first(tg, shared) if kind == "focus_area" else sorted(shared)
        for x in order:
            ev = evidence(tg, rel, p, x)[:1] + evidence(tg, rel, q, x)[:1]
            reasons.append(Reason(kind, x, tg.label(x), text.format(tg.label(x)), tuple(ev)))
    for bp in sorted(set(tg.sources_of("concerns_project", p)) & set(tg.sources_of("concerns_project", q))):
        ev = evidence(tg, "concerns_project", bp, q)[:1]
        reasons.append(Reason("practice", bp, tg.label(bp), f"the same lesson concerns both: {tg.label(bp)}",
                              tuple(ev)))
    return reasons


def _plan_reasons(tg: TypedGraph, sc, areas: list[str], aims: list[str], text: str, q: str,
                  why: str = "as the plan does") -> list[Reason]:
    reasons = []
    for f in _rarer_first(tg, set(areas) & set(tg.targets("focus_area", q))):
        reasons.append(Reason("focus_area", f, tg.label(f), f"works on {tg.label(f)}, {why}",
                              tuple(evidence(tg, "focus_area", q, f)[:1])))
    for o in sorted(set(aims) & set(tg.targets("strategic_outcome", q))):
        reasons.append(Reason("outcome", o, tg.label(o), f"aims at {tg.label(o)}, as the plan does",
                              tuple(evidence(tg, "strategic_outcome", q, o)[:1])))
    if text.strip():
        words = sc.text.shared_terms(text, tg.index("project")[q])
        if words:
            fact = tg.facts.get(q)
            ev = (Evidence(q, tg.label(q), f"{tg.label(q)}: its name or description", fact.sources,
                           fact.confidence),) if fact else ()
            reasons.append(Reason("text", q, tg.label(q), "its name or description shares: " + ", ".join(words), ev))
    return reasons


def _partner_city_reasons(tg: TypedGraph, a: str, c: str) -> list[Reason]:
    reasons = []
    for p in tg.sources_of("involves_partner", a):
        if c in tg.targets("in_city", p):
            reasons.append(Reason("project", p, tg.label(p), f"{tg.label(a)} already works on {tg.label(p)} there",
                                  tuple(evidence(tg, "involves_partner", p, a)[:1])))
    city_programmes = _programmes_of_city(tg, c)
    for g in tg.targets("runs_programme", a):
        if g in city_programmes:
            ev = evidence(tg, "runs_programme", a, g)[:1] + first_evidence(tg, city_programmes[g], 1)
            reasons.append(Reason("programme", g, tg.label(g), f"{tg.label(c)} takes part in {tg.label(g)}, which "
                                  f"{tg.label(a)} runs or takes part in", tuple(ev)))
    family = [("parent_partner", a, x) for x in tg.targets("parent_partner", a)]
    family += [("parent_partner", x, a) for x in tg.sources_of("parent_partner", a)]
    city_partners = _partner_links_of_city(tg, c)
    for link in sorted(family):
        other = link[2] if link[1] == a else link[1]
        pairings = [t for t in city_partners.get(other, []) if t[0] == "paired_partner"]
        if pairings:
            ev = evidence(tg, *link)[:1] + first_evidence(tg, pairings, 1)
            reasons.append(Reason("family", other, tg.label(other), f"{tg.label(c)} pairs with {tg.label(other)}, "
                                  f"to which {tg.label(a)} is related", tuple(ev)))
    city_focus = _focus_of_city(tg, c)
    partner_focus: dict[str, list[str]] = {}
    for p in tg.sources_of("involves_partner", a):
        for f in tg.targets("focus_area", p):
            partner_focus.setdefault(f, []).append(p)
    for f in _rarer_first(tg, set(partner_focus) & set(city_focus)):
        ev = first_evidence(tg, [("focus_area", p, f) for p in partner_focus[f]], 1) + first_evidence(
            tg, [("focus_area", p, f) for p in city_focus[f]], 1)
        reasons.append(Reason("focus_area", f, tg.label(f), f"{tg.label(a)}'s projects and {tg.label(c)}'s both "
                              f"work on {tg.label(f)}", tuple(ev)))
    if not reasons:
        for d in sorted(paired_cities(tg, a) - {c}):
            shared = _rarer_first(tg, set(_focus_of_city(tg, d)) & set(city_focus))
            if shared:
                f = shared[0]
                pairing = [t for t in _partner_links_of_city(tg, d).get(a, []) if t[0] == "paired_partner"]
                ev = first_evidence(tg, pairing, 1) + first_evidence(tg, [("focus_area", p, f) for p in city_focus[f]], 1)
                reasons.append(Reason("paired_peer", d, tg.label(d), f"like {tg.label(d)}, which {tg.label(a)} pairs "
                                      f"with, {tg.label(c)} has {tg.label(f)} projects", tuple(ev)))
                break
    return reasons
