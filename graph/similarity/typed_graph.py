"""The RDF graph projected into a typed heterogeneous graph: entities by kind, typed links, their sources.

The recommender reasons over a handful of link types (a project's city, focus areas and partners, a pairing's
city, partner and programme, ...). Reading them once per graph version into plain Python structures — a
networkx graph for walks and paths, one scipy.sparse matrix per relation for the meta-path arithmetic — keeps a
recommendation a few sparse products instead of a handful of SPARQL queries. Every link keeps the record (the
"fact") that states it, so a reason can cite that record's sources and confidence.

>>> tg = TypedGraph.from_rows(
...     [Entity("c1", "city", "One"), Entity("p1", "project", "Bus"), Entity("f1", "focus_area", "Mobility")],
...     [Link("p1", "in_city", "c1", "p1"), Link("p1", "focus_area", "f1", "p1")],
...     {"p1": Fact("p1", (SourceRef("s1", "Report"),), None)})
>>> tg.matrix("city_project").toarray().tolist()
[[1.0]]
>>> tg.facts_for("focus_area", "p1", "f1")[0].sources[0].title
'Report'
"""

from __future__ import annotations

import logging
import pickle
import re
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from operator import attrgetter
from pathlib import Path
from threading import Event, Lock, RLock
from typing import Any, TypeVar

import networkx as nx
import numpy as np
import scipy.sparse as sp

from graph.derived import code_digest, collection_paused, lasting_version, part_path, write_part
from graph.prose import in_sentence
from graph.similarity.kinds import KINDS, RELATIONS
from graph.similarity.names import Names
from graph.store import Store
from queries.library import internal

log = logging.getLogger(__name__)


T = TypeVar("T")

_STRUCTURE_SKIP = {"status", "other_city"}
"""Relations left out of the networkx structure graph: a status says nothing about likeness, only filters; a
project's other cities (:meth:`TypedGraph.cities_of`) say where else it runs, for what a city's own projects are,
not what the cities are alike in (the project's own city keeps it in the walks and meta-paths, as before)."""


@dataclass(frozen=True)
class SourceRef:
    """A source document a fact rests on: its IRI, title and publication date (as given, or None)."""

    iri: str
    title: str
    date: str | None = None


@dataclass(frozen=True)
class Fact:
    """A record that states links (a project, a pairing, a partner, ...): its sources and confidence mark.

    ``confidence`` is None where the data has no mark, which means the fact comes directly from an official or
    primary source (the data never adds a default mark).
    """

    iri: str
    sources: tuple[SourceRef, ...]
    confidence: str | None = None

    @property
    def first_reported(self) -> int | None:
        """The year of the earliest dated source (None when no source is dated): when the fact became known."""
        years = [int(s.date[:4]) for s in self.sources if s.date and s.date[:4].isdigit()]
        return min(years) if years else None


@dataclass(frozen=True)
class Entity:
    """A node of the typed graph, with the attributes the filters and the text similarity need."""

    iri: str
    kind: str
    label: str
    alt_labels: tuple[str, ...] = ()
    description: str | None = None
    named_only: bool = False
    start_year: int | None = None
    end_year: int | None = None
    network_wide: bool = False


@dataclass(frozen=True)
class Link:
    """One typed link ``source --relation--> target``, stated by the record ``fact``."""

    source: str
    relation: str
    target: str
    fact: str


