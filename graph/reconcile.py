"""Matching names from someone's spreadsheet to the graph's entities (the W3C Reconciliation Service API's
matching; the web app's ``/api/reconcile`` speaks the protocol).

A name matches an entity by any of its names (label, alternative names, the name without its abbreviation, the
abbreviation alone). The score (0 to 100) is 100 for the same name after folding case, accents and punctuation,
else the better of a character similarity and the share of the words found. Properties narrow the candidates: a
``country`` (or ``city``) value that names the entity's country (city) adds to the score, one that names another
takes the candidate out of ``match``. ``match`` is true only for a single exact name of the asked type that no
property contradicts: a reconciliation client accepts it without asking a person.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from graph.lookup import Entity, Index, expand, expand_name, local_id, normalize
from ontology.errors import InputError
from ontology.namespace import ASCN


@dataclass(frozen=True)
class Kind:
    """A type offered to reconciliation clients: its id, a name people read, and the classes it stands for."""

    id: str
    name: str
    classes: tuple[str, ...]


TYPES = (
    Kind("City", "Member city", (str(ASCN.City),)),
    Kind("Partner", "External partner", (str(ASCN.ExternalPartner),)),
    Kind("Project", "Project", (str(ASCN.Project),)),
    Kind("Programme", "Partner programme", (str(ASCN.PartnerProgramme),)),
    Kind("Country", "Country", (str(ASCN.MemberState), str(ASCN.PartnerCountry))),
)
"""The default types of the service, in the order clients list them."""

PROPERTIES = {
    "country": "Country (name, ISO 3166 code or IRI) the entity is in or belongs to",
    "city": "Member city (name or IRI) a project is in",
}
"""Properties a query can give to tell candidates apart: id → what it means."""

MIN_SCORE = 50.0
"""Candidates scoring below this are not offered: they share too little of the name to help."""


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    score: float
    match: bool
    types: tuple[Kind, ...]


def kinds_of(entity: Entity) -> tuple[Kind, ...]:
    """The service types an entity belongs to."""
    return tuple(k for k in TYPES if entity.classes & expand(set(k.classes)))


def kind_classes(type_id: str) -> set[str]:
    """The classes a type id stands for: one of :data:`TYPES`, or a class IRI or prefixed name.

    >>> sorted(kind_classes("Country"))[0].rsplit("#")[-1], kind_classes("ascn:City") == {str(ASCN.City)}
    ('MemberState', True)
    """
    for kind in TYPES:
        if type_id == kind.id:
            return set(kind.classes)
    return {expand_name(type_id)}


def type_classes(index: Index, type_id: str) -> set[str]:
    """The classes of the type ``type_id`` (:func:`kind_classes`), refused (InputError, field ``type``) when the graph
    has no entity of them: a misspelt type (``Town``, ``ascn:Cty``) gave an empty result, which a client shows as
    "no match" for every row of its column. The W3C Reconciliation API leaves the types to the service; its manifest's
    ``defaultTypes`` and ``/suggest/type`` list these.
    """
    classes = kind_classes(type_id)
    # the classes with an entity: what of_classes would find, without a pass over every entity
    if not expand(classes) & index.class_entities.keys():
        raise InputError(
            field="type",
            expected=f"one of this service's types ({', '.join(k.id for k in TYPES)}) or a class with instances in "
            "the graph",
            got=type_id,
        )
    return classes


def similarity(query: str, name: str, floor: float = 0.0, words: frozenset[str] | None = None) -> float:
    """How alike two normalized names are, 0 to 100: 100 when equal, else the better of their character
    similarity and the share of the query's words the name has (less a little, so only equal names reach 100).

    A pair that cannot reach ``floor`` may be given any value below it: the character similarity, the costly part
    (difflib's matching blocks), is worked out only where its cheap upper bounds let it reach ``floor`` and beat the
    words' share, as ``difflib.get_close_matches`` does. Every value from ``floor`` up is exact.

    ``words`` are the query's words (:func:`query_words`), given by a caller that compares one query with every
    name: worked out per name, they made a query of 500,000 characters cost 8 s of the server's time.

    >>> similarity("da nang", "da nang"), similarity("danang", "da nang"), similarity("hanoi", "ha noi city")
    (100.0, 91.4, 61.9)
    >>> similarity("hanoi", "ha noi city", floor=50), similarity("hanoi", "ho chi minh city", floor=50) < 50
    (61.9, True)
    """
    if query == name:
        return 100.0
    words_q, words_n = query_words(query) if words is None else words, set(name.split())
    common = len(words_q & words_n)
    best = common / max(len(words_q) + len(words_n) - common, 1)
    reach = max((floor - 0.05) / 99, math.nextafter(best, 1))  # below this: under ``floor``, or not above ``best``
    if 2 * min(len(query), len(name)) / (len(query) + len(name)) >= reach:  # SequenceMatcher.real_quick_ratio
        matcher = SequenceMatcher(None, query, name)
        if matcher.quick_ratio() >= reach:
            best = max(best, matcher.ratio())
    return round(99 * best, 1)


def query_words(query: str) -> frozenset[str]:
    """The words of a normalized query, as :func:`similarity` compares them."""
    return frozenset(query.split())


def country_of(index: Index, entity: Entity) -> set[str]:
    """The IRIs of the countries an entity is in or belongs to: itself for a country, a city's country, a
    project's city's country, an organisation's parent partner country."""
    countries = set(entity.links.get(str(ASCN.country), ()))
    if entity.classes & {str(ASCN.MemberState), str(ASCN.PartnerCountry)}:
        countries.add(entity.iri)
    for city in entity.links.get(str(ASCN.inCity), ()):
        countries.update(index.entities[city].links.get(str(ASCN.country), ()) if city in index.entities else ())
    for parent in entity.links.get(str(ASCN.parentPartner), ()):
        if parent in index.entities and str(ASCN.PartnerCountry) in index.entities[parent].classes:
            countries.add(parent)
    return countries


def city_of(entity: Entity) -> set[str]:
    """The IRIs of the member cities an entity is in (a city is in itself)."""
    cities = set(entity.links.get(str(ASCN.inCity), ()))
    if str(ASCN.City) in entity.classes:
        cities.add(entity.iri)
    return cities


def names_entity(index: Index, value: str, iri: str) -> bool:
    """Whether ``value`` (a name, an ISO code, an IRI or the IRI's last segment) names the entity ``iri``."""
    if value.strip() == iri:
        return True
    entity = index.entities.get(iri)
    wanted = normalize(value)
    names = [local_id(iri), *(entity.all_names() if entity else ())]
    return any(normalize(name) == wanted for name in names)


def reconcile(
    index: Index, query: str, types: Sequence[str] = (), properties: Sequence[tuple[str, str]] = (), limit: int = 5
) -> list[Candidate]:
    """Candidates for the name ``query`` (of any of ``types`` when given), best first, at most ``limit``.

    :raise InputError: an unknown property id (naming the known ones), a type with no entity (:func:`type_classes`).
    """
    for pid, _ in properties:
        if pid not in PROPERTIES:
            raise InputError(field="properties", expected="a property id: " + ", ".join(PROPERTIES), got=pid)
    classes = {c for t in types for c in type_classes(index, t)}
    q = normalize(query)
    if not q:
        return []
    pool = index.of_classes(classes) if types else list(index.entities.values())
    words = query_words(q)
    scored = []
    for entity in pool:
        score = max(similarity(q, normalize(name), MIN_SCORE, words) for name in entity.all_names())
        if score < MIN_SCORE:
            continue
        agrees, contradicts = _check_properties(index, entity, properties)
        score = min(100.0, score + 5 * agrees) if not contradicts else score / 2
        scored.append((entity, score, score >= 100 and not contradicts))
    scored.sort(key=lambda item: (-item[1], -item[0].uses, item[0].label.casefold(), item[0].iri))
    exact = [item for item in scored if item[2]]
    sure = len(exact) == 1
    return [
        Candidate(entity, score, sure and exact_flag, kinds_of(entity)) for entity, score, exact_flag in scored[:limit]
    ]


def _check_properties(index: Index, entity: Entity, properties) -> tuple[int, bool]:
    """How many property values name the entity's country or city, and whether one names another."""
    agrees, contradicts = 0, False
    for pid, value in properties:
        if not value.strip():
            continue
        known = country_of(index, entity) if pid == "country" else city_of(entity)
        if not known:
            continue
        if any(names_entity(index, value, iri) for iri in known):
            agrees += 1
        else:
            contradicts = True
    return agrees, contradicts
