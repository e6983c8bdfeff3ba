"""What is derived from the graph's content, kept in the data directory's ``derived/`` folder across restarts.

A part is kept under a key made of the store's content key (:meth:`graph.store.Store.version`, where it outlives
a restart: ``version_lasts``), the source of the code that derives it, and the settings it depends on; so a
restart on the same content and code finds it, and a write or a new release of the code misses it. Parts are
written atomically (a temporary file renamed over), so a process killed while writing leaves the part as it was
or no part at all, never half of one; writing one drops the earlier parts of the same name.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from graph.store import Store

ROOT = Path(__file__).resolve().parent.parent


def derived_dir(data_dir: Path) -> Path:
    """Where what is derived from the build and the ontology is kept, beside the stores."""
    return data_dir / "derived"


def lasting_version(store: Store) -> str | None:
    """The store's content key when it outlives a restart (the embedded store on disk), else None."""
    return store.version() if getattr(store, "version_lasts", False) else None


def code_digest(folders: Iterable[str]) -> str:
    """A digest of every file under ``folders`` (relative to the project's root): the code that derives a part."""
    digest = hashlib.blake2b(digest_size=16)
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def part_path(data_dir: Path, name: str, version: str, *settings: object) -> Path:
    """The file of the part ``name`` (``evaluation.json``) derived from the content ``version`` with ``settings``
    (a code digest first): ``derived/evaluation-<key>.json``."""
    key = hashlib.blake2b(repr((version, settings)).encode(), digest_size=16).hexdigest()
    part = Path(name)
    return derived_dir(data_dir) / f"{part.stem}-{key}{part.suffix}"


def write_part(path: Path, data: bytes | Callable[[BinaryIO], object]) -> None:
    """Write ``data`` to ``path`` atomically, synced to disk, and drop the earlier parts of the same name (and
    what writes of them killed mid-way left).

    ``data`` may be a function writing to the open file, so a large part (the typed graph pickled with its
    structures: 420 MB at 3M triples) is written as it is made instead of first held whole in memory; if it
    raises, nothing is written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stem = path.name.rsplit("-", 1)[0]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as out:
            if isinstance(data, bytes):
                out.write(data)
            else:
                data(out)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
    for earlier in [*path.parent.glob(f"{stem}-*"), *path.parent.glob(f".{stem}-*.tmp")]:
        if earlier != path:
            earlier.unlink(missing_ok=True)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a large derived structure is made or read back.

    Reading back a kept typed graph (or building the recommender's structures) makes millions of objects, none of
    them garbage; the collector, triggered every few hundred allocations, walks the ever older generations again
    and again: at 3M triples it was two thirds of a read back's CPU (4.3 → 1.2 s) and two fifths of the
    structures' (14.1 → 8.1 s). Objects are still freed by their reference counts meanwhile.

    On leaving, one full collection sorts what was made meanwhile into the oldest generation at once, then
    collection resumes (unless it was off on entering): left to the collector, its first passes over those
    millions of young objects came during the next questions (1.3 and 1.7 s at 3M). A thread entering while
    another's pause runs leaves collection as it finds it, so at worst that thread is slower.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.collect()
            gc.enable()
