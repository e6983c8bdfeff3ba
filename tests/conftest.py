"""Shared fixtures: the bundled graph built once per session, and fresh stores for tests that write.

Read-only tests share ``store`` (built from the bundled data exactly as ``ascn build`` does); a test that
writes takes ``fresh_store``, its own on-disk copy, so no test can change another's answers.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.backends import open_store
from graph.config import Settings
from graph.describe import BUILD_GRAPH
from loaders import dataset


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory) -> Settings:
    """Settings of a session store built from the bundled data."""
    return Settings(data_dir=tmp_path_factory.mktemp("ascn-session"), auto_build=False)


@pytest.fixture(scope="session")
def store(built_settings):
    """The bundled graph in an embedded store, built once; tests must not write to it."""
    s = open_store(built_settings)
    dataset.build(s)
    yield s
    s.close()


@pytest.fixture(scope="session")
def bundled_graphs(store) -> dict:
    """The named graphs of the bundled build (graph IRI → rdflib Graph), as the store holds them."""
    return {name: store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
            for name in store.graph_names()}


@pytest.fixture
def fresh_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", auto_build=False)


@pytest.fixture
def fresh_store(fresh_settings, bundled_graphs):
    """A store of its own holding the bundled build, for tests that load, unload or rebuild."""
    s = open_store(fresh_settings)
    s.rebuild(bundled_graphs, keep=[])
    yield s
    s.close()


# -- a real SPARQL server for the remote backend -------------------------------------------------

OXIGRAPH = Path(sys.executable).with_name("oxigraph")


def stop(process: subprocess.Popen, wait: float) -> None:
    """Stop a server we started, by its own PID: SIGTERM, then SIGKILL if it has not ended within ``wait`` s."""
    process.terminate()
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_oxigraph(location: Path | None = None, union: bool = True):
    """An ``oxigraph serve`` process on 127.0.0.1 and a free port, yielding its base URL; stopped by its PID."""
    if not OXIGRAPH.exists():
        pytest.fail(f"no Oxigraph server at {OXIGRAPH}: install the test extra (pip install -e '.[test]')")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = [str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{port}"]
    args += ["--location", str(location)] if location else []
    args += ["--union-default-graph"] if union else []
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                pytest.fail(f"oxigraph serve exited with {process.returncode}: {process.stderr.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"oxigraph serve did not answer on port {port} within 20 s")
                time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process, wait=10)
        process.stderr.close()


def remote_settings(base_url: str) -> Settings:
    """Settings that reach an Oxigraph server's query, update and Graph Store endpoints."""
    return Settings(store="sparql", query_url=f"{base_url}/query", update_url=f"{base_url}/update",
                    gsp_url=f"{base_url}/store", auto_build=False)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """The base URL of an Oxigraph server (on disk, union default graph) running for the whole session."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-server")) as url:
        yield url


@pytest.fixture(scope="session")
def remote_store(oxigraph_server, bundled_graphs):
    """The bundled graph built into the server with ``dataset.build``; tests must not write to it.

    The build description (its timestamp) is then copied from the embedded build, so both stores hold
    identical graphs and any difference between their answers is the backend's.
    """
    s = open_store(remote_settings(oxigraph_server))
    dataset.build(s)
    s.replace_graphs({BUILD_GRAPH: bundled_graphs[BUILD_GRAPH]})
    yield s
    s.close()


@pytest.fixture
def fresh_remote_store(bundled_graphs):
    """An in-memory Oxigraph server of its own holding the bundled build, for tests that write."""
    with running_oxigraph() as url:
        s = open_store(remote_settings(url))
        s.rebuild(bundled_graphs, keep=[])
        yield s
        s.close()


@pytest.fixture
def start_oxigraph():
    """Start more in-memory Oxigraph servers: ``start_oxigraph(union=False)`` gives one's settings; all stop
    when the test ends."""
    with ExitStack() as stack:
        yield lambda union=True: remote_settings(stack.enter_context(running_oxigraph(union=union)))


# -- the web app and a real `ascn serve` process -------------------------------------------------

WEBAPP_DATA = Path(__file__).parent / "webapp" / "data"
PROTOCOL_GRAPHS = [WEBAPP_DATA / f"data{n}.ttl" for n in (1, 2, 3)]
"""The three small graphs of the W3C SPARQL Protocol dataset tests, loaded as user graphs data1..data3."""


def store_copy(data_dir: Path, graphs: dict, load: list[Path] = ()) -> Settings:
    """A closed store of its own at ``data_dir`` holding ``graphs`` plus the user files ``load``."""
    settings = Settings(data_dir=data_dir, auto_build=False)
    s = open_store(settings)
    try:
        s.rebuild(graphs, keep=[])
        for path in load:
            dataset.load(s, path)
    finally:
        s.close()
    return settings


@pytest.fixture(scope="session")
def app(tmp_path_factory, bundled_graphs):
    """The web app on its own copy of the bundled build, with a 3 s query time limit (else the defaults)."""
    from webapp import create_app
    from webapp.store import close_app

    settings = store_copy(tmp_path_factory.mktemp("ascn-app"), bundled_graphs)
    application = create_app({"TESTING": True, "DATA_DIR": str(settings.data_dir), "AUTO_BUILD": False,
                              "SPARQL_TIMEOUT": 3})
    yield application
    close_app(application)


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass(frozen=True)
class AscnServer:
    """A running ``ascn serve``: its endpoint URL, its process and the file its log goes to."""

    url: str
    process: subprocess.Popen
    log: Path


@contextmanager
def running_ascn(data_dir: Path, *options: str):
    """An ``ascn serve`` process on 127.0.0.1 and a free port over ``data_dir``, stopped by its PID (SIGTERM,
    which also stops its query workers); its log goes to ``serve.log`` beside ``data_dir``."""
    ascn = Path(sys.executable).with_name("ascn")
    log = data_dir.parent / f"{data_dir.name}-serve.log"
    with open(log, "w") as err:
        process = subprocess.Popen([str(ascn), "serve", "--host", "127.0.0.1", "--port", "0", *options],
                                   stdout=subprocess.PIPE, stderr=err, text=True,
                                   env={**os.environ, "ASCN_DATA_DIR": str(data_dir)})
    try:
        line = process.stdout.readline()
        started = re.match(r"serving the web app on (\S+)/ and SPARQL on (\S+) ", line)
        if not started:
            process.kill()
            pytest.fail(f"ascn serve did not start: {line}{log.read_text()}")
        yield AscnServer(started[2], process, log)
    finally:
        stop(process, wait=15)
        process.stdout.close()


@pytest.fixture(scope="session")
def ascn_server(tmp_path_factory, bundled_graphs) -> AscnServer:
    """A real ``ascn serve`` (2 workers, 2 s time limit) over a copy of the bundled build plus the W3C
    protocol test graphs (user graphs data1..data3)."""
    settings = store_copy(tmp_path_factory.mktemp("ascn-served") / "data", bundled_graphs, PROTOCOL_GRAPHS)
    with running_ascn(settings.data_dir, "--workers", "2", "--timeout", "2") as server:
        yield server
