"""The ``ascn`` command: a thin layer over the same functions the web app calls.

The library raises, the command exits, with pySHACL's documented codes: 0 success (or conforms),
1 does not conform, 2 error (bad input, bad query, store trouble).
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.testing import CliRunner

from graph.backends import open_store
from graph.config import MAX_RECORDS, Settings, whole_setting
from graph.errors import StoreDamaged, StoreError, StoreLocked
from graph.formats import FORMATS
from graph.pool import on_deep_stack
from graph.query_input import check_entities, library_listing, resolve_query
from graph.results import to_csv, to_json, to_text_table, to_tsv, to_xml
from graph.sparql_text import inspect_query
from graph.store import Store, Table, select
from loaders import dataset, shacl_sparql
from loaders.errors import ValidationError
from loaders.schema import SCHEMA, SOURCE_KINDS
from loaders.templates import csv_template, yaml_template
from ontology.errors import AscnError, InputError, shown
from queries.library import check_given, get_query
from webapp import DEFAULTS, served, warmup

if TYPE_CHECKING:
    from graph.releases import Triple

EXIT_OK, EXIT_NONCONFORMING, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130
"""Ctrl-C (128 + SIGINT, as shells report it)."""


class _Context:
    """Settings from options and environment; the store is opened on first use and closed at exit.

    When an ``ascn serve`` holds the embedded store, opening it raises :class:`_Served`, and the command is run
    by that server instead (:mod:`webapp.served`). In the server, the context lends the server's own store.
    """

    def __init__(self, settings: Settings, store: Store | None = None):
        self.settings = settings
        self._store = store
        self._owned = store is None

    def store(self, auto_build: bool = True) -> Store:
        if self._store is None:
            settings = self.settings if auto_build else replace(self.settings, auto_build=False)
            try:
                self._store = dataset.open_graph(settings, progress=_progress)
            except StoreLocked:
                registration = served.find(settings.data_dir)
                if registration is None:
                    raise
                raise _Served(registration, click.get_current_context()) from None
        return self._store

    def reader(self) -> Store:
        """The store for a command that only reads (``ascn ingest --dry-run``): a read-only handle, beside whoever
        holds the write lock (an ingest, a review, ``ascn serve``), so a reader never blocks a curator's write nor
        waits for one; the read-write store when the build in it is missing or out of date and must be made first."""
        if self._store is None:
            try:
                handle = open_store(self.settings, read_only=True)
            except StoreError:  # no store yet: the first run builds it
                return self.store()
            info = dataset.build_info(handle)
            if info is None or info["fingerprint"] != dataset.fingerprint():
                handle.close()
                return self.store()
            self._store = handle
        return self._store

    def close(self):
        if self._store is not None and self._owned:
            self._store.close()
        self._store = None


class _Served(Exception):
    """The store is held by a registered ``ascn serve``: the command (run in ``command``, its context) is to run
    there."""

    def __init__(self, registration: served.Registration, command: click.Context):
        self.registration = registration
        self.command = command


def _progress(message: str) -> None:
    click.echo(f"… {message}", err=True)


class _Group(click.Group):
    """Turns the library's errors into a message on stderr and exit code 2, and hands a command to the
    ``ascn serve`` that holds the store when there is one."""

    def parse_args(self, ctx, args):
        ctx.meta["ascn.args"] = list(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except _Served as exc:
            _run_in(exc.registration, _with_absolute_paths(_without_data_dir(ctx.meta["ascn.args"]), exc.command))
        except AscnError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        except (
            KeyboardInterrupt
        ):  # click's 'Aborted!' exits 1, which `ascn validate` keeps for data that does not conform
            click.echo("\ninterrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)


def _run_in(registration: served.Registration, args: list[str]) -> None:
    """Run the command in the server that holds the store, print what it printed and exit with its code."""
    if args and args[0] in _LOCAL_ONLY:
        click.echo(
            f"error: the `ascn serve` at {registration.url} (process {registration.pid}) holds this data "
            f"directory; stop it before `ascn {args[0]}`",
            err=True,
        )
        sys.exit(EXIT_ERROR)
    try:
        stdout, stderr, code = served.forward(registration, args)
    except AscnError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:  # click said 'Aborted!', though the server goes on: a load finished after it
        click.echo(
            f"\ninterrupted: the `ascn serve` at {registration.url} runs `ascn {args[0] if args else ''}` on to its "
            "end all the same (a load or unload is not undone); `ascn stats` shows the graphs as they are then",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)
    click.echo(f"… run by the `ascn serve` at {registration.url}, which holds the store", err=True)
    click.echo(stderr, err=True, nl=False)
    click.echo(stdout, nl=False)
    sys.exit(code)


_LOCAL_ONLY = ("serve", "repair")
"""Commands that act on the data directory itself, which a running server must not have swapped under it."""


def _without_data_dir(args: list[str]) -> list[str]:
    """``args`` less the ``--data-dir`` option: the server runs on its own data directory (the same one)."""
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--data-dir":
            skip = True
        elif not arg.startswith("--data-dir="):
            out.append(arg)
    return out


def _with_absolute_paths(args: list[str], command: click.Context) -> list[str]:
    """``args`` with each value of a file parameter of ``command`` (the leaf of the commands they name) made absolute,
    since the server does not share this process's folder; every other value is sent as given.

    A file parameter is one of type ``click.Path`` (``ascn load FILE``, ``-o``), or ``ascn query``'s QUERY when it
    names an existing file. Before, every argument naming an existing file or folder was made absolute, option values
    too: ``ascn ingest news.txt --title Notes`` in a folder holding ``Notes`` stored the title
    '/home/me/Notes', and ``ascn unload docs`` there was refused as the name '/home/me/docs'.

    The arguments are walked as click reads them: each group's options, the next command's name, then the leaf's
    options (``--opt value``, ``--opt=value``, ``-ovalue``; flags take none) and arguments in order, one taking the
    rest when it has ``nargs=-1``; after ``--`` every argument is an argument, one starting with a dash too.
    """
    chain = [command]
    while chain[0].parent is not None:
        chain.insert(0, chain[0].parent)
    out: list[str] = []
    level, names_only, position, rest = 0, False, 0, iter(args)
    for arg in rest:
        here = chain[level].command
        options = {name: p for p in here.params if isinstance(p, click.Option) for name in (*p.opts, *p.secondary_opts)}
        arguments = [p for p in here.params if isinstance(p, click.Argument)]
        if not names_only and arg == "--":
            names_only = True
            out.append(arg)
        elif not names_only and arg.startswith("--") and "=" in arg:  # --opt=value
            name, _, value = arg.partition("=")
            option = options.get(name)
            out.append(arg if option is None else f"{name}={_file(option, value)}")
        elif not names_only and (arg.startswith("--") or arg in options):  # --opt value, -o value, a flag
            option = options.get(arg)
            out.append(arg)
            if option is not None and not option.is_flag and not option.count:
                out.extend(_file(option, value) for value in islice(rest, option.nargs))
        elif not names_only and arg.startswith("-") and len(arg) > 1:  # -ovalue
            option = options.get(arg[:2])
            taken = option is not None and not option.is_flag and not option.count
            out.append(arg[:2] + _file(option, arg[2:]) if option is not None and taken else arg)
        elif isinstance(here, click.Group) and level + 1 < len(chain):
            level, position = level + 1, 0
            out.append(arg)
        else:
            argument = arguments[min(position, len(arguments) - 1)] if arguments else None
            if argument is not None and argument.nargs != -1:
                position += 1
            out.append(arg if argument is None else _file(argument, arg))
    return out


def _file(param: click.Parameter, value: str) -> str:
    """``value`` made absolute if ``param`` names a file (see :func:`_with_absolute_paths`)."""
    if value == "-" and getattr(param.type, "allow_dash", False):  # standard input, which the command refuses by name
        return value
    if isinstance(param.type, click.Path) or (param.name == "query" and os.path.isfile(value)):
        return os.path.abspath(value)
    return value


def run_in_server(args: list[str], settings: Settings, store: Store) -> tuple[str, str, int]:
    """Run ``ascn ARGS`` on a server's own store: what it printed on standard output and error, and its code."""
    result = CliRunner().invoke(main, args, obj=_Context(settings, store), prog_name="ascn")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.stdout, result.stderr, result.exit_code


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    envvar="ASCN_DATA_DIR",
    help="Where the embedded store lives (default: the per-user data directory).",
)
@click.version_option(package_name="ascn-kg")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None) -> None:
    """The ASEAN Smart Cities Network knowledge graph.

    Settings come from ASCN_* environment variables (ASCN_STORE, ASCN_DATA_DIR, ASCN_QUERY_URL, ...).
    Exit codes: 0 success, 1 data does not conform (validate), 2 error.

    While `ascn serve` runs on the same data directory, every command but serve and repair is run by that
    server, on its store: reads answer as usual, and writes (load, unload, build) show in the web app at once.
    """
    if isinstance(ctx.obj, _Context):  # run by a server for the command beside it (webapp.served)
        return
    try:
        settings = Settings.load({"data_dir": data_dir} if data_dir else None)
    except InputError as exc:  # a malformed ASCN_* variable: a usage error (exit 2), not a traceback
        raise click.UsageError(str(exc)) from None
    ctx.obj = _Context(settings)
    ctx.call_on_close(ctx.obj.close)


