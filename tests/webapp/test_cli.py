"""The `ascn` command as a person runs it: output, exit codes 0/1/2, and errors that say what is wrong."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rdflib import Graph

from ontology.errors import shown
from tests.conftest import BOUND
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


@pytest.mark.parametrize(
    "command", [[], ["build"], ["validate"], ["load"], ["unload"], ["query"], ["export"], ["stats"]]
)
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage: main" in result.output or "Usage: ascn" in result.output


def test_build_prints_the_counts(ascn):
    result = ascn("build")
    assert result.exit_code == 0
    lines = {line.split()[0]: line.split()[-1] for line in result.output.splitlines() if line.startswith("  ")}
    assert (lines["city"], lines["project"], lines["pairing"], lines["source"]) == ("38", "179", "44", "153")
    assert lines["annual_meeting"] == "9"


def test_the_first_command_on_a_new_machine_builds_the_graph(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "--data-dir",
            str(tmp_path / "new"),
            "query",
            "--format",
            "csv",
            "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/ascn/ontology#City> }",
        ],
    )
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
        "error: bad_syntax.ttl, line 8: expected valid Turtle (A dot is expected at the end of statements)"
    )  # as load says


def test_query_as_json_and_tsv(ascn):
    sparql = (
        "SELECT ?name WHERE { <https://w3id.org/ascn/id/city/phuket> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?name }"
    )
    as_json = json.loads(ascn("query", "--format", "json", sparql).stdout)
    assert as_json["results"]["bindings"] == [{"name": {"type": "literal", "value": "Phuket", "xml:lang": "en"}}]
    assert ascn("query", "--format", "tsv", sparql).stdout.splitlines() == ["?name", '"Phuket"@en']


def test_the_query_table_writes_iris_with_the_prefixes_a_query_takes_back(ascn):
    """The table wrote https://w3id.org/ascn/id/... as "id:", a prefix declared nowhere, so a name copied from it
    could not go back into a query or a parameter; it now uses the project's prefixes, as the query editor does."""
    table = ascn("query", "cities_of_country", "-p", "country=vn").stdout.splitlines()
    assert table[2].split()[:4] == ["country:vn", "Viet", "Nam", "city:da-nang"]
    assert ascn("query", "cities_of_country", "-p", "country=country:vn").stdout.splitlines() == table
    # where no prefixed name can write it ("da-nang/geometry" is not one), the IRI stays whole
    linked = ascn("query", "SELECT ?m WHERE { <https://w3id.org/ascn/id/city/da-nang> ?p ?m } ORDER BY ?m LIMIT 1")
    assert linked.stdout.splitlines()[2] == "https://w3id.org/ascn/id/city/da-nang/geometry"


def test_a_bad_query_exits_2_with_its_position(ascn):
    result = ascn("query", "SELECT ?s WHERE { ?s ?p }")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: syntax error:") and "(line 1, column" in result.stderr


def test_a_deeply_nested_query_is_answered_not_a_segmentation_fault(data_dir, tmp_path):
    """20,000 negations overflowed the main thread's stack in Oxigraph's parser: ``ascn query`` died of a
    segmentation fault, saying nothing. Run as a person runs it (a process of its own), it answers."""
    text = tmp_path / "deep.rq"
    text.write_text("ASK { FILTER(" + "!" * 20_000 + "true) }")
    done = subprocess.run(
        [str(Path(sys.executable).with_name("ascn")), "--data-dir", str(data_dir), "query", str(text)],
        capture_output=True,
        text=True,
        timeout=BOUND,
    )
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "true", "")


def test_export_writes_a_file_that_parses(ascn, tmp_path):
    out = tmp_path / "graph.ttl"
    result = ascn("export", "--format", "turtle", "--output", str(out))
    assert result.exit_code == 0
    assert len(Graph().parse(out, format="turtle")) > 6000


