"""The whole graph as a file, written once per content and kept in ``derived/``, plain and gzipped.

Made afresh for every download, the whole graph was serialised again each time (at 3M triples tens of seconds
of CPU and the whole file in the server's memory, per request), and a client could not ask whether its copy was
still current. Kept per content key (:func:`graph.derived.lasting_version`), a dump is written by the first
download after a write and read from disk after that; so the server can answer ``If-None-Match`` and
``If-Modified-Since`` with 304 and ``Range`` with 206, and the next write's first download replaces it. A store
whose content key does not outlive a restart (a remote server) keeps nothing.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from graph.derived import code_digest, lasting_version, part_path, write_part
from graph.formats import Format
from graph.store import Store

_writing = threading.Lock()
"""Held while a dump is looked for, written or opened: a writer drops the earlier dumps of its format, which must
not happen between another request finding a file and opening it."""


@contextmanager
def kept_dump(store: Store, data_dir: Path, fmt: Format, gzipped: bool = False) -> Iterator[Path | None]:
    """The path of the whole graph written as ``fmt`` (gzipped, or as it is) for the store's current content,
    written first if missing; None when the store's content key does not last. Open the file within the block."""
    version = lasting_version(store)
    if version is None:
        yield None
        return
    stem = f"dump_{fmt.name.replace('-', '_')}{'_gzip' if gzipped else ''}"  # no hyphen: write_part drops '<stem>-*'
    path = part_path(data_dir, f"{stem}.{'gz' if gzipped else 'dump'}", version, _code())
    with _writing:
        if not path.exists():
            data = store.export(fmt.name)
            write_part(path, gzip.compress(data, mtime=0) if gzipped else data)
        yield path


@cache
def _code() -> str:
    """The code that writes a dump (the formats, the stores' serialisers): a new release of it writes new dumps."""
    return code_digest(["graph"])
