"""What an entity page shows, built from the entity's description graph and its incoming links.

Each fact is shown with the sources and confidence it rests on: a plain fact of an entity rests on the
entity's own ``dcterms:source`` and confidence mark; a qualified value (a population figure, a geometry, a
statement) is a node of its own with its own sources, note and confidence. The facts each type is expected to
have are listed in :data:`TYPES`, so a missing one is shown as a gap ("no population figure in the sources")
rather than silently left out. Facts not listed there are still shown, named by the ontology's labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from graph.prose import period_in_words
from ontology.namespace import ASCN, GEO, SCHEMA, WGS
from webapp.page_data import entity_type, href_of, local_path, rows, sorted_terms, text

CONFIDENCE = ASCN.confidence
CONFIDENCE_REASON = ASCN.confidenceReason
NODE_TYPES = {ASCN.Measurement, ASCN.Statement, GEO.Geometry, ASCN.ReportedPeriod}
HIDDEN = {RDF.type, RDFS.label, SKOS.prefLabel, DCTERMS.source, CONFIDENCE, CONFIDENCE_REASON, WGS.lat, WGS.long}
"""Shown elsewhere on the page (title, sources, confidence mark, the location row) rather than as facts."""
VOCABULARY_LABELS = {
    SKOS.topConceptOf: "Top concept of",
    SKOS.hasTopConcept: "Top concepts",
    SKOS.inScheme: "In scheme",
    SKOS.broader: "Broader concept",
    SKOS.narrower: "Narrower concepts",
    SKOS.related: "Related concepts",
    SKOS.exactMatch: "Same as",
    SKOS.closeMatch: "Close to",
    SKOS.definition: "Definition",
    SKOS.altLabel: "Also called",
    SKOS.note: "Note",
    SKOS.scopeNote: "Scope",
    GEO.hasGeometry: "Location",
    SKOS.notation: "Code",
    DCTERMS.title: "Title",
    DCTERMS.description: "Description",
    RDFS.comment: "Comment",
    RDFS.seeAlso: "See also",
}
"""Names of the standard vocabularies' properties the ontology does not label itself (it reuses them)."""
REPEATS = {SKOS.topConceptOf: SKOS.inScheme}
"""A property left out when it says nothing the other one does not (a top concept is in its scheme)."""


@dataclass(frozen=True)
class Expect:
    """A fact a type of entity is expected to have: its property, its name on the page and the gap text."""

    prop: URIRef
    label: str
    gap: str | None = None


@dataclass(frozen=True)
class TypeInfo:
    name: str
    facts: tuple[Expect, ...] = ()
    incoming: tuple[Expect, ...] = ()


def _e(prop: str, label: str, gap: str | None = None) -> Expect:
    """An expected ASCN property (a misspelt name raises: the namespace is closed)."""
    return Expect(ASCN[prop], label, gap)


_DESCRIPTION = Expect(DCTERMS.description, "Description")
_NOTE = Expect(SKOS.note, "Note")
_ALT = Expect(SKOS.altLabel, "Also called")