def test_export_takes_the_format_its_file_name_ends_in_and_refuses_another(ascn, tmp_path):
    """``ascn export -o graph.jsonld`` wrote TriG (the default) into a file named JSON-LD, and ``--format nquads -o
    graph.ttl`` N-Quads into one named Turtle: a tool that reads a file by its ending could not read either."""
    out = tmp_path / "graph.jsonld"
    assert ascn("export", "-o", str(out)).exit_code == 0
    assert len(Graph().parse(out, format="json-ld")) > 6000
    refused = ascn("export", "--format", "nquads", "-o", str(tmp_path / "graph.ttl"))
    assert refused.exit_code == 2 and not (tmp_path / "graph.ttl").exists()
    assert "--format nquads writes .nq files, and graph.ttl ends in .ttl (turtle)" in refused.stderr
    assert ascn("export", "--format", "jsonld-graphs", "-o", str(out)).exit_code == 0  # JSON-LD all the same


def test_load_then_unload(ascn):
    loaded = ascn("load", str(DATA / "projects.csv"), "--name", "da-nang-2026")
    assert loaded.exit_code == 0
    assert "into https://w3id.org/ascn/graph/user/da-nang-2026" in loaded.output
    assert "user/da-nang-2026" in ascn("stats").output
    assert ascn("unload", "da-nang-2026").exit_code == 0
    missing = ascn("unload", "da-nang-2026")
    assert missing.exit_code == 2 and "no loaded graph named 'da-nang-2026'" in missing.stderr


def test_the_cap_on_records_a_file_is_a_setting_and_an_option(ascn, monkeypatch):
    """``ascn validate FILE`` and ``ascn load`` refuse a file past the cap (exit 2, naming it); ``--max-records``
    raises it for one command, ASCN_MAX_RECORDS for every one."""
    path = str(DATA / "projects.csv")
    monkeypatch.setenv("ASCN_MAX_RECORDS", "1")
    for command in ("validate", "load"):
        refused = ascn(command, path)
        assert refused.exit_code == 2, refused.output
        assert "error: projects.csv, line 3: expected at most 1 records in a file" in refused.stderr
    assert ascn("validate", path, "--max-records", "2").exit_code == 0
    monkeypatch.setenv("ASCN_MAX_RECORDS", "2")
    assert ascn("validate", path).exit_code == 0
    monkeypatch.setenv("ASCN_MAX_RECORDS", "many")
    malformed = ascn("validate", path)
    assert malformed.exit_code == 2 and "field 'ASCN_MAX_RECORDS': expected a whole number above 0" in malformed.output


def test_the_cap_on_a_files_bytes_is_a_setting_named_in_the_refusal(ascn, monkeypatch):
    """``ascn validate FILE`` and ``ascn load`` refuse a file larger than ASCN_MAX_FILE_BYTES before reading it (exit
    2), naming the file, its size, the limit and the setting; a file of the limit is read."""
    path = DATA / "projects.csv"
    size = path.stat().st_size
    monkeypatch.setenv("ASCN_MAX_FILE_BYTES", str(size - 1))
    for command in ("validate", "load"):
        refused = ascn(command, str(path))
        assert refused.exit_code == 2, refused.output
        assert refused.stderr == (
            f"error: projects.csv: expected a file of at most {size - 1:,} bytes (ASCN_MAX_FILE_BYTES raises the "
            f"limit; when an `ascn serve` runs the command, the server's), got '{size:,} bytes'\n"
        )
    assert "user/projects" not in ascn("stats").output
    monkeypatch.setenv("ASCN_MAX_FILE_BYTES", str(size))
    assert ascn("validate", str(path)).exit_code == 0


