"""The signals behind every recommendation: meta-paths, a random walk, and what the texts are about.

The families of signal, each scaled to [0, 1] over the candidates by its maximum:

* **text** — TF-IDF cosine of names and descriptions with the framework's vocabulary as a thesaurus
  (:mod:`graph.similarity.text`): a project's own text, a city's projects' texts taken together, a partner's
  expertise (its description, its programmes and pairings, its projects);
* **graph** — the meta-paths that carry an explanation (PathSim for peers of one type, HeteSim across types,
  :mod:`graph.similarity.metapath`), summed with the a-priori weights :data:`PATH_WEIGHTS`;
* **ppr** — personalised PageRank from the query node (:mod:`graph.similarity.ppr`), and **peers**: what the
  query's most similar cities did (an item-based neighbourhood, ItemKNN, with text likeness between cities);
* **bm25** — Okapi BM25 of a plan's own words against each project's name and description, with the same
  thesaurus (:class:`graph.similarity.text.BM25Index`); **about** — the same between a partner's own name and
  description and a city's projects' texts; **expertise** — the same between a partner's expertise (its own,
  its programmes', pairings' and projects' names and descriptions) and a city's projects' texts; **plain** —
  TF-IDF without the thesaurus (the keyword baseline's view, so a combination can weigh it): a plan's words
  against each project's, a partner's expertise against each city's projects (both ways);
* **activity** — a prior: how many projects and pairings a candidate city or partner has.

How much each family counts in a question is :data:`graph.similarity.questions.WEIGHTS`, chosen with the
validation split of ``ascn evaluate`` (and, for the two tie questions, the development judged questions).
"""

from __future__ import annotations

import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from contextlib import suppress
from functools import cache, cached_property
from itertools import chain
from typing import Generic, TypeVar

import numpy as np
import scipy.sparse as sp

from graph.derived import collection_paused
from graph.lookup import fold
from graph.similarity.metapath import HeteSimPath, PathSimPath, inverse_frequency
from graph.similarity.ppr import PersonalizedPageRank
from graph.similarity.text import (
    RECORD,
    WANTING,
    BM25Index,
    Corpus,
    Spellings,
    TextIndex,
    Thesaurus,
    dot_rows,
    normalised,
    spans,
    stands_for,
    stem,
    words,
)
from graph.similarity.ties import family
from graph.similarity.typed_graph import TypedGraph
from ontology import ONTOLOGY_IRI, module_graph
from ontology.namespace import ASCN, RDFS

PATH_WEIGHTS: Mapping[str, Mapping[str, float]] = {
    "city_city": {"focus_area": 0.4, "partner": 0.3, "programme": 0.2, "practice": 0.1},
    "city_project": {"focus_area": 0.4, "partner": 0.3, "peer_city": 0.2, "practice": 0.1},
    "project_project": {"focus_area": 0.5, "partner": 0.3, "practice": 0.1, "peer_city": 0.1},
    "partner_city": {"focus_area": 0.3, "project": 0.25, "programme": 0.2, "family": 0.1, "paired_peer": 0.15},
    "city_partner": {"focus_area": 0.3, "project": 0.25, "programme": 0.2, "family": 0.1, "paired_peer": 0.15},
    "plan_project": {"focus_area": 1.0},
}
"""Meta-path weights within the graph signal, per question (row kind → candidate kind); each sums to 1. Fixed a
priori by how directly a path speaks to the question (a shared partner or programme is a concrete tie; a shared
focus area is broad and is itself down-weighted by inverse frequency)."""


NAME_WEIGHT = 3
"""How many times a name's words count against its description's: a name says what a project is about in a few
words, a description also says who paid, when and how far it got. Chosen on the validation split of ``ascn
evaluate``, each value with the question weights re-tuned: partner → city MRR 0.251 at 1, 0.254 at 2, 0.264 at 3;
city → partner 0.330, 0.330, 0.329; plans' nDCG@10 0.631, 0.628, 0.631 (it had first been set on the judged
questions, which only measure)."""


@cache
def event_stems() -> frozenset[str]:
    """The stems of the ontology's names for the kinds of event the records speak of (``ascn:Event`` and its
    subclasses: "event", "summit", "meeting", "ASCN annual meeting"). That a partner's record and a city's project
    both mention an annual meeting says they were at the same meeting, not that they do the same work: Norway's
    summary ("Presented smart city proposals at the 2021 ASCN annual meeting") put Banyuwangi second among its cities
    on “annual” and “meeting”, Smart Kampung having been presented at one. So the tie questions' text families
    (:attr:`Scorer.plain_expertise`, :attr:`Scorer.plain_city_vectors`, :attr:`Scorer.city_words`,
    :attr:`Scorer.expertise_words`) and their reasons do not count them; a plan's words and the other families
    read them as written (benchmarks/README.md, issue 12's seventeenth pass, partners: candidate E)."""
    core = module_graph(f"{ONTOLOGY_IRI}/core")
    kinds = core.transitive_subjects(RDFS.subClassOf, ASCN.Event)
    return frozenset(stem(w) for kind in kinds for label in core.objects(kind, RDFS.label) for w in words(str(label)))


def _without_events(m: sp.spmatrix, terms: list[str]) -> sp.csr_matrix:
    """``m`` (rows over ``terms``) with the columns of :func:`event_stems` emptied."""
    events = event_stems()
    return sp.csr_matrix(m @ sp.diags([0.0 if t in events else 1.0 for t in terms]))


def _events_uncounted(index: BM25Index) -> BM25Index:
    """A BM25 index whose :func:`event_stems` score nothing (its documents' lengths still count them)."""
    index.matrix = sp.csc_matrix(
        _without_events(index.matrix, sorted(index.vocabulary, key=index.vocabulary.__getitem__))
    )
    return index


