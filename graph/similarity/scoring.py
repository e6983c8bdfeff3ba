"""The signals behind every recommendation, and the documented weights that combine them.

For each question the meta-paths that can carry evidence are scored (PathSim for peers of one type, HeteSim
across types, see :mod:`graph.similarity.metapath`), each is scaled to [0, 1] over the candidates by its
maximum, and they are summed with the weights below into one *meta-path* score. Personalised PageRank from the
query node (:mod:`graph.similarity.ppr`), scaled the same way, is the second signal:

    score = W_METAPATH · metapath + W_PPR · ppr

Within a question the meta-path weights are fixed a priori, by how directly a path speaks to the question
(a shared partner or programme is a concrete tie; a shared focus area is broad and is itself down-weighted by
inverse frequency). ``W_PPR`` is the one weight chosen from data: ``ascn evaluate`` tunes it on the city–project
link type only and reports the other link types out of sample (see :mod:`graph.similarity.evaluate`).
"""

from __future__ import annotations

from functools import cached_property
from typing import Callable, Mapping

import numpy as np
import scipy.sparse as sp

from graph.similarity.metapath import HeteSimPath, PathSimPath, inverse_frequency
from graph.similarity.ppr import PersonalizedPageRank
from graph.similarity.text import TextIndex
from graph.similarity.typed_graph import TypedGraph

W_PPR = 0.5
W_METAPATH = 1 - W_PPR
"""Default weights of the two signals. ``W_PPR`` is the value ``ascn evaluate`` selects when it tunes on the
city–project link type of the bundled graph, from a grid capped at one half so the walk never outweighs the
meta-paths that carry the explanation."""

PATH_WEIGHTS: Mapping[str, Mapping[str, float]] = {
    "city_city": {"focus_area": 0.4, "partner": 0.3, "programme": 0.2, "practice": 0.1},
    "city_project": {"focus_area": 0.4, "partner": 0.3, "peer_city": 0.2, "practice": 0.1},
    "project_project": {"focus_area": 0.5, "partner": 0.3, "practice": 0.1, "peer_city": 0.1},
    "partner_city": {"focus_area": 0.3, "project": 0.25, "programme": 0.2, "family": 0.1, "paired_peer": 0.15},
    "city_partner": {"focus_area": 0.3, "project": 0.25, "programme": 0.2, "family": 0.1, "paired_peer": 0.15},
    "project_focus_area": {"city": 0.3, "partner": 0.3, "text": 0.3, "practice": 0.1},
    "plan_project": {"focus_area": 0.6, "text": 0.4},
}
"""Meta-path weights per question (row kind → candidate kind); each question's weights sum to 1."""


