"""An index of the graph's names, classes and properties: what reconciliation, completion and search look things up in.

Typed text has to find entities by any of their names (labels, alternative names, titles, ISO codes) and rank
them by how much the graph uses them, several times a second while someone types. The graph is small enough
(10⁴ facts bundled, the 300k-triple benchmark graph too) to hold every name in memory as plain strings, so the
index is read once per graph version (``queries/internal/lookup_*.rq``, through :meth:`graph.store.Store.values`)
and answers exactly: every matching name, every use counted, no query per keystroke.

Classes are matched with their subclasses from the ontology (a partner organisation is an external partner),
so a type filter means what it means in the ontology even though the data states only the most specific class.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache

import numpy as np
from rdflib import URIRef

from graph.store import Store
from ontology import PREFIXES, ontology_graph, prefixed
from ontology.namespace import ASCN, RDF, RDFS
from queries.library import internal

_WORD = re.compile(r"[^\w]+")
LINKS = (str(ASCN.country), str(ASCN.inCity), str(ASCN.parentPartner))
"""The links kept per entity, to tell same-named entities apart (:mod:`graph.reconcile`)."""
_RDF_TYPE = str(RDF.type)
KEY_WORDS = 4
"""Words of a name kept in each search key: typed text matches on its first four words (enough to tell names
apart as someone types), and the sorted keys stay short at 300k triples."""


def fold(text: str) -> str:
    """Text with compatibility forms unfolded (full-width ``ｋｕｃｈｉｎｇ``), accents and case folded (đ, which
    Unicode does not decompose, as d), punctuation kept: how names are compared (:func:`normalize`) and how the
    recommender's text analysis reads words (:func:`graph.similarity.text.words`), so "Đà Nẵng" and "Da Nang" are
    one name and the same words wherever they are typed.

    >>> fold("Đà Nẵng's nước-sạch"), fold("ｋｕｃｈｉｎｇ"), fold("Thành phố Hồ Chí Minh")
    ("da nang's nuoc-sach", 'kuching', 'thanh pho ho chi minh')
    """
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in folded if not unicodedata.combining(c)).casefold()


def normalize(text: str) -> str:
    """Text as names are compared, by completion, reconciliation and search alike: :func:`fold`, punctuation
    turned into single spaces.

    >>> normalize("Đà Nẵng"), normalize("  Japan International Cooperation Agency (JICA) "), normalize("ｋｕｃｈｉｎｇ")
    ('da nang', 'japan international cooperation agency jica', 'kuching')
    """
    return " ".join(_WORD.sub(" ", fold(text)).replace("_", " ").split())


def compact(text: str) -> str:
    """Text as search compares it: :func:`normalize` without spaces, so "danang" finds "Da Nang".

    >>> compact("Da Nang"), compact("Chiang-Mai "), compact("Thành phố Hồ Chí Minh")
    ('danang', 'chiangmai', 'thanhphohochiminh')
    """
    return normalize(text).replace(" ", "")


def name_variants(name: str) -> list[str]:
    """A name, and, when it ends in a parenthesis, the name without it, and the parenthesis alone when it is an
    abbreviation: "(JICA)" is a name of the agency, but "(Da Nang)" or "(2020-2022)" after a project's or a
    programme's name says where or when, and is no name of it.

    >>> name_variants("Japan International Cooperation Agency (JICA)")
    ['Japan International Cooperation Agency (JICA)', 'Japan International Cooperation Agency', 'JICA']
    >>> name_variants("Intelligent Operation Centre (Da Nang)")
    ['Intelligent Operation Centre (Da Nang)', 'Intelligent Operation Centre']
    """
    found = re.fullmatch(r"(.+?)\s*\(([^()]+)\)\s*", name)
    if not found:
        return [name]
    return [name, found[1], found[2]] if is_abbreviation(found[2]) else [name, found[1]]


_ABBREVIATION = re.compile(r"[A-Z][A-Za-z0-9&.\-]*[A-Z0-9]")


def is_abbreviation(text: str) -> bool:
    """Whether ``text`` is written as an abbreviation: one word that begins with a capital and ends with a capital
    or a digit.

    >>> [is_abbreviation(t) for t in ("JICA", "WiSE", "SSDaP", "K-City", "Da Nang", "Aichi", "2020-2022")]
    [True, True, True, False, False, False, False]
    """
    return _ABBREVIATION.fullmatch(text) is not None


def initials(name: str) -> str | None:
    """The initials a city name of four or more capitalised words is written as ("Ho Chi Minh City" is HCMC);
    shorter names' initials (KL, NPT) stand for too many other things to link.

    >>> initials("Ho Chi Minh City"), initials("Kuala Lumpur"), initials("Thành phố Hồ Chí Minh")
    ('HCMC', None, None)
    """
    words = name.split()
    return "".join(w[0] for w in words) if len(words) >= 4 and all(w[0].isupper() for w in words) else None


def close_matches(word: str, possibilities: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """:func:`difflib.get_close_matches`'s answer (the same strings in the same order), with fewer of its costly
    ``ratio()`` calls, for a 404's "did you mean" over the graph's 1,300 ids and names.

    ``get_close_matches`` computes ``ratio()`` for every candidate its ``quick_ratio`` lets through, and letters in
    common let almost every name through for a long random path (/id/<60 letters>/…: 50 ms of the server's process,
    each call 40–90 µs). A ratio counts characters of matching blocks, which keep their order, so it is at most
    2·LCS/(sum of the lengths), LCS being the longest common subsequence, which a bit-parallel pass (Hyyrö's) gives
    in a few big-integer operations per character. Candidates are then taken in the order of that bound, and once
    ``n`` ratios are found none below the ``n``-th is computed: nothing is left out that difflib would take.

    >>> close_matches("da-nangg", ["da-nang", "danang", "hanoi", "da nang"], n=2, cutoff=0.4)
    ['da-nang', 'danang']
    >>> close_matches("qwzxvkjq" * 7, ["da-nang", "phuket"], cutoff=0.4)
    []
    """
    matcher = SequenceMatcher()
    matcher.set_seq2(word)
    positions: dict[str, int] = {}
    for at, char in enumerate(word):
        positions[char] = positions.get(char, 0) | 1 << at
    everywhere = (1 << len(word)) - 1
    bounded = []
    for candidate in possibilities:
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
            continue
        row = everywhere  # a 0 bit for each position of the LCS so far
        for char in candidate:
            matched = row & positions.get(char, 0)
            row = ((row + matched) | (row - matched)) & everywhere
        bound = 2 * (len(word) - row.bit_count()) / (len(word) + len(candidate))
        if bound >= cutoff:
            bounded.append((bound, candidate))
    best: list[tuple[float, str]] = []  # a heap of the n best (ratio, candidate), as get_close_matches ranks them
    for bound, candidate in sorted(bounded, reverse=True):
        if len(best) == n and bound < best[0][0]:
            break
        matcher.set_seq1(candidate)
        scored = (matcher.ratio(), candidate)
        if scored[0] < cutoff:
            continue
        if len(best) < n:
            heapq.heappush(best, scored)
        elif scored > best[0]:
            heapq.heapreplace(best, scored)
    return [candidate for _, candidate in sorted(best, reverse=True)]


def typo_of(typed: str, candidate: str) -> bool:
    """Whether ``candidate`` is close enough to ``typed`` to be offered as what was meant: at most one edit (a letter
    added, dropped, changed, or two swapped) per three letters typed after the first, and at least one.

    difflib's ratio counts letters in common, so it finds a typo but also a different word that shares a few
    letters: "leaks" → "least", "Saigon" → "Yangon", "Penang" → "Da Nang", "Surabaya" → "Putrajaya", "Iloilo" →
    "Dili" all pass its cutoffs, and each suggestion points to something else. A typo changes a letter or two. Nor is
    a word made from the candidate by an ending, two letters or more after the whole candidate ("coastal" of "coast",
    "floodgates" of "flood"), a typo of it: "coastal erosion" was asked "did you mean “coast”?", a word the projects
    write only in the name of Singapore's Woodlands North Coast delivery robots.

    >>> [typo_of(t, c) for t, c in [("flod", "flood"), ("trafic", "traffic"), ("floodd", "flood"), ("sensers", "sensors")]]
    [True, True, True, True]
    >>> [typo_of(t, c) for t, c in [("leaks", "least"), ("saigon", "yangon"), ("penang", "danang"), ("coastal", "coast")]]
    [False, False, False, False]
    >>> typo_of("surabaya", "putrajaya")
    False
    """
    allowed = max(1, (len(typed) - 1) // 3)
    if abs(len(typed) - len(candidate)) > allowed or (len(typed) - len(candidate) > 1 and typed.startswith(candidate)):
        return False
    # the optimal string alignment distance (Damerau-Levenshtein without edits across a swap), row by row
    before: list[int] = []
    row = list(range(len(candidate) + 1))
    for i, a in enumerate(typed, 1):
        earlier, before, row = before, row, [i] + [0] * len(candidate)
        for j, b in enumerate(candidate, 1):
            row[j] = min(before[j] + 1, row[j - 1] + 1, before[j - 1] + (a != b))
            if i > 1 and j > 1 and a == candidate[j - 2] and typed[i - 2] == b:
                row[j] = min(row[j], earlier[j - 2] + 1)
    return row[-1] <= allowed


def local_id(iri: str) -> str:
    """The last segment of an IRI (after ``/`` or ``#``).

    >>> local_id("https://w3id.org/ascn/id/city/da-nang"), local_id("https://w3id.org/ascn/ontology#City")
    ('da-nang', 'City')
    """
    return re.split(r"[/#]", iri)[-1]


@dataclass
class Entity:
    """One named entity: its IRI, label, other names, classes, how often the graph links to it, and the links
    that tell same-named entities apart (country, city, parent partner: property IRI → values)."""

    iri: str
    label: str
    names: list[str] = field(default_factory=list)
    classes: set[str] = field(default_factory=set)
    uses: int = 0
    links: dict[str, list[str]] = field(default_factory=dict)

    def all_names(self) -> list[str]:
        """The label first, then every other name, each with its parenthesis variants, without repeats."""
        seen: dict[str, None] = {}
        for name in [self.label, *self.names]:
            for variant in name_variants(name):
                seen.setdefault(variant, None)
        return list(seen)


@dataclass(frozen=True)
class Term:
    """A class or property with its label (from the ontology, else its local name) and a count."""

    iri: str
    label: str
    count: int


@dataclass
class Index:
    """Names, classes and properties of one graph version, with sorted keys for prefix search."""

    entities: dict[str, Entity]
    class_entities: Counter
    """Class IRI → entities stated to have it."""
    class_properties: dict[str, Counter]
    """Class IRI → property IRI → triples of its instances."""
    class_objects: dict[tuple[str, str], Counter]
    """(class IRI, property IRI) → object IRI → triples of its instances linking to it."""
    _keys: list[str] = field(default_factory=list, repr=False)
    _ranks: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)
    _ranked: list[str] = field(default_factory=list, repr=False)
    _masks: dict = field(default_factory=dict, repr=False)
    _compact_names: list[tuple[str, str, str]] = field(default_factory=list, repr=False)
    """(:func:`compact` name, name, IRI) for every label and other name as the graph states it."""

    def __post_init__(self) -> None:
        self._ranked = sorted(
            self.entities, key=lambda i: (-self.entities[i].uses, self.entities[i].label.casefold(), i)
        )
        rank = {iri: n for n, iri in enumerate(self._ranked)}
        pairs = set()
        later = len(self._ranked)  # a match inside a name ranks after every match at the start of one
        for iri, entity in self.entities.items():
            for name in [*entity.all_names(), local_id(iri)]:
                words = normalize(name).split()
                for start in range(len(words)):
                    pairs.add((" ".join(words[start : start + KEY_WORDS]), rank[iri] + (later if start else 0)))
        ordered = sorted(pairs)
        self._keys = [key for key, _ in ordered]
        self._ranks = np.array([r for _, r in ordered], dtype=np.int64)
        self._compact_names = [
            (compact(name), name, iri)
            for iri, entity in self.entities.items()
            for name in dict.fromkeys([entity.label, *entity.names])
        ]

    # -- entities ------------------------------------------------------------------------------
    def complete(self, text: str, classes: set[str] | None = None, limit: int = 10) -> list[Entity]:
        """Entities with a name (or IRI local name) having a word that starts with ``text``: those whose name
        starts so first, each group most used first; only instances of ``classes`` (with their subclasses) when
        given. Empty text matches every entity."""
        q = " ".join(normalize(text).split()[:KEY_WORDS])
        lo = bisect_left(self._keys, q)
        hi = bisect_left(self._keys, q + "\uffff", lo)
        n = len(self._ranked)
        hits = np.zeros(2 * n, dtype=bool)
        hits[self._ranks[lo:hi]] = True
        if classes:
            hits &= self._class_mask(frozenset(expand(classes)))
        out, seen = [], set()
        for r in np.flatnonzero(hits):  # ranks in order: names that start so first, most used first
            entity = self.entities[self._ranked[r % n]]
            if entity.iri not in seen:
                seen.add(entity.iri)
                out.append(entity)
                if len(out) == limit:
                    break
        return out

    def names_containing(self, words: list[str]) -> Iterator[tuple[Entity, str]]:
        """Every name (label or other name, as the graph states it) holding each of ``words`` (as :func:`compact`
        makes them) anywhere inside, with its entity: search finds words inside names ("nang" in "Da Nang"), where
        :meth:`complete` matches the starts of words."""
        for folded, name, iri in self._compact_names:
            if all(word in folded for word in words):
                yield self.entities[iri], name

    def _class_mask(self, classes: frozenset[str]):
        """Which ranks (both halves of the rank space) belong to instances of ``classes``, kept per class set."""
        mask = self._masks.get(classes)
        if mask is None:
            half = np.fromiter(
                (bool(self.entities[iri].classes & classes) for iri in self._ranked),
                dtype=bool,
                count=len(self._ranked),
            )
            mask = self._masks[classes] = np.concatenate([half, half])
        return mask

    def of_classes(self, classes: set[str]) -> list[Entity]:
        """Every entity of ``classes`` (with their subclasses)."""
        wanted = expand(classes)
        return [e for e in self.entities.values() if e.classes & wanted]

    # -- classes and properties ----------------------------------------------------------------
    def classes(self, text: str = "", limit: int = 20) -> list[Term]:
        """Classes that have instances, whose label or local name has a word starting with ``text``, largest
        first."""
        return _terms(self.class_entities, text, limit)

    def properties(self, text: str = "", cls: str | None = None, limit: int = 20) -> list[Term]:
        """Properties used by instances of ``cls`` (of any class when None), matching ``text``, most used
        first."""
        counts: Counter = Counter()
        for c, props in self.class_properties.items():
            if cls is None or c in expand({cls}):
                counts.update(props)
        return _terms(counts, text, limit)

    def objects(self, text: str, cls: str | None, prop: str, limit: int = 10) -> list[tuple[Entity, int]]:
        """Entities that instances of ``cls`` (any class when None) link to by ``prop``, matching ``text``,
        most linked first: every one keeps the pattern ``?s a cls ; prop <it>`` non-empty."""
        counts: Counter = Counter()
        for (c, p), objects in self.class_objects.items():
            if p == prop and (cls is None or c in expand({cls})):
                counts.update(objects)
        q = normalize(text)
        out = []
        for iri, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            entity = self.entities.get(iri)
            if entity is None:
                continue
            if q and not any(_starts_a_word(normalize(name), q) for name in [*entity.all_names(), local_id(iri)]):
                continue
            out.append((entity, n))
            if len(out) == limit:
                break
        return out


def _starts_a_word(name: str, q: str) -> bool:
    return name.startswith(q) or f" {q}" in f" {name}"


def _terms(counts: Counter, text: str, limit: int) -> list[Term]:
    q = normalize(text)
    labels = term_labels()
    out = []
    for iri, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        label = labels.get(iri) or local_id(iri)
        if q and not (
            _starts_a_word(normalize(label), q)
            or _starts_a_word(normalize(_split_camel(local_id(iri))), q)
            or normalize(local_id(iri)).startswith(q)
            or normalize(prefixed(iri)).startswith(q)
        ):
            continue
        out.append(Term(iri, label, n))
        if len(out) == limit:
            break
    return out


def _split_camel(name: str) -> str:
    """``iso3166Alpha2`` → ``iso3166 Alpha2``: a camel-case local name matched word by word."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)


def expand_name(name: str) -> str:
    """A class or property given as a prefixed name (``ascn:City``) or an IRI, as an IRI.

    >>> expand_name("ascn:City"), expand_name("https://schema.org/City")
    ('https://w3id.org/ascn/ontology#City', 'https://schema.org/City')
    """
    prefix, _, rest = name.partition(":")
    if prefix in PREFIXES and not rest.startswith("//"):
        return PREFIXES[prefix] + rest
    return name


@cache
def _subclasses() -> dict[str, frozenset[str]]:
    """Class IRI → itself and every class below it in the ontology (rdfs:subClassOf, transitively)."""
    g = ontology_graph()
    below: dict[str, set[str]] = defaultdict(set)
    for sub, sup in g.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            below[str(sup)].add(str(sub))
    closed = {}
    for cls in below:
        seen, todo = {cls}, [cls]
        while todo:
            for child in below.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        closed[cls] = frozenset(seen)
    return closed


def expand(classes: set[str]) -> set[str]:
    """Classes with all their subclasses.

    >>> sorted(local_id(c) for c in expand({str(ASCN.ExternalPartner)}))
    ['ExternalPartner', 'PartnerCity', 'PartnerCompany', 'PartnerCountry', 'PartnerOrganisation']
    """
    table = _subclasses()
    return {sub for cls in classes for sub in table.get(cls, {cls})}


@cache
def term_labels() -> dict[str, str]:
    """Class and property IRI → English label, from the ontology."""
    g = ontology_graph()
    labels: dict[str, str] = {}
    for term, label in g.subject_objects(RDFS.label):
        if isinstance(term, URIRef) and getattr(label, "language", None) in ("en", None):
            labels.setdefault(str(term), str(label))
    return labels


def build(store: Store) -> Index:
    """Read the index of ``store``'s current content (four bulk reads)."""
    entities: dict[str, Entity] = {}
    names = store.values(internal("lookup_names").sparql)
    for iri, kind, name in names.rows:
        if not name:
            continue
        entity = entities.setdefault(iri, Entity(iri, ""))
        if kind == "label" and not entity.label:
            entity.label = name
        else:
            entity.names.append(name)
    for entity in entities.values():
        if not entity.label:
            entity.label = entity.names.pop(0)
    classes: dict[str, list[str]] = defaultdict(list)
    for iri, cls in store.values(internal("lookup_types").sparql).rows:
        classes[iri].append(cls)
        if iri in entities:
            entities[iri].classes.add(cls)
    class_objects: dict[tuple[str, str], Counter] = defaultdict(Counter)
    links = set(LINKS)
    for subject, prop, obj in store.values(internal("lookup_links").sparql).rows:
        linked = entities.get(obj)
        if linked is None:
            continue
        entity = linked
        entity.uses += 1
        if prop == _RDF_TYPE:
            continue
        for cls in classes.get(subject, ()):
            class_objects[(cls, prop)][obj] += 1
        if prop in links and subject in entities:
            entities[subject].links.setdefault(prop, []).append(obj)
    class_entities: Counter = Counter()
    for entity in entities.values():
        class_entities.update(entity.classes)
    class_properties: dict[str, Counter] = defaultdict(Counter)
    for cls, prop, n in store.values(internal("lookup_class_properties").sparql).rows:
        class_properties[cls][prop] += int(n)
    return Index(entities, class_entities, dict(class_properties), dict(class_objects))
