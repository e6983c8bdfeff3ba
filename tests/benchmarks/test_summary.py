"""The closing summary of ``python -m benchmarks`` finds every target each benchmark's report prints.

The summary reads the printed lines, so these tests feed it the real report functions' output: a change in how
a report states a target that the summary would no longer see fails here, not silently in a 30-minute run.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

from benchmarks import endpoint, load, recommend, summary
from benchmarks.summary import Row, rows, table


def test_load_report_gives_its_two_target_ratios_under_the_size_heading(capsys):
    runs = {
        "oxigraph load": load.Run(1.0, 50, 3),
        "oxigraph load --graph": load.Run(1.5, 50, 5),
        "ascn load": load.Run(4.0, 120, 7),
    }
    startup = {
        "oxigraph load": load.Run(0.1, 20, 1),
        "oxigraph load --graph": load.Run(0.1, 20, 1),
        "ascn load": load.Run(3.0, 90, 1),
    }
    load.report(30_067, runs, startup)
    found = rows("load", capsys.readouterr().out.splitlines())
    assert [(r.scale, r.verdict) for r in found] == [("30,067 triples", "missed"), ("30,067 triples", "met")]
    assert found[0].figure == "ascn / oxigraph load, end to end: 0.25x (target >= 0.5x: missed)"


def test_endpoint_report_gives_each_mix_ratio_against_both_peers_and_the_cheap_query_median():
    prepared = endpoint.Prepared("bundled", Path("a"), Path("b"), Path("c"), 6815)
    answered = [("q", 0.002, True)] * 10
    runs = {
        mix: [
            endpoint.Run("ascn serve", answered, wall, 10),
            endpoint.Run("oxigraph serve", answered, 4.0, 10),
            endpoint.Run("rdflib-endpoint", [("q", 30.0, False)], 30.0, 10),
        ]
        for mix, wall in (("repeated", 1.0), ("unique", 16.0))
    }
    answers = {"ascn serve": {"q": 3}, "oxigraph serve": {"q": 3}, "rdflib-endpoint": {"q": "HTTP 500"}}
    found = rows("endpoint", endpoint.report(prepared, runs, answers, 4, {}, {}).splitlines())
    assert [(r.scale, r.verdict) for r in found] == [
        ("bundled: 6,815 quads", v) for v in ("met", "met", "missed", "met", "–", "met")
    ]
    assert (
        found[0].figure.startswith("ascn / oxigraph, repeated mix: 4.00×") and "goal 1.5×: reached" in found[0].figure
    )
    assert found[2].figure.startswith("ascn / oxigraph, unique mix: 0.25×") and "∞" in found[1].figure
    assert found[5].figure.startswith(
        "cheap library queries (1 oxigraph answers within 3 ms), unique mix: ascn median 2.0 ms"
    )


def _scale(alone_p95_ms: float, build_s: float, kept_s: float = 0.05) -> recommend.Scale:
    fast = recommend.Timing(tuple([alone_p95_ms] * 20))
    slow = recommend.Timing((180.0, 250.0))
    return recommend.Scale(
        30_067,
        36_882,
        {"city": 279, "project": 1176, "partner": 394},
        6796,
        {"ascn build": 1.7, "ascn load": 1.2},
        84,
        93,
        7.1,
        18,
        build_s - 0.1,
        0.1,
        kept_s,
        0.1,
        (build_s, kept_s),
        114,
        115,
        (170.0,),
        {"similar_cities": (slow, fast), "projects_like": (slow, fast)},
    )


def test_recommend_report_gives_store_memory_build_and_both_latency_targets():
    found = rows("recommendation", recommend.report(_scale(alone_p95_ms=17.8, build_s=1.5)).splitlines())
    assert [(r.scale, r.verdict) for r in found] == [
        ("30,067 triples", "–"),
        ("30,067 triples", "met"),
        ("30,067 triples", "met"),
        ("30,067 triples", "missed"),
        ("30,067 triples", "met"),
    ]
    assert found[0].figure.startswith("store memory: 93 MB RSS")
    assert found[2].figure.startswith(
        "after a restart on the same content: typed graph read back from derived/ with its structures 0.05 s"
    )
    assert "worst p95 through the store at 279 cities: 246.5 ms" in found[3].figure


def test_recommend_targets_are_strict_limits():
    found = rows("recommendation", recommend.report(_scale(alone_p95_ms=50.0, build_s=30.0, kept_s=14.9)).splitlines())
    assert [r.verdict for r in found][1:] == ["missed", "missed", "missed", "missed"]  # a restart's build of 15.0 s too


def test_table_counts_met_among_judged_and_reports_failures():
    text = table(
        [
            Row("load", "30k", "a (target >= 0.5x: missed)", "missed"),
            Row("load", "30k", "b (target: met)", "met"),
            Row("recommendation", "30k", "store memory: 1 MB (no target)", "–"),
            Row("endpoint", "", "FAILED: rdflib-endpoint is not installed", "failed"),
        ]
    )
    assert "targets met: 1 of 2" in text
    assert "benchmarks that failed (their targets are not in the count): 1" in text


@pytest.mark.parametrize("module", [summary, recommend], ids=lambda m: m.__name__)
def test_examples_in_the_docstrings_hold(module):
    """pytest collects doctests from the packages only; the benchmarks' examples run here."""
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_the_default_run_measures_load_and_recommendation_at_all_three_scales():
    """And the recommendation also at about 10,000 cities, the size issue 12's latency target names."""
    from benchmarks.__main__ import FULL

    steps = {step.name: step for step in FULL}
    assert steps["load"].argv == ["--sizes", "30000,300000,3000000"]
    assert steps["recommendation"].argv == ["--sizes", "30000,300000,1240000,3000000"]
    for step in FULL:
        assert callable(importlib.import_module(f"benchmarks.{step.module}").main)