@pytest.mark.parametrize(
    "args, sent",
    [
        (["load", "x.ttl", "--name", "x.ttl"], ["load", "{}/x.ttl", "--name", "x.ttl"]),
        (["load", "--name=x.ttl", "--", "-x.ttl"], ["load", "--name=x.ttl", "--", "{}/-x.ttl"]),
        (["export", "-ox.ttl", "--format", "turtle"], ["export", "-o{}/x.ttl", "--format", "turtle"]),
        (["--data-dir", "d", "export", "--output=x.ttl"], ["export", "--output={}/x.ttl"]),
        (["query", "x.ttl", "-p", "x=x.ttl"], ["query", "{}/x.ttl", "-p", "x=x.ttl"]),
        (["query", "cities_of_country", "-p", "country=TH"], ["query", "cities_of_country", "-p", "country=TH"]),
        (["unload", "x.ttl"], ["unload", "x.ttl"]),
        (["proposals", "accept", "x.ttl", "--by", "x.ttl"], ["proposals", "accept", "x.ttl", "--by", "x.ttl"]),
        (
            ["recommend", "projects", "--text", "x.ttl", "--city", "hue"],
            ["recommend", "projects", "--text", "x.ttl", "--city", "hue"],
        ),
    ],
)
def test_a_command_handed_to_a_server_sends_only_its_file_names_absolute(tmp_path, monkeypatch, args, sent):
    """The server does not share this folder, so file names go absolute, and nothing else: any argument naming an
    existing file was (``--name x.ttl`` beside a file x.ttl became '/…/x.ttl', a name refused)."""
    from webapp import cli, served

    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.ttl").write_text("")
    (tmp_path / "-x.ttl").write_text("")
    handed: list[list[str]] = []

    def held_by_a_server(self, auto_build=True):
        raise cli._Served(served.Registration("http://127.0.0.1:9", 1, "token"), click.get_current_context())

    monkeypatch.setattr(cli._Context, "store", held_by_a_server)
    monkeypatch.setattr(served, "forward", lambda registration, args: (handed.append(args), ("", "", 0))[1])
    result = CliRunner().invoke(main, args)
    assert (result.exit_code, handed) == (0, [[a.format(tmp_path) for a in sent]]), result.output


@pytest.mark.parametrize(
    "setting, value, expected",
    [
        ("SPARQL_TIMEOUT", "nan", "a number of seconds above 0"),
        ("SPARQL_TIMEOUT", float("inf"), "a number of seconds above 0"),
        ("SPARQL_TIMEOUT", -1, "a number of seconds above 0"),
        ("SPARQL_LANE_LIMIT", "ten", "a number of seconds above 0"),
        ("SPARQL_ADMISSION_WAIT", -0.5, "a number of seconds from 0"),
        ("SPARQL_ROW_LIMIT", "1e3", "a whole number above 0"),
        ("SPARQL_WORKERS", 0, "a whole number above 0"),
        ("SPARQL_LANE_WORKERS", -1, "a whole number of at least 0"),
        ("SPARQL_MAX_QUERY_LENGTH", "many", "a whole number above 0"),
    ],
)
def test_a_numeric_setting_out_of_range_stops_the_app_naming_it(monkeypatch, tmp_path, setting, value, expected):
    """These were read at each query: `ASCN_SPARQL_TIMEOUT=ten` (or NaN, which JSON reads) started a server whose
    every query was a 500, a negative time limit one whose every query was stopped at once."""
    from ontology.errors import InputError
    from webapp import create_app

    monkeypatch.setenv(f"ASCN_{setting}", json.dumps(value) if not isinstance(value, str) else value)
    with pytest.raises(InputError) as refused:
        create_app({"DATA_DIR": str(tmp_path), "AUTO_BUILD": False})
    assert str(refused.value).startswith(f"field 'ASCN_{setting}': expected {expected}, got "), str(refused.value)
    assert not (tmp_path / "stores").exists()  # refused before the store was opened


def test_serve_refuses_a_time_limit_that_is_no_number(data_dir):
    refused = CliRunner().invoke(main, ["--data-dir", str(data_dir), "serve", "--timeout", "nan"])
    assert refused.exit_code == 2 and "Invalid value for '--timeout': nan is not a number of seconds" in refused.output


