"""Blank templates for users' record files, generated from the schema so they always match the loader."""

from __future__ import annotations

from difflib import get_close_matches

from loaders.schema import PLURALS, SCHEMA, Field
from ontology.errors import NotFound


def csv_template(type_: str) -> str:
    """The header row of a CSV file of ``type_`` records (nested fields are YAML-only).

    >>> csv_template("best_practice")
    'id,statement,kind,projects,cities,sources\\n'
    """
    return ",".join(f.name for f in _fields(type_) if f.kind not in ("mapping", "any")) + "\n"


def yaml_template(type_: str) -> str:
    """A commented YAML file with one empty record of ``type_``: what each field holds and whether it is required."""
    lines = [
        f"# {type_} records: copy the record below once per {type_}; cite documents by their source id.",
        "# The sources they cite may stand in the same file, in a 'sources:' section of the same form.",
        f"{PLURALS[type_]}:",
    ]
    for i, spec in enumerate(_fields(type_)):
        lead = "  - " if i == 0 else "    "
        empty = "[]" if spec.kind == "list" else "{}" if spec.kind in ("mapping", "any") else ""
        lines.append(f"{lead}{spec.name}: {empty}".rstrip() + f"  # {_doc(spec)}")
    return "\n".join(lines) + "\n"


def _fields(type_: str) -> tuple[Field, ...]:
    if type_ not in SCHEMA:
        raise NotFound(f"no record type {type_!r}", suggestions=get_close_matches(type_, list(SCHEMA), n=3))
    return SCHEMA[type_]


def _doc(spec: Field) -> str:
    need = "required" if spec.required else "optional"
    what = {
        "ref": f"a {spec.target} id",
        "enum": " | ".join(spec.values),
        "list": f"list of {f'{spec.target} ids' if spec.item == 'ref' else spec.item or 'text'}",
    }
    parts = [need, what.get(spec.kind, spec.kind)]
    if spec.doc:
        parts.append(spec.doc)
    return "; ".join(parts)
