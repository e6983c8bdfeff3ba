"""Shared fixtures: the bundled graph built once per session, and fresh stores for tests that write.

Read-only tests share ``store`` (built from the bundled data exactly as ``ascn build`` does); a test that
writes takes ``fresh_store``, its own on-disk copy, so no test can change another's answers.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import BNode, Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from benchmarks.servers import VirtuosoServer, running_oxigraph, running_virtuoso, stop, virtuoso_missing
from graph.backends import open_store
from graph.config import Settings
from graph.describe import BUILD_GRAPH
from graph.releases import RELEASE_PREFIX
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
    return {
        name: store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
        for name in store.graph_names()
    }


@pytest.fixture
def fresh_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", auto_build=False)


@pytest.fixture
def fresh_store(fresh_settings, bundled_graphs):
    """A store of its own holding the bundled build, for tests that load, unload or rebuild."""
    s = open_store(store_copy(fresh_settings.data_dir, bundled_graphs))
    yield s
    s.close()


def assert_same_graph(a: Graph, b: Graph) -> None:
    """Fail, showing the triples that differ, unless graphs ``a`` and ``b`` are isomorphic (the same up to the
    names of their blank nodes). A triple without a blank node maps to itself, so those must be equal as they
    are, and only the triples with one (62 of the bundled build's ~8,900) go through rdflib's canonical
    hashing, which is pure Python: the same test as ``rdflib.compare.isomorphic`` on the whole graphs, in a
    fraction of the time."""

    def split(graph: Graph) -> tuple[set, Graph]:
        ground, blank = set(), Graph()
        for triple in graph:
            if any(isinstance(term, BNode) for term in triple):
                blank.add(triple)
            else:
                ground.add(triple)
        return ground, blank

    (ground_a, blank_a), (ground_b, blank_b) = split(a), split(b)
    if ground_a != ground_b or not isomorphic(blank_a, blank_b):
        _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
        pytest.fail(
            f"graphs differ:\nonly in first:\n{only_a.serialize(format='nt')[:2000]}\n"
            f"only in second:\n{only_b.serialize(format='nt')[:2000]}"
        )


# -- real SPARQL servers for the remote backend (launchers shared with benchmarks/remote.py) ------


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory) -> str:
    """The base URL of an Oxigraph server (on disk, union default graph) running for the whole session."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-server")) as server:
        yield server.url


def remote_settings(base_url: str) -> Settings:
    """Settings that reach an Oxigraph server's query, update and Graph Store endpoints."""
    return Settings(
        store="sparql",
        query_url=f"{base_url}/query",
        update_url=f"{base_url}/update",
        gsp_url=f"{base_url}/store",
        auto_build=False,
    )


def built_remote(settings: Settings, bundled_graphs: dict):
    """The bundled graph built into a server with ``dataset.build``, the build description and the release (their
    timestamps) then copied from the embedded build, so both stores hold identical graphs and any difference between their
    answers is the backend's."""
    s = open_store(settings)
    dataset.build(s)
    s.replace_graphs(
        {
            name: graph
            for name, graph in bundled_graphs.items()
            if name == BUILD_GRAPH or name.startswith(RELEASE_PREFIX)
        }
    )
    return s


@pytest.fixture(scope="session")
def remote_store(oxigraph_server, bundled_graphs):
    """The bundled graph built into the session's Oxigraph server; tests must not write to it."""
    s = built_remote(remote_settings(oxigraph_server), bundled_graphs)
    yield s
    s.close()


@pytest.fixture
def fresh_remote_store(bundled_graphs):
    """An in-memory Oxigraph server of its own holding the bundled build, for tests that write."""
    with running_oxigraph() as server:
        s = open_store(server.settings())
        s.rebuild(bundled_graphs, keep=[])
        yield s
        s.close()


@pytest.fixture
def start_oxigraph():
    """Start more in-memory Oxigraph servers: ``start_oxigraph(union=False)`` gives one's settings; all stop
    when the test ends."""
    with ExitStack() as stack:
        yield lambda union=True: stack.enter_context(running_oxigraph(union=union)).settings()


def skip_without_virtuoso() -> None:
    """Skip the test when Debian's Virtuoso is not installed (``make test`` installs it, so CI runs them)."""
    missing = virtuoso_missing()
    if missing:
        pytest.skip(f"Virtuoso is not installed here: {missing}")


@pytest.fixture(scope="session")
def virtuoso_store(tmp_path_factory, bundled_graphs):
    """The bundled graph built into a Virtuoso server running for the session; tests must not write to it."""
    skip_without_virtuoso()
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso-read")) as server:
        s = built_remote(server.settings(), bundled_graphs)
        yield s
        s.close()


@pytest.fixture(scope="session")
def virtuoso_scratch(tmp_path_factory) -> VirtuosoServer:
    """A second Virtuoso server for the session, for tests that write (a new one per test would cost 2 s)."""
    skip_without_virtuoso()
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso-scratch")) as server:
        yield server


