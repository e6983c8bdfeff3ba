"""The store layer's errors: a store that cannot be opened, read or written, is locked, or is damaged.

They derive from :class:`ontology.errors.AscnError`, so the CLI turns them into a message and an exit code.
"""

from __future__ import annotations

from ontology.errors import AscnError

__all__ = ["StoreError", "StoreLocked", "StoreDamaged"]


class StoreError(AscnError):
    """The triple store could not be opened, read or written."""


class StoreLocked(StoreError):
    """Another process holds the embedded store's write lock (an ``ascn serve``, or a command writing to it)."""

    def __init__(self, path) -> None:
        super().__init__(
            f"the store at {path} is in use by another process (another `ascn` command writing to it, "
            "or an `ascn serve` that did not register itself); wait for it to finish or point "
            "ASCN_DATA_DIR elsewhere"
        )
        self.path = path


class StoreDamaged(StoreError):
    """The data directory or its store is damaged; the message names the damage and the repairing command."""

    def __init__(self, data_dir, damage: str):
        super().__init__(
            f"the store in {data_dir} is damaged: {damage}; run `ascn repair` to rebuild it and "
            "restore the loaded graphs from their snapshots"
        )
        self.damage = damage
