"""Mentions of known entities in a text: spaCy's rule-based PhraseMatcher over the names the graph holds.

Names are the labels and alternative labels of the member cities, member states, partners, programmes, projects
and the network, plus what a label spells out itself: the acronym in brackets ("Asian Development Bank (ADB)" is
also "ADB" and "Asian Development Bank"), the label without a trailing country ("..., Japan") or a lower-case
description ("K-City Network global cooperation programme"), and the initials of a city name of four words or more
("HCMC"). Names match folded as :func:`graph.lookup.fold` folds them (case, accents, đ: "Việt Nam" is "Viet Nam",
"Hồ Chí Minh City" is "Ho Chi Minh City"), acronyms exactly. A two-word name that reads as a common phrase
("Technical cooperation") is not matched.

Linking is exact or nothing. A name is never stretched to the nearest known one, and a match that is only part
of a longer proper name is refused: "Kuala Lumpur" links, but in "Kuala Terengganu" nothing does, and "Jakarta" in
"North Jakarta" or "Vientiane" in "Vientiane Province" does not link the member city. A name several entities of
one kind share links none of them. A project name links only when the project's city is named in the same
document too (or the project is network-wide): project names are often generic ("Smart Parking").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

import spacy
from spacy.attrs import LIKE_URL  # type: ignore[import-not-found]  # a compiled module without stubs
from spacy.lang.lex_attrs import like_url
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from graph.lookup import fold, initials, is_abbreviation
from graph.store import Store, select
from loaders.ingest.documents import MAX_TEXT
from queries.library import internal

KIND_ORDER = ("city", "network", "partner", "programme", "project", "country")
"""Which kind a name shared across kinds stands for ("Singapore" the member city before the member state), save
that a name ending in "Project" is the project ("Dili West Water Supply Project", the programme of the pairing
named after it)."""

_BRACKET = re.compile(r"^(?P<name>.+?)\s*\((?P<inner>[^()]+)\)\s*(?:,\s*(?P<tail>[A-Z][\w .-]+))?$")
_COUNTRY_TAIL = re.compile(r"^(?P<name>.+?),\s*(?P<tail>[A-Z][a-z]+(?: [A-Z][a-z]+)?)$")
_DESCRIBED = re.compile(r"^(?P<name>.*[A-Z]\w*)(?: [a-z][\w-]*)* (?:programme|program)$")
"""A label that goes on to describe itself in lower case: "K-City Network global cooperation programme"."""
_LEGAL_FORM = re.compile(r"^(?P<name>.+\S)\s+(?:PCL|Ltd\.?|Inc\.?|Co\., Ltd\.?|GmbH|Bhd\.?|Tbk)$")
"""A company's legal form after its name ("AMATA Corporation PCL")."""
_CONTINUING = {"City", "Capital"}
"""Title-case words that may follow a city's name without making it another place's ("Da Nang City")."""
_HEADS = {
    "Project",
    "Projects",
    "System",
    "Platform",
    "Hub",
    "Centre",
    "Center",
    "Programme",
    "Program",
    "Plan",
    "Committee",
    "Administration",
    "Council",
    "Government",
    "Department",
    "Office",
    "Authority",
    "Hall",
    "University",
    "Airport",
    "Initiative",
    "Roadmap",
    "Strategy",
    "Dashboard",
    "Network",
    "Corridor",
    "Police",
}
"""Heads of organisation and project names that may start with a city's name."""
_PLACE_AFTER = {"Province", "Regency", "Region", "District", "Prefecture", "State", "Island", "Islands", "Bay", "Baru"}
_PLACE_BEFORE = {"North", "South", "East", "West", "Central", "Greater", "New", "Old", "Upper", "Lower"}
"""Words that make a longer place name of a name, the only sign of one a Title-Case headline leaves."""
_HEADLINE_LOWER = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
COUNTRY_SPELLINGS = {
    "bn": ("Brunei",),
    "la": ("Laos", "Lao People's Democratic Republic"),
    "mm": ("Burma",),
    "tl": ("East Timor", "Timor Leste"),
    "vn": ("Vietnam",),
}
"""How writers spell member states whose labels are the formal names: how names are written, not facts about the
states, so the linker holds them ("Laos joined the network" must name the state, not propose a new city "Laos")."""


