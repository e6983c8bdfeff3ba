"""`ascn recommend` and `ascn evaluate` as a person runs them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graph.backends import open_store
from graph.config import Settings
from webapp.cli import main


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, bundled_graphs):
    path = tmp_path_factory.mktemp("recommend-cli") / "data"
    s = open_store(Settings(data_dir=path, auto_build=False))
    s.rebuild(bundled_graphs, keep=[])
    s.close()
    return path


def run(data_dir, *args):
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), *args])


@pytest.mark.parametrize(
    "command",
    [["recommend"], ["recommend", "projects"], ["recommend", "cities"], ["recommend", "partners"], ["evaluate"]],
)
def test_commands_have_help(command):
    assert CliRunner().invoke(main, [*command, "--help"]).exit_code == 0


def test_projects_for_a_project_print_place_summary_and_sourced_reasons(data_dir):
    result = run(data_dir, "recommend", "projects", "--project", "wise-phuket", "--top", "2")
    assert result.exit_code == 0, result.output
    assert " 1. WiSE water twinning: PDT Johor - DC Water  (Johor Bahru, Malaysia; unknown)" in result.output
    assert "both work on Quality Environment" in result.output
    assert "[Water Smart Engagement (program page)" in result.output
    assert "score" not in result.output


def test_a_city_planning_a_project_in_the_table(data_dir):
    result = run(
        data_dir, "recommend", "projects", "--city", "Cebu City", "--text", "traffic signal control", "--top", "3"
    )
    assert result.exit_code == 0, result.output
    assert "projects for plan: Cebu City, “traffic signal control”" in result.output
    assert "Cebu City;" not in result.output  # none of Cebu's own projects


def test_an_items_confidence_mark_is_on_its_line(data_dir):
    """The table gave a medium-confidence project's place and status and no mark but in its evidence's brackets."""
    result = run(data_dir, "recommend", "projects", "--city", "Cebu City", "--text", "traffic signal control")
    assert result.exit_code == 0, result.output
    assert (
        " 8. Seberang Perai smart initiative projects (state-funded, 2019)  (Seberang Perai, Malaysia; ongoing; "
        "medium confidence)\n" in result.output
    )
    assert " 1. Sistem Pengurusan Lalulintas Pintar (SPLiT) smart traffic management  (Ipoh, Malaysia; ongoing)\n" in (
        result.output
    )


def test_cities_for_a_partner_as_json(data_dir):
    result = run(data_dir, "recommend", "cities", "--partner", "sfpuc", "--top", "3", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["question"] == "cities_for_partner"
    assert "https://w3id.org/ascn/id/city/ho-chi-minh-city" not in [i["iri"] for i in data["items"]]
    assert all(i["reasons"] and i["city"] and i["country"] for i in data["items"])


def test_include_tied_marks_the_cities_it_works_in(data_dir):
    result = run(data_dir, "recommend", "cities", "--partner", "sfpuc", "--include-tied", "--top", "38")
    assert result.exit_code == 0, result.output
    assert "Ho Chi Minh City  (Viet Nam)  [already works here]" in result.output


def test_planned_project(data_dir):
    result = run(
        data_dir, "recommend", "projects", "--focus", "Quality Environment", "--text", "flood drainage", "--top", "3"
    )
    assert result.exit_code == 0, result.output
    assert "as the plan does" in result.output


def test_unknown_city_exits_2_with_suggestions(data_dir):
    result = run(data_dir, "recommend", "partners", "--city", "Vientane")
    assert result.exit_code == 2
    assert "Vientiane" in result.output


@pytest.mark.parametrize("top", ["0", "-3"])
def test_top_below_one_is_refused_as_the_api_refuses_it(data_dir, top):
    """--top 0 answered "no recommendation with a reason to show" with exit 0, as if Ha Noi had nothing to learn
    from; /api/recommend refuses top=0 with a 400."""
    result = run(data_dir, "recommend", "projects", "--city", "Ha Noi", "--top", top)
    assert result.exit_code == 2
    assert f"Invalid value for '--top': {top} is not in the range x>=1." in result.output


def test_two_questions_at_once_is_a_usage_error(data_dir):
    result = run(data_dir, "recommend", "cities", "--partner", "jica", "--city", "Hue")
    assert result.exit_code == 2
    assert "not both" in result.output


def test_evaluate_prints_audit_time_split_and_verdicts_and_writes_json(data_dir, tmp_path):
    out = tmp_path / "evaluation.json"
    result = run(data_dir, "evaluate", "--limit", "2", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert (
        "Leak audit" in result.output and "cases where a held-out answer was still stated outright: 0" in result.output
    )
    assert "MRR by the case city's links" in result.output and "ships for plan_project" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {r["split"] for r in data["rows"]} == {"validation", "test"}
    assert {r["target"] for r in data["rows"]} == {"partner_city", "city_partner", "plan_project"}


def test_a_city_as_people_type_it_and_a_problem_given_as_a_focus_area(data_dir):
    """Officers type "Bangkok Metropolitan" or "KL", and a problem where a focus area is asked: the first was
    refused, "KL" and "--focus flood" were refused with no suggestion."""
    result = run(data_dir, "recommend", "projects", "--city", "Bangkok Metropolitan", "--text", "flood", "--top", "1")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("projects for plan: Bangkok, “flood”")
    result = run(data_dir, "recommend", "partners", "--city", "KL")
    assert result.exit_code == 2
    assert "no city named 'KL'; did you mean: Kuala Lumpur?" in result.output
    result = run(data_dir, "recommend", "cities", "--partner", "JICA", "--focus", "flood")
    assert result.exit_code == 2
    assert (
        "no focus area named 'flood' (the projects that speak of it work on those suggested); did you mean: "
        "Quality Environment?" in result.output
    )
