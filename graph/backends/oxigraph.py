"""The embedded default: a persistent pyoxigraph (RocksDB) store in a per-user data directory.

Every write is one pyoxigraph transaction, so a crash or ``kill -9`` leaves either the old or the new
content. A rebuild writes a complete new database beside the live one and then switches the ``current``
link with one atomic rename, so readers never see a half-built graph.

Nothing here deletes a store that may hold users' graphs. Each graph loaded from a file is also kept as an
N-Quads snapshot in ``graphs/`` beside the stores (written atomically once the load is live, removed by an
unload), and opening checks the data directory before trusting it: a missing or dangling ``current`` link, an
emptied store, a lost RocksDB file or a store that lost graphs its snapshots hold is a :class:`StoreDamaged`
error naming the damage and ``ascn repair``, never a silent fresh store. :meth:`OxigraphStore.repair` builds a
fresh store from the bundled graphs and the snapshots (and whatever else it can still read), and moves every
earlier store into ``set-aside/`` instead of deleting it.

A file load takes the same road at RocksDB's speed: a checkpoint of the live database (hard links, no copy),
the old graph removed from it, the file bulk-loaded into it (pyoxigraph's ``bulk_load``, as ``oxigraph load``
does), the caller's check run on it, and only then the ``current`` switch. A refused file or a crash leaves a
``.partial`` directory that the next open deletes.

Each store directory keeps the key of its content (:meth:`OxigraphStore.version`) in a file beside RocksDB's: a
new store gets its key before it goes live, so the ``current`` switch changes content and key at once, and an
update in place removes the key before it writes and sets a new one after. A restart on the same content thus
reads the same key, and what was derived from that content (kept in ``derived/``) is still valid.
"""

from __future__ import annotations

import csv
import fcntl
import gc
import hashlib
import io
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager, suppress
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, overload
from xml.parsers import expat

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.backends.common import (
    check_iri,
    drop_update,
    literal,
    query_error,
    replace_update,
    serialized,
)
from graph.config import Settings
from graph.errors import StoreDamaged, StoreError, StoreLocked
from graph.formats import FORMATS, Written, export_format, write
from graph.sparql_text import inspect_query
from graph.store import Answer, Staged, Table
from ontology import PREFIXES
from ontology.errors import InputError
from queries.errors import QueryError

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

__all__ = ["OxigraphStore", "query_error"]

REPAIR = "run `ascn repair` to rebuild it and restore the loaded graphs from their snapshots"
_FILLED = "ascn-store"
"""A file a finished store directory holds beside RocksDB's own: an empty store without it is new, with it lost."""
_VERSION = "ascn-version"
"""The file in a store directory that holds the key of its content; missing while an update in place runs."""


