"""Real SPARQL servers on loopback, started for a test or a benchmark and stopped by their own PID.

The test suite and :mod:`benchmarks.remote` run the remote backend against the same servers set up the same
way, so this is the one copy of how to start them:

- :func:`running_oxigraph`: ``oxigraph serve`` (from the ``oxigraph`` package of the test extra), in memory or
  on disk, with ``--union-default-graph``;
- :func:`running_virtuoso`: Debian's Virtuoso 7 (``virtuoso-t``), with a database of its own in a fresh
  directory and a generated ``virtuoso.ini``, set up through ``isql-vt`` as docs/remote-store.md describes;
  it yields a :class:`VirtuosoServer`, which can also bulk-load a file with Virtuoso's own loader.

Each yields a :class:`Server`, whose :meth:`Server.settings` and :meth:`Server.environ` point ascn at it.
Both servers listen on 127.0.0.1 only, on free ports, and accept writes from anyone who can reach them there:
they are for tests and benchmarks, never for a shared machine's public interface.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from graph.config import Settings

OXIGRAPH = Path(sys.executable).with_name("oxigraph")
VIRTUOSO_INSTALL = "apt-get install virtuoso-opensource (or `make system-deps`)"
PRIVATE_GRAPHS = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"
"""Virtuoso's group of graphs that only users given access may see; its own graphs go there."""


class ServerError(RuntimeError):
    """A server that could not be started or set up; the message says why and where its log is."""


@dataclass(frozen=True)
class Server:
    """A running SPARQL server: where to send queries, updates and Graph Store requests, and its process."""

    name: str
    url: str
    query_url: str
    update_url: str
    gsp_url: str
    process: subprocess.Popen
    location: Path | None = None

    def settings(self) -> Settings:
        """Settings for the remote backend on this server (the build is left to the caller)."""
        return Settings(
            store="sparql", query_url=self.query_url, update_url=self.update_url, gsp_url=self.gsp_url, auto_build=False
        )

    def environ(self) -> dict[str, str]:
        """The ``ASCN_*`` variables that point an ``ascn`` command at this server."""
        return {
            "ASCN_STORE": "sparql",
            "ASCN_QUERY_URL": self.query_url,
            "ASCN_UPDATE_URL": self.update_url,
            "ASCN_GSP_URL": self.gsp_url,
        }


