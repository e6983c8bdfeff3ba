"""The judged questions (benchmarks/judged: dev.yaml to study, questions.yaml to report) follow their own written
rules on the bundled graph."""

from __future__ import annotations

import pytest

from benchmarks.judged import KIND_QUESTION, SPLITS, load, ndcg, score_all
from graph.similarity.ties import tied_cities, tied_partners
from graph.similarity.typed_graph import TypedGraph


@pytest.fixture(scope="module")
def tg(store) -> TypedGraph:
    return TypedGraph.from_store(store)


def test_at_least_thirty_questions_of_the_three_kinds():
    questions = load()
    kinds = {k: sum(q.kind == k for q in questions) for k in KIND_QUESTION}
    assert len(questions) >= 30 and min(kinds.values()) >= 10
    assert len({q.id for q in questions}) == len(questions)
    assert all(q.relevant and set(q.relevant.values()) <= {1, 2} for q in questions)


def test_the_development_set_asks_other_questions_than_the_test_set():
    dev, test = load(SPLITS["dev"]), load(SPLITS["test"])
    assert len(dev) >= 15 and {q.kind for q in dev} == set(KIND_QUESTION)
    assert not {q.id for q in dev} & {q.id for q in test}
    assert all(q.relevant and set(q.relevant.values()) <= {1, 2} for q in dev)
    for kind, field in (("partner", "partner"), ("city", "city")):
        assert not {q.ask[field] for q in dev if q.kind == kind} & {q.ask[field] for q in test if q.kind == kind}


@pytest.mark.parametrize("split", sorted(SPLITS))
def test_every_judged_answer_exists_and_obeys_the_rules(tg, split):
    for q in load(SPLITS[split]):
        for iri in q.relevant:
            assert iri in tg.entities, (q.id, iri)
        if q.kind == "plan":
            own = set(tg.sources_of("in_city", tg.resolve(q.ask["city"], "city")))
            assert not own & set(q.relevant), q.id
            assert all(tg.targets("in_city", p) for p in q.relevant), q.id  # never network-wide items
        elif q.kind == "partner":
            assert not set(tied_cities(tg, tg.resolve(q.ask["partner"], "partner"))) & set(q.relevant), q.id
        else:
            assert not set(tied_partners(tg, tg.resolve(q.ask["city"], "city"))) & set(q.relevant), q.id


def test_scores_are_ndcg_for_both_methods(tg):
    rows = score_all(tg, load()[:2])
    assert [r["id"] for r in rows] == ["plan-cebu-signals", "plan-danang-flood"]
    assert all(0 < r["shipped"] <= 1 and 0 < r["keyword"] <= 1 and 0 < r["bm25"] <= 1 for r in rows)
    assert ndcg(["a"], {"a": 2}) == 1.0 and ndcg(["x"], {"a": 2}) == 0.0
