"""The judged questions and their scoring: nDCG@10 of the shipped recommender against the keyword baseline, per
kind of question (plans, partners, cities).

Two sets in one format, with the written relevance rules in the header of ``questions.yaml``: ``dev.yaml``, the
development set that choices of signals and weights may be studied on, and ``questions.yaml``, the test set,
only ever reported (choosing anything by its answers would make its figures a measure of the tuning).

The keyword baseline is a plain match of names and descriptions (no thesaurus, no graph), in two forms, TF-IDF
cosine and BM25: the plan's words against each project's; a partner's own name and summary against each city's
projects taken together; a city's projects against each partner's name and summary. Every method ranks the same
candidates the question would show (a planning city's own projects and the cities a partner already works in
left out). The targets are judged against the stronger of the two keyword forms overall.

Run: ``python -m benchmarks.judged`` (prints each set's table and the ratios against the targets).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from graph.similarity.filters import Filters
from graph.similarity.questions import QUESTIONS, Query
from graph.similarity.recommend import answer
from graph.similarity.scoring import plain_document, scorer
from graph.similarity.text import BM25Index, TextIndex, normalised
from graph.similarity.typed_graph import TypedGraph

__all__ = ["FILE", "SPLITS", "Judged", "load", "ndcg", "score_all", "KIND_QUESTION", "TARGET_RATIO"]

FILE = Path(__file__).with_name("questions.yaml")
SPLITS = {"dev": Path(__file__).with_name("dev.yaml"), "test": FILE}
"""Each judged set's file: ``dev`` to study and tune on, ``test`` (the 34 questions first written) to report."""
KIND_QUESTION = {"plan": "projects_for_plan", "partner": "cities_for_partner", "city": "partners_for_city"}
TARGET_RATIO = 1.2
ID = "https://w3id.org/ascn/id/"
_PREFIX = {"plan": "project", "partner": "city", "city": "partner"}


@dataclass(frozen=True)
class Judged:
    """One judged question: its id, kind, what is asked (names as a user gives them) and the graded answers."""

    id: str
    kind: str
    ask: dict
    relevant: dict[str, int]


def load(path: Path = FILE) -> list[Judged]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Judged(
            q["id"], q["kind"], q["ask"], {f"{ID}{_PREFIX[q['kind']]}/{k}": int(v) for k, v in q["relevant"].items()}
        )
        for q in data["questions"]
    ]


def ndcg(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    """nDCG@k with gains 2^grade − 1.

    >>> round(ndcg(["a", "x", "b"], {"a": 2, "b": 1}), 3)
    0.964
    """
    gains = [(2 ** relevant.get(x, 0) - 1) / np.log2(i + 2) for i, x in enumerate(ranked[:k])]
    ideal = sorted(relevant.values(), reverse=True)[:k]
    best = sum((2**g - 1) / np.log2(i + 2) for i, g in enumerate(ideal))
    return float(sum(gains) / best) if best else 0.0


def _query(tg: TypedGraph, q: Judged) -> Query:
    a = q.ask
    if q.kind == "plan":
        return Query(
            city=tg.resolve(a["city"], "city") if a.get("city") else None,
            text=a.get("text", ""),
            focus_areas=tuple(tg.resolve(f, "focus_area") for f in a.get("focus", ())),
        )
    return Query(
        node=tg.resolve(a["partner" if q.kind == "partner" else "city"], "partner" if q.kind == "partner" else "city")
    )


def _keyword(tg: TypedGraph, q: Judged, query: Query, candidates: list[str], bm25: bool = False) -> list[str]:
    projects = [plain_document(tg.entities[p]) for p in tg.ids("project")]
    if bm25:
        scores = _bm25(tg, q, query, candidates, projects)
        order = np.lexsort((np.arange(len(candidates)), -np.round(scores, 12)))
        return [candidates[i] for i in order if scores[i] > 0][:10]
    index = TextIndex(projects)
    cities = normalised(tg.matrix("city_project") @ index.matrix)
    if q.kind == "plan":
        vector, rows = index.vector(query.text), index.matrix[[tg.index("project")[c] for c in candidates]]
    elif q.kind == "partner":
        vector = index.vector(plain_document(tg.entities[query.node]))
        rows = cities[[tg.index("city")[c] for c in candidates]]
    else:
        vector = cities[tg.index("city")[query.node]]
        rows = index.vectors([plain_document(tg.entities[c]) for c in candidates])
    scores = np.asarray((rows @ vector.T).todense()).ravel()
    order = np.lexsort((np.arange(len(candidates)), -np.round(scores, 12)))
    return [candidates[i] for i in order if scores[i] > 0][:10]


def _bm25(tg: TypedGraph, q: Judged, query: Query, candidates: list[str], projects: list[str]) -> np.ndarray:
    city_text = scorer(tg).city_text
    if q.kind == "plan":
        return BM25Index(projects).scores(query.text)[[tg.index("project")[c] for c in candidates]]
    if q.kind == "partner":
        return BM25Index([city_text(c) for c in candidates]).scores(plain_document(tg.entities[query.asked]))
    return BM25Index([plain_document(tg.entities[a]) for a in candidates]).scores(city_text(query.asked))


def _candidates(tg: TypedGraph, q: Judged, query: Query) -> list[str]:
    question = QUESTIONS[KIND_QUESTION[q.kind]]
    ids = tg.ids(question.output_kind)
    left_out = question.excluded(tg, query) | (set(question.ties(tg, query)) if question.ties else set())
    return [x for x in ids if x not in left_out]


def score_all(tg: TypedGraph, questions: list[Judged] | None = None) -> list[dict]:
    """Per judged question: nDCG@10 of the shipped recommender and of the keyword baseline (TF-IDF, ``keyword``;
    BM25, ``bm25``)."""
    out = []
    for q in questions or load():
        query = _query(tg, q)
        question = QUESTIONS[KIND_QUESTION[q.kind]]
        shipped = answer(tg, question, query, Filters(exclude_paired=q.kind == "city").resolve(tg), 10)
        ranked = [i.iri for i in shipped.items]
        candidates = _candidates(tg, q, query)
        out.append(
            {
                "id": q.id,
                "kind": q.kind,
                "shipped": ndcg(ranked, q.relevant),
                "keyword": ndcg(_keyword(tg, q, query, candidates), q.relevant),
                "bm25": ndcg(_keyword(tg, q, query, candidates, bm25=True), q.relevant),
            }
        )
    return out
