"""The `ascn` command as a person runs it: output, exit codes 0/1/2, and errors that say what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from webapp.cli import main

DATA = Path(__file__).parents[1] / "loaders" / "data"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "data"
    result = CliRunner().invoke(main, ["--data-dir", str(path), "build"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def ascn(data_dir):
    def run(*args: str):
        return CliRunner().invoke(main, ["--data-dir", str(data_dir), *args])

    return run


@pytest.mark.parametrize("command", [[], ["build"], ["validate"], ["load"], ["unload"], ["query"], ["export"],
                                     ["stats"]])
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage: main" in result.output or "Usage: ascn" in result.output


def test_build_prints_the_counts(ascn):
    result = ascn("build")
    assert result.exit_code == 0
    lines = {line.split()[0]: line.split()[-1] for line in result.output.splitlines() if line.startswith("  ")}
    assert (lines["city"], lines["project"], lines["pairing"], lines["source"]) == ("38", "160", "33", "92")


def test_the_first_command_on_a_new_machine_builds_the_graph(tmp_path):
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "new"), "query", "--format", "csv",
                                       "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/ascn/ontology#City> }"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["n", "38"]
    assert "first run: building the graph" in result.stderr


def test_validate_conforms_with_exit_0(ascn):
    result = ascn("validate")
    assert result.exit_code == 0
    assert result.output.startswith("conforms: ") and "nodes checked" in result.output


def test_validate_a_nonconforming_file_exits_1(ascn):
    result = ascn("validate", str(DATA / "violation.ttl"))
    assert result.exit_code == 1
    assert "A city needs exactly one country" in result.output


def test_validate_a_broken_file_exits_2_naming_the_line(ascn):
    result = ascn("validate", str(DATA / "bad_syntax.ttl"))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: bad_syntax.ttl, line 8: expected valid Turtle (expected '.' or '}' or ']' at end of statement)")


def test_query_as_json_and_tsv(ascn):
    sparql = ("SELECT ?name WHERE { <https://w3id.org/ascn/id/city/phuket> "
              "<http://www.w3.org/2000/01/rdf-schema#label> ?name }")
    as_json = json.loads(ascn("query", "--format", "json", sparql).stdout)
    assert as_json["results"]["bindings"] == [{"name": {"type": "literal", "value": "Phuket", "xml:lang": "en"}}]
    assert ascn("query", "--format", "tsv", sparql).stdout.splitlines() == ["?name", '"Phuket"@en']


def test_a_bad_query_exits_2_with_its_position(ascn):
    result = ascn("query", "SELECT ?s WHERE { ?s ?p }")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: syntax error:") and "(line 1, column" in result.stderr


def test_export_writes_a_file_that_parses(ascn, tmp_path):
    out = tmp_path / "graph.ttl"
    result = ascn("export", "--format", "turtle", "--output", str(out))
    assert result.exit_code == 0
    assert len(Graph().parse(out, format="turtle")) > 6000


def test_load_then_unload(ascn):
    loaded = ascn("load", str(DATA / "projects.csv"), "--name", "da-nang-2026")
    assert loaded.exit_code == 0
    assert "into https://w3id.org/ascn/graph/user/da-nang-2026" in loaded.output
    assert "user/da-nang-2026" in ascn("stats").output
    assert ascn("unload", "da-nang-2026").exit_code == 0
    missing = ascn("unload", "da-nang-2026")
    assert missing.exit_code == 2 and "no loaded graph named 'da-nang-2026'" in missing.stderr


def test_stats_lists_classes_and_graphs(ascn):
    output = ascn("stats").output
    assert "ascn:City" in output and "https://w3id.org/ascn/graph/bundled/projects" in output
    assert "build: version 0.1.0" in output


@pytest.mark.parametrize("value", ["abc", "0", "-5"])
def test_a_malformed_remote_timeout_is_a_usage_error_that_names_the_variable(value, monkeypatch, tmp_path):
    monkeypatch.setenv("ASCN_REMOTE_TIMEOUT", value)
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "never"), "stats"])
    assert result.exit_code == 2
    assert f"ASCN_REMOTE_TIMEOUT must be a number of seconds above 0, got {value!r}" in result.output
    assert not (tmp_path / "never").exists()  # stopped before the store was opened
