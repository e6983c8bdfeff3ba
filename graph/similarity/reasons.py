"""What a recommendation says about itself: its score, its signals and the sourced reasons behind them.

Plain frozen dataclasses, JSON-ready through :func:`to_dict`, so the command and a web view serialise the same
objects. A reason names the shared thing (a focus area, partner, programme, practice, or the chain of links a
random walk followed) and the facts it rests on, each with its sources and confidence mark.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from graph.similarity.typed_graph import SourceRef, TypedGraph

__all__ = ["Evidence", "Reason", "Recommendation", "Recommendations", "evidence", "path_reason", "to_dict"]


@dataclass(frozen=True)
class Evidence:
    """One fact a reason rests on: the record (project, pairing, partner, ...) that states a link."""

    fact: str
    label: str
    statement: str
    sources: tuple[SourceRef, ...]
    confidence: str | None = None


@dataclass(frozen=True)
class Reason:
    """Why a candidate is recommended: ``kind`` of tie, the shared ``entity`` and the evidence for it.

    ``entity`` is never the candidate itself (a page links it, and "X, like X" tells the reader nothing): a match
    of the candidate's words with a plan's has no entity (None), its evidence the candidate's own record."""

    kind: str
    entity: str | None
    label: str | None
    text: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Recommendation:
    """One ranked candidate: where it is and what it does (see :mod:`graph.similarity.card`), its score, the
    scaled signals that made it, its reasons and notes.

    ``already_works_here`` marks a city the partner (or its family) already works in, or a partner already
    working in the city; such items are shown only on request, after the new ones.
    """

    rank: int
    iri: str
    kind: str
    label: str
    score: float
    signals: dict[str, float]
    reasons: tuple[Reason, ...]
    notes: tuple[str, ...] = ()
    city: str | None = None
    city_iri: str | None = None
    country: str | None = None
    country_iri: str | None = None
    status: str | None = None
    summary: str | None = None
    confidence: str | None = None
    already_works_here: bool = False


@dataclass(frozen=True)
class Recommendations:
    """The answer to one question: what was asked, the ranked items, and a note on how it was answered."""

    question: str
    query: tuple[str, ...]
    query_labels: tuple[str, ...]
    items: tuple[Recommendation, ...]
    note: str | None = None
    weights: dict[str, float] = field(default_factory=dict)
    version: str = ""


def to_dict(answer: Recommendations) -> dict:
    """The answer as plain JSON-serialisable data (what ``--format json`` and the web API print)."""
    return asdict(answer)


_STATEMENTS = {
    "in_country": "{s} is in {t}",
    "in_city": "{s} is a project of {t}",
    "focus_area": "{s} works on {t}",
    "strategic_outcome": "{s} aims at {t}",
    "involves_partner": "{s} involves {t}",
    "paired_city": "{s} pairs {t}",
    "paired_partner": "{s} pairs with {t}",
    "under_programme": "{s} runs under {t}",
    "runs_programme": "{s} runs or takes part in {t}",
    "parent_partner": "{s} belongs to {t}",
    "concerns_project": "{s} concerns {t}",
    "concerns_city": "{s} concerns {t}",
}


def evidence(tg: TypedGraph, relation: str, source: str, target: str) -> list[Evidence]:
    """The facts stating the link ``source --relation--> target``, as evidence."""
    statement = _STATEMENTS[relation].format(s=tg.name(source), t=tg.name(target))
    return [
        Evidence(f.iri, tg.label(f.iri), statement, f.sources, f.confidence)
        for f in tg.facts_for(relation, source, target)
    ]


def first_evidence(tg: TypedGraph, links: Iterable[tuple[str, str, str]], limit: int = 2) -> list[Evidence]:
    """Evidence for the first ``limit`` links given (callers pass them sorted, so the choice is stable)."""
    out: list[Evidence] = []
    for relation, source, target in links:
        if len(out) >= limit:
            break
        out.extend(evidence(tg, relation, source, target)[:1])
    return out


def _link_between(tg: TypedGraph, a: str, b: str) -> tuple[str, str, str] | None:
    for relation in sorted(_STATEMENTS):
        if b in tg.targets(relation, a):
            return relation, a, b
        if a in tg.targets(relation, b):
            return relation, b, a
    return None


def path_reason(tg: TypedGraph, start: str, end: str) -> Reason | None:
    """The shortest chain of links from ``start`` to ``end`` (what a random walk from ``start`` can follow); its
    entity is ``start``, what the candidate ``end`` is connected to."""
    nodes = tg.paths.between(start, end)
    if nodes is None:
        return None
    found: list[Evidence] = []
    for a, b in zip(nodes, nodes[1:]):
        link = _link_between(tg, a, b)
        if link is not None:
            found.extend(evidence(tg, *link)[:1])
    text = "connected through " + " — ".join(tg.label(n) for n in nodes)
    return Reason("connection", start, tg.label(start), text, tuple(found)) if found else None
