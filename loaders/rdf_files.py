"""Which RDF syntax a user's file is in, by its name ending (:data:`graph.formats.FILE_ENDINGS`); the store's own
parser reads it, the same one for `ascn validate FILE` and `ascn load`."""

from __future__ import annotations

from pathlib import Path

from graph.formats import FILE_ENDINGS, Format
from ontology.errors import InputError

__all__ = ["FILE_ENDINGS", "load_format"]


def load_format(path: Path) -> str:
    """The store's load format for an RDF file, by its name ending.

    >>> load_format(Path("big.nt")), load_format(Path("mine.TTL"))
    ('ntriples', 'turtle')
    """
    return _format(path).name


def _format(path: Path) -> Format:
    fmt = FILE_ENDINGS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            path.name, None, None, f"an RDF file ending in {', '.join(sorted(FILE_ENDINGS))}", repr(path.suffix)
        )
    return fmt
