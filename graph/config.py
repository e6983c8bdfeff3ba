"""Settings for the store, read in layers: defaults, then ``ASCN_*`` environment variables, then a mapping.

One object carries every knob so that the CLI, the web app and the tests choose a backend the same way:
by configuration alone, never by code changes.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from ontology.errors import InputError

MAX_RECORDS = 20_000
"""Records (YAML, CSV) one loaded file may hold: ``ascn validate FILE`` and ``ascn load`` stop reading at the record
past it. A file's records are read and checked in full before anything is written, and read from YAML they take
about 15 kB each: 10,000 projects (a 3-MB file) took `ascn validate` 29 s and 405 MB (load average 6), so a file of
millions would take the machine's memory. The bundled data holds 700 records in all; a city's or a partner's file, a
few hundred. ``ASCN_MAX_RECORDS`` (or ``--max-records``) raises it."""

MAX_FILE_BYTES = 2**30
"""Bytes (1 GiB) a file given to ``ascn load`` or ``ascn validate FILE`` may hold, RDF or records, checked before it
is read: an RDF/XML or JSON-LD file was read whole into memory for its checks, a file beside a running ``ascn serve``
by the server, so a file of tens of GB took the machine's memory. A 3M-triple N-Triples file is about 450 MB
(benchmarks/README.md). ``ASCN_MAX_FILE_BYTES`` raises it."""


@dataclass(frozen=True)
class FileLimits:
    """What one file given to ``ascn load`` or ``ascn validate FILE`` may hold: ``records`` (YAML, CSV;
    :data:`MAX_RECORDS`) and ``bytes`` (any file; :data:`MAX_FILE_BYTES`)."""

    records: int = MAX_RECORDS
    bytes: int = MAX_FILE_BYTES


FILE_LIMITS = FileLimits()
"""The default limits, as the settings have them unless ``ASCN_MAX_RECORDS`` or ``ASCN_MAX_FILE_BYTES`` are set."""


@dataclass(frozen=True)
class Settings:
    """Where the graph lives and how to reach it.

    ``store`` names a backend ("oxigraph" embedded, "sparql" remote). For the embedded store ``data_dir``
    holds the database; for a remote server ``query_url`` is the SPARQL query endpoint and ``update_url`` /
    ``gsp_url`` the SPARQL Update and Graph Store Protocol endpoints used for loading, and ``remote_timeout``
    the seconds any one request may wait for the server (connecting or reading; unset: no limit). ``max_records``
    caps the records of a loaded file (:data:`MAX_RECORDS`), ``max_file_bytes`` its size (:data:`MAX_FILE_BYTES`).
    """

    store: str = "oxigraph"
    data_dir: Path = Path(user_data_dir("ascn-kg", appauthor=False))
    query_url: str | None = None
    update_url: str | None = None
    gsp_url: str | None = None
    username: str | None = None
    password: str | None = None
    remote_timeout: float | None = None
    auto_build: bool = True
    max_records: int = MAX_RECORDS
    max_file_bytes: int = MAX_FILE_BYTES

    def file_limits(self, records: int | None = None) -> FileLimits:
        """The limits of a loaded file these settings give (``records``: a command's ``--max-records``, if given)."""
        return FileLimits(records or self.max_records, self.max_file_bytes)

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults, then ``ASCN_<FIELD>`` variables, then ``overrides`` (keys are field names, any case).

        >>> Settings.load({"store": "sparql", "query_url": "http://127.0.0.1:7878/query"}, environ={}).store
        'sparql'
        >>> Settings.load(environ={"ASCN_DATA_DIR": "/tmp/x"}).data_dir
        PosixPath('/tmp/x')
        """
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = f"ASCN_{f.name.upper()}"
            if key in environ:
                values[f.name] = environ[key]
        for key, value in (overrides or {}).items():
            values[key.lower().removeprefix("ascn_")] = value
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InputError(field=unknown[0], expected=f"a setting among {', '.join(sorted(known))}")
        return replace(cls(), **{k: _coerce(k, v) for k, v in values.items()})


def _coerce(name: str, value: Any) -> Any:
    if name == "data_dir":
        return Path(value).expanduser()
    if name == "auto_build" and isinstance(value, str):
        return value.strip().lower() not in {"0", "false", "no", "off", ""}
    if name == "remote_timeout":
        return None if value in (None, "") else seconds_setting(value, "ASCN_REMOTE_TIMEOUT")
    if name == "max_records":
        return whole_setting(value, "ASCN_MAX_RECORDS")
    if name == "max_file_bytes":
        return whole_setting(value, "ASCN_MAX_FILE_BYTES")
    return value


def whole_setting(value: Any, name: str, least: int = 1) -> int:
    """``value`` as a whole number of at least ``least``, or an InputError naming the setting ``name``.

    >>> whole_setting("50000", "ASCN_MAX_RECORDS"), whole_setting(0, "ASCN_SPARQL_LANE_WORKERS", least=0)
    (50000, 0)
    >>> whole_setting("1e6", "ASCN_MAX_RECORDS")
    Traceback (most recent call last):
    ontology.errors.InputError: field 'ASCN_MAX_RECORDS': expected a whole number above 0, got '1e6'
    """
    try:
        number = int(str(value).strip())
    except ValueError:
        number = least - 1
    if number < least:
        expected = "a whole number above 0" if least == 1 else f"a whole number of at least {least}"
        raise InputError(field=name, expected=expected, got=value)
    return number


def seconds_setting(value: Any, name: str, zero: bool = False) -> float:
    """``value`` as a finite number of seconds above 0 (or 0 too, with ``zero``), or an InputError naming the setting
    ``name``: NaN and infinity passed a check of the sign alone, and a wait of either fails where it is used (a
    query worker's, "cannot convert float NaN to integer").

    >>> seconds_setting("2.5", "ASCN_REMOTE_TIMEOUT"), seconds_setting(0, "ASCN_SPARQL_ADMISSION_WAIT", zero=True)
    (2.5, 0.0)
    >>> seconds_setting("inf", "ASCN_SPARQL_TIMEOUT")
    Traceback (most recent call last):
    ontology.errors.InputError: field 'ASCN_SPARQL_TIMEOUT': expected a number of seconds above 0, got 'inf'
    """
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not (math.isfinite(seconds) and (seconds >= 0 if zero else seconds > 0)):
        raise InputError(field=name, expected=f"a number of seconds {'from 0' if zero else 'above 0'}", got=value)
    return seconds