@pytest.fixture
def fresh_virtuoso_store(virtuoso_scratch, bundled_graphs):
    """The scratch Virtuoso server holding exactly the bundled build (whatever the last test left is dropped
    by the rebuild), for tests that write."""
    s = open_store(virtuoso_scratch.settings())
    s.rebuild(bundled_graphs, keep=[])
    yield s
    s.close()


# -- the web app and a real `ascn serve` process -------------------------------------------------

WEBAPP_DATA = Path(__file__).parent / "webapp" / "data"
PROTOCOL_GRAPHS = [WEBAPP_DATA / f"data{n}.ttl" for n in (1, 2, 3)]
"""The three small graphs of the W3C SPARQL Protocol dataset tests, loaded as user graphs data1..data3."""


_WRITTEN: list[tuple[dict, Path]] = []
"""Each dict of graphs ``store_copy`` was given (held, so its id is never another's) and the data directory it was
written into once in this process: the template that every copy of it is a file copy of."""


def store_copy(data_dir: Path, graphs: dict, load: list[Path] = ()) -> Settings:
    """A closed store of its own at ``data_dir`` holding ``graphs`` plus the user files ``load``.

    The graphs are written into a store once per process (1.7 s for the bundled build) and each copy is that
    closed data directory copied file by file (30 ms): the same content under the same content key, which every
    write to the copy replaces by a new one."""
    template = next((path for written, path in _WRITTEN if written is graphs), None)
    if template is None:
        template = Path(tempfile.mkdtemp(prefix="ascn-template-")) / "data"
        atexit.register(shutil.rmtree, template.parent, ignore_errors=True)
        s = open_store(Settings(data_dir=template, auto_build=False))
        try:
            s.rebuild(graphs, keep=[])
        finally:
            s.close()
        _WRITTEN.append((graphs, template))
    shutil.copytree(template, data_dir, symlinks=True, dirs_exist_ok=True)
    settings = Settings(data_dir=data_dir, auto_build=False)
    if load:
        s = open_store(settings)
        try:
            for path in load:
                dataset.load(s, path)
        finally:
            s.close()
    return settings


@pytest.fixture(scope="session")
def app(tmp_path_factory, bundled_graphs):
    """The web app on its own copy of the bundled build, with a 3 s query time limit and a quick evaluation (two
    cases per question and split) on the data page (else the defaults)."""
    from webapp import create_app
    from webapp.store import close_app

    settings = store_copy(tmp_path_factory.mktemp("ascn-app"), bundled_graphs)
    application = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(settings.data_dir),
            "AUTO_BUILD": False,
            "SPARQL_TIMEOUT": 3,
            "EVALUATION_LIMIT": 2,
        }
    )
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
def running_ascn(data_dir: Path, *options: str, env: dict | None = None):
    """An ``ascn serve`` process on 127.0.0.1 and a free port over ``data_dir``, stopped by its PID (SIGTERM,
    which also stops its query workers); its log goes to ``serve.log`` beside ``data_dir``. Its data page's
    evaluation is a quick one (two cases per question and split); ``env`` adds ``ASCN_*`` settings."""
    ascn = Path(sys.executable).with_name("ascn")
    log = data_dir.parent / f"{data_dir.name}-serve.log"
    with open(log, "w") as err:
        process = subprocess.Popen(
            [str(ascn), "serve", "--host", "127.0.0.1", "--port", "0", *options],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            env={**os.environ, "ASCN_DATA_DIR": str(data_dir), "ASCN_EVALUATION_LIMIT": "2", **(env or {})},
        )
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


# -- waiting for states, never for seconds ----------------------------------------------------------

BOUND = 300.0
"""Seconds after which a state a test waits for counts as never reached: a hang, not a slow machine."""


def wait_until(condition, what: str, bound: float = BOUND):
    """Wait until ``condition()`` is true (its value is returned); fail naming ``what`` after ``bound`` seconds."""
    deadline = time.monotonic() + bound
    while not (value := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {bound:g} s"
        time.sleep(0.02)
    return value


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) process ``pid`` has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuWatch:
    """Which of some processes (query workers) has started working since the watch began: "the runaway query is
    running" as a state a test can wait for, where sleeping a moment would depend on the machine's speed."""

    def __init__(self, pids):
        self.start = {pid: cpu_seconds(pid) for pid in pids}

    def busy(self, seconds: float = 0.05) -> int | None:
        """The process that has used ``seconds`` of CPU since the watch began, if any."""
        for pid, start in self.start.items():
            try:
                if cpu_seconds(pid) - start >= seconds:
                    return pid
            except OSError:  # it ended (a killed worker)
                continue
        return None

    def wait_busy(self, what: str = "a worker started the query") -> int:
        return wait_until(self.busy, what)