def plain_document(e) -> str:
    """An entity's name and description once each: the keyword baseline's text (no weighting, no thesaurus)."""
    return f"{e.label} {'' if e.named_only else (e.description or '')}"


def scaled(values: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """``values`` at ``candidates`` divided by their maximum there (all zeros stay zeros).

    >>> scaled(np.array([2.0, 4.0, 1.0]), np.array([0, 2])).tolist()
    [1.0, 0.5]
    """
    v = np.asarray(values, dtype=float)[candidates]
    top = v.max() if v.size else 0.0
    return v / top if top > 0 else np.zeros_like(v)


def _t(m: sp.spmatrix) -> sp.csr_matrix:
    return sp.csr_matrix(m.T)


def _reverse(chain: list[sp.spmatrix]) -> list[sp.csr_matrix]:
    return [_t(m) for m in reversed(chain)]


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


_MISSING = object()


class Recent(Generic[K, V]):
    """The answers for the last ``size`` keys asked (a list's reasons ask about the same few again and again).

    >>> recent = Recent[int, str](2)
    >>> [recent.get(k, str) for k in (1, 2, 1, 3)], sorted(recent.keys())
    (['1', '2', '1', '3'], [1, 3])
    """

    def __init__(self, size: int):
        self.size = size
        self._answers: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, make: Callable[[K], V]) -> V:
        """The answer for ``key``, made by ``make`` unless it is among the last ones asked.

        The web app's request threads share one instance and take no lock: each step is one call on the
        dictionary, and another thread's eviction between two of them only makes an answer again (or evicts one
        more), never raises."""
        value = self._answers.get(key, _MISSING)
        if value is not _MISSING:
            with suppress(KeyError):  # evicted meanwhile by another thread
                self._answers.move_to_end(key)
            return value  # type: ignore[return-value]
        value = self._answers[key] = make(key)
        while len(self._answers) > self.size:
            try:
                self._answers.popitem(last=False)
            except KeyError:  # emptied meanwhile by another thread's evictions
                break
        return value

    def keys(self) -> list[K]:
        return list(self._answers)


_ANSWERS = ("_groups", "_rows", "_likeness", "_tied", "_walks")
"""The :class:`Scorer` attributes made by :meth:`Scorer._answers`: what the last questions asked."""


NAMED_AFTER_ENDINGS = ("", "n", "an", "ian", "ese", "er", "i", "ish", "egian")
"""How English names a people or a language after a country or region: a name, less at most two letters (and
keeping four), with one of these endings: Japan-ese, Korea-n, Australia-n, Chin(a)-ese, German(y), Norw(ay)-egian,
Zealand-er, Philippine(s), Swed(en)-ish, Israel-i. :meth:`Scorer._partner_names` hides such words of partners',
programmes' and member states' names; :data:`PEOPLE_OF` gives those no ending makes."""

PEOPLE_OF = {
    "united states": "american",
    "france": "french",
    "thailand": "thai",
    "philippines": "filipino",
    "viet nam": "vietnamese",
    "myanmar": "burmese",
    "netherlands": "dutch",
    "united kingdom": "british",
    "switzerland": "swiss",
    "spain": "spanish",
    "portugal": "portuguese",
    "greece": "greek",
    "denmark": "danish",
    "finland": "finnish",
    "ireland": "irish",
}
"""The word for a country's people that no ending of :data:`NAMED_AFTER_ENDINGS` makes from its name, keyed by
the name's words: "American" says "the United States" as plainly as "Japanese" says Japan. Read only for the
names the graph gives a partner, a programme or a member state (:meth:`Scorer._partner_names`)."""

SHORT_WORD = 3
"""Words of this many letters or fewer are too short to guess a misspelling from ("lu" is near "lui", "our" near
"out"): :meth:`Scorer.unknown_words` suggests no spelling for them, and a note names them only with one."""


_MONTH = "january|february|march|april|may(?= [0-9])|june|july|august|september|october|november|december"
_DATE = re.compile(rf"{_MONTH}|(?:19|20)[0-9][0-9]")
"""A month's name (in English, as the texts are written, whatever the machine's locale) or a year: what dates a
text's words (:attr:`Scorer._dating`). "may" is a month only before a day or a year ("May 2023", "May 15"): "which
may be extended" dates nothing, and read as a month it took the word before it ("residents may") for a date's."""
_IN_A_DATE = re.compile(
    rf"\b([a-z][a-z0-9]*)(?:-(?:{_DATE.pattern})\b| (?:of )?(?:{_MONTH})\b)|\b(?:{_DATE.pattern})-([a-z][a-z0-9]*)\b"
)
"""A word used in a date, as a folded text writes it: joined to a month or a year ("end-March", "end-2023", "2024-mid
2025") or just before a month's name ("end of March", "early June")."""


def _forms(written: Collection[str], s: str) -> set[str]:
    """The words of ``written`` whose stem is ``s``."""
    return {w for w in written if stem(w) == s}


