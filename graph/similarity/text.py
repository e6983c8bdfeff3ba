"""TF-IDF and BM25 text similarity over names and descriptions, with the framework's vocabulary as a thesaurus.

Words are folded as names are compared (accents, đ, full-width forms and case), stop words dropped and stemmed
(Snowball English, so "floods" meets "flooding"); term frequency is sublinear, inverse document frequency smoothed,
rows L2-normalised, and similarity is the cosine.

The thesaurus: each framework concept (a focus area with its monitoring sub-categories, an urban system with
its principles, an enabler with its examples) owns the stems of its terms that no other concept uses. A text
containing any of them also carries the concept as a token (``@<concept>``), so a plan worded "traffic
signals" and a project worded "mobility data" meet on the concept of mobility and transportation even where they
share no word. Concept tokens are weighed by inverse document frequency like words, so a concept most texts
touch counts little.

>>> index = TextIndex(["Smart water meters", "Bus rapid transit", "Water quality sensors"])
>>> index.scores("water sensors").round(2).tolist()
[0.37, 0.0, 0.78]
>>> index.shared_terms("water sensors", 2)
['sensors', 'water']
>>> thesaurus = {"mobility": ["Mobility & Transportation", "traffic"]}
>>> TextIndex(["Traffic signal control", "Bus transport study"], thesaurus).scores("transportation plan").round(2).tolist()
[0.22, 0.66]
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Container, Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import chain
from typing import Self

import numpy as np
import scipy.sparse as sp
import snowballstemmer

from graph.lookup import close_matches, fold, typo_of

_TOKEN = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]|[a-z]")
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "do",
        "does",
        "did",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "were",
        "which",
        "with",
        "within",
        "under",
        "over",
        "per",
        "via",
        "not",
        "no",
        "also",
        "more",
        "most",
        "new",
        "than",
        "then",
        "city",
        "cities",
        "project",
        "projects",
        "asean",
        "ascn",
        "named",
        "list",
        "report",
        "gives",
        "further",
        "detail",
        "monitoring",
        "smart",
        "reported",
        "published",
        "draft",
        "update",
        "updated",
        "status",
        "phase",
        "year",
        "years",
        "month",
        "months",
        "first",
        "second",
        "third",
        "later",
        "earlier",
        "since",
        "about",
        "around",
        "full",
        "open",
        "run",
        "built",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "e",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "through",
        "using",
        "use",
        "used",
        "based",
        "well",
        "such",
        "prepared",
        "team",
        "funded",
        "funding",
        "kick",
        "kick-off",
        "led",
        "support",
        "supported",
        "supports",
        "including",
        "include",
        "includes",
        "other",
        "local",
        "national",
        "government",
        "ministry",
        "agency",
        "programme",
        "program",
        "department",
        "office",
        "part",
        "plus",
        "via",
        "both",
        "each",
        "many",
    ]
)
"""Words that do not tell what a project is about: the commonest words, the boilerplate of projects the sources
only name, and the words of report dates and progress."""

UNSHOWN = frozenset(
    [
        "set",
        "up",
        "start",
        "being",
        "had",
        "all",
        "due",
        "done",
        "completed",
        "launched",
        "covering",
        "following",
        "target",
        "help",
        "better",
        "million",
        "km",
        "multi",
        "non",
        "until",
        "after",
        "between",
        "across",
        "so",
        "off",
    ]
)
"""Words the indexes count but a reason never names (:meth:`TextIndex.shared`): how far a project got, how much,
prefixes cut off their words ("multi", "non") and words that only join others ("until", "between"); that two
projects were both "set up" or "launched", or both run "until" a date, is no reason to compare them. They are
hidden, not dropped, as place names and numbers are: taking those out of the indexes lowered validation
(benchmarks/README.md, issue 12's seventh pass). "plan" stays: being a plan is a kind of work. A word is hidden by
its stem ("launch" with "launched"). The words of dates are hidden as the texts use them
(:attr:`graph.similarity.scoring.Scorer._dating`), the words of the record as :data:`RECORD` says."""

RECORD = frozenset(
    [
        "said",
        "discussed",
        "announced",
        "noted",
        "notes",
        "described",
        "mentioned",
        "presented",
        "showcased",
        "found",
        "hit",
        "expected",
        "sources",
    ]
)
"""Words that tell how a source recorded the work, what befell it or what it was expected to do, not the work
("discussed at the annual meeting", "an official said", "the earthquake that hit Mandalay", "the sources do not
say", "is expected to"): that both texts were "discussed" is no reason to compare them. Hidden as words, not by
stem (:meth:`graph.similarity.scoring.Scorer.shared`): the stem of "announced" is that of a tram's "announcements",
of "found" that of "founded", of "sources" that of a "water source", each a word of the work."""

ABBREVIATIONS = {
    "brt": "bus rapid transit",
    "e-gov": "e-government",
    "ev": "electric vehicle",
    "evs": "electric vehicles",
    "govt": "government",
    "ioc": "operation centre",
    "iot": "internet of things",
    "mgmt": "management",
    "mrt": "mass rapid transit",
    "nrw": "non-revenue water",
    "ppp": "public-private partnership",
    "wte": "waste-to-energy",
}
"""Abbreviations people type for a kind of work, with what they stand for: a plan writing one also counts the words it
abbreviates (the indexes' ``typed`` texts, :func:`tokens` with ``added``), so "EV charging" meets "Electric Vehicle
Charging Stations" and "reduce NRW" a utility's "non-revenue water"; an officer's shorthand too ("IOC", which the texts
write out as an integrated or intelligent operation(s) centre, "mgmt", "govt"). Only abbreviations that mean one thing
in the cities' work and whose words do too ("AI", "GIS", "ICT" and "LRT" would add "intelligent", "information",
"system" and the "light" of "lighting"); a name's abbreviation (JICA, ADB) is a name, matched as names are
(:mod:`graph.similarity.names`). The graph's own texts (projects, a partner's expertise) count their words as written:
counting the added words in them too lowered validation's city → partner MRR (0.320 → 0.318)."""

