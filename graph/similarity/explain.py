"""The reasons behind a recommendation, in plain language, each citing the facts it rests on.

One builder per question (see :mod:`graph.similarity.questions`): it names what the query and the candidate
share — a focus area, a partner, a programme, a lesson, the words their descriptions have in common, what a
partner did in a similar city — and cites the records stating it (:func:`~graph.similarity.reasons.evidence`).
No score and no algorithm appears in a reason's text; those stay in the item's ``signals``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from graph.similarity.reasons import Evidence, Reason, evidence, first_evidence
from graph.similarity.scoring import event_stems, scorer
from graph.similarity.text import READ_AS, spans, stands_for, stem
from graph.similarity.text import words as text_words
from graph.similarity.ties import Tie, ties_in
from graph.similarity.typed_graph import TypedGraph


def focus_of_city(tg: TypedGraph, city: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in tg.sources_of("in_city", city):
        for f in tg.targets("focus_area", p):
            out.setdefault(f, []).append(p)
    return out


def _partner_links_of_city(tg: TypedGraph, city: str) -> dict[str, list[tuple[str, str, str]]]:
    """Partner → the links tying it to ``city`` (its pairings, its projects), sorted."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for pairing in tg.sources_of("paired_city", city):
        for a in tg.targets("paired_partner", pairing):
            out.setdefault(a, []).append(("paired_partner", pairing, a))
    for p in tg.sources_of("in_city", city):
        for a in tg.targets("involves_partner", p):
            out.setdefault(a, []).append(("involves_partner", p, a))
    return {a: sorted(v) for a, v in out.items()}


def _programmes_of_city(tg: TypedGraph, city: str) -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = {}
    for pairing in tg.sources_of("paired_city", city):
        for g in tg.targets("under_programme", pairing):
            out.setdefault(g, []).append(("under_programme", pairing, g))
    return out


def _practices_of_city(tg: TypedGraph, city: str) -> dict[str, list[tuple[str, str, str]]]:
    out: dict[str, list[tuple[str, str, str]]] = {}
    for bp in tg.sources_of("concerns_city", city):
        out.setdefault(bp, []).append(("concerns_city", bp, city))
    for p in tg.sources_of("in_city", city):
        for bp in tg.sources_of("concerns_project", p):
            out.setdefault(bp, []).append(("concerns_project", bp, p))
    return out


def _rarer_first(tg: TypedGraph, areas) -> list[str]:
    weights = scorer(tg).focus_weights
    index = tg.index("focus_area")
    return sorted(areas, key=lambda f: (-weights[index[f]], f))


def _shared(
    kind: str,
    tg: TypedGraph,
    ties_a: dict,
    ties_b: dict,
    text: Callable[[str], str],
    order: Callable[[set[str]], list[str]] = sorted,
) -> list[Reason]:
    return [
        Reason(
            kind, x, tg.label(x), text(x), tuple(first_evidence(tg, ties_a[x], 1) + first_evidence(tg, ties_b[x], 1))
        )
        for x in order(set(ties_a) & set(ties_b))
    ]


def city_city(tg: TypedGraph, c: str, d: str) -> list[Reason]:
    """Why city ``d`` is like city ``c``: what their projects speak of, shared partners, programmes, areas."""
    reasons = []
    pair = _best_pair(tg, tg.sources_of("in_city", c), tg.sources_of("in_city", d))
    if pair:
        p, q, words = pair
        reasons.append(
            Reason(
                "text",
                q,
                tg.label(q),
                f"{_of_city(tg, d, q)} tackles what {_of_city(tg, c, p)} does (both speak of {_words(words)})",
                _read(tg, q) + _read(tg, p),
            )
        )
    fa = {f: [("focus_area", p, f) for p in ps] for f, ps in focus_of_city(tg, c).items()}
    fb = {f: [("focus_area", p, f) for p in ps] for f, ps in focus_of_city(tg, d).items()}
    reasons += _shared(
        "partner",
        tg,
        _partner_links_of_city(tg, c),
        _partner_links_of_city(tg, d),
        lambda a: f"both work with {tg.name(a)}",
    )
    reasons += _shared(
        "programme",
        tg,
        _programmes_of_city(tg, c),
        _programmes_of_city(tg, d),
        lambda g: f"both take part in {tg.name(g)}",
    )
    reasons += _shared(
        "focus_area", tg, fa, fb, lambda f: f"both have {tg.name(f)} projects", lambda xs: _rarer_first(tg, xs)
    )
    reasons += _shared(
        "practice",
        tg,
        _practices_of_city(tg, c),
        _practices_of_city(tg, d),
        lambda bp: f"the same lesson concerns both: {tg.name(bp)}",
    )
    return reasons


