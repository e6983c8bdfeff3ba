"""Queries run in worker processes, so a query over its time limit can really be stopped.

pyoxigraph cannot cancel a running query from Python, and a thread cannot be killed; a process can. Each
worker opens its own (read-only, for the embedded store) handle and answers one query at a time, writing
the answer in the requested format itself so only bytes cross the pipe. A query that outlives its limit
has its worker killed (SIGKILL) and replaced in the background, while the other workers keep answering.
"""

from __future__ import annotations

import ast
import logging
import multiprocessing as mp
import os
import pickle
import resource
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from pathlib import Path
from typing import Any, TypeVar

from graph import egress
from graph.backends import open_store
from graph.config import Settings
from graph.errors import StoreError
from graph.formats import FORMATS, Written, kind_of, write
from graph.results import XML_REFUSAL, add_members, xml_can_carry
from ontology.errors import AscnError
from queries.errors import QueryError

log = logging.getLogger(__name__)


class QueryTimeout(StoreError):
    """The query ran past its time limit; its worker was stopped."""


class PoolBusy(StoreError):
    """Every worker stayed busy for the whole wait; the query was not started."""


class AnswerTooLarge(StoreError):
    """The written answer held more bytes than its job allows (:attr:`Job.max_bytes`); it was not sent."""


@dataclass(frozen=True)
class Job:
    """One query for a worker.

    ``formats`` maps each kind of answer ("results", "boolean", "graph") to the name of the format to
    write it in, or None when the client accepts no format for that kind.
    """

    sparql: str
    formats: Mapping[str, str | None]
    row_limit: int
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None
    """Relative IRIs in the query resolve against this (the Protocol lets it be the endpoint's URL)."""
    has_dataset_clause: bool | None = None
    """Whether the query names its own dataset (``FROM``), when the sender has read it already
    (:func:`graph.sparql_text.inspect_query`), so the worker does not read the text again."""
    max_bytes: int | None = None
    """Bytes the written answer may hold; a larger one is refused (:class:`AnswerTooLarge`) in the worker, so it
    never crosses the pipe into the server. The row limit bounds rows, not their size: ten seconds of CONCAT
    wrote a 226-MB answer of 200 rows, which took the server's own process 440 MB further to receive and send."""


@dataclass(frozen=True)
class Reply:
    """A worker's answer: the bytes to send, or ``media_type=None`` when no acceptable format exists."""

    kind: str
    media_type: str | None
    body: bytes
    rows: int
    complete: bool
    row_limit: int
    worker: int = 0

    def completeness(self) -> dict:
        """The completeness notice sent with every answer (a header set and a SPARQL JSON member)."""
        return completeness(self.complete, self.rows, self.row_limit)


def completeness(complete: bool, rows: int, limit: int) -> dict:
    """The completeness notice of an answer of ``rows`` rows under the row cap ``limit``.

    >>> completeness(False, 5, 5)
    {'complete': False, 'rows': 5, 'limit': 5, 'reason': 'row-limit'}
    """
    notice: dict[str, bool | int | str] = {"complete": complete, "rows": rows, "limit": limit}
    if not complete:
        notice["reason"] = "row-limit"
    return notice


def answer(store, job: Job) -> Reply:
    """Run ``job`` on ``store`` and write its answer: what a worker does, callable in-process too.

    A store that writes answers itself (``query_written``, the embedded one) does so straight from its own
    terms; otherwise the answer comes as rdflib terms and :func:`graph.formats.write` writes it.
    """
    prefix = f"BASE <{job.base_iri}> " if job.base_iri else ""
    try:
        with egress.guarded():
            if hasattr(store, "query_written"):
                written = store.query_written(
                    prefix + job.sparql,
                    job.formats,
                    job.row_limit,
                    default_graphs=job.default_graphs,
                    named_graphs=job.named_graphs,
                    has_dataset_clause=job.has_dataset_clause,
                )
            else:
                written = _write(store, prefix + job.sparql, job)
    except QueryError as exc:
        if prefix and exc.position and exc.position[0] == 1:  # report columns in the client's own text
            raise QueryError(exc.message, (1, max(1, exc.position[1] - len(prefix)))) from None
        raise
    name = job.formats.get(written.kind)
    fmt = next((f for f in FORMATS[written.kind] if f.name == name), None)
    if fmt is not None and fmt.name in ("xml", "rdfxml") and written.body and not xml_can_carry(written.body):
        raise QueryError(XML_REFUSAL)  # never a malformed XML document
    if fmt is None or written.body is None:
        return Reply(written.kind, None, b"", written.rows, written.complete, job.row_limit, os.getpid())
    body = written.body
    if job.max_bytes is not None and len(body) > job.max_bytes:
        raise AnswerTooLarge(
            f"the answer holds {len(body):,} bytes, and at most {job.max_bytes:,} are sent; select fewer or shorter "
            "values, or add a LIMIT"
        )
    if fmt.name == "json":  # SPARQL JSON has room for the notice; other formats carry it in headers only
        body = add_members(body, {"ascn:completeness": completeness(written.complete, written.rows, job.row_limit)})
    return Reply(written.kind, fmt.media_type, body, written.rows, written.complete, job.row_limit, os.getpid())


