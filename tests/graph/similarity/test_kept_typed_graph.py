"""The typed graph kept in the data directory's ``derived/`` folder under the content key (issue 15, point 4): a
later process on the same content reads it from there, whole, without asking the store; a write misses it."""

from __future__ import annotations

from rdflib import Graph

from graph.derived import derived_dir
from graph.similarity.typed_graph import GraphCache, TypedGraph


class NoReads:
    """A store that has the content key of ``store`` and refuses to be read."""

    def __init__(self, store):
        self.version = store.version
        self.version_lasts = store.version_lasts

    def values(self, sparql: str):
        raise AssertionError("the store was read")


def same(a: TypedGraph, b: TypedGraph) -> bool:
    return (a.entities, a.links, a.facts, dict(a.vocabulary)) == (b.entities, b.links, b.facts, dict(b.vocabulary))


def test_a_kept_typed_graph_is_read_back_whole_without_the_store(fresh_settings, fresh_store):
    read = GraphCache(data_dir=fresh_settings.data_dir).get(fresh_store)
    assert same(read, TypedGraph.from_store(fresh_store))
    [kept] = derived_dir(fresh_settings.data_dir).glob("typed-graph-*.pickle")
    again = GraphCache(data_dir=fresh_settings.data_dir).get(NoReads(fresh_store))  # a restart, same content
    assert same(again, read) and again.version == read.version
    assert again.ids("city") == read.ids("city") and (again.relation("in_city") != read.relation("in_city")).nnz == 0

    fresh_store.replace_graphs({"https://w3id.org/ascn/graph/user/extra": Graph()})  # a write: a new content key
    after = GraphCache(data_dir=fresh_settings.data_dir).get(fresh_store)
    assert after.version == fresh_store.version() != read.version
    [newer] = derived_dir(fresh_settings.data_dir).glob("typed-graph-*")  # the earlier content's is dropped
    assert newer != kept


def test_a_damaged_kept_typed_graph_is_read_from_the_store_again(fresh_settings, fresh_store):
    read = GraphCache(data_dir=fresh_settings.data_dir).get(fresh_store)
    [kept] = derived_dir(fresh_settings.data_dir).glob("typed-graph-*.pickle")
    kept.write_bytes(kept.read_bytes()[:100])  # cut short
    assert same(GraphCache(data_dir=fresh_settings.data_dir).get(fresh_store), read)
    assert same(GraphCache(data_dir=fresh_settings.data_dir).get(NoReads(fresh_store)), read)  # kept anew, whole


def test_a_typed_graph_of_a_store_in_memory_is_not_kept(fresh_settings):
    from graph.backends.oxigraph import OxigraphStore

    memory = OxigraphStore.in_memory()
    GraphCache(data_dir=fresh_settings.data_dir).get(memory)
    assert not derived_dir(fresh_settings.data_dir).exists()
