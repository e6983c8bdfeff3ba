"""Personalised PageRank: the precomputed operator gives networkx's own scores."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.similarity.ppr import PersonalizedPageRank
from graph.similarity.typed_graph import TypedGraph


def test_P3_matches_networkx():
    g = nx.path_graph(["a", "b", "c"])
    expected = nx.pagerank(g, personalization={"a": 1})
    ppr = PersonalizedPageRank(g)
    scores = ppr.scores({"a": 1.0})
    assert {n: pytest.approx(scores[ppr.position[n]], abs=1e-12) for n in "abc"} == expected


def test_bundled_graph_matches_networkx(store):
    tg = TypedGraph.from_store(store)
    city = "https://w3id.org/ascn/id/city/da-nang"
    expected = nx.pagerank(tg.structure, personalization={city: 1})
    ppr = PersonalizedPageRank(tg.structure)
    scores = ppr.scores({city: 1.0})
    worst = max(abs(scores[ppr.position[n]] - v) for n, v in expected.items())
    assert worst < 1e-9
    assert scores.sum() == pytest.approx(1.0)


def test_the_walk_read_off_the_typed_graph_is_the_one_networkx_gives(store):
    """The typed graph's own adjacency (no networkx graph built) gives the very same operator, so the same scores."""
    tg = TypedGraph.from_store(store)
    nodes, adjacency = tg.adjacency
    assert nodes == sorted(tg.structure.nodes)
    direct, via_networkx = PersonalizedPageRank.from_adjacency(nodes, adjacency), PersonalizedPageRank(tg.structure)
    for part in ("indptr", "indices", "data"):
        assert getattr(direct.matrix_t, part).tolist() == getattr(via_networkx.matrix_t, part).tolist()
    assert direct.dangling.tolist() == via_networkx.dangling.tolist()
    city = "https://w3id.org/ascn/id/city/da-nang"
    assert direct.scores({city: 1.0}).tolist() == via_networkx.scores({city: 1.0}).tolist()


def test_isolated_start_keeps_all_mass_at_home():
    g = nx.Graph()
    g.add_nodes_from(["alone", "x"])
    g.add_edge("x", "y")
    ppr = PersonalizedPageRank(g)
    scores = ppr.scores({"alone": 1.0})
    assert scores[ppr.position["alone"]] == pytest.approx(1.0, abs=1e-4)  # networkx's stopping rule
    assert scores[ppr.position["alone"]] == pytest.approx(nx.pagerank(g, personalization={"alone": 1})["alone"])


def test_unknown_start_gives_zeros():
    ppr = PersonalizedPageRank(nx.path_graph(3))
    assert ppr.scores({"nowhere": 1.0}).tolist() == [0.0, 0.0, 0.0]