class Scorer:
    """Meta-path structures of one typed graph, built on first use and then shared by every question.

    Its caches are its own attributes, so they live as long as the typed graph they are made of (see
    :func:`scorer`), and are kept with it (:meth:`TypedGraph.keep`) once :meth:`warm` has built them all.
    """

    def __init__(self, tg: TypedGraph):
        self.tg = tg
        self._positions: dict[str, np.ndarray] = {}
        self._paths: dict[str, PathSimPath | HeteSimPath] = {}
        self._activity: dict[str, np.ndarray] = {}
        self._warm = False
        self._answers()

    def _answers(self) -> None:
        """What questions remember of the last ones asked (not kept with the typed graph: see
        :meth:`__getstate__`)."""
        self._groups: dict[int, frozenset[str]] = {}
        self._rows: Recent[tuple[str, ...], sp.csr_matrix] = Recent(64)
        self._likeness: Recent[int, np.ndarray] = Recent(64)
        self._tied: Recent[str, tuple[set[str], np.ndarray]] = Recent(256)
        self._walks: Recent[str, np.ndarray] = Recent(8)

    def __getstate__(self) -> dict[str, object]:
        """Every structure, not what the last questions asked: those differ from process to process, and questions
        asked while the typed graph is kept change them."""
        return {k: v for k, v in self.__dict__.items() if k not in _ANSWERS}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._answers()

    # -- shared pieces ---------------------------------------------------------------------------
    @cached_property
    def focus_weights(self) -> np.ndarray:
        """Inverse frequency of each focus area over the projects (common areas count less)."""
        return inverse_frequency(self.tg.matrix("project_focus_area"))

    @cached_property
    def ppr(self) -> PersonalizedPageRank:
        return PersonalizedPageRank.from_adjacency(*self.tg.adjacency)

    def _ppr_positions(self, kind: str) -> np.ndarray:
        """Where each entity of ``kind`` sits in the PPR vector (-1: not in the structure graph)."""
        if kind not in self._positions:
            position = self.ppr.position
            self._positions[kind] = np.array([position.get(i, -1) for i in self.tg.ids(kind)], dtype=int)
        return self._positions[kind]

    def ppr_scores(self, node: str, kind: str) -> np.ndarray:
        """Personalised PageRank from ``node``, read off for every entity of ``kind`` (in IRI order).

        The walks from the last few nodes are remembered: a city's page asks three questions of the same city
        (its projects to learn from, its partners, cities like it), and each walk is a question's largest cost."""
        walk = self._walks.get(node, lambda start: self.ppr.scores({start: 1.0}))
        return np.append(walk, 0.0)[self._ppr_positions(kind)]  # index -1 reads the appended 0

    def warm(self) -> Scorer:
        """Build every structure now (the one-off cost), instead of on each question's first use, and keep them
        with the typed graph (:meth:`TypedGraph.keep`): a restart on the same content reads them back.

        Nothing is built or written again when they are (when the typed graph was read back with them)."""
        if self._warm:
            return self
        with collection_paused():
            self._build_all()
        self._warm = True
        self.tg.keep()
        return self

    def _build_all(self) -> None:
        for name in _PATHS:
            self.path(name)
        for kind in ("city", "project", "partner", "focus_area"):
            self._ppr_positions(kind)
        self.tg.link_index, self.tg.paths  # noqa: B018  (the reasons' look-ups, built now, not by the first question)
        for name in (
            "text",
            "words",
            "plain",
            "plain_city_vectors",
            "plain_expertise",
            "expertise_words",
            "city_words",
            "partner_words",
            "city_vectors",
            "partner_vectors",
            "partner_cities",
            "_programme_names",
            "_plan_attributes",
            "documented",
            "partnered",
        ):
            getattr(self, name)  # building them is the point
        for kind in ("city", "partner"):
            self.activity(kind)

    @cached_property
    def _corpus(self) -> tuple[Corpus, dict[str, int]]:
        """Every name and description the text indexes are made of, analysed once, and where each entity's name
        sits in it (its description follows): every index is then summed from these parts
        (:meth:`_document_parts`, :meth:`_plain_parts`) instead of tokenising its own copy of the same words."""
        texts: list[str] = []
        at: dict[str, int] = {}
        for iri, name, description in self._texts():
            at[iri] = len(texts)
            texts += [name, description]
        return Corpus(texts), at

    def _texts(self) -> Iterator[tuple[str, str, str]]:
        """Each entity the text indexes read, its name and its description (empty when the sources only name it)."""
        for kind in ("project", "partner", "programme", "pairing"):
            for iri in self.tg.ids(kind):
                e = self.tg.entities[iri]
                yield iri, e.label, "" if e.named_only else (e.description or "")

    def _plain_parts(self, iri: str) -> list[int]:
        """:func:`plain_document` of an entity as positions in :attr:`_corpus`."""
        name = self._corpus[1][iri]
        return [name, name + 1]

    def _document_parts(self, iri: str) -> list[int]:
        """What an entity's text says, as positions in :attr:`_corpus`: its name (counted :data:`NAME_WEIGHT` times)
        and, unless the sources only name it, its description."""
        name = self._corpus[1][iri]
        return [name] * NAME_WEIGHT + [name + 1]

    @cached_property
    def documented(self) -> np.ndarray:
        """How many words each project's description has (none when the sources only name it): what orders a
        plan's answers of equal score. Many projects share a plan's borrowed focus area and none of its words (43
        have Civic and Social alone), and of those the one whose description says what it did and how is the
        better lead for an officer than the next IRI (chosen on validation and the development plans: benchmarks/
        README.md, fifth pass)."""
        corpus, at = self._corpus
        words = np.asarray(corpus.word_counts.sum(axis=1)).ravel()
        return words[[at[p] + 1 for p in self.tg.ids("project")]]  # each entity's name, then its description

    @cached_property
    def partnered(self) -> np.ndarray:
        """How many pairings each city has (in IRI order): what orders a partner profile's cities of equal score.
        A profile of one programme gives its member cities the same score, and of those the one that already works
        with more external partners has shown it takes partnerships on, and has the record a partner reads first
        (chosen on validation over the cities' projects, documented projects and activity: benchmarks/README.md,
        issue 12's seventh pass)."""
        return np.asarray(self.tg.relation("paired_city").sum(axis=0), dtype=float).ravel()

    def _composed(self, documents: Iterable[Iterable[int]]) -> sp.csr_matrix:
        return self._corpus[0].compose(documents)

    @cached_property
    def _places(self) -> frozenset[str]:
        """The stems of the graph's place names: each member city's and member state's name and the other
        spellings the sources give (Hanoi, Naypyidaw, Chon Buri). An other name that only adds to the name ("Phnom
        Penh Capital City", "Banyuwangi Regency") adds what kind of place it is, in words with other uses ("access
        to capital"), so it gives none."""
        out: set[str] = set()
        for iri in chain(self.tg.ids("city"), self.tg.ids("country")):
            e = self.tg.entities[iri]
            name = set(words(e.label))
            out |= name
            out.update(*(ws for ws in map(set, map(words, e.alt_labels)) if not name <= ws))
        return frozenset(map(stem, out))

    @cached_property
    def _partner_names(self) -> frozenset[str]:
        """The stems of the graph's partner and programme names that are names only: a stem every word of which,
        as the texts the indexes read write it, is a word of a partner's or programme's label or other name
        (acronyms among them) that those texts never write in lower case: MLIT, WiSE, JAMP, JICA, Nippon Koei,
        Japan. A name's other words are words of the work it names ("water" of the Water Smart Engagements,
        "plan", "transport", "development"), written in lower case somewhere, and stay quotable, as do words that
        only share a name's stem ("management" and "Road Manager", "Transit Oriented" and "Oriental"). A word
        named after such a name or a member state's (:data:`NAMED_AFTER_ENDINGS`: "Japanese", "Korean",
        "Australian", "Norwegian", "Cambodian"; :data:`PEOPLE_OF`: "American", "Thai"), also never in lower case,
        says the partner or the place as plainly and is a name only too: "both speak of “thai”" is no reason.

        Only the texts holding a name's word are read again, each once, and each word's only until one writes it
        in lower case: the first reason pays this, and reading every text again would cost what analysing them did."""
        corpus = self._corpus[0]
        column = {w: j for j, w in enumerate(corpus.words)}
        names = [
            " ".join(words(name))
            for iri in chain(self.tg.ids("partner"), self.tg.ids("programme"))
            for name in (self.tg.entities[iri].label, *self.tg.entities[iri].alt_labels)
        ]
        every = {w for name in names for w in name.split()}
        named = {w for w in every if w in column}
        states = [
            " ".join(words(name))
            for k in self.tg.ids("country")
            for name in (self.tg.entities[k].label, *self.tg.entities[k].alt_labels)
        ]
        texts = [text for _, name, description in self._texts() for text in (name, description)]  # corpus order
        holding = corpus.word_counts.tocsc()

        @cache
        def lower_case_words(i: int) -> frozenset[str]:
            return frozenset(words(" ".join(t for t in texts[i].split() if t.islower())))

        def in_lower_case(w: str) -> bool:
            j = column[w]
            return any(w in lower_case_words(i) for i in holding.indices[holding.indptr[j] : holding.indptr[j + 1]])

        names_only = {w for w in named if not in_lower_case(w)}
        # the words named after a name (the texts may write "Korean" and never "Korea"), among those never in lower case
        after = {
            root[: len(root) - cut] + ending
            for root in names_only | (every - named) | {w for name in states for w in name.split()}
            for cut in range(3)
            if len(root) - cut >= 4
            for ending in NAMED_AFTER_ENDINGS
        } | {
            people for name in names + states for country, people in PEOPLE_OF.items() if f" {country} " in f" {name} "
        }
        names_only |= {w for w in column if w in after and w not in names_only and not in_lower_case(w)}
        stems = {stem(w) for w in names_only}
        other = (corpus.stems[s] for w, s in zip(corpus.words, corpus.stem_of_word, strict=True) if w not in names_only)
        return frozenset(stems.difference(other))

    @cached_property
    def _dating(self) -> frozenset[str]:
        """The stems of the words the indexed texts use only to date the work: a word joined to a month or a year
        ("end-march", "end-2023", "2024-mid"), and a word every use of which is in a date (:data:`_IN_A_DATE`: "end"
        of "until end-March", "by end of March", "by end-2023"). Read from the texts, not listed: "end" dates the
        work in these texts, and in others ("end users") would say what it is. Months and bare years are stop words
        and numbers already; "both speak of “end-march”" or "“end”" says only that both texts give a date. The
        indexes still count these words. Built on the first reason, with one more pass over the texts (3.7 ms on the
        bundled graph)."""
        corpus = self._corpus[0]
        uses = np.asarray(corpus.word_counts.sum(axis=0)).ravel()
        column = {w: j for j, w in enumerate(corpus.words)}
        in_dates = Counter(
            w
            for _, name, description in self._texts()
            for text in (name, description)
            for found in _IN_A_DATE.findall(fold(text))
            for w in found
            if w in column
        )
        dating = {w for w in corpus.words if "-" in w and any(_DATE.fullmatch(p) for p in w.split("-"))}
        dating |= {w for w, n in in_dates.items() if n >= uses[column[w]]}
        other = (corpus.stems[s] for w, s in zip(corpus.words, corpus.stem_of_word, strict=True) if w not in dating)
        return frozenset({stem(w) for w in dating}.difference(other))

    @cached_property
    def _unquoted(self) -> frozenset[str]:
        """The stems :meth:`shared` never names, united once rather than on each reason."""
        return self._places | self._partner_names | self._dating

    def shared(
        self,
        vector: sp.spmatrix,
        project: int,
        written: Collection[str],
        limit: int = 5,
        hidden: AbstractSet[str] = frozenset(),
    ) -> list[str]:
        """The words a vector shares with a project's text that a reason may name (:meth:`TextIndex.shared`), and
        never a place name nor a partner's or programme's name: two projects in Siem Reap share "siem" and "reap"
        whatever they do, two Smart JAMP projects "mlit" and "jamp", and "both speak of reap, siem" is no reason an
        officer would accept (that both involve MLIT, a tie reason says, with its sources). The indexes still count
        these names (and numbers): taking place names out lowered validation (benchmarks/README.md, issue 12's
        seventh pass).

        Nor a word of the record (:data:`~graph.similarity.text.RECORD`): a stem of one is named only where both
        sides write it as another word, the project in its name or description and the vector's side in
        ``written`` (the words of the texts it was made of, :meth:`written`): "announcements" in both is a reason,
        "announced" on either side is not. Nor the caller's ``hidden`` stems (a partner's reasons:
        :func:`event_stems`)."""
        hidden = self._unquoted | hidden
        terms = self.text.terms
        record = {terms[j] for j in vector.indices} & {terms[j] for j in self.text.matrix[project].indices}
        record &= self._record_stems
        own = self.written([self.tg.ids("project")[project]])
        if record:
            hidden = hidden | {s for s in record if not (_forms(own, s) - RECORD and _forms(written, s) - RECORD)}
        return self.text.shared(vector, project, limit, hidden=hidden, forms=(own, written))

    @cached_property
    def _record_stems(self) -> frozenset[str]:
        return frozenset(map(stem, RECORD))

    def written(self, entities: Iterable[str]) -> frozenset[str]:
        """The words the names and descriptions of ``entities`` write (as :func:`words` reads them)."""
        corpus, at = self._corpus
        rows = [i for e in entities if e in at for i in (at[e], at[e] + 1)]
        return frozenset(corpus.words[j] for j in corpus.word_counts[rows].indices)

    def in_others_names(self, a: str) -> frozenset[str]:
        """The stems a partner's expertise texts (:meth:`expertise_sources`) write only inside another partner's
        name: USWP's summary names "Global Ties U.S.", and partners for Chonburi had USWP and Chonburi's
        waste-to-energy plant "tied to renewable micro-grids" both "speak of “tied”". A partner's text reason does
        not name them; its own names are words of what it is ("Japan Bank for International Cooperation": a bank)."""
        sources = self.expertise_sources(a)
        outside: set[str] = set()
        for iri in sources:
            e = self.tg.entities[iri]
            for text in (e.label, "" if e.named_only else (e.description or "")):
                outside.update(words(self._other_names(a).sub(" ", text)))
        return frozenset({stem(w) for w in self.written(sources)} - {stem(w) for w in outside})

    def _other_names(self, a: str) -> re.Pattern[str]:
        """Any partner's name or other name but ``a``'s, as texts write it (the longest first)."""
        names = {
            n for b in self.tg.ids("partner") if b != a for n in (self.tg.label(b), *self.tg.entities[b].alt_labels)
        }
        names -= {self.tg.label(a), *self.tg.entities[a].alt_labels}
        spelled = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True) if len(n) > 2)
        return re.compile(rf"(?<!\w)(?:{spelled})(?!\w)")

    @cached_property
    def thesaurus(self) -> Thesaurus:
        """The framework's vocabulary as the text indexes' thesaurus."""
        return Thesaurus(self.tg.vocabulary)

    @cached_property
    def text(self) -> TextIndex:
        """TF-IDF over project names and descriptions (the names alone for projects the sources only name), with
        the framework's vocabulary as thesaurus."""
        documents = self._composed(self._document_parts(p) for p in self.tg.ids("project"))
        return TextIndex.of(self._corpus[0], documents, self.thesaurus)

    @cached_property
    def words(self) -> BM25Index:
        """BM25 over project names and descriptions, each once (the name alone for projects the sources only
        name), with the framework's vocabulary as thesaurus: what a plan's few words are matched by."""
        documents = self._composed(self._plain_parts(p) for p in self.tg.ids("project"))
        return BM25Index.of(self._corpus[0], documents, self.thesaurus)

    def unknown_words(self, text: str) -> list[tuple[str, str | None]]:
        """The words of ``text`` that no project's name or description uses, nor stands for through a framework
        concept, each with the project word closest to it in spelling (None when none is close): such words
        change no ranking, and a person who typed them (a typo, another language) should be told, not left with
        answers that seem to ignore them. A hyphenated word is judged by its parts, which :func:`words` gives too.
        """
        known = self.words.vocabulary
        out = []
        for w in self.plan_words(text):
            if any(t in known for t in self.thesaurus.expand([stem(x) for x in (w, *stands_for(w))])):
                continue
            out.append((w, self._project_words.closest(w) if len(w) > SHORT_WORD else None))
        return out

    def only_in(self, text: str, own: AbstractSet[str]) -> list[str]:
        """The words of ``text`` that some project's name or description uses (or stands for through a framework
        concept), and only projects in ``own`` (the planning city's, which never come back): such words change no
        ranking either, and "haze" or "wildfire" for Chiang Mai, written only by its own command centre, gave an
        empty list with no word of why."""
        vocabulary, ids, matrix = self.words.vocabulary, self.tg.ids("project"), self.words.matrix
        out = []
        for w in self.plan_words(text):
            expanded = self.thesaurus.expand([stem(x) for x in (w, *stands_for(w))])
            columns = [vocabulary[t] for t in expanded if t in vocabulary]
            users = {ids[i] for i in matrix[:, columns].nonzero()[0]} if columns else set()
            if users and users <= own:
                out.append(w)
        return out

    @cached_property
    def _city_names(self) -> tuple[frozenset[tuple[str, ...]], frozenset[str]]:
        """The member cities' names of two words or more as :func:`words` reads them ("City" is no word: Ho Chi Minh
        City is "ho chi minh"), and the words they are made of. An other name that only adds to the name ("Thành
        phố Hồ Chí Minh", "Phnom Penh Capital City") is left out, as :attr:`_places` leaves it: its added words
        ("capital") have other uses. A word that is a whole name alone ("Jakarta" of DKI Jakarta) is no piece."""
        names: set[tuple[str, ...]] = set()
        for iri in self.tg.ids("city"):
            e = self.tg.entities[iri]
            label = tuple(words(e.label))
            names.add(label)
            names.update(name for name in map(tuple, map(words, e.alt_labels)) if not set(label) <= set(name))
        several = frozenset(name for name in names if len(name) > 1)
        whole = {name[0] for name in names if len(name) == 1}  # "Jakarta" names DKI Jakarta alone
        return several, frozenset(w for name in several for w in name if w not in whole)

    def unplaced(self, text: str) -> str:
        """A plan's text without the lone pieces of a member city's name of several words: a word of such a name
        counts only where the whole name stands ("Ho Chi Minh", "Kota Kinabalu"), or the text is given back as it
        is. "thông minh" ("smart") folds to "thong minh", and "minh" alone ranked Ho Chi Minh City's projects for a
        Vietnamese plan about parking; "kota" ("city" in Malay and Indonesian) ranked Kota Kinabalu's for "kota
        pintar pengelolaan sampah". The indexes still count place names in the texts they hold (taking them out
        lowered validation: benchmarks/README.md, issue 12's seventh pass); this reads only what a person typed.

        The words left out are blanked in the folded text, which :func:`words` reads as it reads any text."""
        names, pieces = self._city_names
        folded, found = spans(text)
        typed = [w for w, _, _ in found]
        kept = [w not in pieces for w in typed]
        if all(kept):
            return text
        for name in names:
            for i in range(len(typed) - len(name) + 1):
                if tuple(typed[i : i + len(name)]) == name:
                    kept[i : i + len(name)] = [True] * len(name)
        if all(kept):
            return text
        out = list(folded)
        for (_, start, end), keep in zip(found, kept, strict=True):
            if not keep:
                out[start:end] = " " * (end - start)
        return "".join(out)

    @staticmethod
    def plan_words(text: str) -> list[str]:
        """The distinct words of a plan a person typed, hyphenated ones by their parts (:func:`words` gives both),
        without the words of what its city wants to do (:data:`WANTING`), which a typed text does not count."""
        return [w for w in dict.fromkeys(words(text)) if "-" not in w and w not in WANTING]

    @cached_property
    def _project_words(self) -> Spellings:
        """The words project names and descriptions use (folded, as :func:`words` gives them): the spellings
        :meth:`unknown_words` may suggest."""
        corpus, known = self._corpus[0], self.words.vocabulary
        return Spellings(w for w, s in zip(corpus.words, corpus.stem_of_word, strict=True) if corpus.stems[s] in known)

    @cached_property
    def plain(self) -> TextIndex:
        """TF-IDF over project names and descriptions, each once, without the thesaurus: the keyword baseline's own
        view, so a combination can weigh it instead of losing to it."""
        documents = self._composed(self._plain_parts(p) for p in self.tg.ids("project"))
        return TextIndex.of(self._corpus[0], documents, Thesaurus())

    @cached_property
    def plain_city_vectors(self) -> sp.csr_matrix:
        """Each city's projects' texts taken together in the plain view (:attr:`plain`; city × term, rows of unit
        length): what a partner's expertise meets word for word."""
        return normalised(_without_events(self.tg.matrix("city_project") @ self.plain.matrix, self.plain.terms))

    @cached_property
    def plain_expertise(self) -> sp.csr_matrix:
        """Each partner's expertise (:meth:`expertise`) in the plain view (:attr:`plain`; partner × term, rows of
        unit length): the specific words of its line of work ("street lighting", "traffic control"), without the
        framework's broad concepts that most cities' texts share."""
        return normalised(
            _without_events(self.plain.vectors_of(self._corpus[0], self._expertise_documents), self.plain.terms)
        )

    @cached_property
    def expertise_words(self) -> BM25Index:
        """BM25 over each partner's expertise (:meth:`expertise`): what a city's projects' words meet."""
        return _events_uncounted(BM25Index.of(self._corpus[0], self._expertise_documents, self.thesaurus))

    @cached_property
    def _expertise_documents(self) -> sp.csr_matrix:
        return self._composed(
            chain.from_iterable(map(self._plain_parts, self.expertise_sources(a))) for a in self.tg.ids("partner")
        )

    def expertise_sources(self, a: str) -> list[str]:
        """The entities whose names and descriptions make a partner's expertise (:meth:`expertise`)."""
        tg = self.tg
        return [
            a,
            *tg.targets("runs_programme", a),
            *tg.sources_of("paired_partner", a),
            *tg.sources_of("involves_partner", a),
        ]

    def expertise(self, a: str) -> str:
        """A partner's expertise as one text: its own name and description, its programmes' and pairings' names
        and summaries, and its projects' names and descriptions."""
        return " ".join(plain_document(self.tg.entities[x]) for x in self.expertise_sources(a))

    @cached_property
    def city_words(self) -> BM25Index:
        """BM25 over each city's projects' names and descriptions taken together: what a partner's own words
        meet."""
        documents = self._composed(
            chain.from_iterable(map(self._plain_parts, self.tg.sources_of("in_city", c))) for c in self.tg.ids("city")
        )
        return _events_uncounted(BM25Index.of(self._corpus[0], documents, self.thesaurus))

    @cached_property
    def partner_words(self) -> BM25Index:
        """BM25 over each partner's own name and description: what a city's projects' words meet."""
        documents = self._composed(self._plain_parts(a) for a in self.tg.ids("partner"))
        return BM25Index.of(self._corpus[0], documents, self.thesaurus)

    def city_text(self, c: str) -> str:
        """A city's projects' names and descriptions, one text."""
        return " ".join(plain_document(self.tg.entities[p]) for p in self.tg.sources_of("in_city", c))

    def activity(self, kind: str) -> np.ndarray:
        """How much each city or partner has done that the sources report: its projects and pairings (in IRI
        order). A prior: the cities and partners that are active now are the ones that take on new ties."""
        if kind not in self._activity:
            relations = {"city": ("in_city", "paired_city"), "partner": ("involves_partner", "paired_partner")}[kind]
            self._activity[kind] = np.array(
                [sum(len(self.tg.sources_of(r, x)) for r in relations) for x in self.tg.ids(kind)], dtype=float
            )
        return self._activity[kind]

    @cached_property
    def city_vectors(self) -> sp.csr_matrix:
        """Each city's projects' texts taken together (city × term, rows of unit length)."""
        return normalised(self.tg.matrix("city_project") @ self.text.matrix)

    @cached_property
    def partner_vectors(self) -> sp.csr_matrix:
        """Each partner's expertise: its own description, its programmes' and pairings' names and summaries, and
        its projects' texts (partner × term, rows of unit length)."""
        tg = self.tg
        documents = self._composed(
            chain.from_iterable(
                map(self._document_parts, [a, *tg.targets("runs_programme", a), *tg.sources_of("paired_partner", a)])
            )
            for a in tg.ids("partner")
        )
        own = normalised(self.text.vectors_of(self._corpus[0], documents))
        projects = normalised(tg.matrix("partner_project") @ self.text.matrix)
        return normalised(own + projects)

    def city_likeness(self, vector: sp.spmatrix) -> np.ndarray:
        """Text likeness of every city to a vector of the text index."""
        return self.text_scores(self.city_vectors, vector)

    text_scores = staticmethod(dot_rows)

    def path(self, name: str) -> PathSimPath | HeteSimPath:
        """A named meta-path structure, built once per typed graph."""
        if name not in self._paths:
            self._paths[name] = _PATHS[name](self)
        return self._paths[name]

    @cached_property
    def _programme_names(self) -> tuple[dict[tuple[str, ...], set[str]], tuple[int, ...]]:
        """Programme short names as word tuples ("smart jamp", "wise") → programmes, and the tuples' lengths."""
        out: dict[tuple[str, ...], set[str]] = {}
        for g in self.tg.ids("programme"):
            label = self.tg.label(g)
            short = {label.split(" (")[0].strip()} | set(re.findall(r"\(([A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*)\)", label))
            for name in short:
                words = tuple(re.findall(r"[a-z0-9]+", name.casefold()))
                if words and len(" ".join(words)) >= 3:
                    out.setdefault(words, set()).add(g)
        return out, tuple(sorted({len(w) for w in out}))

    def groups(self, p: int) -> frozenset[str]:
        """The programmes project ``p``'s name says it belongs to ("WiSE water twinning: ...", "Smart JAMP
        survey: ..."): a top five shows at most two of one programme unless asked otherwise."""
        if p not in self._groups:
            names, lengths = self._programme_names
            words = re.findall(r"[a-z0-9]+", self.tg.label(self.tg.ids("project")[p]).casefold())
            self._groups[p] = frozenset(
                g for i in range(len(words)) for n in lengths for g in names.get(tuple(words[i : i + n]), ())
            )
        return self._groups[p]

    def project_rows(self, projects: tuple[str, ...]) -> sp.csr_matrix:
        """The text rows of a few projects (a city's own), remembered for the last sets asked."""
        index = self.tg.index("project")
        return self._rows.get(projects, lambda ps: self.text.matrix[[index[p] for p in ps]])

    @cached_property
    def partner_city_chains(self) -> dict[str, list[sp.spmatrix]]:
        """The partner → city meta-paths as relation chains (the paths both ways are built from them)."""
        return _partner_city_chains(self)

    @cached_property
    def partner_cities(self) -> sp.csr_matrix:
        """Partner × city, 1 where the partner has a pairing or a project in the city."""
        m = sp.csr_matrix(self.tg.matrix("city_partner").T, dtype=float)
        m.data[:] = 1.0
        return m

    def city_likeness_of(self, c: int) -> np.ndarray:
        """Text likeness of every city to city ``c`` (remembered for the last cities asked: reasons reuse it)."""
        return self._likeness.get(c, lambda city: self.city_likeness(self.city_vectors[city]))

    def tied_to(self, partner: str) -> tuple[set[str], np.ndarray]:
        """The partner's :func:`~graph.similarity.ties.family` and the positions of the cities it is tied to (those
        :func:`~graph.similarity.ties.tied_cities` names), ascending as their IRIs are, remembered for the last
        partners asked (a list's reasons ask about the same few again and again). Read off
        :attr:`partner_cities`' rows, not link by link: a partner can work in thousands of cities."""

        def make(a: str) -> tuple[set[str], np.ndarray]:
            members = family(self.tg, a)
            index = self.tg.index("partner")
            rows = self.partner_cities[sorted(index[m] for m in members if m in index)]
            return members, np.unique(rows.indices)

        return self._tied.get(partner, make)

    # -- questions -------------------------------------------------------------------------------
    def city_city(self, c: int) -> dict[str, np.ndarray]:
        """PathSim of city ``c`` with every city along each city–x–city meta-path."""
        return {name: self.path(f"city_city.{name}").scores(c) for name in PATH_WEIGHTS["city_city"]}

    def city_project(self, c: int) -> dict[str, np.ndarray]:
        """HeteSim of city ``c`` with every project, plus the PathSim of its peer cities' projects."""
        out = {name: self.path(f"city_project.{name}").scores(c) for name in ("focus_area", "partner", "practice")}
        peers = self.path("city_city.focus_area").scores(c).copy()
        peers[c] = 0.0
        out["peer_city"] = np.asarray(self.tg.matrix("city_project").T @ peers).ravel()
        return out

    def project_project(self, p: int) -> dict[str, np.ndarray]:
        """PathSim of project ``p`` with every project; ``peer_city`` is its city's likeness to theirs."""
        out = {name: self.path(f"project_project.{name}").scores(p) for name in ("focus_area", "partner", "practice")}
        project_city = self.tg.matrix("project_city")
        cities = project_city[p].indices
        peers = np.zeros(len(self.tg.ids("city")))
        for c in cities:
            peers = np.maximum(peers, self.path("city_city.focus_area").scores(c))
        peers[cities] = 0.0
        out["peer_city"] = np.asarray(project_city @ peers).ravel()
        return out

    def partner_city(self, a: int) -> dict[str, np.ndarray]:
        """HeteSim of partner ``a`` with every city along each partner→city meta-path."""
        return {name: self.path(f"partner_city.{name}").scores(a) for name in PATH_WEIGHTS["partner_city"]}

    def city_partner(self, c: int) -> dict[str, np.ndarray]:
        """HeteSim of city ``c`` with every partner: the partner→city paths walked backwards."""
        return {name: self.path(f"city_partner.{name}").scores(c) for name in PATH_WEIGHTS["city_partner"]}

    def plan_project(self, focus_areas: Mapping[int, float], outcomes: list[int]) -> dict[str, np.ndarray]:
        """Scores of every project for a planned project's focus areas (each with how strongly the plan is about it:
        1 for the areas it names) and outcomes (rarer areas count more)."""
        f = np.zeros(len(self.tg.ids("focus_area")))
        f[list(focus_areas)] = list(focus_areas.values())
        o = np.zeros(len(self.tg.ids("outcome")))
        o[outcomes] = 1.0
        profile = sp.csr_matrix(np.concatenate([f * self.focus_weights, o]))
        attrs, lengths = self._plan_attributes
        dots = np.asarray((attrs @ profile.T).todense()).ravel()
        norms = lengths * np.sqrt(profile.multiply(profile).sum())
        return {"focus_area": np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)}

    @cached_property
    def _plan_attributes(self) -> tuple[sp.csr_matrix, np.ndarray]:
        """Every project's weighted focus areas and outcomes (project × attribute) and each row's length: the
        same for every plan, so made once instead of once per question."""
        attrs = sp.hstack(
            [self.tg.matrix("project_focus_area") @ sp.diags(self.focus_weights), self.tg.matrix("project_outcome")]
        ).tocsr()
        return attrs, np.sqrt(np.asarray(attrs.multiply(attrs).sum(axis=1)).ravel())

    def graph(self, question: str, signals: Mapping[str, np.ndarray], candidates: np.ndarray) -> np.ndarray:
        """The meta-path signals of ``question`` scaled over ``candidates`` and summed with :data:`PATH_WEIGHTS`."""
        weights = PATH_WEIGHTS[question]
        return sum((weights[name] * scaled(signals[name], candidates) for name in weights), np.zeros(len(candidates)))