def test_stats_lists_classes_and_graphs(ascn):
    output = ascn("stats").output
    assert "ascn:City" in output and "https://w3id.org/ascn/graph/bundled/projects" in output
    assert re.search(r"build: release \d{4}-\d\d-\d\d\.1, ", output)


def test_diff_of_the_first_release_says_it_is_the_baseline(ascn):
    """A new user's first `ascn diff` said "from nothing to 2026-12-07.1: 0 added, 0 removed, 0 changed", as if the
    build had added nothing; /changes says the first release is the baseline, and so does the command now."""
    [line] = ascn("releases").output.splitlines()
    version = line.split()[0]
    result = ascn("diff")
    assert (result.exit_code, result.output) == (
        0,
        f"release {version} is the first: the baseline later releases are compared with\n",
    )


@pytest.mark.parametrize("value", ["abc", "0", "-5"])
def test_a_malformed_remote_timeout_is_a_usage_error_that_names_the_variable(value, monkeypatch, tmp_path):
    monkeypatch.setenv("ASCN_REMOTE_TIMEOUT", value)
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "never"), "stats"])
    assert result.exit_code == 2
    assert f"field 'ASCN_REMOTE_TIMEOUT': expected a number of seconds above 0, got {value!r}" in result.output
    assert not (tmp_path / "never").exists()  # stopped before the store was opened


# -- what a new user mistypes: each gets a message naming the mistake, exit 2, no traceback ----------------


def test_an_unknown_library_name_is_named_with_close_matches(ascn):
    result = ascn("query", "projects_per_focus_area")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no library query named 'projects_per_focus_area'; did you mean: ")
    assert "projects_in_focus_area" in result.stderr


def test_a_missing_rq_file_is_named(ascn):
    result = ascn("query", "no_such.rq")
    assert (result.exit_code, result.stderr) == (2, "error: no such file: no_such.rq\n")


def test_a_query_file_that_is_not_utf_8_is_named_where_it_fails(ascn, tmp_path):
    """It was a UnicodeDecodeError's traceback; an editor's byte-order mark is no error."""
    path = tmp_path / "latin.rq"
    path.write_bytes('SELECT ?x { BIND("Hué" AS ?x) }'.encode("cp1252"))
    result = ascn("query", str(path))
    assert (result.exit_code, result.stderr) == (
        2,
        "error: latin.rq: expected UTF-8 text (undecodable byte at offset 20)\n",
    )
    path.write_bytes(b"\xef\xbb\xbfASK {}")
    assert ascn("query", str(path), "--format", "json").exit_code == 0


def test_a_name_longer_than_the_system_takes_is_an_error_naming_it_not_a_traceback(ascn):
    """A query file, library name or output file of 300 characters raised OSError (File name too long) from
    Path.is_file / is_dir, which give False only for a name that is not there."""
    long = "a" * 300
    assert (ascn("query", long + ".rq").exit_code, ascn("query", long + ".rq").stderr) == (
        2,
        f"error: no such file: {long}.rq\n",
    )
    assert ascn("query", long).stderr.startswith(f"error: no library query named {shown(long)}")
    result = ascn("export", "-o", long + ".ttl")
    assert result.exit_code == 2 and f"'{long}.ttl': File name too long" in result.stderr
    assert "Traceback" not in result.output


def test_a_folder_given_as_the_query_is_named_as_a_folder(ascn, tmp_path):
    """A folder was read as SPARQL text ('syntax error: ... found '/tmp/...''), or, named like a file, was 'no such
    file' or 'no library query named ...'."""
    for name in ("my queries", "queries.rq", "queries"):
        folder = tmp_path / name
        folder.mkdir()
        result = ascn("query", str(folder))
        assert (result.exit_code, result.stderr) == (
            2,
            f"error: {folder}: expected a .rq file, a library query's name or SPARQL text, not a folder\n",
        )


