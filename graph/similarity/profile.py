"""Cities for a partner not (yet) in the graph, described by a profile: focus areas of expertise, programmes,
countries where it works.

The match page lets a partner describe itself instead of picking an existing partner, so its expertise cannot be
read off its projects. The profile then plays the partner's part in the partner → city meta-paths:

* **focus areas** — cosine of the profile's focus areas with a city's focus areas (counted over its projects),
  each area weighted by inverse frequency so a rare shared area counts more (as everywhere in the recommender);
* **programmes** — how many of the city's pairings run under the chosen programmes;

scaled to [0, 1] over the candidates and weighed as :data:`graph.similarity.questions.WEIGHTS` says (shared
focus areas are the broad signal, a shared programme the concrete one). The countries keep only cities in those
member states. Every item carries sourced reasons (the city's projects in the shared areas, its pairings under
the programmes); a city with no reason is not shown.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from graph.similarity.reasons import Reason, evidence, first_evidence
from graph.similarity.scoring import scorer
from graph.similarity.typed_graph import TypedGraph

__all__ = ["signals", "reasons"]


def signals(tg: TypedGraph, areas: Sequence[str], chosen: Sequence[str]) -> dict[str, np.ndarray]:
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
    programme = (
        np.asarray(tg.matrix("city_programme")[:, columns].sum(axis=1)).ravel()
        if columns
        else np.zeros(len(tg.ids("city")))
    )
    return {"focus_area": focus, "programme": programme}


def reasons(tg: TypedGraph, city: str, areas: list[str], chosen: list[str]) -> list[Reason]:
    reasons = []
    for g in sorted(chosen):
        pairings = [p for p in tg.sources_of("paired_city", city) if g in tg.targets("under_programme", p)]
        if pairings:
            ev = first_evidence(tg, [("under_programme", p, g) for p in sorted(pairings)], 2)
            reasons.append(
                Reason("programme", g, tg.label(g), f"{tg.name(city)} already takes part in {tg.name(g)}", tuple(ev))
            )
    projects = tg.sources_of("in_city", city)
    weights, index = scorer(tg).focus_weights, tg.index("focus_area")
    for f in sorted(areas, key=lambda a: (-weights[index[a]], a)):
        doing = sorted(p for p in projects if f in tg.targets("focus_area", p))
        if doing:
            ev = [e for p in doing[:2] for e in evidence(tg, "focus_area", p, f)[:1]]
            n = len(doing)
            reasons.append(
                Reason(
                    "focus_area",
                    f,
                    tg.label(f),
                    f"{tg.name(city)} has {n} project"
                    f"{'s' if n != 1 else ''} in {tg.name(f)}, an area of the partner's expertise",
                    tuple(ev),
                )
            )
    return reasons