def _partner_city_chains(s: Scorer) -> dict[str, list[sp.spmatrix]]:
    """The partner → city meta-paths as relation chains (:attr:`Scorer.partner_city_chains` keeps them)."""
    tg = s.tg
    project_city = _t(tg.matrix("city_project"))
    pairing_city = _t(tg.matrix("city_pairing"))
    return {
        "focus_area": [
            tg.matrix("partner_project"),
            tg.matrix("project_focus_area"),
            _t(tg.matrix("project_focus_area")),
            project_city,
        ],
        "project": [tg.matrix("partner_project"), project_city],
        "programme": [tg.matrix("partner_programme"), _t(tg.matrix("pairing_programme")), pairing_city],
        "family": [tg.matrix("partner_family"), tg.matrix("partner_pairing"), pairing_city],
    }


def _paired_peer(s: Scorer, reverse: bool) -> HeteSimPath:
    """Partner → the focus areas of the cities it pairs with, met by a city's own focus areas."""
    tg = s.tg
    partner_side = [tg.matrix("partner_pairing"), _t(tg.matrix("city_pairing")), tg.matrix("city_focus_area")]
    city_side = [tg.matrix("city_focus_area")]
    if reverse:
        return HeteSimPath.halves(city_side, partner_side, s.focus_weights)
    return HeteSimPath.halves(partner_side, city_side, s.focus_weights)