def test_an_empty_query_is_named_as_empty(ascn):
    """``ascn query ""`` was refused as "., not a folder": the empty text named the working folder."""
    result = ascn("query", "")
    assert (result.exit_code, result.stderr) == (
        2,
        "error: expected a .rq file, a library query's name or SPARQL text, got ''\n",
    )


LONG = "x" * 5000


@pytest.mark.parametrize(
    "args, message",
    [
        (["query", LONG], "no library query named {}"),
        (["recommend", "projects", "--city", LONG], "no city named {}"),
        (["recommend", "projects", "--project", LONG], "no project named {}"),
        (["recommend", "projects", "--focus", LONG], "no focus area named {}"),
        (["recommend", "cities", "--partner", LONG], "no partner named {}"),
        (["unload", LONG], "expected a name of letters, digits, '.', '_' or '-' (at most 81), got {}"),
        (["proposals", "show", LONG], "no proposal {}"),
    ],
)
def test_a_long_name_that_names_nothing_is_quoted_cut(ascn, args, message):
    """Each repeated the 5,000 characters in full (``unload`` twice); as every error message, it quotes the first
    100 and the length (ontology.errors.shown)."""
    result = ascn(*args)
    assert (result.exit_code, result.stderr) == (2, "error: " + message.format(shown(LONG)) + "\n")


def test_a_data_directory_that_cannot_be_made_is_an_error_naming_it(tmp_path):
    """A --data-dir naming a file, or a folder under one, was mkdir's traceback (NotADirectoryError, exit 1)."""
    file = tmp_path / "notes.txt"
    file.write_text("x")
    for data_dir in (file, file / "data"):
        result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "stats"])
        assert (result.exit_code, result.stderr) == (
            2,
            f"error: cannot make the data directory {data_dir}: Not a directory (--data-dir or ASCN_DATA_DIR names "
            "another)\n",
        )


@pytest.mark.parametrize("form", ["CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", "DESCRIBE <urn:x>"])
def test_a_select_format_for_a_graph_answer_is_refused(ascn, form):
    """``--format csv`` of a CONSTRUCT printed Turtle with exit 0, into a file a pipeline then read as CSV."""
    result = ascn("query", form, "--format", "csv")
    assert result.exit_code == 2
    kind = form.split()[0]
    assert f"csv is a format of SELECT and ASK answers; a {kind} answer is printed as Turtle" in result.stderr
    assert ascn("query", form).exit_code == 0


@pytest.mark.parametrize("command", [["export", "--format", "ntriples"], ["evaluate"]])
def test_an_output_file_named_dash_is_refused_before_any_work(ascn, tmp_path, monkeypatch, command):
    """``ascn export -o -`` wrote the whole graph to a file named "-" in the working folder (exit 0)."""
    monkeypatch.chdir(tmp_path)
    result = ascn(*command, "-o", "-")
    assert result.exit_code == 2
    assert "'-' would be a file named '-': leave -o out to write to standard output" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_query_read_from_stdin_with_a_dash(data_dir, monkeypatch):
    """``ascn query - < q.rq`` (or a query piped in) was the parser's "found '-' (line 1, column 1)"; '-' reads the
    query as a .rq file from stdin: UTF-8 with an editor's byte-order mark dropped, held to the endpoint's limit."""

    def run(stdin: bytes):
        return CliRunner().invoke(main, ["--data-dir", str(data_dir), "query", "-", "--format", "json"], input=stdin)

    assert json.loads(run(b"\xef\xbb\xbfASK { ?s ?p ?o }").output)["boolean"] is True
    latin = run("ASK { FILTER('Hué') }".encode("cp1252"))
    assert (latin.exit_code, latin.stderr) == (2, "error: stdin: expected UTF-8 text (undecodable byte at offset 16)\n")
    monkeypatch.setenv("ASCN_SPARQL_MAX_QUERY_LENGTH", "20")
    assert run(b"ASK { ?s ?p ?o }     # long").stderr == (
        "error: stdin: expected a query of at most 20 characters (ASCN_SPARQL_MAX_QUERY_LENGTH, as the endpoint "
        "takes); stdin holds more\n"
    )