SAME_THING = {"warning": "alert", "warnings": "alerts", "alarm": "alert", "alarms": "alerts"}
"""Words people type for what the graph's texts call otherwise, with the texts' word, counted as
:data:`ABBREVIATIONS` are: "flood early warning" (the example /match gives) meets a "flood alert system"; no text of
the graph writes "warning"."""

WANTING = frozenset(
    [
        "want",
        "wants",
        "would",
        "like",
        "need",
        "needs",
        "wish",
        "hope",
        "hoping",
        "build",
        "install",
        "implement",
        "introduce",
        "launch",
        "create",
        "develop",
        "establish",
    ]
)
"""The words of a plan's sentence that say what its city wants to do, not the work: typed texts do not count them
(:func:`words` with ``added``). "Our city would like to build a smart parking system" ranked Makassar's Smart E-Tax
first on its "building" permits, and its note offered “world” for “would”. Only the verb as typed: "building",
"installation" and "development" count as ever, and the graph's own texts count every word."""

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATE_WORD = re.compile(rf"\b(?:early|mid|late)(?=[\s-]+(?:(?:of|in)\s+)?(?:(?:19|20)\d\d|{_MONTHS}|next year)\b)")
"""The word that says when in a year or month, in a date ("early 2025", "mid-2024", "late in March"): no word of the
work, in a typed plan or in the graph's own texts (:func:`words`). A typed plan's "by early 2025" met the "early" of
"flood early warning" and credited a housing project's "early" phase (71bb7ed); Da Nang's "landslide early warning"
still ranked that project, Thu Kha Taw Win Housing, 4th for its "foundation work in early 2025", until the texts were
read so too (benchmarks/README.md, issue 12's seventeenth pass: no validation or development figure lower)."""

_JOINED = re.compile(r"(?<=[a-z])['’](?=[a-z]{2})(?!(?:ll|re|ve)\b)")
"""An apostrophe inside a name, whose letters make one word ("Darul Ta'zim", "Dottoro'ta"): cut there, "ta" met
the "Ta" of Rayong's "Map Ta Phut", and partners for Rayong were said to "both speak of “ta”". A possessive's lone
"s" ("Da Nang's") is still cut off (and dropped), and so are "'ll", "'re", "'ve" ("we'll" is no "well")."""

_STEMMER = snowballstemmer.stemmer("english")
CONCEPT = "@"
"""The prefix of a thesaurus concept's token (words never start with it)."""


