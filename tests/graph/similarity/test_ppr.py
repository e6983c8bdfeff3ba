"""Personalised PageRank: the precomputed operator gives networkx's own scores."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from graph.similarity import ppr as ppr_module
from graph.similarity.ppr import PersonalizedPageRank
from graph.similarity.scoring import scorer
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


def test_shortest_paths_are_the_ones_networkx_finds(store):
    """The reasons' "connected through" chains come from the typed graph's own search: for every city and a spread
    of projects and partners, from a city, the path networkx's shortest_path gives (or none where it finds none)."""
    tg = TypedGraph.from_store(store)
    targets = tg.ids("city") + tg.ids("project")[::7] + tg.ids("partner")[::5]
    compared = 0
    for start in tg.ids("city")[::4]:
        for end in targets:
            try:
                expected = nx.shortest_path(tg.structure, start, end)
            except nx.NetworkXNoPath:
                expected = None
            assert tg.paths.between(start, end) == expected, (start, end)
            compared += expected is not None and len(expected) > 2
    assert compared > 100  # many of them are chains of several links, where the choice among equals shows
    assert tg.paths.between("https://w3id.org/ascn/id/city/nowhere", targets[0]) is None


def _plain_walk(ppr: PersonalizedPageRank, start: int) -> tuple[np.ndarray, int]:
    """networkx's scipy power iteration as written before the walk was split (the whole operator at every step,
    from the uniform vector): the scores and how many steps it took."""
    n = len(ppr.nodes)
    p = np.zeros(n)
    p[start] = 1.0
    x = np.full(n, 1.0 / n)
    for step in range(ppr.max_iter):
        last = x
        x = ppr.alpha * (ppr.matrix_t @ last) + (ppr.alpha * last[ppr.dangling].sum() + 1 - ppr.alpha) * p
        if np.abs(x - last).sum() < n * ppr.tol:
            return x, step + 1
    raise AssertionError("no convergence")


@pytest.mark.parametrize("share", [0.0, ppr_module.LOCAL_SHARE, 1.0])
def test_the_split_walk_is_the_plain_power_iteration(store, monkeypatch, share):
    """From every city and a spread of projects and partners of the bundled graph, the walk whose first steps read
    only the columns near the start (none, the default share, or as many steps as are kept) gives the plain
    loop's scores to the last bits of rounding: the same steps, stopped at the same one."""
    monkeypatch.setattr(ppr_module, "LOCAL_SHARE", share)
    tg = TypedGraph.from_store(store)
    ppr = PersonalizedPageRank.from_adjacency(*tg.adjacency)
    steps = set()
    for node in tg.ids("city") + tg.ids("project")[::5] + tg.ids("partner")[::5]:
        expected, taken = _plain_walk(ppr, ppr.position[node])
        steps.add(taken)
        assert np.abs(ppr.scores({node: 1.0}) - expected).max() < 1e-15, node
    assert min(steps) > ppr_module.LOCAL_STEPS  # every walk went on with the whole operator after the first steps


def test_a_walk_that_stops_within_its_first_steps_is_the_plain_one():
    """With a loose tolerance the walk converges within its first steps, and gives the plain loop's scores."""
    g = nx.path_graph(["a", "b", "c", "d"])
    g.add_node("alone")
    ppr = PersonalizedPageRank(g, tol=0.1)
    for start in g.nodes:
        expected, taken = _plain_walk(ppr, ppr.position[start])
        assert taken <= ppr_module.LOCAL_STEPS
        assert np.abs(ppr.scores({start: 1.0}) - expected).max() < 1e-15


def test_the_walks_remembered_are_the_walks(store):
    """The recommender remembers the last walks (a city's page asks three questions of one city): asked again, for
    another kind, the scores are the walk's own, and the remembered walk is not changed by the reading."""
    tg = TypedGraph.from_store(store)
    sc = scorer(tg)
    city = "https://w3id.org/ascn/id/city/da-nang"
    walk = sc.ppr.scores({city: 1.0})
    for kind in ("project", "partner", "city", "project"):
        position = sc.ppr.position
        expected = np.array([walk[position[i]] if i in position else 0.0 for i in tg.ids(kind)])
        got = sc.ppr_scores(city, kind)
        assert got.tolist() == expected.tolist()
        got[:] = -1.0  # a caller writing into its answer
    assert sc.ppr_scores(city, "city").min() >= 0