@main.command()
@click.pass_obj
def build(obj: _Context) -> None:
    """Rebuild the graph from the bundled data (keeping loaded files) and print counts.

    A damaged store is repaired on the way (as `ascn repair` does), so the loaded graphs are kept."""
    try:
        store = obj.store(auto_build=False)
    except StoreDamaged as exc:
        click.echo(f"… {exc.damage}: repairing", err=True)
        report = _repair(obj)
    else:
        report = dataset.build(store, progress=_progress)
    warmup.prepare_build(obj.settings.data_dir)
    _print_build(report)


@main.command()
@click.pass_obj
def repair(obj: _Context) -> None:
    """Rebuild a damaged store: the bundled graph in a fresh store, and every loaded graph restored from its
    snapshot; the damaged store is moved into set-aside/ in the data directory, never deleted."""
    _print_build(_repair(obj))


def _repair(obj: _Context) -> dataset.BuildReport:
    registration = served.find(obj.settings.data_dir)
    if registration is not None:
        raise StoreError(
            f"the `ascn serve` at {registration.url} (process {registration.pid}) holds this data "
            "directory; stop it before repairing"
        )
    report, done = dataset.repair(obj.settings, progress=_progress)
    for name in done["restored"]:
        click.echo(f"restored {name} from its snapshot", err=True)
    for name in done["salvaged"]:
        click.echo(f"restored {name} from an earlier store", err=True)
    for path in done["set_aside"]:
        click.echo(f"set aside {path}", err=True)
    return report


def _print_build(report: dataset.BuildReport) -> None:
    click.echo("records:")
    for type_, n in report.records.items():
        click.echo(f"  {type_:<14} {n:>6}")
    click.echo("triples:")
    for name, n in report.triples.items():
        click.echo(f"  {name:<52} {n:>7}")
    click.echo(f"  {'total':<52} {report.total_triples:>7}")
    click.echo(f"fingerprint: {report.fingerprint}")