def _write(store, sparql: str, job: Job) -> Written:
    """The answer read as rdflib terms and written by :func:`graph.formats.write` (remote stores).

    Asks for one row more than the limit, so a cut answer is known to be cut.
    """
    result = store.query(
        sparql, default_graphs=job.default_graphs, named_graphs=job.named_graphs, max_rows=job.row_limit + 1
    )
    kind = kind_of(result)
    if kind == "boolean":
        rows, complete = 1, True
    else:
        rows = len(result)
        complete = rows <= job.row_limit
        if not complete:
            rows = job.row_limit
            if kind == "results":
                result.rows[job.row_limit :] = []
            else:
                for triple in list(result)[job.row_limit :]:
                    result.remove(triple)
    fmt = next((f for f in FORMATS[kind] if f.name == job.formats.get(kind)), None)
    if fmt is None:
        return Written(kind, None, rows, complete)
    return Written(kind, write(result, fmt), rows, complete)


def default_workers() -> int:
    """How many query workers a pool gets unless its operator says: twice the CPU cores this process may use, at
    least 2 and at most 8.

    More workers than cores, because a worker runs one query at a time: with one per core, a short query that
    arrives while long ones hold every worker waits for one of them to finish (or for the reserved lane), where
    with spare workers the kernel shares the cores between all of them at once, as Oxigraph's own server shares
    them between its threads, and the short query answers in about its own time. At most 8, because each worker
    holds a store handle of its own (memory), and a runaway still costs a worker until its time limit.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(8, max(2, 2 * cores))


def _script_imports() -> list[str]:
    """The modules the main script imports at its top level, when this process runs a script (as ``ascn`` does).

    multiprocessing runs the parent's main script again in each new worker before the worker starts, and Python
    3.11's fork server cannot do that once for all (its ``__main__`` preload looks for a ``main_path`` that it is never
    given). For ``ascn`` the script imports the CLI, Flask and rdflib: 0.7 s in every replacement worker while
    runaway queries held the cores, a lane that stayed down that long. Imported once in the fork server, they make the
    script's run in a worker a few look-ups.
    """
    main = sys.modules.get("__main__")
    script = getattr(main, "__file__", None)
    if getattr(main, "__spec__", None) is not None or not script:
        return []  # run with -m, or no script: workers do not run it again
    try:
        tree = ast.parse(Path(script).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return []
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def default_worker_memory(workers: int) -> int:
    """Bytes of data each of ``workers`` query workers may map unless its operator says (``RLIMIT_DATA``): half the
    machine's memory shared among them, at least 1 GiB.

    A worker had no bound: ``SELECT * { ?s ?p ?o . ?a ?b ?c } ORDER BY ?o`` (a cross product sorted) passed 4 GB
    within seconds of its 10 s time limit, and a few such queries at once, one per worker, could take the machine's
    memory from the server and everything else on it. Past its bound the worker's allocation fails, the worker
    ends, the client gets a 503 and the pool starts a replacement, as after a time limit.
    """
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return max(2**30, physical // 2 // max(1, workers))


def _worker_main(settings: Settings, conn, services: tuple[str, ...] = (), memory: int | None = None) -> None:
    """A worker's life: bound its memory (``memory`` bytes of data, :func:`default_worker_memory`), put up the
    outbound-connection wall (:mod:`graph.egress`: no connection but to the allowed SERVICE ``services`` and the
    remote store), open the store, say ready, answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    try:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
        store_urls = (settings.query_url, settings.update_url, settings.gsp_url) if settings.store == "sparql" else ()
        egress.install(egress.policy(services, store_urls))
        store = open_store(settings, read_only=True)
    except Exception as exc:  # StoreError, or a broken setting: say so instead of dying silently
        conn.send(("failed", str(exc) if isinstance(exc, AscnError) else f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    on_deep_stack(_answer_jobs, store, conn)


ANSWERING_STACK = 256 * 2**20
"""The stack a query text from outside is answered on, in bytes. Oxigraph's parser and evaluator recurse once per
level of a query's nesting: on a main thread's 8 MB, 1,000 nested ``NOT EXISTS``, 2,500 nested braces, ``1+1+…``
with 10,000 terms or 10,000 ``!`` overflowed the stack and killed the process (a worker: a 503 "stopped while
answering" and a replacement, for a few kilobytes of text; ``ascn query``: a segmentation fault). With 256 MB, every
such shape of the longest query the endpoint takes (``ASCN_SPARQL_MAX_QUERY_LENGTH``, 100,000 characters) is
answered; the deepest, 50,000 nested braces, touched about 160 MB. Only the pages a query touches take memory, and a
replaced worker gives them back."""


T = TypeVar("T")


def on_deep_stack(call: Callable[..., T], *args: Any) -> T:
    """``call(*args)`` on a thread of its own with an :data:`ANSWERING_STACK` stack: its value, or its exception.

    For a query text from a person (a query worker's jobs, ``ascn query``, ``import ascn``'s ``query``)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call(*args)
        except BaseException as exc:  # handed to the caller's thread, raised there
            # its frames' locals are let go here: pyoxigraph's answers may be dropped only on the thread that made
            # them, and an error while reading one (a SERVICE refused) printed "RuntimeError: … is unsendable"
            traceback.clear_frames(exc.__traceback__)
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="ascn-deep-stack", daemon=True)  # Ctrl-C still ends a command
    threading.stack_size(ANSWERING_STACK)  # the size of the stacks of threads started from now on
    try:
        thread.start()
    finally:
        threading.stack_size(0)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _answer_jobs(store, conn) -> None:
    """Answer jobs until the pipe closes (on a deep stack: :func:`on_deep_stack`)."""
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            _send(conn, ("ok", answer(store, job)))
        except QueryError as exc:
            conn.send(("query-error", exc.message, exc.position))
        except AnswerTooLarge as exc:
            conn.send(("too-large", str(exc), None))
        except AscnError as exc:
            conn.send(("store-error", str(exc), None))
        except Exception as exc:  # a bug or a library failure: report it, keep the worker
            conn.send(("store-error", f"the query failed: {type(exc).__name__}: {exc}", None))


def _send(conn, message) -> None:
    """``conn.send`` without its per-call ForkingPickler (copyreg tables copied on each call): plain pickle
    suffices for jobs and replies, and the other end's ``recv`` reads it as usual."""
    conn.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))


