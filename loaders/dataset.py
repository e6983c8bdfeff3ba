"""Build the bundled graph and load or unload users' files: each step checked in full before it writes.

A build or load either stores everything it was given or nothing: records are checked field by field,
references resolved, the result validated with SHACL, and only then handed to the store in one
transaction (or, for a rebuild, one atomic switch).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version as package_version
from importlib.resources import files
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, RDFS

from graph import releases
from graph.backends import memory_store, open_store, repair_store
from graph.config import FILE_LIMITS, FileLimits, Settings
from graph.describe import BUILD_GRAPH, describe
from graph.store import Staged, Store, construct, select
from loaders import shacl_sparql
from loaders.encoding import check_regular
from loaders.rdf_files import FILE_ENDINGS, load_format
from loaders.records import CONTROL, ID_EXPECTED, ID_GRAMMAR, RecordSet, check_records, read_file
from loaders.schema import PLURALS
from loaders.to_rdf import iri, records_to_graph
from loaders.writing import writing
from ontology import ontology_files, ontology_graph
from ontology.errors import InputError, NotFound, shown
from ontology.namespace import GRAPH, ID
from queries.library import internal

ONTOLOGY_GRAPH = str(GRAPH["ontology"])
USER_PREFIX = str(GRAPH["user/"])
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$")
_PATH_TYPES = {"practice": "best_practice", "focus-area": "focus_area", "annual-meeting": "annual_meeting"}

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildReport:
    """What a build stored: records per type, triples per graph, the fingerprint."""

    records: dict[str, int]
    triples: dict[str, int]
    fingerprint: str

    @property
    def total_triples(self) -> int:
        return sum(self.triples.values())


def bundled_files() -> list:
    """The bundled record files, in a stable order."""
    folder = files("loaders") / "data"
    return sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)


def mapping_code() -> list:
    """The modules that turn records into triples: a change of theirs changes what a build stores.

    The package version stays 0.1.0 across commits, so without them a store built before a fix of the mapping (a
    label cut inside brackets, say) kept the old triples until the bundled data itself changed.
    """
    folder = files("loaders")
    return [folder / name for name in ("records.py", "schema.py", "to_rdf.py")]


def fingerprint() -> str:
    """A hash of everything a build reads (bundled data, ontology, mapping code, version): it changes → rebuild."""
    digest = hashlib.sha256(_version().encode())
    for f in [*bundled_files(), *ontology_files(), *mapping_code()]:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return "sha256:" + digest.hexdigest()


def _version() -> str:
    return package_version("ascn-kg")


def bundled_records() -> RecordSet:
    """All bundled records, checked and with every reference resolved."""
    records = RecordSet()
    for f in bundled_files():
        for record in read_file(Path(str(f))):
            records.add(record)
    check_records(records, {})
    return records


def bundled_graphs(progress: Progress = lambda _: None, records: RecordSet | None = None) -> dict[str, Graph]:
    """The named graphs of a build: the ontology and one graph per bundled file (of ``records`` when given)."""
    records = records or bundled_records()
    progress(f"read {sum(records.count(t) for t in PLURALS)} records from {len(bundled_files())} files")
    graphs = {ONTOLOGY_GRAPH: ontology_graph()}
    for f in bundled_files():
        stem = f.name.removesuffix(".yaml")
        graphs[str(GRAPH[f"bundled/{stem}"])] = records_to_graph((r for r in records if r.file == f.name), records)
    return graphs


def build(store: Store, progress: Progress = lambda _: None) -> BuildReport:
    """Rebuild the store from the bundled data, keeping the graphs users loaded, the releases and the proposals.

    The graphs are checked as a load is, by the shapes compiled to SPARQL on an in-memory copy (far quicker than
    pySHACL; tests/loaders/test_shacl_sparql.py checks both agree on the bundled graph). A build
    that changes the data (or the first one) makes a new release (:mod:`graph.releases`), stored in the same
    switch as the data.

    From choosing the release to the switch it holds the write lock (:func:`loaders.writing.writing`), as an acceptance
    does: an ``ascn build`` that ``ascn serve`` ran beside a curator's acceptance could take the same next release
    number (one release record overwriting the other), copy the kept graphs before the acceptance wrote them (and
    switch to a store without it), or leave the acceptance to write back the build description it read before.
    """
    records, graphs, staged = _checked_graphs(progress)
    with writing(store):
        now = datetime.now(UTC)
        release, description = _build_release(store, staged, now)
        report = _described(records, graphs, release.version, now, progress)
        if description is not None:  # stored in the same switch, but not counted as data in the build's description
            graphs[release.graph] = description
        store.rebuild(graphs, keep=[g for g in store.graph_names() if g not in graphs and _kept(g)])
    return report


def _kept(name: str) -> bool:
    """Whether a rebuild keeps the graph ``name``: files users loaded, accepted proposals, releases, proposals."""
    return name.startswith((USER_PREFIX, releases.RELEASE_PREFIX)) or name == releases.PROPOSALS_GRAPH


def repair(settings: Settings, progress: Progress = lambda _: None) -> tuple[BuildReport, dict]:
    """Rebuild a damaged embedded store: a fresh store of the bundled build plus every loaded graph, restored from
    its snapshot (or read from an earlier store); the damaged store is set aside, not deleted. Releases and
    proposals come back only when read from an earlier store (they have no snapshot); the description then
    states the package's version until the next build that changes the data."""
    records, graphs, _ = _checked_graphs(progress)
    report = _described(records, graphs, _version(), datetime.now(UTC), progress)
    done = repair_store(settings, graphs, keep=_kept)
    return report, done


