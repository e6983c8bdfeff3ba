"""Reviewing proposals: list, show, accept or reject them; an accepted batch is written with PROV-O and released.

Accepting turns each proposal into data triples (a pairing, a project, an event, a count, a joining year, a new
partner) in the accepted graph (:data:`graph.releases.ACCEPTED_GRAPH`), together with

- the document, now an ``ascn:SourceDocument`` every new triple's subject cites (``dcterms:source``);
- an ``ascn:AcceptedFact`` (a ``prov:Entity``) listing the triples as ``rdf:Statement`` nodes, with the evidence
  sentence, ``prov:wasDerivedFrom`` the source and the proposal, ``prov:wasGeneratedBy`` the review;
- the review, a ``prov:Activity`` ``prov:wasAssociatedWith`` the curator (a ``prov:Agent``) and ending at its time.

The data shapes check the result with the rest of the data before anything is written: a proposal that would
break them (a project without a focus area, a second joining year) is refused with the shape's message, and
``overrides`` (``focus_area=...``) supply what the text did not say. The accepted graph, the proposals' new status
and the new release are written in one transaction. Rejected proposals stay in the proposals graph, marked
rejected with who and when, for audit.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NoReturn

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from graph import releases
from graph.backends import memory_store
from graph.describe import BUILD_GRAPH, revise
from graph.store import Store, construct, select
from loaders import shacl_sparql
from loaders.ingest.proposals import ACCEPTED, PENDING, REJECTED, current_proposals
from loaders.schema import SCHEMA as RECORD_SCHEMA
from loaders.to_rdf import NETWORK, iri, typed_date
from loaders.writing import writing
from ontology import ontology_graph
from ontology.errors import InputError, NotFound, shown
from ontology.namespace import ASCN, GRAPH, ID, SCHEMA
from queries.library import internal

STATUS_WORDS = {"ongoing", "planning", "completed", "ongoing_or_planning", "unknown"}
RECORD_KINDS = ("fact", "review", "curator")
"""The kinds of IRI an acceptance mints to record how a fact came in (the accepted fact and its statements, the
review, the curator: PROV-O), beside the facts about the network it adds (:func:`accept`)."""
PARTNER_KINDS = {
    "organisation": ASCN.PartnerOrganisation,
    "company": ASCN.PartnerCompany,
    "country": ASCN.PartnerCountry,
    "city": ASCN.PartnerCity,
}
FOCUS_AREAS: tuple[str, ...] = next(f.values for f in RECORD_SCHEMA["focus_area"] if f.name == "id")
"""The focus areas' ids, as a record file's ``focus_area`` may name them: a new project's ``focus_area`` is one."""
OVERRIDES = {
    "focus_area": f"a focus area id ({', '.join(FOCUS_AREAS)}) for a project",
    "partner_kind": "organisation, company, country or city for a new partner",
    "status": "ongoing, planning, completed, ongoing_or_planning or unknown for a project",
}


@dataclass
class Proposal:
    """A proposal as a curator sees it."""

    iri: str
    kind: str
    status: str
    label: str
    evidence: str
    document: str
    document_title: str
    fields: dict[str, object] = field(default_factory=dict)
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    note: str | None = None

    @property
    def id(self) -> str:
        return self.iri.rsplit("/", 1)[-1]

    @property
    def lacks_city(self) -> bool:
        """A new project its text names without a city, and not as a known project: no acceptance can add it (a
        project belongs to a member city or to the whole network), so the review page offers no Accept for it."""
        return (
            self.kind == "new-project"
            and not isinstance(self.fields.get("project"), URIRef)
            and not isinstance(self.fields.get("city"), URIRef)
        )


