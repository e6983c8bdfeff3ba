"""Shared fixtures: the bundled graph built once per session, and fresh stores for tests that write.

Read-only tests share ``store`` (built from the bundled data exactly as ``ascn build`` does); a test that
writes takes ``fresh_store``, its own on-disk copy, so no test can change another's answers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.backends import open_store
from graph.config import Settings
from loaders import dataset


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory) -> Settings:
    """Settings of a session store built from the bundled data."""
    return Settings(data_dir=tmp_path_factory.mktemp("ascn-session"), auto_build=False)


@pytest.fixture(scope="session")
def store(built_settings):
    """The bundled graph in an embedded store, built once; tests must not write to it."""
    s = open_store(built_settings)
    dataset.build(s)
    yield s
    s.close()


@pytest.fixture(scope="session")
def bundled_graphs(store) -> dict:
    """The named graphs of the bundled build (graph IRI → rdflib Graph), as the store holds them."""
    return {name: store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
            for name in store.graph_names()}


@pytest.fixture
def fresh_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", auto_build=False)


@pytest.fixture
def fresh_store(fresh_settings, bundled_graphs):
    """A store of its own holding the bundled build, for tests that load, unload or rebuild."""
    s = open_store(fresh_settings)
    s.rebuild(bundled_graphs, keep=[])
    yield s
    s.close()
