"""Read record files (YAML or CSV) and check every field before anything reaches the graph.

Errors name the file, the record (its id, or its line when it has none) and the field, and say what
was expected: a person fixing a file of 160 projects must find the wrong cell at once.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import yaml

from graph.config import MAX_RECORDS
from graph.lookup import compact
from loaders.encoding import decode
from loaders.schema import ORDER, PLURALS, SCHEMA, Field, id_field
from ontology.errors import NOT_GIVEN, InputError, InputErrors

_TYPE_BY_PLURAL = {plural: type_ for type_, plural in PLURALS.items()}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_YEARMONTH = re.compile(r"^\d{4}-\d{2}$")
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
ID_GRAMMAR = re.compile(r"^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$")
"""Ids become the last segment of entity IRIs and page paths (``/id/city/<id>``): ASCII letters and digits, single
``-``, ``_`` or ``.`` between them, so no id can be ``..``, carry ``#``, ``?``, ``/``, a quote or non-ASCII."""
ID_LENGTH = 100
ID_EXPECTED = (
    f"an id of ASCII letters and digits, with single '-', '_' or '.' between them (at most {ID_LENGTH} characters)"
)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters, which no output format can carry as they are (XML cannot carry U+0000 at all), and the
bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069), which show the text after them reversed
wherever it is shown (a project name, a curator's name on /changes): no name or text of the graph needs one. A text
keeps its tabs and line breaks, and right-to-left text its marks (U+200E, U+200F). The web app refuses the same in
parameters (:mod:`webapp.bounds`)."""


@dataclass
class Record:
    """One record of a file: its type, its fields, and where it stands (file and line) for errors."""

    type: str
    data: dict[str, Any]
    file: str
    line: int
    field_lines: dict[str, int] = field(default_factory=dict)
    """The line of each field, where the file gives it (YAML), so an error points at the field itself."""

    @property
    def id(self) -> str:
        return str(self.data.get(id_field(self.type)))

    def error(self, field_name: str | None, expected: str, got: Any = NOT_GIVEN) -> InputError:
        """An InputError naming this record by its id and the field's line (the record's, or its line alone)."""
        rid = self.data.get(id_field(self.type))
        top = (field_name or "").split(".", 1)[0].split("[", 1)[0]
        line = self.field_lines.get(top, self.line)
        if rid in (None, ""):
            return InputError(self.file, line, field_name, expected, got)
        return InputError(self.file, str(rid), field_name, expected, got, line=line or None)


@dataclass
class RecordSet:
    """Records grouped by type, in the order the files gave them."""

    by_type: dict[str, list[Record]] = field(default_factory=dict)

    def add(self, record: Record) -> None:
        self.by_type.setdefault(record.type, []).append(record)

    def __iter__(self):
        for type_ in ORDER:
            yield from self.by_type.get(type_, [])

    def ids(self, type_: str) -> set[str]:
        return {r.id for r in self.by_type.get(type_, [])}

    def get(self, type_: str, id_: str) -> Record | None:
        return next((r for r in self.by_type.get(type_, []) if r.id == id_), None)

    def count(self, type_: str) -> int:
        return len(self.by_type.get(type_, []))


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that remembers the line of every mapping (as ``__line__``), and stops at the record past
    ``max_records`` (:class:`_TooMany`), before it composes the rest of the file."""

    def __init__(self, text: str, max_records: int) -> None:
        super().__init__(text)
        self.max_records = max_records
        self.records = 0
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        # a record is an item of a list at depth 2: the document's mapping, a section (or ``records:``), its items
        if self.depth == 2 and isinstance(parent, yaml.SequenceNode):
            self.records += 1
            if self.records > self.max_records:
                raise _TooMany(self.peek_event().start_mark.line + 1)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _TooMany(Exception):
    """A record file holds more records than its cap; ``line`` is where the first record past it starts."""

    def __init__(self, line: int) -> None:
        self.line = line