@dataclass
class TypedGraph:
    """Entities by kind, typed links and the facts behind them; matrices and graphs derived on first use.

    Rows and columns of every matrix follow :meth:`ids` (IRIs sorted), so ties broken by position are ties
    broken by IRI, and the same graph always gives the same arrays.
    """

    entities: dict[str, Entity]
    links: tuple[Link, ...]
    facts: dict[str, Fact]
    version: str = ""
    vocabulary: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The framework's terms by concept (focus area, urban system, enabler): the text match's thesaurus."""
    _ids: dict[str, list[str]] = field(init=False, repr=False)
    _index: dict[str, dict[str, int]] = field(init=False, repr=False)
    _names: Names = field(init=False, repr=False)
    _built: dict[Callable[[TypedGraph], Any], Any] = field(init=False, repr=False)
    _built_lock: RLock = field(init=False, repr=False)
    kept_in: Path | None = field(init=False, repr=False, compare=False)
    """The file this graph is kept in (:meth:`keep`; set by :class:`GraphCache`), None when it is not kept."""

    def __post_init__(self) -> None:
        self._names = Names(self)
        self._built = {}
        self._built_lock = RLock()
        self.kept_in = None
        by_kind: dict[str, list[str]] = {k: [] for k in KINDS}
        for iri, entity in self.entities.items():
            by_kind.setdefault(entity.kind, []).append(iri)
        self._ids = {k: sorted(v) for k, v in by_kind.items()}
        self._index = {k: {iri: i for i, iri in enumerate(v)} for k, v in self._ids.items()}
        self.links = tuple(
            link
            for link in self.links
            if link.relation in RELATIONS and link.source in self.entities and link.target in self.entities
        )

    def __getstate__(self) -> dict[str, Any]:
        """What a kept copy holds: the graph and what is built from it so far (the cached matrices and look-ups,
        the recommender's :meth:`derived` structures), so a restart on the same content makes none of it again.
        Not the lock, the names :meth:`resolve` looked up, nor where the copy is kept."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_built_lock", "_names", "kept_in")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _names=Names(self), _built_lock=RLock(), kept_in=None)

    def keep(self) -> None:
        """Write this graph, with what is built from it so far, to :attr:`kept_in` (when it is kept), over the
        copy there. A copy that cannot be written is only logged: the next process builds it again.

        Questions go on meanwhile (no lock: pickling takes seconds at 3M triples); one that adds to a cache being
        pickled makes pickle raise RuntimeError, and this copy is not written."""
        if self.kept_in is None:
            return
        try:
            write_part(self.kept_in, lambda out: pickle.dump(self, out, protocol=pickle.HIGHEST_PROTOCOL))
        except (OSError, pickle.PicklingError, RuntimeError) as exc:
            log.warning("the typed graph could not be kept in %s: %s", self.kept_in.parent, exc)

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def from_rows(
        cls,
        entities: Iterable[Entity],
        links: Iterable[Link],
        facts: Mapping[str, Fact],
        version: str = "",
        vocabulary: Mapping[str, Iterable[str]] | None = None,
    ) -> TypedGraph:
        """A typed graph from plain records (what the store's rows, or a synthetic generator, give)."""
        terms = {concept: tuple(sorted(set(words))) for concept, words in sorted((vocabulary or {}).items())}
        return cls({e.iri: e for e in entities}, tuple(links), dict(facts), version, terms)

    @classmethod
    def from_store(cls, store: Store, version: str | None = None) -> TypedGraph:
        """Read the typed graph from a store with the ``similarity_*`` internal queries.

        The rows are put in order here, not by ORDER BY: Oxigraph sorts terms about ten times slower than Python
        sorts strings (at 300k triples the reads took 7.9 s, 4.2 s of it sorting), and the order only has
        to be the same on every backend, not the server's. Likewise the joins a dictionary does at once (an
        entity's kind with its label, a citation with its record's kind) are done here: Oxigraph evaluates
        them a row at a time, and most of a read's cost is Oxigraph looking up each value it returns.
        """
        rows = _read(store)
        with collection_paused():
            return cls._assembled(rows, version if version is not None else store.version())

    @classmethod
    def _assembled(cls, rows: dict[str, list[tuple[Any, ...]]], version: str) -> TypedGraph:
        """The typed graph made of the ``similarity_*`` reads' rows (:meth:`from_store`).

        At 3M triples the rows hold some 2.4 million values. Sorting them as tuples of strings was a large part of
        this assembly, so the links and citations are put in order as integer codes (:func:`_coded`: each distinct
        IRI's rank among them, the same order) by numpy, and every IRI the links and entities name is then one
        string object: what later looks them up compares identical objects, and a kept copy writes each once.
        """
        attributes: dict[str, dict[str, set[str]]] = {}
        for entity, key, value in rows["similarity_attributes"]:
            if value:
                attributes.setdefault(entity, {}).setdefault(key, set()).add(value)
        labels: dict[str, set[str]] = defaultdict(set)
        for entity, label in rows["similarity_labels"]:
            labels[entity].add(label)
        kinds: dict[str, set[str]] = defaultdict(set)
        for entity, kind in rows["similarity_kinds"]:
            kinds[entity].add(kind)
        edges = rows["similarity_edges"]
        names, (relation, source, target, fact) = _coded(
            [
                [relation for _, relation, _, _ in edges],
                [source for source, _, _, _ in edges],
                [target for _, _, target, _ in edges],
                [fact or source for source, _, _, fact in edges],
            ],
            also=kinds,
        )
        same = {name: name for name in names}  # one object per IRI
        # an entity with several kinds or labels gets the greatest of each, as the greatest (kind, label) pair
        entities = [
            _entity(same[iri], max(kinds[iri]), max(labels[iri]), attributes.get(iri))
            for iri in sorted(kinds)
            if iri in labels
        ]
        order = np.lexsort((fact, target, source, relation))
        links = [
            Link(names[s], names[r], names[t], names[f])
            for r, s, t, f in _distinct(np.stack([relation, source, target, fact])[:, order]).T.tolist()
        ]
        titles: dict[str, list[str]] = defaultdict(list)
        for doc, title in sorted(row for row in rows["similarity_titles"] if row[1]):
            titles[doc].append(title)
        confidence = dict(sorted(row for row in rows["similarity_confidence"] if row[1]))
        dates = {doc: min(ds) for doc, ds in _grouped(rows["similarity_source_dates"]).items()}
        records = {entity for entity, ks in kinds.items() if not ks.isdisjoint(_RECORD_KINDS)}
        cited = [(same.get(f, f), doc) for f, doc in rows["similarity_sources"] if f in records]
        documents, (fact_codes, doc_codes) = _coded([[f for f, _ in cited], [doc for _, doc in cited]])
        refs: dict[int, tuple[SourceRef, ...]] = {}  # one document's references, made once for all its citations
        for code in np.unique(doc_codes).tolist():
            doc = documents[code]
            refs[code] = tuple(
                dict.fromkeys(SourceRef(doc, title, dates.get(doc)) for title in titles.get(doc) or [doc])
            )
        pairs = _distinct(np.stack([fact_codes, doc_codes])[:, np.lexsort((doc_codes, fact_codes))])
        starts = np.flatnonzero(np.diff(pairs[0], prepend=-1)).tolist()
        firsts, docs = pairs[0].tolist(), pairs[1].tolist()
        facts: dict[str, Fact] = {}
        for start, end in zip(starts, [*starts[1:], len(firsts)]):
            f = documents[firsts[start]]
            facts[f] = Fact(f, tuple(ref for doc in docs[start:end] for ref in refs[doc]), confidence.get(f))
        vocabulary = _grouped(rows["similarity_vocabulary"])
        return cls.from_rows(entities, links, facts, version, vocabulary)

    def without(self, hidden: Iterable[tuple[str, str, str]]) -> TypedGraph:
        """A copy with the links ``(source, relation, target)`` removed (leave-one-out evaluation)."""
        hidden = set(hidden)
        kept = tuple(link for link in self.links if (link.source, link.relation, link.target) not in hidden)
        return TypedGraph(
            self.entities, kept, self.facts, self.version + " minus " + repr(sorted(hidden)), self.vocabulary
        )

    def without_entities(self, hidden: Iterable[str], why: str = "") -> TypedGraph:
        """A copy without the entities ``hidden`` (records: projects, pairings, practices), their links and text.

        Evaluation hides a whole record when it states or implies a held-out answer: its links, and its name and
        description that the text match would read.
        """
        hidden = set(hidden)
        kept = {iri: e for iri, e in self.entities.items() if iri not in hidden}
        links = tuple(link for link in self.links if link.source not in hidden and link.target not in hidden)
        return TypedGraph(kept, links, self.facts, f"{self.version} minus {why or len(hidden)}", self.vocabulary)

    def redacted(self, pattern: re.Pattern, iris: Iterable[str]) -> TypedGraph:
        """A copy where the names and descriptions of ``iris`` no longer contain what ``pattern`` matches
        (evaluation: a partner's summary naming a held-out city would state the answer)."""
        entities = dict(self.entities)
        for iri in iris:
            e = entities.get(iri)
            if e is not None:
                entities[iri] = replace(
                    e,
                    label=pattern.sub(" ", e.label),
                    description=pattern.sub(" ", e.description) if e.description else None,
                )
        return TypedGraph(
            entities, self.links, self.facts, f"{self.version} redacted {pattern.pattern}", self.vocabulary
        )

    # -- lookup --------------------------------------------------------------------------------
    def ids(self, kind: str) -> list[str]:
        """The IRIs of one kind, sorted: the row/column order of every matrix over that kind."""
        return self._ids.get(kind, [])

    def index(self, kind: str) -> dict[str, int]:
        return self._index.get(kind, {})

    def label(self, iri: str) -> str:
        entity = self.entities.get(iri)
        return entity.label if entity else iri

    def name(self, iri: str) -> str:
        """The label as written in a sentence: a country's or partner's with "the" where English puts it
        (:func:`graph.prose.in_sentence`), every other entity's as it is."""
        label = self.label(iri)
        return in_sentence(label) if self.kind(iri) in ("country", "partner") else label

    def kind(self, iri: str) -> str | None:
        entity = self.entities.get(iri)
        return entity.kind if entity else None

    @cached_property
    def link_index(self) -> LinkIndex:
        """Each link indexed three ways in one pass over the links in order: by source, by target, and the facts
        stating it. In that order every list comes out sorted, so only repeats are skipped (no sort per list)."""
        out: dict[tuple[str, str], list[str]] = {}
        inc: dict[tuple[str, str], list[str]] = {}
        facts: dict[tuple[str, str, str], list[str]] = {}
        for link in sorted(self.links, key=attrgetter("relation", "source", "target", "fact")):
            relation, source, target, fact = link.relation, link.source, link.target, link.fact
            _add(out, (relation, source), target)
            _add(inc, (relation, target), source)
            _add(facts, (relation, source, target), fact)
        return LinkIndex(out, inc, facts)

    def targets(self, relation: str, source: str) -> list[str]:
        """What ``source`` links to by ``relation``, sorted."""
        return self.link_index.targets.get((relation, source), [])

    def sources_of(self, relation: str, target: str) -> list[str]:
        """What links to ``target`` by ``relation``, sorted."""
        return self.link_index.sources.get((relation, target), [])

    def cities_of(self, project: str) -> list[str]:
        """The member cities a project runs in: its city, then the other cities the sources name it in (a hospital
        network of Phnom Penh, Siem Reap and Battambang)."""
        return list(dict.fromkeys([*self.targets("in_city", project), *self.targets("other_city", project)]))

    def projects_in(self, city: str) -> list[str]:
        """A city's own projects: those of the city and those it shares as another city (:meth:`cities_of`)."""
        return list(dict.fromkeys([*self.sources_of("in_city", city), *self.sources_of("other_city", city)]))

    def facts_for(self, relation: str, source: str, target: str) -> list[Fact]:
        """The facts stating one link, each with its sources and confidence (a fact without sources: none)."""
        return [self.facts.get(f, Fact(f, ())) for f in self.link_index.facts.get((relation, source, target), ())]

    # -- matrices ------------------------------------------------------------------------------
    def relation(self, name: str) -> sp.csr_matrix:
        """The 0/1 adjacency of one relation, rows the source kind and columns the target kind."""
        return self._relations[name]

    @cached_property
    def _relations(self) -> dict[str, sp.csr_matrix]:
        cells: dict[str, tuple[list[int], list[int]]] = {name: ([], []) for name in RELATIONS}
        for link in self.links:
            source_kind, target_kind = RELATIONS[link.relation]
            i = self._index[source_kind].get(link.source)
            j = self._index[target_kind].get(link.target)
            if i is not None and j is not None:
                cells[link.relation][0].append(i)
                cells[link.relation][1].append(j)
        out = {}
        for name, (rows, cols) in cells.items():
            source_kind, target_kind = RELATIONS[name]
            shape = (len(self.ids(source_kind)), len(self.ids(target_kind)))
            m = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
            m.data[:] = 1.0  # duplicates (one link stated by two facts) count once
            out[name] = m
        return out

    def matrix(self, name: str) -> sp.csr_matrix:
        """A derived relation between two kinds, named ``<kind>_<kind>`` (see :attr:`DERIVED`)."""
        if name not in self._derived:
            self._derived[name] = _DERIVED[name](self).tocsr()
        return self._derived[name]

    @cached_property
    def _derived(self) -> dict[str, sp.csr_matrix]:
        return {}

    # -- structure -----------------------------------------------------------------------------
    @cached_property
    def structure(self) -> nx.Graph:
        """An undirected networkx graph of every entity and link except statuses (for paths and the baselines)."""
        g = nx.Graph()
        g.add_nodes_from(sorted(iri for iri, e in self.entities.items() if e.kind not in _STRUCTURE_SKIP))
        g.add_edges_from(
            sorted({(link.source, link.target) for link in self.links if link.relation not in _STRUCTURE_SKIP})
        )
        return g

    @cached_property
    def adjacency(self) -> tuple[list[str], sp.csr_matrix]:
        """:attr:`structure` as its nodes (sorted) and symmetric 0/1 adjacency matrix, made with scipy alone.

        What the random walk needs, without building the networkx graph (the larger part of the recommender's
        build on a large graph); the same nodes and edges as :attr:`structure`, which a test checks.
        """
        ordered, _, sources, targets = self._edges
        n = len(ordered)
        both = (np.concatenate([sources, targets]), np.concatenate([targets, sources]))
        matrix = sp.csr_matrix((np.ones(2 * len(sources)), both), shape=(n, n))
        matrix.data[:] = 1.0  # a link stated twice, or both ways, is one edge (a loop too)
        return ordered, matrix

    @cached_property
    def _edges(self) -> tuple[list[str], dict[str, int], np.ndarray, np.ndarray]:
        """:attr:`structure`'s nodes (sorted), their positions, and its edges as position pairs in the order the
        networkx graph adds them (each directed pair once, sorted).

        Each pair is one integer (source position × nodes + target position), made once per link: numpy sorts
        them and drops the repeats, where a set of string pairs cost seconds at 3M triples."""
        kept = [link for link in self.links if link.relation not in _STRUCTURE_SKIP]
        nodes = {iri for iri, e in self.entities.items() if e.kind not in _STRUCTURE_SKIP}
        nodes.update([link.source for link in kept], [link.target for link in kept])
        ordered = sorted(nodes)
        position = {iri: i for i, iri in enumerate(ordered)}
        n = max(len(ordered), 1)
        sources = np.fromiter((position[link.source] for link in kept), np.int64, len(kept))
        targets = np.fromiter((position[link.target] for link in kept), np.int64, len(kept))
        codes = np.unique(sources * n + targets)  # positions follow the IRIs' order: the sorted IRI pairs' order
        return ordered, position, codes // n, codes % n

    @cached_property
    def paths(self) -> ShortestPaths:
        """Shortest paths over :attr:`structure` as networkx finds them, without building the networkx graph."""
        ordered, position, sources, targets = self._edges
        return ShortestPaths(ordered, position, sources, targets)

    def derived(self, build: Callable[[TypedGraph], T]) -> T:
        """What ``build`` makes of this graph (the recommender's :class:`~graph.similarity.scoring.Scorer`), made
        once and kept with the graph, so it lives exactly as long as the graph's version is cached.

        A copy (:meth:`without`, :meth:`redacted`) starts with nothing built: its structures differ.
        """
        with self._built_lock:
            if build not in self._built:
                self._built[build] = build(self)
            return self._built[build]

    def resolve(self, text: str, kind: str | tuple[str, ...]) -> str:
        """The IRI of the entity of ``kind`` (or of one of several kinds) ``text`` names, as people name it; an
        unknown name raises NotFound with the names meant (:meth:`graph.similarity.names.Names.resolve`)."""
        return self._names.resolve(text, kind)

    def linked(self, iri: str, kinds: tuple[str, ...]) -> set[str]:
        """The entities of ``kinds`` one link away from ``iri``: a programme's partners, a project's city."""
        found: set[str] = set()
        for relation, (source, target) in RELATIONS.items():
            if source == self.kind(iri) and target in kinds:
                found.update(self.targets(relation, iri))
            if target == self.kind(iri) and source in kinds:
                found.update(self.sources_of(relation, iri))
        return found


