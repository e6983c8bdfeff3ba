"""Who already works where: the ties between partners and cities, and the records that state them.

A partner is tied to a city when a pairing joins them, when one of the city's projects involves the partner, or
when either holds for another member of the partner's family — the agencies, utilities and companies under the
same parent (JICA, MLIT and the Japanese government are one family; so are the U.S. water utilities of WiSE
and the U.S. government). A partner looking for *new* cities wants none of these; the evaluation hides all of them
when it holds a city–partner link out, since each one states or implies it.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from graph.similarity.typed_graph import TypedGraph

__all__ = ["family", "tied_cities", "tied_partners", "ties_in", "Tie"]

Tie = tuple[str, str, str]
"""A link stating a tie, ``(relation, source, target)``: a pairing's partner or a project's partner."""


def family(tg: TypedGraph, partner: str) -> set[str]:
    """The partner, every partner above it (parent, grandparent, ...) and everything below any of them."""
    top = {partner}
    frontier = [partner]
    while frontier:
        parents = {p for x in frontier for p in tg.targets("parent_partner", x)} - top
        top |= parents
        frontier = sorted(parents)
    members = set(top)
    frontier = sorted(top)
    while frontier:
        children = {c for x in frontier for c in tg.sources_of("parent_partner", x)} - members
        members |= children
        frontier = sorted(children)
    return members


def tied_cities(tg: TypedGraph, partner: str) -> dict[str, list[Tie]]:
    """City → the links tying it to ``partner`` or its family (pairings, then project partnerships), sorted."""
    out: dict[str, set[Tie]] = {}
    for member in sorted(family(tg, partner)):
        for pairing in tg.sources_of("paired_partner", member):
            for city in tg.targets("paired_city", pairing):
                out.setdefault(city, set()).add(("paired_partner", pairing, member))
        for project in tg.sources_of("involves_partner", member):
            for city in tg.cities_of(project):
                out.setdefault(city, set()).add(("involves_partner", project, member))
    return {c: sorted(ties) for c, ties in sorted(out.items())}


def ties_in(tg: TypedGraph, members: AbstractSet[str], city: str) -> list[Tie]:
    """The links tying ``city`` to any of ``members`` (a partner's :func:`family`), sorted: the list
    :func:`tied_cities` gives that city, read from the city's side (a reason needs one city's ties of a partner
    that may work in thousands)."""
    out: set[Tie] = set()
    for pairing in tg.sources_of("paired_city", city):
        out.update(("paired_partner", pairing, a) for a in tg.targets("paired_partner", pairing) if a in members)
    for project in tg.projects_in(city):
        out.update(("involves_partner", project, a) for a in tg.targets("involves_partner", project) if a in members)
    return sorted(out)


def tied_partners(tg: TypedGraph, city: str) -> dict[str, list[Tie]]:
    """Partner → the links tying it (or its family) to ``city``; every family member of a tied partner is tied."""
    direct: dict[str, set[Tie]] = {}
    for pairing in tg.sources_of("paired_city", city):
        for a in tg.targets("paired_partner", pairing):
            direct.setdefault(a, set()).add(("paired_partner", pairing, a))
    for project in tg.projects_in(city):
        for a in tg.targets("involves_partner", project):
            direct.setdefault(a, set()).add(("involves_partner", project, a))
    out: dict[str, set[Tie]] = {}
    for a, ties in direct.items():
        for member in family(tg, a):
            out.setdefault(member, set()).update(ties)
    return {a: sorted(ties) for a, ties in sorted(out.items())}