def _checked_graphs(progress: Progress) -> tuple[RecordSet, dict[str, Graph], Store]:
    """The records, the graphs of a build and an in-memory store holding them, checked with SHACL."""
    records = bundled_records()
    graphs = bundled_graphs(progress, records)
    progress("validating with SHACL")
    staged = memory_store()
    staged.rebuild(graphs, keep=[])
    shacl_sparql.validate(staged.query)
    return records, graphs, staged


def _described(
    records: RecordSet, graphs: dict[str, Graph], version: str, now: datetime, progress: Progress
) -> BuildReport:
    """Add the build's VoID/DCAT description to ``graphs``; the report of what the build stores."""
    fp = fingerprint()
    graphs[BUILD_GRAPH] = describe(graphs, fingerprint=fp, version=version, built=now)
    progress(f"storing {sum(len(g) for g in graphs.values())} triples (release {version})")
    return BuildReport(
        records={t: records.count(t) for t in PLURALS if records.count(t)},
        triples={name: len(g) for name, g in graphs.items()},
        fingerprint=fp,
    )


def _build_release(store: Store, staged: Store, now: datetime) -> tuple[releases.Release, Graph | None]:
    """The release a build stores: a new one with its graph when the data changed, else the current one and None.

    A build of the same bundled data and ontology (the same fingerprint) keeps the current release without
    comparing: a remote server may give back some values in its own form (Virtuoso's geometry literals), which
    would look like changes.

    The new data is read back from ``staged`` (the checked copy) so both sides of the comparison are in the
    store's own canonical form (``39.0`` and ``39`` are one xsd:decimal there, two in rdflib).
    """
    current = releases.current_release(store)
    info = build_info(store)
    if current is not None and info is not None and info["fingerprint"] == fingerprint():
        return current, None  # the same bundled data and ontology as the current release's build
    new = releases.data_content(staged)
    old = releases.data_content(store) if current else None
    if old is not None:  # the accepted proposals' graph is kept as it is
        new += construct(store.query, internal("graph_triples").bind({"graph": releases.ACCEPTED_GRAPH}))
    planned = releases.plan(store, old, new, "build", f"build of the bundled data (ascn-kg {_version()})", now)
    if planned is not None:
        return planned
    assert current is not None  # plan() finds nothing changed only against a release already stored
    return current, None


def build_info(store: Store) -> dict | None:
    """The fingerprint, version and time of the build in the store, or None if it holds none."""
    table = select(store.query, internal("build_info").sparql)
    rows = list(table)
    return {k: str(v) for k, v in rows[0].items()} if rows else None


def ensure_built(store: Store, progress: Progress = lambda _: None) -> BuildReport | None:
    """Build when the store holds no build or an older one; the first run of any command does this."""
    info = build_info(store)
    if info and info["fingerprint"] == fingerprint():
        return None
    progress("the bundled data changed since the last build; rebuilding" if info else "first run: building the graph")
    return build(store, progress)


def user_graphs(store: Store) -> list[str]:
    """The named graphs users loaded."""
    return [g for g in store.graph_names() if g.startswith(USER_PREFIX)]


def graph_name(name: str) -> str:
    """The named graph of a user file called ``name`` (letters, digits, ``.``, ``_``, ``-``)."""
    if not _NAME.match(name):
        raise InputError(expected="a name of letters, digits, '.', '_' or '-' (at most 81)", got=name)
    return USER_PREFIX + name