def test_a_query_file_longer_than_the_endpoint_takes_is_refused_naming_it(ascn, tmp_path, monkeypatch):
    """It was read whole, however large (a dump named by mistake), though the endpoint refuses a query past
    ASCN_SPARQL_MAX_QUERY_LENGTH; the file, its size and the limit are named, and a file within it runs."""
    monkeypatch.setenv("ASCN_SPARQL_MAX_QUERY_LENGTH", "20")
    path = tmp_path / "big.rq"
    path.write_text("ASK { ?s ?p ?o }     # Huế\n", encoding="utf-8")
    result = ascn("query", str(path))
    assert (result.exit_code, result.stderr) == (
        2,
        "error: big.rq: expected a query of at most 20 characters (ASCN_SPARQL_MAX_QUERY_LENGTH, as the endpoint "
        "takes); the file is 29 bytes\n",
    )
    path.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert ascn("query", str(path), "--format", "json").exit_code == 0


def test_export_to_a_device_writes_to_it_and_a_failed_write_is_an_error(ascn, tmp_path):
    """``-o /dev/full`` printed "wrote 515417 bytes" and left a file in /dev: the export was written beside the path
    and renamed over it, device or not. A device is written to as it is, and its full disk is an error naming it
    (here through a link, so that the old behaviour replaced only the link)."""
    link = tmp_path / "backup.nq"
    link.symlink_to("/dev/full")
    result = ascn("export", "--format", "nquads", "-o", str(link))
    assert (result.exit_code, result.stderr) == (2, f"error: could not write {link}: No space left on device\n")
    assert link.is_symlink() and not (tmp_path / "backup.nq.part").exists()


def test_serve_on_a_port_in_use_says_so(data_dir):
    """It was a traceback ending in "OSError: [Errno 98] Address already in use" (and "ValueError: Invalid host/port
    specified." for a host naming no address), exit 1."""
    ascn = Path(sys.executable).with_name("ascn")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [str(ascn), "--data-dir", str(data_dir), "serve", "--host", "127.0.0.1", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=BOUND,
        )
    assert result.returncode == 2
    assert f"error: cannot listen on http://127.0.0.1:{port}: Address already in use" in result.stderr.splitlines()


def test_a_failing_service_call_is_one_line_of_error(data_dir):
    """The error was followed by "RuntimeError: pyoxigraph::sparql::PyQuerySolutions is unsendable, but is being
    dropped on another thread": the answer being read, held by the error's frames, was dropped off its thread."""
    ascn = Path(sys.executable).with_name("ascn")
    query = "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"  # a port Oxigraph refuses before connecting
    result = subprocess.run(
        [str(ascn), "--data-dir", str(data_dir), "query", query], capture_output=True, text=True, timeout=BOUND
    )
    assert (result.returncode, result.stderr) == (
        2,
        "error: the store failed while answering the query: "
        "The port 1 is not allowed for HTTP(S) because it is dedicated to an other use\n",
    )


def test_a_repeated_parameter_binds_each_value_as_the_api_does(ascn):
    """``-p country=vn -p country=th`` answered Thailand's cities alone: the last value replaced the first."""
    result = ascn("query", "cities_of_country", "-p", "country=vn", "-p", "country=th", "--format", "csv")
    cities = [row.split(",")[3] for row in result.stdout.splitlines()[1:]]
    thai, vietnamese = ["Bangkok", "Chiang Mai", "Chonburi", "Khon Kaen", "Phuket", "Rayong"], ["Da Nang", "Ha Noi"]
    assert cities == [*thai, *vietnamese, "Ho Chi Minh City"]