@dataclass(eq=False)
class _Worker:
    process: mp.process.BaseProcess
    conn: Connection
    pid: int = 0
    started: float = field(default_factory=time.monotonic)
    generation: int = 0
    """The :meth:`QueryPool.recycle` round it was started in: an older worker reads an older content."""
    lane: bool = False
    """A worker of the reserved lane (see :class:`QueryPool`)."""


@dataclass(eq=False)
class _Waiter:
    """A query waiting for a worker, which :meth:`QueryPool._put` hands it."""

    worker: _Worker | None = None


START_WAIT = 120.0
"""Seconds a new worker may take to open the store before its start counts as failed."""


class QueryPool:
    """``size`` worker processes answering queries with a time limit each, and ``lane`` more in a reserved lane.

    Admission: a query takes a free worker; when every one of the ``size`` workers is busy (long queries fill
    them), it takes a worker of the reserved lane, where it may run ``lane_limit`` seconds only, so a short query
    still answers while runaways hold the other workers, and a runaway gets at most that much of the lane. A query
    that finds no free worker within ``admission_wait`` seconds is refused at once (PoolBusy, which the endpoint
    answers 503 with Retry-After) instead of queueing behind queries that may run to the time limit. A freed worker
    of the pool goes to the query waiting longest; a freed worker of the lane goes to the newest, so that after a
    flood of long queries (each of which the lane stops after ``lane_limit``) a short query sent next is served at
    the lane's next turn, not after every query that came before it, while the pool's own workers keep serving the
    waiting queries in order (none waits for ever behind newer ones). Workers being
    renewed after a write (:meth:`recycle`) are starting, not busy: while any is, a query waits for one as long as
    a worker may take to start (:data:`START_WAIT`, not the query's own time limit, which bounds its work), so the
    first queries after a load are answered, not refused, on a machine slow to start them.

    Workers start on first use (or :meth:`start`), so an app that never queries starts none. Killed
    workers are replaced in a background thread; :attr:`replaced` counts them.
    """

    def __init__(
        self,
        settings: Settings,
        size: int = 2,
        services: tuple[str, ...] = (),
        lane: int = 0,
        lane_limit: float = 1.0,
        admission_wait: float | None = None,
        memory: int | None = None,
    ):
        if size < 1:
            raise ValueError("a query pool needs at least one worker")
        self._ctx: ForkServerContext | SpawnContext
        if "forkserver" in mp.get_all_start_methods():
            self._ctx = mp.get_context("forkserver")
            # workers fork from a server that has the libraries imported already: a replacement is ready fast
            self._ctx.set_forkserver_preload(["graph.pool", "graph.backends.oxigraph", *_script_imports()])
        else:
            self._ctx = mp.get_context("spawn")
        self.settings = settings
        self.services = tuple(services)
        """The SERVICE endpoints the operator allowed: the workers may connect to these (and the store) only."""
        self.size = size
        self.lane = lane
        self.lane_limit = lane_limit
        self.admission_wait = admission_wait
        """Seconds a query may wait for a free worker; None: as long as its own time limit."""
        self.memory = memory or default_worker_memory(size + lane)
        """Bytes of data each worker may map (:func:`default_worker_memory`)."""
        self.replaced = 0
        self._free: dict[bool, list[_Worker]] = {False: [], True: []}  # lane? → idle workers
        self._freed = threading.Condition(threading.Lock())
        self._waiting: list[_Waiter] = []
        """The queries waiting for a worker, the oldest first (guarded by ``_freed``)."""
        self._live: set[_Worker] = set()
        self._renewing = 0
        """Workers being started in place of ones renewed because the graph changed (guarded by ``_freed``)."""
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self._generation = 0

    # -- life cycle ----------------------------------------------------------------------------
    def start(self) -> None:
        """Start the workers and wait until each has opened the store (raises StoreError if one cannot)."""
        with self._lock:
            if self._started:
                return
            if self._closed:
                raise StoreError("the query pool is closed")
            pending = [self._launch() for _ in range(self.size)] + [self._launch(lane=True) for _ in range(self.lane)]
            try:
                for worker in pending:
                    self._await_ready(worker)
            except StoreError:
                for worker in pending:
                    self._kill(worker)
                raise
            for worker in pending:
                self._live.add(worker)
                self._put(worker)
            self._started = True

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers, self._live = list(self._live), set()
        for worker in workers:
            self._kill(worker)

    def recycle(self) -> None:
        """Replace every worker by one that opens the store afresh, so queries see what was just written.

        A worker's read-only handle sees the content as it was when opened (and an embedded write switches to a
        new database), so after a write the workers must be renewed. Idle workers are replaced now; a busy one
        finishes its query and is replaced when it hands the answer back. Nothing is done before the start.
        """
        with self._lock:
            if not self._started or self._closed:
                return
            self._generation += 1
        with self._freed:
            idle = self._free[False] + self._free[True]
            self._free = {False: [], True: []}
        for worker in idle:
            self._replace(worker, reason="the graph changed")

    def pids(self) -> list[int]:
        """The process ids of the live workers."""
        with self._lock:
            return sorted(w.pid for w in self._live)

    # -- queries -------------------------------------------------------------------------------
    def run(self, job: Job, timeout: float) -> Reply:
        """Answer ``job`` within ``timeout`` seconds of work, or raise QueryTimeout (worker killed).

        Waits at most ``admission_wait`` (else ``timeout``) seconds for a free worker (PoolBusy); on the reserved
        lane the limit is ``lane_limit`` and passing it raises PoolBusy too. Raises QueryError for a bad query and
        StoreError when the store fails or a worker dies.
        """
        self.start()
        wait = timeout if self.admission_wait is None else self.admission_wait
        for _attempt in range(2):
            worker = self._take(wait, START_WAIT)
            while worker.generation != self._generation:  # started before the last recycle: renew it
                self._replace(worker, reason="the graph changed")
                worker = self._take(wait, START_WAIT)
            try:
                _send(worker.conn, job)
            except (OSError, ValueError):  # the worker died while idle: replace it, try another
                self._replace(worker)
                continue
            return self._collect(worker, min(timeout, self.lane_limit) if worker.lane else timeout, timeout)
        raise StoreError("query workers keep failing; see the server log")

    def _collect(self, worker: _Worker, limit: float, timeout: float) -> Reply:
        if not worker.conn.poll(limit):
            self._replace(worker)
            if limit < timeout:
                raise PoolBusy(
                    f"all {self.size} query workers are busy with long queries, and this query needed "
                    f"more than the {limit:g} s the reserved lane gives; try again later"
                )
            raise QueryTimeout(f"the query was stopped after {timeout:g} s, its time limit")
        try:
            status, *payload = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            raise StoreError("the query worker stopped while answering (out of memory?); it was replaced") from None
        if worker.generation == self._generation:
            self._put(worker)
        else:
            self._replace(worker, reason="the graph changed")
        if status == "ok":
            return payload[0]
        if status == "query-error":
            raise QueryError(payload[0], position=payload[1])
        if status == "too-large":
            raise AnswerTooLarge(payload[0])
        raise StoreError(payload[0])

    def _take(self, wait: float, renewal_wait: float) -> _Worker:
        """A free worker: one of the pool's, else one of the reserved lane's, else the one :meth:`_put` hands this
        query when freed; PoolBusy after ``wait`` seconds, or after ``renewal_wait`` while workers renewed after a
        write are starting."""
        now = time.monotonic()
        deadline, renewed_by = now + wait, now + max(wait, renewal_wait)
        with self._freed:
            for lane in (False, True):
                if self._free[lane]:
                    return self._free[lane].pop()
            me = _Waiter()
            self._waiting.append(me)
            while me.worker is None:
                left = (renewed_by if self._renewing else deadline) - time.monotonic()
                if left <= 0:
                    self._waiting.remove(me)
                    raise PoolBusy(
                        f"all {self.size + self.lane} query workers stayed busy for {wait:g} s; try again later"
                    )
                self._freed.wait(left)
            return me.worker

    def _put(self, worker: _Worker, renewed: bool = False) -> None:
        """Hand ``worker`` to a waiting query (the lane's to the newest, the pool's to the oldest), or keep it free."""
        with self._freed:
            self._renewing -= renewed
            if self._waiting:
                self._waiting.pop(-1 if worker.lane else 0).worker = worker
                self._freed.notify_all()
            else:
                self._free[worker.lane].append(worker)

    def _renewal_over(self) -> None:
        """A renewal ends without a worker (the pool closed): waiting queries stop counting on it."""
        with self._freed:
            self._renewing -= 1
            self._freed.notify_all()

    # -- workers -------------------------------------------------------------------------------
    def _launch(self, lane: bool = False) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=_worker_main,
            args=(self.settings, child, self.services, self.memory),
            daemon=True,
            name="ascn-query-worker",
        )
        process.start()
        child.close()
        return _Worker(process, parent, generation=self._generation, lane=lane)

    def _await_ready(self, worker: _Worker, wait: float = START_WAIT) -> None:
        if not worker.conn.poll(wait):
            raise StoreError(f"a query worker did not start within {wait:g} s")
        try:
            status, detail = worker.conn.recv()
        except (EOFError, OSError):
            raise StoreError("a query worker stopped while opening the store") from None
        if status != "ready":
            raise StoreError(f"a query worker could not open the store: {detail}")
        worker.pid = detail

    def _kill(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=10)
        worker.conn.close()

    def _replace(self, worker: _Worker, reason: str | None = None) -> None:
        """Kill ``worker`` now; start its successor in the background."""
        with self._lock:
            self._live.discard(worker)
        self._kill(worker)
        if reason:
            log.info("query worker %s renewed: %s", worker.pid, reason)
            with self._freed:
                self._renewing += 1
        else:
            log.warning("query worker %s stopped; starting a replacement", worker.pid)
        threading.Thread(
            target=self._respawn, args=(worker.lane, bool(reason)), name="ascn-pool-respawn", daemon=True
        ).start()

    def _respawn(self, lane: bool = False, renewal: bool = False) -> None:
        try:
            put = self._start_replacement(lane, renewal)
        finally:
            if renewal and not put:
                self._renewal_over()

    def _start_replacement(self, lane: bool, renewal: bool) -> bool:
        """Start a worker in the background until one opens the store (retrying with a growing delay) and put it
        in the pool; False when the pool closed first."""
        delay = 0.5
        while not self._closed:
            worker = self._launch(lane)
            try:
                self._await_ready(worker)
            except StoreError as exc:
                self._kill(worker)
                if self._closed:
                    return False
                log.error("%s; retrying in %.1f s", exc, delay)
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            with self._lock:
                if not self._closed:
                    self._live.add(worker)
                    self.replaced += 1
                    self._put(worker, renewed=renewal)
                    return True
            self._kill(worker)
            return False
        return False