class OxigraphStore:
    """A :class:`graph.store.Store` on pyoxigraph; ``path=None`` gives an in-memory store (for tests)."""

    copy_limit = 250_000
    """Up to this many quads outside the loaded graph, a load checks the file on an in-memory copy.

    The copy goes through Python objects, a cost that grows with the store, while checking a small file on a
    checkpoint of a large store costs a fixed few seconds, so the limit sits where the two meet (benchmarks/README.md
    has the figures)."""

    lock_file = None
    """No lock file: RocksDB lets one process open the store read-write, and an ``ascn`` command beside the ``ascn
    serve`` that holds it is run by that server (:mod:`webapp.served`)."""

    version_is_exact = True
    """:meth:`version` changes at every write and at nothing else, and costs nothing to read: what is kept per
    version (the web app's answer cache) may trust it."""

    def __init__(self, store: ox.Store, data_dir: Path | None = None, live: Path | None = None, key: str | None = None):
        self._store = store
        self._data_dir = data_dir
        self._live = live
        self._version = key or uuid.uuid4().hex
        self.version_lasts = key is not None
        """Whether :meth:`version` is the key kept with the content, the same at the next opening: what is
        derived from the content may then be kept on disk under it. A store in memory, a store written before keys
        were kept (until its owner opens it) and a read-only handle opened while an update ran have a key of
        their own, unknown to any other handle."""

    def version(self) -> str:
        """The key of the content, new at each write and kept with it (see the module's docstring), read in no time.

        Exact because no one else can write: RocksDB lets one handle in one process hold the write lock, and a
        read-only handle (a query worker's) sees the content as it was when opened. Reading the key from the
        content instead (as the remote backend must) took a second per recommendation at 300k triples.
        """
        return self._version

    @classmethod
    def open(cls, settings: Settings) -> OxigraphStore:
        """Open the live store, or make the first one in a new data directory; StoreDamaged if damaged.

        A data directory that cannot be made (a file of that name, a path under a file or under /proc) is a
        StoreError naming it: it was mkdir's traceback."""
        data_dir = settings.data_dir
        try:
            (data_dir / "stores").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot make the data directory {data_dir}: {exc.strerror or exc} "
                "(--data-dir or ASCN_DATA_DIR names another)"
            ) from None
        _remove_partials(data_dir)
        current = data_dir / "current"
        if not current.is_symlink() and not current.exists() and _is_new(data_dir):
            _switch_current(data_dir, _new_store_dir(data_dir, ready=True))
        target = _live_dir(data_dir)
        checked = _open_checked(data_dir, target, ox.Store)
        store = cls(checked, data_dir, target, _read_version(target) or _write_version(target))
        _remove_replaced(data_dir, target)
        return store

    @classmethod
    def open_read_only(cls, settings: Settings) -> OxigraphStore:
        """A read-only handle on the live store, for query workers beside the one read-write owner.

        RocksDB lets one process hold the read-write lock (``ascn serve``), while any number of
        read-only handles read the files as they were when opened; writes through this handle fail.
        """
        data_dir = settings.data_dir
        if not (data_dir / "current").is_symlink() and _is_new(data_dir):
            raise StoreError(f"no store at {data_dir}: run `ascn build` first")
        for attempt in range(5):
            try:
                return cls._read_only(data_dir)
            except StoreDamaged as exc:
                # the owner compacting while this handle reads the file list: a file it names is gone a moment
                # later, and the next attempt reads the new list; a truly missing file stays missing
                if "No such file or directory" not in exc.damage:
                    raise
                time.sleep(0.05 * 2**attempt)
        return cls._read_only(data_dir)

    @classmethod
    def _read_only(cls, data_dir: Path) -> OxigraphStore:
        """A read-only handle with the content's key when the key read before opening is still there after: an
        update in place removes the key before it writes, so the content seen is the one the key names."""
        target = _live_dir(data_dir)
        before = _read_version(target)
        store = _open_checked(data_dir, target, ox.Store.read_only)
        return cls(store, key=before if before is not None and _read_version(target) == before else None)

    @classmethod
    def repair(cls, settings: Settings, graphs: Mapping[str, Graph], keep: Callable[[str], bool]) -> dict:
        """A fresh live store holding ``graphs``, every snapshot, and each graph ``keep`` accepts that an earlier
        store still yields (newest store first); every earlier store is moved into ``set-aside/``.

        Returns what it did: ``restored`` (graphs from snapshots), ``salvaged`` (graphs read from an earlier
        store, now snapshotted too) and ``set_aside`` (the directories moved).
        """
        data_dir = settings.data_dir
        (data_dir / "stores").mkdir(parents=True, exist_ok=True)
        with _writers_kept_out(data_dir):
            return cls._repair(data_dir, graphs, keep)

    @classmethod
    def _repair(cls, data_dir: Path, graphs: Mapping[str, Graph], keep: Callable[[str], bool]) -> dict:
        _remove_partials(data_dir)
        for name in graphs:
            check_iri(name)
        earlier = sorted(
            (p for p in (data_dir / "stores").iterdir() if not p.name.endswith(".partial")),
            key=lambda p: (p != _link_target(data_dir), -p.stat().st_mtime),
        )
        target = _new_store_dir(data_dir, ready=False)
        fresh = _open_path(target)
        fresh.bulk_extend(_quads(graphs))
        restored: list[str] = []
        for path in sorted(_snapshots(data_dir).glob("*.nq")):
            fresh.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
            snapshotted = _snapshot_graph(path)
            if snapshotted is not None:
                restored.append(snapshotted)
        salvaged: list[str] = []
        for path in earlier:
            for name, quads in _readable_graphs(path, keep, skip={*graphs, *restored, *salvaged}):
                fresh.bulk_extend(quads)
                salvaged.append(name)
        fresh.flush()
        del fresh
        gc.collect()
        ready = _finish(target)
        aside = data_dir / "set-aside" / time.strftime("%Y%m%dT%H%M%S")
        current = data_dir / "current"
        if current.exists() and not current.is_symlink():  # a file or directory where the link belongs
            aside.mkdir(parents=True, exist_ok=True)
            current.rename(aside / "current")
            earlier.append(aside / "current")
        _switch_current(data_dir, ready)
        repaired = cls(_open_path(ready), data_dir, ready, _read_version(ready))
        for name in salvaged:
            repaired._snapshot(name)
        set_aside = []
        for path in earlier:
            if path.parent != aside:
                aside.mkdir(parents=True, exist_ok=True)
                path = path.rename(aside / path.name)
            set_aside.append(str(path))
        repaired.close()
        return {"restored": restored, "salvaged": salvaged, "set_aside": set_aside}

    @classmethod
    def in_memory(cls) -> OxigraphStore:
        return cls(ox.Store())

    # -- reading -------------------------------------------------------------------------------
    def query(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
    ) -> Answer:
        with _query_errors(sparql):
            result = self._store.query(sparql, **_dataset(sparql, default_graphs, named_graphs))
            if isinstance(result, ox.QueryBoolean):
                return bool(result)
            if isinstance(result, ox.QuerySolutions):
                variables = [v.value for v in result.variables]
                return Table(variables, [tuple(_to_rdflib(t) for t in row) for row in islice(result, max_rows)])
            graph = Graph()
            for triple in islice(result, max_rows):
                graph.add((_to_rdflib(triple.subject), _to_rdflib(triple.predicate), _to_rdflib(triple.object)))
            return graph

    def values(self, sparql: str) -> Table:
        with _query_errors(sparql):
            result = self._store.query(sparql, **_dataset(sparql, None, None))
            if not isinstance(result, ox.QuerySolutions):
                raise QueryError("expected a SELECT query: plain values are read from a table")
            return Table(
                [v.value for v in result.variables],
                [tuple(None if t is None else t.value or None for t in row) for row in result],
            )

    def query_written(
        self,
        sparql: str,
        formats: Mapping[str, str | None],
        limit: int,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        has_dataset_clause: bool | None = None,
    ) -> Written:
        """Run a query and write its answer with pyoxigraph's own writers, at most ``limit`` rows (triples).

        The query workers' path (:func:`graph.pool.answer`): no rdflib term is made, so an answer costs about
        what it costs Oxigraph's own server. ``formats`` maps each kind of answer to a format name of
        :data:`graph.formats.FORMATS`; the dataset and the errors are those of :meth:`query`
        (``has_dataset_clause``, when the caller knows it, saves reading the text again).
        """
        with _query_errors(sparql):
            result = self._store.query(sparql, **_dataset(sparql, default_graphs, named_graphs, has_dataset_clause))
            return _written(result, formats, limit)

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def export(self, format: str) -> bytes:
        fmt = export_format(format)
        if fmt.dataset:
            return serialized(self._store.dump(format=_RDF[fmt.name], prefixes=PREFIXES))
        union = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
        assert isinstance(union, ox.QueryTriples)  # a CONSTRUCT answers triples
        return serialized(ox.serialize(union, format=_RDF[fmt.name], prefixes=PREFIXES))

    # -- writing -------------------------------------------------------------------------------
    def replace_graphs(self, graphs: Mapping[str, Graph]) -> None:
        self._update(replace_update(graphs))

    def drop_graphs(self, names: list[str]) -> None:
        """Drop the graphs, then compact: RocksDB keeps a dropped graph as tombstones that every later scan
        wades through, taking disk space and slowing every read until a compaction removes them.

        Their snapshots go first: a snapshot of a graph the store does not hold says the store lost it (damaged),
        and Ctrl-C during the drop or the compaction (seconds for a large graph) left just that. Stopped before
        the drop, the graph is still there, to unload again."""
        for name in names:
            if self._data_dir is not None:
                _snapshot_path(self._data_dir, name).unlink(missing_ok=True)
        self._update(drop_update(names))
        self._store.optimize()

    def replace_graph_from_file(self, name: str, path: Path, format: str, check: Callable[[Staged], None]) -> int:
        """Stage the file beside the live store, check it, then switch (see the module's docstring).

        When the rest of the store is small (up to ``copy_limit`` quads, as with the bundled build plus a few
        files), the file is parsed twice at once: into an in-memory copy of the future dataset, where the check
        runs at memory speed, and on another thread into the new on-disk database. A larger store is
        checkpointed instead and checked on disk.
        """
        target = ox.NamedNode(check_iri(name))
        if self._data_dir is None:
            others = _quads_besides(self._store, target)
            self._store, count, _ = _checked_copy(others, target, name, path, format, check)
            self._version = uuid.uuid4().hex
            return count
        staging = _new_store_dir(self._data_dir, ready=False)
        fresh = None
        snapshot = None
        try:
            if _others_at_most(self._store, target, self.copy_limit):
                others = _quads_besides(self._store, target)
                fresh = _open_path(staging)
                fresh.bulk_extend(others)
                with ThreadPoolExecutor(1) as pool:
                    loading = pool.submit(_load_file, fresh, target, path, format)
                    try:
                        # the snapshot is written from the checked copy, in memory, while the bulk load goes on:
                        # read back from the new database it took as long as the bulk load itself
                        memory, count, snapshot = _checked_copy(
                            others, target, name, path, format, check, self._data_dir, lenient=True
                        )
                        del memory
                    except BaseException:
                        wait([loading])
                        refused = loading.exception()
                        if isinstance(refused, InputError):  # the strict reading's refusal: the copy's was lenient
                            raise refused from None
                        raise
                    finally:
                        wait([loading])
                    loading.result()  # the same parser read the same file: the copy's count is the database's
            else:
                staging.rmdir()  # a RocksDB checkpoint makes its own directory
                self._store.backup(str(staging))
                fresh = _open_path(staging)
                fresh.remove_graph(target)
                _load_file(fresh, target, path, format)
                count = _count(fresh, target)
                snapshot = _checked(fresh, target, name, count, check, self._data_dir)
            fresh.flush()
        except BaseException:
            fresh = None
            gc.collect()
            shutil.rmtree(staging, ignore_errors=True)
            if snapshot is not None:
                snapshot.unlink(missing_ok=True)
            raise
        del fresh
        gc.collect()
        self._go_live(staging)
        assert snapshot is not None  # a store on disk keeps one for each loaded graph
        os.replace(snapshot, _snapshot_path(self._data_dir, name))
        return count

    @property
    def _on_disk(self) -> Path:
        """The data directory, for what only a store on disk does (an in-memory store's writes never get there)."""
        if self._data_dir is None:
            raise StoreError("an in-memory store has no data directory")
        return self._data_dir

    def _snapshot(self, name: str) -> None:
        """Write the graph ``name`` as N-Quads beside the stores, atomically (a temporary file renamed over)."""
        os.replace(_write_snapshot(self._store, self._on_disk, name)[0], _snapshot_path(self._on_disk, name))

    def rebuild(self, graphs: Mapping[str, Graph], keep: list[str]) -> None:
        for name in [*graphs, *keep]:
            check_iri(name)
        if self._data_dir is None:
            self._store.clear()
            self._store.extend(_quads(graphs))
            self._version = uuid.uuid4().hex
            return
        target = _new_store_dir(self._data_dir, ready=False)
        fresh = _open_path(target)
        kept = [q for name in keep for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(name))]
        fresh.extend(_quads(graphs))
        fresh.extend(kept)
        fresh.flush()
        del fresh
        gc.collect()
        self._go_live(target)
        for name in keep:  # graphs loaded before snapshots were kept get theirs now
            if not _snapshot_path(self._data_dir, name).exists():
                self._snapshot(name)

    def _go_live(self, target: Path) -> None:
        """Mark the complete database ``target`` ready, switch ``current`` to it and delete the old one."""
        ready = _finish(target)
        old = (self._on_disk / "current").resolve()
        _switch_current(self._on_disk, ready)
        self._store = _open_path(ready)
        self._live = ready
        self._version = _read_version(ready) or _write_version(ready)
        gc.collect()
        shutil.rmtree(old, ignore_errors=True)

    def close(self) -> None:
        with suppress(AttributeError):  # closed before
            del self._store
        gc.collect()

    def _update(self, update: str) -> None:
        self._version = uuid.uuid4().hex  # before: a failed update may still have changed something
        if self._live is not None:  # kept while the content may change: a crash now leaves no key (a new one later)
            (self._live / _VERSION).unlink(missing_ok=True)
        try:
            self._store.update(update)
        except (SyntaxError, RuntimeError) as exc:
            raise StoreError(f"the store refused the update (nothing was changed): {exc}") from None
        except OSError as exc:
            raise StoreError(f"the store failed while writing (nothing was changed): {exc}") from exc
        finally:
            if self._live is not None:
                self._version = _write_version(self._live)