def test_an_empty_parameter_asks_for_every_value_and_says_so(ascn):
    """``-p country=`` does what the query's description says of an empty country (every member state's cities), as
    /api/queries does; a note says so, since an unset shell variable gives it too. Beside a value it is refused."""
    result = ascn("query", "cities_of_country", "-p", "country=", "--format", "csv")
    assert result.exit_code == 0
    assert result.stderr == "note: country is empty, so it does not narrow the answer (every value)\n"
    assert len(result.stdout.splitlines()) == 1 + 38
    result = ascn("query", "cities_of_country", "-p", "country=", "-p", "country=th")
    assert (result.exit_code, result.stderr) == (2, "error: parameter 'country' expects iri or a country id, got ''\n")


def test_query_list_prints_every_library_query_with_its_title_and_parameters(ascn):
    from queries.library import library

    output = ascn("query", "--list").output
    assert [line for line in output.splitlines() if line and not line.startswith(" ")] == list(library())
    assert "projects_of_city\n  Projects of a city\n  -p city=<city id or IRI>" in output


@pytest.mark.parametrize("km", ["-3", "nan", "99999999999999999999999"])
def test_a_distance_outside_its_range_is_refused_naming_the_range(ascn, km):
    """``ascn query cities_within_distance -p km=-3`` printed an empty table and exited 0."""
    result = ascn("query", "cities_within_distance", "-p", "city=da-nang", "-p", f"km={km}")
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: parameter 'km' expects decimal (more than 0 and at most 20000), got {km!r}\n",
    )
    listing = ascn("query", "--list").output
    assert "  -p km=<decimal (more than 0 and at most 20000)> (default 400)" in listing


def test_an_entity_id_that_names_nothing_is_refused_with_close_ids(ascn):
    result = ascn("query", "projects_of_city", "-p", "city=danang")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: parameter 'city': no city with the id 'danang'; did you mean: da-nang")
    assert "Da Nang" in ascn("query", "projects_of_city", "-p", "city=da-nang").output


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "SELECT * WHERE { ?s ascn:x ?o }",
            "error: unknown prefix 'ascn:'; declare it with PREFIX ascn: <https://w3id.org/ascn/ontology#> (line 1, column 21)",
        ),
        (
            "DELETE WHERE { ?s ?p ?o }",
            "error: this endpoint is read-only: SPARQL Update (DELETE) is refused; ask with SELECT, ASK, CONSTRUCT or DESCRIBE",
        ),
        ("SELECT * WHERE { ?s ?p ?o ", "error: syntax error: expected one of "),
        # an undeclared prefix in an expression: Oxigraph said "expected ENCODE_FOR_URI" past the function's call
        (
            "SELECT * WHERE { ?s ?p ?o FILTER(xsd:integer(?o) > 1) }",
            "error: unknown prefix 'xsd:'; declare it with PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> (line 1, column 34)",
        ),
        (
            "SELECT * WHERE { VALUES ?x { ascn:City } }",
            "error: unknown prefix 'ascn:'; declare it with PREFIX ascn: <https://w3id.org/ascn/ontology#> (line 1, column 30)",
        ),
    ],
)
def test_query_errors_say_what_is_wrong_in_a_line(ascn, text, message):
    result = ascn("query", text)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1


def test_an_error_position_lies_inside_the_text_on_the_faulty_token(ascn):
    text = "SELECT * WHERE {\n  ?s ?p ?o "
    result = ascn("query", text)
    assert result.stderr.rstrip().endswith("(line 2, column 9)")  # the last token, ?o; the parser said column 12


@pytest.mark.parametrize("command", [["export", "-o"], ["evaluate", "-o"]])
def test_an_output_file_in_a_missing_folder_is_refused_before_any_work(ascn, tmp_path, command):
    result = ascn(*command, str(tmp_path / "missing" / "dir" / "f"))
    assert result.exit_code == 2
    assert "the folder" in result.output and "does not exist" in result.output
    assert "Traceback" not in result.output