def read_user_file(
    store: Store, path: Path, type_: str | None = None, name: str | None = None, limits: FileLimits = FILE_LIMITS
) -> Graph:
    """The RDF of a user's file (records or RDF), checked against what the store holds; nothing is written.

    The check is a load's, step for step, so `ascn validate FILE` and `ascn load FILE` never disagree: an RDF file
    is read by the store's own parser (the one a load uses, into an in-memory store), records by the same field
    and reference checks, and both meet the same :func:`check_staged` beside the ontology and the types of what
    the file links to; ``name`` is the graph a load would replace (``load``'s default: the file's stem), and
    ``limits`` what the file may hold (:class:`graph.config.FileLimits`).
    """
    staged, focus = memory_store(), str(GRAPH["user/checked"])
    staged.replace_graphs({ONTOLOGY_GRAPH: ontology_graph()})
    if _file_kind(path, limits.bytes) == "rdf":
        staged.replace_graph_from_file(focus, path, load_format(path), lambda _: None)
        graph = construct(staged.query, internal("all_triples").sparql, default_graphs=[focus])
    else:
        graph = _records_graph(store, path, graph_name(path.stem if name is None else name), type_, limits)
        staged.replace_graphs({focus: graph})
    staged.replace_graphs({str(GRAPH["context"]): _context(store, graph)})
    check_staged(staged.query, focus, path.name)
    return graph


def check_staged(query, graph: str, file: str, search=None) -> None:
    """What a user's graph must pass before it goes live (and to conform in `ascn validate FILE`): safe terms,
    then the data shapes (``search``: the staged graph's :attr:`graph.store.Staged.search`, if the store has one)."""
    check_terms(query, graph, file, search)
    shacl_sparql.validate(query, graph, file=file)


RECORD_SUFFIXES = (".csv", ".yaml", ".yml")


def _file_kind(path: Path, max_bytes: int) -> str:
    """ "rdf" or "records", by the file's name ending; anything else is refused naming every accepted ending, and
    anything but a regular file (a named pipe, a device) or one of more than ``max_bytes`` before it is read
    (:func:`loaders.encoding.check_regular`): every load and check of a user's file comes here first."""
    check_regular(path.name, path, max_bytes)
    suffix = path.suffix.lower()
    if suffix in FILE_ENDINGS:
        return "rdf"
    if suffix in RECORD_SUFFIXES:
        return "records"
    hint = (
        "; N-Quads and TriG files name graphs of their own: write each graph as Turtle or N-Triples and load "
        "it under its own name"
        if suffix in (".nq", ".trig")
        else ""
    )
    raise InputError(
        path.name,
        None,
        None,
        f"a record file ({', '.join(RECORD_SUFFIXES)}) or an RDF file ({', '.join(sorted(FILE_ENDINGS))}){hint}",
        suffix or path.name,
    )


_UNSAFE = {
    "control": "text without control characters",
    "link": "an http(s) IRI",
    "subject id": f"an entity IRI whose id is {ID_EXPECTED}",
    "object id": f"an entity IRI whose id is {ID_EXPECTED}",
}


_LINKS = ("https://schema.org/url", str(RDFS.seeAlso), str(FOAF.homepage), str(FOAF.page))
UNSAFE_SCREEN = tuple(
    re.compile(pattern)
    for pattern in (
        rb"\\(?:u00[01][0-9A-F]|u007F|[bf])",  # U+0000-001F, U+007F as the store escapes them (\t \n \r aside)
        rb"\xc2[\x80-\x9f]",  # U+0080-009F in UTF-8
        rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])",  # U+202A-202E, U+2066-2069
        b"<" + re.escape(str(ID).encode()) + b"(?![a-z-]+(?:/" + ID_GRAMMAR.pattern[1:-1].encode() + b")+>)",
        b"<(?:" + b"|".join(re.escape(link.encode()) for link in _LINKS) + rb")> (?!<https?://)",
    )
)
"""Where ``unsafe_terms.rq`` can find something in a graph's N-Triples as the store writes them: a control
character escaped or in UTF-8, an entity IRI whose id is outside the grammar, a link property followed by anything
but an http(s) IRI. It finds more than the query (a backslash before a ``b`` in a literal, an id IRI as a
predicate), never less, so a graph where it finds nothing needs no query (tests/loaders/test_safe_input.py holds
it to the query on every such character and id).

Five patterns, each starting with fixed bytes, rather than one alternation of them: Python's regular expressions
skip quickly to where a fixed start occurs, but try an alternation whose branches start differently at every
position of the text."""


