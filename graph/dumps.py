"""The whole graph as a file, written once per content and kept in ``derived/``, plain and gzipped.

Made afresh for every download, the whole graph was serialised again each time (at 3M triples tens of seconds
of CPU and the whole file in the server's memory, per request), and a client could not ask whether its copy was
still current. Kept per content key (:func:`graph.derived.lasting_version`), a dump is written by the first
download after a write and read from disk after that; so the server can answer ``If-None-Match`` and
``If-Modified-Since`` with 304 and ``Range`` with 206; a write makes every kept dump stale, and they are removed
(:func:`drop_stale_dumps`). A store
whose content key does not outlive a restart (a remote server) keeps nothing.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from graph.derived import code_digest, derived_dir, lasting_version, part_path, write_part
from graph.formats import FORMATS, Format
from graph.store import Store

_writing = threading.RLock()
"""Held while a dump is looked for, written or opened, or stale ones dropped (:func:`drop_stale_dumps`), which must
not happen between another request finding a file and opening it."""


@contextmanager
def kept_dump(store: Store, data_dir: Path, fmt: Format, gzipped: bool = False) -> Iterator[Path | None]:
    """The path of the whole graph written as ``fmt`` (gzipped, or as it is) for the store's current content,
    written first if missing; None when the store's content key does not last. Open the file within the block."""
    version = lasting_version(store)
    if version is None:
        yield None
        return
    path = _path(data_dir, fmt, gzipped, version)
    with _writing:
        if not path.exists():
            data = store.export(fmt.name)
            write_part(path, gzip.compress(data, mtime=0) if gzipped else data)
            _keep_only(data_dir, version)
        yield path


def drop_stale_dumps(store: Store, data_dir: Path) -> None:
    """Remove the kept dumps of every earlier content, in every format: called when the content changes, and when a
    dump is written (a write made while no server ran). A dump of an older version stayed on disk until the next
    download of its own format, which may never come: at 3M triples a few hundred MB a format."""
    version = lasting_version(store)
    if version is not None:
        _keep_only(data_dir, version)


def _keep_only(data_dir: Path, version: str) -> None:
    """Remove every kept dump but those of ``version``."""
    current = {_path(data_dir, fmt, gzipped, version) for fmt in FORMATS["export"] for gzipped in (False, True)}
    with _writing:
        for path in derived_dir(data_dir).glob(f"{_STEM}*"):
            if path not in current:
                path.unlink(missing_ok=True)


_STEM = "dump_"
"""How every kept dump's file name starts (``derived/dump_turtle_gzip-<key>.gz``)."""


def _path(data_dir: Path, fmt: Format, gzipped: bool, version: str) -> Path:
    stem = f"{_STEM}{fmt.name.replace('-', '_')}{'_gzip' if gzipped else ''}"  # no hyphen: write_part drops '<stem>-*'
    return part_path(data_dir, f"{stem}.{'gz' if gzipped else 'dump'}", version, _code())


@cache
def _code() -> str:
    """The code that writes a dump (the formats, the stores' serialisers): a new release of it writes new dumps."""
    return code_digest(["graph"])
