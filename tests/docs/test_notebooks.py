"""docs/notebooks.md's examples, run as doctests on the bundled graph: the documentation cannot drift from what
``import ascn`` does."""

from __future__ import annotations

import doctest
from pathlib import Path

from tests.conftest import store_copy

DOC = Path(__file__).resolve().parents[2] / "docs" / "notebooks.md"


def test_the_notebook_guide_runs(tmp_path, bundled_graphs):
    settings = store_copy(tmp_path / "data", bundled_graphs)  # its own copy: the session's store stays locked
    result = doctest.testfile(
        str(DOC),
        module_relative=False,
        globs={"DATA_DIR": settings.data_dir},
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        report=True,
    )
    assert result.attempted >= 10
    assert result.failed == 0


def test_a_remote_endpoint_answers_as_the_embedded_store(store, ascn_server):
    import ascn

    local = ascn.KnowledgeGraph(store)  # the session's store, left open for the other tests
    with ascn.open(ascn_server.url) as remote:
        here = local.query("cities_of_country", country="TH").to_pandas()
        there = remote.query("cities_of_country", country="TH").to_pandas()
        assert here.to_dict("records") == there.to_dict("records")
        assert here["cityLabel"].tolist()[:2] == ["Bangkok", "Chiang Mai"]
        assert [i.label for i in remote.recommend("partners_for_city", city="da-nang", top=3).items] == [
            i.label for i in local.recommend("partners_for_city", city="da-nang", top=3).items
        ]


def test_citation_cff_at_the_root_has_what_the_format_requires():
    import yaml

    root = Path(__file__).resolve().parents[2]
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert {"cff-version", "message", "title", "authors"} <= set(cff)
    assert cff["cff-version"] == "1.2.0" and all(a.get("name") for a in cff["authors"])
    project = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{cff["version"]}"' in project and cff["license"] == "MIT"
