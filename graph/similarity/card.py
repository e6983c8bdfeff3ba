"""What a recommended item says about itself: where it is, what state it is in and what it does.

A city officer reading a list of peer projects first asks "where is that, and what is it?". Every item therefore
carries its city and country (for a project: the city it belongs to; for a city: itself), a project's status,
and a one-line summary taken from the description the sources give. A network-wide project says so instead of
naming a city; a project the sources only name says that too, instead of a summary. An item whose record the fact
sheet marks less certain carries that mark (medium, low) beside them, as /projects and its own page show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.similarity.typed_graph import TypedGraph

__all__ = ["Card", "card", "NETWORK_WIDE", "NAMED_ONLY"]

NETWORK_WIDE = "ASCN-wide (all member cities)"
NETWORK_COUNTRIES = "all ASEAN member states"
NAMED_ONLY = "the sources only name this project; they give no description"
SUMMARY_LENGTH = 160


@dataclass(frozen=True)
class Card:
    """City, country (labels and IRIs), status, one-line summary and confidence mark of an item; None where it has
    none (no mark: taken directly from an official or primary source)."""

    city: str | None = None
    city_iri: str | None = None
    country: str | None = None
    country_iri: str | None = None
    status: str | None = None
    summary: str | None = None
    confidence: str | None = None


def card(tg: TypedGraph, iri: str) -> Card:
    """The card of one entity (project, city or partner)."""
    entity = tg.entities[iri]
    record = tg.facts.get(iri)
    confidence = record.confidence if record is not None else None
    if entity.kind == "project":
        cities = tg.cities_of(iri)
        countries = sorted({k for c in cities for k in tg.targets("in_country", c)})
        statuses = tg.targets("status", iri)
        city: str | None
        country: str | None
        if cities:
            city, city_iri = " / ".join(tg.label(c) for c in cities), cities[0]
        elif entity.network_wide:
            city, city_iri = NETWORK_WIDE, None
        else:
            city, city_iri = None, None
        if countries:
            country, country_iri = " / ".join(tg.label(k) for k in countries), countries[0]
        else:
            country, country_iri = (NETWORK_COUNTRIES if entity.network_wide else None), None
        summary = NAMED_ONLY if entity.named_only else one_line(entity.description)
        status = tg.label(statuses[0]).replace("_", " ") if statuses else None
        return Card(city, city_iri, country, country_iri, status, summary, confidence)
    if entity.kind == "city":
        countries = tg.targets("in_country", iri)
        return Card(
            entity.label,
            iri,
            tg.label(countries[0]) if countries else None,
            countries[0] if countries else None,
            None,
            one_line(entity.description),
            confidence,
        )
    return Card(summary=one_line(entity.description), confidence=confidence)


def one_line(text: str | None, limit: int = SUMMARY_LENGTH) -> str | None:
    """The first sentence of ``text``, cut at a word before ``limit`` characters (with "…").

    >>> one_line("Bus lanes for the centre. Later phases add more.")
    'Bus lanes for the centre.'
    >>> one_line("word " * 50, 20)
    'word word word word…'
    """
    if not text or not text.strip():
        return None
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", " ".join(text.split()), maxsplit=1)[0]
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