def _open_path(path: Path) -> ox.Store:
    try:
        return ox.Store(str(path))
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise StoreLocked(path) from None
        raise StoreError(f"cannot open the store at {path}: {exc}") from exc


@contextmanager
def _writers_kept_out(data_dir: Path):
    """Hold the RocksDB lock of every store in ``data_dir`` while a repair runs; StoreLocked if a process holds one.

    A repair opens no store read-write, so it took no lock: beside an ``ascn load`` (or a second repair) it switched
    ``current`` and moved the store that process was writing into ``set-aside/``, and that process's switch then put
    its own store back live without the repair, or wrote into a store set aside. RocksDB locks its ``LOCK`` file with
    ``fcntl``; the same lock, taken here, refuses a writer that comes while the repair runs (its open fails as
    :class:`StoreLocked`). A process's ``fcntl`` locks go when it closes any descriptor of the file, so this is for
    a process that has none of these stores open (``ascn repair``, which runs alone)."""
    held: list[int] = []
    try:
        for lock in sorted((data_dir / "stores").glob("*/LOCK")):
            try:
                descriptor = os.open(lock, os.O_RDWR | os.O_NOFOLLOW)
            except OSError:
                continue  # gone, or not ours to open: no process of ours writes it either
            held.append(descriptor)
            try:
                fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise StoreLocked(lock.parent) from None
        yield
    finally:
        for descriptor in held:
            os.close(descriptor)


