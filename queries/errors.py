"""The query layer's error: a SPARQL query that is malformed, has a bad parameter, or failed in the engine.

It carries the position in the query text when one is known, so every caller can point at the mistake.
"""

from __future__ import annotations

from ontology.errors import AscnError

__all__ = ["QueryError"]


class QueryError(AscnError):
    """A SPARQL query is malformed or failed; ``position`` is ``(line, column)`` when known.

    >>> print(QueryError("unexpected '}'", position=(3, 14)))
    unexpected '}' (line 3, column 14)
    """

    def __init__(self, message: str, position: tuple[int, int] | None = None) -> None:
        self.message = message
        self.position = position
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        line, column = self.position
        return f"{self.message} (line {line}, column {column})"