class ShortestPaths:
    """networkx's bidirectional breadth-first search (``nx.shortest_path`` without weights) over an undirected
    graph given as its edges in the order networkx would add them.

    Each node's neighbours are kept in the order networkx's adjacency holds them (the order of the first edge
    naming each), so where several shortest paths exist, this finds the one networkx finds (a test compares
    them on the bundled graph).
    """

    def __init__(self, nodes: list[str], position: dict[str, int], sources: np.ndarray, targets: np.ndarray):
        self.nodes, self.position = nodes, position
        n, edges = len(nodes), np.arange(len(sources))
        ends = np.concatenate([sources, targets])
        others = np.concatenate([targets, sources])
        order = np.lexsort((np.concatenate([edges, edges]), ends))  # by node, then by when the edge was added
        _, first = np.unique(ends[order] * max(n, 1) + others[order], return_index=True)
        kept = order[np.sort(first)]  # each neighbour once, where its first edge put it
        self.neighbours = others[kept]
        self.starts = np.concatenate([[0], np.cumsum(np.bincount(ends[kept], minlength=n))])

    def _adjacent(self, v: int) -> list[int]:
        return self.neighbours[self.starts[v] : self.starts[v + 1]].tolist()

    def between(self, source: str, target: str) -> list[str] | None:
        """The nodes of a shortest path from ``source`` to ``target``; None when there is none or either is
        not a node."""
        if source not in self.position or target not in self.position:
            return None
        s, t = self.position[source], self.position[target]
        pred: dict[int, int | None] = {s: None}
        succ: dict[int, int | None] = {t: None}
        meet = s if s == t else None
        forward, reverse = [s], [t]
        while meet is None and forward and reverse:
            if len(forward) <= len(reverse):
                level, forward = forward, []
                for v in level:
                    for w in self._adjacent(v):
                        if w not in pred:
                            forward.append(w)
                            pred[w] = v
                        if w in succ:
                            meet = w
                            break
                    if meet is not None:
                        break
            else:
                level, reverse = reverse, []
                for v in level:
                    for w in self._adjacent(v):
                        if w not in succ:
                            succ[w] = v
                            reverse.append(w)
                        if w in pred:
                            meet = w
                            break
                    if meet is not None:
                        break
        if meet is None:
            return None
        path: list[int] = []
        node: int | None = meet
        while node is not None:
            path.append(node)
            node = pred[node]
        path.reverse()
        node = succ[path[-1]]
        while node is not None:
            path.append(node)
            node = succ[node]
        return [self.nodes[i] for i in path]


