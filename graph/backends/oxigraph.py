"""The embedded default: a persistent pyoxigraph (RocksDB) store in a per-user data directory.

Every write is one pyoxigraph transaction, so a crash or ``kill -9`` leaves either the old or the new
content. A rebuild writes a complete new database beside the live one and then switches the ``current``
link with one atomic rename, so readers never see a half-built graph.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import time
from pathlib import Path
from typing import Mapping

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from graph.config import Settings
from graph.store import Answer, Table
from ontology.errors import QueryError, StoreError
from ontology import PREFIXES

_XSD_STRING = str(XSD.string)


class OxigraphStore:
    """A :class:`graph.store.Store` on pyoxigraph; ``path=None`` gives an in-memory store (for tests)."""

    def __init__(self, store: ox.Store, data_dir: Path | None = None):
        self._store = store
        self._data_dir = data_dir

    @classmethod
    def open(cls, settings: Settings) -> OxigraphStore:
        data_dir = settings.data_dir
        (data_dir / "stores").mkdir(parents=True, exist_ok=True)
        _remove_leftovers(data_dir)
        current = data_dir / "current"
        if not current.exists():
            _switch_current(data_dir, _new_store_dir(data_dir, ready=True))
        return cls(_open_path(current.resolve()), data_dir)

    @classmethod
    def in_memory(cls) -> OxigraphStore:
        return cls(ox.Store())

    # -- reading -------------------------------------------------------------------------------
    def query(self, sparql: str) -> Answer:
        try:
            result = self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise query_error(str(exc)) from None
        except OSError as exc:
            raise StoreError(f"the store failed while answering the query: {exc}") from exc
        if isinstance(result, ox.QueryBoolean):
            return bool(result)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            return Table(variables, [tuple(_to_rdflib(t) for t in row) for row in result])
        graph = Graph()
        for triple in result:
            graph.add((_to_rdflib(triple.subject), _to_rdflib(triple.predicate), _to_rdflib(triple.object)))
        return graph

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def export(self, format: str) -> bytes:
        fmt = _rdf_format(format)
        if fmt.supports_datasets:
            return self._store.dump(format=fmt, prefixes=PREFIXES)
        union = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
        return ox.serialize(union, format=fmt, prefixes=PREFIXES)

    # -- writing -------------------------------------------------------------------------------
    def replace_graphs(self, graphs: Mapping[str, Graph]) -> None:
        update = "".join(f"DROP SILENT GRAPH <{_iri(name)}> ;\n" for name in graphs)
        update += "INSERT DATA {\n" + "".join(
            f"GRAPH <{_iri(name)}> {{\n{g.serialize(format='nt')}}}\n" for name, g in graphs.items()
        ) + "}"
        self._update(update)

    def drop_graphs(self, names: list[str]) -> None:
        self._update(" ;\n".join(f"DROP GRAPH <{_iri(name)}>" for name in names) or "")

    def rebuild(self, graphs: Mapping[str, Graph], keep: list[str]) -> None:
        if self._data_dir is None:
            self._store.clear()
            self._store.extend(_quads(graphs))
            return
        target = _new_store_dir(self._data_dir, ready=False)
        fresh = _open_path(target)
        kept = [q for name in keep for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(name))]
        fresh.extend(_quads(graphs))
        fresh.extend(kept)
        fresh.flush()
        del fresh
        gc.collect()
        ready = target.with_name(target.name.removesuffix(".partial"))
        target.rename(ready)
        old = (self._data_dir / "current").resolve()
        _switch_current(self._data_dir, ready)
        self._store = _open_path(ready)
        gc.collect()
        shutil.rmtree(old, ignore_errors=True)

    def close(self) -> None:
        self._store = None
        gc.collect()

    def _update(self, update: str) -> None:
        try:
            self._store.update(update)
        except SyntaxError as exc:
            raise StoreError(f"the store refused the data: {exc}") from None
        except OSError as exc:
            raise StoreError(f"the store failed while writing (nothing was changed): {exc}") from exc


def _open_path(path: Path) -> ox.Store:
    try:
        return ox.Store(str(path))
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise StoreError(
                f"the store at {path} is open in another process (is `ascn serve` running?); "
                "stop it or point ASCN_DATA_DIR elsewhere"
            ) from None
        raise StoreError(f"cannot open the store at {path}: {exc}") from exc


def _new_store_dir(data_dir: Path, ready: bool) -> Path:
    name = f"store-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    path = data_dir / "stores" / (name if ready else name + ".partial")
    path.mkdir(parents=True)
    return path


def _switch_current(data_dir: Path, target: Path) -> None:
    """Point ``current`` at ``target`` with one atomic rename (a symlink swap)."""
    tmp = data_dir / f"current.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target.relative_to(data_dir))
    os.replace(tmp, data_dir / "current")


def _remove_leftovers(data_dir: Path) -> None:
    """Delete what an interrupted rebuild left behind: partial databases and stale links."""
    live = (data_dir / "current").resolve() if (data_dir / "current").exists() else None
    for path in (data_dir / "stores").iterdir():
        if path.name.endswith(".partial") and not _owned_by_live_process(path):
            shutil.rmtree(path, ignore_errors=True)
        elif live is not None and path != live and not path.name.endswith(".partial"):
            shutil.rmtree(path, ignore_errors=True)
    for tmp in data_dir.glob("current.*.tmp"):
        tmp.unlink(missing_ok=True)


def _owned_by_live_process(path: Path) -> bool:
    pid = int(path.name.split("-")[2])
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _quads(graphs: Mapping[str, Graph]):
    for name, graph in graphs.items():
        g = ox.NamedNode(name)
        for s, p, o in graph:
            yield ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), g)


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


def _to_rdflib(term) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    raise StoreError(f"unsupported term in a result: {term!r}")


def _rdf_format(name: str) -> ox.RdfFormat:
    formats = {
        "turtle": ox.RdfFormat.TURTLE,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "nquads": ox.RdfFormat.N_QUADS,
        "trig": ox.RdfFormat.TRIG,
        "jsonld": ox.RdfFormat.JSON_LD,
        "rdfxml": ox.RdfFormat.RDF_XML,
    }
    try:
        return formats[name]
    except KeyError:
        raise StoreError(f"unknown export format {name!r}; choose one of: {', '.join(formats)}") from None


def _iri(name: str) -> str:
    """A graph name checked to be a plain absolute IRI, so it cannot break out of ``<...>``."""
    if not name or any(c in name for c in '<>"{}|^`\\ \n\t') or ":" not in name:
        raise StoreError(f"invalid graph name {name!r}: expected an absolute IRI")
    return name


def query_error(message: str) -> QueryError:
    """A QueryError with the parser's position, read from pyoxigraph's "error at LINE:COLUMN: ..." text."""
    match = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if match:
        return QueryError(f"syntax error: {match[3].strip()}", position=(int(match[1]), int(match[2])))
    return QueryError(message)