def _read(g: Graph, p: URIRef) -> Proposal:
    fields = {str(g.value(f, ASCN.fieldName)): g.value(f, RDF.value) for f in g.objects(p, ASCN.field)}
    doc = g.value(p, ASCN.fromDocument)
    reviewer = g.value(p, PROV.wasAttributedTo)
    return Proposal(
        str(p),
        str(g.value(p, ASCN.proposalKind)),
        str(g.value(p, ASCN.reviewStatus)),
        str(g.value(p, RDFS.label)),
        str(g.value(p, ASCN.evidence)),
        str(doc),
        str(g.value(doc, RDFS.label)),
        dict(sorted(fields.items())),
        str(g.value(reviewer, RDFS.label)) if reviewer else None,
        str(g.value(p, PROV.invalidatedAtTime) or g.value(p, ASCN.reviewedAt) or "") or None,
        str(g.value(p, ASCN.reviewNote)) if g.value(p, ASCN.reviewNote) else None,
    )


def list_proposals(store: Store, status: str | None = PENDING) -> list[Proposal]:
    """The proposals of one status (None: all), by document then kind."""
    g = current_proposals(store)
    found = [_read(g, p) for p in g.subjects(RDF.type, ASCN.Proposal) if isinstance(p, URIRef)]  # minted IRIs
    found = [p for p in found if status in (None, p.status)]
    return sorted(found, key=lambda p: (p.document_title, p.document, p.kind, p.label))


def get_proposal(store: Store, ident: str) -> Proposal:
    """One proposal by its id (the end of its IRI) or its IRI; NotFound names close ids."""
    g = current_proposals(store)
    target = URIRef(ident if ident.startswith("http") else str(ID[f"proposal/{ident}"]))
    if (target, RDF.type, ASCN.Proposal) not in g:
        known = [str(p).rsplit("/", 1)[-1] for p in g.subjects(RDF.type, ASCN.Proposal)]
        raise NotFound(f"no proposal {shown(ident)}", suggestions=[k for k in known if k.startswith(ident[:4])][:5])
    return _read(g, target)


def reject(
    store: Store, idents: list[str], curator: str, note: str | None = None, now: datetime | None = None
) -> list[Proposal]:
    """Mark proposals rejected (kept for audit, with who, when and why)."""
    now = now or datetime.now(UTC)
    with writing(store):
        chosen = [_pending(store, i) for i in distinct(idents)]
        g = current_proposals(store)
        for p in chosen:
            _mark(g, URIRef(p.iri), REJECTED, curator, now, note)
        store.replace_graphs({releases.PROPOSALS_GRAPH: g})
    return chosen


def distinct(idents: list[str]) -> list[str]:
    """The proposals ``idents`` name, each once, as ids: a proposal named twice in one review (by its id, or its id and
    its IRI) was reviewed twice and counted twice ("accepted 2 proposal(s)" for one).

    >>> distinct(["abc", "https://w3id.org/ascn/id/proposal/abc", "def", "abc"])
    ['abc', 'def']
    """
    prefix = str(ID["proposal/"])
    return list(dict.fromkeys(i.removeprefix(prefix) for i in idents))


def _pending(store: Store, ident: str) -> Proposal:
    p = get_proposal(store, ident)
    if p.status != PENDING:
        raise InputError(p.id, None, "status", "a pending proposal", f"one already {p.status}")
    return p


def _mark(
    g: Graph, p: URIRef, status: str, curator: str, now: datetime, note: str | None, release: URIRef | None = None
) -> None:
    g.set((p, ASCN.reviewStatus, Literal(status)))
    g.set((p, PROV.wasAttributedTo, curator_iri(curator)))
    g.add((curator_iri(curator), RDF.type, PROV.Agent))
    g.set((curator_iri(curator), RDFS.label, Literal(curator)))
    g.set((p, ASCN.reviewedAt, Literal(now.isoformat(timespec="seconds"), datatype=XSD.dateTime)))
    if note:
        g.set((p, ASCN.reviewNote, Literal(note)))
    if release is not None:
        g.set((p, ASCN.acceptedIn, release))