@dataclass(frozen=True)
class LinkIndex:
    """Links by (relation, source), by (relation, target) and by (relation, source, target), each list sorted."""

    targets: dict[tuple[str, str], list[str]]
    sources: dict[tuple[str, str], list[str]]
    facts: dict[tuple[str, str, str], list[str]]


K = TypeVar("K")


def _add(groups: dict[K, list[str]], key: K, value: str) -> None:
    """Append ``value`` to the group ``key`` unless it is already its last value (values come in order)."""
    values = groups.get(key)
    if values is None:
        groups[key] = [value]
    elif values[-1] != value:
        values.append(value)


def _entity(iri: str, kind: str, label: str, attributes: Mapping[str, set[str]] | None) -> Entity:
    """An entity with its attributes (the ``similarity_attributes`` values by key); where a key has several
    values, the least, so every backend gives the same one."""
    if not attributes:
        return Entity(iri, kind, label)

    def first(key: str) -> str | None:
        values = attributes.get(key)
        return min(values) if values else None

    return Entity(
        iri=iri,
        kind=kind,
        label=label,
        alt_labels=tuple(sorted(attributes.get("alt", ()))),
        description=first("description"),
        named_only=first("named_only") in ("true", "1"),
        start_year=_year(first("start")),
        end_year=_year(first("end")),
        network_wide=first("network_wide") in ("true", "1"),
    )


