"""The query library: ``.rq`` files with a ``#+`` YAML header, and safe parameter binding.

Parameters are never pasted into query text. Each value becomes a typed RDF term (checked first) in a
``VALUES`` block placed at the start of the outermost ``WHERE`` — the one form of binding that means the
same on pyoxigraph and on any remote SPARQL server (rdflib#1772 shows ``initBindings`` does not).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import get_close_matches
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ontology import PREFIXES, entity_iri
from ontology.errors import NotFound, shown
from queries.errors import QueryError

_IRI = re.compile(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", re.IGNORECASE)
_SLUG = re.compile(r"^[A-Za-z0-9_.-]+$")
_PREFIXED = re.compile(r"^([A-Za-z][\w-]*):([A-Za-z0-9_][\w.-]*)$")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


@dataclass(frozen=True)
class Param:
    """A query parameter: its variable name, type (iri, string, integer, decimal, year, boolean) and docs.

    For ``iri`` parameters ``entity`` (city, project, ...) lets a caller give a bare id such as ``da-nang``. A
    number may be bounded (``exclusive_minimum``, ``maximum``): a value outside answers no meaningful question
    (a distance of -3 km, or one past what the store's decimals hold), so it is refused, not answered empty.
    """

    name: str
    type: str = "string"
    entity: str | None = None
    default: Any = None
    required: bool = False
    description: str = ""
    exclusive_minimum: int | None = None
    maximum: int | None = None

    def accepts(self, number: Decimal) -> bool:
        """Whether ``number`` lies in the parameter's range."""
        return (self.exclusive_minimum is None or number > self.exclusive_minimum) and (
            self.maximum is None or number <= self.maximum
        )

    @property
    def expected(self) -> str:
        """What a value must be, in words: its type and range.

        >>> Param("km", "decimal", exclusive_minimum=0, maximum=20000).expected
        'decimal (more than 0 and at most 20000)'
        """
        bounds = [f"more than {self.exclusive_minimum}"] if self.exclusive_minimum is not None else []
        bounds += [f"at most {self.maximum}"] if self.maximum is not None else []
        return f"{self.type} ({' and '.join(bounds)})" if bounds else self.type


@dataclass(frozen=True)
class Query:
    """One library query: its file name (without ``.rq``), header fields and SPARQL text."""

    name: str
    title: str
    description: str
    audience: tuple[str, ...]
    sparql: str
    params: tuple[Param, ...] = ()
    tags: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query-form keyword after the prologue."""
        body = "\n".join(line for line in self.sparql.splitlines() if not line.lstrip().startswith("#"))
        match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.IGNORECASE)
        return match[1].upper() if match else "SELECT"

    def bind(self, values: Mapping[str, Any] | None = None) -> str:
        """The query text with ``values`` (and defaults) bound in a leading VALUES block.

        >>> q = parse_query("demo", '#+ title: Demo\\n#+ params:\\n#+   - {name: city, type: iri, entity: city}\\n'
        ...                 'SELECT ?n WHERE { ?city <http://www.w3.org/2000/01/rdf-schema#label> ?n }')
        >>> print(q.bind({"city": "da-nang"}).splitlines()[-1])
        SELECT ?n WHERE { VALUES ?city { <https://w3id.org/ascn/id/city/da-nang> } ?city <http://www.w3.org/2000/01/rdf-schema#label> ?n }
        >>> q.bind({"town": "x"})
        Traceback (most recent call last):
        ...
        queries.errors.QueryError: query 'demo' has no parameter 'town'; its parameters: city
        """
        values = dict(values or {})
        known = {p.name for p in self.params}
        for name in values:
            if name not in known:
                raise QueryError(
                    f"query {self.name!r} has no parameter {shown(name)}; its parameters: {', '.join(sorted(known)) or 'none'}"
                )
        blocks = []
        for param in self.params:
            value = values.get(param.name, param.default)
            if value in (None, "", []):
                if param.required:
                    raise QueryError(f"query {self.name!r} needs the parameter {param.name!r} ({param.type})")
                continue
            items = value if isinstance(value, (list, tuple)) else [value]
            terms = " ".join(to_term(param, v).n3() for v in items)
            blocks.append(f"VALUES ?{param.name} {{ {terms} }}")
        if not blocks:
            return self.sparql
        match = _outer_where(self.sparql)
        if match is None:
            raise QueryError(f"query {self.name!r} has parameters but no WHERE {{ to bind them in")
        return self.sparql[: match.end()] + " " + " ".join(blocks) + self.sparql[match.end() :]


def _outer_where(sparql: str) -> re.Match | None:
    """The first ``WHERE {`` outside comments: the outermost group of the query."""
    offset = 0
    for line in sparql.splitlines(keepends=True):
        if not line.lstrip().startswith("#"):
            match = _WHERE.search(sparql, offset, offset + len(line))
            if match:
                return match
        offset += len(line)
    return None


def check_given(param: Param, given: list[str]) -> None:
    """Each value given for ``param`` checked as :func:`to_term` reads it (QueryError naming the parameter).

    One empty value alone (``country=``) asks for every value: the parameter does not narrow the answer, as the
    descriptions' "leave ``country`` empty for the cities of every member state" says; leaving the parameter out
    binds its default. An empty value beside others is refused, as any malformed value is.
    """
    if given == [""]:
        return
    for value in given:
        to_term(param, value)


def to_term(param: Param, value: Any):
    """A checked RDF term for one parameter value; a value of the wrong form raises QueryError.

    An IRI may be written as a prefixed name of the project's prefixes (``ascn:City``, ``city:da-nang``), the form
    /api/complete and the query editor show terms in; taken as an IRI of the scheme ``ascn:`` it named nothing, and
    the answer was silently empty.

    >>> to_term(Param("y", "year"), "2018").n3()
    '"2018"^^<http://www.w3.org/2001/XMLSchema#gYear>'
    >>> to_term(Param("t", "iri"), "ascn:City").n3()  # a prefixed name, as /api/complete and the editor write terms
    '<https://w3id.org/ascn/ontology#City>'
    >>> to_term(Param("n", "string"), 'x" } ; DROP ALL #').n3()
    '"x\\\\" } ; DROP ALL #"'
    >>> to_term(Param("km", "decimal", exclusive_minimum=0), "-3")
    Traceback (most recent call last):
    ...
    queries.errors.QueryError: parameter 'km' expects decimal (more than 0), got '-3'
    """
    text = str(value).strip()
    problem = f"parameter {param.name!r} expects {param.expected}"
    if param.type == "iri":
        if param.entity and _SLUG.match(text):
            return entity_iri(param.entity, text)
        prefixed = _PREFIXED.match(text)
        if prefixed and prefixed[1] in PREFIXES:
            return URIRef(PREFIXES[prefixed[1]] + prefixed[2])
        if not _IRI.match(text):
            raise QueryError(f"{problem}{' or a ' + param.entity + ' id' if param.entity else ''}, got {shown(text)}")
        return URIRef(text)
    if param.type == "string":
        return Literal(str(value))
    if param.type == "boolean" and text.lower() in ("true", "false"):
        return Literal(text.lower() == "true")
    if param.type == "integer" and re.fullmatch(r"-?\d+", text) and param.accepts(Decimal(text)):
        return Literal(int(text))
    if param.type == "decimal" and re.fullmatch(r"-?\d+(\.\d+)?", text) and param.accepts(Decimal(text)):
        return Literal(text, datatype=XSD.decimal)
    if param.type == "year" and re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=XSD.gYear)
    raise QueryError(f"{problem}, got {shown(text)}")


def parse_query(name: str, text: str) -> Query:
    """A :class:`Query` from ``.rq`` text whose leading ``#+`` lines hold a YAML header."""
    header_lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            header_lines.append(line[2:].removeprefix(" "))
        elif line.strip() and not line.startswith("#"):
            break
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        raise QueryError(f"query {name!r}: its #+ header is not valid YAML: {exc}") from None
    if "title" not in header:
        raise QueryError(f"query {name!r}: its #+ header needs a title")
    params = tuple(Param(**p) for p in header.get("params") or ())
    audience = header.get("audience") or ()
    return Query(
        name=name,
        title=header["title"],
        description=header.get("description", ""),
        audience=tuple([audience] if isinstance(audience, str) else audience),
        sparql=text,
        params=params,
        tags=tuple(header.get("tags") or ()),
        meta={k: v for k, v in header.items() if k not in {"title", "description", "audience", "params", "tags"}},
    )


@cache
def library(folder: str = "library") -> dict[str, Query]:
    """Every query of a folder of this package (``library`` for users, ``internal`` for the code), by name."""
    root = files("queries") / folder
    return {
        entry.name[:-3]: parse_query(entry.name[:-3], entry.read_text(encoding="utf-8"))
        for entry in sorted(root.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".rq")
    }


def get_query(name: str, folder: str = "library") -> Query:
    """One query by name; an unknown name raises NotFound with the closest names."""
    queries = library(folder)
    if name not in queries:
        raise NotFound(f"no query named {shown(name)}", suggestions=get_close_matches(name, list(queries), n=3))
    return queries[name]


def internal(name: str) -> Query:
    """A query the code itself runs (counts, id lookups), kept as ``.rq`` like the library's."""
    return get_query(name, "internal")
