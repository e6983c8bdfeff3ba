"""The evaluation: leak-free hold-outs, the time split, its relevance rule and statistics."""

from __future__ import annotations

import numpy as np
import pytest

from graph.similarity.evaluate import (
    BASELINES,
    SEED,
    TARGETS,
    Case,
    Run,
    _combination,
    _grid_means,
    _metrics,
    cases,
    evaluate_graph,
    expected_rank,
    grid,
    hide_tie,
    leaks,
    lexicographic,
    problems_of,
    time_cases,
)
from graph.similarity.ties import tied_cities
from graph.similarity.typed_graph import TypedGraph

ID = "https://w3id.org/ascn/id/"


@pytest.fixture(scope="module")
def tg(store) -> TypedGraph:
    return TypedGraph.from_store(store)


@pytest.fixture(scope="module")
def held_out(tg):
    return cases(tg)


def test_no_held_out_answer_is_still_stated_outright(tg, held_out):
    ties = [c for c in held_out if c.target != "plan_project"]
    assert ties and all(c.hidden for c in ties)
    assert {c.label: leaks(tg, c) for c in held_out if leaks(tg, c)} == {}


def test_the_leak_check_catches_a_tie_left_visible(tg, held_out):
    case = next(c for c in held_out if c.target == "partner_city" and c.query == ID + "partner/jica")
    visible = type(case)(case.target, case.query, case.answers, (), case.city)
    assert leaks(tg, visible)


def test_hiding_a_tie_hides_the_family_and_the_projects_naming_it(tg):
    # Da Nang works with Japan through Smart JAMP: holding JICA's tie out hides the Japanese pairings and
    # projects too, or the partner's own family would still say it works there.
    hidden = set(hide_tie(tg, ID + "city/da-nang", ID + "partner/jica"))
    japan_ties = tied_cities(tg, ID + "partner/japan")[ID + "city/da-nang"]
    assert {t[1] for t in japan_ties} <= hidden
    reduced = tg.without_entities(hidden)
    assert ID + "city/da-nang" not in tied_cities(reduced, ID + "partner/jica")


def test_time_split_learns_only_from_what_was_reported_before(tg):
    past, test = time_cases(tg, "test")
    assert test
    for iri, e in past.entities.items():
        if e.kind in ("project", "pairing", "practice") and iri in tg.facts:
            assert (tg.facts[iri].first_reported or 0) <= 2023
    plans = [c for c in test if c.target == "plan_project"]
    assert plans and all(c.query not in past.entities for c in plans)


def test_relevance_rule_reads_problems_from_text():
    assert problems_of("Smart traffic light system") == {"traffic"}
    assert "solid waste" in problems_of("Waste-to-energy and recycling")
    assert problems_of("Heritage walk app for tourists") == {"heritage", "tourism"}


def test_a_plan_asked_as_a_phrase_is_judged_by_the_problems_its_words_state(tg, held_out):
    # the parking pilot's description also speaks of traffic and tourism; its name, the phrase, only of parking
    full, phrase = (c for c in held_out if c.query == ID + "project/cnx-nimman-parking-sensors")
    assert not full.phrase and phrase.phrase and phrase.text == "Nimmanhaemin parking sensor pilot"
    assert set(phrase.answers) < set(full.answers)
    assert all("parking" in problems_of(f"{tg.label(q)} {tg.entities[q].description or ''}") for q in phrase.answers)
    assert {q: g for q, g in full.answers.items() if q in phrase.answers} == phrase.answers  # graded as in full
    # a name that states no problem is no phrase case: only the full plan is asked
    assert [c.phrase for c in held_out if c.query == ID + "project/jkt-jaki"] == [False]


def test_ties_count_at_their_expected_rank():
    assert expected_rank(np.array([0.9, 0.5, 0.5, 0.1]), np.array([False, True, False, False])) == 2.5
    assert expected_rank(np.array([0.9, 0.5, 0.5, 0.1]), np.array([False, True, True, False])) == 2.0


def test_a_combinations_equal_scores_are_ordered_by_the_questions_tiebreak_as_its_answer_orders_them():
    # the two candidates at 0.5 are ordered by the tie-break (the relevant one second, not 2.5th); the ones scoring
    # nothing are not shown by the answer, so their tie-break counts for nothing and they stay tied
    scores, tiebreak = np.array([0.9, 0.5, 0.5, 0.0, 0.0]), np.array([0.0, 3.0, 1.0, 9.0, 0.0])
    relevant = np.array([False, False, True, False, False])
    assert expected_rank(lexicographic(scores, tiebreak), relevant) == 3.0
    assert expected_rank(lexicographic(scores, -tiebreak), relevant) == 2.0
    assert expected_rank(lexicographic(scores, tiebreak), np.array([False, False, False, True, False])) == 4.5
    case = Case("plan_project", "q", {}, (), "c")
    run = Run(case, 0, relevant.astype(float), {"graph": scores}, {}, tiebreak=-tiebreak)
    assert _metrics([run], _combination({"graph": 1.0}), np.random.default_rng(SEED))["rr"].tolist() == [0.5]


def test_weight_grid_sums_to_one():
    combos = grid(["text", "graph", "ppr", "peers"], 0.25)
    assert len(combos) == 35 and all(abs(sum(c.values()) - 1) < 1e-9 for c in combos)


@pytest.mark.parametrize("metric", ["rr", "ndcg10"])
def test_the_grid_scores_every_weighting_as_one_at_a_time(metric):
    """Tuning scores all weightings at once; the floats, and so the weighting chosen, are those of one at a time."""
    rng = np.random.default_rng(7)
    case = Case("plan_project", "q", {}, (), "c")
    runs = [  # few distinct values, so ties are everywhere; one run lacks a family
        Run(
            case,
            0,
            rng.integers(0, 4, n),
            {f: rng.choice([0.0, 0.25, 0.5, 1.0], n) for f in ("bm25", "graph", "plain")[: 2 + (n % 2)]},
            {},
            tiebreak=rng.choice([0.0, 1.0, 2.0], n) if n % 3 else None,  # the plan question's, or none
        )
        for n in rng.integers(3, 40, 30)
    ]
    combos = grid(["bm25", "graph", "plain"], 0.1)

    def one_at_a_time(w):
        return float(_metrics(runs, _combination(w), np.random.default_rng(SEED))[metric].mean())

    assert _grid_means(runs, combos, metric) == [one_at_a_time(w) for w in combos]
    assert _grid_means([], combos, metric) == [0.0] * len(combos)


def test_a_quick_run_reports_every_target_method_and_split(tg):
    result = evaluate_graph(tg, limit=2)
    for target in TARGETS:
        for method in ("shipped", "tuned", *BASELINES):
            assert any(r["target"] == target and r["method"] == method and r["split"] == "test" for r in result.rows)
    assert result.leaks == 0
    for row in result.rows:
        assert 0 <= row["low"] <= row["mrr"] <= row["high"] <= 1 or row["n"] == 0
    table = result.table()
    assert "Leak audit" in table and "ships for partner_city" in table and "1.2x target" in table
    for target, ship in result.ships.items():  # a shipped weighting below validation's best says so and why
        line = next(x for x in table.splitlines() if x.startswith(f"ships for {target}:"))
        assert ("validation's best is" in line) == (round(ship["tuned_validation"] - ship["validation"], 6) > 0)