TYPES: dict[str, TypeInfo] = {
    "city": TypeInfo(
        "member city",
        (
            _e("country", "Member state"),
            _e("joinedYear", "Joined the ASCN", "no year of joining in the sources"),
            _e("pilotCity", "One of the 26 pilot cities of 2018"),
            _e("population", "Population", "no population figure in the sources"),
            _e("landArea", "Land area", "no land-area figure in the sources"),
            Expect(GEO.hasGeometry, "Location", "no coordinates in the sources"),
            _ALT,
            _DESCRIPTION,
            Expect(SKOS.historyNote, "Name history"),
            _NOTE,
            _e("memberOf", "Member of"),
        ),
        (
            _e("inCity", "Projects", "no projects of this city in the sources"),
            _e("otherCity", "Projects it shares with other member cities"),
            _e("pairedCity", "Pairings with external partners", "no pairing with an external partner in the sources"),
            _e("concernsCity", "Best practices about this city"),
        ),
    ),
    "country": TypeInfo(
        "member state",
        (
            _e("iso3166Alpha2", "ISO 3166 alpha-2"),
            _e("iso3166Alpha3", "ISO 3166 alpha-3"),
            _e("aseanMemberSince", "ASEAN member since"),
            _ALT,
            _DESCRIPTION,
            _NOTE,
        ),
        (
            _e("country", "Member cities", "no member city of this state in the sources"),
            _e("hostCountry", "Annual meetings it hosted"),
            _e("chairCountry", "Annual meetings it chaired"),
            _e("nextChair", "Annual meetings that named it the next chair"),
        ),
    ),
    "partner": TypeInfo(
        "external partner",
        (
            _DESCRIPTION,
            _e("abbreviation", "Abbreviation"),
            _e("parentPartner", "Part of"),
            _e("partnerProgramme", "Programmes"),
            _e(
                "reportedFundingPeriod", "Funding period as reported (the sources disagree; each is shown with its own)"
            ),
            _ALT,
            _NOTE,
        ),
        (
            _e("pairedPartner", "Pairings with member cities", "no pairing with a member city in the sources"),
            _e("partnerSideEntity", "Pairings it does the work for"),
            _e("involvesPartner", "Projects it is involved in", "no project involving this partner in the sources"),
            _e("parentPartner", "Parts of this partner"),
            _e("leadPartner", "Programmes it leads"),
            _e("partnerProgramme", "Partners taking part in the same programme"),
        ),
    ),
    "programme": TypeInfo(
        "partner programme",
        (
            _DESCRIPTION,
            _e("leadPartner", "Lead partner", "the sources do not say who runs it"),
            _ALT,
            _NOTE,
        ),
        (
            _e("partnerProgramme", "Partners running or taking part in it"),
            _e("underProgramme", "Pairings under this programme", "no pairing under this programme in the sources"),
        ),
    ),
    "pairing": TypeInfo(
        "city–partner pairing",
        (
            _e("pairedCity", "Member city"),
            _e("pairedPartner", "Partner"),
            _e("partnerSideEntity", "Agency doing the work"),
            _e("citySideEntity", "City-side body"),
            _e("partnerCityName", "Partner city"),
            _e("underProgramme", "Programme", "no programme named in the sources"),
            _e("programmeAsStated", "Programme as the source words it"),
            _e("startYear", "Start year", "no start year in the sources"),
            _e("endYear", "End year"),
            _e("yearNote", "On the years"),
            _e("pairingStage", "Stage"),
            _DESCRIPTION,
            _NOTE,
        ),
    ),
    "project": TypeInfo(
        "project",
        (
            _e("inCity", "City"),
            _e("otherCity", "Also in"),
            _e("networkWide", "Network-wide"),
            _DESCRIPTION,
            _e("status", "Status"),
            _e("statusAsOf", "Status as of", "no date of the status in the sources"),
            _e("period", "Period as stated", "no period in the sources"),
            _e("startYear", "Start year"),
            _e("endYear", "End year"),
            _e("focusArea", "Focus areas"),
            _e("strategicOutcome", "Strategic outcomes", "the sources link no strategic outcome to this project yet"),
            _e("involvesPartner", "Partners involved", "no external partner named in the sources"),
            _e("namedOnly", "Only named in the sources"),
            _ALT,
            _NOTE,
        ),
        (_e("concernsProject", "Best practices about this project"),),
    ),
    "focus-area": TypeInfo(
        "focus area",
        (
            Expect(SKOS.definition, "Definition"),
            _e("meSubcategory", "M&E sub-categories"),
            _e("shareOfProjects", "Share of ASCN projects"),
            Expect(SKOS.inScheme, "In scheme"),
        ),
        (_e("focusArea", "Projects in this focus area", "no project in this focus area in the sources"),),
    ),
    "outcome": TypeInfo(
        "strategic outcome",
        (
            Expect(SKOS.definition, "Definition"),
            Expect(SKOS.inScheme, "In scheme"),
        ),
        (_e("strategicOutcome", "Projects aiming at this outcome", "the sources link no project to this outcome yet"),),
    ),
    "practice": TypeInfo(
        "best practice",
        (
            _e("practiceKind", "Kind"),
            _DESCRIPTION,
            _e("concernsProject", "Project"),
            _e("concernsCity", "City"),
            _NOTE,
        ),
    ),
    "source": TypeInfo(
        "source document",
        (
            Expect(DCTERMS.title, "Title"),
            Expect(DCTERMS.publisher, "Publisher"),
            Expect(DCTERMS.issued, "Issued", "no publication date recorded"),
            Expect(SCHEMA.url, "Address"),
            _e("sourceKind", "Kind of source"),
            _NOTE,
        ),
        (Expect(DCTERMS.source, "Facts taken from this source"),),
    ),
    "network": TypeInfo(
        "network",
        (
            _ALT,
            _DESCRIPTION,
            Expect(SCHEMA.foundingDate, "Established"),
            _e("framework", "Framework"),
            _e("memberCount", "Members reported"),
            _e("projectCount", "Projects reported"),
            _e("shepherd", "Shepherds"),
            _e("statement", "What the sources say"),
            _e("milestone", "Milestones"),
            _e("annualMeeting", "Annual meetings"),
        ),
        (_e("memberOf", "Member cities"),),
    ),
    "framework": TypeInfo(
        "framework",
        (
            _DESCRIPTION,
            _e("endorsedOn", "Endorsed on"),
            _e("adoptedOn", "Adopted on"),
            _e("statement", "What the sources say"),
        ),
        (_e("framework", "Adopted by"),),
    ),
    "event": TypeInfo(
        "event",
        (
            _e("eventKind", "Kind"),
            _e("startDate", "Date"),
            _e("endDate", "End date"),
            _DESCRIPTION,
        ),
        (_e("milestone", "Milestone of"),),
    ),
    "annual-meeting": TypeInfo(
        "ASCN annual meeting",
        (
            _e("meetingNumber", "Number"),
            _e("eventKind", "Kind"),
            _e("startDate", "Date"),
            _e("datesNote", "On the dates"),
            _e("hostCountry", "Host country"),
            _e("venue", "Venue", "no venue in the sources (or held online)"),
            _e("meetingFormat", "Format", "the sources do not say how it was held"),
            _e("chairCountry", "Chair country"),
            _e("chair", "Chair", "no source names the chair"),
            _e("nextChair", "Next chair named", "no source reports a next chair named at this meeting"),
            _ALT,
            _NOTE,
        ),
        (_e("annualMeeting", "Annual meeting of"),),
    ),
}
GENERIC = TypeInfo("entity")