_MAX_RECORDS = click.option(
    "--max-records",
    type=click.IntRange(min=1),
    help=f"Records a YAML or CSV file may hold [default: {MAX_RECORDS:,}, or ASCN_MAX_RECORDS (the server's, when "
    "an `ascn serve` runs the command)].",
)


def _not_standard_input(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Refuse ``-`` saying what it is: click's "File '-' does not exist" read it as a missing file. Nothing reads
    standard input here, since a file's name ending gives its format (and its stem the graph's default name)."""
    if value is not None and str(value) == "-":
        endings = ", ".join((*dataset.RECORD_SUFFIXES, *sorted(dataset.FILE_ENDINGS)))
        raise click.BadParameter(
            f"'-' (standard input) is not read here: a file's name ending gives its format ({endings}); "
            "save the records to a file and name it"
        )
    return value


_USER_FILE = click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path)
"""``ascn load``'s and ``ascn validate``'s FILE; the dash passes the type, so that :func:`_not_standard_input`
names it."""


@main.command()
@click.argument("file", required=False, type=_USER_FILE, callback=_not_standard_input)
@click.option("--type", "type_", help="Record type of a CSV file (project, city, ...) if its name does not say.")
@click.option(
    "--name", help="The name `ascn load --name` would load FILE under (default: its stem): its records keep their ids."
)
@_MAX_RECORDS
@click.pass_obj
def validate(obj: _Context, file: Path | None, type_: str | None, name: str | None, max_records: int | None) -> None:
    """Check the graph (or FILE, without loading it): every field, reference and SHACL shape.

    Every problem of a file is listed at once, each with its line. Exit 0 when it conforms, 1 when it does not
    (a field, a reference or a shape), 2 when it cannot be read.
    """
    store = obj.store()
    if file is not None:
        try:
            dataset.read_user_file(store, file, type_, name, obj.settings.file_limits(max_records))
        except ValidationError as exc:
            click.echo(str(exc))
            sys.exit(EXIT_NONCONFORMING)
        except InputError as exc:
            if exc.field is None:  # the file cannot be read at all: an error, not a verdict on its records
                raise
            click.echo(str(exc))
            sys.exit(EXIT_NONCONFORMING)
        click.echo(f"{file.name}: conforms")
        return
    report = shacl_sparql.check(store.query)
    if report.checked == 0:
        click.echo("error: nothing was checked: the graph is empty", err=True)
        sys.exit(EXIT_ERROR)
    if report.conforms:
        click.echo(f"conforms: {report.checked} nodes checked")
        return
    click.echo(f"does not conform: {len(report.results)} violation(s) among {report.checked} nodes checked")
    for node, path, message in report.results:
        click.echo(f"  {node} {('(' + path + ') ') if path else ''}{message}")
    sys.exit(EXIT_NONCONFORMING)


@main.command()
@click.argument("file", type=_USER_FILE, callback=_not_standard_input)
@click.option("--name", help="Name of the graph to load into (default: the file's name without extension).")
@click.option("--type", "type_", help="Record type of a CSV file (project, city, ...) if its name does not say.")
@_MAX_RECORDS
@click.pass_obj
def load(obj: _Context, file: Path, name: str | None, type_: str | None, max_records: int | None) -> None:
    """Load FILE (records as YAML/CSV, or RDF) into its own named graph, replacing one of the same name."""
    count = dataset.load(obj.store(), file, name=name, type_=type_, limits=obj.settings.file_limits(max_records))
    click.echo(f"loaded {count} triples from {file.name} into {dataset.graph_name(name or file.stem)}")


@main.command(
    help="Print a blank file for your own TYPE records, ready to fill in.\n\nTYPE is one of: " + ", ".join(SCHEMA) + "."
)
@click.argument("type_", metavar="TYPE", type=click.Choice(list(SCHEMA)))
@click.option("--format", "fmt", type=click.Choice(["yaml", "csv"]), default="yaml", show_default=True)
def template(type_: str, fmt: str) -> None:
    click.echo(yaml_template(type_) if fmt == "yaml" else csv_template(type_), nl=False)


@main.command()
@click.argument("name")
@click.pass_obj
def unload(obj: _Context, name: str) -> None:
    """Remove the graph loaded under NAME."""
    dataset.unload(obj.store(), name)
    click.echo(f"removed {dataset.graph_name(name)}")


_FORMATS: dict[str, Callable[[Table], str]] = {
    "json": to_json,
    "csv": to_csv,
    "tsv": to_tsv,
    "xml": to_xml,
    "table": to_text_table,
}
_YES_NO_FORMATS: dict[str, Callable[[bool], str]] = {
    **{name: to_text_table for name in _FORMATS},  # CSV and TSV have no form for a yes/no answer
    "json": to_json,
    "xml": to_xml,
}


def _output_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """An output file whose folder exists, checked before any work starts. ``-`` is refused: it wrote a file named
    "-" where a person meant standard output, which leaving ``-o`` out gives."""
    if value is None:
        return None
    if str(value) == "-":
        raise click.BadParameter("'-' would be a file named '-': leave -o out to write to standard output")
    folder = value.parent
    try:
        if not folder.is_dir():
            raise click.BadParameter(f"the folder {str(folder)!r} does not exist; create it first or choose another")
        if value.is_dir():
            raise click.BadParameter(f"{str(value)!r} is a folder; name a file")
    except OSError as exc:  # a name longer than the system takes was a traceback
        raise click.BadParameter(f"{str(value)!r}: {exc.strerror or exc}") from None
    return value


def _write_output(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (``-o``) whole or not at all; a write that fails is an error naming the path (exit
    2), where a full disk was a traceback. A file is written beside it and renamed over it, so it is never left
    half written; anything else, a device (``/dev/stdout``) or a pipe, is written to as it is: renamed over, it was
    replaced by a file (``-o /dev/full`` printed "wrote 515417 bytes" and left a file in /dev)."""
    try:
        if path.exists() and not path.is_file():
            with open(path, "wb") as out:
                out.write(data)
            return
        part = path.with_name(path.name + ".part")
        try:
            part.write_bytes(data)
            part.replace(path)
        finally:
            part.unlink(missing_ok=True)
    except OSError as exc:
        raise AscnError(f"could not write {path}: {exc.strerror or exc}") from None