def _too_many(name: str, line: int, max_records: int) -> InputError:
    return InputError(
        name,
        line,
        None,
        f"at most {max_records:,} records in a file (--max-records or ASCN_MAX_RECORDS raises the cap)",
    )


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    """The mapping, with its lines; a key given twice is an error naming both lines (YAML forbids it, and PyYAML kept
    the last value without a word: ``status: planning`` then ``status: ongoing`` loaded as ongoing)."""
    seen: dict[object, yaml.Node] = {}
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode):
            if key.value in seen:
                raise yaml.constructor.ConstructorError(
                    f"while reading the mapping whose key {key.value!r} is at line {seen[key.value].start_mark.line + 1}",
                    seen[key.value].start_mark,
                    f"the key {key.value!r} is given again",
                    key.start_mark,
                )
            seen[key.value] = key
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = {
        key.value: key.start_mark.line + 1 for key, _ in node.value if isinstance(key, yaml.ScalarNode)
    }
    return mapping


def _construct_int(loader: _LineLoader, node: yaml.ScalarNode) -> int:
    """An integer; one of more digits than Python converts (4,300) is an error at its place, not a traceback."""
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"a number of {len(node.value):,} digits, more than any field takes", node.start_mark
        ) from None


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> object:
    """A date as YAML reads it; one no calendar has (``2025-13-01``, which YAML's pattern takes for a date) stays the
    text written, so the field's own check names the record and field, where PyYAML raised a ValueError."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return node.value


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def read_file(path: Path, type_: str | None = None, max_records: int = MAX_RECORDS) -> list[Record]:
    """The records of one YAML or CSV file, read as they stand: :func:`check_records` checks them.

    A YAML file is either ``{type: T, records: [...]}`` or a mapping of section names (``projects:``,
    ``sources:`` ...) to lists, so a city can add its projects together with the sources they cite.
    A CSV file holds one type, given by ``type_`` or by its name (``projects.csv``, ``my-projects.csv``).
    A file of more than ``max_records`` records is refused at the first record past it (:data:`MAX_RECORDS`).
    """
    name = path.name
    try:
        text = decode(name, path.read_bytes(), ', as a spreadsheet saves "CSV UTF-8"')
    except OSError as exc:
        raise InputError(name, None, None, f"a readable file ({exc.strerror})") from None
    if path.suffix.lower() == ".csv":
        records = _read_csv(name, text, type_ or _type_from_name(name), max_records)
    elif path.suffix.lower() in (".yaml", ".yml"):
        records = _read_yaml(name, text, type_, max_records)
    else:
        raise InputError(name, None, None, "a .yaml, .yml or .csv record file", path.suffix)
    return records


def _read_yaml(name: str, text: str, type_: str | None, max_records: int) -> list[Record]:
    loader = _LineLoader(text, max_records)
    try:
        doc = loader.get_single_data()
    except _TooMany as exc:
        raise _too_many(name, exc.line, max_records) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise InputError(
            name, mark.line + 1 if mark else None, None, f"valid YAML ({getattr(exc, 'problem', exc)} at {where})"
        ) from None
    except RecursionError:  # PyYAML reads nested lists and mappings by recursion: a few hundred levels
        line = loader.get_mark().line + 1
        raise InputError(name, line, None, "YAML nested less deep (lists and mappings within each other)") from None
    finally:
        loader.dispose()
    if not isinstance(doc, dict):
        raise InputError(name, None, None, "a mapping with 'type' and 'records', or sections like 'projects:'")
    if _holds_more_values(doc, len(text)):
        raise InputError(
            name, None, None, f"at most {len(text):,} values (one per character) once its aliases (*name) are expanded"
        )
    doc.pop("__line__", None)
    doc.pop("__lines__", None)
    if "records" in doc or "type" in doc:
        declared = doc.get("type", type_)
        if declared not in SCHEMA:
            raise InputError(name, None, "type", f"one of {', '.join(ORDER)}", declared)
        sections = {declared: doc.get("records")}
        extra = set(doc) - {"type", "records"}
        if extra:
            raise InputError(name, None, sorted(extra)[0], "only 'type' and 'records' at the top level")
    else:
        sections = {}
        for key, value in doc.items():
            if key not in _TYPE_BY_PLURAL:
                raise InputError(name, None, key, f"a section among {', '.join(_TYPE_BY_PLURAL)}")
            sections[_TYPE_BY_PLURAL[key]] = value
    records = []
    for section_type, items in sections.items():
        if isinstance(items, dict):  # a single record written as a mapping (the network file)
            if not set(items) - {"__line__", "__lines__"}:  # `projects: {}` was one record with every field missing
                raise InputError(name, items["__line__"], PLURALS[section_type], "a list of records", "{}")
            items = [items]
        if not isinstance(items, list):
            raise InputError(name, None, PLURALS[section_type], "a list of records", items)
        for item in items:
            if not isinstance(item, dict):
                raise InputError(name, None, None, f"each {section_type} record to be a mapping", item)
            line, lines = item.pop("__line__", 0), item.pop("__lines__", {})
            records.append(Record(section_type, _strip_lines(item), name, line, lines))
    return records


def _holds_more_values(doc: Any, limit: int) -> bool:
    """Whether ``doc`` holds more than ``limit`` values (mappings, lists and scalars), line marks aside.

    Written out, a file holds fewer values than characters; only aliases (``*name``, repeating an ``&name``
    value) make more, and nine of them nested eight deep make 43 million ("billion laughs"), which the checks
    then walked value by value: 97 s of CPU for a 600-byte file, in ``ascn serve`` when it ran the load.
    Counted until the limit is passed, so the count costs at most the file's length.
    """
    stack, count = [doc], 0
    while stack:
        value = stack.pop()
        count += 1
        if count > limit:
            return True
        if isinstance(value, dict):
            stack.extend(v for k, v in value.items() if k not in ("__line__", "__lines__"))
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _strip_lines(value: Any) -> Any:
    """Drop the loader's line marks, and read unquoted YAML dates as the text the person wrote."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k not in ("__line__", "__lines__")}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _type_from_name(name: str) -> str:
    stem = Path(name).stem.lower().replace("-", "_")
    for type_, plural in PLURALS.items():
        if stem in (plural, type_) or stem.endswith("_" + plural):
            return type_
    raise InputError(name, None, None, "a CSV named after its type (e.g. projects.csv), or a --type")