def _year(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value[:4])
    except ValueError:
        return None


_COLUMNS = {  # the reads, the longest first: they run side by side (see _read)
    "similarity_edges": ["source", "relation", "target", "fact"],
    "similarity_sources": ["fact", "document"],
    "similarity_labels": ["entity", "label"],
    "similarity_attributes": ["entity", "key", "value"],
    "similarity_kinds": ["entity", "kind"],
    "similarity_titles": ["document", "title"],
    "similarity_source_dates": ["document", "date"],
    "similarity_confidence": ["fact", "confidence"],
    "similarity_vocabulary": ["concept", "term"],
}

_RECORD_KINDS = frozenset({"city", "project", "pairing", "partner", "programme", "practice"})
"""The kinds of the records whose sources and confidence back links: similarity_sources's classes."""

_READERS = 2
"""How many reads run at once. The embedded store evaluates a query without holding Python's lock, and a
remote server answers each request on a connection of its own, so the reads share the cores (or the server's)."""


def _coded(columns: list[list[str]], also: Iterable[str] = ()) -> tuple[list[str], list[np.ndarray]]:
    """Each column as the ranks of its values among every distinct value of ``columns`` (and ``also``), with
    those values sorted: ranks compare as the strings do, so numpy sorts rows of ranks as Python sorts rows of
    strings, far faster."""
    names = sorted(set(also).union(*columns))
    rank = {name: i for i, name in enumerate(names)}
    return names, [np.fromiter(map(rank.__getitem__, column), np.int64, len(column)) for column in columns]