@main.command()
@click.argument("query", required=False)
@click.option("--format", "fmt", type=click.Choice(list(_FORMATS)), default="table", show_default=True)
@click.option("--param", "-p", multiple=True, metavar="NAME=VALUE", help="A parameter of a library query.")
@click.option("--list", "list_", is_flag=True, help="List the library's queries with their titles and parameters.")
@click.pass_obj
def query(obj: _Context, query: str | None, fmt: str, param: tuple[str, ...], list_: bool) -> None:
    """Run QUERY: a library query name, a .rq file (- reads it from stdin), or SPARQL text.

    CONSTRUCT and DESCRIBE answers are printed as Turtle. An entity parameter given as a bare id (-p city=da-nang)
    must name an entity of the graph.
    """
    if list_:
        click.echo(library_listing())
        return
    if query is None:
        raise click.UsageError("give a QUERY (a library name, a .rq file or SPARQL text), or --list")
    bad = [p for p in param if "=" not in p]
    if bad:
        raise click.BadParameter(f"expected NAME=VALUE, got {bad[0]!r}", param_hint="--param")
    given: dict[str, list[str]] = {}
    for name, _, value in (p.partition("=") for p in param):
        given.setdefault(name, []).append(value)
    # a repeated parameter binds each value, as /api/queries binds it (only the last was kept, a wrong answer)
    values = {name: found if len(found) > 1 else found[0] for name, found in given.items()}
    named = resolve_query(query, _max_query_length(), sys.stdin.buffer if query == "-" and sys.stdin else None)
    store = obj.store()
    if isinstance(named, str):
        if values:
            raise click.BadParameter(
                "only library queries and .rq files with a #+ header take parameters", param_hint="--param"
            )
        text = named
    else:
        params = {p.name: p for p in named.params}
        for name, found in given.items():
            if name in params:
                check_given(params[name], found)  # as /api/queries checks it
                if found == [""]:  # a shell variable left unset, perhaps: say what the empty value asks
                    click.echo(f"note: {name} is empty, so it does not narrow the answer (every value)", err=True)
        check_entities(store, named, values)
        text = named.bind(values)
    form = inspect_query(text).form
    if fmt != "table" and form in ("CONSTRUCT", "DESCRIBE"):  # the answer was Turtle, whatever --format said
        raise click.BadParameter(
            f"{fmt} is a format of SELECT and ASK answers; a {form} answer is printed as Turtle (leave --format out)",
            param_hint="--format",
        )
    answer = on_deep_stack(store.query, text)
    if isinstance(answer, bool):
        click.echo(_YES_NO_FORMATS[fmt](answer).rstrip("\n"))
    elif isinstance(answer, Table):
        click.echo(_FORMATS[fmt](answer).rstrip("\n"))
    else:
        click.echo(answer.serialize(format="turtle"))


def _max_query_length() -> int:
    """The longest query the endpoint takes (``ASCN_SPARQL_MAX_QUERY_LENGTH``), to which a query file is held too."""
    name = "SPARQL_MAX_QUERY_LENGTH"
    return whole_setting(os.environ.get(f"ASCN_{name}", DEFAULTS[name]), f"ASCN_{name}")


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.name for f in FORMATS["export"]]),
    help="trig, nquads and jsonld-graphs keep each named graph; the others hold the union of all graphs. "
    "[default: the format the output file's name ends in (.ttl, .nt, .jsonld, .rdf, .trig, .nq), else trig]",
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), callback=_output_file, help="File to write (default: stdout)."
)
@click.pass_obj
def export(obj: _Context, fmt: str | None, output: Path | None) -> None:
    """Write the whole graph in an RDF format."""
    chosen = _export_format(fmt, output)  # before the store is opened: a refusal costs nothing
    data = obj.store().export(chosen)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        _write_output(output, data)
        click.echo(f"wrote {len(data)} bytes to {output}", err=True)


def _export_format(fmt: str | None, output: Path | None) -> str:
    """The format ``ascn export`` writes: ``--format``, else the one ``-o``'s file name ends in, else TriG. A
    ``--format`` of another media type than that ending is refused: ``-o graph.jsonld`` was written as TriG, and
    ``--format nquads -o graph.ttl`` as N-Quads, files a tool reading them by their ending cannot read."""
    endings = sorted(FORMATS["export"], key=lambda f: -len(f.extension))  # graphs.jsonld before jsonld
    named = next((f for f in endings if output is not None and output.name.endswith(f".{f.extension}")), None)
    if fmt is None:
        return named.name if named is not None else "trig"
    chosen = next(f for f in FORMATS["export"] if f.name == fmt)
    if named is not None and output is not None and named.media_type != chosen.media_type:
        raise click.BadParameter(
            f"--format {fmt} writes .{chosen.extension} files, and {output.name} ends in .{named.extension} "
            f"({named.name}); name the file .{chosen.extension} or leave --format out",
            param_hint="'--format'",
        )
    return fmt