def _partner_city(name: str) -> Callable[[Scorer], HeteSimPath]:
    def build(s: Scorer) -> HeteSimPath:
        if name == "paired_peer":
            return _paired_peer(s, reverse=False)
        return HeteSimPath(s.partner_city_chains[name], s.focus_weights if name == "focus_area" else None)

    return build


def _city_partner(name: str) -> Callable[[Scorer], HeteSimPath]:
    def build(s: Scorer) -> HeteSimPath:
        if name == "paired_peer":
            return _paired_peer(s, reverse=True)
        return HeteSimPath(_reverse(s.partner_city_chains[name]), s.focus_weights if name == "focus_area" else None)

    return build


_PATHS: dict[str, Callable[[Scorer], PathSimPath | HeteSimPath]] = {
    "city_city.focus_area": lambda s: PathSimPath(s.tg.matrix("city_focus_area"), s.focus_weights),
    "city_city.partner": lambda s: PathSimPath(s.tg.matrix("city_partner")),
    "city_city.programme": lambda s: PathSimPath(s.tg.matrix("city_programme")),
    "city_city.practice": lambda s: PathSimPath(s.tg.matrix("city_practice")),
    "city_project.focus_area": lambda s: HeteSimPath(
        [s.tg.matrix("city_focus_area"), _t(s.tg.matrix("project_focus_area"))], s.focus_weights
    ),
    "city_project.partner": lambda s: HeteSimPath([s.tg.matrix("city_partner"), s.tg.matrix("partner_project")]),
    "city_project.practice": lambda s: HeteSimPath([s.tg.matrix("city_practice"), _t(s.tg.matrix("project_practice"))]),
    "project_project.focus_area": lambda s: PathSimPath(s.tg.matrix("project_focus_area"), s.focus_weights),
    "project_project.partner": lambda s: PathSimPath(s.tg.matrix("project_partner")),
    "project_project.practice": lambda s: PathSimPath(s.tg.matrix("project_practice")),
    **{f"partner_city.{n}": _partner_city(n) for n in PATH_WEIGHTS["partner_city"]},
    **{f"city_partner.{n}": _city_partner(n) for n in PATH_WEIGHTS["city_partner"]},
}


def scorer(tg: TypedGraph) -> Scorer:
    """The one :class:`Scorer` of a typed graph (kept with it, so a cached graph keeps its structures)."""
    return tg.derived(Scorer)