def _read_csv(name: str, text: str, type_: str, max_records: int) -> list[Record]:
    if type_ not in SCHEMA:
        raise InputError(name, None, None, f"a record type among {', '.join(ORDER)}", type_)
    fields = {f.name: f for f in SCHEMA[type_]}
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_separator(text.partition("\n")[0]))
    try:
        return _csv_records(name, reader, type_, fields, max_records)
    except csv.Error as exc:  # a cell past the csv module's 131,072 characters: it was a traceback
        # line_num counts the lines the csv module finished; the error is in the next one
        raise InputError(name, reader.line_num + 1, None, f"valid CSV ({exc})") from None


def _csv_records(
    name: str, reader: csv.DictReader, type_: str, fields: dict[str, Field], max_records: int
) -> list[Record]:
    header = reader.fieldnames
    if not header:
        raise InputError(
            name, None, None, "a header row naming the columns, then one record per row (the file is empty)"
        )
    if any("\x00" in column for column in header):  # UTF-16 read as UTF-8: a NUL beside every ASCII letter
        raise InputError(
            name,
            1,
            None,
            'UTF-8 text, as a spreadsheet saves "CSV UTF-8" (the header row holds NUL bytes, as UTF-16 '
            "saved without its byte-order mark does)",
        )
    first: dict[str, int] = {}
    for number, column in enumerate(header, 1):
        if column in first:  # csv.DictReader kept the last cell of a repeated column, without a word
            raise InputError(name, 1, column, "each column once", f"columns {first[column]} and {number}")
        first[column] = number
        if column not in fields or fields[column].kind in ("mapping", "any"):
            allowed = [f.name for f in SCHEMA[type_] if f.kind not in ("mapping", "any")]
            raise InputError(name, 1, column, f"a column among {', '.join(allowed)}")
    records: list[Record] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            raise InputError(name, line, None, f"at most {len(header)} cells, as many as the header has")
        data = {}
        for column, cell in row.items():
            if cell is None or cell.strip() == "":
                continue
            data[column] = _from_cell(fields[column], cell.strip())
        if data:  # a row of empty cells, as spreadsheets save rows once formatted, is no record
            if len(records) == max_records:
                raise _too_many(name, line, max_records)
            records.append(Record(type_, data, name, line))
    if not records:
        raise InputError(name, None, None, "one record per row below the header row (the file has none)")
    return records