def _city_project_ties(tg: TypedGraph, c: str, p: str, areas: Sequence[str] = ()) -> list[Reason]:
    """Partners, focus areas and lessons project ``p`` shares with city ``c``'s own; a shared area among the
    chosen ``areas`` says so in the same reason."""
    reasons = []
    city_partners = _partner_links_of_city(tg, c)
    for a in tg.targets("involves_partner", p):
        if a in city_partners:
            ev = evidence(tg, "involves_partner", p, a)[:1] + first_evidence(tg, city_partners[a], 1)
            reasons.append(
                Reason(
                    "partner",
                    a,
                    tg.label(a),
                    f"involves {tg.name(a)}, who already works with {tg.name(c)}",
                    tuple(ev),
                )
            )
    city_focus = focus_of_city(tg, c)
    for f in _rarer_first(tg, [f for f in tg.targets("focus_area", p) if f in city_focus]):
        n = len(city_focus[f])
        ev = evidence(tg, "focus_area", p, f)[:1] + first_evidence(tg, [("focus_area", q, f) for q in city_focus[f]], 1)
        reasons.append(
            Reason(
                "focus_area",
                f,
                tg.label(f),
                f"works on {tg.name(f)}, {'the topic chosen, ' if f in areas else ''}"
                f"like {n} project{'s' if n != 1 else ''} of {tg.name(c)}",
                tuple(ev),
            )
        )
    city_practices = _practices_of_city(tg, c)
    for bp in tg.sources_of("concerns_project", p):
        if bp in city_practices:
            ev = evidence(tg, "concerns_project", bp, p)[:1] + first_evidence(tg, city_practices[bp], 1)
            reasons.append(
                Reason("practice", bp, tg.label(bp), f"the same lesson concerns both: {tg.name(bp)}", tuple(ev))
            )
    return reasons


def _project_project_ties(tg: TypedGraph, p: str, q: str) -> list[Reason]:
    reasons = []
    for rel, kind, text in (
        ("involves_partner", "partner", "both involve {}"),
        ("focus_area", "focus_area", "both work on {}"),
    ):
        shared = set(tg.targets(rel, p)) & set(tg.targets(rel, q))
        order = _rarer_first(tg, shared) if kind == "focus_area" else sorted(shared)
        for x in order:
            ev = evidence(tg, rel, p, x)[:1] + evidence(tg, rel, q, x)[:1]
            reasons.append(Reason(kind, x, tg.label(x), text.format(tg.label(x)), tuple(ev)))
    for bp in sorted(set(tg.sources_of("concerns_project", p)) & set(tg.sources_of("concerns_project", q))):
        ev = evidence(tg, "concerns_project", bp, q)[:1]
        reasons.append(Reason("practice", bp, tg.label(bp), f"the same lesson concerns both: {tg.name(bp)}", tuple(ev)))
    return reasons


def record(tg: TypedGraph, iri: str, statement: str) -> tuple[Evidence, ...]:
    """The record ``iri`` itself as evidence (its own sources): what a text match rests on."""
    fact = tg.facts.get(iri)
    return (Evidence(iri, tg.label(iri), statement, fact.sources, fact.confidence),) if fact else ()


def _its_text(tg: TypedGraph, iri: str) -> str:
    """What a text reason read of ``iri``: its description, or its name alone when the sources only name it."""
    return "its name" if tg.entities[iri].named_only else "its description"


