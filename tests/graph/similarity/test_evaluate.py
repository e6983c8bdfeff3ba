"""The leave-one-out evaluation: its table, its baselines, its honesty about tuning."""

from __future__ import annotations

import json

import numpy as np
import pytest

from graph.similarity.evaluate import BASELINES, LINK_TYPES, cases, evaluate_graph, expected_rank_metrics
from graph.similarity.typed_graph import TypedGraph


@pytest.fixture(scope="module")
def result(store):
    return evaluate_graph(TypedGraph.from_store(store), limit=12)


def test_table_has_every_method_for_every_link_type(result):
    table = result.table()
    for link_type in LINK_TYPES:
        for method in (*BASELINES, "metapath", "ppr", "combined"):
            assert any(r["link_type"] == link_type and r["method"] == method and r["n"] == 12 for r in result.rows)
    assert "Hits@10" in table and "combined / best baseline MRR" in table


def test_metrics_are_rates(result):
    for row in result.rows:
        assert 0 <= row["hits@1"] <= row["hits@5"] <= row["hits@10"] <= 1
        assert 0 < row["mrr"] <= 1


def test_output_says_where_the_weight_was_tuned(result):
    data = json.loads(result.to_json())
    assert data["tuned_on"] == "city_project"
    assert "out of sample" in data["note"] and "city_project" in data["note"]
    assert set(data["tuning"]) == {"0.0", "0.1", "0.2", "0.3", "0.4", "0.5"}


def test_held_out_links_cover_the_bundled_graph(store):
    counts = {}
    for case in cases(TypedGraph.from_store(store)):
        counts[case.link_type] = counts.get(case.link_type, 0) + 1
    # 52 distinct city–partner pairs (pairings name a partner and often the agency doing the work), every
    # project's focus areas, and the 155 projects that belong to a city.
    assert counts == {"city_partner": 52, "project_focus_area": 177, "city_project": 155}


def test_ties_count_at_their_expected_rank():
    # The answer ties with one other candidate behind one better one: rank 2 or 3, each half the time.
    metrics = expected_rank_metrics(np.array([0.9, 0.5, 0.5, 0.1]), 1)
    assert metrics["mrr"] == pytest.approx((1 / 2 + 1 / 3) / 2)
    assert metrics["hits@1"] == 0.0 and metrics["hits@5"] == 1.0
