"""Large files load by the store's bulk path and stay all-or-nothing on both backends: a syntax error in the
last line or one SHACL violation among 10k triples (more than the whole bundled build) changes nothing and says
where (docs/remote-store.md's "At scale" recipe runs in tests/benchmarks/test_remote_recipe.py). No path
depends on the file's size below the store's ``copy_limit`` (250k quads), which the checkpoint case sets to 0."""

from __future__ import annotations

import shutil

import pytest

from benchmarks import synthetic
from loaders import dataset
from loaders.errors import ValidationError
from ontology.errors import InputError

TRIPLES = 10_000
SECOND_LABEL = (
    "<https://w3id.org/ascn/id/city/syn-city-000003> <http://www.w3.org/2000/01/rdf-schema#label> "
    '"A second name"@en .\n'
)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The synthetic file, and copies spoilt in their last line: bad syntax, and a second name for a city."""
    folder = tmp_path_factory.mktemp("bulk")
    good = folder / "bulk.nt"
    synthetic.generate(good, TRIPLES)
    lines = good.read_text(encoding="utf-8").count("\n")
    spoilt = {}
    for kind, extra in (
        ("syntax", '<https://w3id.org/ascn/id/city/syn-city-000003> <no-scheme> "x" .\n'),
        ("shacl", SECOND_LABEL),
    ):
        spoilt[kind] = folder / kind / "bulk.nt"
        spoilt[kind].parent.mkdir()
        shutil.copy(good, spoilt[kind])
        with spoilt[kind].open("a", encoding="utf-8") as out:
            out.write(extra)
    return good, spoilt, lines + 1


def graph_sizes(store) -> dict[str, int]:
    table = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {str(row["g"]): int(row["n"]) for row in table}


@pytest.fixture(params=["embedded", "embedded-checkpoint", "remote"])
def any_store(request):
    """Each way a load is staged: an in-memory copy beside a new database, a checkpoint of a store too large to
    copy (``copy_limit`` 0 makes the bundled build count as large), and a remote server's staging graph."""
    if request.param == "remote":
        return request.getfixturevalue("fresh_remote_store")
    store = request.getfixturevalue("fresh_store")
    if request.param == "embedded-checkpoint":
        store.copy_limit = 0
    return store


def test_a_large_file_loads_and_one_bad_record_at_its_end_changes_nothing(any_store, files, request):
    good, spoilt, last_line = files
    count = dataset.load(any_store, good)
    assert count >= TRIPLES
    loaded = graph_sizes(any_store)
    assert loaded["https://w3id.org/ascn/graph/user/bulk"] == count
    snapshots = None if request.node.callspec.params["any_store"] == "remote" else snapshot_files(request)
    if snapshots is not None:  # the embedded store's snapshot of the file: every triple, in its graph
        assert [p.suffix for p in snapshots.iterdir()] == [".nq"]
        quads = next(snapshots.iterdir()).read_bytes().splitlines()
        assert len(quads) == count
        assert all(q.endswith(b" <https://w3id.org/ascn/graph/user/bulk> .") for q in quads)

    with pytest.raises(InputError) as info:
        dataset.load(any_store, spoilt["syntax"])
    assert str(info.value).startswith(f"bulk.nt, line {last_line}: expected valid N-Triples (")
    assert graph_sizes(any_store) == loaded

    with pytest.raises(ValidationError) as info:
        dataset.load(any_store, spoilt["shacl"])
    assert info.value.results == [
        ("https://w3id.org/ascn/id/city/syn-city-000003", "rdfs:label", "Needs exactly one name (rdfs:label).")
    ]
    assert info.value.report.startswith("bulk.nt: 1 SHACL violation(s):")
    assert graph_sizes(any_store) == loaded
    assert not [g for g in any_store.graph_names() if "/staging/" in g]
    if snapshots is not None:  # the refused loads left no snapshot of theirs behind
        assert [p.read_bytes().splitlines() for p in snapshots.iterdir()] == [quads]


def snapshot_files(request):
    """The embedded store's folder of N-Quads snapshots."""
    return request.getfixturevalue("fresh_settings").data_dir / "graphs"