def _read(tg: TypedGraph, iri: str) -> tuple[Evidence, ...]:
    """The evidence of a text reason: the record of what it read of ``iri`` (:func:`_its_text`)."""
    return record(tg, iri, f"{tg.name(iri)}: {_its_text(tg, iri)}")


def _possessive(name: str) -> str:
    """A name with its possessive ending as English writes it: "Kuching's", but "United States'" and "Canal
    water-level sensors'" (a reason read "United States's line of work").

    >>> _possessive("Kuching"), _possessive("United States"), _possessive("Philippines")
    ("Kuching's", "United States'", "Philippines'")
    """
    return name + ("'" if name.endswith("s") else "'s")


def _of_city(tg: TypedGraph, c: str, p: str) -> str:
    """City ``c``'s project ``p`` as a reason names it: "Kuching's Integrated Flood Management and Response
    System", but the project alone where its name already names the city ("Khon Kaen (Kaen Nakhon) Tram", not
    "Khon Kaen's Khon Kaen (Kaen Nakhon) Tram"; "Smart Water Management System (Da Nang)")."""
    label = text_words(tg.label(p))
    for name in (tg.label(c), *tg.entities[c].alt_labels):
        city = text_words(name)
        if city and any(label[i : i + len(city)] == city for i in range(len(label) - len(city) + 1)):
            return tg.label(p)
    return f"{_possessive(tg.name(c))} {tg.name(p)}"


def _words(ws: list[str]) -> str:
    return ", ".join(f"“{w}”" for w in ws)


def _read_as(text: str, shown: list[str]) -> str:
    """How a plan's words were read, where a reason names a word the plan wrote only as an abbreviation or another
    word (:data:`~graph.similarity.text.READ_AS`), or only as a part of a hyphenated word: "speaks of “electric”,
    “vehicle”, as the plan does" to a plan for "EV charging" would say the plan wrote words it did not, and "speaks
    of “stop”, as the plan does" to Vientiane's "one-stop permit" (a bus project's bus stops) hid that the plan's
    "stop" is a part of its "one-stop".

    >>> _read_as("EV charging", ["charging", "electric", "vehicle"]), _read_as("EV charging", ["charging"])
    (' (reading “EV” as “electric vehicle”)', '')
    >>> _read_as("One-stop permit", ["stop"]), _read_as("one-stop permit at bus stops", ["stop"])
    (' (reading “One-stop” as “stop”)', '')
    >>> _read_as("One-stop permit", ["one-stop", "permits"])
    ''
    """
    typed = text_words(text)
    own = {stem(w) for w in typed}
    shown_stems = {stem(w): w for w in shown}
    lent = set(shown_stems) - own
    alone = {stem(w) for w, _, _ in spans(text)[1] if "-" not in w}  # written as words of their own
    readings = []
    for t in dict.fromkeys(typed):
        if lent & {stem(w) for w in stands_for(t)}:
            readings.append(f"“{_as_written(text, t)}” as “{READ_AS[t]}”")
        elif "-" in t and stem(t) not in shown_stems:
            parts = [shown_stems[s] for s in dict.fromkeys(stem(p) for p in t.split("-")) if s in shown_stems]
            if parts and not set(map(stem, parts)) <= alone:
                readings.append(f"“{_as_written(text, t)}” as {_words([p for p in parts if stem(p) not in alone])}")
    return f" (reading {' and '.join(readings)})" if readings else ""


def _as_written(text: str, word: str) -> str:
    """``word`` (as :func:`~graph.similarity.text.words` gives it) as the text writes it, case and all."""
    written = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE)
    return written.group() if written else word


def _best_pair(tg: TypedGraph, ours: list[str], theirs: list[str]) -> tuple[str, str, list[str]] | None:
    """The most alike pair of projects (one of ``ours``, one of ``theirs``) and the words they share."""
    if not ours or not theirs:
        return None
    sc = scorer(tg)
    index = tg.index("project")
    a = sc.project_rows(tuple(ours))
    b = sc.text.matrix[index[theirs[0]]] if len(theirs) == 1 else sc.project_rows(tuple(theirs))
    sims = (a @ b.T).toarray()
    i, j = np.unravel_index(int(np.argmax(sims)), sims.shape)
    if sims[i, j] <= 0:
        return None
    words = sc.shared(sc.text.matrix[index[ours[i]]], index[theirs[j]], sc.written([ours[i]]), 4)
    return (ours[i], theirs[j], words) if words else None