def is_a_name(text: str) -> bool:
    """Whether ``text`` can name the curator a review records: it holds a letter or a digit. Zero-width characters,
    a soft hyphen or dots alone passed as a name no one can read.

    >>> is_a_name("Mai Tran"), is_a_name("\u200b\u200d"), is_a_name("..."), is_a_name("")
    (True, False, False, False)
    """
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def curator_iri(name: str) -> URIRef:
    """The agent IRI of a curator, from their name.

    >>> str(curator_iri("Mai Tran"))
    'https://w3id.org/ascn/id/curator/mai-tran'
    """
    if not is_a_name(name):
        raise InputError(
            "curator", None, None, "the name of the curator who reviews", repr(name) if name else "nothing"
        )
    return ID[f"curator/{_slug(name)}"]


def _slug(text: str) -> str:
    """An id part from a name: its Latin letters and digits in lower case, joined by hyphens. A name with letters of
    another script also gets a digest of the whole name, so that two such names never share an id: every Thai
    curator's name gave "x", one agent for all of them, and "Dr. สมชาย" and "Dr. สมหญิง" both gave "dr".

    >>> _slug("Mai Tran"), _slug("Nguyễn Văn A"), _slug("สมชาย") == _slug("สมหญิง"), _slug("Dr. สมชาย")[:3]
    ('mai-tran', 'nguy-n-v-n-a', False, 'dr-')
    """
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
    if any(c.isalpha() and not unicodedata.name(c, "").startswith("LATIN") for c in text):
        slug = f"{slug}-{hashlib.sha256(text.encode()).hexdigest()[:12]}".lstrip("-")
    return slug or "x"


def accept(
    store: Store,
    idents: list[str],
    curator: str,
    note: str | None = None,
    overrides: dict[str, str] | None = None,
    now: datetime | None = None,
) -> releases.Release:
    """Accept proposals as one batch: their facts, sources and provenance go into the accepted graph and a new
    release is made. Nothing is written if any proposal is refused."""
    with writing(store):
        return _accept(store, idents, curator, note, overrides, now)


def _accept(
    store: Store,
    idents: list[str],
    curator: str,
    note: str | None,
    overrides: dict[str, str] | None,
    now: datetime | None,
) -> releases.Release:
    now = now or datetime.now(UTC)
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(OVERRIDES))
    if unknown:
        raise InputError("--set", None, unknown[0], "one of: " + ", ".join(OVERRIDES), unknown[0])
    chosen = [_pending(store, i) for i in distinct(idents)]
    if not chosen:
        raise InputError("accept", None, None, "at least one proposal id", "none")
    proposals = current_proposals(store)
    accepted = construct(store.query, internal("graph_triples").bind({"graph": releases.ACCEPTED_GRAPH}))
    old = releases.data_content(store)  # read once: the counts' check, the shapes' and the release's diff use it
    added = Graph()
    for p in chosen:
        added += _accepted_fact(store, proposals, p, curator, now, overrides, old)
    _check(old, accepted + added)
    new = old + added
    note_text = note or f"{len(chosen)} proposal(s) accepted by {curator}"
    planned = releases.plan(store, old, new, "accepted", note_text, now)
    if planned is None:
        raise InputError(chosen[0].id, None, None, "a fact the data does not hold yet", "nothing new")
    release, description = planned
    for p in chosen:
        _mark(proposals, URIRef(p.iri), ACCEPTED, curator, now, note, release.iri)
    build = construct(store.query, internal("build_description").sparql)
    store.replace_graphs(
        {
            releases.ACCEPTED_GRAPH: accepted + added,
            releases.PROPOSALS_GRAPH: proposals,
            release.graph: description,
            BUILD_GRAPH: revise(build, release.version, now),
        }
    )
    return release


def _check(data: Graph, accepted: Graph) -> None:
    """Refuse the accepted graph if the data shapes reject it beside the rest of the data (``data``, the store's
    :func:`graph.releases.data_content`)."""
    staged = memory_store()
    staged.replace_graphs(
        {
            str(GRAPH["ontology"]): ontology_graph(),
            str(GRAPH["bundled/all"]): data,
            releases.ACCEPTED_GRAPH: accepted,
        }
    )
    shacl_sparql.validate(staged.query, releases.ACCEPTED_GRAPH, file="accepted proposals")