def kind_name(kind: str) -> str:
    """What a reader calls an entity of ``kind`` (the IRI's type segment): its :data:`TYPES` name, else the segment
    in words (``source-kind``: "source kind"), rather than the bare "entity".

    >>> kind_name("pairing"), kind_name("source-kind"), kind_name("")
    ('city–partner pairing', 'source kind', 'entity')
    """
    return TYPES[kind].name if kind in TYPES else kind.replace("-", " ") or GENERIC.name


@dataclass
class Value:
    """One value of a fact: text or a link, with the sources/confidence of its own node when it has one."""

    text: str
    path: str | None = None
    href: str | None = None
    detail: list[str] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    confidence: dict | None = None
    reports: list[Value] = field(default_factory=list)
    """Disagreeing reports of part of this value (a statement's reported terms), each with its own sources."""


@dataclass
class Fact:
    label: str
    values: list[Value]
    gap: str | None = None
    sources: list[dict] = field(default_factory=list)
    confidence: dict | None = None


@dataclass
class Entity:
    iri: str
    kind: str
    type_name: str
    label: str
    classes: list[str]
    facts: list[Fact]
    incoming: list[Fact]
    sources: list[dict]
    confidence: dict | None
    coordinates: tuple[float, float] | None


def name_of(graph: Graph, node) -> str:
    """The best name the description holds for ``node``: label, preferred label, title, else its IRI's end."""
    for prop in (RDFS.label, SKOS.prefLabel, DCTERMS.title):
        value = graph.value(node, prop)
        if value is not None:
            return str(value)
    return str(node).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