def _new_store_dir(data_dir: Path, ready: bool) -> Path:
    name = f"store-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    path = data_dir / "stores" / (name if ready else name + ".partial")
    path.mkdir(parents=True)
    return path


def _finish(target: Path) -> Path:
    """Mark the complete database ``target`` finished, give it a new key and drop its ``.partial`` suffix."""
    (target / _FILLED).write_text("a finished ascn-kg store\n")
    _write_version(target)
    ready = target.with_name(target.name.removesuffix(".partial"))
    target.rename(ready)
    return ready


def _read_version(target: Path) -> str | None:
    """The key kept in the store directory ``target``; None when there is none."""
    try:
        return (target / _VERSION).read_text(encoding="ascii").strip() or None
    except FileNotFoundError:
        return None


def _write_version(target: Path) -> str:
    """A new key for the content of ``target``, written atomically (a temporary file renamed over)."""
    key = uuid.uuid4().hex
    tmp = target / f"{_VERSION}.{os.getpid()}.tmp"
    tmp.write_text(key + "\n", encoding="ascii")
    os.replace(tmp, target / _VERSION)
    return key


def _switch_current(data_dir: Path, target: Path) -> None:
    """Point ``current`` at ``target`` with one atomic rename (a symlink swap)."""
    tmp = data_dir / f"current.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target.relative_to(data_dir))
    os.replace(tmp, data_dir / "current")


def _remove_partials(data_dir: Path) -> None:
    """Delete what an interrupted write left behind: partial databases of dead processes and stale links."""
    for path in (data_dir / "stores").iterdir():
        if path.name.endswith(".partial") and not _owned_by_live_process(path):
            shutil.rmtree(path, ignore_errors=True)
    for tmp in data_dir.glob("current.*.tmp"):
        tmp.unlink(missing_ok=True)
    for tmp in _snapshots(data_dir).glob("*.tmp"):  # a snapshot written for a load that never went live
        if not _alive(int(tmp.name.rsplit(".", 2)[1])):
            tmp.unlink(missing_ok=True)


def _remove_replaced(data_dir: Path, live: Path) -> None:
    """Delete the stores an interrupted switch left beside the live one, once the live one opened and checked:
    a rebuild or load copies every kept graph into its new store before switching, so they hold nothing more."""
    for path in (data_dir / "stores").iterdir():
        if path != live and not path.name.endswith(".partial"):
            shutil.rmtree(path, ignore_errors=True)


def _is_new(data_dir: Path) -> bool:
    """Whether the data directory never held a store: no finished store and no snapshot."""
    stores = data_dir / "stores"
    finished = stores.is_dir() and any(not p.name.endswith(".partial") for p in stores.iterdir())
    return not finished and not any(_snapshots(data_dir).glob("*.nq"))


def _link_target(data_dir: Path) -> Path | None:
    link = data_dir / "current"
    return (data_dir / os.readlink(link)) if link.is_symlink() else None


def _live_dir(data_dir: Path) -> Path:
    """The store directory ``current`` points at, checked to be a finished RocksDB database; StoreDamaged if not."""
    link = data_dir / "current"
    target = _link_target(data_dir)
    if target is None:
        if link.exists():
            raise StoreDamaged(data_dir, f"{link} is not a link to a store")
        raise StoreDamaged(data_dir, f"the link {link} is missing")
    if not target.is_dir():
        raise StoreDamaged(data_dir, f"the link {link} points to {os.readlink(link)}, which is not a store directory")
    if not any(target.iterdir()) and any(_snapshots(data_dir).glob("*.nq")):  # else: a first store, never filled
        raise StoreDamaged(data_dir, f"the store directory {target} is empty")
    if not (target / "CURRENT").is_file() and (
        (target / _FILLED).exists() or any(target.glob("*.sst")) or any(target.glob("MANIFEST-*"))
    ):
        raise StoreDamaged(data_dir, f"RocksDB's CURRENT file is missing from {target}")
    return target