def words(text: str, added: bool = False) -> list[str]:
    """Word tokens without stop words nor the "early" of a date (:data:`_DATE_WORD`), a name's apostrophe joining its
    letters (:data:`_JOINED`; hyphenated words also give their parts; with ``added``, an abbreviation the words it
    stands for, :func:`stands_for`), read from the text as names are compared (:func:`graph.lookup.fold`: accents,
    đ, full-width forms and case folded) before it is cut into words, so a plan typed with accents meets the same
    words typed without, and an accented letter does not cut a word into fragments ("Đà Nẵng" gave "ng").

    >>> words("The bus-priority lane and a BRT line")
    ['bus-priority', 'bus', 'priority', 'lane', 'brt', 'line']
    >>> words("EV charging", added=True)
    ['ev', 'electric', 'vehicle', 'charging']
    >>> words("we would like to build a green building", added=True)
    ['we', 'green', 'building']
    >>> words("early warning sirens by early 2025, meters from mid-2026", added=True)
    ['early', 'warning', 'alert', 'sirens', 'meters']
    >>> words("foundation work in early 2025")
    ['foundation', 'work']
    >>> words("Da Nang's e-payment, U.S. style")
    ['da', 'nang', 'e-payment', 'payment', 'style']
    >>> words("Permodalan Darul Ta'zim, Map Ta Phut; we'll")
    ['permodalan', 'darul', 'tazim', 'map', 'ta', 'phut', 'we', 'll']
    >>> words("Đà Nẵng nước sạch") == words("Da Nang nuoc sach")
    True
    """
    folded = _JOINED.sub("", _DATE_WORD.sub(" ", fold(text)))
    out = []
    for t in _TOKEN.findall(folded):
        if not _kept(t) or (added and t in WANTING):
            continue
        out.append(t)
        if "-" in t:
            out.extend(_parts(t))
        if added:
            out.extend(stands_for(t))
    return out


def _parts(word: str) -> list[str]:
    """The parts a hyphenated word also gives (:func:`words`)."""
    return [p for p in word.split("-") if len(p) > 1 and p not in STOP_WORDS and p != "city"]


READ_AS = ABBREVIATIONS | SAME_THING
"""Each typed word a plan's text is also read as, with what it is read as."""

_MEANING = {
    short: tuple(w for t in _TOKEN.findall(long) for w in (t, *(_parts(t) if "-" in t else ())) if w not in STOP_WORDS)
    for short, long in READ_AS.items()
}


def stands_for(word: str) -> tuple[str, ...]:
    """The words an abbreviation stands for (:data:`ABBREVIATIONS`) or another word for the texts' own
    (:data:`SAME_THING`), as :func:`words` reads them; none for any other word.

    >>> stands_for("nrw"), stands_for("water")
    (('non-revenue', 'non', 'revenue', 'water'), ())
    """
    return _MEANING.get(word, ())


def _kept(token: str) -> bool:
    """Whether :func:`words` keeps a token: no stop word, bare number or lone letter (the "s" of "Da Nang's",
    "U.S.", "e.g.")."""
    return not (token in STOP_WORDS or token.isdigit() or len(token) < 2)


def spans(text: str) -> tuple[str, list[tuple[str, int, int]]]:
    """The text folded as :func:`words` reads it, and each word :func:`words` keeps (a hyphenated one whole) with
    where it stands in the folded text: for a caller that blanks some words out before the text is scored.

    >>> spans("Đà Nẵng's parking")
    ("da nang's parking", [('da', 0, 2), ('nang', 3, 7), ('parking', 10, 17)])
    """
    folded = fold(text)
    return folded, [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded) if _kept(m.group())]


LONGEST_WORD = 40
"""Letters of the longest word whose stem is remembered: longer than any English word or name in the graph. A typed
"word" may be 10,000 letters (a plan's whole length), and the memo holds 200,000."""


def stem(word: str) -> str:
    """A word's Snowball stem, remembered (a vocabulary repeats; stemming each occurrence anew cost seconds) unless
    it is longer than :data:`LONGEST_WORD`."""
    return _remembered_stem(word) if len(word) <= LONGEST_WORD else _STEMMER.stemWord(word)