def scaled(values: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """``values`` at ``candidates`` divided by their maximum there (all zeros stay zeros).

    >>> scaled(np.array([2.0, 4.0, 1.0]), np.array([0, 2])).tolist()
    [1.0, 0.5]
    """
    v = np.asarray(values, dtype=float)[candidates]
    top = v.max() if v.size else 0.0
    return v / top if top > 0 else np.zeros_like(v)


def _t(m: sp.spmatrix) -> sp.csr_matrix:
    return sp.csr_matrix(m.T)


def _reverse(chain: list[sp.spmatrix]) -> list[sp.csr_matrix]:
    return [_t(m) for m in reversed(chain)]


class Scorer:
    """Meta-path structures of one typed graph, built on first use and then shared by every question."""

    def __init__(self, tg: TypedGraph):
        self.tg = tg

    # -- shared pieces ---------------------------------------------------------------------------
    @cached_property
    def focus_weights(self) -> np.ndarray:
        """Inverse frequency of each focus area over the projects (common areas count less)."""
        return inverse_frequency(self.tg.matrix("project_focus_area"))

    @cached_property
    def ppr(self) -> PersonalizedPageRank:
        return PersonalizedPageRank(self.tg.structure)

    def _ppr_positions(self, kind: str) -> np.ndarray:
        """Where each entity of ``kind`` sits in the PPR vector (-1: not in the structure graph)."""
        cache = self.__dict__.setdefault("_positions", {})
        if kind not in cache:
            position = self.ppr.position
            cache[kind] = np.array([position.get(i, -1) for i in self.tg.ids(kind)], dtype=int)
        return cache[kind]

    def ppr_scores(self, node: str, kind: str) -> np.ndarray:
        """Personalised PageRank from ``node``, read off for every entity of ``kind`` (in IRI order)."""
        scores = np.append(self.ppr.scores({node: 1.0}), 0.0)  # index -1 reads the appended 0
        return scores[self._ppr_positions(kind)]

    def warm(self) -> Scorer:
        """Build every structure now (the one-off cost), instead of on each question's first use."""
        for name in _PATHS:
            self.path(name)
        for kind in ("city", "project", "partner", "focus_area"):
            self._ppr_positions(kind)
        self.text  # noqa: B018  (a cached property: building it is the point)
        return self

    @cached_property
    def text(self) -> TextIndex:
        """TF-IDF over project names and descriptions (the names alone for projects the sources only name)."""
        docs = []
        for iri in self.tg.ids("project"):
            e = self.tg.entities[iri]
            docs.append(f"{e.label} {'' if e.named_only else (e.description or '')}")
        return TextIndex(docs)

    @cached_property
    def _paths(self) -> dict[str, PathSimPath | HeteSimPath]:
        return {}

    def path(self, name: str) -> PathSimPath | HeteSimPath:
        """A named meta-path structure, built once per typed graph."""
        if name not in self._paths:
            self._paths[name] = _PATHS[name](self)
        return self._paths[name]

    # -- questions -------------------------------------------------------------------------------
    def city_city(self, c: int) -> dict[str, np.ndarray]:
        """PathSim of city ``c`` with every city along each city–x–city meta-path."""
        return {name: self.path(f"city_city.{name}").scores(c) for name in PATH_WEIGHTS["city_city"]}

    def city_project(self, c: int) -> dict[str, np.ndarray]:
        """HeteSim of city ``c`` with every project, plus the PathSim of its peer cities' projects."""
        out = {name: self.path(f"city_project.{name}").scores(c) for name in ("focus_area", "partner", "practice")}
        peers = self.path("city_city.focus_area").scores(c).copy()
        peers[c] = 0.0
        out["peer_city"] = np.asarray(self.tg.matrix("city_project").T @ peers).ravel()
        return out

    def project_project(self, p: int) -> dict[str, np.ndarray]:
        """PathSim of project ``p`` with every project; ``peer_city`` is its city's likeness to theirs."""
        out = {name: self.path(f"project_project.{name}").scores(p) for name in ("focus_area", "partner", "practice")}
        project_city = self.tg.matrix("project_city")
        cities = project_city[p].indices
        peers = np.zeros(len(self.tg.ids("city")))
        for c in cities:
            peers = np.maximum(peers, self.path("city_city.focus_area").scores(c))
        peers[cities] = 0.0
        out["peer_city"] = np.asarray(project_city @ peers).ravel()
        return out

    def partner_city(self, a: int) -> dict[str, np.ndarray]:
        """HeteSim of partner ``a`` with every city along each partner→city meta-path."""
        return {name: self.path(f"partner_city.{name}").scores(a) for name in PATH_WEIGHTS["partner_city"]}

    def city_partner(self, c: int) -> dict[str, np.ndarray]:
        """HeteSim of city ``c`` with every partner: the partner→city paths walked backwards."""
        return {name: self.path(f"city_partner.{name}").scores(c) for name in PATH_WEIGHTS["city_partner"]}

    def project_focus_area(self, p: int) -> dict[str, np.ndarray]:
        """Scores of every focus area for project ``p`` (evaluation: guessing a hidden focus area)."""
        out = {name: self.path(f"project_focus_area.{name}").scores(p) for name in ("city", "partner", "practice")}
        neighbours = self.text.row_scores(p)
        neighbours[p] = 0.0
        out["text"] = np.asarray(self.tg.matrix("project_focus_area").T @ neighbours).ravel()
        return out

    def plan_project(self, focus_areas: list[int], outcomes: list[int], text: str) -> dict[str, np.ndarray]:
        """Scores of every project for a planned project: focus areas and outcomes, and its text."""
        f = np.zeros(len(self.tg.ids("focus_area")))
        f[focus_areas] = 1.0
        o = np.zeros(len(self.tg.ids("outcome")))
        o[outcomes] = 1.0
        profile = sp.csr_matrix(np.concatenate([f * self.focus_weights, o]))
        attrs = sp.hstack([self.tg.matrix("project_focus_area") @ sp.diags(self.focus_weights),
                           self.tg.matrix("project_outcome")]).tocsr()
        dots = np.asarray((attrs @ profile.T).todense()).ravel()
        norms = np.sqrt(np.asarray(attrs.multiply(attrs).sum(axis=1)).ravel()) * np.sqrt(profile.multiply(profile).sum())
        overlap = np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
        words = self.text.scores(text) if text.strip() else np.zeros(len(self.tg.ids("project")))
        return {"focus_area": overlap, "text": words}

    def combine(self, question: str, signals: Mapping[str, np.ndarray], ppr: np.ndarray | None,
                candidates: np.ndarray, w_ppr: float = W_PPR) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The combined score over ``candidates`` and each scaled signal (meta-paths by name, and ``ppr``)."""
        parts = {name: scaled(values, candidates) for name, values in signals.items()}
        weights = PATH_WEIGHTS[question]
        metapath = sum((weights[name] * parts[name] for name in weights), np.zeros(len(candidates)))
        if ppr is None:
            return metapath, parts
        parts["ppr"] = scaled(ppr, candidates)
        return (1 - w_ppr) * metapath + w_ppr * parts["ppr"], parts


def _partner_city_chains(s: Scorer) -> dict[str, list[sp.spmatrix]]:
    """The partner → city meta-paths as relation chains (built once per scorer)."""
    cache = s.__dict__.get("_chains")
    if cache is not None:
        return cache
    tg = s.tg
    project_city = _t(tg.matrix("city_project"))
    pairing_city = _t(tg.matrix("city_pairing"))
    cache = s.__dict__["_chains"] = {
        "focus_area": [tg.matrix("partner_project"), tg.matrix("project_focus_area"),
                       _t(tg.matrix("project_focus_area")), project_city],
        "project": [tg.matrix("partner_project"), project_city],
        "programme": [tg.matrix("partner_programme"), _t(tg.matrix("pairing_programme")), pairing_city],
        "family": [tg.matrix("partner_family"), tg.matrix("partner_pairing"), pairing_city],
    }
    return cache


def _paired_peer(s: Scorer, reverse: bool) -> HeteSimPath:
    """Partner → the focus areas of the cities it pairs with, met by a city's own focus areas."""
    tg = s.tg
    partner_side = [tg.matrix("partner_pairing"), _t(tg.matrix("city_pairing")), tg.matrix("city_focus_area")]
    city_side = [tg.matrix("city_focus_area")]
    if reverse:
        return HeteSimPath.halves(city_side, partner_side, s.focus_weights)
    return HeteSimPath.halves(partner_side, city_side, s.focus_weights)


def _partner_city(name: str) -> Callable[[Scorer], HeteSimPath]:
    def build(s: Scorer) -> HeteSimPath:
        if name == "paired_peer":
            return _paired_peer(s, reverse=False)
        return HeteSimPath(_partner_city_chains(s)[name], s.focus_weights if name == "focus_area" else None)
    return build


def _city_partner(name: str) -> Callable[[Scorer], HeteSimPath]:
    def build(s: Scorer) -> HeteSimPath:
        if name == "paired_peer":
            return _paired_peer(s, reverse=True)
        return HeteSimPath(_reverse(_partner_city_chains(s)[name]), s.focus_weights if name == "focus_area" else None)
    return build


_PATHS: dict[str, Callable[[Scorer], PathSimPath | HeteSimPath]] = {
    "city_city.focus_area": lambda s: PathSimPath(s.tg.matrix("city_focus_area"), s.focus_weights),
    "city_city.partner": lambda s: PathSimPath(s.tg.matrix("city_partner")),
    "city_city.programme": lambda s: PathSimPath(s.tg.matrix("city_programme")),
    "city_city.practice": lambda s: PathSimPath(s.tg.matrix("city_practice")),
    "city_project.focus_area": lambda s: HeteSimPath(
        [s.tg.matrix("city_focus_area"), _t(s.tg.matrix("project_focus_area"))], s.focus_weights),
    "city_project.partner": lambda s: HeteSimPath([s.tg.matrix("city_partner"), s.tg.matrix("partner_project")]),
    "city_project.practice": lambda s: HeteSimPath(
        [s.tg.matrix("city_practice"), _t(s.tg.matrix("project_practice"))]),
    "project_project.focus_area": lambda s: PathSimPath(s.tg.matrix("project_focus_area"), s.focus_weights),
    "project_project.partner": lambda s: PathSimPath(s.tg.matrix("project_partner")),
    "project_project.practice": lambda s: PathSimPath(s.tg.matrix("project_practice")),
    "project_focus_area.city": lambda s: HeteSimPath(
        [_t(s.tg.matrix("city_project")), s.tg.matrix("city_focus_area")]),
    "project_focus_area.partner": lambda s: HeteSimPath(
        [s.tg.matrix("project_partner"), s.tg.matrix("partner_project"), s.tg.matrix("project_focus_area")]),
    "project_focus_area.practice": lambda s: HeteSimPath(
        [s.tg.matrix("project_practice"), _t(s.tg.matrix("project_practice")), s.tg.matrix("project_focus_area")]),
    **{f"partner_city.{n}": _partner_city(n) for n in PATH_WEIGHTS["partner_city"]},
    **{f"city_partner.{n}": _city_partner(n) for n in PATH_WEIGHTS["city_partner"]},
}


def scorer(tg: TypedGraph) -> Scorer:
    """The one :class:`Scorer` of a typed graph (kept on it, so a cached graph keeps its structures)."""
    existing = tg.__dict__.get("_scorer")
    if existing is None:
        existing = tg.__dict__["_scorer"] = Scorer(tg)
    return existing