def _agrees_with_held_counts(data: Graph, p: Proposal, prop: URIRef, as_of: str, value: int) -> None:
    """Refuse a count that contradicts one the data holds for the same date: two member counts of September 2025
    (35 in the data, 26 from an article the next day corrected) left the network's size that month two numbers, and
    every page, chart and answer showed whichever came first. ``data`` is the store's
    :func:`graph.releases.data_content`."""
    held = {
        int(str(data.value(m, RDF.value)))
        for m in data.objects(NETWORK, prop)
        if str(data.value(m, ASCN.asOf)) == as_of and data.value(m, RDF.value) is not None
    }
    if held and value not in held:
        counted = "member cities" if prop == ASCN.memberCount else "projects"
        expected = f"a count that agrees with the data's {' or '.join(map(str, sorted(held)))} {counted} as of {as_of}"
        raise InputError(p.id, None, "value", expected, str(value))


def _value(p: Proposal, name: str, required: bool = True):
    value = p.fields.get(name)
    if value is None and required:
        raise InputError(p.id, None, name, f"a {name}", "none in the proposal")
    return value


def _entity(p: Proposal, name: str, what: str) -> URIRef:
    """A field that must name a known entity; a new one (a literal) must be accepted as a new entity first."""
    value = _value(p, name)
    if not isinstance(value, URIRef):
        raise InputError(
            p.id,
            None,
            name,
            f"a known {what} (accept the new-{what} proposal for {value} first, then ingest again)",
            str(value),
        )
    return value


