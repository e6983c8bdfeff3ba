"""Entity names as people type them, resolved to the typed graph's IRIs (:meth:`TypedGraph.resolve
<graph.similarity.typed_graph.TypedGraph.resolve>`): ids, labels and other names compared as search compares
them, a city's initials, a name's distinctive words ("Cebu", "Government of Japan", "Da Nang, Vietnam"), and
refusals that say what a name is instead ("only part of a city's name", "names a programme, not a partner", "an
ordinary word in the projects' descriptions") with the names a person may have meant.

Kept apart from the graph's structures: how people write names is a question of its own, and it changes more often
than the graph's shape.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from graph.lookup import compact, initials, normalize, typo_of
from graph.similarity.kinds import KINDS
from graph.similarity.text import words
from ontology.errors import NotFound, shown

if TYPE_CHECKING:
    from graph.similarity.typed_graph import TypedGraph

__all__ = ["ADMINISTRATIVE", "Names"]


class Names:
    """The names of one typed graph's entities, read on first use per kind, and what a typed name names."""

    def __init__(self, tg: TypedGraph) -> None:
        self.tg = tg
        self._kinds: dict[str, _Names] = {}

    def resolve(self, text: str, kind: str | tuple[str, ...]) -> str:
        """The IRI of the entity ``text`` names: an IRI, an id (``da-nang``), a label or other name, compared as
        search compares names (:func:`graph.lookup.compact`: any case, accents, full-width forms, spaces and
        punctuation alike, so "Da Năng", "danang" and "da_nang" are one city), a city's initials (HCMC,
        :func:`graph.lookup.initials`), or words that stand together in one entity's name alone ("Cebu" for
        Cebu City, "Ho Chi Minh" for Ho Chi Minh City, "health" for Health and Well-being), as people name them.

        An unknown name raises NotFound with the closest labels (difflib) that a typo could give
        (:func:`graph.lookup.typo_of`: "Surabaya" is not offered Putrajaya); words in several names raise NotFound
        with (at most eight of) those names; the name of an entity of another kind, with the entities of the asked
        kind it links to ("Smart JAMP" asked as a partner is a programme: MLIT runs it).
        """
        kinds = (kind,) if isinstance(kind, str) else kind
        wanted = text.strip()
        folded = compact(wanted)
        if wanted in self.tg.entities and self.tg.entities[wanted].kind in kinds:
            return wanted
        for k in kinds:
            if folded in self._of(k).ids:
                return self._of(k).ids[folded]
        for k in kinds:
            if folded in self._of(k).names:
                return self._of(k).names[folded]
        what = " or ".join(k.replace("_", " ") for k in kinds)
        typed = _distinctive(wanted)
        whole_named = {iri for k in kinds if k in WHOLE_NAMED for iri in self._of(k).whole(typed)}
        if not whole_named and "city" in kinds:
            whole_named = self._city_in_country(typed)
        within = sorted({iri for k in kinds for iri in self._of(k).within(normalize(wanted).split())})
        whole = [iri for iri in within if self.tg.kind(iri) != "city"]  # a city is named by its whole name (above)
        one = whole_named if len(whole_named) == 1 else set(whole) if len(whole) == 1 and len(within) == 1 else set()
        if one and not (set(kinds) - NAMED_BY_WORDS and self._common(wanted)):
            return one.pop()
        if one:
            labels = list(dict.fromkeys(self.tg.entities[iri].label for iri in [*one, *within]))[:8]
            raise NotFound(
                f"{shown(text)} is an ordinary word in the projects' descriptions, not a {what}'s name", labels
            )
        if within:
            labels = sorted(self.tg.entities[iri].label for iri in within)[:8]
            if len(within) == 1:
                raise NotFound(f"{shown(text)} is only part of a {what}'s name", suggestions=labels)
            raise NotFound(f"{shown(text)} is part of {len(within)} {what} names", suggestions=labels)
        for other in KINDS:
            named = self._of(other)
            if other not in kinds and (found := named.names.get(folded) or named.ids.get(folded)):
                related = sorted({self.tg.label(iri) for iri in self.tg.linked(found, kinds)})[:8]
                raise NotFound(f"{shown(text)} names a {other.replace('_', ' ')}, not a {what}", suggestions=related)
        words = normalize(wanted).split() if not set(kinds) & _OWN_FALLBACK else []
        for other in KINDS:
            holding = sorted(self._of(other).within(words)) if other not in kinds else []
            linked = sorted({self.tg.label(x) for iri in holding for x in self.tg.linked(iri, kinds)})
            if holding and 0 < len(linked) <= OTHER_KIND_LINKS:
                kind = other.replace("_", " ")
                raise NotFound(
                    f"no {what} named {shown(text)}; it is part of the name of {self.tg.label(holding[0])}"
                    + (f" and {len(holding) - 1} other {kind} names" if len(holding) > 1 else f", a {kind}"),
                    suggestions=linked,
                )
        names: dict[str, str] = {}  # the names the look-ups above compare, compacted as the typed text is
        for k in kinds:
            for index in (self._of(k).names, self._of(k).ids):
                for name, iri in index.items():
                    names.setdefault(name, iri)
        close = [  # a typo of the name, of its beginning ("Ho Chi Min") or with words after it ("Da Nang, Thailand"),
            c  # not a name that shares a few letters ("Saigon" is not Yangon)
            for c in difflib.get_close_matches(folded, list(names), n=8, cutoff=0.6)
            if typo_of(folded[: len(c)], c[: len(folded)])
        ]
        lettered = sorted(self._of("city").lettered.get(folded, ())) if "city" in kinds else []
        suggestions = list(dict.fromkeys([*lettered, *(self.tg.entities[names[c]].label for c in close)]))[:5]
        raise NotFound(f"no {what} named {shown(text)}", suggestions=suggestions)

    def _common(self, typed: str) -> bool:
        """Whether ``typed`` is one word that a project's name or description writes in lower case: an ordinary
        word ("water", "public", "planning"), which alone names no body, place or project even when one name holds
        it (The Water Council, San Francisco Public Utilities Commission); a name is capitalised where it is
        written ("Cebu", "JICA", "Phuket")."""
        typed_words = normalize(typed).split()
        return len(typed_words) == 1 and typed_words[0] in self._ordinary_words

    @cached_property
    def _ordinary_words(self) -> frozenset[str]:
        """The words the projects' names and descriptions write in lower case, folded as typed names are."""
        found: set[str] = set()
        for iri in self.tg.ids("project"):
            entity = self.tg.entities[iri]
            for text in (entity.label, entity.description or ""):
                found.update(normalize(w) for w in _A_WORD.findall(text) if w.islower())
        return frozenset(found)

    def _city_in_country(self, typed: frozenset[str]) -> set[str]:
        """The cities a name followed (or led) by their own country's name names: "Da Nang, Vietnam" (its name's
        words, or written as one: "Viet Nam"), "Cebu City, Philippines", as people write a place; "Da Nang, Thailand"
        names none."""
        found: set[str] = set()
        for k in self.tg.ids("country"):
            names = (self.tg.label(k), *self.tg.entities[k].alt_labels)
            for country in {*map(_distinctive, names), *(frozenset([compact(n)]) for n in names)}:  # "Vietnam"
                if country and country < typed:
                    rest = self._of("city").whole(typed - country)
                    found.update(c for c in rest if k in self.tg.targets("in_country", c))
        return found

    def _of(self, kind: str) -> _Names:
        """The names of one kind's entities, as :meth:`resolve` looks them up (made on first use)."""
        cache = self._kinds
        if kind not in cache:
            named = _Names()
            for iri in self.tg.ids(kind):
                named.ids.setdefault(compact(iri.rsplit("/", 1)[-1]), iri)
                entity = self.tg.entities[iri]
                written = (entity.label, *entity.alt_labels)
                for name in (*written, *(short for name in written if kind == "city" and (short := initials(name)))):
                    named.names.setdefault(compact(name), iri)
                for name in written if kind == "city" else ():  # "Hochiminh", "Kotakinabalu": typed without spaces
                    named.names.setdefault(compact(" ".join(_distinctive_words(name))), iri)
                for name in written:
                    named.add_words(normalize(name).split(), iri)
                    if kind in WHOLE_NAMED:
                        named.distinct[_distinctive(name)].add(iri)
                    if kind == "city" and len(letters := _distinctive_words(name)) > 1:
                        named.lettered[compact("".join(w[0] for w in letters))].add(entity.label)
            cache[kind] = named
        return cache[kind]


