"""Fixtures for the query-library tests: the bundled records as plain YAML, and a way to run a library query.

The expected answers are computed from the bundled YAML with plain Python (not with the loaders' code), so a
test compares the graph against the data it was built from.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from queries.library import get_query


@pytest.fixture(scope="session")
def data() -> dict[str, list[dict]]:
    """The bundled records by file stem (``cities``, ``projects``, ...), read straight from the YAML."""
    folder = Path(str(files("loaders") / "data"))
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))["records"] for path in sorted(folder.glob("*.yaml"))
    }


@pytest.fixture(scope="session")
def ask(store):
    """``ask(name, params)``: the answer of a library query on the session store, with ``params`` bound."""

    def run(name: str, params: dict | None = None, folder: str = "library"):
        return store.query(get_query(name, folder).bind(params))

    return run