def _open_checked(data_dir: Path, target: Path, opener) -> ox.Store:
    """Open ``target`` with ``opener`` and check it holds every graph a snapshot holds; StoreDamaged if not."""
    try:
        store = opener(str(target))
    except OSError as exc:
        if "lock" in str(exc).lower():
            _open_path(target)  # raises the message about the other process
        raise StoreDamaged(data_dir, f"RocksDB cannot open {target} ({str(exc)[:300]})") from None
    except RuntimeError as exc:  # RocksDB's "Corruption: ..."
        raise StoreDamaged(data_dir, f"RocksDB cannot open {target} ({str(exc)[:300]})") from None
    try:
        graphs = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    except (OSError, RuntimeError) as exc:
        raise StoreDamaged(data_dir, f"RocksDB cannot read {target} ({str(exc)[:300]})") from None
    if not graphs and (target / _FILLED).exists():
        raise StoreDamaged(data_dir, f"the store {target} has lost all its graphs (a damaged MANIFEST?)")
    missing = sorted(
        name
        for name in map(_snapshot_graph, _snapshots(data_dir).glob("*.nq"))
        if name is not None and name not in graphs
    )
    if missing:
        raise StoreDamaged(data_dir, f"the store {target} has lost loaded graphs: {', '.join(missing)}")
    return store


def _snapshots(data_dir: Path) -> Path:
    return data_dir / "graphs"


def _snapshot_path(data_dir: Path, name: str) -> Path:
    """The snapshot file of the graph ``name``: its IRI's last segment (for people) and a hash (to be unique)."""
    tail = "".join(c if c.isalnum() or c in "._-" else "_" for c in name.rstrip("/").rsplit("/", 1)[-1])[:60]
    return _snapshots(data_dir) / f"{tail}-{hashlib.sha256(name.encode()).hexdigest()[:12]}.nq"


def _snapshot_graph(path: Path) -> str | None:
    """The graph a snapshot holds, read from its first quad (None for an empty graph, which cannot be lost)."""
    with open(path, "rb") as f:
        first = next(iter(ox.parse(f.readline(), format=ox.RdfFormat.N_QUADS)), None)
    return first.graph_name.value if first is not None else None


def _readable_graphs(path: Path, keep: Callable[[str], bool], skip: set[str]):
    """The graphs ``keep`` accepts that the store at ``path`` still yields whole, as (name, quads); none if it
    cannot be read."""
    try:
        store = ox.Store.read_only(str(path))
        names = [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    except (OSError, RuntimeError):
        return []
    found = []
    for name in names:
        if keep(name) and name not in skip:
            try:
                found.append((name, list(store.quads_for_pattern(None, None, None, ox.NamedNode(name)))))
            except (OSError, RuntimeError):
                continue
    return found


def _owned_by_live_process(path: Path) -> bool:
    return _alive(int(path.name.split("-")[2]))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_RDF = {f.name: ox.RdfFormat.from_media_type(f.media_type) for f in (*FORMATS["export"], *FORMATS["load"])}
"""pyoxigraph's format for each RDF format of :mod:`graph.formats`, found by its media type."""
_RDF_XML = next(f for f in FORMATS["graph"] if f.name == "rdfxml")
_RESULTS = {f.name: ox.QueryResultsFormat.from_media_type(f.media_type) for f in FORMATS["results"]}
_BULK = {"turtle", "ntriples", "rdfxml"}
"""Formats whose every triple lands in ``to_graph``; JSON-LD and N3 can name graphs of their own, so their
quads are read one by one and any outside the default graph refused."""


def _others_at_most(store: ox.Store, target: ox.NamedNode, limit: int) -> bool:
    """Whether ``store`` holds at most ``limit`` quads outside ``target``: counted in Rust, so deciding never
    copies a large store into Python."""
    total = len(store)
    return total <= limit or (store.contains_named_graph(target) and total - _count(store, target) <= limit)


def _quads_besides(store: ox.Store, target: ox.NamedNode) -> list[ox.Quad]:
    """The quads of ``store`` outside the graph ``target``, read graph by graph (never scanning it)."""
    graphs = [ox.DefaultGraph(), *(g for g in store.named_graphs() if g != target)]
    return [q for g in graphs for q in store.quads_for_pattern(None, None, None, g)]


def _checked_copy(
    others: list[ox.Quad],
    target: ox.NamedNode,
    name: str,
    path: Path,
    format: str,
    check: Callable[[Staged], None],
    data_dir: Path | None = None,
    lenient: bool = False,
) -> tuple[ox.Store, int, Path | None]:
    """An in-memory store of ``others`` plus the file in ``target``, once ``check`` has accepted it, the file's
    triple count and, with ``data_dir``, the graph's snapshot in a temporary file (see :func:`_checked`).

    ``lenient`` reads the file without the parser's checks of each IRI and language tag (see :func:`_load_file`):
    only for a copy made beside a strict reading of the same file, whose refusal the caller puts first."""
    memory = ox.Store()
    memory.bulk_extend(others)
    _load_file(memory, target, path, format, in_memory=True, lenient=lenient)
    count = len(memory) - len(others)  # others hold no quad of target: a fraction of a COUNT query's time
    return memory, count, _checked(memory, target, name, count, check, data_dir)


def _checked(
    store: ox.Store,
    target: ox.NamedNode,
    name: str,
    count: int,
    check: Callable[[Staged], None],
    data_dir: Path | None,
) -> Path | None:
    """Run ``check`` on the staged graph ``target`` of ``store``; with ``data_dir``, return the graph's snapshot,
    written to a temporary file by the check's first :attr:`Staged.search` (one reading of the graph for both) or
    after the check. A refusal leaves no temporary file."""
    text = _GraphText(store, target, name, data_dir)
    try:
        check(Staged(name, count, OxigraphStore(store).query, text.search))
        return None if data_dir is None else text.snapshot()
    except BaseException:
        text.discard()
        raise


def _count(store: ox.Store, target: ox.NamedNode) -> int:
    count = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{target.value}> {{ ?s ?p ?o }} }}")
    assert isinstance(count, ox.QuerySolutions)  # a SELECT answers solutions
    return int(next(iter(count))[0].value)


