"""The typed graph kept in the data directory's ``derived/`` folder under the content key (issue 15, point 4): a
later process on the same content reads it from there, whole, without asking the store; a write misses it. Once
the recommender's structures are built (``Scorer.warm``), they are kept with it (issue 15, point 6): a restart
reads them back instead of building them, and answers the same."""

from __future__ import annotations

import pytest
from rdflib import Graph

from graph.derived import derived_dir, write_part
from graph.similarity.recommend import ask
from graph.similarity.scoring import Scorer, scorer
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


QUESTIONS = [
    ("similar_cities", {"city": "Phuket"}),
    ("projects_for_city", {"city": "Da Nang"}),
    ("projects_like", {"project": "wise-phuket"}),
    ("projects_for_plan", {"city": "Cebu City", "text": "traffic signal control"}),
    ("cities_for_partner", {"partner": "jica"}),
    ("partners_for_city", {"city": "Phuket"}),
]


def answers(store, tg: TypedGraph) -> list:
    return [ask(store, question, top=10, tg=tg, **inputs).items for question, inputs in QUESTIONS]


def test_the_structures_are_kept_with_the_typed_graph_and_a_restart_reads_them_back(
    fresh_settings, fresh_store, monkeypatch
):
    import graph.similarity.typed_graph as typed_graph_module

    writes = []
    monkeypatch.setattr(
        typed_graph_module, "write_part", lambda path, data: writes.append(path) or write_part(path, data)
    )
    # as the server's warm-up reads it (the structures come next): not kept alone first, then again with them
    read = GraphCache(data_dir=fresh_settings.data_dir).get(fresh_store, keep=False)
    assert writes == [] and not derived_dir(fresh_settings.data_dir).exists()
    built = scorer(read).warm()
    assert writes == list(derived_dir(fresh_settings.data_dir).glob("typed-graph-*.pickle"))  # written once
    expected = answers(fresh_store, read)
    assert expected == answers(fresh_store, TypedGraph.from_store(fresh_store))  # the same as built on the spot

    monkeypatch.setattr(Scorer, "_build_all", lambda self: pytest.fail("the structures were built again"))
    again = GraphCache(data_dir=fresh_settings.data_dir).get(NoReads(fresh_store))  # a restart, same content
    kept = scorer(again).warm()
    assert kept is not built and kept.tg is again
    assert (kept.text.matrix != built.text.matrix).nnz == 0 and kept.text.vocabulary == built.text.vocabulary
    assert (kept.ppr.matrix_t != built.ppr.matrix_t).nnz == 0 and again.link_index == read.link_index
    assert answers(fresh_store, again) == expected and len(writes) == 1


def test_damaged_kept_structures_are_built_again_with_the_same_answers(
    fresh_settings, fresh_store, monkeypatch, caplog
):
    read = GraphCache(data_dir=fresh_settings.data_dir).get(fresh_store)
    expected = answers(fresh_store, scorer(read).warm().tg)
    [kept] = derived_dir(fresh_settings.data_dir).glob("typed-graph-*.pickle")
    whole = kept.read_bytes()
    # cut short, one byte lost, not a pickle, and a copy naming a class this code does not have (an older format)
    for damaged in (whole[: len(whole) // 2], whole[:-1], b"not a pickle", whole.replace(b"Scorer", b"Scorex")):
        kept.write_bytes(damaged)
        caplog.clear()
        again = GraphCache(data_dir=fresh_settings.data_dir).get(fresh_store)  # read from the store again
        assert "cannot be read" in caplog.text
        assert same(again, read) and answers(fresh_store, scorer(again).warm().tg) == expected

    monkeypatch.setattr(Scorer, "_build_all", lambda self: pytest.fail("the structures were built again"))
    restarted = GraphCache(data_dir=fresh_settings.data_dir).get(NoReads(fresh_store))  # kept anew, whole
    assert answers(fresh_store, scorer(restarted).warm().tg) == expected


def test_a_write_is_seen_the_structures_kept_for_the_earlier_content_are_not_used(
    fresh_settings, fresh_store, monkeypatch
):
    read = GraphCache(data_dir=fresh_settings.data_dir).get(fresh_store)
    scorer(read).warm()
    fresh_store.replace_graphs({"https://w3id.org/ascn/graph/user/extra": Graph()})  # a write: a new content key
    builds = []
    build = Scorer._build_all
    monkeypatch.setattr(Scorer, "_build_all", lambda self: builds.append(self) or build(self))
    after = GraphCache(data_dir=fresh_settings.data_dir).get(fresh_store)
    assert after.version == fresh_store.version() != read.version
    assert scorer(after).warm().tg is after and len(builds) == 1  # built for the new content, then kept
    again = GraphCache(data_dir=fresh_settings.data_dir).get(NoReads(fresh_store))
    assert scorer(again).warm().tg is again and len(builds) == 1  # the new content's, read back


def test_a_copy_whose_writing_fails_leaves_the_earlier_one_and_no_temporary_file(fresh_settings, fresh_store):
    GraphCache(data_dir=fresh_settings.data_dir).get(fresh_store)
    [kept] = derived_dir(fresh_settings.data_dir).glob("typed-graph-*.pickle")
    earlier = kept.read_bytes()

    def half_then_fail(out):
        out.write(earlier[:100])
        raise RuntimeError("dictionary changed size during iteration")

    with pytest.raises(RuntimeError):
        write_part(kept, half_then_fail)
    assert kept.read_bytes() == earlier
    assert [p.name for p in derived_dir(fresh_settings.data_dir).iterdir()] == [kept.name]
