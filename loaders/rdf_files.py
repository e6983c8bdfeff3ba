"""Which RDF syntax a user's file is in, by its name ending (:data:`graph.formats.FILE_ENDINGS`); the store's own
parser reads it, the same one for `ascn validate FILE` and `ascn load`."""

from __future__ import annotations

import re
from pathlib import Path

from graph.formats import FILE_ENDINGS, Format
from ontology.errors import InputError

__all__ = ["FILE_ENDINGS", "load_format"]


def load_format(path: Path) -> str:
    """The store's load format for an RDF file, by its name ending, once the file is fit for the store's parser to
    read (an RDF/XML file's entities within :func:`entity_expansion`'s bounds).

    >>> load_format(Path("big.nt")), load_format(Path("mine.TTL"))
    ('ntriples', 'turtle')
    """
    fmt = _format(path)
    if fmt.name == "rdfxml":
        _check_entities(path)
    return fmt.name


def _format(path: Path) -> Format:
    fmt = FILE_ENDINGS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            path.name, None, None, f"an RDF file ending in {', '.join(sorted(FILE_ENDINGS))}", repr(path.suffix)
        )
    return fmt


EXPANSION_FACTOR, EXPANSION_THRESHOLD = 100, 8 * 1024 * 1024
"""How far an XML file's entities may expand it: expat's own defaults (Python's XML parser refuses a document
amplified more than 100 times once past 8 MiB), which the store's RDF/XML parser does not apply."""
_ENTITY = re.compile(rb"""<!ENTITY\s+([^\s%"'>]+)\s+(?:"([^"]*)"|'([^']*)')""")
_REFERENCE = re.compile(rb"&([^\s&;#]+);")


def _check_entities(path: Path) -> None:
    """Refuse an RDF/XML file whose internal entities expand it past :data:`EXPANSION_FACTOR` times its size (and
    :data:`EXPANSION_THRESHOLD`): pyoxigraph's parser expands them all in memory, so ten entities of ten references
    each (a 1-kB "billion laughs") took ``ascn serve``, which ran the `ascn validate`, to 22 GB until the kernel
    killed it. Entities that stand for namespaces (``&rdf;``, as Protégé writes them) stay far below the bound."""
    try:
        text = path.read_bytes()
    except OSError:
        return  # the store's own read says what is wrong with the file
    size = entity_expansion(text)
    if size > max(EXPANSION_FACTOR * len(text), EXPANSION_THRESHOLD):
        raise InputError(
            path.name,
            None,
            None,
            f"RDF/XML whose entities expand it at most {EXPANSION_FACTOR} times",
            f"{size:,} characters from {len(text):,}",
        )


def entity_expansion(text: bytes) -> float:
    """The length of an XML document once its internal general entities are expanded, computed without expanding
    them (``inf`` when an entity refers to itself); an upper bound, as the references in the declarations are
    counted expanded too.

    >>> entity_expansion(b'<!DOCTYPE r [<!ENTITY a "xyz"><!ENTITY b "&a;&a;">]><r>&b;&b;</r>')
    71
    >>> entity_expansion(b"<r/>"), entity_expansion(b'<!DOCTYPE r [<!ENTITY a "&a;">]><r>&a;</r>')
    (4, inf)
    """
    values = {m[1]: m[2] if m[2] is not None else m[3] for m in _ENTITY.finditer(text)}
    if not values:
        return len(text)
    lengths: dict[bytes, float] = {}

    def expanded(name: bytes) -> float:
        if name not in lengths:
            lengths[name] = float("inf")  # until known: an entity met again while its own length is summed
            lengths[name] = _grown(values[name], values, expanded)
        return lengths[name]

    return _grown(text, values, expanded)


def _grown(text: bytes, values: dict[bytes, bytes], expanded) -> float:
    """``text``'s length with each reference to a declared entity counted as its expansion."""
    return len(text) + sum(expanded(m[1]) - len(m[0]) for m in _REFERENCE.finditer(text) if m[1] in values)