MAX_WORD = 200
"""The longest run of characters without a space that is split into words and punctuation (a long link is 150)."""
MAX_SENTENCE_TOKENS = 1_000
"""The longest sentence read as one: a longer run without a full stop or line break is cut into sentences of this
many tokens. Real sentences, and the lines of a table a PDF runs together, are a few hundred tokens at most, and
each name is read in the light of its whole sentence, so one endless sentence cost time in the square of its length
("Da Nang Da Nang ..." 20,000 times took a minute)."""


@Language.component("ascn_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence too: headings and list items carry no full stop. A sentence ends after
    :data:`MAX_SENTENCE_TOKENS` tokens at the latest.

    Set as one array: setting ``Token.is_sent_start`` checks the whole doc for a parse each time, so a text of
    many lines took time in the square of its length."""
    starts = doc.to_array("SENT_START")
    for token in doc[:-1]:
        if "\n" in token.text and token.is_space:
            starts[token.i + 1] = 1
    last = 0
    for i in range(1, len(starts)):
        if starts[i] == 1 or i - last >= MAX_SENTENCE_TOKENS:
            starts[i], last = 1, i
    doc.from_array(["SENT_START"], cast(Any, starts.reshape(-1, 1)))
    return doc


@Language.component("ascn_fold")
def fold_norms(doc: Doc) -> Doc:
    """Each word's norm is its folded form (:func:`graph.lookup.fold`), what the name matcher compares: writers
    spell names with and without their accents ("Việt Nam", "Viet Nam"), and a name the graph holds one way was
    missed the other ("Việt Nam chaired the meeting" named no state). Acronyms still match exactly."""
    for token in doc:
        token.norm_ = fold(token.text)
    return doc


@dataclass(frozen=True)
class Entity:
    """A known entity: its IRI, kind (city, partner, ...), label, for a project its city, and whether a partner is a
    state (the United States, Japan), whose name may only say where help comes from ("U.S. technical assistance")."""

    iri: str
    kind: str
    label: str
    city: str | None = None
    state: bool = False


@dataclass(frozen=True)
class Mention:
    """A span of the text that names ``entity``: ``text`` from character ``start`` to ``end``."""

    entity: Entity
    text: str
    start: int
    end: int
    sentence: int
    """The index of the sentence (in :attr:`Linker.sentences`) it is in."""


def name_variants(label: str) -> list[str]:
    """The names a label spells out: itself, the acronym in brackets, the name before the brackets, the name
    without a trailing country.

    >>> name_variants("Asian Development Bank (ADB)")
    ['Asian Development Bank (ADB)', 'ADB', 'Asian Development Bank']
    >>> name_variants("Urban Renaissance Agency (UR), Japan")
    ['Urban Renaissance Agency (UR), Japan', 'UR', 'Urban Renaissance Agency']
    >>> name_variants("Department of Foreign Affairs and Trade (DFAT), Australia")[1:]
    ['DFAT', 'Department of Foreign Affairs and Trade']
    >>> name_variants("Clean Water Services (Hillsboro, Oregon)")
    ['Clean Water Services (Hillsboro, Oregon)', 'Clean Water Services']
    >>> name_variants("Korea Environmental Industry and Technology Institute, Korea")
    ['Korea Environmental Industry and Technology Institute, Korea', 'Korea Environmental Industry and Technology Institute']
    >>> name_variants("K-City Network global cooperation programme")
    ['K-City Network global cooperation programme', 'K-City Network']

    A project's label that joins an action plan's title and a later report's with " / " (data/projects.yaml) is
    also each title, as each is what a writer calls the project:

    >>> name_variants("Kuala Lumpur Urban Observatory (KLUO) / G-Asset")[1:]
    ['Kuala Lumpur Urban Observatory (KLUO)', 'KLUO', 'Kuala Lumpur Urban Observatory', 'G-Asset']

    A company's legal form, which prose leaves out ("works with the AMATA Corporation"), is left out too:

    >>> name_variants("AMATA Corporation PCL")
    ['AMATA Corporation PCL', 'AMATA Corporation']
    """
    if " / " in label:
        return list(dict.fromkeys([label, *(v for part in label.split(" / ") for v in name_variants(part.strip()))]))
    found = [label]
    legal = _LEGAL_FORM.match(label)
    if legal:
        found.append(legal["name"])
    m = _BRACKET.match(label)
    if m:
        inner = m["inner"].strip()
        if is_abbreviation(inner):
            found.append(inner)
        found.append(m["name"].strip())
    else:
        tail = _COUNTRY_TAIL.match(label)
        if tail and len(tail["name"].split()) >= 2:
            found.append(tail["name"].strip())
    described = _DESCRIBED.match(label)
    if described and len(described["name"].split()) >= 2:
        found.append(described["name"])
    return list(dict.fromkeys(found))


def is_common_phrase(name: str) -> bool:
    """Whether a name is a two-word phrase of the kind prose uses ("Technical cooperation", "MLIT support"): a
    programme so named is not linked, since "a memorandum on technical cooperation" names no programme.

    >>> is_common_phrase("Technical cooperation"), is_common_phrase("Smart JAMP"), is_common_phrase("Dow")
    (True, False, False)
    """
    words = name.split()
    return len(words) == 2 and words[1].islower()


def _describes_partner(name: str, partner_names: set[str]) -> bool:
    """Whether a name is a partner's name and a lower-case description of its help ("USTDA technical assistance",
    "JICA technical cooperation"): prose that says so names the partner, and linking the programme so labelled
    hid the partner from the facts ("with USTDA technical assistance, Davao City prepared ...").

    >>> _describes_partner("USTDA technical assistance", {"USTDA"}), _describes_partner("Smart JAMP", {"MLIT"})
    (True, False)
    """
    words = name.split()
    return any(
        " ".join(words[:k]) in partner_names and all(w.islower() for w in words[k:]) for k in range(1, len(words))
    )


class Gazetteer:
    """The known names, read once from the store, and the spaCy pipeline that finds them."""

    def __init__(self, entities: dict[str, Entity], names: dict[str, set[str]]):
        self.entities = entities
        self.names = names
        """name as written → the IRIs that carry it"""

    @classmethod
    def from_store(cls, store: Store) -> Gazetteer:
        entities: dict[str, Entity] = {}
        names: dict[str, set[str]] = {}
        labels: dict[str, str] = {}
        rows = list(select(store.query, internal("ingest_names").sparql))
        for row in rows:
            labels.setdefault(str(row["entity"]), str(row["name"]))
        for row in rows:
            iri = str(row["entity"])
            if iri not in entities:
                entities[iri] = Entity(
                    iri, str(row["kind"]), labels[iri], str(row["city"]) if row["city"] else None, bool(row["state"])
                )
            variants = name_variants(str(row["name"]))
            if entities[iri].kind == "city":
                variants += [short for name in variants if (short := initials(name))]
            if entities[iri].kind == "country":
                variants += COUNTRY_SPELLINGS.get(iri.rsplit("/", 1)[1], ())
            for variant in variants:
                if not is_common_phrase(variant):
                    names.setdefault(variant, set()).add(iri)
        partner_names = {n for n, iris in names.items() if any(entities[i].kind == "partner" for i in iris)}
        for name in [n for n in names if _describes_partner(n, partner_names)]:
            names[name] = {i for i in names[name] if entities[i].kind != "programme"}
        return cls(entities, {n: iris for n, iris in names.items() if iris})

    @cached_property
    def nlp(self):
        nlp = spacy.blank("en")
        nlp.max_length = MAX_TEXT
        # a run without spaces longer than any word or link stays one token: spaCy peels punctuation off a run one
        # character at a time, each time searching the whole run, and 3,000 characters of "!?.,;:" took 6 s
        tokenizer: Any = nlp.tokenizer
        tokenizer.token_match = re.compile(rf"\S{{{MAX_WORD + 1},}}").fullmatch
        # whether a word is like a URL is a regular expression's search in time up to the square of its length
        vocab: Any = nlp.vocab
        vocab.lex_attr_getters[LIKE_URL] = lambda text: len(text) <= MAX_WORD and like_url(text)
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("ascn_line_breaks")
        nlp.add_pipe("ascn_fold")
        return nlp

    @cached_property
    def matchers(self) -> tuple[PhraseMatcher, PhraseMatcher]:
        """Folded names (:func:`fold_norms`), and exact acronyms."""
        folded = PhraseMatcher(self.nlp.vocab, attr="NORM")
        exact = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        for name in self.names:
            if is_abbreviation(name) and len(name) <= 8:
                exact.add(name, [self.nlp.make_doc(name)])
            else:
                folded.add(name, [fold_norms(self.nlp.make_doc(name))])
        return folded, exact

    def link(self, text: str, guards: bool = True) -> Linked:
        """The sentences of ``text`` and the mentions of known entities in it.

        ``guards=False`` turns off the refusal of names inside longer names and of projects whose city is not
        named: the plain name matcher, the baseline benchmarks/ingest.py compares with.
        """
        doc = self.nlp(text)
        folded, exact = self.matchers
        spans = [
            Span(doc, start, end, label=match_id)
            for matcher in (folded, exact)
            for match_id, start, end in matcher(doc)
        ]
        spans = filter_spans(spans)
        covered = {i for span in spans for i in range(span.start, span.end)}
        states_at = [
            (span.start, span.end)
            for span in spans
            if {self.entities[i].kind for i in self.names.get(span.label_, ())} == {"country"}
        ]
        bounds = ({start for start, _ in states_at}, {end for _, end in states_at})
        headlines: dict[int, bool] = {}
        candidates = []
        for span in spans:
            iris = self.names.get(span.label_, set())
            by_kind = sorted({self.entities[i].kind for i in iris}, key=KIND_ORDER.index)
            if not by_kind:
                continue
            states = "country" in by_kind and (_names_the_state(doc, span) or _among_states(doc, span, *bounds))
            kind = "country" if states else by_kind[0]
            if kind == "programme" and "project" in by_kind and span[-1].text == "Project":
                kind = "project"  # a programme named after its project: the name says which it is
            of_kind = [self.entities[i] for i in iris if self.entities[i].kind == kind]
            if (
                guards
                and kind in ("city", "country", "partner")
                and _part_of_longer_name(doc, span, covered, headlines)
            ):
                continue
            candidates.append((span, of_kind))
        cities = {e.iri for _, ents in candidates for e in ents if e.kind == "city" and len(ents) == 1}
        sentences = list(doc.sents)
        starts = [s.start for s in sentences]
        mentions = []
        for span, of_kind in candidates:
            if guards and of_kind[0].kind == "project":
                of_kind = [e for e in of_kind if e.city is None or e.city in cities]
            if len(of_kind) != 1:
                continue
            index = bisect_right(starts, span.start) - 1
            mentions.append(Mention(of_kind[0], span.text, span.start_char, span.end_char, index))
        return Linked(doc, [(s.start_char, s.end_char) for s in sentences], mentions)


def _names_the_state(doc: Doc, span: Span) -> bool:
    """Whether a name both a member city and its state carry ("Singapore") is the state's here: the owner of a
    chairmanship, government or ministry, by its name ("during Singapore's ASEAN chairmanship") or by "its" right
    after it ("proposed by Singapore during its 2018 ASEAN chairmanship"), or the network's Shepherd, a role of
    states ("Singapore was renewed as the network's Shepherd"). Otherwise the city is meant.
    """
    after = [t.lower_ for t in doc[span.end : span.end + 6]]
    if "shepherd" in [t.lower_ for t in doc[span.end : span.end + 8]]:
        return True  # a role the network gives a member state ("Singapore was renewed as the network's Shepherd")
    owner = next((i for i, word in enumerate(after[:3]) if word in ("'s", "’s", "its")), None)
    if owner is None or (owner and after[owner] != "its"):
        return False
    return bool(
        {"chairmanship", "chair", "government", "ministry", "minister"}.intersection(after[owner + 1 : owner + 4])
    )


def _among_states(doc: Doc, span: Span, starts: set[int], ends: set[int]) -> bool:
    """Whether a name a member city shares with its state ("Singapore") stands in a list of states ("Myanmar, the
    Philippines, Singapore, Thailand and Viet Nam"): the list names states, so it does too. ``starts`` and ``ends``
    are the token positions where names of states only begin and end."""
    joiners = {",", "and", "or", "the"}
    left = span.start
    while left > 0 and doc[left - 1].lower_ in joiners:
        left -= 1
    right = span.end
    while right < len(doc) and doc[right].lower_ in joiners:
        right += 1
    return (left < span.start and left in ends) or (right > span.end and right in starts)


def _headline(sentence: Span) -> bool:
    """Whether a sentence is written in Title Case ("Indonesia Hosts Sixth ASCN Annual Meeting In Bali"), where a
    capital letter does not mark a proper name."""
    words = [t.text for t in sentence if t.is_alpha]
    return len(words) >= 4 and all(w[0].isupper() or w in _HEADLINE_LOWER for w in words)


def _part_of_longer_name(doc: Doc, span: Span, covered: set[int], headlines: dict[int, bool]) -> bool:
    """Whether the match is only part of another place's proper name ("North Jakarta", "Vientiane Province",
    "Kuala Lumpur" in a made-up "Kuala Lumpur Baru").

    A name that goes on into an organisation or a project ("Vientiane Smart Drainage Project", "Bangkok
    Metropolitan Administration") still names the city: the run of title-case words after it ends in such a head.
    In a Title-Case headline every word is capitalised, so only a word that makes place names ("Province",
    "North") makes a longer one there: "Indonesia Hosts ..." and "Vietnam And Malaysia" name the states.
    ``headlines`` keeps whether each sentence (by its first token) is a headline, read once however many names it
    holds: a sentence repeating a city's name thousands of times took minutes.
    """
    if _capitals(span) and _capitals_go_on(doc, span, covered):
        return True
    sentence = span.sent
    if sentence.start not in headlines:
        headlines[sentence.start] = _headline(sentence)
    if headlines[sentence.start]:
        word_before = doc[span.start - 1].text if span.start > 0 else ""
        word_after = doc[span.end].text if span.end < len(doc) else ""
        return word_before in _PLACE_BEFORE or word_after in _PLACE_AFTER
    if span.end < len(doc):
        after = doc[span.end]
        if after.is_title and after.i not in covered and after.text not in _CONTINUING and not after.is_sent_start:
            run = []
            for token in doc[span.end :]:
                if not (token.is_title or token.is_upper or token.lower_ in ("of", "and", "for", "de", "'s", "’s")):
                    break
                run.append(token.text)
            if not _HEADS.intersection(run):
                return True
    if span.start > 0:
        before = doc[span.start - 1]
        if before.is_title and before.i not in covered and not before.is_stop and not before.is_sent_start:
            return True
        if before.is_title and before.is_sent_start and not before.is_stop and before.i not in covered:
            return True
    return False


def _capitals(span: Span) -> bool:
    """Whether a name is written in capitals, as headings, letterheads and speakers' labels write them."""
    return any(c.isalpha() for c in span.text) and span.text.isupper()


def _capitals_go_on(doc: Doc, span: Span, covered: set[int]) -> bool:
    """Whether a name in capitals is only the start of a longer name. Capitals write every word alike, so where a
    place's name ends and an organisation's head begins cannot be read from them, and only a whole name is linked:
    the word right after it must be a head of an organisation's name or a word that continues the city's own
    ("SEBERANG PERAI CITY COUNCIL", "PHNOM PENH CAPITAL HALL"). Any other capitals word makes another place or body
    of it: "KUCHING SOUTH CITY COUNCIL" (a council of the district Kuching South) linked the city Kuching, "BANGKOK
    POST" the city Bangkok. A place-name word before it does too ("SOUTH JAKARTA")."""
    after = doc[span.end] if span.end < len(doc) else None
    if (
        after is not None
        and after.is_alpha
        and after.is_upper
        and after.i not in covered
        and after.text.title() not in _HEADS | _CONTINUING
    ):
        return True
    before = doc[span.start - 1] if span.start > 0 else None
    return before is not None and before.is_upper and before.text.title() in _PLACE_BEFORE


@dataclass
class Linked:
    """A linked text: the spaCy doc, each sentence's character span, and the mentions in order."""

    doc: Doc
    sentences: list[tuple[int, int]]
    mentions: list[Mention]

    @cached_property
    def text(self) -> str:
        """The text, joined once: spaCy's ``Doc.text`` joins every token again at each reading, and the extractor
        reading it once per sentence made a 30,000-character text take minutes instead of a second."""
        return self.doc.text

    def sentence_text(self, index: int) -> str:
        start, end = self.sentences[index]
        return self.text[start:end].strip()

    @cached_property
    def _by_sentence(self) -> dict[int, list[Mention]]:
        by_sentence: dict[int, list[Mention]] = defaultdict(list)
        for m in self.mentions:
            by_sentence[m.sentence].append(m)
        return by_sentence

    def in_sentence(self, index: int, kind: str | None = None) -> list[Mention]:
        return [m for m in self._by_sentence.get(index, ()) if kind is None or m.entity.kind == kind]