def _accepted_fact(
    store: Store, proposals: Graph, p: Proposal, curator: str, now: datetime, overrides: dict[str, str], held: Graph
) -> Graph:
    """The facts, source and provenance accepting ``p`` adds; ``held`` is the data the store holds now."""
    g = Graph()
    key = p.id
    source = _source(proposals, URIRef(p.document), g)
    data = Graph()
    kind = p.kind
    if kind == "joining":
        data.add((_entity(p, "city", "city"), ASCN.joinedYear, _value(p, "year")))
    elif kind == "pairing":
        city, partner = _entity(p, "city", "city"), _entity(p, "partner", "partner")
        node = ID[f"pairing/{city.rsplit('/', 1)[-1]}-{partner.rsplit('/', 1)[-1]}-{key[:6]}"]
        data.add((node, RDF.type, ASCN.Pairing))
        data.add((node, RDFS.label, Literal(f"{_label(store, city)} – {_label(store, partner)}", lang="en")))
        data.add((node, ASCN.pairedCity, city))
        data.add((node, ASCN.pairedPartner, partner))
        programme = p.fields.get("programme")
        if isinstance(programme, URIRef):
            data.add((node, ASCN.underProgramme, programme))
        data.add((node, DCTERMS.source, source))
    elif kind in ("project", "new-project"):
        _project(store, proposals, p, data, source, overrides)
    elif kind == "milestone":
        date = _value(p, "date")
        node = ID[f"event/{date}-p{key[:6]}"]
        data.add((NETWORK, ASCN.milestone, node))
        is_meeting = re.search(r"\b(meeting|summit)\b", p.evidence, re.I)
        data.add((node, RDF.type, ASCN.Meeting if is_meeting else ASCN.Event))
        data.add((node, ASCN.eventKind, ID[f"event-kind/{'meeting' if is_meeting else 'announcement'}"]))
        name = p.fields.get("event")
        data.add((node, RDFS.label, Literal(str(name) if name else p.evidence[:120], lang="en")))
        data.add((node, DCTERMS.description, Literal(p.evidence, lang="en")))
        data.add((node, ASCN.startDate, typed_date(str(date))))
        notes = [
            f"{role}: {_label(store, v) if isinstance(v, URIRef) else v}"
            for role, v in (("chair", p.fields.get("chair")), ("host", p.fields.get("host")))
            if v is not None
        ]
        if notes:
            data.add((node, SKOS.note, Literal("; ".join(notes), lang="en")))
        data.add((node, DCTERMS.source, source))
    elif kind == "count":
        counted = str(_value(p, "counted"))
        prop, slug = (ASCN.memberCount, "member-count") if counted == "cities" else (ASCN.projectCount, "project-count")
        as_of = p.fields.get("as_of")
        if as_of is not None:
            _agrees_with_held_counts(held, p, prop, str(as_of), int(str(_value(p, "value"))))
        node = ID[f"network/ascn/{slug}/ingest-{key[:8]}"]
        data.add((NETWORK, prop, node))
        data.add((node, RDF.type, ASCN.Measurement))
        data.add((node, RDF.value, Literal(int(str(_value(p, "value"))))))
        if as_of:
            data.add((node, ASCN.asOf, typed_date(str(as_of))))
        data.add((node, DCTERMS.source, source))
    elif kind == "new-partner":
        name = str(_value(p, "name"))
        partner_kind = overrides.get("partner_kind", "organisation")
        if partner_kind not in PARTNER_KINDS:
            raise InputError(p.id, None, "partner_kind", OVERRIDES["partner_kind"], partner_kind)
        node = iri("partner", _slug(name))
        data.add((node, RDF.type, PARTNER_KINDS[partner_kind]))
        data.add((node, RDFS.label, Literal(name, lang="en")))
        data.add((node, DCTERMS.source, source))
    else:
        raise InputError(
            p.id,
            None,
            "kind",
            "a proposal that can become data here (a new city needs its country "
            "and coordinates: add it as a record with `ascn load`)",
            kind,
        )
    g += data
    fact = ID[f"fact/{key}"]
    review = ID[f"review/{key}"]
    agent = curator_iri(curator)
    g.add((fact, RDF.type, ASCN.AcceptedFact))
    g.add((fact, RDFS.label, Literal(p.label)))
    g.add((fact, ASCN.evidence, Literal(p.evidence)))
    g.add((fact, DCTERMS.source, source))
    g.add((fact, PROV.wasDerivedFrom, source))
    g.add((fact, PROV.wasDerivedFrom, URIRef(p.iri)))
    g.add((fact, PROV.wasGeneratedBy, review))
    g.add((fact, PROV.generatedAtTime, Literal(now.isoformat(timespec="seconds"), datatype=XSD.dateTime)))
    for i, (s, pr, o) in enumerate(sorted(data), start=1):
        st = URIRef(f"{fact}/assertion/{i}")
        g.add((fact, ASCN.assertion, st))
        g.add((st, RDF.type, RDF.Statement))
        g.add((st, RDF.subject, s))
        g.add((st, RDF.predicate, pr))
        g.add((st, RDF.object, o))
    g.add((review, RDF.type, PROV.Activity))
    g.add((review, RDFS.label, Literal(f"review of proposal {key} by {curator}")))
    g.add((review, PROV.used, URIRef(p.iri)))
    g.add((review, PROV.wasAssociatedWith, agent))
    g.add((review, PROV.endedAtTime, Literal(now.isoformat(timespec="seconds"), datatype=XSD.dateTime)))
    g.add((agent, RDF.type, PROV.Agent))
    g.add((agent, RDFS.label, Literal(curator)))
    return g