def check_terms(query, graph: str, file: str, search=None) -> None:
    """Refuse (InputError naming the file, the subject and the property) a graph holding a control character in
    a literal, a link that is not http(s), or an entity IRI with a malformed id: the same rules record files
    meet field by field (:mod:`loaders.records`), for RDF files, in `ascn validate FILE` and `ascn load` alike.

    Given the staged graph's ``search`` (:attr:`graph.store.Staged.search`), a graph :data:`UNSAFE_SCREEN` finds
    nothing in is passed without the query, which evaluates its expressions triple by triple (7 of the 39 s a
    3M-triple load spent on its checks)."""
    if search is not None and search(UNSAFE_SCREEN) is None:
        return
    rows = list(query(internal("unsafe_terms").bind({"graph": graph})))
    if not rows:
        return
    row = rows[0]
    problem = str(row["problem"])
    found = CONTROL.search(str(row["o"])) if problem == "control" else None  # the query's class is CONTROL's
    got = f"U+{ord(found[0]):04X}" if found else str(row["s"] if problem == "subject id" else row["o"])
    raise InputError(file, str(row["s"]), str(row["p"]), _UNSAFE[problem], got)


def load(
    store: Store, path: Path, name: str | None = None, type_: str | None = None, limits: FileLimits = FILE_LIMITS
) -> int:
    """Load a user's file into its own named graph (replacing one of the same name); returns its triples.

    The store parses and stages the file by its bulk path; the data shapes, compiled to SPARQL
    (:mod:`loaders.shacl_sparql`), check the staged dataset for the file's records (the rest of the store
    supplies what they link to), and only a file that conforms goes live. Records (YAML, CSV) are checked field
    by field first, turned into RDF and take the same road as N-Triples. It holds the write lock throughout
    (:func:`loaders.writing.writing`): the ids it finds taken and the store it stages beside must stay as read.
    """
    target = graph_name(path.stem if name is None else name)
    with writing(store):
        return _load(store, path, target, type_, limits)


def _load(store: Store, path: Path, target: str, type_: str | None, limits: FileLimits) -> int:
    def check(staged: Staged) -> None:
        check_staged(staged.query, staged.graph, path.name, staged.search)

    if _file_kind(path, limits.bytes) == "rdf":
        return store.replace_graph_from_file(target, path, load_format(path), check)
    graph = _records_graph(store, path, target, type_, limits)
    with tempfile.TemporaryDirectory(prefix="ascn-load-") as folder:
        converted = Path(folder) / f"{path.stem}.nt"
        graph.serialize(converted, format="nt", encoding="utf-8")
        return store.replace_graph_from_file(target, converted, "ntriples", check)


def _records_graph(store: Store, path: Path, target: str, type_: str | None, limits: FileLimits) -> Graph:
    """The RDF of a user's record file (YAML, CSV), its fields and references checked against the store beside the
    graph ``target`` it would replace: one place for :func:`load` and :func:`read_user_file`, which must agree."""
    records = RecordSet()
    for record in read_file(path, type_, limits.records):
        records.add(record)
    check_records(records, known_ids(store), known_ids(store, target))
    return records_to_graph(records, records, labels=lambda t, i: _label(store, t, i))


def unload(store: Store, name: str) -> None:
    """Remove a user-loaded graph (holding the write lock); an unknown name raises NotFound with the names that
    exist."""
    target = graph_name(name)
    with writing(store):
        loaded = user_graphs(store)
        if target not in loaded:
            names = [g.removeprefix(USER_PREFIX) for g in loaded]
            raise NotFound(f"no loaded graph named {shown(name)}", suggestions=names)
        store.drop_graphs([target])


def known_ids(store: Store, outside: str | None = None) -> dict[str, set[str]]:
    """Ids already in the store, by record type, read from the entity IRIs; with ``outside``, only those some
    other graph than that one declares (the ids a file loaded into ``outside`` may not take)."""
    known: dict[str, set[str]] = {}
    query = internal("entity_ids_outside").bind({"graph": outside}) if outside else internal("entity_ids").sparql
    for row in select(store.query, query):
        path = str(row["entity"]).removeprefix(str(ID)).split("/")
        if len(path) == 2:
            type_ = _PATH_TYPES.get(path[0], path[0])
            known.setdefault(type_, set()).add(path[1].upper() if type_ == "country" else path[1])
    return known


def _label(store: Store, type_: str, id_: str) -> str | None:
    table = select(store.query, internal("label").bind({"entity": str(iri(type_, id_))}))
    return str(table.rows[0][0]) if len(table) else None


def _context(store: Store, graph: Graph) -> Graph:
    """What SHACL needs of the store to check ``graph``: the ontology and the types of what it links to."""
    linked = sorted({str(o) for o in graph.objects() if isinstance(o, URIRef) and str(o).startswith(str(ID))})
    if not linked:
        return Graph()
    return construct(store.query, internal("context_types").bind({"entity": linked}))


def open_graph(settings: Settings, progress: Progress = lambda _: None) -> Store:
    """Open the configured store, building it first when it is empty or out of date (``auto_build``)."""
    store = open_store(settings)
    if settings.auto_build:
        try:
            ensure_built(store, progress)
        except BaseException:
            store.close()
            raise
    return store
