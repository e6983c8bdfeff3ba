"""Search everywhere: ``/search?q=`` over the labels, titles, alternative names and ISO codes of every entity.

Names are matched in :mod:`graph.lookup`'s index of the graph's names (read once per graph version), folded as
completion folds them (:func:`graph.lookup.compact`: accents, case, full-width forms, spaces and punctuation),
so "flood warning" finds "Flood Early Warning System", "danang" finds "Da Nang" and "thanh pho ho chi minh" finds
Ho Chi Minh City by its Vietnamese name. An exact name of exactly one entity goes straight to its page; anything
else is listed, grouped by the kind of entity (the path segment of its IRI, named by the ontology's class labels).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from flask import Blueprint, redirect, render_template, request

from graph.lookup import compact, normalize, term_labels
from ontology.namespace import ASCN
from webapp.page_data import local_path, lookup_index, upper_first

bp = Blueprint("search", __name__)

MAX_QUERY = 200
"""Longer searches are cut to this many characters: no name in the graph is that long."""
KIND_ORDER = (
    "city",
    "project",
    "partner",
    "country",
    "programme",
    "pairing",
    "focus-area",
    "practice",
    "event",
    "network",
    "source",
    "dataset",
)
"""Which kinds come first when their best hits match equally well: what people look for most."""


@dataclass
class Hit:
    """One entity the search found: its page, label, class label and how well its best name matched."""

    path: str
    label: str
    kind: str
    type_labels: set[str] = field(default_factory=set)
    rank: int = 9
    matched: str = ""
    detail: str = ""


@dataclass
class Group:
    """The hits of one kind of entity, named from the class labels they share."""

    kind: str
    title: str
    hits: list[Hit]


def rank_of(name: str, words: list[str]) -> int | None:
    """How well ``name`` matches the search ``words`` (compacted): 0 the whole name, 1 its start, 2 a word's
    start, 3 somewhere inside; None when a word is missing.

    >>> [rank_of(n, ["nang"]) for n in ("Nang", "Nang Rong", "Da Nang", "Danang", "Hanoi")]
    [0, 1, 2, 3, None]
    """
    whole = compact(name)
    if not all(w in whole for w in words):
        return None
    joined = "".join(words)
    if whole == joined:
        return 0
    if whole.startswith(words[0]):
        return 1
    if any(start.startswith(words[0]) for start in normalize(name).split()):
        return 2
    return 3


def find(query: str) -> list[Hit]:
    """The entities whose names contain every word of ``query``, best matches first."""
    words = [compact(w) for w in query.split() if compact(w)]
    if not words:
        return []
    class_labels = term_labels()
    hits: dict[str, Hit] = {}
    for entity, matched in lookup_index().names_containing(words):
        path = local_path(entity.iri)
        rank = rank_of(matched, words)
        if path is None or path.count("/") != 3 or rank is None:  # qualifying nodes (…/population) are their entity's
            continue
        hit = hits.get(path)
        if hit is None:
            own = {class_labels[c] for c in entity.classes if c.startswith(str(ASCN)) and c in class_labels}
            hit = hits[path] = Hit(path, entity.label, path.split("/")[2], own)
        if rank < hit.rank:
            hit.rank, hit.matched = rank, matched
    return sorted(hits.values(), key=lambda h: (h.rank, h.label.casefold(), h.path))


def exact(hits: list[Hit], query: str) -> Hit | None:
    """The one hit whose name is the whole search, if exactly one is."""
    whole = [h for h in hits if h.rank == 0]
    return whole[0] if len(whole) == 1 and compact(query) else None


def grouped(hits: list[Hit]) -> list[Group]:
    """Hits grouped by kind: a group holding a whole-name match first, then in :data:`KIND_ORDER`."""
    by_kind: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        by_kind[hit.kind].append(hit)

    def order(kind: str) -> tuple:
        return (
            min(h.rank for h in by_kind[kind]) > 0,
            KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER),
            kind,
        )

    return [_group(kind, by_kind[kind]) for kind in sorted(by_kind, key=order)]


def _group(kind: str, hits: list[Hit]) -> Group:
    """A group named by the class label every hit shares (``member city``), else by the kind in words
    (``partner``, each hit then tagged with its own class: ``partner company``)."""
    shared = set.intersection(*(h.type_labels for h in hits)) if all(h.type_labels for h in hits) else set()
    if shared:
        return Group(kind, plural(min(shared, key=len)), hits)
    for hit in hits:
        hit.detail = ", ".join(sorted(hit.type_labels))
    return Group(kind, plural(kind.replace("-", " ")), hits)


def plural(name: str) -> str:
    """An English plural of a class label, capitalised for a heading.

    >>> plural("member city"), plural("project status"), plural("focus area")
    ('Member cities', 'Project statuses', 'Focus areas')
    """
    if re.search(r"[^aeiou]y$", name):
        name = name[:-1] + "ies"
    elif name.endswith(("s", "x", "ch", "sh")):
        name += "es"
    else:
        name += "s"
    return upper_first(name)


@bp.route("/search")
def search_page():
    """The results of a search; a search that names exactly one entity opens that entity's page (unless
    ``list=1`` asks for the list all the same)."""
    query = " ".join(request.args.get("q", "").split())[:MAX_QUERY]
    hits = find(query) if query else []
    hit = exact(hits, query)
    if hit is not None and request.args.get("list") != "1":
        return redirect(request.script_root + hit.path)
    return render_template("pages/search.html", query=query, groups=grouped(hits), total=len(hits))