_remembered_stem = lru_cache(maxsize=200_000)(_STEMMER.stemWord)


def _analyse(text: str, added: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A text's words (with ``added``, an abbreviation's words too: :func:`words`) and their stems."""
    ws = tuple(words(text, added))
    return ws, tuple(stem(w) for w in ws)


_analysed = lru_cache(maxsize=100_000)(_analyse)
""":func:`_analyse`, remembered for the texts indexes are built from (:class:`Corpus`): evaluation rebuilds indexes
over the same texts many times. A text from outside (a plan typed into /match or the API) is analysed anew
(:func:`tokens`): remembered, each plan of 10,000 characters kept 0.2 MB until 100,000 of them were held."""


_UNSHOWN_STEMS = frozenset(stem(w) for w in UNSHOWN)
_NUMBER = re.compile(r"[0-9-]+")


def tokens(text: str, added: bool = False) -> list[str]:
    """Stemmed word tokens of ``text`` (what the index counts), for a text outside the indexes: not remembered. With
    ``added``, as a typed text is counted against an index: an abbreviation's words too (:data:`ABBREVIATIONS`).

    >>> tokens("Flooding and floods"), tokens("NRW", added=True)
    (['flood', 'flood'], ['nrw', 'non-revenu', 'non', 'revenu', 'water'])
    """
    return list(_analyse(text, added)[1])


class Spellings:
    """Words, and the one closest in spelling to a word typed (:func:`difflib.get_close_matches`'s answer), found
    without comparing it with every word: ``get_close_matches`` costs a few microseconds per candidate in Python,
    8.7 ms a plan on the bundled graph and 60 ms an unknown word at 50,000 words. Two bounds it applies word by word
    are applied here to all words at once, and neither can leave out a word it would take: a ratio of at least
    ``cutoff`` needs the two lengths within a factor of (2 - cutoff) / cutoff of each other (the ratio is at most
    2·min/(sum of the lengths)), and letters in common at least ``cutoff`` of the lengths' sum (``quick_ratio``),
    counted for every word at once from a word × letter count matrix. The survivors go to
    :func:`graph.lookup.close_matches` (``get_close_matches``'s answer with fewer ratios computed), whose answer does
    not depend on the order or company of the words it compares, so the answer is the same.

    >>> Spellings(["flood", "floor", "traffic", "lighting", "sensors"]).closest("trafic")
    'traffic'
    >>> Spellings(["flood", "sensors"]).closest("banjir") is None
    True
    """

    def __init__(self, words: Iterable[str]):
        self.words = sorted(set(words), key=lambda w: (len(w), w))
        self._lengths = np.array([len(w) for w in self.words])
        letters = sorted({c for w in self.words for c in w})
        self._column = {c: i for i, c in enumerate(letters)}
        counts = np.zeros((len(self.words), len(letters)), dtype=np.int16)
        for row, w in enumerate(self.words):
            for c, n in Counter(w).items():
                counts[row, self._column[c]] = n
        self._counts = counts

    def closest(self, word: str, cutoff: float = 0.8) -> str | None:
        """The first of the words ``get_close_matches(word, self.words, n=3, cutoff=cutoff)`` answers that a typo
        of ``word`` could give (:func:`graph.lookup.typo_of`: "leaks" is not offered "least"), or None."""
        if not self.words:
            return None
        slack = 1e-9  # a bound met exactly (4 and 6 letters at 0.8) must not be lost to rounding
        lo = np.searchsorted(self._lengths, cutoff / (2 - cutoff) * len(word) - slack, side="left")
        hi = np.searchsorted(self._lengths, (2 - cutoff) / cutoff * len(word) + slack, side="right")
        typed = Counter(c for c in word if c in self._column)
        shared = np.zeros(hi - lo, dtype=np.int64)
        for c, n in typed.items():
            shared += np.minimum(self._counts[lo:hi, self._column[c]], n)
        room = 2.0 * shared >= cutoff * (self._lengths[lo:hi] + len(word)) - slack
        close = close_matches(word, [self.words[lo + i] for i in np.flatnonzero(room)], n=3, cutoff=cutoff)
        return next((c for c in close if typo_of(word, c)), None)


class Thesaurus:
    """Framework concepts by the stems only they use: a text containing such a stem is about the concept."""

    def __init__(self, vocabulary: Mapping[str, Iterable[str]] | None = None):
        stems: dict[str, set[str]] = {
            c: {s for term in terms for s in tokens(term)} for c, terms in (vocabulary or {}).items()
        }
        owners: dict[str, set[str]] = defaultdict(set)
        for concept, own in stems.items():
            for s in own:
                owners[s].add(concept)
        self.concept_of = {s: next(iter(cs)) for s, cs in sorted(owners.items()) if len(cs) == 1}
        alone = Counter(self.concept_of.values())
        self.one_word = frozenset(c for c, n in alone.items() if n == 1)
        """The concepts one stem alone owns: in a text, their token is that word again."""

    def expand(self, stems: Sequence[str], typed: bool = False) -> list[str]:
        """``stems`` plus one concept token per distinct stem that belongs to a concept; ``typed`` (a text a person
        typed: a plan, a topic), none of a concept one stem alone owns (:attr:`one_word`), whose token would count
        the word twice. Partnership and Funding owns "partnership" alone ("funding" is a stop word): Davao's
        "partnership with a company for an e-bus depot" ranked four WiSE water twinnings, which speak of a
        partnership, between the bus projects, "partnership" counting twice and "bus" once (benchmarks/README.md,
        issue 12's seventeenth pass, P5′). The graph's own texts keep the token: dropping it there lowered the
        development partners (P5).

        >>> Thesaurus({"pf": ["Partnership"], "m": ["mobility", "transport"]}).expand(["partnership", "transport"], typed=True)
        ['partnership', 'transport', '@m']
        """
        concepts = (self.concept_of[s] for s in sorted(set(stems)) if s in self.concept_of)
        return [*stems, *(CONCEPT + c for c in concepts if not (typed and c in self.one_word))]


class Corpus:
    """Texts analysed once: each text's stem counts (text × stem), so that every document made of some of them (a
    project's name counted three times and its description, a city's projects, a partner's expertise) is counted by
    a sparse sum instead of being tokenised and stemmed again, index after index.

    A word never spans the space or full stop that joins two texts into a document, so the sum of the parts'
    counts is the joined text's count.

    >>> corpus = Corpus(["Water meters", "Flood sensors", "Water"])
    >>> corpus.stem_counts(corpus.compose([[0, 2], [1]])).toarray().tolist()
    [[2.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]]
    """

    def __init__(self, texts: Sequence[str]):
        analysed = [_analysed(t) for t in texts]
        ids: dict[str, int] = {}
        sizes = [len(ws) for ws, _ in analysed]
        cols = np.fromiter(
            (ids.setdefault(w, len(ids)) for ws, _ in analysed for w in ws), dtype=np.int64, count=sum(sizes)
        )
        rows = np.repeat(np.arange(len(texts)), sizes)
        self.size = len(texts)
        self.words = list(ids)
        self.word_counts = sp.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(texts), len(ids)))
        stem_ids: dict[str, int] = {}
        self.stem_of_word = np.fromiter(
            (stem_ids.setdefault(stem(w), len(stem_ids)) for w in self.words), dtype=np.int64, count=len(ids)
        )
        self.stems = list(stem_ids)
        word_stem = sp.csr_matrix(
            (np.ones(len(ids)), (np.arange(len(ids)), self.stem_of_word)), shape=(len(ids), len(stem_ids))
        )
        self._stem_counts = sp.csr_matrix(self.word_counts @ word_stem)

    def compose(self, documents: Iterable[Iterable[int]]) -> sp.csr_matrix:
        """Documents (each the positions of its texts; a position twice counts that text twice) as a
        document × text matrix of multiplicities."""
        parts = [list(d) for d in documents]
        sizes = [len(d) for d in parts]
        rows = np.repeat(np.arange(len(parts)), sizes)
        cols = np.fromiter(chain.from_iterable(parts), dtype=np.int64, count=sum(sizes))
        return sp.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(parts), self.size))

    def stem_counts(self, composition: sp.spmatrix) -> sp.csr_matrix:
        """Each composed document's stem counts (document × stem, in :attr:`stems` order)."""
        return sp.csr_matrix(composition @ self._stem_counts)

    def term_counts(self, composition: sp.spmatrix, thesaurus: Thesaurus) -> tuple[sp.csr_matrix, list[str]]:
        """Each composed document's term counts (stems, then the thesaurus' concepts) and the terms' names.

        A concept counts once per distinct stem of the document it owns, as :meth:`Thesaurus.expand` adds it.
        """
        stems = self.stem_counts(composition)
        stems.eliminate_zeros()
        concepts = sorted(set(thesaurus.concept_of.values()))
        if not concepts:
            return stems, list(self.stems)
        column = {c: j for j, c in enumerate(concepts)}
        owned = [(i, column[thesaurus.concept_of[s]]) for i, s in enumerate(self.stems) if s in thesaurus.concept_of]
        owner = sp.csr_matrix(
            (np.ones(len(owned)), ([i for i, _ in owned], [j for _, j in owned])),
            shape=(len(self.stems), len(concepts)),
        )
        present = stems.copy()
        present.data[:] = 1.0
        counts = sp.hstack([stems, present @ owner], format="csr")
        counts.eliminate_zeros()
        return counts, [*self.stems, *(CONCEPT + c for c in concepts)]

    def word_uses(self, composition: sp.spmatrix) -> np.ndarray:
        """How often each word (in :attr:`words` order) occurs in all the composed documents together."""
        return np.asarray(composition.sum(axis=0)).ravel() @ self.word_counts

    def each(self) -> sp.csr_matrix:
        """Every text as a document of its own."""
        return sp.identity(self.size, format="csr")


def _indexed(counts: sp.csr_matrix, names: Sequence[str]) -> tuple[sp.csr_matrix, dict[str, int], np.ndarray]:
    """The documents' counts over only the terms they use, in the terms' alphabetical order; that vocabulary; and
    each term's document frequency."""
    used = np.flatnonzero(counts.getnnz(axis=0))
    order = sorted(used.tolist(), key=names.__getitem__)
    matrix = sp.csr_matrix(counts[:, order])
    matrix.sort_indices()
    vocabulary = {names[j]: i for i, j in enumerate(order)}
    return matrix, vocabulary, matrix.getnnz(axis=0).astype(float)


def _entries(m: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A sparse matrix's entries as three arrays, one per (document, term): row, column and value."""
    coo = m.tocoo()
    return coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data


class _Index:
    """An index of a fixed list of documents: given as texts, or composed of a corpus' texts (what the recommender
    does, so its indexes share one analysis of the same names and descriptions)."""

    def __init__(self, documents: Sequence[str], vocabulary: Mapping[str, Iterable[str]] | None = None):
        corpus = Corpus(documents)
        self._build(corpus, corpus.each(), Thesaurus(vocabulary))

    @classmethod
    def of(cls, corpus: Corpus, composition: sp.spmatrix, thesaurus: Thesaurus) -> Self:
        """The index of documents composed of a corpus' texts (:meth:`Corpus.compose`)."""
        index = cls.__new__(cls)
        index._build(corpus, composition, thesaurus)
        return index

    def _build(self, corpus: Corpus, composition: sp.spmatrix, thesaurus: Thesaurus) -> None:
        raise NotImplementedError


class TextIndex(_Index):
    """TF-IDF vectors of a fixed list of documents, to score free text (or one another) against them."""

    def _build(self, corpus: Corpus, composition: sp.spmatrix, thesaurus: Thesaurus) -> None:
        self.thesaurus = thesaurus
        uses = corpus.word_uses(composition)
        best: dict[int, tuple[float, str]] = {}
        for w in np.flatnonzero(uses):
            key, s = (-uses[w], corpus.words[w]), corpus.stem_of_word[w]
            if s not in best or key < best[s]:
                best[s] = key
        self.surface = {corpus.stems[s]: w for s, (_, w) in best.items()}  # each stem as it is most often written
        counts, names = corpus.term_counts(composition, thesaurus)
        counts, self.vocabulary, df = _indexed(counts, names)
        self.idf = np.log((1 + counts.shape[0]) / (1 + df)) + 1
        self.terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        self.matrix = self._vectors(*_entries(counts), counts.shape[0])

    def _vectors(self, rows: np.ndarray, cols: np.ndarray, n: np.ndarray, size: int) -> sp.csr_matrix:
        known = cols >= 0  # words this index lacks are dropped
        rows, cols, n = rows[known], cols[known], n[known]
        m = sp.csr_matrix(((1 + np.log(n)) * self.idf[cols], (rows, cols)), shape=(size, len(self.vocabulary)))
        return normalised(m)

    def vector(self, text: str, typed: bool = False) -> sp.csr_matrix:
        return self.vectors([text], typed)

    def vectors(self, texts: Sequence[str], typed: bool = False) -> sp.csr_matrix:
        """Unit TF-IDF vectors of texts outside the index, in this index's terms (words it lacks are dropped);
        ``typed``: texts a person typed (a plan, a topic), whose abbreviations count as the words they stand for
        (:data:`ABBREVIATIONS`)."""
        counts = [Counter(self.thesaurus.expand(tokens(t, added=typed), typed)) for t in texts]
        return self._vectors(*_cells(counts, self.vocabulary), len(counts))

    def vectors_of(self, corpus: Corpus, composition: sp.spmatrix) -> sp.csr_matrix:
        """:meth:`vectors` of documents composed of a corpus' texts, counted by sparse sums."""
        counts, names = corpus.term_counts(composition, self.thesaurus)
        column = np.array([self.vocabulary.get(t, -1) for t in names], dtype=np.int64)
        rows, cols, n = _entries(counts)
        return self._vectors(rows, column[cols], n, counts.shape[0])

    def scores(self, text: str, typed: bool = False) -> np.ndarray:
        """Cosine similarity of ``text`` (``typed``: as :meth:`vectors`) with every document, in document order."""
        return self.scores_of(self.vector(text, typed))

    def scores_of(self, vector: sp.spmatrix) -> np.ndarray:
        """Cosine similarity of a vector of this index (a row, or a sum of rows normalised) with every document."""
        return dot_rows(self.matrix, vector)

    def row_scores(self, i: int) -> np.ndarray:
        """Cosine similarity of document ``i`` with every document."""
        return self.scores_of(self.matrix[i])

    def shared_terms(self, text: str, i: int, limit: int = 5) -> list[str]:
        """The words ``text`` shares with document ``i``, most telling (highest IDF) first, then a–z."""
        return self.shared(self.vector(text), i, limit)

    def shared(
        self,
        vector: sp.spmatrix,
        i: int,
        limit: int = 5,
        hidden: Container[str] = (),
        forms: tuple[Collection[str], Collection[str]] = ((), ()),
    ) -> list[str]:
        """The words (not concepts) a vector shares with document ``i`` that a reason may name, most telling first,
        as people write them: not a bare number or year ("2022", "2018-2022"), not one of :data:`UNSHOWN` or of the
        ``hidden`` stems (the caller's: the graph's place, partner and programme names), not a part of a shared
        hyphenated word ("real" and "time" beside "real-time"). Each is written as both sides write it, when the
        caller gives their words (``forms``: the document's, the vector's), else as the texts most often do where
        either side writes it so, else as the document does: "speaks of" a word neither side wrote was said of
        Singapore's "Marine Digital Twin" for a plan's "digital twin" (“twinning”, the WiSE water twinnings' word
        of the same stem) and of Mandalay's "traffic lights" for a plan's "lights" (“lighting”).

        >>> TextIndex(["Real-time bus data", "Real-time traffic, 2018-2022"]).shared_terms("real-time 2018-2022", 1)
        ['real-time']
        """
        query = set(vector.indices)
        common = [
            t
            for t in (self.terms[j] for j in self.matrix[i].indices if j in query)
            if not (t.startswith(CONCEPT) or t in hidden or t in _UNSHOWN_STEMS or _NUMBER.fullmatch(t))
        ]
        parts = {stem(p) for t in common if "-" in t for p in self.surface.get(t, t).split("-")}
        ordered = sorted(set(common) - parts, key=lambda t: (-self.idf[self.vocabulary[t]], t))[:limit]
        return [self._written(t, forms) for t in ordered]

    def _written(self, term: str, forms: tuple[Collection[str], Collection[str]]) -> str:
        """A term as both ``forms`` write it, else as the texts most often do if either writes it so, else as the
        first (the document's words) does (:meth:`shared`)."""
        usual = self.surface.get(term, term)
        own, other = forms
        if not own:
            return usual
        mine = sorted(w for w in own if stem(w) == term)
        both = [w for w in mine if w in other]
        if both:
            return usual if usual in both else both[0]
        if usual in own or usual in other or not mine:
            return usual
        return mine[0]

    def shared_concepts(self, vector: sp.spmatrix, i: int) -> list[str]:
        """The thesaurus concepts (IRIs) a vector shares with document ``i``."""
        query = set(vector.indices)
        return sorted(
            self.terms[j][len(CONCEPT) :]
            for j in self.matrix[i].indices
            if j in query and self.terms[j].startswith(CONCEPT)
        )


def _cells(counts: Sequence[Counter], vocabulary: Mapping[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Texts' term counts (a question's own words) as three arrays, one entry per (text, term): the text's
    position, the term's column (-1 for a term outside ``vocabulary``) and its count."""
    sizes = [len(c) for c in counts]
    total = sum(sizes)
    rows = np.repeat(np.arange(len(counts)), sizes)
    cols = np.fromiter((vocabulary.get(t, -1) for c in counts for t in c), dtype=np.int64, count=total)
    n = np.fromiter((f for c in counts for f in c.values()), dtype=float, count=total)
    return rows, cols, n


class BM25Index(_Index):
    """Okapi BM25 of free text against a fixed list of documents, with the same words and thesaurus as
    :class:`TextIndex`.

    Unlike the cosine, BM25 rewards a document for containing more of the query's distinct terms, each counted
    with diminishing returns, and only mildly penalises a long description (``b``): a short plan ("traffic
    signal control") is met best by the project that has all three ideas, not by the shortest one that has
    one of them. ``k1`` and ``b`` were chosen on the validation split of ``ascn evaluate`` (plans).

    >>> index = BM25Index(["Smart water meters", "Bus rapid transit", "Water quality sensors"])
    >>> index.scores("water sensors").round(2).tolist()
    [0.49, 0.0, 1.42]
    """

    K1 = 1.2
    B = 0.3

    def _build(self, corpus: Corpus, composition: sp.spmatrix, thesaurus: Thesaurus) -> None:
        self.thesaurus = thesaurus
        counts, names = corpus.term_counts(composition, thesaurus)
        counts, self.vocabulary, df = _indexed(counts, names)
        n = counts.shape[0]
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        average = lengths.mean() if n and lengths.mean() > 0 else 1.0
        damp = self.K1 * (1 - self.B + self.B * lengths / average)
        rows, cols, f = _entries(counts)
        vals = idf[cols] * f * (self.K1 + 1) / (f + damp[rows])
        self.matrix = sp.csc_matrix((vals, (rows, cols)), shape=(n, len(self.vocabulary)))

    def scores(self, text: str, typed: bool = False) -> np.ndarray:
        """BM25 of ``text`` (each distinct term once; ``typed``: as :meth:`TextIndex.vectors`) against every
        document, in document order."""
        columns = sorted(
            {
                self.vocabulary[t]
                for t in self.thesaurus.expand(tokens(text, added=typed), typed)
                if t in self.vocabulary
            }
        )
        return np.asarray(self.matrix[:, columns].sum(axis=1)).ravel()


def dot_rows(rows: sp.csr_matrix, vector: sp.spmatrix | np.ndarray) -> np.ndarray:
    """The dot product of each row with one vector (a 1 × terms row, or a dense array of terms): with rows and
    vector of unit length, their cosines.

    The vector is made dense first: the sparse × dense product adds the same products in the same order as the
    sparse × sparse one did (the same bits), at a fifth of its cost over 14,000 partners' vectors.

    >>> dot_rows(sp.csr_matrix([[1.0, 2.0], [0.0, 3.0]]), sp.csr_matrix([[0.5, 1.0]])).tolist()
    [2.5, 3.0]
    """
    dense = np.asarray(vector.toarray() if isinstance(vector, sp.spmatrix | sp.sparray) else vector, dtype=float)
    return np.asarray(rows @ dense.ravel()).ravel()


def normalised(m: sp.spmatrix) -> sp.csr_matrix:
    """Rows scaled to unit length (all-zero rows stay zero)."""
    m = sp.csr_matrix(m)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)) @ m)