def _distinct(rows: np.ndarray) -> np.ndarray:
    """The columns of ``rows`` (one row per field, columns in order) without the repeats of a column just
    before it."""
    if rows.shape[1] == 0:
        return rows
    changed = np.ones(rows.shape[1], dtype=bool)
    changed[1:] = np.any(rows[:, 1:] != rows[:, :-1], axis=0)
    return rows[:, changed]


def _grouped(rows: Iterable[tuple[Any, ...]]) -> dict[str, list[str]]:
    """Two-column rows as first value → its second values (empty ones dropped)."""
    out: dict[str, list[str]] = defaultdict(list)
    for key, value in rows:
        if value:
            out[key].append(value)
    return dict(out)


def _rows(store: Store, name: str) -> list[tuple[Any, ...]]:
    """The rows of one ``similarity_*`` query as plain strings (:meth:`graph.store.Store.values`: rdflib terms
    cost more than the query at 3M triples), in the column order ``from_store`` unpacks.

    Values are typed ``Any`` as in :class:`graph.store.Table`: which columns may be ``None`` (unbound or empty)
    is the query's to say, and ``from_store`` drops the rows whose optional column is empty."""
    table = store.values(internal(name).sparql)
    if table.variables != _COLUMNS[name]:
        raise ValueError(f"{name}.rq selects {table.variables}, not {_COLUMNS[name]}")
    return table.rows