@main.command()
@click.pass_obj
def stats(obj: _Context) -> None:
    """Counts: entities per class, triples per graph, the build."""
    store = obj.store()
    click.echo(to_text_table(select(store.query, get_query("class_counts", "internal").sparql)))
    click.echo()
    click.echo(to_text_table(select(store.query, get_query("graph_sizes", "internal").sparql)))
    info = dataset.build_info(store)
    if info:
        click.echo(f"\nbuild: release {info['version']}, {info['built']}, {info['fingerprint']}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print the proposals; store nothing.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: the shape documented in docs/ingest.md.",
)
@click.option("--title", help="The document's title (instead of what the file states).")
@click.option("--publisher", help="The document's publisher.")
@click.option("--date", help="The document's date (2025-07-08, 8 July 2025, 2025-07).")
@click.option("--url", help="The document's URL.")
@click.option(
    "--kind",
    type=click.Choice(SOURCE_KINDS),
    default="news",
    show_default=True,
    help="What kind of source the documents are.",
)
@click.pass_obj
def ingest(
    obj: _Context, files: tuple[Path, ...], dry_run: bool, fmt: str, title, publisher, date, url, kind: str
) -> None:
    """Read documents (text, HTML, PDF, RSS/Atom feeds) and propose the facts they state for review.

    Without --dry-run the proposals go to the proposals graph (never into the data): review them with
    `ascn proposals`. Ingesting the same document again adds nothing. A file that cannot be read stops the
    ingest, naming the file and the reason, with nothing stored.
    """
    import json

    from loaders.ingest import ingest as run
    from loaders.ingest import to_json

    analyses = run(
        obj.reader() if dry_run else obj.store(),
        list(files),
        dry_run=dry_run,
        title=title,
        publisher=publisher,
        date=date,
        url=url,
        kind=kind,
    )
    if fmt == "json":
        click.echo(json.dumps(to_json(analyses), indent=2, ensure_ascii=False))
        return
    for a in analyses:
        state = "dry run" if dry_run else ("stored" if a.stored else "already ingested: nothing added")
        click.echo(f"{a.document.name}: {a.document.title or 'untitled'} ({state})")
        click.echo(f"  {len(a.mentions)} mention(s): " + ", ".join(sorted({m.entity.label for m in a.mentions})))
        for f in [*a.extraction.facts, *a.extraction.new_entities]:
            values = "; ".join(f"{k} {v.iri or v.literal}" for k, v in f.fields.items())
            click.echo(f"  {f.kind}: {values}")
            click.echo(f'      "{f.evidence}"')


@main.group()
def proposals() -> None:
    """Review the proposals `ascn ingest` made: list, show, accept (a new release) or reject (kept for audit)."""


@proposals.command("list")
@click.option(
    "--status", type=click.Choice(["pending", "accepted", "rejected", "all"]), default="pending", show_default=True
)
@click.pass_obj
def proposals_list(obj: _Context, status: str) -> None:
    """List proposals: id, status, what they state, their document."""
    from loaders.review import list_proposals

    found = list_proposals(obj.store(), None if status == "all" else status)
    for p in found:
        click.echo(f"{p.id}  {p.status:<8}  {p.label}  [{p.document_title}]")
    if not found:
        click.echo(f"no {'' if status == 'all' else status + ' '}proposals")


@proposals.command("show")
@click.argument("ident")
@click.pass_obj
def proposals_show(obj: _Context, ident: str) -> None:
    """Show one proposal: its fields, evidence, document and review."""
    from loaders.review import get_proposal

    p = get_proposal(obj.store(), ident)
    # "review", not "status": a project's own field status (ongoing, ...) is printed below it
    click.echo(f"{p.iri}\n  kind: {p.kind}\n  review: {p.status}")
    for name, value in p.fields.items():
        click.echo(f"  {name}: {value}")
    click.echo(f'  evidence: "{p.evidence}"\n  document: {p.document_title} <{p.document}>')
    if p.reviewed_by:
        click.echo(f"  reviewed by {p.reviewed_by} at {p.reviewed_at}" + (f": {p.note}" if p.note else ""))


def _overrides(values: tuple[str, ...]) -> dict[str, str]:
    bad = [v for v in values if "=" not in v]
    if bad:
        raise click.BadParameter(f"expected NAME=VALUE, got {bad[0]!r}", param_hint="--set")
    return dict(v.split("=", 1) for v in values)


@proposals.command("accept")
@click.argument("idents", nargs=-1, required=True)
@click.option("--by", "curator", required=True, envvar="ASCN_CURATOR", help="Who accepts [or ASCN_CURATOR].")
@click.option("--note", help="Why (kept with the review).")
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="What the text did not say: focus_area=ID, status=..., partner_kind=... .",
)
@click.pass_obj
def proposals_accept(obj: _Context, idents, curator: str, note: str | None, overrides) -> None:
    """Accept proposals as one batch: their facts go into the data with provenance, as a new release."""
    from loaders.review import accept, distinct

    release = accept(obj.store(), list(idents), curator, note, _overrides(overrides))
    click.echo(f"accepted {len(distinct(list(idents)))} proposal(s): release {release.version}")


@proposals.command("reject")
@click.argument("idents", nargs=-1, required=True)
@click.option("--by", "curator", required=True, envvar="ASCN_CURATOR", help="Who rejects [or ASCN_CURATOR].")
@click.option("--note", help="Why (kept for audit).")
@click.pass_obj
def proposals_reject(obj: _Context, idents, curator: str, note: str | None) -> None:
    """Reject proposals; they are kept, marked rejected, for audit."""
    from loaders.review import reject

    done = reject(obj.store(), list(idents), curator, note)
    click.echo(f"rejected {len(done)} proposal(s)")


@main.command("releases")
@click.pass_obj
def releases_command(obj: _Context) -> None:
    """List the releases, newest first: version, date, what made it, note."""
    from graph.releases import list_releases

    for r in list_releases(obj.store()):
        click.echo(f"{r.version:<16} {r.issued:<26} {r.kind:<9} {r.note}")