def topical_projects(tg: TypedGraph, city: str, areas: Sequence[str] = ()) -> list[str]:
    """A city's own projects in the chosen focus areas (all of them when none is chosen or none is in one): what
    the city's peer projects on a topic are compared with."""
    own = tg.sources_of("in_city", city)
    topical = [p for p in own if set(areas) & set(tg.targets("focus_area", p))]
    return topical or list(own)


def city_project(tg: TypedGraph, c: str, p: str, areas: Sequence[str] = (), text: str = "") -> list[Reason]:
    """Why project ``p`` elsewhere may help city ``c``: it tackles what one of c's projects (on the chosen topic:
    focus ``areas``, words ``text``) tackles, it fits the topic, and ties."""
    reasons = []
    close = _best_pair(tg, topical_projects(tg, c, areas), [p])
    if close:
        q, _, words = close
        reasons.append(
            Reason(
                "text",
                q,
                tg.label(q),
                f"tackles what {_of_city(tg, c, q)} does (both speak of {_words(words)})",
                _read(tg, p) + _read(tg, q),
            )
        )
    topic = plan(tg, list(areas), [], text, p, asker="the topic", why="the topic chosen")
    ties = _city_project_ties(tg, c, p, areas)
    shared = {r.entity for r in ties if r.kind == "focus_area"}  # an area said once, with c's projects in it
    return reasons + [r for r in topic if not (r.kind == "focus_area" and r.entity in shared)] + ties


def project_project(tg: TypedGraph, p: str, q: str) -> list[Reason]:
    """Why project ``q`` is like project ``p``: their descriptions, focus areas, partners, lessons."""
    reasons = []
    index = tg.index("project")
    sc = scorer(tg)
    words = sc.shared(sc.text.matrix[index[p]], index[q], sc.written([p]), 4)
    if words:
        reasons.append(
            Reason(
                "text",
                p,
                tg.label(p),
                f"{_its_text(tg, q)} speaks of {_words(words)}, as {_possessive(tg.name(p))} does",
                _read(tg, q) + _read(tg, p),
            )
        )
    return reasons + _project_project_ties(tg, p, q)


def plan(
    tg: TypedGraph,
    areas: list[str],
    aims: list[str],
    text: str,
    q: str,
    asker: str = "the plan",
    why: str = "as the plan does",
) -> list[Reason]:
    """Why project ``q`` fits a planned project (or a topic a city's peers are narrowed to: ``asker`` names it,
    ``why`` ends a shared focus area's reason): the words of the plan, its focus areas and outcomes."""
    reasons = []
    if text.strip():
        sc = scorer(tg)
        vector = sc.text.vector(text, typed=True)
        words = sc.shared(vector, tg.index("project")[q], frozenset(text_words(text)))
        its = _its_text(tg, q)
        if words:
            reasons.append(
                Reason(
                    "text",
                    None,
                    None,
                    f"{its} speaks of {_words(words)}, as {asker} does{_read_as(text, words)}",
                    _read(tg, q),
                )
            )
        else:
            concepts = [x for x in sc.text.shared_concepts(vector, tg.index("project")[q]) if x in tg.entities]
            for x in concepts[:1]:
                reasons.append(
                    Reason(
                        "text",
                        x,
                        tg.label(x),
                        f"{asker} and {its} are both about {tg.name(x)} in the framework's terms",
                        _read(tg, q),
                    )
                )
    for f in _rarer_first(tg, set(areas) & set(tg.targets("focus_area", q))):
        reasons.append(
            Reason(
                "focus_area",
                f,
                tg.label(f),
                f"works on {tg.name(f)}, {why}",
                tuple(evidence(tg, "focus_area", q, f)[:1]),
            )
        )
    for o in sorted(set(aims) & set(tg.targets("strategic_outcome", q))):
        reasons.append(
            Reason(
                "outcome",
                o,
                tg.label(o),
                f"aims at {tg.name(o)}, as {asker} does",
                tuple(evidence(tg, "strategic_outcome", q, o)[:1]),
            )
        )
    return reasons