@dataclass
class _Names:
    """One kind's names: compacted ids and names → IRI (the first IRI wins a clash), and each name's words."""

    ids: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    worded: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    """(a name's words, IRI), for each name"""
    by_word: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    """word → the positions in :attr:`worded` of the names holding it"""
    distinct: dict[frozenset[str], set[str]] = field(default_factory=lambda: defaultdict(set))
    """a name's distinctive words (:func:`_distinctive`) → the IRIs of the entities so named (:data:`WHOLE_NAMED`)"""
    lettered: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """the initials of a city name of two distinctive words or more ("kl", "jb", "hcm") → the cities' labels, offered
    when a typed name is unknown (:func:`graph.lookup.initials` links only names of four words: KL, JB or KK stand
    for too much else to be taken as a city unasked)"""

    def whole(self, typed: frozenset[str]) -> set[str]:
        """The IRIs of the entities one of whose names has exactly the distinctive words ``typed``."""
        return set(self.distinct.get(typed, ())) if typed else set()

    def add_words(self, words: list[str], iri: str) -> None:
        for word in words:
            self.by_word[word].add(len(self.worded))
        self.worded.append((tuple(words), iri))

    def within(self, words: list[str]) -> set[str]:
        """The IRIs of the names holding ``words`` side by side, in order."""
        if not words:
            return set()
        positions = set.intersection(*(self.by_word.get(w, set()) for w in words))
        n = len(words)
        return {
            iri
            for name, iri in (self.worded[i] for i in positions)
            if any(name[i : i + n] == tuple(words) for i in range(len(name) - n + 1))
        }