def _separator(header: str) -> str:
    """The column separator of a CSV file, read from its header row: ',' as ``ascn template`` writes it, or ';'
    and tab as spreadsheets save CSV where the decimal mark is a comma and as "Unicode text". Column names are
    ids, so the header holds no other punctuation; a list cell that holds ';' in a ';'-separated file is quoted,
    as spreadsheets do.

    >>> _separator("id,name,city"), _separator("id;name;city"), _separator("id\\tname"), _separator("id")
    (',', ';', '\\t', ',')
    """
    return next((mark for mark in (",", ";", "\t") if mark in header), ",")


def _from_cell(spec: Field, cell: str) -> Any:
    """A CSV cell in the type its field wants; lists are separated by ';'. Wrong values fail later, named."""
    if spec.kind == "list":
        return [part.strip() for part in cell.split(";") if part.strip()]
    if spec.kind == "int" and re.fullmatch(r"-?\d+", cell):
        return int(cell)
    if spec.kind == "number" and re.fullmatch(r"-?\d+(\.\d+)?", cell):
        return float(cell)
    if spec.kind == "bool" and cell.lower() in ("true", "false"):
        return cell.lower() == "true"
    return cell


def record_problems(record: Record) -> list[InputError]:
    """Every field of ``record`` that is unknown, missing or of the wrong form, each as an InputError."""
    specs = {f.name: f for f in SCHEMA[record.type]}
    problems = [
        record.error(key, f"a {record.type} field, one of: {', '.join(specs)}")
        for key in record.data
        if key not in specs
    ]
    for key, value in record.data.items():
        where = _control_character(value)
        if where is not None:
            problems.append(record.error(key + where[0], "text without control characters", f"U+{ord(where[1]):04X}"))
    for spec in specs.values():
        value = record.data.get(spec.name)
        if value is None:
            if spec.required and not (spec.nullable and spec.name in record.data):
                problems.append(record.error(spec.name, f"{_describe(spec)} (the field is missing)"))
            continue
        bad = _bad_value(spec, value)
        if bad is not _OK:
            problems.append(record.error(spec.name, _describe(spec), bad))
        elif (
            spec.name == id_field(record.type)
            and spec.kind != "enum"
            and not is_id(str(value) if spec.kind == "int" else value)
        ):  # an annual meeting's number
            problems.append(record.error(spec.name, ID_EXPECTED, value))
        elif spec.required and value == []:
            problems.append(record.error(spec.name, f"{_describe(spec)}, at least one", value))
    return problems


