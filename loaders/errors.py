"""The loaders' error for data that parses but breaks the SHACL shapes.

Input that cannot even be read is an :class:`ontology.errors.InputError`, which every layer shares.
"""

from __future__ import annotations

from collections.abc import Iterable

from ontology.errors import AscnError

__all__ = ["ValidationError"]


class ValidationError(AscnError):
    """Data does not conform to the SHACL shapes.

    Keeps the full report text for logs, the results as ``(focus node, path, message)`` triples for error pages, and
    the file (or what else) the data came from, which the message names first.

    >>> err = ValidationError("...", [("https://w3id.org/ascn/id/city/x", "ascn:country",
    ...                                "A city needs exactly one country.")], file="my-cities.ttl")
    >>> print(err)
    my-cities.ttl: 1 SHACL violation:
    - https://w3id.org/ascn/id/city/x, ascn:country: A city needs exactly one country.
    """

    def __init__(
        self, report: str, results: Iterable[tuple[str, str | None, str]] = (), file: str | None = None
    ) -> None:
        self.report = report
        self.results: list[tuple[str, str | None, str]] = list(results)
        self.file = file
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.results)
        if not n:
            return self.report
        lines = [f"{self.file + ': ' if self.file else ''}{n} SHACL violation{'s' if n != 1 else ''}:"]
        for focus, path, message in self.results:
            lines.append(f"- {focus}, {path}: {message}" if path else f"- {focus}: {message}")
        return "\n".join(lines)