def _read(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of every ``similarity_*`` read by name, the reads running side by side."""
    with ThreadPoolExecutor(max_workers=_READERS, thread_name_prefix="typed-graph-read") as pool:
        return dict(zip(_COLUMNS, pool.map(lambda name: _rows(store, name), _COLUMNS)))


def _city_partner(tg: TypedGraph) -> sp.spmatrix:
    """City × partner: pairings (either side of the pairing) plus partners of the city's projects."""
    pairing_city = tg.relation("paired_city").T  # city × pairing
    return pairing_city @ tg.relation("paired_partner") + tg.matrix("city_project") @ tg.relation("involves_partner")


_DERIVED = {
    "city_project": lambda tg: tg.relation("in_city").T,
    "project_city": lambda tg: tg.relation("in_city"),
    "project_focus_area": lambda tg: tg.relation("focus_area"),
    "project_outcome": lambda tg: tg.relation("strategic_outcome"),
    "project_partner": lambda tg: tg.relation("involves_partner"),
    "project_status": lambda tg: tg.relation("status"),
    "project_practice": lambda tg: tg.relation("concerns_project").T,
    "city_country": lambda tg: tg.relation("in_country"),
    "city_pairing": lambda tg: tg.relation("paired_city").T,
    "pairing_partner": lambda tg: tg.relation("paired_partner"),
    "pairing_programme": lambda tg: tg.relation("under_programme"),
    "city_partner": _city_partner,
    "city_programme": lambda tg: tg.relation("paired_city").T @ tg.relation("under_programme"),
    "city_practice": lambda tg: (
        tg.relation("concerns_city").T + tg.matrix("city_project") @ tg.matrix("project_practice")
    ),
    "partner_programme": lambda tg: tg.relation("runs_programme"),
    "partner_project": lambda tg: tg.relation("involves_partner").T,
    "partner_pairing": lambda tg: tg.relation("paired_partner").T,
    "partner_family": lambda tg: tg.relation("parent_partner") + tg.relation("parent_partner").T,
    "city_focus_area": lambda tg: tg.matrix("city_project") @ tg.relation("focus_area"),
}
DERIVED = tuple(_DERIVED)
"""The derived relations :meth:`TypedGraph.matrix` knows, as ``<row kind>_<column kind>``."""


# -- one typed graph per graph version -----------------------------------------------------------


class _Build:
    """One typed graph being read from the store: the callers that came while it is read wait for it."""

    def __init__(self) -> None:
        self.done = Event()
        self.graph: TypedGraph | None = None
        self.error: BaseException | None = None
        self.waiting = 0


class GraphCache:
    """Typed graphs by graph version: a load, an unload or a rebuild changes the key and so the graph.

    Only the version query runs per call while nothing changes. Holds at most ``size`` versions (a web app
    may serve an old and a new version side by side for a moment). Each version is read once: requests that
    arrive while it is being read wait for that read instead of starting their own. Given the store's data
    directory (``data_dir``), a typed graph read from a store whose key outlives a restart is also kept in its
    ``derived/`` folder (:mod:`graph.derived`), so the next process on the same content reads it from there
    instead of asking the store again.

    The copy is written as soon as the graph is read, unless the caller says it builds the recommender's
    structures next (``keep=False``, the server's warm-up): :meth:`Scorer.warm
    <graph.similarity.scoring.Scorer.warm>` then writes the graph with them, once; the graph pickled alone first,
    then again with its structures, cost 3.4-3.9 CPU s more at 3M triples. Until then there is no copy: a process
    of the same content (the evaluation's) reads the store and keeps the graph itself.
    """

    def __init__(self, size: int = 4, data_dir: Path | None = None):
        self.size = size
        self._data_dir = data_dir
        self._graphs: OrderedDict[str, TypedGraph] = OrderedDict()
        self._building: dict[str, _Build] = {}
        self._lock = Lock()
        self.builds = 0

    def waiting(self, version: str) -> int:
        """How many callers wait for the typed graph of ``version`` being read by another (0 when none is)."""
        with self._lock:
            build = self._building.get(version)
            return build.waiting if build else 0

    def get(self, store: Store, keep: bool = True) -> TypedGraph:
        """The typed graph of ``store``'s content; read now (and kept, unless ``keep`` is False) when it is new."""
        version = store.version()
        with self._lock:
            if version in self._graphs:
                self._graphs.move_to_end(version)
                return self._graphs[version]
            build = self._building.get(version)
            reads = build is None
            if build is None:
                build = self._building[version] = _Build()
            else:
                build.waiting += 1
        if not reads:
            build.done.wait()
            if build.graph is None:
                assert build.error is not None
                raise build.error  # the reader's own error (a store that stopped answering, ...)
            return build.graph
        try:
            graph = build.graph = self._read(store, version, keep)
        except BaseException as error:
            build.error = error
            raise
        finally:
            with self._lock:
                del self._building[version]
                if build.graph is not None:
                    self.builds += 1
                    self._graphs[version] = build.graph
                    while len(self._graphs) > self.size:
                        self._graphs.popitem(last=False)
            build.done.set()
        return graph

    def _read(self, store: Store, version: str, keep: bool) -> TypedGraph:
        """The typed graph of ``version``: the one kept in ``derived/`` when there is one (with what was built
        from it before it was kept), else read from the store (and kept now if ``keep``, else by whoever calls
        :meth:`TypedGraph.keep` later: it knows where)."""
        lasting = lasting_version(store) if self._data_dir is not None else None
        if self._data_dir is None or lasting != version:
            return TypedGraph.from_store(store, version)
        path = part_path(self._data_dir, "typed-graph.pickle", version, code_digest(KEPT_BY))
        kept = _kept(path, version)
        graph = kept or TypedGraph.from_store(store, version)
        graph.kept_in = path
        if kept is None and keep:
            graph.keep()
        return graph


def _kept(path: Path, version: str) -> TypedGraph | None:
    """The typed graph of ``version`` kept in ``path``; None when there is none or it cannot be read.

    Whatever fails while unpickling a damaged copy (cut short, overwritten, written by other libraries) is only
    logged: the graph is read from the store again, never half-read."""
    try:
        with open(path, "rb") as kept, collection_paused():  # no pause (nor its collection) without a copy
            graph = pickle.load(kept)  # from the file, not its bytes read whole first (420 MB at 3M triples)
        if isinstance(graph, TypedGraph) and graph.version == version:
            return graph
        log.warning("the kept typed graph %s is not the graph of this content; reading the store", path)
    except FileNotFoundError:
        pass
    except Exception as exc:
        log.warning("the kept typed graph %s cannot be read (%s); reading the store", path, exc)
    return None


KEPT_BY = ("graph/similarity", "queries")
"""The code a typed graph (and what is computed from it) depends on besides the content: kept copies made by
other code are not read."""


def typed_graph(store: Store, cache: GraphCache | None = None) -> TypedGraph:
    """The typed graph of ``store``'s current content: from ``cache`` (read once per graph version), or read now.

    The cache is its owner's (the web app's, a notebook's open graph), never the process's: two apps in one
    process keep their own graphs, and a graph leaves memory with its app.
    """
    return cache.get(store) if cache is not None else TypedGraph.from_store(store)