def already_works(tg: TypedGraph, ties: list[Tie]) -> Reason:
    """The "already works here" reason of a tied item, citing its first two ties."""
    first = ties[0]
    return Reason(
        "tie",
        first[1],
        tg.label(first[1]),
        f"already works here: {tg.name(first[2])} in {tg.name(first[1])}",
        tuple(first_evidence(tg, ties, 2)),
    )


def _tie_statement(tg: TypedGraph, tie: Tie) -> str:
    relation, record_, partner = tie
    if relation == "paired_partner":
        return f"the pairing {tg.name(record_)}"
    return tg.label(record_)


def partner_city(tg: TypedGraph, a: str, c: str, peer: bool = True) -> list[Reason]:
    """Why city ``c`` fits partner ``a``: its projects match a's expertise, a works in cities like it (unless
    ``peer`` is False), ties."""
    reasons = []
    sc = scorer(tg)
    own = tg.sources_of("in_city", c)
    index = tg.index("project")
    profile = sc.partner_vectors[tg.index("partner")[a]]
    fits = sc.text_scores(sc.project_rows(tuple(own)), profile) if own else np.zeros(0)
    if fits.size and fits.max() > 0:
        p = own[int(np.argmax(fits))]
        hidden = event_stems() | sc.in_others_names(a)
        words = sc.shared(profile, index[p], sc.written(sc.expertise_sources(a)), 4, hidden=hidden)
        if words:
            reasons.append(
                Reason(
                    "text",
                    p,
                    tg.label(p),
                    f"{_of_city(tg, c, p)} is in {_possessive(tg.name(a))} line of work (both speak of {_words(words)})",
                    _read(tg, p) + _read(tg, a),
                )
            )
    found = _peer_city(tg, a, c) if peer else None
    if found:
        reasons.append(found)
    return reasons + _partner_city_ties(tg, a, c)


def city_partner(tg: TypedGraph, c: str, a: str) -> list[Reason]:
    """Why partner ``a`` fits city ``c``: what it did in cities like c first, then its expertise and ties."""
    peer = _peer_city(tg, a, c, city_fixed=True)
    return ([peer] if peer else []) + partner_city(tg, a, c, peer=False)


def _peer_city(tg: TypedGraph, a: str, c: str, city_fixed: bool = False) -> Reason | None:
    """What partner ``a`` did in the city most like ``c`` (by what their projects are about), as a reason. The work
    comes right after the city it was done in ("worked in Kota Kinabalu on the pairing Kota Kinabalu – Republic of
    Korea"): put after the likeness ("whose projects are like Battambang's: the pairing …") it read as the project
    like c's.

    ``city_fixed``: a list of partners for one city asks this for many partners, so the city's likeness to every
    city is worked out once and remembered."""
    sc = scorer(tg)
    city = tg.index("city")[c]
    members, tied = sc.tied_to(a)
    tied = tied[tied != city]
    if not tied.size:
        return None
    if city_fixed:
        likeness = sc.city_likeness_of(city)[tied]
    else:
        likeness = sc.text_scores(sc.city_vectors[tied], sc.city_vectors[city])
    best = int(np.flatnonzero(likeness == likeness.max())[-1])  # of the likeliest, the last city by IRI
    if likeness[best] <= 0:
        return None
    d = tg.ids("city")[tied[best]]
    ties = ties_in(tg, members, d)
    own = [t for t in ties if t[2] == a]
    if own:
        doer, ev = tg.name(a), first_evidence(tg, own, 2)
    else:
        doer = f"{tg.name(ties[0][2])}, to which {tg.name(a)} is related,"
        ev = first_evidence(tg, ties, 1) + first_evidence(tg, _kinship(tg, a, ties[0][2]), 2)
    return Reason(
        "peer",
        d,
        tg.label(d),
        f"{doer} worked in {tg.name(d)} on {_tie_statement(tg, (own or ties)[0])}; "
        f"{_possessive(tg.name(d))} projects are like {_possessive(tg.name(c))}",
        tuple(ev),
    )