def _project(
    store: Store, proposals: Graph, p: Proposal, data: Graph, source: URIRef, overrides: dict[str, str]
) -> None:
    known = p.fields.get("project")
    partner = p.fields.get("partner")
    if isinstance(known, URIRef):  # a known project: the text adds a partner to it, nothing else it could hold twice
        if not isinstance(partner, URIRef):
            raise InputError(p.id, None, "partner", "a known partner to add to the known project", str(partner))
        data.add((known, ASCN.involvesPartner, partner))
        data.add((known, DCTERMS.source, source))
        return
    name = str(_value(p, "name"))
    if p.lacks_city:
        _refuse_without_city(proposals, p, name)
    city = _entity(p, "city", "city") if p.kind == "project" else p.fields["city"]
    focus = overrides.get("focus_area")
    if not focus:
        raise InputError(
            p.id,
            None,
            "focus_area",
            "a focus area for the new project (--set focus_area=ID; " + OVERRIDES["focus_area"] + ")",
            "none (the text gives none)",
        )
    if focus not in FOCUS_AREAS:  # any other text made an IRI the store refused, in its own words
        raise InputError(p.id, None, "focus_area", OVERRIDES["focus_area"], focus)
    status = overrides.get("status") or (str(p.fields["status"]) if p.fields.get("status") else "unknown")
    if status not in STATUS_WORDS:
        raise InputError(p.id, None, "status", OVERRIDES["status"], status)
    node = iri("project", f"{_slug(name)}-{p.id[:6]}")
    data.add((node, RDF.type, ASCN.Project))
    data.add((node, RDFS.label, Literal(name, lang="en")))
    if isinstance(city, URIRef):
        data.add((node, ASCN.inCity, city))
    data.add((node, ASCN.focusArea, iri("focus_area", focus)))
    data.add((node, ASCN.status, ID[f"status/{status}"]))
    data.add((node, ASCN.namedOnly, Literal(False)))
    data.add((node, DCTERMS.description, Literal(p.evidence, lang="en")))
    if isinstance(partner, URIRef):
        data.add((node, ASCN.involvesPartner, partner))
    data.add((node, DCTERMS.source, source))


def _refuse_without_city(proposals: Graph, p: Proposal, name: str) -> NoReturn:
    """Refuse a new project whose text names no city, naming the project proposal that gives its city.

    A project belongs to a member city or to the whole network, so such a project was refused by the data shapes,
    in their words ("exactly one of the two"), after the curator had chosen its focus area; the project proposal of
    the same document, which names the project with its city, is what adds it."""
    siblings = [
        _read(proposals, q)
        for q in proposals.subjects(ASCN.fromDocument, URIRef(p.document))
        if isinstance(q, URIRef) and str(proposals.value(q, ASCN.proposalKind)) == "project"
    ]
    named = [q for q in siblings if str(q.fields.get("name")) == name]
    by_record = "add the project as a record with its city (`ascn template project`, `ascn load`)"
    if not named or named[0].status == REJECTED:
        expected = f"a city: {by_record}"
    else:
        then = "which is accepted" if named[0].status == ACCEPTED else "accept that one instead"
        expected = f"a city: proposal {named[0].id} names this project with its city, {then}; reject this one"
    raise InputError(p.id, None, "city", expected, "none (the text names the project only)")


def _source(proposals: Graph, doc: URIRef, g: Graph) -> URIRef:
    """The ingested document as a source document of the data."""
    digest = str(proposals.value(doc, ASCN.contentDigest)).removeprefix("sha256:")
    s = ID[f"source/ingest-{digest[:16]}"]
    title = proposals.value(doc, DCTERMS.title) or proposals.value(doc, RDFS.label)
    g.add((s, RDF.type, ASCN.SourceDocument))
    g.add((s, RDFS.label, Literal(str(title), lang="en")))
    g.add((s, DCTERMS.title, Literal(str(title), lang="en")))
    for prop in (DCTERMS.publisher,):
        if proposals.value(doc, prop):
            g.add((s, prop, Literal(str(proposals.value(doc, prop)))))
    for prop in (DCTERMS.issued, SCHEMA.url, ASCN.sourceKind):
        if (value := proposals.value(doc, prop)) is not None:
            g.add((s, prop, value))
    g.add((s, PROV.wasDerivedFrom, doc))
    return s


def _label(store: Store, entity: URIRef) -> str:
    table = select(store.query, internal("label").bind({"entity": str(entity)}))
    return str(table.rows[0][0]) if len(table) else entity.rsplit("/", 1)[-1]