OTHER_KIND_LINKS = 3
"""At most this many entities of the asked kind are offered for a name of another kind that holds the typed words
("Brunei" as a city: Brunei Darussalam's one city; "Iskandar": the city of the Iskandar Malaysia projects); a word
many names hold ("smart") links too many to say anything."""

WHOLE_NAMED = ("city", "partner")
"""Kinds a typed name names by its distinctive words alone, whatever else it says of the place or body
(:data:`ADMINISTRATIVE`, and the stop words: "Bangkok Metropolitan", "Makassar City", "Government of Japan", "US
government")."""

NAMED_BY_WORDS = frozenset({"focus_area", "outcome", "status"})
"""Kinds whose names are ordinary words, so a common word still names them ("health": Health and Well-being);
a city, partner, project, programme or country is not named by one (:meth:`Names._common`)."""

_A_WORD = re.compile(r"[^\W_]+")
"""A run of letters and digits, as :func:`graph.lookup.normalize` cuts a typed name into words."""

_OWN_FALLBACK = {"focus_area"}
"""Kinds whose unknown names the caller answers itself: a problem typed as a focus area gets the areas of the
projects on it (:func:`graph.similarity.questions.focus_area`), not those of the projects that happen to hold it in
their names."""

ADMINISTRATIVE = frozenset(
    [
        "metropolitan",
        "metro",
        "municipality",
        "municipal",
        "province",
        "provincial",
        "regency",
        "capital",
        "administration",
        "council",
    ]
)
"""Words that say what kind of place or authority a name is, not which: "Bangkok Metropolitan (Administration)",
"Phuket Province", "Makassar City" ("city" is a stop word already) name the member city as its bare name does."""


def _distinctive_words(name: str) -> list[str]:
    """A name's words that tell it apart (:func:`graph.similarity.text.words` less :data:`ADMINISTRATIVE`)."""
    return [w for w in words(name) if w not in ADMINISTRATIVE]


def _distinctive(name: str) -> frozenset[str]:
    return frozenset(_distinctive_words(name))
