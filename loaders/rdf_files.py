"""Which RDF syntax a user's file is in, by its name ending (:data:`graph.formats.FILE_ENDINGS`); the store's own
parser reads it, the same one for `ascn validate FILE` and `ascn load`."""

from __future__ import annotations

import re
from pathlib import Path
from xml.parsers import expat

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
    if fmt.name not in _MARKED:
        _check_byte_order_mark(path, fmt)
    if fmt.name == "rdfxml" or fmt.name in _DEPTH:
        try:
            text = path.read_bytes()  # once, for both checks: each read the file, with a guard of its own
        except OSError:
            return fmt.name  # the store's own read says what is wrong with the file
        if fmt.name == "rdfxml":
            _check_entities(path.name, text)
        if fmt.name in _DEPTH:
            _check_depth(path.name, text, fmt)
    return fmt.name


def _format(path: Path) -> Format:
    fmt = FILE_ENDINGS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            path.name, None, None, f"an RDF file ending in {', '.join(sorted(FILE_ENDINGS))}", repr(path.suffix)
        )
    return fmt


_MARKED = ("rdfxml", "jsonld")
"""The syntaxes whose files may start with a byte-order mark (XML's and JSON's readers drop it); Turtle's, N3's and
N-Triples' grammars have none, and the store's parser read it as a term: "\ufeff is not a valid subject"."""


def _check_byte_order_mark(path: Path, fmt: Format) -> None:
    """Refuse a file of a syntax without a byte-order mark that starts with one, as an editor saving "UTF-8 with
    BOM" writes it, saying so."""
    try:
        with path.open("rb") as file:
            marked = file.read(3) == b"\xef\xbb\xbf"
    except OSError:
        return  # the store's own read says what is wrong with the file
    if marked:
        raise InputError(
            path.name, 1, None, f'{fmt.label} without a byte-order mark: save it as "UTF-8", not "UTF-8 with BOM"'
        )


MAX_DEPTH = 256
"""How deep elements (RDF/XML) or objects and arrays (JSON-LD) may nest in a file the store's parser reads. Its
JSON-LD parser takes memory growing with the square of the depth and then overflows its stack: a 750-kB file nested
50,000 deep took `ascn validate` to 14.7 GB and 71 s, then a segmentation fault (1,000 deep: 220 MB; 3,000:
1.75 GB); its RDF/XML parser takes time growing faster than the square (16,000 deep: 5 s; 50,000, 1.4 MB: past a
minute). Beside a running ``ascn serve`` the server runs the command itself, so one such file stopped the server.
Files written by tools nest a few levels deep; Turtle and N-Triples, read in time and memory linear in the
depth, are not bounded."""
_JSON_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
"""A JSON string (skipped whole, brackets in it and all) or a bracket."""


def _check_depth(name: str, text: bytes, fmt: Format) -> None:
    """Refuse a file nested deeper than :data:`MAX_DEPTH`, naming the line where it goes deeper (a malformed file
    is left to the store's parser, which says what is wrong with it)."""
    line = _DEPTH[fmt.name](text)
    if line is not None:
        raise InputError(name, line, None, f"{fmt.label} nested at most {MAX_DEPTH} levels deep")


def _json_too_deep(text: bytes) -> int | None:
    """The line where JSON ``text`` first nests deeper than :data:`MAX_DEPTH`, or None.

    >>> _json_too_deep(b'{"a": "[[[[", "b": [1, {"c": []}]}'), _json_too_deep(b"\\n" + b"[" * 300)
    (None, 2)
    """
    depth = 0
    for token in _JSON_TOKENS.finditer(text):
        bracket = token[0]
        if bracket in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                return text.count(b"\n", 0, token.start()) + 1
        elif bracket in (b"]", b"}"):
            depth -= 1
    return None


class _TooDeep(Exception):
    pass


def _xml_too_deep(text: bytes) -> int | None:
    """The line where XML ``text`` first nests elements deeper than :data:`MAX_DEPTH`, or None (expat reads it;
    entities were bounded before).

    >>> _xml_too_deep(b"<a><b/><b><c/></b></a>"), _xml_too_deep(b"<r>\\n" + b"<a>" * 300 + b"</a>" * 300 + b"</r>")
    (None, 2)
    """
    parser = expat.ParserCreate()
    depth = 0

    def start(name, attributes):
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise _TooDeep

    def end(name):
        nonlocal depth
        depth -= 1

    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        parser.Parse(text, True)
    except _TooDeep:
        return parser.CurrentLineNumber
    except expat.ExpatError:
        pass
    return None


_DEPTH = {"jsonld": _json_too_deep, "rdfxml": _xml_too_deep}


EXPANSION_FACTOR, EXPANSION_THRESHOLD = 100, 8 * 1024 * 1024
"""How far an XML file's entities may expand it: expat's own defaults (Python's XML parser refuses a document
amplified more than 100 times once past 8 MiB), which the store's RDF/XML parser does not apply."""
_ENTITY = re.compile(rb"""<!ENTITY\s+([^\s%"'>]+)\s+(?:"([^"]*)"|'([^']*)')""")
_REFERENCE = re.compile(rb"&([^\s&;#]+);")
_EXTERNAL = re.compile(rb"<!ENTITY\s+(?:%\s+)?[^\s%\"'>]+\s+(?:SYSTEM|PUBLIC)\b")


def _check_entities(name: str, text: bytes) -> None:
    """Refuse an RDF/XML file whose internal entities expand it past :data:`EXPANSION_FACTOR` times its size (and
    :data:`EXPANSION_THRESHOLD`): pyoxigraph's parser expands them all in memory, so ten entities of ten references
    each (a 1-kB "billion laughs") took ``ascn serve``, which ran the `ascn validate`, to 22 GB until the kernel
    killed it. Entities that stand for namespaces (``&rdf;``, as Protégé writes them) stay far below the bound."""
    external = _EXTERNAL.search(text)
    if external is not None:  # the store's parser said '<!ENTITY values should be enclosed in double quotes'
        raise InputError(
            name,
            text.count(b"\n", 0, external.start()) + 1,
            None,
            "RDF/XML without external entities (<!ENTITY name SYSTEM|PUBLIC ...>): no file or address is read",
        )
    size = entity_expansion(text)
    if size > max(EXPANSION_FACTOR * len(text), EXPANSION_THRESHOLD):
        raise InputError(
            name,
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