class SourceIndex:
    """Numbers the sources of one page in order of first use, so each fact can cite them as [1], [2] …"""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.numbers: dict[str, dict] = {}

    def __call__(self, node) -> list[dict]:
        """The numbered sources of ``node`` (its ``dcterms:source``), sorted by title."""
        out = []
        for s in sorted(self.graph.objects(node, DCTERMS.source), key=lambda s: name_of(self.graph, s).lower()):
            ref = self.numbers.setdefault(
                str(s),
                {
                    "n": len(self.numbers) + 1,
                    "iri": str(s),
                    "path": local_path(s if isinstance(s, URIRef) else None),
                    "title": name_of(self.graph, s),
                },
            )
            out.append(ref)
        return out

    def all(self) -> list[dict]:
        return sorted(self.numbers.values(), key=lambda ref: ref["n"])


def build(iri: URIRef, graph: Graph) -> Entity:
    """The view of ``iri`` from its description ``graph`` (see ``entity_description.rq``) and incoming links."""
    kind = entity_type(iri) or ""
    # a qualifying node (a partner's funding period, a city's population) has its owner's type segment, not its
    # owner's expected facts and links: "no pairing with a member city in the sources" on a funding period
    info = GENERIC if any((iri, RDF.type, t) in graph for t in NODE_TYPES) else TYPES.get(kind, GENERIC)
    index = SourceIndex(graph)
    sources = index(iri)
    confidence = _confidence(graph, iri)
    shown = {e.prop for e in info.facts}
    facts = [_fact(graph, index, iri, e.prop, e.label, e.gap, sources, confidence) for e in info.facts]
    others = sorted_terms(
        {p for p in graph.predicates(iri, None) if p not in shown and p not in HIDDEN and not _repeats(graph, iri, p)}
    )
    labels = property_labels(others) if others else {}
    facts += [_fact(graph, index, iri, p, labels.get(str(p), _local(p)), None, sources, confidence) for p in others]
    facts = [f for f in facts if f.values or f.gap]
    own = [ref["iri"] for ref in sources]
    for fact in facts:  # a value citing exactly the record's sources cites them as the record does
        for value in fact.values:
            if value.sources and [ref["iri"] for ref in value.sources] == own:
                value.sources, fact.sources = [], sources
    lat, long = graph.value(iri, WGS.lat), graph.value(iri, WGS.long)
    classes = sorted(
        name_of(graph, c) if graph.value(c, RDFS.label) else _local(c) for c in graph.objects(iri, RDF.type)
    )
    return Entity(
        str(iri),
        kind,
        kind_name(kind),
        _title(graph, iri),
        classes,
        facts,
        _incoming(iri, info),
        index.all(),
        confidence,
        (float(lat), float(long)) if isinstance(lat, Literal) and isinstance(long, Literal) else None,
    )


def property_labels(props) -> dict[str, str]:
    """The ontology's labels of the given properties, by IRI (else the standard vocabularies' names)."""
    vocabulary = {str(p): label for p, label in VOCABULARY_LABELS.items()}
    found = {str(p): vocabulary[str(p)] for p in props if str(p) in vocabulary}
    for r in rows("property_labels", {"term": [str(p) for p in props]}):
        label = r["label"]
        if label is not None:
            found[str(r["term"])] = str(label)
    return found


def _repeats(graph: Graph, iri, prop) -> bool:
    """Whether ``prop``'s values on ``iri`` are all given already by the property it repeats (:data:`REPEATS`)."""
    other = REPEATS.get(prop)
    return other is not None and set(graph.objects(iri, prop)) <= set(graph.objects(iri, other))


def degrees(wkt: str) -> str | None:
    """A WKT point as degrees north/south and east/west, or None for anything else.

    >>> degrees("POINT(108.2022 16.0544)"), degrees("POINT(-70.5 -33.25)"), degrees("LINESTRING(1 2, 3 4)")
    ('16.0544° N, 108.2022° E', '33.25° S, 70.5° W', None)
    """
    match = re.fullmatch(r"\s*(?:<[^>]*>\s*)?POINT\s*\(\s*(-?[0-9.]+)\s+(-?[0-9.]+)\s*\)\s*", wkt, re.IGNORECASE)
    if not match:
        return None
    long, lat = match[1], match[2]
    return (
        f"{lat.lstrip('-')}° {'S' if lat.startswith('-') else 'N'}, "
        f"{long.lstrip('-')}° {'W' if long.startswith('-') else 'E'}"
    )


def _title(graph: Graph, iri) -> str:
    return name_of(graph, iri)