@main.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def diff_command(obj: _Context, old: str | None, new: str | None, fmt: str) -> None:
    """Facts added, removed and changed from release OLD to NEW (versions or numbers).

    NEW defaults to the current release, OLD to the one before NEW; `ascn diff` alone shows what the latest release
    changed. Terms are printed in N-Triples notation.
    """
    from graph.releases import diff

    result = diff(obj.store(), old, new)
    if fmt == "json":
        import json

        click.echo(
            json.dumps(
                {
                    "old": result.old.version if result.old else None,
                    "new": result.new.version,
                    "added": [[t.n3() for t in triple] for triple in result.added],
                    "removed": [[t.n3() for t in triple] for triple in result.removed],
                    "changed": [
                        {
                            "subject": s.n3(),
                            "predicate": p.n3(),
                            "old": [o.n3() for o in before],
                            "new": [o.n3() for o in after],
                        }
                        for s, p, before, after in result.changed
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    if result.old is None:  # the baseline records no change: "0 added" would say the first build added nothing
        click.echo(f"release {result.new.version} is the first: the baseline later releases are compared with")
        return
    click.echo(
        f"from {result.old.version} to {result.new.version}: "
        f"{len(result.added)} added, {len(result.removed)} removed, {len(result.changed)} changed"
    )
    from webapp.changes import is_record

    # the records of an acceptance come after its facts, as /changes keeps them apart: they were 58 of its 67 lines,
    # sorted in among the 9 facts
    records = [t for t in result.added if is_record(t[0])]
    _echo_triples("+", (t for t in result.added if not is_record(t[0])))
    if records:
        click.echo(
            f"records of how the added facts came in (accepted proposals, reviews, curators; PROV-O): {len(records)}"
        )
    _echo_triples("+", records)
    _echo_triples("-", result.removed)
    for s, p, before, after in result.changed:
        click.echo(f"~ {s.n3()} {p.n3()} {', '.join(o.n3() for o in before)} -> {', '.join(o.n3() for o in after)}")


def _echo_triples(sign: str, triples: Iterable[Triple]) -> None:
    """One line per triple, ``sign`` first: ``+`` added, ``-`` removed (``ascn diff``)."""
    for s, p, o in triples:
        click.echo(f"{sign} {s.n3()} {p.n3()} {o.n3()}")


def _rate_limit(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A rate-limit option checked before anything is built (flask-limiter's notation, see webapp.limits)."""
    if value is None:
        return None
    from webapp.limits import check_limit

    try:
        return check_limit(value, param.opts[0])
    except InputError as exc:
        raise click.BadParameter(f"expected {exc.expected}, got {shown(value)}") from None


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=5000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port; the address is printed).",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    help="Query worker processes [default: twice the CPU cores, 2 to 8, or ASCN_SPARQL_WORKERS].",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0, min_open=True),
    callback=lambda ctx, param, value: _finite(param, value),
    help="Seconds a query may run before it is stopped [default: 10, or ASCN_SPARQL_TIMEOUT].",
)
@click.option(
    "--row-limit",
    type=click.IntRange(1),
    help="Rows (or triples) an answer may hold [default: 10000, or ASCN_SPARQL_ROW_LIMIT].",
)
@click.option(
    "--threads",
    type=click.IntRange(1),
    help="HTTP threads [default: one for each query worker and for each connection one client may hold, and 4 more].",
)
@click.option(
    "--trusted-proxy",
    metavar="ADDRESS",
    help="Trust X-Forwarded-* headers from this reverse proxy only [or ASCN_TRUSTED_PROXY].",
)
@click.option(
    "--site-url",
    metavar="URL",
    help="The site's public address, for the absolute URLs of the sitemap, feeds and descriptions, e.g. "
    "https://kg.example.org/ [default: the address it listens on, or the host a trusted proxy forwards; "
    "or ASCN_SITE_URL].",
)
@click.option(
    "--connections-per-client",
    type=click.IntRange(0),
    metavar="N",
    help="Open connections one client address may hold; more are refused with 429 "
    "[default: 50, or ASCN_CONNECTIONS_PER_CLIENT; 0: no cap].",
)
@click.option(
    "--rate-limit-sparql",
    metavar="LIMIT",
    callback=_rate_limit,
    help="Per-client limit on /sparql and /api/queries/..., e.g. '60/minute;10/second' "
    "[default: none, or ASCN_RATE_LIMIT_SPARQL].",
)
@click.option(
    "--rate-limit-pages",
    metavar="LIMIT",
    callback=_rate_limit,
    help="Per-client limit on every other route [default: none, or ASCN_RATE_LIMIT_PAGES].",
)
@click.pass_obj
def serve(
    obj: _Context,
    host: str,
    port: int,
    workers: int | None,
    timeout: float | None,
    row_limit: int | None,
    threads: int | None,
    trusted_proxy: str | None,
    site_url: str | None,
    connections_per_client: int | None,
    rate_limit_sparql: str | None,
    rate_limit_pages: str | None,
) -> None:
    """Serve the SPARQL endpoint (/sparql) and the web app with waitress until Ctrl-C."""
    from dataclasses import asdict

    from webapp import create_app, vendor
    from webapp.serve import serve as run

    gone = vendor.missing()
    if gone:
        click.echo(
            f"warning: the pages' scripts are not installed ({', '.join(gone)} missing): the query editor, "
            f"maps and charts will not work; run `{vendor.COMMAND}` (it needs npm)",
            err=True,
        )
    obj.store()  # build on first run here, where progress is shown, then hand the store over to the app
    obj.close()
    config = {name.upper(): value for name, value in asdict(obj.settings).items()}
    limits = {
        "SPARQL_WORKERS": workers,
        "SPARQL_TIMEOUT": timeout,
        "SPARQL_ROW_LIMIT": row_limit,
        "TRUSTED_PROXY": trusted_proxy,
        "SITE_URL": site_url,
        "CONNECTIONS_PER_CLIENT": connections_per_client,
        "RATE_LIMIT_SPARQL": rate_limit_sparql,
        "RATE_LIMIT_PAGES": rate_limit_pages,
    }
    config.update({key: value for key, value in limits.items() if value is not None})
    from webapp.limits import public_defaults

    config.update(public_defaults(host, config, os.environ))
    app = create_app(config)
    run(
        app,
        host,
        port,
        threads,
        announce=lambda url: click.echo(f"serving the web app on {url}/ and SPARQL on {url}/sparql (Ctrl-C to stop)"),
    )


def _finite(param: click.Parameter, value: float | None) -> float | None:
    """``value`` unless it is NaN or infinite, which click's FloatRange lets through (``--timeout nan`` started a
    server whose every query failed)."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of seconds", param=param)
    return value


# -- recommendations (graph.similarity) --------------------------------------------------------------

PROJECT_STATUSES = next(f.values for f in SCHEMA["project"] if f.name == "status")


def _renamed_focus_area(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """``--focus-area`` was the filter's name, one letter from ``--focus``: say which of the two is meant."""
    if value is not None:
        raise click.UsageError(
            "--focus-area is now --keep-focus-area (a filter: keep only candidates working on "
            f"{value!r}); to rank by a focus area, give --focus {value}"
        )


class _RepeatableOptions(click.Command):
    """A recommend command: a second value after a repeatable option (``--focus A B``) is told how to give it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)  # the parser consumes the list it is given
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            stray = _stray_value(self, given)
            if stray is None:
                raise
            option, previous, value = stray
            raise click.UsageError(
                f"{value!r} follows {option} {previous}: give {option} once per value "
                f"({option} {previous} {option} {value})",
                ctx,
            ) from exc


def _stray_value(command: click.Command, args: list[str]) -> tuple[str, str, str] | None:
    """The first value that follows a repeatable option's own value: (the option, its value, the stray value)."""
    takes = {name: param for param in command.params if isinstance(param, click.Option) for name in param.opts}
    option, previous, expecting = None, None, False
    for arg in args:
        if arg.startswith("-"):
            param = takes.get(arg.split("=", 1)[0])
            option, expecting = arg, param is not None and not param.is_flag and "=" not in arg
            previous = None
        elif expecting:
            previous, expecting = arg, False
        elif option is not None and previous is not None and takes[option].multiple:
            return option, previous, arg
        else:
            return None
    return None


def _filter_options(f):
    """The filters every ``ascn recommend`` command takes."""
    for decorator in reversed(
        [
            click.option("--country", help="Keep candidates in this member state (name, id or IRI)."),
            click.option(
                "--keep-focus-area",
                "focus_area",
                metavar="AREA",
                help="A filter: keep only candidates working on this focus area (--focus describes a plan or "
                "a partner's offer, and ranks by it).",
            ),
            click.option(
                "--focus-area", "old_focus_area", hidden=True, callback=_renamed_focus_area, expose_value=False
            ),
            click.option(
                "--status",
                type=click.Choice(PROJECT_STATUSES),
                help="Keep projects (or cities/partners with projects) of this status.",
            ),
            click.option("--from", "start_year", type=int, help="Keep what overlaps the period from this year."),
            click.option("--to", "end_year", type=int, help="Keep what overlaps the period up to this year."),
            click.option("--exclude-own-city", is_flag=True, help="Leave out the query city's own projects."),
            click.option("--exclude-own-country", is_flag=True, help="Leave out candidates in the query's country."),
            click.option(
                "--exclude-paired",
                is_flag=True,
                help="Leave out cities/partners already tied (pairing, shared project, or a related agency).",
            ),
            click.option(
                "--top",
                type=click.IntRange(min=1),
                default=10,
                show_default=True,
                help="How many recommendations (at least 1; /api/recommend takes 1 to 100).",
            ),
            click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True),
        ]
    ):
        f = decorator(f)
    return f


def _filters(options: dict):
    from graph.similarity.filters import Filters

    keys = (
        "country",
        "focus_area",
        "status",
        "start_year",
        "end_year",
        "exclude_own_city",
        "exclude_own_country",
        "exclude_paired",
    )
    return Filters(**{k: options[k] for k in keys})


def _print_recommendations(answer, fmt: str) -> None:
    import json

    from graph.similarity.reasons import to_dict

    if fmt == "json":
        click.echo(json.dumps(to_dict(answer), indent=2, ensure_ascii=False))
        return
    click.echo(f"{answer.question.replace('_', ' ')}: {', '.join(answer.query_labels)}")
    if answer.note:
        click.echo(f"note: {answer.note}")
    if not answer.items:
        click.echo("no recommendation with a reason to show")
    for item in answer.items:
        place = ", ".join(x for x in (item.city if item.kind != "city" else None, item.country) if x)
        mark = f"{item.confidence} confidence" if item.confidence else None
        facts = "; ".join(x for x in (place, item.status, mark) if x)
        tied = "  [already works here]" if item.already_works_here else ""
        click.echo(f"{item.rank:>2}. {item.label}{f'  ({facts})' if facts else ''}{tied}")
        if item.summary:
            click.echo(f"      {item.summary}")
        for reason in item.reasons:
            click.echo(f"      - {reason.text}")
            for ev in reason.evidence:
                conf = f", confidence {ev.confidence}" if ev.confidence else ""
                titles = "; ".join(s.title for s in ev.sources[:2]) + (" ..." if len(ev.sources) > 2 else "")
                click.echo(f"          {ev.statement} [{titles or 'no source'}{conf}]")


def _ask(
    obj: _Context,
    output: str,
    top: int,
    fmt: str,
    options: dict,
    *,
    city: str | None = None,
    project: str | None = None,
    partner: str | None = None,
    focus: Sequence[str] = (),
    outcome: Sequence[str] = (),
    programme: Sequence[str] = (),
    in_country: Sequence[str] = (),
    text: str = "",
    plan_country: str | None = None,
    include_tied: bool = False,
    diverse: bool = True,
) -> None:
    """Choose the question the options mean, ask it, print the answer (a bad combination is a usage error)."""
    from graph.similarity.recommend import QuestionError, ask, choose

    given = {
        "city": city,
        "project": project,
        "partner": partner,
        "focus": focus,
        "outcome": outcome,
        "programme": programme,
        "in_country": in_country,
        "text": text,
    }
    try:
        answer = ask(
            obj.store(),
            choose(output, given),
            top=top,
            filters=_filters(options),
            city=city or None,
            project=project or None,
            partner=partner or None,
            focus=focus,
            outcome=outcome,
            programme=programme,
            in_country=in_country,
            text=text,
            plan_country=plan_country,
            include_tied=include_tied,
            diverse=diverse,
        )
    except QuestionError as exc:
        raise click.UsageError(exc.worded(_option_names())) from None
    _print_recommendations(answer, fmt)


def _option_names() -> dict[str, str]:
    """The running command's parameters by the option a user types for each (``in_country``: ``--in-country``,
    ``start_year``: ``--from``), for messages written in the API's parameter names."""
    command = click.get_current_context().command
    return {p.name: p.opts[0] for p in command.params if isinstance(p, click.Option) and p.name}


@main.group()
def recommend() -> None:
    """Recommendations by text and graph similarity, each with its sourced reasons."""


@recommend.command("projects", cls=_RepeatableOptions)
@click.option(
    "--city",
    help="Projects elsewhere this city could learn from; with a plan, the city planning it "
    "(its own projects never come back).",
)
@click.option("--project", help="Projects elsewhere like this one (by its description, focus areas, partners).")
@click.option("--focus", multiple=True, help="A planned project's focus area (repeatable).")
@click.option("--outcome", multiple=True, help="A planned project's strategic outcome (repeatable).")
@click.option("--text", default="", help="A planned project's short description.")
@click.option("--plan-country", help="The planning city's member state (with --exclude-own-country).")
@click.option("--all-programmes", is_flag=True, help="Let one programme fill the top five (by default at most two).")
@_filter_options
@click.pass_obj
def recommend_projects(
    obj: _Context, city, project, focus, outcome, text, plan_country, all_programmes, top, fmt, **options
) -> None:
    """Projects to learn from: for a city, like a project, or for a planned project (--focus/--outcome/--text,
    with --city for the city planning it)."""
    _ask(
        obj,
        "projects",
        top,
        fmt,
        options,
        city=city,
        project=project,
        focus=focus,
        outcome=outcome,
        text=text,
        plan_country=plan_country,
        diverse=not all_programmes,
    )


@recommend.command("cities", cls=_RepeatableOptions)
@click.option("--partner", help="New cities for this partner (its expertise, programmes, cities like its own).")
@click.option("--city", help="Cities most like this one.")
@click.option(
    "--focus",
    multiple=True,
    help="Focus area the partner offers (repeatable): narrows a partner's list, "
    "or describes a partner not in the graph.",
)
@click.option("--programme", multiple=True, help="Programme (repeatable): narrows or describes, like --focus.")
@click.option("--in-country", "in_country", multiple=True, help="Member state to keep (repeatable).")
@click.option(
    "--include-tied", is_flag=True, help="Also show cities the partner (or its family) already works in, marked so."
)
@_filter_options
@click.pass_obj
def recommend_cities(
    obj: _Context, partner, city, focus, programme, in_country, include_tied, top, fmt, **options
) -> None:
    """Cities for a partner (new ones by default), for a partner profile, or cities like a city."""
    _ask(
        obj,
        "cities",
        top,
        fmt,
        options,
        partner=partner,
        city=city,
        focus=focus,
        programme=programme,
        in_country=in_country,
        include_tied=include_tied,
    )


@recommend.command("partners", cls=_RepeatableOptions)
@click.option("--city", required=True, help="Partners that fit this city (new ones first).")
@_filter_options
@click.pass_obj
def recommend_partners(obj: _Context, city, top, fmt, **options) -> None:
    """Partners that fit a city: new partners first, with what each did in similar cities."""
    _ask(obj, "partners", top, fmt, options, city=city)


@main.command("evaluate")
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), callback=_output_file, help="Write the results as JSON."
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help="At most this many cases per question and split (a quick "
    "run; the figures are then not the full evaluation's).",
)
@click.option("--no-audit", is_flag=True, help="Leave out the per-case leak audit lines.")
@click.pass_obj
def evaluate_command(obj: _Context, output: Path | None, limit: int | None, no_audit: bool) -> None:
    """The recommender measured honestly: leak audit, time split (headline), hold-out, baselines, intervals,
    per-degree table, explanation test, and which method ships and where it loses."""
    from graph.similarity.evaluate import evaluate

    result = evaluate(obj.store(), limit=limit, progress=_progress)
    click.echo(result.table(audit=not no_audit))
    if output is not None:
        _write_output(output, (result.to_json() + "\n").encode("utf-8"))
        click.echo(f"wrote {output}", err=True)


if __name__ == "__main__":
    main()