def _load_file(
    store: ox.Store, target: ox.NamedNode, path: Path, format: str, in_memory: bool = False, lenient: bool = False
) -> None:
    """Bulk-load the triples of ``path`` into the graph ``target``.

    A store ``in_memory`` reads the file by ``Store.load`` (one transaction, the same parser and errors): at 3M
    triples 8.9 CPU s and 1.08 GB, where its ``bulk_load`` took 10.5 s and 1.33 GB (benchmarks/README.md).

    ``lenient`` (an in-memory copy only, of Turtle, N-Triples or RDF/XML) skips the parser's checks of each IRI and
    language tag: a valid file gives the same triples, an invalid one may give broken terms instead of an error,
    so it is only for a copy whose file is read strictly at the same time."""
    if format not in _LOADABLE:
        raise StoreError(f"cannot load {format!r} files; choose one of: {', '.join(_LOADABLE)}")
    try:
        if format in _BULK:
            if in_memory:
                store.load(path=str(path), format=_RDF[format], to_graph=target, lenient=lenient)
            else:
                store.bulk_load(path=str(path), format=_RDF[format], to_graph=target)
        else:
            store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, target) for q in triples_of(path, format))
    except (SyntaxError, MemoryError) as exc:
        raise syntax_error(path, format, exc) from None
    except OSError as exc:
        raise StoreError(f"the store failed while loading {path.name} (nothing was changed): {exc}") from exc