def _local(term) -> str:
    """The last segment of an IRI, for a property or class the ontology gives no label.

    >>> _local(URIRef("https://w3id.org/ascn/ontology#joinedYear"))
    'joinedYear'
    """
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _confidence(graph: Graph, node) -> dict | None:
    level = graph.value(node, CONFIDENCE)
    if level is None:
        return None
    reason = graph.value(node, CONFIDENCE_REASON)
    return {"level": _local(level), "label": name_of(graph, level), "reason": text(reason), "path": local_path(level)}


def _fact(graph: Graph, index: SourceIndex, iri, prop, label, gap, sources, confidence) -> Fact:
    """A fact's values in alphabetical order, or in time order when each is dated (:func:`_dated`)."""
    dated = [(_dated(graph, o), _value(graph, index, prop, o)) for o in graph.objects(iri, prop)]
    in_time = all(when for when, _ in dated)
    dated.sort(key=lambda d: (d[0] if in_time else "", d[1].text.lower()))
    values = [v for _, v in dated]
    return Fact(label, values, None if values else gap, sources if values else [], confidence if values else None)


def _dated(graph: Graph, obj) -> str | None:
    """The date a measurement is of (``ascn:asOf``, else ``ascn:referenceYear``) or an event starts on
    (``ascn:startDate``), as ISO 8601 text, which sorts in time order however precise it is ("2021" < "2022-09" <
    "2022-09-21"). Sorted as text, a series read in the order of its values, where a person reads it by its dates:
    the network's reported project counts were "108 (as of 2024-09)", "134 (as of 2025-09)", "65 (as of 2021)",
    ..., its 35 milestones "13th East Asia Summit ...", "1st ASEAN-Japan ...", "21st ASEAN-China Summit", ..."""
    if isinstance(obj, Literal):
        return None
    when = graph.value(obj, ASCN.asOf) or graph.value(obj, ASCN.referenceYear) or graph.value(obj, ASCN.startDate)
    return None if when is None else str(when)


def _value(graph: Graph, index: SourceIndex, prop, obj) -> Value:
    if isinstance(obj, Literal):
        return Value(period_in_words(str(obj)) if prop == ASCN.period else _literal(obj))
    if any((obj, RDF.type, t) in graph for t in NODE_TYPES):
        return _node_value(graph, index, prop, obj)
    path = local_path(obj)
    if path:
        start = graph.value(obj, ASCN.startDate)  # an event's, which orders a list of them (:func:`_dated`)
        return Value(name_of(graph, obj), path=path, detail=[str(start)] if start is not None else [])
    # Only web addresses become links: a user's file may hold any IRI scheme, javascript: included.
    return Value(str(obj), href=href_of(obj))


def _literal(lit: Literal) -> str:
    """A literal as a reader sees it.

    >>> from rdflib.namespace import XSD
    >>> _literal(Literal(True)), _literal(Literal(1000000)), _literal(Literal("2018", datatype=XSD.gYear))
    ('yes', '1,000,000', '2018')
    """
    value = lit.toPython()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return str(lit)


def _node_value(graph: Graph, index: SourceIndex, prop, node) -> Value:
    """A qualified value (measurement, statement, geometry) with its own details, sources and confidence."""
    detail, reports = [], []
    if (node, RDF.type, GEO.Geometry) in graph:
        wkt = str(graph.value(node, GEO.asWKT) or "")
        main = degrees(wkt) or wkt
    elif (node, RDF.type, ASCN.ReportedPeriod) in graph:
        main = period_in_words(str(graph.value(node, ASCN.period) or ""))
    elif (node, RDF.type, ASCN.Statement) in graph:
        main = str(graph.value(node, DCTERMS.description) or "")
        aspect = graph.value(node, ASCN.aspect)
        if aspect is not None:
            detail.append(f"aspect: {str(aspect).replace('_', ' ')}")
        for qualifier, name in ((ASCN.firstSelected, "first selected"), (ASCN.reelected, "re-elected")):
            value = graph.value(node, qualifier)
            if value is not None:
                detail.append(f"{name} {value}")
        reports = sorted(
            (_node_value(graph, index, ASCN.reportedTerm, term) for term in graph.objects(node, ASCN.reportedTerm)),
            key=lambda v: v.text,
        )
    else:
        number = graph.value(node, RDF.value)
        main = _literal(number) if isinstance(number, Literal) else str(number or "")
        if prop == ASCN.landArea:
            main += " km²"
        elif prop == ASCN.shareOfProjects:
            main += " %"
    for qualifier, name in (
        (ASCN.referenceYear, "reference year"),
        (ASCN.asOf, "as of"),
        (ASCN.reportedBy, "reported by"),
    ):
        value = graph.value(node, qualifier)
        if value is not None:
            detail.append(f"{name} {value}")
    for note in graph.objects(node, SKOS.note):
        detail.append(str(note))
    return Value(
        main,
        path=local_path(node),
        detail=detail,
        sources=index(node),
        confidence=_confidence(graph, node),
        reports=reports,
    )