def test_validate_lists_every_field_problem_at_once_and_exits_1(ascn, tmp_path):
    path = tmp_path / "projects.yaml"
    path.write_text(
        "projects:\n  - id: x\n    name: y\n    city: phukett\n    focus_areas: [built_infrastructure]\n"
        "    description: d\n    status: soon\n    sources: [asean_ascn_page]\n"
    )
    result = ascn("validate", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "2 problems:",
        "projects.yaml, line 7, record 'x', field 'status': expected one of ongoing, planning, completed, "
        "ongoing_or_planning, unknown, got 'soon'",
        "projects.yaml, line 4, record 'x', field 'city': expected an existing city id (did you mean phuket?), "
        "got 'phukett'",
    ]


def test_template_help_lists_the_record_types():
    output = " ".join(CliRunner().invoke(main, ["template", "--help"]).output.split())
    assert "TYPE is one of: source, country, focus_area, city, partner, programme, pairing, project" in output


# -- recommend flags ---------------------------------------------------------------------------------------


def test_a_second_value_after_a_repeatable_flag_says_how_to_give_it(ascn):
    result = ascn("recommend", "projects", "--focus", "civic_social", "health_wellbeing")
    assert result.exit_code == 2
    assert (
        "'health_wellbeing' follows --focus civic_social: give --focus once per value "
        "(--focus civic_social --focus health_wellbeing)"
    ) in result.output


def test_the_old_focus_area_filter_says_which_flag_is_meant(ascn):
    result = ascn("recommend", "projects", "--city", "hanoi", "--focus-area", "civic_social")
    assert result.exit_code == 2
    assert "--focus-area is now --keep-focus-area" in result.output and "give --focus civic_social" in result.output


def test_the_status_values_are_listed_and_checked(ascn):
    help_text = " ".join(CliRunner().invoke(main, ["recommend", "projects", "--help"]).output.split())
    assert "--status [ongoing|planning|completed|ongoing_or_planning|unknown]" in help_text
    result = ascn("recommend", "projects", "--city", "hanoi", "--status", "soon")
    assert result.exit_code == 2 and "'soon' is not one of 'ongoing'" in result.output


def test_a_recommend_error_names_the_options_the_user_types_not_the_apis_parameters(ascn):
    """`ascn recommend cities` said "give a partner, a city, or a partner profile (focus, programme, in_country)"."""
    result = ascn("recommend", "cities")
    assert result.exit_code == 2
    assert "a partner profile (--focus, --programme, --in-country)" in result.output
    result = ascn("recommend", "projects", "--project", "x", "--city", "hanoi")
    assert result.exit_code == 2 and "a plan (--focus, --outcome, --text) with or without" in result.output


def test_ctrl_c_exits_130_not_the_code_of_data_that_does_not_conform(monkeypatch):
    """Click's 'Aborted!' exited 1, which `ascn validate` means for data that does not conform."""
    from click.testing import CliRunner

    from webapp import cli

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "yaml_template", interrupted)
    result = CliRunner().invoke(cli.main, ["template", "project"])
    assert (result.exit_code, result.stderr) == (130, "\ninterrupted\n")


def test_an_ascn_command_starts_without_the_ingesters_language_models():
    """Only `ascn ingest` needs spaCy, whose import took 2-3 s: when the build's lock was imported from the
    ingester's module, every command (and the suite's hundreds of them) started that much later."""
    code = "import sys, webapp.cli; print(sorted(m for m in ('spacy', 'loaders.ingest.extract') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("command", [["load", "-"], ["validate", "-"], ["load", "-", "--name", "mine"]])
def test_a_dash_for_standard_input_is_refused_saying_so(ascn, command):
    """``ascn load -`` said "File '-' does not exist", as if a file of that name were missing; nothing reads
    standard input there, since a file's name gives its format and its graph's name."""
    result = ascn(*command)
    assert result.exit_code == 2
    assert "'-' (standard input) is not read here" in result.stderr and "does not exist" not in result.stderr
    assert "save the records to a file" in result.stderr
