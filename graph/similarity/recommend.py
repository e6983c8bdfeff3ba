"""One way to ask the recommender anything: :func:`ask` (and :func:`choose`, which question a request means).

The command, the web API, ``/match`` and the entity pages all call :func:`ask` with a question's name from
:data:`~graph.similarity.questions.QUESTIONS`, names (ids, labels or IRIs) and
:class:`~graph.similarity.filters.Filters`. It reads the typed graph of the store's current version (built once
per version), scores every candidate with the question's signals and weights, leaves out what the question
excludes, orders the rest (score, then the question's tie-break, then IRI), keeps a top five to at most two items
of one programme, and returns :class:`~graph.similarity.reasons.Recommendations` whose every item says where it
is and what it does (:mod:`graph.similarity.card`) and carries plain-language, sourced, deduplicated reasons. A
candidate with no reason to state is not shown. An unknown name raises ``NotFound`` with the closest names.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace
from itertools import chain, groupby, takewhile
from string import Template

import numpy as np

from graph.lookup import fold
from graph.similarity import explain
from graph.similarity.card import card
from graph.similarity.filters import Filters, ResolvedFilters
from graph.similarity.questions import QUESTIONS, WEIGHTS, Query, Question, focus_area
from graph.similarity.reasons import Reason, Recommendation, Recommendations, path_reason
from graph.similarity.scoring import SHORT_WORD, scaled, scorer
from graph.similarity.text import words
from graph.similarity.ties import tied_cities
from graph.similarity.typed_graph import GraphCache, TypedGraph, typed_graph
from graph.store import Store
from ontology.errors import InputError

__all__ = ["ask", "choose", "score", "QuestionError", "FEW_LINKS", "PER_PROGRAMME", "DIVERSE_TOP"]

FEW_LINKS = 2
"""A query entity with fewer links than this is "sparsely linked": the answer says what it leans on."""
PER_PROGRAMME = 2
DIVERSE_TOP = 5
"""At most :data:`PER_PROGRAMME` items of one programme in the first :data:`DIVERSE_TOP` (unless ``diverse=False``)."""


class QuestionError(InputError):
    """A request that names no question, or two at once; ``parameter`` is the one to fix (also its ``field``).

    The message marks the parameters it names (``$in_country``), so each caller names them as its user typed them:
    the API by the parameter, ``ascn recommend`` by its option (:meth:`worded`).

    >>> print(QuestionError("parameter '$city' is required", "city"))
    parameter 'city' is required
    >>> QuestionError("a profile ($focus, $in_country)", "partner").worded({"in_country": "--in-country"})
    'a profile (focus, --in-country)'
    """

    def __init__(self, message: str, parameter: str):
        self.template = Template(message)
        self.message = self.worded({})
        super().__init__(field=parameter)
        self.parameter = parameter

    def worded(self, names: Mapping[str, str]) -> str:
        """The message naming each parameter as ``names`` calls it (the parameter's own name if not there)."""
        return self.template.safe_substitute(_Named(names))

    def __str__(self) -> str:
        return self.message


def _as_typed(text: str) -> str:
    """What a user typed, put in a :class:`QuestionError`'s message: its ``$`` kept, not read as a parameter."""
    return text.replace("$", "$$")


class _Named(dict):
    """Parameter names to the words to write for them; a name not given is written as it is."""

    def __missing__(self, key: str) -> str:
        return key


def choose(output: str, given: Mapping[str, object]) -> str:
    """The question a request for ``output`` ("projects", "cities", "partners") with parameters ``given`` means.

    Projects: ``project`` (projects like it), a plan (``focus``/``outcome``/``text``, with or without the
    planning ``city``), or a ``city`` alone (projects it could learn from). Cities: ``partner`` (narrowed by
    ``focus``/``programme``/``in_country``), ``city`` (cities like it), or a partner profile
    (``focus``/``programme``/``in_country``). Partners: ``city``.
    """
    has = {k for k, v in given.items() if v}
    if output == "projects":
        plan = has & {"focus", "outcome", "text"}
        if "project" in has and (plan or "city" in has):
            raise QuestionError(
                "give a project, or a city, or a plan ($focus, $outcome, $text) with or without its "
                "city — not a project with them",
                "project",
            )
        if "project" in has:
            return "projects_like"
        if plan:
            return "projects_for_plan"
        if "city" in has:
            return "projects_for_city"
        raise QuestionError("give a city, a project, or a plan ($focus, $outcome, $text)", "city")
    if output == "cities":
        if "partner" in has and "city" in has:
            raise QuestionError("give a partner or a city, not both", "city")
        if "partner" in has:
            return "cities_for_partner"
        if "city" in has:
            if has & {"focus", "programme", "in_country"}:
                raise QuestionError(
                    "a city's look-alikes take no partner profile; give a partner, or the profile alone", "city"
                )
            return "similar_cities"
        if has & {"focus", "programme", "in_country"}:
            return "cities_for_profile"
        raise QuestionError("give a partner, a city, or a partner profile ($focus, $programme, $in_country)", "partner")
    if output == "partners":
        if "city" not in has:
            raise QuestionError("parameter '$city' is required", "city")
        return "partners_for_city"
    raise QuestionError(f"no recommendations of {_as_typed(output)!r}; ask for projects, cities or partners", "output")


def ask(
    store: Store,
    question: str,
    *,
    top: int = 10,
    filters: Filters | None = None,
    city: str | None = None,
    project: str | None = None,
    partner: str | None = None,
    focus: Sequence[str] = (),
    outcome: Sequence[str] = (),
    programme: Sequence[str] = (),
    in_country: Sequence[str] = (),
    text: str = "",
    plan_country: str | None = None,
    include_tied: bool = False,
    include_own_city: bool = False,
    diverse: bool = True,
    weights: Mapping[str, float] | None = None,
    cache: GraphCache | None = None,
    tg: TypedGraph | None = None,
) -> Recommendations:
    """Answer ``question`` (a name in :data:`QUESTIONS`) about the names given.

    ``plan_country`` is the planning city's member state, left out with ``exclude_own_country`` (a planning
    ``city`` gives it too). ``weights`` replaces the question's signal weights (evaluation only).
    """
    if question not in QUESTIONS:
        raise QuestionError(
            f"no question {_as_typed(question)!r}; the questions are {', '.join(QUESTIONS)}", "question"
        )
    q = QUESTIONS[question]
    tg = tg or typed_graph(store, cache)
    node_name = {"city": city, "project": project, "partner": partner}.get(q.input_kind)
    if q.input_kind in ("city", "project", "partner") and not node_name:
        raise QuestionError(f"{question.replace('_', ' ')} needs a {q.input_kind}", q.input_kind)
    query = Query(
        node=tg.resolve(node_name, q.input_kind) if node_name else None,
        city=tg.resolve(city, "city") if city and q.input_kind == "plan" else None,
        focus_areas=tuple(dict.fromkeys(focus_area(tg, a) for a in focus)),
        outcomes=tuple(dict.fromkeys(tg.resolve(o, "outcome") for o in outcome)),
        programmes=tuple(dict.fromkeys(tg.resolve(g, "programme") for g in programme)),
        countries=tuple(dict.fromkeys(tg.resolve(k, "country") for k in in_country)),
        text=text.strip(),
        include_tied=include_tied,
        include_own_city=include_own_city,
        diverse=diverse,
    )
    if q.input_kind == "plan" and not (query.focus_areas or query.outcomes or query.text):
        raise QuestionError("describe the planned project by focus areas, outcomes or text", "text")
    if q.input_kind == "profile" and not (query.focus_areas or query.programmes):
        raise QuestionError("describe the partner by at least one focus area or programme", "focus")
    own_countries = (
        set(tg.targets("in_country", query.city or query.node or ""))
        if tg.kind(query.city or query.node or "") == "city"
        else set()
    )
    if plan_country:
        own_countries.add(tg.resolve(plan_country, "country"))
    resolved = (filters or Filters()).resolve(tg)
    return answer(tg, q, query, resolved, top, own_countries, weights)


def answer(
    tg: TypedGraph,
    q: Question,
    query: Query,
    f: ResolvedFilters,
    top: int,
    own_countries: AbstractSet[str] = frozenset(),
    weights: Mapping[str, float] | None = None,
) -> Recommendations:
    """Rank, explain and describe the candidates of one resolved question."""
    kind = q.output_kind
    ids = tg.ids(kind)
    mask = _mask(tg, kind, f, query)
    index = tg.index(kind)
    excluded = q.excluded(tg, query)
    mask[[index[x] for x in excluded if x in index]] = False
    narrowed = q.narrow(tg, query)
    if narrowed is not None:
        mask &= narrowed
    left_out = 0  # candidates in the asker's own countries that every other filter keeps
    if f.exclude_own_country and own_countries and kind in ("project", "city"):
        own = _in_countries(tg, _country_matrix(tg, kind), own_countries)
        left_out = int((mask & own).sum())
        mask &= ~own
    ties = q.ties(tg, query) if q.ties else {}
    tied = np.zeros(len(ids), dtype=bool)
    tied[[index[x] for x in ties if x in index]] = True
    tied_out = 0  # tied candidates every filter keeps, left out because the question asks for new ones
    if f.exclude_paired or (ties and not q.tied_first and not query.include_tied):
        tied_out = int((mask & tied).sum()) if not f.exclude_paired else 0
        mask &= ~tied
    candidates = np.flatnonzero(mask)
    total, parts = score(tg, q, query, candidates, weights)
    second = q.tiebreak(tg)[candidates] if q.tiebreak else None
    if q.tied_first and tied.any():  # new candidates first, then tied ones: positive scores in each part
        positive = np.flatnonzero(total > 0)
        order: Iterator[int] = (
            positive[j]
            for j in _order(
                total[positive],
                candidates[positive],
                tied[candidates[positive]],
                tiebreak=None if second is None else second[positive],
            )
        )
    else:
        order = takewhile(lambda i: total[i] > 0, _order(total, candidates, tiebreak=second))
    groups = scorer(tg).groups if kind == "project" and query.diverse else None  # project position → programmes
    items: list[Recommendation] = []
    held: list[int] = []
    per_group: Counter = Counter()

    def take(i: int) -> None:
        item = _item(tg, q, query, ids[candidates[i]], total[i], parts, i, ties.get(ids[candidates[i]]))
        if item is not None:
            items.append(item)
            per_group.update(groups(candidates[i]) if groups is not None else ())

    for i in order:  # lazily: a question over 100,000 candidates looks at the first few dozen
        if len(items) >= top:
            break
        if (
            groups is not None
            and len(items) < DIVERSE_TOP
            and any(per_group[g] >= PER_PROGRAMME for g in groups(candidates[i]))
        ):
            held.append(i)  # comes back right after the first five
            continue
        take(i)
        if len(items) == DIVERSE_TOP and held:
            order = chain(held, order)
            held = []
            break
    else:
        order = iter(())
    for i in chain(order, held):
        if len(items) >= top:
            break
        take(i)
    items = [replace(item, rank=n) for n, item in enumerate(items, start=1)]
    text = (f"text:{query.text}",) if query.text else ()
    words = (_quoted(query.text),) if query.text else ()  # what people read: the plan's words in quotes
    return Recommendations(
        q.name,
        query.entities + text,
        tuple(tg.label(x) for x in query.entities) + words,
        tuple(items),
        _note(
            tg,
            q,
            query,
            items,
            _left_out_note(tg, kind, own_countries, left_out, f.exclude_own_country),
            tied_out,
        ),
        dict(weights or WEIGHTS[q.name]),
        tg.version,
    )


QUOTED = 100
"""About how many characters of a plan an answer's labels quote."""


def _quoted(text: str) -> str:
    """A plan's words as an answer's labels show them (the /match heading, the command's first line): in quotes,
    on one line, a long paste cut at a word after about :data:`QUOTED` characters, since a heading that repeats a
    page-long plan hides the answer below it. The query itself (``text:``) keeps every word.

    >>> _quoted("flood  early\\nwarning"), _quoted("sensors " * 30)[-12:]
    ('“flood early warning”', 's sensors …”')
    """
    text = " ".join(text.split())
    if len(text) > QUOTED:
        text = text[:QUOTED].rsplit(" ", 1)[0] + " …"
    return f"“{text}”"


def score(
    tg: TypedGraph,
    q: Question,
    query: Query,
    candidates: np.ndarray,
    weights: Mapping[str, float] | None = None,
    every: bool = False,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The combined score over ``candidates`` and each scaled signal family: only the families the weights use
    (a family weighed 0 changes no answer, and the random walk and the text signals over every candidate are
    most of a question's cost), or, with ``every``, all of the question's (what the evaluation's grid tunes)."""
    w = weights or WEIGHTS[q.name]
    parts = {}
    for name, compute in q.signals(tg, query).items():
        if not (every or w.get(name)):
            continue
        raw = compute()
        if isinstance(raw, Mapping):  # the meta-paths, summed into the graph family
            assert q.paths is not None, f"{q.name} has meta-path signals but no PATH_WEIGHTS entry"
            parts[name] = scaled(scorer(tg).graph(q.paths, raw, candidates), np.arange(len(candidates)))
        else:
            parts[name] = scaled(raw, candidates)
    total = sum((w[name] * parts[name] for name in w if name in parts), np.zeros(len(candidates)))
    return total, parts


def _item(
    tg: TypedGraph,
    q: Question,
    query: Query,
    iri: str,
    total: float,
    parts: Mapping[str, np.ndarray],
    i: int,
    ties: list | None,
) -> Recommendation | None:
    found = _dedupe(q.reasons(tg, query, iri), iri)
    if ties:
        found = [explain.already_works(tg, ties), *found]
    anchor = query.node or query.city
    if not found and anchor is not None:
        connection = path_reason(tg, anchor, iri)
        found = [connection] if connection else []
    if not found:
        return None
    entity = tg.entities[iri]
    c = card(tg, iri)
    return Recommendation(
        rank=0,
        iri=iri,
        kind=entity.kind,
        label=entity.label,
        score=round(float(total), 6),
        signals={name: round(float(v[i]), 6) for name, v in sorted(parts.items()) if v[i] > 0},
        reasons=tuple(found),
        city=c.city,
        city_iri=c.city_iri,
        country=c.country,
        country_iri=c.country_iri,
        status=c.status,
        summary=c.summary,
        confidence=c.confidence,
        already_works_here=bool(ties),
    )


def _dedupe(reasons: Iterable[Reason], iri: str) -> list[Reason]:
    """Reasons in order, each text once and each tie (kind and entity) once, the first kept (two paths can state
    the same tie); none about the candidate ``iri`` itself."""
    seen: set[object] = set()
    out = []
    for r in reasons:
        tie = (r.kind, r.entity) if r.entity is not None else None
        if r.entity != iri and r.text not in seen and tie not in seen:
            seen.update({r.text, tie} - {None})
            out.append(r)
    return out


def _order(
    score: np.ndarray,
    candidates: np.ndarray,
    tied: np.ndarray | None = None,
    pool: int = 64,
    tiebreak: np.ndarray | None = None,
):
    """Candidate positions by score, then ``tiebreak`` (the question's, when it has one), then IRI (new before tied
    when ``tied`` is given): the best ``pool`` (with all ties) first, the rest on demand, so a question over 100,000
    candidates does not pay for a full sort."""
    if tied is not None:
        for part in (np.flatnonzero(~tied), np.flatnonzero(tied)):
            yield from (
                part[i]
                for i in _order(
                    score[part], candidates[part], pool=pool, tiebreak=None if tiebreak is None else tiebreak[part]
                )
            )
        return
    rounded = np.round(score, 12)
    second = np.zeros(len(rounded)) if tiebreak is None else -tiebreak
    if pool < len(rounded):
        threshold = np.partition(rounded, len(rounded) - pool)[len(rounded) - pool]
        head = np.flatnonzero(rounded >= threshold)
        yield from head[np.lexsort((candidates[head], second[head], -rounded[head]))]
        rest = np.flatnonzero(rounded < threshold)
        yield from rest[np.lexsort((candidates[rest], second[rest], -rounded[rest]))]
    else:
        yield from np.lexsort((candidates, second, -rounded))


def _mask(tg: TypedGraph, kind: str, f: ResolvedFilters, query: Query) -> np.ndarray:
    """The user's filters over one kind of candidate, but for the own countries (:func:`answer` counts those)."""
    if kind == "project":
        mask = f.project_mask(tg)
        if f.exclude_own_city:
            own = {query.city} | (
                {query.node} if tg.kind(query.node or "") == "city" else set(tg.cities_of(query.node or ""))
            )
            mask[[tg.index("project")[p] for c in own if c for p in tg.projects_in(c)]] = False
        return mask
    if kind == "city":
        return f.city_mask(tg)
    return f.partner_mask(tg)


def _country_matrix(tg: TypedGraph, kind: str):
    """The project × country or city × country matrix: where each candidate of ``kind`` is."""
    if kind == "project":
        return tg.matrix("city_project").T @ tg.matrix("city_country")
    return tg.matrix("city_country")


def _left_out_note(
    tg: TypedGraph, kind: str, countries: AbstractSet[str], count: int, asked: bool = False
) -> str | None:
    """The note on the candidates "exclude own country" left out, which a person would otherwise not know of:
    how many of those every other filter keeps, and where ("4 projects in Viet Nam are left out, as asked"). Asked
    (``asked``) with no city or country to say which is the asker's, it leaves nothing out, and says so: /match's
    "Only projects in other countries", ticked with a plan alone, answered with projects of every country."""
    if asked and not countries and kind in ("project", "city"):
        return f"no {kind} is left out for being in your own country: the question names no city or country of yours"
    if not count:
        return None
    things = kind if count == 1 else {"project": "projects", "city": "cities"}[kind]
    names = " and ".join(tg.name(c) for c in sorted(countries, key=tg.label))
    return f"{count} {things} in {names} {'is' if count == 1 else 'are'} left out, as asked"


def _in_countries(tg: TypedGraph, matrix, countries: AbstractSet[str]) -> np.ndarray:
    """Rows of an entity × country matrix that touch any of ``countries``."""
    columns = [tg.index("country")[k] for k in countries]
    if not columns:
        return np.zeros(matrix.shape[0], dtype=bool)
    return np.asarray(matrix[:, columns].sum(axis=1)).ravel() > 0


def _unused_words(unknown: list[tuple[str, str | None]], every: bool, plain: bool = False) -> str | None:
    """The note on a plan's words no project uses (:meth:`Scorer.unknown_words`), with the spelling each may have
    meant. When none of its words is used and none is a near miss, the plan may be in another language, and the note
    says the projects are described in English; the words are named only when the plan is ``plain`` (typed in ASCII:
    "coastal erosion", "air bersih", each word as typed), not shown folded ("he thong" for "hệ thống"). Short
    words without a near miss go unnamed: "our" or "sms" in a long paste is no news to its writer; a word in another
    script (:func:`_unread_words`) is always named, however short ("交通").

    >>> _unused_words([("flod", "flood"), ("warning", None), ("our", None)], every=False)
    "no project's name or description uses “flod” (did you mean “flood”?), “warning”, so they do not change the ranking"
    >>> _unused_words([("he", None), ("thong", None)], every=True)
    "no project's name or description uses any of these words, so they do not change the ranking (the projects are described in English)"
    >>> _unused_words([("coastal", None), ("erosion", None)], every=True, plain=True)
    "no project's name or description uses “coastal”, “erosion”, so they do not change the ranking (the projects are described in English)"
    >>> _unused_words([("our", None)], every=False) is None
    True
    >>> _unused_words([("交通", None)], every=False)
    "no project's name or description uses “交通”, so it does not change the ranking"
    """
    foreign = every and not any(close for _, close in unknown)
    named = [(w, close) for w, close in unknown if close or len(w) > SHORT_WORD or not w.isascii()]
    if foreign and not (plain and named):
        return (
            "no project's name or description uses any of these words, so they do not change the ranking "
            "(the projects are described in English)"
        )
    if not named:
        return None
    listed = ", ".join(f"“{w}”" + (f" (did you mean “{close}”?)" if close else "") for w, close in named)
    verb = "it does" if len(named) == 1 else "they do"
    english = " (the projects are described in English)" if foreign else ""
    return f"no project's name or description uses {listed}, so {verb} not change the ranking{english}"


def _own_words(city: str, own: list[str]) -> str:
    """The note on a plan's words that only the planning city's own projects use (:meth:`Scorer.only_in`).

    >>> _own_words("Chiang Mai", ["haze", "wildfire"])
    "only Chiang Mai's own projects use “haze”, “wildfire”, and a city's own projects never come back, so they do not change the ranking"
    """
    listed = ", ".join(f"“{w}”" for w in own)
    verb = "it does" if len(own) == 1 else "they do"
    return f"only {city}'s own projects use {listed}, and a city's own projects never come back, so {verb} not change the ranking"


def _unread_words(text: str) -> list[str]:
    """The words of a plan in a script the text analysis does not read (:func:`graph.similarity.text.words` reads
    Latin letters and digits once accents are folded): Thai, Khmer, Lao, Burmese, Chinese, ... A plan in Thai had no
    answer and no note, since no word of it was read to be found unused; these words change no ranking either, and
    are named as the plan wrote them (a word is a run of letters, marks and digits, so a Thai vowel sign stays in
    its word).

    >>> _unread_words("ระบบจราจร traffic, 交通信号 Đà Nẵng")
    ['ระบบจราจร', '交通信号']
    """
    pieces = ("".join(run) for inside, run in groupby(text, key=_in_word) if inside)
    return [w for w in pieces if not words(w) and not fold(w).isascii()]


def _in_word(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN"


def _partner_note(tg: TypedGraph, query: Query, links: int) -> str | None:
    """What a sparse partner's cities rest on. Its own texts (its description, programmes, pairings, projects) are
    set against each city's projects' texts, and cities like those it (or an agency related to it) works in are
    preferred; a sparse partner's texts are few words, often of how the sources met it. Norway (a summary of a
    meeting and an event, and one programme) had Banyuwangi second on “annual” and “meeting” under a note that the
    list leaned on "what its projects' descriptions say", of a partner with no project. A partner that works in no
    member city, nor does a related agency, has nothing but its words to rank by: the note says so and that a match
    on one or two words is thin (which words, each reason says). None for a partner with links in cities enough."""
    partner = query.node
    assert partner is not None
    ties = tied_cities(tg, partner)
    if ties and links >= FEW_LINKS:
        return None
    counts = {
        kind: len(found)
        for kind, found in (
            ("programme", tg.targets("runs_programme", partner)),
            ("pairing", tg.sources_of("paired_partner", partner)),
            ("project", tg.sources_of("involves_partner", partner)),
        )
        if found
    }
    texts = ["its description" if tg.entities[partner].description else "its name"]
    texts += [f"its {kind}" if n == 1 else f"its {kind}s" for kind, n in counts.items()]
    said = (", ".join(texts[:-1]) + " and " + texts[-1] if len(texts) > 1 else texts[0]) + (
        " say" if len(texts) > 1 else " says"
    )
    named = [x for x, given in (("focus areas", query.focus_areas), ("programmes", query.programmes)) if given]
    asked = f"the {' and '.join(named)} asked for and on " if named else ""
    if not ties:
        return (
            f"{tg.name(partner)} works in no member city in the graph, nor does an agency related to it, so these "
            f"cities rest only on {asked}what {said} against their projects' texts; a match on one or two shared "
            "words is thin evidence: each reason names the words"
        )
    doers = {member == partner for tied in ties.values() for _, _, member in tied}
    who = {
        frozenset({True}): "it works in",
        frozenset({False}): "an agency related to it works in",
    }.get(frozenset(doers), "it and agencies related to it work in")
    return (
        f"{tg.name(partner)} has {links} project or partnership link{'s' if links != 1 else ''} in the graph, so "
        f"these lean on {asked}what {said} against their projects' texts and on cities like those {who}; items "
        "with nothing shared say how they are connected"
    )


def _note(
    tg: TypedGraph,
    q: Question,
    query: Query,
    items: list[Recommendation],
    left_out: str | None = None,
    tied_out: int = 0,
) -> str | None:
    """What a person should know about the answer: a sparsely linked query, outcomes nothing uses, words of a plan
    that no project uses (a typo, another language), which change nothing and would otherwise go unremarked, what
    a filter left out (``left_out``, :func:`_left_out_note`), and why a list of new cities is empty when the
    filters keep only cities the partner already works in (``tied_out`` of them): ADB's cities under the programme
    it runs, AASCTF, were an empty answer with no word of why. The European Union's cities under Smart Green ASEAN
    Cities, a programme no pairing runs under, were an empty list said not to be changed by the programme."""
    notes = [left_out] if left_out else []
    if not items and tied_out and query.node is not None:
        cities = "city" if tied_out == 1 else f"{tied_out} cities"
        notes.append(
            f"{tg.name(query.node)} or an agency related to it already works in the {cities} these filters keep, "
            "so no new city is left: ask to also show the cities it already works in to see them, marked"
        )
    if query.outcomes and not any(tg.sources_of("strategic_outcome", o) for o in query.outcomes):
        notes.append(
            "no project in the graph is linked to these strategic outcomes yet, so they do not change the ranking"
        )
    if query.programmes and not any(tg.sources_of("under_programme", g) for g in query.programmes):
        notes.append(  # a programme narrows the list to cities with a pairing under it: none is left
            "no pairing in the graph runs under the chosen programmes, so no city is left under them: ask without "
            "them for cities ranked by the rest"
        )
    if (
        query.node is not None
        and q.name == "projects_for_city"
        and not tg.sources_of("in_city", query.node)
        and not tg.sources_of("paired_city", query.node)
    ):
        notes.append(
            f"the graph has no project or pairing of {tg.name(query.node)} yet, so there is little to "
            "compare it by; describe a plan (focus areas, a few words) with the city to get projects to "
            "learn from"
        )
    elif query.node is not None and q.input_kind == "partner":
        if partner := _partner_note(tg, query, q.links(tg, query)):
            notes.append(partner)
    elif query.node is not None and q.input_kind in ("city", "project", "partner"):
        links = q.links(tg, query)
        if links < FEW_LINKS:
            notes.append(
                f"{tg.name(query.node)} has {links} project or partnership link{'s' if links != 1 else ''} "
                "in the graph, so these lean on what its projects' descriptions say and on what is near "
                "it in the graph; items with nothing shared say how they are connected"
            )
    if query.text:
        sc = scorer(tg)
        unknown = sc.unknown_words(query.text) + [(w, None) for w in _unread_words(query.text)]
        if unknown:
            # every word that counts is unknown: a lone piece of a city's name counts for nothing (Scorer.unplaced)
            counted = sc.plan_words(sc.unplaced(query.text))
            every = set(counted) <= {w for w, _ in unknown}
            unused = _unused_words(unknown, every, plain=query.text.isascii())
            if unused:
                notes.append(unused)
        city = query.city or (query.node if q.input_kind == "city" else None)
        if (
            city
            and q.output_kind == "project"
            and (own := sc.only_in(sc.unplaced(query.text), set(tg.projects_in(city))))
        ):
            notes.append(_own_words(tg.name(city), own))
    if any(i.already_works_here for i in items):
        notes.append(
            "items marked “already works here” are tied to the query already"
            + (", and come after the new ones" if q.tied_first else "")
        )
    return "; ".join(notes) or None
