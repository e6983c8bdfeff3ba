"""The `ascn` command beside a running `ascn serve`: the server holds the store, so it runs the command.

Reads answer as they would alone, writes show in the server's answers at once, and the commands that would swap
the data directory under the server are refused with a message naming it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import running_ascn, store_copy
from webapp import served

DATA = Path(__file__).parents[1] / "loaders" / "data"
ASCN = Path(sys.executable).with_name("ascn")


@pytest.fixture(scope="module")
def server(tmp_path_factory, bundled_graphs):
    settings = store_copy(tmp_path_factory.mktemp("beside") / "data", bundled_graphs)
    with running_ascn(settings.data_dir) as running:
        yield running, settings.data_dir


def ascn(data_dir: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The command's run; one that hangs fails the test after two minutes rather than holding the suite."""
    environment = {**os.environ, "ASCN_DATA_DIR": str(data_dir)}
    return subprocess.run([str(ASCN), *args], capture_output=True, text=True, cwd=cwd, env=environment, timeout=120)


def count_in(url: str, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    with urllib.request.urlopen(f"{url}?{urllib.parse.urlencode({'query': query, 'format': 'json'})}") as response:
        return int(json.load(response)["results"]["bindings"][0]["n"]["value"])


def test_the_server_registers_itself_readable_by_its_owner_only(server):
    running, data_dir = server
    registration = served.find(data_dir)
    assert registration is not None and registration.pid == running.process.pid
    assert (data_dir / "server.json").stat().st_mode & 0o077 == 0


def test_a_read_beside_the_server_answers_as_alone(server):
    _, data_dir = server
    result = ascn(
        data_dir,
        "query",
        "--format",
        "csv",
        "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/ascn/ontology#City> }",
    )
    assert (result.returncode, result.stdout.splitlines()) == (0, ["n", "38"])
    assert "run by the `ascn serve` at" in result.stderr


def test_errors_keep_their_message_and_exit_code(server):
    _, data_dir = server
    result = ascn(data_dir, "query", "projects_of_city", "-p", "city=danang")
    assert result.returncode == 2
    assert "error: parameter 'city': no city with the id 'danang'; did you mean: da-nang" in result.stderr


def test_a_load_and_an_unload_reach_the_server_at_once(server, tmp_path):
    running, data_dir = server
    graph = "https://w3id.org/ascn/graph/user/beside"
    (tmp_path / "projects.csv").write_bytes((DATA / "projects.csv").read_bytes())
    assert count_in(running.url, graph) == 0  # an answer the server now keeps
    loaded = ascn(data_dir, "load", "projects.csv", "--name", "beside", cwd=tmp_path)  # a relative file name
    assert loaded.returncode == 0, loaded.stderr
    assert count_in(running.url, graph) == int(loaded.stdout.split()[1])
    assert ascn(data_dir, "unload", "beside").returncode == 0
    assert count_in(running.url, graph) == 0


def test_a_pipe_or_a_device_is_refused_and_the_server_runs_the_next_command(server, tmp_path):
    """`ascn load pipe.ttl` left the server's thread waiting on the pipe for a writer, holding the lock every later
    command waits for: each hung until the server was restarted. A device is refused alike (/dev/zero behind such a
    name was read until the memory ran out; /dev/null here, which ends)."""
    _, data_dir = server
    os.mkfifo(tmp_path / "pipe.ttl")
    (tmp_path / "null.yaml").symlink_to(os.devnull)
    for command, name in (("load", "pipe.ttl"), ("validate", "null.yaml"), ("load", "null.yaml")):
        result = ascn(data_dir, command, name, cwd=tmp_path)
        assert (result.returncode, result.stderr.splitlines()[-1]) == (
            2,
            f"error: {name}: expected a regular file, got 'a pipe, socket or device'",
        ), command
    assert ascn(data_dir, "stats").returncode == 0


def test_a_dash_reaches_the_server_as_a_dash(server, tmp_path):
    """``-`` stays ``-`` on its way to the server (not ``/cwd/-``), which refuses it naming standard input."""
    _, data_dir = server
    result = ascn(data_dir, "load", "-", cwd=tmp_path)
    assert result.returncode == 2 and "'-' (standard input) is not read here" in result.stderr


def test_an_export_beside_the_server_writes_the_file_named_here(server, tmp_path):
    _, data_dir = server
    result = ascn(data_dir, "export", "--format", "nquads", "-o", "graph.nq", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "graph.nq").stat().st_size > 1_000_000


@pytest.mark.parametrize("command", ["repair", "serve"])
def test_commands_that_would_swap_the_store_under_the_server_are_refused(server, command):
    running, data_dir = server
    result = ascn(data_dir, command)
    assert result.returncode == 2
    assert (
        f"the `ascn serve` at {running.url.removesuffix('/sparql')} (process {running.process.pid}) holds this "
        "data directory" in result.stderr
    )


def test_ctrl_c_says_the_server_runs_the_command_on(server, monkeypatch):
    """Ctrl-C on `ascn load` beside a server printed click's 'Aborted!' with exit 1, and the server loaded the file
    all the same: the person thought nothing was loaded."""
    from click.testing import CliRunner

    from webapp.cli import main

    running, data_dir = server

    def interrupted(registration, args):
        raise KeyboardInterrupt

    monkeypatch.setattr(served, "forward", interrupted)
    result = CliRunner().invoke(main, ["load", str(DATA / "projects.csv")], env={"ASCN_DATA_DIR": str(data_dir)})
    assert result.exit_code == 130
    assert result.stderr == (
        f"\ninterrupted: the `ascn serve` at {served.find(data_dir).url} runs `ascn load` on to its end all the same "
        "(a load or unload is not undone); `ascn stats` shows the graphs as they are then\n"
    )


def test_the_route_refuses_a_request_without_the_token(server):
    running, _ = server
    request = urllib.request.Request(
        running.url.removesuffix("/sparql") + served.ROUTE,
        method="POST",
        data=b'{"args": ["stats"]}',
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    refused.value.close()
    assert refused.value.code == 404


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
def test_the_route_is_not_found_by_any_other_method(server, method):
    """A GET (a browser, a crawler) was a 405 naming POST: the route told whoever asked that it is there and how to
    call it, where a POST without the token is a 404. It is a 404 to every request but the command's."""
    running, _ = server
    request = urllib.request.Request(running.url.removesuffix("/sparql") + served.ROUTE, method=method)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    refused.value.close()
    assert (refused.value.code, refused.value.headers.get("Allow")) == (404, None)


def test_the_registration_goes_when_the_server_stops(tmp_path, bundled_graphs):
    settings = store_copy(tmp_path / "data", bundled_graphs)
    with running_ascn(settings.data_dir):
        assert (settings.data_dir / "server.json").exists()
    assert not (settings.data_dir / "server.json").exists()
    assert ascn(settings.data_dir, "stats").returncode == 0  # alone again: the command opens the store itself


def test_a_file_named_after_the_options_end_is_found_here_though_it_starts_with_a_dash(server, tmp_path):
    """`ascn ingest -- -notes.txt` beside a server was looked for in the server's folder: 'No such file'."""
    _, data_dir = server
    (tmp_path / "-notes.txt").write_text("Da Nang joined the ASEAN Smart Cities Network in 2018.")
    result = ascn(data_dir, "ingest", "--dry-run", "--", "-notes.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("-notes.txt: untitled (dry run)\n")


def test_only_file_names_are_made_absolute_for_the_server(server, tmp_path):
    """Every argument naming an existing file or folder here was sent as an absolute path, option values and names
    too: beside a folder `Notes`, `--title Notes` was stored as the title '/…/Notes' and `ascn unload Notes` refused
    the name '/…/Notes'. File names are still found here."""
    _, data_dir = server
    (tmp_path / "Notes").mkdir()
    (tmp_path / "news.txt").write_text("Da Nang joined the ASEAN Smart Cities Network in 2018.")
    ingested = ascn(data_dir, "ingest", "--dry-run", "--format", "json", "news.txt", "--title", "Notes", cwd=tmp_path)
    assert ingested.returncode == 0, ingested.stderr
    assert [d["document"]["title"] for d in json.loads(ingested.stdout)["documents"]] == ["Notes"]
    unloaded = ascn(data_dir, "unload", "Notes", cwd=tmp_path)
    assert (unloaded.returncode, unloaded.stderr.splitlines()[-1]) == (2, "error: no loaded graph named 'Notes'")