def _write_snapshot(
    store: ox.Store, data_dir: Path, name: str, patterns: Sequence[re.Pattern[bytes]] = ()
) -> tuple[Path, bytes | None]:
    """Write the graph ``name`` of ``store`` as N-Quads to a temporary file beside its snapshot, synced to disk,
    and search its lines for ``patterns`` on the way (see :class:`_NQuads`); return the file and the first match.
    The caller renames the file over the snapshot once the graph is live (or deletes it)."""
    path = _snapshot_path(data_dir, name)
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as out:
            lines = _NQuads(patterns, out, name)
            store.dump(lines, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, lines.found


class _NQuads(io.BytesIO):
    """A file for the store's N-Triples writer: each complete line is searched for each of ``patterns`` (the first
    match kept in :attr:`found`) and, given ``out``, written there as N-Quads in the graph ``name``.

    The store writes one triple a line, each ending in `` .\\n``, and escapes a line break in a literal, so that
    ending marks the end of a triple and nothing else: the snapshot is the store's own N-Triples with the graph put
    before each end, written at Rust speed rather than made of one Python object per quad, and the search reads
    the same text.
    """

    def __init__(self, patterns: Sequence[re.Pattern[bytes]], out: io.BufferedWriter | None = None, name: str = ""):
        super().__init__()
        self._patterns = patterns
        self._out = out
        self._end = f" <{name}> .\n".encode()
        self._rest = b""
        self.found: bytes | None = None

    def write(self, chunk: ReadableBuffer, /) -> int:
        taken = bytes(chunk)
        data = self._rest + taken
        cut = data.rfind(b"\n") + 1
        lines, self._rest = data[:cut], data[cut:]
        if self.found is None:
            for pattern in self._patterns:
                match = pattern.search(lines)
                if match is not None:
                    self.found = match[0]
                    break
        if self._out is not None:
            self._out.write(lines.replace(b" .\n", self._end))
        return len(taken)

    def flush(self) -> None:
        pass


class _GraphText:
    """The staged graph ``target`` of ``store`` as the store writes it in N-Triples, for :attr:`Staged.search`.

    With ``data_dir``, the first search also writes the graph's snapshot (N-Quads) to its temporary file, so a load
    reads its graph out of the store once for the check and the snapshot."""

    def __init__(self, store: ox.Store, target: ox.NamedNode, name: str, data_dir: Path | None):
        self._store, self._target, self._name, self._data_dir = store, target, name, data_dir
        self._written: Path | None = None

    def search(self, patterns: Sequence[re.Pattern[bytes]]) -> bytes | None:
        if self._data_dir is not None and self._written is None:
            self._written, found = _write_snapshot(self._store, self._data_dir, self._name, patterns)
            return found
        lines = _NQuads(patterns)
        self._store.dump(lines, format=ox.RdfFormat.N_TRIPLES, from_graph=self._target)
        return lines.found

    def snapshot(self) -> Path:
        """The snapshot's temporary file, written now if no search wrote it."""
        if self._written is None:
            assert self._data_dir is not None  # a store in memory keeps no snapshot
            self._written = _write_snapshot(self._store, self._data_dir, self._name)[0]
        return self._written

    def discard(self) -> None:
        if self._written is not None:
            self._written.unlink(missing_ok=True)


def triples_of(path: Path, format: str):
    """The triples of ``path`` as pyoxigraph quads in the default graph; a quad in a named graph is refused."""
    for quad in ox.parse(path=str(path), format=_RDF[format]):
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            raise InputError(
                path.name,
                None,
                None,
                "triples only, with no named graphs of their own",
                f"a quad in the graph {quad.graph_name}",
            )
        yield quad


_LOADABLE = {f.name: f for f in FORMATS["load"]}


def syntax_error(path: Path, format: str, exc: SyntaxError | MemoryError) -> BaseException:
    """The parser's error as an InputError naming the file, the line and the problem.

    The parser's MemoryError for a token past its buffer's 16 MiB (one literal or IRI that long) is the file's
    fault too: it was a traceback. Any other MemoryError is returned as it is.

    >>> exc = SyntaxError("Parser error at line 8 between columns 1 and 38: A dot is expected", ("f.ttl", 8, 1, None))
    >>> print(syntax_error(Path("f.ttl"), "turtle", exc))
    f.ttl, line 8: expected valid Turtle (A dot is expected)
    >>> print(syntax_error(Path("f.nt"), "ntriples", MemoryError("Reached the buffer maximal size of 16777216")))
    f.nt: expected valid N-Triples (a literal or IRI of at most 16 MiB, the store's parser's bound)
    """
    label = _LOADABLE[format].label if format in _LOADABLE else format
    if isinstance(exc, MemoryError):
        bound = _TOKEN_BOUND.fullmatch(str(exc))
        if bound is None:
            return exc
        return InputError(
            path.name,
            None,
            None,
            f"valid {label} (a literal or IRI of at most {int(bound[1]) >> 20} MiB, the store's parser's bound)",
        )
    if str(exc.msg) == _REMOTE_CONTEXT:
        return InputError(
            path.name, None, None, f"{label} whose @context is in the file: a remote one is never fetched"
        )
    reason = str(exc.msg).split(": ", 1)[-1] if str(exc.msg).startswith("Parser error") else str(exc.msg)
    line = exc.lineno if exc.lineno is not None or format != "rdfxml" else _xml_fault_line(path)
    return InputError(path.name, line, None, f"valid {label} ({reason.strip()[:300]})")


def _xml_fault_line(path: Path) -> int | None:
    """The line of the first fault expat finds in an XML file, for an RDF/XML file the store's parser refused: that
    parser names no place ("ill-formed document: expected `</rdf:Description>`, but `</rdf:Descriptio>` was found",
    "XML namespaces are required in RDF/XML"). An element outside every namespace is a fault, as RDF/XML requires
    one. None when expat finds none (the refusal was of the RDF, not the XML) or cannot read the file.

    >>> import tempfile
    >>> def line(text):
    ...     with tempfile.TemporaryDirectory() as d:
    ...         (Path(d) / "f.rdf").write_text("<x:r xmlns:x='u:x'>" + text)
    ...         return _xml_fault_line(Path(d) / "f.rdf")
    >>> line("\\n<x:a>\\n</x:b></x:r>"), line("\\n<a/></x:r>"), line("<x:a/></x:r>")
    (3, 2, None)
    """
    parser = expat.ParserCreate(namespace_separator=" ")

    def start(name: str, attributes: object) -> None:
        if " " not in name:
            raise _OutsideNamespaces

    parser.StartElementHandler = start
    try:
        with path.open("rb") as file:
            parser.ParseFile(file)
    except expat.ExpatError as exc:
        return exc.lineno
    except _OutsideNamespaces:
        return parser.CurrentLineNumber
    except OSError:
        return None
    return None


class _OutsideNamespaces(Exception):
    """An XML element without a namespace, which RDF/XML refuses."""


_REMOTE_CONTEXT = "No LoadDocumentCallback has been set to load remote contexts"
"""pyoxigraph's refusal of a JSON-LD ``@context`` named by its URL (it fetches none: no server-side request)."""


_TOKEN_BOUND = re.compile(r"Reached the buffer maximal size of (\d+)")
"""pyoxigraph's MemoryError for one token longer than its parser's buffer."""


def _quads(graphs: Mapping[str, Graph]):
    for name, graph in graphs.items():
        g = ox.NamedNode(name)
        for s, p, o in graph:
            yield ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), g)


def _dataset(
    sparql: str,
    default_graphs: Sequence[str] | None,
    named_graphs: Sequence[str] | None,
    has_dataset_clause: bool | None = None,
) -> dict:
    """pyoxigraph's dataset arguments: the caller's graphs, else the query's FROM, else the union.

    pyoxigraph ignores a query's FROM clauses when asked for the union, so the union is asked for only
    when the query names no dataset of its own.
    """
    if default_graphs is None and named_graphs is None:
        if has_dataset_clause is None:
            has_dataset_clause = inspect_query(sparql).has_dataset_clause
        return {} if has_dataset_clause else {"use_default_graph_as_union": True}
    return {
        "default_graph": [ox.NamedNode(check_iri(g)) for g in default_graphs or ()],
        "named_graphs": [ox.NamedNode(check_iri(g)) for g in named_graphs or ()],
    }


def _to_ox(term: Node):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise StoreError(f"cannot store the term {term!r}")


