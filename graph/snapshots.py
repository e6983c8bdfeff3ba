"""A past release's data, so a query pinned to a release gives the same answer however the data changes later.

Releases keep their changes, not copies (:mod:`graph.releases`). The data of release N is rebuilt from the data
as it is now, undoing every change made after N; with the ontology beside it, it is written once into an embedded
store of its own (``<data dir>-releases/<version>``), which never changes afterwards. Pinned queries then run on
that store through an ordinary query pool, so they get the same engine, time limit and row limit as any other.

What a release covers is its data (the bundled graphs and the accepted proposals) and the ontology as it is now;
files users load themselves are not part of any release. The data sits in one named graph, so ``GRAPH ?g``
patterns see that one graph where the live store has one graph per file.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from graph.backends import open_store
from graph.config import Settings
from graph.releases import Release, current_release, data_content, diff
from graph.store import Store
from ontology import ontology_graph
from ontology.namespace import GRAPH

DATA_GRAPH = str(GRAPH["release-data"])
ONTOLOGY_GRAPH = str(GRAPH["ontology"])
_DONE = "release.complete"
"""Written last into a snapshot's folder: a folder without it is an interrupted build and is built again."""


def release_data(store: Store, release: Release) -> Graph:
    """The data of ``release``: the current data with every later change undone."""
    data = data_content(store)
    current = current_release(store)
    if current is None or current.number == release.number:
        return data
    later = diff(store, old=release.version, new=current.version)
    for triple in later.added:
        data.remove(triple)
    for triple in later.removed:
        data.add(triple)
    for s, p, before, after in later.changed:
        for o in after:
            data.remove((s, p, o))
        for o in before:
            data.add((s, p, o))
    return data


def snapshot_settings(settings: Settings, release: Release) -> Settings:
    """Where the snapshot of ``release`` lives, beside the store ``settings`` name (whatever its backend)."""
    return Settings(data_dir=Path(f"{settings.data_dir}-releases") / release.version, auto_build=False)


def ensure_snapshot(store: Store, settings: Settings, release: Release) -> Settings:
    """The settings of ``release``'s snapshot store, written first when it is missing (or was interrupted)."""
    snapshot = snapshot_settings(settings, release)
    done = Path(snapshot.data_dir) / _DONE
    if done.exists():
        return snapshot
    graphs = {DATA_GRAPH: release_data(store, release), ONTOLOGY_GRAPH: ontology_graph()}
    Path(snapshot.data_dir).mkdir(parents=True, exist_ok=True)
    written = open_store(snapshot)
    try:
        written.rebuild(graphs, keep=[])
    finally:
        written.close()
    done.write_text(release.version + "\n", encoding="utf-8")
    return snapshot
