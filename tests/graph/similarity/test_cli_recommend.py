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


@pytest.mark.parametrize("command", [["recommend"], ["recommend", "projects"], ["recommend", "cities"],
                                     ["recommend", "partners"], ["evaluate"]])
def test_commands_have_help(command):
    assert CliRunner().invoke(main, [*command, "--help"]).exit_code == 0


def test_projects_for_a_project_print_reasons_with_sources(data_dir):
    result = run(data_dir, "recommend", "projects", "--project", "wise-phuket", "--top", "2")
    assert result.exit_code == 0, result.output
    assert " 1. WiSE water twinning" in result.output
    assert "both work on Quality Environment" in result.output
    assert "[Water Smart Engagement (program page)" in result.output


def test_cities_for_a_partner_as_json(data_dir):
    result = run(data_dir, "recommend", "cities", "--partner", "sfpuc", "--exclude-paired", "--top", "3",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["question"] == "cities_for_partner"
    assert "https://w3id.org/ascn/id/city/ho-chi-minh-city" not in [i["iri"] for i in data["items"]]
    assert all(i["reasons"] for i in data["items"])


def test_planned_project(data_dir):
    result = run(data_dir, "recommend", "projects", "--focus", "Quality Environment", "--text", "flood drainage",
                 "--top", "3")
    assert result.exit_code == 0, result.output
    assert "shares: " in result.output


def test_unknown_partner_exits_2_with_suggestions(data_dir):
    result = run(data_dir, "recommend", "partners", "--city", "Vientane")
    assert result.exit_code == 2
    assert "Vientiane" in result.output


def test_two_questions_at_once_is_a_usage_error(data_dir):
    result = run(data_dir, "recommend", "cities", "--partner", "jica", "--city", "Hue")
    assert result.exit_code == 2
    assert "exactly one" in result.output


def test_evaluate_prints_the_table_and_writes_json(data_dir, tmp_path):
    out = tmp_path / "evaluation.json"
    result = run(data_dir, "evaluate", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "adamic_adar" in result.output and "combined / best baseline MRR, city_partner" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {r["link_type"] for r in data["rows"]} == {"city_partner", "project_focus_area", "city_project"}
    assert data["tuned_on"] == "city_project"