def _kinship(tg: TypedGraph, a: str, b: str) -> list[Tie]:
    """The ``parent_partner`` links joining partners ``a`` and ``b`` of one family (up from each to the first
    partner above both): what a reason crediting ``a``'s family with ``b``'s work cites, so that "JICA is related
    to MLIT" rests on "JICA belongs to Japan" and "MLIT belongs to Japan"."""

    def up(x: str) -> list[str]:
        chain = [x]
        while parents := sorted(set(tg.targets("parent_partner", chain[-1])) - set(chain)):
            chain.append(parents[0])
        return chain

    above_a, above_b = up(a), up(b)
    common = next((x for x in above_a if x in above_b), None)
    if common is None:
        return []
    path = above_a[: above_a.index(common) + 1], above_b[: above_b.index(common) + 1]
    return [("parent_partner", x, y) for chain in path for x, y in zip(chain, chain[1:], strict=False)]


def _projects_of_in(tg: TypedGraph, a: str, c: str) -> list[str]:
    """Partner ``a``'s projects in city ``c``, sorted, read from whichever side has fewer (a partner can have
    thousands of projects, a city a few)."""
    projects, here = tg.sources_of("involves_partner", a), tg.projects_in(c)
    if len(here) < len(projects):
        return [p for p in here if a in tg.targets("involves_partner", p)]
    return [p for p in projects if c in tg.cities_of(p)]


def _partner_city_ties(tg: TypedGraph, a: str, c: str) -> list[Reason]:
    reasons = []
    for p in _projects_of_in(tg, a, c):
        reasons.append(
            Reason(
                "project",
                p,
                tg.label(p),
                f"{tg.name(a)} already works on {tg.name(p)} there",
                tuple(evidence(tg, "involves_partner", p, a)[:1]),
            )
        )
    city_programmes = _programmes_of_city(tg, c)
    for g in tg.targets("runs_programme", a):
        if g in city_programmes:
            ev = evidence(tg, "runs_programme", a, g)[:1] + first_evidence(tg, city_programmes[g], 1)
            reasons.append(
                Reason(
                    "programme",
                    g,
                    tg.label(g),
                    f"{tg.name(c)} takes part in {tg.name(g)}, which {tg.name(a)} runs or takes part in",
                    tuple(ev),
                )
            )
    family = [("parent_partner", a, x) for x in tg.targets("parent_partner", a)]
    family += [("parent_partner", x, a) for x in tg.sources_of("parent_partner", a)]
    city_partners = _partner_links_of_city(tg, c)
    for link in sorted(family):
        other = link[2] if link[1] == a else link[1]
        pairings = [t for t in city_partners.get(other, []) if t[0] == "paired_partner"]
        if pairings:
            ev = evidence(tg, *link)[:1] + first_evidence(tg, pairings, 1)
            reasons.append(
                Reason(
                    "family",
                    other,
                    tg.label(other),
                    f"{tg.name(c)} pairs with {tg.name(other)}, to which {tg.name(a)} is related",
                    tuple(ev),
                )
            )
    city_focus = focus_of_city(tg, c)
    partner_focus: dict[str, list[str]] = {}
    for p in tg.sources_of("involves_partner", a):
        for f in tg.targets("focus_area", p):
            partner_focus.setdefault(f, []).append(p)
    for f in _rarer_first(tg, set(partner_focus) & set(city_focus)):
        ev = first_evidence(tg, [("focus_area", p, f) for p in partner_focus[f]], 1) + first_evidence(
            tg, [("focus_area", p, f) for p in city_focus[f]], 1
        )
        reasons.append(
            Reason(
                "focus_area",
                f,
                tg.label(f),
                f"{_possessive(tg.name(a))} projects and {_possessive(tg.name(c))} both work on {tg.name(f)}",
                tuple(ev),
            )
        )
    return reasons