def raise_all(problems: list[InputError]) -> None:
    """Raise the one problem found, or all of them at once as :class:`InputErrors`; nothing when none."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InputErrors(problems)


_OK = object()


def _bad_value(spec: Field, value: Any) -> Any:
    """``_OK`` when ``value`` fits ``spec``, else the offending value (a list's first bad item)."""
    kind = spec.kind
    if kind == "list":
        if not isinstance(value, list):
            return value
        item = Field(spec.name, spec.item or "text", target=spec.target, values=spec.values)
        return next((v for v in value if _bad_value(item, v) is not _OK), _OK)
    if kind == "text":
        ok = isinstance(value, str) and value.strip() != ""
    elif kind == "ref":
        ok = isinstance(value, str) and is_id(value)
    elif kind == "enum":
        ok = value in spec.values
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "date":
        ok = isinstance(value, (str, int)) and all(_valid_date(p) for p in str(value).split("/"))
    elif kind == "yearmonth":
        ok = isinstance(value, str) and bool(_YEARMONTH.match(value))
    elif kind == "url":
        ok = isinstance(value, str) and bool(_URL.match(value))
    elif kind == "mapping":
        ok = isinstance(value, dict)
    elif kind == "period":
        ok = (
            isinstance(value, dict)
            and set(value) <= {"period", "sources"}
            and isinstance(value.get("period"), str)
            and value["period"].strip() != ""
            and isinstance(value.get("sources"), list)
            and value["sources"] != []
            and all(isinstance(s, str) and s.strip() for s in value["sources"])
        )
    else:
        ok = True
    return _OK if ok else value


def is_id(value: Any) -> bool:
    """Whether ``value`` is a well-formed id (:data:`ID_GRAMMAR`).

    >>> [is_id(v) for v in ("da-nang", "TH", "ascn_me_2024", "..", "a#b", "a?q=1", "a'b", "x/../../y", "hà-nội")]
    [True, True, True, False, False, False, False, False, False]
    """
    return isinstance(value, str) and len(value) <= ID_LENGTH and bool(ID_GRAMMAR.match(value))


def _control_character(value: Any, path: str = "") -> tuple[str, str] | None:
    """The first control character in ``value`` (a text, or texts nested in lists and mappings) and where it
    is (``.key`` / ``[i]`` below the field), or None."""
    if isinstance(value, str):
        found = CONTROL.search(value)
        return (path, found.group()) if found else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        where = _control_character(inner, f"{path}.{key}" if isinstance(key, str) else f"{path}[{key}]")
        if where is not None:
            return where
    return None


def _valid_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    parts = [int(p) for p in text.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def _describe(spec: Field) -> str:
    what = {
        "text": "a non-empty text",
        "int": "a whole number",
        "number": "a number",
        "bool": "true or false",
        "date": "a date YYYY, YYYY-MM or YYYY-MM-DD (or a range A/B)",
        "yearmonth": "a month YYYY-MM",
        "url": "an http(s) URL",
        "mapping": "a mapping",
        "any": "a value",
        "period": "a mapping {period: text as stated, sources: [source ids]}",
    }
    if spec.kind == "enum":
        return "one of " + ", ".join(spec.values)
    if spec.kind == "ref":
        return f"a {spec.target} id ({ID_EXPECTED.removeprefix('an id of ')})"
    if spec.kind == "list":
        inner = (
            f"{spec.target} ids"
            if spec.item == "ref"
            else "reported periods {period, sources}"
            if spec.item == "period"
            else f"{spec.item or 'text'} items"
        )
        return f"a list of {inner}"
    return what[spec.kind]


def _duplicates(records: Iterable[Record]) -> list[InputError]:
    """A problem for each record whose id an earlier record of its type has. Records without an id are left to
    :func:`record_problems`, which says the id is missing: two of them share no id."""
    seen: dict[tuple[str, str], Record] = {}
    problems = []
    for record in records:
        if record.data.get(id_field(record.type)) is None:
            continue
        key = (record.type, record.id)
        if key in seen:
            first = seen[key]
            where = f"line {first.line}" if first.file == record.file else f"{first.file}, line {first.line},"
            problems.append(record.error(id_field(record.type), f"a unique id, but {where} has it too"))
        seen.setdefault(key, record)
    return problems


def check_records(
    records: RecordSet, known: Mapping[str, set[str]], taken: Mapping[str, set[str]] | None = None
) -> None:
    """Check every field of every record, that ids are unique, and that every id a record cites exists (in
    ``records`` itself or in ``known``, the ids already in the store). A record may not declare an id of
    ``taken`` (those other graphs than the one it replaces hold): the entity would get a second name and
    description beside the first, which the shapes refuse only at load time and without naming the record.

    All problems are raised at once (:class:`InputErrors`), each with its file, line, record and field, so one
    run shows every mistake of a file.
    """
    ids = _citable_ids(records, known)
    problems = [_meant_id(p, record, ids) for record in records for p in record_problems(record)]
    problems += _duplicates(records)
    problems += [
        record.error(id_field(record.type), f"a {record.type} id the graph does not hold yet", record.id)
        for record in records
        if record.id in (taken or {}).get(record.type, ())
    ]
    raise_all(problems + _reference_problems(records, ids))


def _citable_ids(records: RecordSet, known: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """The ids a record may cite, by type: those of ``records`` and ``known`` (the store's), and 'network'."""
    ids = {type_: records.ids(type_) | set(known.get(type_, ())) for type_ in SCHEMA}
    ids["city"] = ids["city"] | {"network"}
    return ids


_WRITTEN_NAME = re.compile(r"\w[\w '-]*")
"""A name as a person writes one for an id: words with spaces, hyphens, apostrophes ("Da Nang", "Quality
Environment", "Cebu City")."""


def _meant_id(problem: InputError, record: Record, ids: Mapping[str, set[str]]) -> InputError:
    """``problem`` with the id its value names, when it is a reference written as a name ("Da Nang", "Quality
    Environment") that folds to an id as search folds names: the form's rule alone ("ASCII letters and digits,
    with single '-'...") left the person to guess the id."""
    spec = next((f for f in SCHEMA[record.type] if f.name == problem.field), None)
    if spec is None or spec.target is None or not isinstance(problem.got, str) or is_id(problem.got):
        return problem
    if spec.kind == "list" and not isinstance(record.data.get(spec.name), list):  # a list's own form comes first
        return problem
    if not _WRITTEN_NAME.fullmatch(problem.got):  # "../phuket" is no name written for an id: no hint for it
        return problem
    meant = sorted(i for i in ids[spec.target] if compact(i) == compact(problem.got))
    if not meant:
        return problem
    return record.error(spec.name, f"an existing {spec.target} id (did you mean {', '.join(meant)}?)", problem.got)


def _reference_problems(records: RecordSet, ids: Mapping[str, set[str]]) -> list[InputError]:
    """Every cited id that names none of ``ids`` (:func:`_citable_ids`), with the closest ids."""
    problems: list[InputError] = []
    for record in records:
        for spec in SCHEMA[record.type]:
            value = record.data.get(spec.name)
            if value is None:
                continue
            if spec.target is not None and (spec.kind == "ref" or (spec.kind == "list" and spec.item == "ref")):
                problems += _unknown_ids(
                    record, spec.name, spec.target, value if isinstance(value, list) else [value], ids
                )
            elif spec.kind in ("mapping", "any") or (spec.kind == "list" and spec.item in ("mapping", "period")):
                problems += _unknown_nested_sources(record, spec.name, value, ids)
        if record.type == "project" and record.data.get("city") == "network" and record.data.get("scope") != "network":
            problems.append(record.error("scope", "'network' when city is 'network'", record.data.get("scope")))
    return problems


def _unknown_ids(
    record: Record, field_name: str, target: str, values: list, ids: Mapping[str, set[str]]
) -> list[InputError]:
    problems = []
    for value in values:
        # a malformed id (a list or a mapping among them too, which no set can hold) is reported once, by its field's check
        if is_id(value) and value not in ids[target]:
            close = _closest_ids(str(value), ids[target])
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            problems.append(record.error(field_name, f"an existing {target} id{hint}", value))
    return problems


def _closest_ids(value: str, ids: Iterable[str]) -> list[str]:
    """The ids a person most likely meant by ``value``: those it names once case and punctuation are folded as
    search folds names (:func:`graph.lookup.compact`: "JICA" is jica, "Da_Nang" da-nang), else the closest in
    spelling, case folded too ("JICA" was near no id, since difflib compares case).

    >>> _closest_ids("JICA", {"jica", "jbic", "adb"}), _closest_ids("phukett", {"phuket", "pattaya"})
    (['jica'], ['phuket'])
    """
    same = sorted(i for i in ids if compact(i) == compact(value))
    if same:
        return same
    folded = {i.casefold(): i for i in sorted(ids)}
    return [folded[c] for c in get_close_matches(value.casefold(), list(folded), n=3)]


def _unknown_nested_sources(record: Record, path: str, value: Any, ids: Mapping[str, set[str]]) -> list[InputError]:
    """Nested facts (a population figure, a milestone) cite sources too; check those ids as well."""
    problems = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "sources" or key.endswith("_sources"):
                problems += _unknown_ids(record, f"{path}.{key}", "source", inner or [], ids)
            else:
                problems += _unknown_nested_sources(record, f"{path}.{key}", inner, ids)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            problems += _unknown_nested_sources(record, f"{path}[{i}]", inner, ids)
    return problems