def _incoming(iri, info: TypeInfo) -> list[Fact]:
    """The entities linking to ``iri``, grouped by the linking property (expected groups first, gaps shown)."""
    groups: dict[str, list[Value]] = {}
    for r in rows("entity_incoming", {"entity": str(iri)}):
        label = text(r["label"]) or _local(r["subject"])
        status = text(r["status"])
        cls = _local(r["class"]) if r["class"] is not None else None
        detail = [d for d in (cls and _spaced(cls), status and f"status: {status}") if d]
        groups.setdefault(str(r["property"]), []).append(Value(label, path=local_path(r["subject"]), detail=detail))
    out = []
    for e in info.incoming:
        values = groups.pop(str(e.prop), [])
        if e.prop == DCTERMS.source:
            values += _cited_through_facts(iri, {v.path for v in values})
        if values and e.prop == DCTERMS.source:  # a source backs many kinds of things: one group per kind
            out.extend(_by_kind(values))
        elif values or e.gap:
            out.append(Fact(e.label, values, None if values else e.gap))
    labels = property_labels(groups) if groups else {}
    for prop, values in sorted(groups.items()):
        out.append(Fact(f"Linked as “{labels.get(prop, _local(prop))}” from", values))
    return out


def _cited_through_facts(source, shown: set[str | None]) -> list[Value]:
    """The entities citing ``source`` through a fact of theirs (a population, a map point, a member count, a
    statement: ``cited_through_facts.rq``), but those in ``shown``, which cite it themselves; each says through
    which ("through its population"). The source of Dili's population, and the one of all 38 cities' map points,
    listed nothing but the dataset as citing them."""
    found: dict[str, tuple[str, str | None, list[str]]] = {}
    for r in rows("cited_through_facts", {"entity": str(source)}):
        path = local_path(r["subject"])
        if path is None or path in shown:
            continue
        label = text(r["label"]) or _local(r["subject"])
        cls = _local(r["class"]) if r["class"] is not None else None
        found.setdefault(path, (label, cls, []))[2].append(str(r["via"]))
    if not found:
        return []
    names = property_labels({via for _, _, vias in found.values() for via in vias})
    return [
        Value(
            label,
            path=path,
            detail=[
                _spaced(cls) if cls else "other entity",  # the kind :func:`_by_kind` groups by
                "through its " + ", ".join(_lower_first(names.get(via, _local(via))) for via in vias),
            ],
        )
        for path, (label, cls, vias) in found.items()
    ]


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _by_kind(values: list[Value]) -> list[Fact]:
    """The entities citing a source, in one group per kind (their class, the first item of their detail),
    largest first, each headed like "Projects citing this source"; the class is then left out of the detail."""
    from webapp.search import plural

    kinds: dict[str, list[Value]] = {}
    for value in values:
        kind = value.detail[0] if value.detail and not value.detail[0].startswith("status:") else "other entity"
        value.detail = [d for d in value.detail if d != kind]
        kinds.setdefault(kind, []).append(value)
    return [
        Fact(f"{plural(kind)} citing this source", group)
        for kind, group in sorted(kinds.items(), key=lambda item: (-len(item[1]), item[0]))
    ]


def _spaced(name: str) -> str:
    """A class name in words.

    >>> _spaced("PartnerOrganisation")
    'partner organisation'
    """
    out = "".join(" " + c.lower() if c.isupper() else c for c in name).strip()
    return out
