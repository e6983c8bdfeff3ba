"""Reconciliation's scores: the pruned character similarity gives every score a candidate can be offered with."""

from __future__ import annotations

import pytest

from graph import reconcile
from graph.lookup import build, normalize
from graph.reconcile import MIN_SCORE, similarity

QUERIES = [
    "Da Nang",
    "danang",
    "Ha Noi",
    "JICA",
    "Japan International Cooperation Agency",
    "Jakarta Smart City",
    "smart water meter",
    "Smart traffic light system",
    "Vientiane Capital",
    "Da Nang smart city water " * 20,
]


@pytest.fixture(scope="module")
def names(store) -> list[str]:
    return sorted({normalize(name) for entity in build(store).entities.values() for name in entity.all_names()})


@pytest.mark.parametrize("query", QUERIES)
def test_the_floor_changes_no_score_from_the_floor_up(names, query):
    q = normalize(query)
    full = {name: similarity(q, name) for name in names}
    pruned = {name: similarity(q, name, MIN_SCORE) for name in names}
    assert {n: s for n, s in pruned.items() if s >= MIN_SCORE} == {n: s for n, s in full.items() if s >= MIN_SCORE}
    assert any(s >= MIN_SCORE for s in full.values())  # the test compares offered candidates


def test_a_long_query_is_read_into_words_once_not_once_per_name(store, monkeypatch):
    """A query is compared with every name of the graph (982): reading its words for each made one query of
    500,000 characters keep the server's process busy for 8 s. Its words are now read once, so its cost grows with
    its length plus the names', not with their product."""
    splits = []

    class Counted(str):
        def split(self, *args, **kwargs):
            splits.append(args)
            return super().split(*args, **kwargs)

    query = "Da Nang smart water city " * 20_000
    plain = reconcile.normalize
    monkeypatch.setattr(reconcile, "normalize", lambda text: Counted(plain(text)) if text is query else plain(text))
    assert reconcile.reconcile(build(store), query, ["City"]) == []
    assert len(splits) == 1