_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@overload
def _to_rdflib(term: _Term) -> Node: ...
@overload
def _to_rdflib(term: _Term | None) -> Node | None: ...
def _to_rdflib(term: _Term | None) -> Node | None:
    """An rdflib term for a pyoxigraph one (None for an unbound value); a quoted triple is refused."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        return literal(term.value, term.language, term.datatype.value)
    raise StoreError(f"unsupported term in a result: {term!r}")


@contextmanager
def _query_errors(sparql: str):
    """pyoxigraph's errors while reading or answering ``sparql``, as the store's own (with the parser's position)."""
    try:
        yield
    except SyntaxError as exc:
        raise query_error(str(exc), sparql) from None
    except (ValueError, RuntimeError) as exc:
        if "Corruption" in str(exc):
            raise StoreError(f"the store is damaged ({str(exc)[:300]}); {REPAIR}") from None
        raise QueryError(f"the query could not be evaluated: {exc}") from None
    except OSError as exc:
        raise StoreError(f"the store failed while answering the query: {exc}") from exc


def _written(result, formats: Mapping[str, str | None], limit: int) -> Written:
    """A pyoxigraph answer written in the format ``formats`` names for its kind, cut after ``limit`` rows."""
    if isinstance(result, ox.QueryBoolean):
        name = formats.get("boolean")
        return Written("boolean", None if name is None else result.serialize(format=_RESULTS[name]), 1, True)
    if isinstance(result, ox.QuerySolutions):
        name = formats.get("results")
        if name is None:
            return Written("results", None, 0, True)
        tsv, rows, complete = _tsv_rows(result, limit)
        if name == "csv" and _IRI_WITH_COMMA.search(tsv):
            return Written("results", _csv(tsv), rows, complete)
        if name != "tsv":  # pyoxigraph reads back its own TSV exactly, at Rust speed
            tsv = serialized(
                ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=_RESULTS[name])
            )
        return Written("results", tsv, rows, complete)
    name = formats.get("graph")
    if name is None:
        return Written("graph", None, 0, True)
    triples = list(islice(result, limit))
    complete = next(result, None) is None
    if name == "rdfxml":
        return Written("graph", _rdf_xml(triples), len(triples), complete)
    return Written("graph", ox.serialize(triples, format=_RDF[name], prefixes=PREFIXES), len(triples), complete)


_IRI_WITH_COMMA = re.compile(rb"<[^<>\t\r\n,]*,[^<>\t\r\n]*>")
"""An IRI holding a comma, as the TSV of an answer writes it (a literal holding such text matches too, harmlessly)."""


def _csv(tsv: bytes) -> bytes:
    """SPARQL CSV of a TSV answer, each value quoted where CSV needs it. pyoxigraph's CSV writer leaves an IRI holding a
    comma unquoted (the bundled source ``…asean-smart,-sustainable-city.html``), which splits its row; Python's csv
    writer quotes it. Used only for answers holding such an IRI: the Rust writer is faster."""
    solutions = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    assert isinstance(solutions, ox.QuerySolutions)  # parsed from a SELECT's own TSV
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([v.value for v in solutions.variables])
    for row in solutions:
        writer.writerow(["" if t is None else f"_:{t.value}" if isinstance(t, ox.BlankNode) else t.value for t in row])
    return out.getvalue().encode("utf-8")


def _rdf_xml(triples: list[ox.Triple]) -> bytes:
    """RDF/XML by rdflib's writer, which refuses a predicate that no XML name can end (``http://ex/p/``), where
    pyoxigraph's writes an element with an empty name."""
    graph = Graph()
    for triple in triples:
        graph.add((_to_rdflib(triple.subject), _to_rdflib(triple.predicate), _to_rdflib(triple.object)))
    try:
        return write(graph, _RDF_XML)
    except QueryError:  # a character XML cannot carry: the writer's own refusal
        raise
    except Exception as exc:  # rdflib raises ValueError (and bare Exception) for what RDF/XML cannot express
        raise StoreError(f"the answer cannot be written as RDF/XML ({exc}); ask for Turtle or N-Triples") from None


class _Full(Exception):
    """Raised into pyoxigraph's writer to stop it: the answer has more rows than the limit."""


class _Lines(io.BytesIO):
    """A file for pyoxigraph's TSV writer that keeps what it is given and stops the writer after ``stop`` lines."""

    def __init__(self, stop: int):
        super().__init__()
        self.lines = 0
        self.stop = stop
        self.full = False

    def write(self, chunk: ReadableBuffer, /) -> int:
        data = bytes(chunk)
        super().write(data)
        self.lines += data.count(b"\n")
        if self.lines >= self.stop:
            self.full = True
            raise _Full
        return len(data)


def _tsv_rows(solutions: ox.QuerySolutions, limit: int) -> tuple[bytes, int, bool]:
    r"""The solutions as SPARQL TSV (a header line, then one line per row: TSV escapes line breaks in terms), at
    most ``limit`` rows; the number of rows; whether that was all. Reading stops one row past the limit.

    >>> store = ox.Store()
    >>> _tsv_rows(store.query("SELECT ?x { VALUES ?x { 1 2 3 } }"), 2)
    (b'?x\n1\n2\n', 2, False)
    >>> _tsv_rows(store.query('SELECT ?x { VALUES ?x { "a\\nb" } }'), 2)
    (b'?x\n"a\\nb"\n', 1, True)
    """
    out = _Lines(limit + 2)  # the header, the limit, one more
    try:
        solutions.serialize(out, format=ox.QueryResultsFormat.TSV)
    except Exception:
        if not out.full:
            raise
    tsv = out.getvalue()
    if not out.full:
        return tsv, tsv.count(b"\n") - 1, True
    end = -1
    for _ in range(limit + 1):
        end = tsv.index(b"\n", end + 1)
    return tsv[: end + 1], limit, False
