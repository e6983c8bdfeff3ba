"""Cities for a partner not (yet) in the graph, described by a profile: focus areas of expertise, programmes,
countries where it works.

The match page lets a partner describe itself instead of picking an existing partner, so its expertise cannot be
read off its projects. The profile then plays the partner's part in the partner → city meta-paths:

* **focus areas** — cosine of the profile's focus areas with a city's focus areas (counted over its projects),
  each area weighted by inverse frequency so a rare shared area counts more (as everywhere in the recommender);
* **programmes** — how many of the city's pairings run under the chosen programmes;

scaled to [0, 1] over the candidates and combined with :data:`PROFILE_WEIGHTS`. The countries keep only cities in
those member states. Every item carries sourced reasons (the city's projects in the shared areas, its pairings
under the programmes); a city with no reason is not shown.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from graph.similarity.filters import Filters
from graph.similarity.reasons import Reason, Recommendation, Recommendations, evidence, first_evidence
from graph.similarity.scoring import scaled, scorer
from graph.similarity.typed_graph import GraphCache, TypedGraph, typed_graph

__all__ = ["cities_for_profile", "PROFILE_WEIGHTS"]

PROFILE_WEIGHTS = {"focus_area": 0.6, "programme": 0.4}
"""Shared focus areas are the broad signal, a shared programme the concrete one; fixed a priori like the
recommender's meta-path weights (see :mod:`graph.similarity.scoring`)."""


def cities_for_profile(store, focus_areas: Sequence[str] = (), programmes: Sequence[str] = (),
                       countries: Sequence[str] = (), top: int = 10, filters: Filters | None = None, *,
                       cache: GraphCache | None = None, tg: TypedGraph | None = None) -> Recommendations:
    """Cities that fit a partner profile; names, ids or IRIs in, unknown ones raise NotFound with suggestions.

    Raises ValueError when the profile names neither a focus area nor a programme.
    """
    tg = tg or typed_graph(store, cache)
    areas = [tg.resolve(a, "focus_area") for a in focus_areas]
    chosen = [tg.resolve(g, "programme") for g in programmes]
    states = [tg.resolve(k, "country") for k in countries]
    if not (areas or chosen):
        raise ValueError("describe the partner by at least one focus area or programme")
    mask = (filters or Filters()).resolve(tg).city_mask(tg)
    if states:
        columns = [tg.index("country")[k] for k in states]
        mask &= np.asarray(tg.matrix("city_country")[:, columns].sum(axis=1)).ravel() > 0
    candidates = np.flatnonzero(mask)
    signals = _signals(tg, areas, chosen)
    parts = {name: scaled(values, candidates) for name, values in signals.items()}
    score = sum(PROFILE_WEIGHTS[name] * parts[name] for name in PROFILE_WEIGHTS) if candidates.size else np.zeros(0)
    items: list[Recommendation] = []
    for i in np.lexsort((candidates, -np.round(score, 12))) if candidates.size else ():
        if score[i] <= 0 or len(items) >= top:
            break
        city = tg.ids("city")[candidates[i]]
        reasons = _reasons(tg, city, areas, chosen)
        if not reasons:
            continue
        items.append(Recommendation(
            rank=len(items) + 1, iri=city, kind="city", label=tg.label(city), score=round(float(score[i]), 6),
            signals={name: round(float(v[i]), 6) for name, v in sorted(parts.items()) if v[i] > 0},
            reasons=tuple(reasons)))
    query = [*areas, *chosen, *states]
    note = None
    if chosen and not any(tg.sources_of("under_programme", g) for g in chosen):
        note = "no pairing in the graph runs under the chosen programmes, so they do not change the ranking"
    return Recommendations("cities_for_profile", tuple(query), tuple(tg.label(q) for q in query), tuple(items),
                           note, dict(PROFILE_WEIGHTS), tg.version)


def _signals(tg: TypedGraph, areas: list[str], chosen: list[str]) -> dict[str, np.ndarray]:
    """Per city: the weighted focus-area cosine with the profile and the pairings under the programmes."""
    weights = scorer(tg).focus_weights
    profile = np.zeros(len(tg.ids("focus_area")))
    profile[[tg.index("focus_area")[a] for a in areas]] = 1.0
    profile *= weights
    cities = np.asarray(tg.matrix("city_focus_area").todense()) * weights
    norms = np.linalg.norm(cities, axis=1) * np.linalg.norm(profile)
    dots = cities @ profile
    focus = np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
    columns = [tg.index("programme")[g] for g in chosen]
    programme = (np.asarray(tg.matrix("city_programme")[:, columns].sum(axis=1)).ravel() if columns
                 else np.zeros(len(tg.ids("city"))))
    return {"focus_area": focus, "programme": programme}


def _reasons(tg: TypedGraph, city: str, areas: list[str], chosen: list[str]) -> list[Reason]:
    reasons = []
    for g in sorted(chosen):
        pairings = [p for p in tg.sources_of("paired_city", city) if g in tg.targets("under_programme", p)]
        if pairings:
            ev = first_evidence(tg, [("under_programme", p, g) for p in sorted(pairings)], 2)
            reasons.append(Reason("programme", g, tg.label(g), f"{tg.label(city)} already takes part in "
                                  f"{tg.label(g)}", tuple(ev)))
    projects = tg.sources_of("in_city", city)
    weights, index = scorer(tg).focus_weights, tg.index("focus_area")
    for f in sorted(areas, key=lambda a: (-weights[index[a]], a)):
        doing = sorted(p for p in projects if f in tg.targets("focus_area", p))
        if doing:
            ev = [e for p in doing[:2] for e in evidence(tg, "focus_area", p, f)[:1]]
            n = len(doing)
            reasons.append(Reason("focus_area", f, tg.label(f), f"{tg.label(city)} has {n} project"
                                  f"{'s' if n != 1 else ''} in {tg.label(f)}, an area of the partner's expertise",
                                  tuple(ev)))
    return reasons