@dataclass(frozen=True)
class VirtuosoServer(Server):
    """Virtuoso, with what its SQL side needs: the SQL port and the random ``dba`` password set at start-up."""

    sql_port: int = 0
    password: str = ""

    def bulk_load(self, path: Path, graph: str, timeout: float = 7200) -> None:
        """Put the triples of ``path`` (N-Triples or Turtle) into ``graph`` with Virtuoso's bulk loader
        (``ld_dir``, ``rdf_loader_run``, ``checkpoint``), which parses on the server without a transaction log.

        A Graph Store ``PUT`` of a large file is one transaction in Virtuoso: 450 MB was not accepted within
        10 minutes. The loader reads only from the ``DirsAllowed`` directory ``import/`` of the database, so the
        file is hard-linked there (copied across file systems). A file the loader refuses raises ServerError
        with Virtuoso's message; its triples up to the error may remain in ``graph``.
        """
        if not _QUOTABLE_IRI.fullmatch(graph):
            raise ServerError(f"not a graph IRI Virtuoso's loader can take: {graph!r}")
        inbox = self.location / VIRTUOSO_IMPORT
        staged = inbox / f"{secrets.token_hex(8)}{''.join(path.suffixes[-1:]) or '.nt'}"
        try:
            os.link(path, staged)
        except OSError:
            shutil.copyfile(path, staged)
        try:
            out = self.isql(
                VIRTUOSO_BULK_LOAD.format(directory=VIRTUOSO_IMPORT, file=staged.name, graph=graph), timeout=timeout
            )
        finally:
            staged.unlink()
        errors = [
            error.replace(f"{VIRTUOSO_IMPORT}/{staged.name}", str(path))
            for error in re.findall(r"^LOAD-ERROR (.+)$", out, re.M)
        ]
        if errors or f"LOADED {VIRTUOSO_IMPORT}/{staged.name}\n" not in out:
            raise ServerError(f"Virtuoso's bulk loader refused {path}: {'; '.join(errors) or out[-2000:]}")

    def isql(self, script: str, timeout: float = 60, password: str | None = None) -> str:
        """Run SQL statements through ``isql-vt`` as ``dba`` (with this server's password unless another is
        given: the setup logs in with the default one); its output, or ServerError when a statement fails."""
        done = subprocess.run(
            [
                shutil.which("isql-vt"),
                f"127.0.0.1:{self.sql_port}",
                "dba",
                self.password if password is None else password,
            ],
            input=script,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise ServerError(f"isql-vt on {self.url} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        return done.stdout


def virtuoso_missing() -> str | None:
    """Why Virtuoso cannot be started here, or None when ``virtuoso-t`` and ``isql-vt`` are installed."""
    absent = [tool for tool in ("virtuoso-t", "isql-vt") if not shutil.which(tool)]
    return f"{' and '.join(absent)} not found: {VIRTUOSO_INSTALL}" if absent else None


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen, wait: float) -> None:
    """Stop a server we started, by its own PID: SIGTERM, then SIGKILL if it has not ended within ``wait`` s."""
    process.terminate()
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_for_ports(process: subprocess.Popen, name: str, ports: list[int], log: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    for port in ports:
        while True:
            if process.poll() is not None:
                raise ServerError(f"{name} exited with {process.returncode}: {_tail(log)}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise ServerError(f"{name} did not answer on port {port} within {wait:g} s: {_tail(log)}") from None
                time.sleep(0.02)


def _tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.exists() else "(no log)"


@contextmanager
def running_oxigraph(location: Path | None = None, union: bool = True, log: Path | None = None) -> Iterator[Server]:
    """``oxigraph serve`` on 127.0.0.1 and a free port, in memory unless ``location`` is given."""
    if not OXIGRAPH.exists():
        raise ServerError(f"no Oxigraph server at {OXIGRAPH}: install the test extra (pip install -e '.[test]')")
    port = free_port()
    args = [str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{port}"]
    args += ["--location", str(location)] if location else []
    args += ["--union-default-graph"] if union else []
    with ExitStack() as stack:
        if log is None:
            log = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ascn-oxigraph-log-"))) / "oxigraph.log"
        with log.open("wb") as out:
            process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=out)
        try:
            _wait_for_ports(process, "oxigraph serve", [port], log, wait=20)
            url = f"http://127.0.0.1:{port}"
            yield Server("oxigraph", url, f"{url}/query", f"{url}/update", f"{url}/store", process, location)
        finally:
            stop(process, wait=10)


# -- Virtuoso ------------------------------------------------------------------------------------

VIRTUOSO_INI = """\
; written by benchmarks/servers.py for one test or benchmark run
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {import_dir}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
MaxClientConnections = 10
ServerThreads = 10
EnabledDavVSP = 0
Charset = UTF-8

[SPARQL]
; Virtuoso's defaults cut answers silently (10,000 rows, partial answers after 60 s): ascn needs whole answers
ResultSetMaxRows = 2000000000
MaxQueryExecutionTime = 0
"""

VIRTUOSO_SETUP = """\
GRANT SPARQL_UPDATE TO "SPARQL";
DB.DBA.RDF_GRAPH_GROUP_CREATE ('{private}', 1);
{hide}
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 3);
USER_SET_PASSWORD ('dba', '{password}');
"""
"""Run as ``dba`` on a new database: anonymous SPARQL may read and write (bits 1 and 2) every graph but
Virtuoso's own, which go to the private graphs no anonymous user sees, so the default graph of a query is the
union of ascn's graphs only; dba's default password is replaced by a random one."""

VIRTUOSO_IMPORT = "import"
"""The directory, inside the database's, from which :meth:`VirtuosoServer.bulk_load` lets Virtuoso read files."""

VIRTUOSO_BULK_LOAD = """\
DELETE FROM DB.DBA.LOAD_LIST;
ld_dir ('{directory}', '{file}', '{graph}');
rdf_loader_run ();
checkpoint;
SELECT CONCAT ('LOADED ', ll_file) FROM DB.DBA.LOAD_LIST WHERE ll_state = 2 AND ll_error IS NULL;
SELECT CONCAT ('LOAD-ERROR ', ll_file, ': ', ll_error) FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;
"""
"""Virtuoso's bulk loader on one file (its list emptied first, so only this file is loaded), then a checkpoint
so the triples are on disk; the two SELECTs report the file as loaded or its error."""

_QUOTABLE_IRI = re.compile(r"[^\s'<>\"{}|^`\\]+")
"""An IRI that can go between single quotes in Virtuoso SQL as it is (nothing to escape)."""

_SYSTEM_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


@contextmanager
def running_virtuoso(
    location: Path | None = None, buffers: int = 10_000, wait: float = 120
) -> Iterator[VirtuosoServer]:
    """Virtuoso (``virtuoso-t +foreground``) with its own database in ``location`` (a fresh temporary directory
    when None), HTTP and SQL ports on 127.0.0.1, and SPARQL Update allowed at ``/sparql``.

    ``buffers`` is Virtuoso's ``NumberOfBuffers`` (8 KB pages held in memory; 10,000 is 80 MB).
    """
    missing = virtuoso_missing()
    if missing:
        raise ServerError(missing)
    with ExitStack() as stack:
        if location is None:
            location = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ascn-virtuoso-")))
        location.mkdir(parents=True, exist_ok=True)
        if (location / "virtuoso.db").exists():
            raise ServerError(f"{location} already holds a Virtuoso database; give an empty directory")
        http_port, sql_port = free_port(), free_port()
        (location / VIRTUOSO_IMPORT).mkdir()
        (location / "virtuoso.ini").write_text(
            VIRTUOSO_INI.format(
                sql_port=sql_port,
                http_port=http_port,
                buffers=buffers,
                dirty_buffers=buffers * 3 // 4,
                import_dir=VIRTUOSO_IMPORT,
            ),
            encoding="utf-8",
        )
        log = location / "virtuoso.log"
        with (location / "console.log").open("wb") as out:
            process = subprocess.Popen(
                [shutil.which("virtuoso-t"), "+foreground", "+configfile", "virtuoso.ini"],
                cwd=location,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_for_ports(process, "virtuoso-t", [sql_port, http_port], log, wait)
            url = f"http://127.0.0.1:{http_port}"
            server = VirtuosoServer(
                "virtuoso",
                url,
                f"{url}/sparql",
                f"{url}/sparql",
                f"{url}/sparql-graph-crud",
                process,
                location,
                sql_port,
                secrets.token_hex(16),
            )
            _set_up_virtuoso(server)
            yield server
        finally:
            stop(process, wait=30)


def _set_up_virtuoso(server: VirtuosoServer) -> None:
    """Hide Virtuoso's own graphs, allow anonymous SPARQL Update and replace the default passwords."""
    query = urllib.parse.urlencode({"query": _SYSTEM_GRAPHS})
    request = urllib.request.Request(
        f"{server.query_url}?{query}", headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        system = [row["g"]["value"] for row in json.load(response)["results"]["bindings"]]
    for name in system:
        if not _QUOTABLE_IRI.fullmatch(name):
            raise ServerError(f"unexpected graph name in a new Virtuoso database: {name!r}")
    hide = "\n".join(f"DB.DBA.RDF_GRAPH_GROUP_INS ('{PRIVATE_GRAPHS}', '{name}');" for name in system)
    server.isql(VIRTUOSO_SETUP.format(private=PRIVATE_GRAPHS, hide=hide, password=server.password), password="dba")


SERVERS = {"oxigraph": running_oxigraph, "virtuoso": running_virtuoso}
"""Server name → launcher, for scripts that take ``--servers``."""
