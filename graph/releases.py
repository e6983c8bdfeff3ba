"""Releases: each build that changes the data and each batch of accepted proposals is a numbered version.

A release is a small named graph of its own (``graph/release/<n>``): the release record (``dcat:version``,
``owl:versionInfo``, ``dcterms:issued``, the release before it) and the triples of the data it added or removed,
each as an ``ascn:Change`` (``rdf:subject``/``rdf:predicate``/``rdf:object``). Keeping the changes, not copies,
is what lets ``ascn diff``, the ``/changes`` page and the feeds say what changed between any two releases, on
every backend, without storing the data twice. The first release of a store is the baseline: it records no
changes, and differences are counted from it.

The data a release covers is the bundled graphs (``graph/bundled/*``) and the graph of accepted proposals
(:data:`ACCEPTED_GRAPH`); the ontology, the build description and files users load themselves are not part of it.

Use :func:`current_release` and :func:`list_releases` to learn the versions; :func:`diff` to compare two.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, XSD
from rdflib.term import Identifier, Node

from graph.describe import DATASET, DCAT3
from graph.store import Store, construct, select
from ontology.errors import NotFound, shown
from ontology.namespace import ASCN, GRAPH, ID
from queries.library import internal

RELEASE_PREFIX = str(GRAPH["release/"])
ACCEPTED_GRAPH = str(GRAPH["user/accepted"])
"""The graph accepted proposals are written to: a user graph, so a rebuild of the bundled data keeps it."""
PROPOSALS_GRAPH = str(GRAPH["proposals"])
"""The graph of ingested documents and the proposals made from them (never part of a release's data)."""

Triple = tuple[Node, Node, Node]
StoredTriple = tuple[Identifier, Identifier, Identifier]
"""A triple read back from a SPARQL answer: IRIs, blank nodes and literals, which sort (a Node need not)."""


@dataclass(frozen=True)
class Release:
    """One release: ``version`` (``YYYY-MM-DD.N``), its ``number`` N, when it was ``issued``, what made it
    (``kind``: build or accepted) and a one-line ``note``."""

    version: str
    number: int
    issued: str
    kind: str
    note: str

    @property
    def iri(self) -> URIRef:
        return release_iri(self.number)

    @property
    def graph(self) -> str:
        return release_graph(self.number)


@dataclass
class Diff:
    """What the data gained and lost from release ``old`` (None: from nothing before the baseline) to ``new``.

    ``changed`` holds (subject, predicate, old objects, new objects) where a value was replaced; ``added`` and
    ``removed`` hold the remaining triples.
    """

    old: Release | None
    new: Release
    added: list[Triple] = field(default_factory=list)
    removed: list[Triple] = field(default_factory=list)
    changed: list[tuple[Identifier, Identifier, list[Identifier], list[Identifier]]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)


def release_iri(number: int) -> URIRef:
    """The IRI of release ``number``.

    >>> str(release_iri(3))
    'https://w3id.org/ascn/id/release/3'
    """
    return ID[f"release/{number}"]


def release_graph(number: int) -> str:
    """The named graph holding release ``number`` and its changes."""
    return f"{RELEASE_PREFIX}{number}"


def version_of(number: int, issued: datetime) -> str:
    """The version string of release ``number`` issued at ``issued``: the day, then the number.

    >>> version_of(4, datetime(2026, 12, 6, 11, 0))
    '2026-12-06.4'
    """
    return f"{issued:%Y-%m-%d}.{number}"


def list_releases(store: Store) -> list[Release]:
    """Every release in the store, newest first."""
    table = select(store.query, internal("releases").sparql)
    return [
        Release(str(r["version"]), int(r["number"]), str(r["issued"]), str(r["kind"]), str(r["note"] or ""))
        for r in table
    ]


def current_release(store: Store) -> Release | None:
    """The newest release, or None before the first build."""
    found = list_releases(store)
    return found[0] if found else None


def find_release(store: Store, version: str) -> Release:
    """The release called ``version`` (its version string or its number); NotFound lists the versions."""
    found = list_releases(store)
    for release in found:
        if version in (release.version, str(release.number)):
            return release
    raise NotFound(f"no release {shown(version)}", suggestions=[r.version for r in found])


def data_content(store: Store) -> Graph:
    """The data a release covers, as it is in the store now (the union of its graphs)."""
    return construct(store.query, internal("release_content").sparql)


def plan(
    store: Store, old: Graph | None, new: Graph, kind: str, note: str, now: datetime | None = None
) -> tuple[Release, Graph] | None:
    """The next release and its graph, for data going from ``old`` to ``new``; None when nothing changed.

    With no release in the store yet this is the baseline release 1, which lists no changes. ``old`` may be
    None when the caller knows the store holds no data yet.
    """
    now = now or datetime.now(UTC)
    previous = current_release(store)
    if previous is None:
        added, removed = [], []
    else:
        old_set = set(old) if old is not None else set()
        new_set = set(new)
        added, removed = sorted(new_set - old_set), sorted(old_set - new_set)
        if not added and not removed:
            return None
    number = previous.number + 1 if previous else 1
    release = Release(version_of(number, now), number, now.isoformat(timespec="seconds"), kind, note)
    return release, release_description(release, previous, added, removed)


def release_description(
    release: Release, previous: Release | None, added: Iterable[Triple], removed: Iterable[Triple]
) -> Graph:
    """The graph of one release: its DCAT record and its changes."""
    g = Graph()
    r = release.iri
    for cls in (ASCN.Release, DCAT.Dataset):
        g.add((r, RDF.type, cls))
    g.add((r, RDFS.label, Literal(f"Release {release.version}", lang="en")))
    g.add((r, DCAT3.version, Literal(release.version)))
    g.add((r, OWL.versionInfo, Literal(release.version)))
    g.add((r, ASCN.releaseNumber, Literal(release.number)))
    g.add((r, ASCN.releaseKind, Literal(release.kind)))
    g.add((r, DCTERMS.issued, Literal(release.issued, datatype=XSD.dateTime)))
    g.add((r, DCTERMS.isVersionOf, DATASET))
    if release.note:
        g.add((r, DCTERMS.description, Literal(release.note, lang="en")))
    if previous is not None:
        g.add((r, DCAT3.previousVersion, previous.iri))
    for link, triples in ((ASCN.addedIn, added), (ASCN.removedIn, removed)):
        for s, p, o in triples:
            key = hashlib.sha256(f"{link} {s.n3()} {p.n3()} {o.n3()}".encode()).hexdigest()[:20]
            c = ID[f"release/{release.number}/change/{key}"]
            g.add((c, RDF.type, ASCN.Change))
            g.add((c, RDF.subject, s))
            g.add((c, RDF.predicate, p))
            g.add((c, RDF.object, o))
            g.add((c, link, r))
    return g


Change = tuple[int, str, StoredTriple]
"""One change a release made: its number, ``added`` or ``removed``, and the triple."""


def release_changes(store: Store) -> list[Change]:
    """Every release's changes, in release order, read in one query: what :func:`diff` and :func:`history` replay.

    Read for each comparison and each feed, a release of 10,000 changes cost 0.6 s of the web process per uncached
    request (any new query string), so the web app keeps this list per graph version and hands it to both."""
    table = select(store.query, internal("release_changes").bind({}))  # its defaults: every release
    return [(int(row["number"]), str(row["op"]), (row["s"], row["p"], row["o"])) for row in table]


def diff(store: Store, old: str | None = None, new: str | None = None, changes: list[Change] | None = None) -> Diff:
    """The differences in the data from release ``old`` to release ``new`` (versions or numbers), replayed from
    ``changes`` (:func:`release_changes`, read from ``store`` when not given).

    ``new`` defaults to the current release and ``old`` to the release before ``new``; an ``old`` newer than
    ``new`` gives the reverse difference. Changes are replayed in order, so a triple added and removed in
    between does not show.
    """
    releases = {r.number: r for r in list_releases(store)}
    if not releases:
        raise NotFound("the store holds no release yet: run `ascn build`")
    to = find_release(store, new) if new else releases[max(releases)]
    since = find_release(store, old) if old else releases.get(to.number - 1)
    reverse = since is not None and since.number > to.number
    low, high = (to, since) if reverse else (since, to)
    assert high is not None  # `since` is the higher one only when it is set
    after, upto = low.number if low else 0, high.number
    every = release_changes(store) if changes is None else changes
    added, removed = _replay(change for change in every if after < change[0] <= upto)
    if reverse:
        added, removed = removed, added
    return _grouped(Diff(since, to), added, removed)


def _replay(changes: Iterable[Change]) -> tuple[set[StoredTriple], set[StoredTriple]]:
    added: set[StoredTriple] = set()
    removed: set[StoredTriple] = set()
    for _number, op, triple in changes:
        if op == "added":
            (removed.discard if triple in removed else added.add)(triple)
        else:
            (added.discard if triple in added else removed.add)(triple)
    return added, removed


def _grouped(result: Diff, added: set[StoredTriple], removed: set[StoredTriple]) -> Diff:
    """Split into changed values (same subject and predicate lost one value and gained another) and the rest."""
    gained: dict[tuple[Identifier, Identifier], list[Identifier]] = defaultdict(list)
    lost: dict[tuple[Identifier, Identifier], list[Identifier]] = defaultdict(list)
    for s, p, o in added:
        gained[(s, p)].append(o)
    for s, p, o in removed:
        lost[(s, p)].append(o)
    for key in sorted(set(gained) & set(lost)):
        result.changed.append((*key, sorted(lost.pop(key)), sorted(gained.pop(key))))
    result.added = sorted((s, p, o) for (s, p), objects in gained.items() for o in objects)
    result.removed = sorted((s, p, o) for (s, p), objects in lost.items() for o in objects)
    return result


def history(store: Store, entity: str, limit: int = 50, changes: list[Change] | None = None) -> list[Diff]:
    """The changes about ``entity`` release by release, newest first (at most ``limit`` releases): changes to its
    own triples and to those of what links to it (a city's projects and pairings, a focus area's projects), from
    ``changes`` (:func:`release_changes`, read from ``store`` when not given).

    What linked to the entity only in an older release (a pairing since removed) is found through the changes
    themselves: a release that removes the triple linking it also says so.
    """
    releases = {r.number: r for r in list_releases(store)}
    linked = {
        entity,
        *(str(row["subject"]) for row in select(store.query, internal("subjects_linking_to").bind({"entity": entity}))),
    }
    by_release: dict[int, list] = defaultdict(list)
    for number, op, triple in release_changes(store) if changes is None else changes:
        if number in releases:
            by_release[number].append((op, triple))
    found = []
    for number in sorted(by_release, reverse=True)[:limit]:
        rows = by_release[number]
        about = linked | {str(s) for _, (s, _p, o) in rows if str(o) == entity}
        added = {t for op, t in rows if op == "added" and str(t[0]) in about}
        removed = {t for op, t in rows if op == "removed" and str(t[0]) in about}
        if added or removed:
            found.append(_grouped(Diff(releases.get(number - 1), releases[number]), added, removed))
    return found
