"""The ground of the project's errors, and the ones every layer shares.

Library code raises errors and never exits; the CLI catches :class:`AscnError` and turns it into a message and
an exit code, so anything else is a bug and keeps its traceback. Bad input (:class:`InputError`) and a name that
names nothing (:class:`NotFound`) can happen in every layer, so they live here at the ground. Each layer owns
the rest: ``queries.errors`` (a bad query), ``graph.errors`` (the store), ``loaders.errors`` (SHACL violations).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["AscnError", "InputError", "InputErrors", "NOT_GIVEN", "NotFound", "shown"]

NOT_GIVEN: Any = object()
"""The default of an error's ``got``: no value was given (``None`` is a value a file can hold)."""


SHOWN_LENGTH = 100
"""The most characters of a value an error message repeats."""


def shown(value: Any, limit: int = SHOWN_LENGTH) -> str:
    """``value`` as an error message quotes it (its ``repr``), cut to its first ``limit`` characters with its length
    when longer: a message repeated a 10,000-character value in full, in every answer and log line that carried it.

    >>> shown("da-nang"), shown(42)
    ("'da-nang'", '42')
    >>> shown("x" * 5000, 10)
    "'xxxxxxxxxx…' (5,000 characters)"
    """
    text = value if isinstance(value, str) else None
    if text is None or len(text) <= limit:
        return repr(value)
    return f"{text[:limit] + '…'!r} ({len(text):,} characters)"


class AscnError(Exception):
    """Base class: everything the project raises on purpose."""


class InputError(AscnError):
    """A data file or user input is wrong; says where, so a person can fix it.

    ``record`` is an id (``str``) or a line number (``int``); ``line`` adds the
    line of a record named by id. Parts left as ``None`` are left out of the message.

    >>> print(InputError("projects.yaml", "bsb-clean-river", "city",
    ...                  "an existing city id", got="bandar"))
    projects.yaml, record 'bsb-clean-river', field 'city': expected an existing city id, got 'bandar'
    >>> print(InputError("cities.yaml", 12, expected="a mapping"))
    cities.yaml, line 12: expected a mapping
    >>> print(InputError("projects.csv", "p-1", "status", "one of ongoing, planning", "soon", line=3))
    projects.csv, line 3, record 'p-1', field 'status': expected one of ongoing, planning, got 'soon'
    """

    def __init__(
        self,
        file: str | None = None,
        record: str | int | None = None,
        field: str | None = None,
        expected: str | None = None,
        got: Any = NOT_GIVEN,
        line: int | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.record = record
        self.field = field
        self.expected = expected
        self.got = None if got is NOT_GIVEN else got
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}")
        if isinstance(self.record, int):
            where.append(f"line {self.record}")
        elif self.record is not None:
            where.append(f"record {shown(self.record)}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        what = []
        if self.expected is not None:
            what.append(f"expected {self.expected}")
        if self.got is not None:
            what.append(f"got {shown(self.got)}")
        return ": ".join(part for part in (", ".join(where), ", ".join(what)) if part) or "invalid input"


class InputErrors(InputError):
    """Several problems in one file, reported together so one run shows every one of them.

    >>> print(InputErrors([InputError("p.yaml", "a", "city", "a city id", "x", line=3),
    ...                    InputError("p.yaml", "b", "status", "one of ongoing, planning", "soon", line=9)]))
    2 problems:
    p.yaml, line 3, record 'a', field 'city': expected a city id, got 'x'
    p.yaml, line 9, record 'b', field 'status': expected one of ongoing, planning, got 'soon'
    """

    def __init__(self, errors: Sequence[InputError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(
            first.file,
            first.record,
            first.field,
            first.expected,
            line=first.line,
            **({} if first.got is None else {"got": first.got}),
        )

    def __str__(self) -> str:
        return "\n".join([f"{len(self.errors)} problems:", *(str(e) for e in self.errors)])


class NotFound(AscnError):
    """An id or IRI names nothing; ``suggestions`` are near misses to offer, ``parameter`` the one that gave it.

    >>> print(NotFound("no city 'bandar'", suggestions=["bandar-seri-begawan"]))
    no city 'bandar'; did you mean: bandar-seri-begawan?
    """

    def __init__(self, message: str, suggestions: Sequence[str] = (), parameter: str | None = None) -> None:
        self.message = message
        self.suggestions = list(suggestions)
        self.parameter = parameter
        super().__init__(str(self))

    @property
    def suggested(self) -> str:
        """The suggestions as one text, apart by "; " where a name holds a comma ("Department of Foreign Affairs and
        Trade (DFAT), Australia").

        >>> NotFound("no partner 'dfat australia'", ["Australia", "Department of Foreign Affairs and Trade (DFAT), Australia"]).suggested
        'Australia; Department of Foreign Affairs and Trade (DFAT), Australia'
        """
        return ("; " if any("," in s for s in self.suggestions) else ", ").join(self.suggestions)

    def __str__(self) -> str:
        if not self.suggestions:
            return self.message
        return f"{self.message}; did you mean: {self.suggested}?"
