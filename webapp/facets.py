"""Find projects: faceted search over the projects, done in Python over one bound query's rows.

Facets (focus area, member state, city, partner, status) combine with AND across facets and OR within one;
the period keeps projects whose stated years overlap it; free text matches the name and description as
search compares names (:func:`graph.lookup.fold`: accents, case and full-width forms folded, so "Đà Nẵng"
finds what "da nang" finds), and any name of the project's cities and member states as search finds names
(:func:`graph.lookup.compact`, so "Hanoi" finds the projects of Ha Noi and "Vietnam" those of Viet Nam). The count shown beside each facet value is how many projects would match if that value
were added, given every *other* active filter — the usual faceted-search rule, so counts never lie about the
next click. The whole state lives in the query string, so a search is a shareable URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from graph.lookup import compact, fold
from graph.prose import period_in_words
from webapp.page_data import bound, whole_number

FACETS = (
    ("focus", "Focus area"),
    ("country", "Member state"),
    ("city", "City"),
    ("partner", "Partner"),
    ("status", "Status"),
)
"""Facet keys (the query-string names) and their headings, in page order."""


@dataclass
class Project:
    """A project as the search sees it: ids per facet (id → label) and the text it can match."""

    iri: str
    name: str = ""
    description: str = ""
    facets: dict[str, dict[str, str]] = field(default_factory=lambda: {k: {} for k, _ in FACETS})
    start: int | None = None
    end: int | None = None
    period: str | None = None
    network_wide: bool = False
    sources: dict[str, str] = field(default_factory=dict)
    confidence: str | None = None
    places: list[str] = field(default_factory=list)
    """Every name of its cities and member states, :func:`graph.lookup.compact`-ed: what typed text is matched
    against besides the name and description."""

    @property
    def period_in_words(self) -> str:
        """The period as stated, as a person reads it ("until 2030" for "-2030"), or "" if none is stated."""
        return period_in_words(self.period) if self.period else ""


@dataclass(frozen=True)
class Search:
    """What the user asked for: chosen ids per facet, a period and free text."""

    chosen: Mapping[str, tuple[str, ...]]
    start: int | None = None
    end: int | None = None
    text: str = ""

    @property
    def active(self) -> bool:
        return bool(any(self.chosen.values()) or self.start or self.end or self.text.strip())

    @cached_property
    def needle(self) -> tuple[str, str]:
        """The text folded as names are (:func:`graph.lookup.fold`) and as places are (:func:`graph.lookup.compact`),
        worked out once per search: :func:`matches` runs for every project and facet (about 1,100 times a page), and
        folding a text of 10,000 characters each time took 0.33 s a page."""
        return fold(self.text), compact(self.text)


def projects_from_rows(
    rows: Iterable[Mapping[str, str | None]], names_of: Callable[[str], list[str]] = lambda iri: []
) -> list[Project]:
    """Projects from the long rows of ``project_facts.rq`` (project, key, value, label) as plain strings;
    ``names_of`` gives every name of a city or member state by IRI (the row's label is only one of them).

    >>> ps = projects_from_rows([
    ...     {"project": "p1", "key": "name", "value": None, "label": "Smart Water"},
    ...     {"project": "p1", "key": "focus", "value": "https://w3id.org/ascn/id/focus-area/built_infrastructure",
    ...      "label": "Built Infrastructure"},
    ...     {"project": "p1", "key": "start", "value": None, "label": "2019"}])
    >>> ps[0].name, ps[0].facets["focus"], ps[0].start
    ('Smart Water', {'built_infrastructure': 'Built Infrastructure'}, 2019)
    """
    projects: dict[str, Project] = {}
    for r in rows:
        iri = bound(r["project"])
        p = projects.setdefault(iri, Project(iri))
        key, label, value = r["key"], r["label"] or "", r["value"]
        if key in ("name", "description"):
            setattr(p, key, label)
        elif key in p.facets and value:
            p.facets[key][value.rsplit("/", 1)[-1]] = label
            if key in ("city", "country"):
                p.places += [compact(name) for name in names_of(value) or [label]]
        elif key in ("start", "end") and label[:4].isdigit():
            setattr(p, key, int(label[:4]))
        elif key == "period":
            p.period = label
        elif key == "network-wide":
            p.network_wide = True
        elif key == "source" and value:
            p.sources[value] = label
        elif key == "confidence" and value:
            p.confidence = value.rsplit("/", 1)[-1]
    return sorted(projects.values(), key=lambda p: p.name.lower())


def parse_search(args: Mapping, getlist) -> Search:
    """A :class:`Search` from request arguments; years that are not 4-digit numbers are ignored.

    >>> parse_search({"q": " water ", "from": "2019", "to": "soon"}, lambda k: {"focus": ["mobility"]}.get(k, []))
    Search(chosen={'focus': ('mobility',), 'country': (), 'city': (), 'partner': (), 'status': ()}, start=2019, end=None, text='water')
    """

    def year(name: str) -> int | None:
        value = str(args.get(name, "")).strip()
        return whole_number(value) if len(value) == 4 else None

    chosen = {key: tuple(dict.fromkeys(v for v in getlist(key) if v)) for key, _ in FACETS}
    return Search(chosen, year("from"), year("to"), str(args.get("q", "")).strip())


def unknown_values(projects: list[Project], s: Search) -> list[tuple[str, str, list[str]]]:
    """The chosen facet values no project has, as (facet key, value, the facet's known values).

    >>> p = Project("p"); p.facets["focus"] = {"mobility": "Mobility"}
    >>> unknown_values([p], Search({"focus": ("mobility", "flying")}))
    [('focus', 'flying', ['mobility'])]
    """
    out = []
    for key, chosen in s.chosen.items():
        if not chosen:
            continue
        known = {value for p in projects for value in p.facets[key]}
        out += [(key, value, sorted(known)) for value in chosen if value not in known]
    return out


def matches(p: Project, s: Search, skip: str | None = None) -> bool:
    """Whether ``p`` passes every filter of ``s`` except the facet ``skip``.

    >>> p = Project("p", name="Smart Water Management", start=2019, end=2022)
    >>> p.facets["focus"] = {"built_infrastructure": "Built Infrastructure"}
    >>> matches(p, Search({"focus": ("built_infrastructure",)}, text="WATER"))
    True
    >>> matches(p, Search({"focus": ("mobility",)})), matches(p, Search({"focus": ("mobility",)}), skip="focus")
    (False, True)
    >>> matches(p, Search({}, start=2023)), matches(p, Search({}, start=2020, end=2021))
    (False, True)
    >>> matches(p, Search({}, text="ＷＡＴＥＲ")), matches(Project("q", name="Hệ thống nước"), Search({}, text="he thong"))
    (True, True)
    >>> p.places = ["hanoi", "hanoi", "vietnam", "vn"]
    >>> matches(p, Search({}, text="Hà Nội")), matches(p, Search({}, text="Da Nang")), matches(p, Search({}, text="?"))
    (True, False, False)
    """
    for key, chosen in s.chosen.items():
        if key != skip and chosen and not set(chosen) & set(p.facets[key]):
            return False
    if s.start or s.end:
        first, last = p.start or p.end, p.end or p.start
        if first is None or last is None:  # both or neither: each stands for the other
            return False
        if s.start and last < s.start:
            return False
        if s.end and first > s.end:
            return False
    if s.text:
        needle, place = s.needle
        if (
            needle not in fold(p.name)
            and needle not in fold(p.description)
            and not (place and any(place in name for name in p.places))
        ):
            return False
    return True


def facet_counts(projects: list[Project], s: Search) -> dict[str, list[dict]]:
    """For each facet, its values with the number of projects each would give (other filters applied).

    Values with no project are left out unless chosen (a chosen value always shows, so it can be removed).
    """
    out = {}
    for key, _ in FACETS:
        counts: dict[str, int] = {}
        labels: dict[str, str] = {}
        for p in projects:
            for value, label in p.facets[key].items():
                labels[value] = label
            if matches(p, s, skip=key):
                for value in p.facets[key]:
                    counts[value] = counts.get(value, 0) + 1
        chosen = set(s.chosen.get(key, ()))
        shown = {v: (labels.get(v, v), counts.get(v, 0)) for v in set(counts) | (chosen & set(labels))}
        out[key] = [
            {"id": v, "label": label, "count": count, "chosen": v in chosen}
            for v, (label, count) in sorted(shown.items(), key=lambda item: (-item[1][1], item[1][0].lower()))
        ]
    return out


def search(projects: list[Project], s: Search) -> list[Project]:
    """The projects that pass every filter, in name order."""
    return [p for p in projects if matches(p, s)]


SORTS = (("name", "Name (A–Z)"), ("newest", "Newest first"), ("oldest", "Oldest first"), ("city", "City (A–Z)"))
"""Orders the results can be put in (the ``sort`` query-string value) and their names."""


def sort_projects(projects: list[Project], order: str) -> list[Project]:
    """``projects`` in the order ``order`` names (:data:`SORTS`); projects with no year go last either way.

    >>> ps = [Project("a", name="A", start=2019), Project("b", name="B"), Project("c", name="C", start=2021)]
    >>> [p.name for p in sort_projects(ps, "newest")], [p.name for p in sort_projects(ps, "oldest")]
    (['C', 'A', 'B'], ['A', 'C', 'B'])
    """

    def year(p: Project) -> int | None:
        return p.start or p.end

    by_name = sorted(projects, key=lambda p: p.name.lower())
    if order == "newest":
        return sorted(by_name, key=lambda p: (year(p) is None, -(year(p) or 0)))
    if order == "oldest":
        return sorted(by_name, key=lambda p: (year(p) is None, year(p) or 0))
    if order == "city":
        return sorted(by_name, key=lambda p: (not p.facets["city"], sorted(p.facets["city"].values())))
    return by_name


SNIPPET = 180
"""About how many characters of a description a result shows."""


def snippet(description: str, text: str = "") -> tuple[str, str, str]:
    """A short piece of ``description`` as (before, match, after): around the searched ``text`` where
    :func:`matches` found it (accents and case folded), else the start; cut at word boundaries with an ellipsis.

    >>> snippet("Sensors along the river send flood warnings to residents by SMS.", "flood")
    ('Sensors along the river send ', 'flood', ' warnings to residents by SMS.')
    >>> snippet("Smart lighting in Đà Nẵng and Hội An.", "da nang")
    ('Smart lighting in ', 'Đà Nẵng', ' and Hội An.')
    >>> snippet("word " * 60)[0].endswith("…"), snippet("")
    (True, ('', '', ''))
    """
    description = " ".join(description.split())
    found = _folded_find(description, text) if text else None
    if found is None:
        return _tail_cut(description, SNIPPET), "", ""
    at, end = found
    before = description[max(0, at - SNIPPET // 3) : at]
    if at > SNIPPET // 3:
        before = "…" + before[before.find(" ") + 1 :] if " " in before else "…" + before
    hit = description[at:end]
    return before, hit, _tail_cut(description[end:], max(0, SNIPPET - len(before) - len(hit)))


def _folded_find(haystack: str, needle: str) -> tuple[int, int] | None:
    """The (start, end) offsets in ``haystack`` of the first place ``needle`` occurs once both are folded, or
    None. Folding changes lengths (a decomposed "ế" is three characters and folds to one, "ß" folds to two), so
    each folded character keeps the offset of the character it came from.

    >>> _folded_find("Nước sạch for Huế", "HUE"), _folded_find("Straße", "ss"), _folded_find("abc", "x")
    ((14, 17), (4, 5), None)
    """
    wanted = fold(needle)
    origins = [i for i, c in enumerate(haystack) for _ in fold(c)]
    at = "".join(fold(c) for c in haystack).find(wanted)
    if at < 0 or not wanted:
        return None
    return origins[at], origins[at + len(wanted) - 1] + 1


def _tail_cut(text: str, length: int) -> str:
    """``text`` cut to about ``length`` characters at a word boundary, with "…" when something was left out."""
    if len(text) <= length:
        return text
    piece = text[:length]
    space = piece.rfind(" ")
    return (piece[:space] if space > 0 else piece) + "…"
