"""The embedded store: exports that round-trip, builds that switch atomically, and survive a kill -9."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from graph.backends import open_store
from graph.backends.oxigraph import OxigraphStore
from graph.errors import StoreError
from loaders import dataset
from ontology.errors import InputError
from queries.errors import QueryError
from tests.conftest import assert_same_graph, store_copy


def union(store) -> Graph:
    return store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


@pytest.mark.parametrize("fmt, parser", [("turtle", "turtle"), ("ntriples", "nt"), ("rdfxml", "xml")])
def test_a_triple_export_parses_back_into_the_same_graph(store, fmt, parser):
    exported = Graph().parse(data=store.export(fmt), format=parser)
    assert len(exported) > 6000
    assert_same_graph(exported, union(store))


@pytest.mark.parametrize("fmt, parser", [("trig", "trig"), ("nquads", "nquads"), ("jsonld-graphs", "json-ld")])
def test_a_dataset_export_keeps_every_named_graph(store, bundled_graphs, fmt, parser):
    exported = Dataset()
    exported.parse(data=store.export(fmt), format=parser)
    graphs = {str(c): Graph() for c in {q[3] for q in exported.quads((None, None, None, None))}}
    for s, p, o, c in exported.quads((None, None, None, None)):
        graphs[str(c)].add((s, p, o))
    assert sorted(graphs) == sorted(bundled_graphs)
    for name, graph in bundled_graphs.items():
        assert_same_graph(graphs[name], graph)


def test_turtle_export_uses_the_projects_prefixes(store):
    head = store.export("turtle")[:3000].decode()
    assert "@prefix ascn: <https://w3id.org/ascn/ontology#> ." in head
    assert "@prefix city: <https://w3id.org/ascn/id/city/> ." in head


def test_an_exported_graph_loads_back_as_a_user_file(fresh_store, store, tmp_path):
    path = tmp_path / "copy.ttl"
    path.write_bytes(store.export("turtle"))
    dataset.load(fresh_store, path)
    copy = fresh_store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/ascn/graph/user/copy> { ?s ?p ?o } }"
    )
    assert_same_graph(copy, union(store))


def test_a_malformed_query_reports_line_and_column(store):
    with pytest.raises(QueryError) as info:
        store.query("SELECT ?s WHERE {\n  ?s ?p \n}")
    assert info.value.position[0] == 3


def test_unknown_export_format_is_refused(store):
    with pytest.raises(StoreError, match="unknown export format 'xlsx'"):
        store.export("xlsx")


def test_the_store_is_rebuilt_when_the_bundled_data_changes(fresh_store, monkeypatch):
    assert dataset.ensure_built(fresh_store) is None  # same fingerprint: nothing to do
    monkeypatch.setattr(dataset, "fingerprint", lambda: "sha256:changed")
    report = dataset.ensure_built(fresh_store)
    assert report is not None and report.fingerprint == "sha256:changed"
    assert dataset.build_info(fresh_store)["fingerprint"] == "sha256:changed"


def test_a_change_of_the_mapping_code_alone_changes_the_fingerprint(tmp_path, monkeypatch):
    """A fix of how records become triples reaches a store built before it, the version and data being the same."""
    copies = []
    for module in dataset.mapping_code():
        copy = tmp_path / module.name
        copy.write_bytes(module.read_bytes())
        copies.append(copy)
    monkeypatch.setattr(dataset, "mapping_code", lambda: copies)
    before = dataset.fingerprint()
    to_rdf = next(c for c in copies if c.name == "to_rdf.py")
    to_rdf.write_text(to_rdf.read_text().replace("def ", "def  ", 1))
    assert dataset.fingerprint() != before


def test_a_second_process_is_told_the_store_is_in_use(fresh_settings, fresh_store):
    with pytest.raises(StoreError, match="in use by another process"):
        subprocess_open(fresh_settings)


def subprocess_open(settings):
    """Open the store from a child process, re-raising its StoreError here."""
    code = (
        "import sys\nfrom graph.backends import open_store\nfrom graph.config import Settings\n"
        f"open_store(Settings.load({{'data_dir': {str(settings.data_dir)!r}, 'auto_build': False}}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    if done.returncode:
        raise StoreError(done.stderr.strip().splitlines()[-1])


def test_a_build_killed_at_random_points_leaves_the_previous_graph(tmp_path, bundled_graphs):
    """kill -9 during `ascn build`, many times: the store opens, whole, with either the old or the new build."""
    env = {**os.environ, "ASCN_DATA_DIR": str(tmp_path / "data")}
    settings = store_copy(tmp_path / "data", bundled_graphs)  # the previous build, as `ascn build` leaves it
    rng = random.Random(20261125)
    for _ in range(6):
        child = subprocess.Popen(
            [sys.executable, "-m", "webapp.cli", "build"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.2, 2.0))
        child.send_signal(signal.SIGKILL)
        child.wait()
        store = open_store(settings)
        try:
            assert sorted(store.graph_names()) == sorted(bundled_graphs)
            for name in ("https://w3id.org/ascn/graph/bundled/projects", "https://w3id.org/ascn/graph/ontology"):
                got = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
                assert_same_graph(got, bundled_graphs[name])
        finally:
            store.close()
    leftovers = [p.name for p in (tmp_path / "data" / "stores").iterdir()]
    assert len(leftovers) == 1 and not leftovers[0].endswith(".partial")


def reopened_key(settings) -> tuple[str, bool]:
    """The content key a new read-write handle reads, and whether it lasts; the handle is closed again."""
    store = open_store(settings)
    try:
        return store.version(), store.version_lasts
    finally:
        store.close()


def test_the_content_key_lasts_across_openings_and_changes_with_every_write(
    fresh_settings, fresh_store, store, bundled_graphs, tmp_path
):
    built = fresh_store.version()
    assert fresh_store.version_lasts
    fresh_store.close()
    assert reopened_key(fresh_settings) == (built, True)
    reader = open_store(fresh_settings, read_only=True)
    assert (reader.version(), reader.version_lasts) == (built, True)
    reader.close()

    path = tmp_path / "copy.ttl"
    path.write_bytes(store.export("turtle"))
    writer = open_store(fresh_settings)
    keys = [built]
    try:
        dataset.load(writer, path)  # a load
        keys.append(writer.version())
        name = "https://w3id.org/ascn/graph/user/copy"
        writer.replace_graphs({name: union(store)})  # the write an accepted proposal makes
        keys.append(writer.version())
        dataset.unload(writer, "copy")
        keys.append(writer.version())
        writer.rebuild(bundled_graphs, keep=[])
        keys.append(writer.version())
    finally:
        writer.close()
    assert len(set(keys)) == len(keys)
    assert reopened_key(fresh_settings) == (keys[-1], True)


def test_a_refused_load_leaves_the_key_of_the_old_content(fresh_settings, fresh_store, tmp_path):
    before = fresh_store.version()
    path = tmp_path / "broken.ttl"
    path.write_text("<https://example.org/a> <https://example.org/b> .\n")
    with pytest.raises(InputError):
        dataset.load(fresh_store, path)
    assert fresh_store.version() == before
    fresh_store.close()
    assert reopened_key(fresh_settings) == (before, True)


def test_an_update_cut_off_before_its_key_was_written_gives_a_new_key(fresh_settings, fresh_store):
    before = fresh_store.version()
    fresh_store.close()
    live = (fresh_settings.data_dir / "current").resolve()
    (live / "ascn-version").unlink()  # what an update in place killed mid-way leaves
    reader = open_store(fresh_settings, read_only=True)
    assert not reader.version_lasts  # no key to trust before the owner writes one
    reader.close()
    key, lasts = reopened_key(fresh_settings)
    assert lasts and key != before
    assert reopened_key(fresh_settings) == (key, True)


def test_a_store_in_memory_has_no_lasting_key():
    assert not OxigraphStore.in_memory().version_lasts


def test_a_loaded_graphs_snapshot_holds_the_graph_however_the_load_was_checked(fresh_settings, fresh_store, tmp_path):
    """The snapshot is the store's N-Triples with the graph put in each line: written by the check's first search (from
    the in-memory copy) or after a check that did not search (from the checkpoint), it parses back to the graph (lines
    ending in a dot inside literals, blank nodes and all); a check that refuses after searching leaves no file."""
    path = tmp_path / "tricky.nt"
    path.write_text(
        '<http://e.org/s> <http://e.org/p> "a dot .\\nand a line .\\n" .\n'
        '<http://e.org/s> <http://e.org/p> "quote \\" backslash \\\\ .\\\\n tab\\t \\u2028 é . "@fr .\n'
        "<http://e.org/s> <http://e.org/p> _:b1 .\n"
        '_:b1 <http://e.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
        encoding="utf-8",
    )
    name = "https://w3id.org/ascn/graph/user/tricky"
    snapshots = fresh_settings.data_dir / "graphs"

    def searching(staged):
        assert staged.search([re.compile(rb"tab\\t")]) == b"tab\\t"

    def refusing(staged):
        searching(staged)
        raise ValueError("refused")

    for copy_limit, check in ((250_000, searching), (0, lambda staged: None)):
        fresh_store.copy_limit = copy_limit
        fresh_store.replace_graph_from_file(name, path, "ntriples", check)
        [snapshot] = snapshots.iterdir()
        read = Dataset()
        read.parse(snapshot, format="nquads")
        assert isomorphic(
            read.graph(URIRef(name)),
            fresh_store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"),
        )
        assert len(read) == 4
    before = snapshot.read_bytes()
    with pytest.raises(ValueError):
        fresh_store.replace_graph_from_file(name, path, "ntriples", refusing)
    assert list(snapshots.iterdir()) == [snapshot] and snapshot.read_bytes() == before
