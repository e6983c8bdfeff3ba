"""The one lock for the writes that read the store and write it back whole, in a module of its own: the build
(:mod:`loaders.dataset`) takes it, and importing it from :mod:`loaders.ingest.proposals` put the ingester's language
models (spaCy, about 2 s) on the start of every ``ascn`` command."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from graph.errors import StoreError
from graph.store import Store

WRITING = threading.Lock()
"""One write at a time in a process. An ingest, an acceptance and a rejection each read the graph, change it and write
it whole, so two at once (two curators on /review, a review beside an ingest handed to ``ascn serve``) kept the later
and lost the earlier: its proposals, or its review with the facts it accepted. A build takes it too
(:func:`loaders.dataset.build`), since it also reads the releases and writes the next, and so do a load and an
unload: the embedded store loads a file into a copy of the live database and switches to it, so an acceptance written
while an ``ascn load`` handed to ``ascn serve`` ran was lost at the switch."""

_log = logging.getLogger(__name__)


@contextmanager
def writing(store: Store) -> Iterator[None]:
    """Hold :data:`WRITING` and, where the store names one (:attr:`graph.store.Store.lock_file`), the lock file that
    keeps the writes of other processes out: a remote store has no lock of its own, so an ``ascn load`` beside an
    ``ascn serve`` (which does not hand it the command, as it does for the embedded store) wrote between a curator's
    reads and write. A process that finds the file locked says so, then waits for it (the lock goes with its holder's
    process, so a killed writer never leaves it held)."""
    with WRITING:
        path = store.lock_file
        if path is None:  # the embedded store: its own lock lets one process write, and forwards the others' commands
            yield
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError as exc:  # a traceback, where the remote store's writes had needed no data directory
            raise StoreError(
                f"cannot open the lock file {path} that keeps other processes' writes out ({exc.strerror or exc}); "
                "set ASCN_DATA_DIR to a directory this user can write"
            ) from None
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                _log.warning("another process is writing to the store (it holds %s); waiting for it", path)
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # releases the lock
