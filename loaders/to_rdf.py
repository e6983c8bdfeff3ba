"""Turn checked records into RDF: one function per record type, every fact with its sources.

A fact the sheet leaves open (no population, no start year) produces no triple at all, so a gap in the
data stays a visible gap in the graph instead of a guessed value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from loaders.records import Record, RecordSet
from ontology import entity_iri
from ontology.namespace import ASCN, GEO, ID, SCHEMA, WGS

NAMED_ONLY = "Named in the ASCN monitoring project list; the report gives no further detail."
"""The sheet's wording for a project the sources only name; such a project gets no description."""

_PARTNER_CLASS = {
    "country": ASCN.PartnerCountry,
    "organisation": ASCN.PartnerOrganisation,
    "company": ASCN.PartnerCompany,
    "city": ASCN.PartnerCity,
}
_EVENT_CLASS = {"summit": ASCN.Summit, "meeting": ASCN.Meeting}
NETWORK = ID["network/ascn"]
FRAMEWORK = ID["framework/ascf"]


def iri(type_: str, id_: str) -> URIRef:
    """The IRI of a record of ``type_`` (a record type such as ``best_practice``).

    >>> str(iri("best_practice", "bp-local-fit"))
    'https://w3id.org/ascn/id/practice/bp-local-fit'
    """
    return entity_iri(
        {"best_practice": "practice", "focus_area": "focus-area", "annual_meeting": "annual-meeting"}.get(type_, type_),
        id_,
    )


def typed_date(text: Any) -> Literal:
    """A date literal typed at the precision given: xsd:gYear, xsd:gYearMonth or xsd:date.

    >>> typed_date("2018-11").datatype == XSD.gYearMonth, typed_date(2019).datatype == XSD.gYear
    (True, True)
    """
    text = str(text)
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(text)]
    return Literal(text, datatype=datatype)


def year(value: int) -> Literal:
    return Literal(f"{value:04d}", datatype=XSD.gYear)


class _Builder:
    """Adds one record's triples to a graph, with the record set at hand to label links."""

    def __init__(self, graph: Graph, records: RecordSet, labels: Callable[[str, str], str | None]):
        self.g = graph
        self.records = records
        self.labels = labels

    def add(self, s, p, o) -> None:
        if o is not None:
            self.g.add((s, p, o))

    def text(self, s, p, value) -> None:
        if value not in (None, ""):
            self.g.add((s, p, Literal(str(value), lang="en") if p in _LANG_PROPS else Literal(str(value))))

    def sources(self, s, ids: Iterable[str]) -> None:
        for source in ids or ():
            self.g.add((s, DCTERMS.source, iri("source", source)))

    def confidence(self, s, data: dict) -> None:
        if data.get("confidence"):
            self.g.add((s, ASCN.confidence, ID[f"confidence/{data['confidence']}"]))
            self.text(s, ASCN.confidenceReason, data.get("confidence_reason"))

    def measurement(self, s, node: URIRef, value, *, sources, as_of=None, ref_year=None, note=None) -> URIRef:
        self.add(node, RDF.type, ASCN.Measurement)
        number = Literal(value) if isinstance(value, int) else Literal(str(value), datatype=XSD.decimal)
        self.add(node, RDF.value, number)
        if as_of is not None:
            self.add(node, ASCN.asOf, typed_date(as_of))
        if ref_year is not None:
            self.add(node, ASCN.referenceYear, year(ref_year))
        self.text(node, SKOS.note, note)
        self.sources(node, sources)
        return node

    def reported_periods(self, s, prop, slug: str, reports, label: str) -> None:
        """Disagreeing reports of a period, each its own node with its own sources: none is picked."""
        for i, report in enumerate(reports or (), start=1):
            node = ID[f"{slug}/{i}"]
            self.add(s, prop, node)
            self.add(node, RDF.type, ASCN.ReportedPeriod)
            self.text(node, RDFS.label, f"{label} {report['period']} (as reported)")
            self.text(node, ASCN.period, report["period"])
            start, end = period_years(report["period"])
            if start:
                self.add(node, ASCN.startYear, year(start))
            if end:
                self.add(node, ASCN.endYear, year(end))
            self.sources(node, report["sources"])

    def statement(self, aspect: str, text: str, sources, n: int, subject=NETWORK, **extra) -> URIRef:
        node = ID[f"network/ascn/statement/{n}"]
        self.add(subject, ASCN.statement, node)
        self.add(node, RDF.type, ASCN.Statement)
        self.text(node, ASCN.aspect, aspect)
        self.text(node, DCTERMS.description, text)
        self.sources(node, sources)
        for prop, obj in extra.items():
            self.add(node, getattr(ASCN, prop), obj)
        return node


_LANG_PROPS = {
    RDFS.label,
    DCTERMS.description,
    SKOS.note,
    SKOS.altLabel,
    SKOS.historyNote,
    DCTERMS.title,
    ASCN.datesNote,
}


def _source(b: _Builder, r: Record) -> None:
    d, s = r.data, iri("source", r.id)
    b.add(s, RDF.type, ASCN.SourceDocument)
    b.text(s, RDFS.label, d["title"])
    b.text(s, DCTERMS.title, d["title"])
    b.text(s, DCTERMS.publisher, d.get("publisher"))
    if d.get("date"):
        b.add(s, DCTERMS.issued, typed_date(d["date"]))
    b.add(s, SCHEMA.url, URIRef(d["url"]))
    b.add(s, ASCN.sourceKind, ID[f"source-kind/{d['kind']}"])
    b.text(s, SKOS.note, d.get("note"))


def _country(b: _Builder, r: Record) -> None:
    d, s = r.data, iri("country", r.id)
    b.add(s, RDF.type, ASCN.MemberState)
    b.text(s, RDFS.label, d["name"])
    b.add(s, ASCN.iso3166Alpha2, Literal(d["iso2"]))
    b.add(s, ASCN.iso3166Alpha3, Literal(d["iso3"]))
    if d.get("asean_member_since"):
        b.add(s, ASCN.aseanMemberSince, typed_date(d["asean_member_since"]))
    b.text(s, SKOS.note, d.get("note"))
    b.sources(s, d["sources"])


def _focus_area(b: _Builder, r: Record) -> None:
    d, s = r.data, iri("focus_area", r.id)
    for sub in d.get("me_subcategories") or ():
        b.add(s, ASCN.meSubcategory, Literal(sub))
    for share in d.get("share_of_projects") or ():
        node = ID[f"focus-area/{r.id}/share/{share['as_of']}"]
        b.add(
            s,
            ASCN.shareOfProjects,
            b.measurement(s, node, share["percent"], sources=d["sources"], as_of=share["as_of"]),
        )
    b.sources(s, d["sources"])


def _city(b: _Builder, r: Record) -> None:
    d, s = r.data, iri("city", r.id)
    b.add(s, RDF.type, ASCN.City)
    b.text(s, RDFS.label, d["name"])
    for alt in d.get("alt_names") or ():
        b.text(s, SKOS.altLabel, alt)
    b.add(s, ASCN.country, iri("country", d["country"]))
    b.add(s, ASCN.memberOf, NETWORK)
    b.add(s, ASCN.joinedYear, year(d["joined"]))
    b.add(s, ASCN.pilotCity, Literal(d["pilot_city"]))
    b.add(s, WGS.lat, Literal(str(d["lat"]), datatype=XSD.decimal))
    b.add(s, WGS.long, Literal(str(d["lon"]), datatype=XSD.decimal))
    geometry = ID[f"city/{r.id}/geometry"]
    b.add(s, GEO.hasGeometry, geometry)
    b.add(geometry, RDF.type, GEO.Geometry)
    b.add(geometry, GEO.asWKT, Literal(f"POINT({d['lon']} {d['lat']})", datatype=GEO.wktLiteral))
    b.text(geometry, SKOS.note, d.get("coordinates_note"))
    b.sources(geometry, d.get("coordinates_sources") or d["sources"])
    for key, prop, slug in (
        ("population", ASCN.population, "population"),
        ("land_area_km2", ASCN.landArea, "land-area"),
    ):
        figure = d.get(key)
        if figure:
            notes = "; ".join(str(figure[k]) for k in ("year_note", "note") if figure.get(k)) or None
            node = b.measurement(
                s,
                ID[f"city/{r.id}/{slug}"],
                figure["value"],
                sources=figure.get("sources"),
                ref_year=figure.get("year"),
                note=notes,
            )
            b.text(node, ASCN.reportedBy, figure.get("as_reported_by"))
            b.add(s, prop, node)
    b.text(s, SKOS.note, d.get("note"))
    b.sources(s, d["sources"])


def _partner(b: _Builder, r: Record) -> None:
    d, s = r.data, iri("partner", r.id)
    b.add(s, RDF.type, _PARTNER_CLASS[d["kind"]])
    b.text(s, RDFS.label, d["name"])
    for abbreviation in d.get("abbreviation") or ():
        b.add(s, ASCN.abbreviation, Literal(abbreviation))
        b.text(s, SKOS.altLabel, abbreviation)
    for alt in d.get("alt_names") or ():
        b.text(s, SKOS.altLabel, alt)
    b.text(s, DCTERMS.description, d.get("summary"))
    b.reported_periods(
        s,
        ASCN.reportedFundingPeriod,
        f"partner/{r.id}/funding-period",
        d.get("funding_period_reported"),
        "Funding period",
    )
    if d.get("parent"):
        b.add(s, ASCN.parentPartner, iri("partner", d["parent"]))
    for programme in d.get("programmes") or ():
        b.add(s, ASCN.partnerProgramme, iri("programme", programme))
    b.confidence(s, d)
    b.text(s, SKOS.note, d.get("note"))
    b.sources(s, d["sources"])


def _programme(b: _Builder, r: Record) -> None:
    d, s = r.data, iri("programme", r.id)
    b.add(s, RDF.type, ASCN.PartnerProgramme)
    b.text(s, RDFS.label, d["name"])
    for stated in d.get("as_stated") or ():
        if stated != d["name"]:
            b.text(s, SKOS.altLabel, stated)
    for partner in d.get("partners") or ():
        b.add(iri("partner", partner), ASCN.partnerProgramme, s)
    if d.get("lead_partner"):
        b.add(s, ASCN.leadPartner, iri("partner", d["lead_partner"]))
    b.text(s, SKOS.note, d.get("note"))
    b.sources(s, d["sources"])


def _pairing(b: _Builder, r: Record) -> None:
    d, s = r.data, iri("pairing", r.id)
    b.add(s, RDF.type, ASCN.Pairing)
    city, partner = b.labels("city", d["city"]), b.labels("partner", d["partner"])
    b.text(s, RDFS.label, f"{city or d['city']} – {partner or d['partner']}")
    b.add(s, ASCN.pairedCity, iri("city", d["city"]))
    b.add(s, ASCN.pairedPartner, iri("partner", d["partner"]))
    b.text(s, ASCN.partnerCityName, d.get("partner_city"))
    b.text(s, ASCN.citySideEntity, d.get("city_side_entity"))
    if d.get("partner_side_entity"):
        b.add(s, ASCN.partnerSideEntity, iri("partner", d["partner_side_entity"]))
    if d.get("programme"):
        b.add(s, ASCN.underProgramme, iri("programme", d["programme"]))
    b.text(s, ASCN.programmeAsStated, d.get("programme_as_stated"))
    if d.get("year") is not None:
        b.add(s, ASCN.startYear, year(d["year"]))
    b.text(s, ASCN.yearNote, d.get("year_note"))
    if d.get("stage"):
        b.add(s, ASCN.pairingStage, ID[f"pairing-stage/{d['stage']}"])
    b.text(s, DCTERMS.description, d.get("summary"))
    b.confidence(s, d)
    b.sources(s, d["sources"])


_PERIOD = re.compile(r"^(\d{4})?-(\d{4})?$|^(\d{4})$")


def period_years(period: str | None) -> tuple[int | None, int | None]:
    """Start and end years of a period as stated, when it says them plainly; planned periods give none.

    >>> period_years("2018-2025"), period_years("2020-"), period_years("-2030"), period_years("2022")
    ((2018, 2025), (2020, None), (None, 2030), (2022, 2022))
    >>> period_years("2021-08/2022-03 (planned)")
    (None, None)
    """
    if not period:
        return None, None
    m = _PERIOD.match(period.strip())
    if not m:
        span = re.fullmatch(r"(\d{4})-\d{2}/(\d{4})-\d{2}", period.strip())
        return (int(span[1]), int(span[2])) if span else (None, None)
    if m[3]:
        return int(m[3]), int(m[3])
    return (int(m[1]) if m[1] else None), (int(m[2]) if m[2] else None)


def _project(b: _Builder, r: Record) -> None:
    d, s = r.data, iri("project", r.id)
    b.add(s, RDF.type, ASCN.Project)
    b.text(s, RDFS.label, d["name"])
    if d["city"] == "network":
        b.add(s, ASCN.networkWide, Literal(True))
    else:
        b.add(s, ASCN.inCity, iri("city", d["city"]))
    for city in d.get("other_cities") or ():
        b.add(s, ASCN.otherCity, iri("city", city))
    for area in d["focus_areas"]:
        b.add(s, ASCN.focusArea, iri("focus_area", area))
    if d["description"].strip() == NAMED_ONLY:
        b.add(s, ASCN.namedOnly, Literal(True))
    else:
        b.add(s, ASCN.namedOnly, Literal(False))
        b.text(s, DCTERMS.description, d["description"])
    b.add(s, ASCN.status, ID[f"status/{d['status']}"])
    if d.get("status_as_of"):
        b.add(s, ASCN.statusAsOf, typed_date(d["status_as_of"]))
    b.text(s, ASCN.period, d.get("period"))
    start, end = period_years(d.get("period"))
    if start:
        b.add(s, ASCN.startYear, year(start))
    if end:
        b.add(s, ASCN.endYear, year(end))
    for partner in d.get("partners") or ():
        b.add(s, ASCN.involvesPartner, iri("partner", partner))
    b.text(s, SKOS.historyNote, d.get("name_history_note"))
    b.text(s, SKOS.note, d.get("note"))
    b.confidence(s, d)
    b.sources(s, d["sources"])


_SENTENCE_END = re.compile(r"(?<=[.;:])\s")
_OPENING_QUOTE = re.compile(r"(?:^|\s)'")
_CLOSING_QUOTE = re.compile(r"'(?=\s|$|[.,;:])")
_INITIAL = re.compile(r"(?:^|[\s.])[A-Za-z]\.$")
"""A full stop after a single letter, which ends an initial or an abbreviation ("U.S.", "J. Smith"), not a
sentence: "U.S. Vice President Pence announces ..." was labelled "U.S"."""


def _first_sentence(text: str, limit: int = 120) -> str:
    """A short label from a statement: its first sentence, cut at a word boundary if long. A full stop, semicolon
    or colon inside brackets or quotes ends no sentence, nor a full stop after an initial (:data:`_INITIAL`): the
    5th annual meeting's milestone, "... hosted virtually by Cambodia (chair: Interior Minister Sar Kheng) under the theme 'ASEAN ACT: Addressing Challenges Together'.",
    was labelled "5th ASCN Annual Meeting hosted virtually by Cambodia (chair".

    >>> _first_sentence("Hosted by Cambodia (chair: Sar Kheng) under 'ACT: Together'. Then more.")
    "Hosted by Cambodia (chair: Sar Kheng) under 'ACT: Together'"
    >>> _first_sentence("Malaysia's turn: the 8th meeting.")
    "Malaysia's turn"
    >>> _first_sentence("U.S. Vice President Pence announces the partnership. It starts.")
    'U.S. Vice President Pence announces the partnership'
    """
    text = text.strip()
    ends = (
        m.start()
        for m in _SENTENCE_END.finditer(text)
        if not _inside(text[: m.start()]) and not _INITIAL.search(text[: m.start()])
    )
    sentence = text[: next(ends, len(text))].rstrip(".;:")
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0] + " …"


def _inside(before: str) -> bool:
    """Whether text ending in ``before`` is inside brackets, “quotes” or 'quotes' (an apostrophe opens none)."""
    return (
        before.count("(") > before.count(")")
        or before.count("“") > before.count("”")
        or len(_OPENING_QUOTE.findall(before)) > len(_CLOSING_QUOTE.findall(before))
    )


def _best_practice(b: _Builder, r: Record) -> None:
    d, s = r.data, iri("best_practice", r.id)
    b.add(s, RDF.type, ASCN.BestPractice)
    b.text(s, RDFS.label, _first_sentence(d["statement"]))
    b.text(s, DCTERMS.description, d["statement"])
    b.add(s, ASCN.practiceKind, ID[f"practice-kind/{d['kind']}"])
    for project in d.get("projects") or ():
        b.add(s, ASCN.concernsProject, iri("project", project))
    for city in d.get("cities") or ():
        b.add(s, ASCN.concernsCity, iri("city", city))
    b.sources(s, d["sources"])


_NETWORK_STATEMENTS = (
    "pilot_city_rule",
    "representation",
    "external_partners_overview",
    "partnerships_2018",
    "scap_structure",
    "asean_smart_city_action_plan_2026_2035",
)


def _network(b: _Builder, r: Record) -> None:
    d, s = r.data, NETWORK
    b.add(s, RDF.type, ASCN.Network)
    b.text(s, RDFS.label, d["name"])
    b.text(s, SKOS.altLabel, d.get("abbreviation"))
    b.text(s, DCTERMS.description, d.get("summary"))
    b.sources(s, d["sources"])
    n = 0

    def statement(aspect, text, sources, subject=NETWORK, **extra):
        nonlocal n
        n += 1
        return b.statement(aspect, text, sources, n, subject, **extra)

    for aim in d.get("aims") or ():
        statement("aim", aim["text"], aim["sources"])
    launch = d.get("launch")
    if launch:
        statement("launch", f"{launch['event']}. {launch.get('note', '')}".strip(), launch["sources"])
        if launch.get("established"):
            b.add(s, SCHEMA.foundingDate, typed_date(launch["established"]))
    for key in _NETWORK_STATEMENTS:
        if d.get(key):
            statement(key, d[key]["text"], d[key]["sources"])
    for i, milestone in enumerate(d.get("milestones") or (), start=1):
        _milestone(b, milestone, i)
    for key, prop, field in (
        ("membership_counts", ASCN.memberCount, "cities"),
        ("project_counts", ASCN.projectCount, "projects"),
    ):
        for count in d.get(key) or ():
            slug = "member-count" if field == "cities" else "project-count"
            node = ID[f"network/ascn/{slug}/{count['as_of']}"]
            b.add(
                s,
                prop,
                b.measurement(
                    s,
                    node,
                    count[field],
                    sources=count["sources"],
                    as_of=count["as_of"],
                    note=count.get("status_split") or count.get("note"),
                ),
            )
    framework = d.get("framework")
    if framework:
        _framework(b, framework, statement)
    tor = d.get("terms_of_reference")
    if tor:
        for point in tor["points"]:
            statement("terms_of_reference", point, tor["sources"], asOf=typed_date(tor["adopted"]))
    for shepherd in d.get("shepherds") or ():
        _shepherd(b, shepherd, statement)


def _shepherd(b: _Builder, shepherd: dict, statement) -> None:
    """A shepherd: the state, and a statement of its term with each disagreeing reported term beside it."""
    state = iri("country", shepherd["state"])
    b.add(NETWORK, ASCN.shepherd, state)
    keys = ("appointed", "first_selected", "reelected", "term", "period", "note")
    details = "; ".join(f"{k.replace('_', ' ')}: {shepherd[k]}" for k in keys if shepherd.get(k))
    name = f"ASCN Shepherd: {b.labels('country', shepherd['state'])}"
    node = statement("shepherd", f"{name}. {details}", shepherd["sources"], concernsState=state)
    b.text(node, RDFS.label, name)
    selected = shepherd.get("first_selected") or shepherd.get("appointed")
    if selected:
        b.add(node, ASCN.firstSelected, typed_date(selected))
    if shepherd.get("reelected"):
        b.add(node, ASCN.reelected, typed_date(shepherd["reelected"]))
    b.reported_periods(
        node, ASCN.reportedTerm, f"{node.removeprefix(str(ID))}/term", shepherd.get("reported_periods"), "Shepherd term"
    )
    b.confidence(node, shepherd)


def _ordinal(n: int) -> str:
    """
    >>> [_ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _annual_meeting(b: _Builder, r: Record) -> None:
    d, s = r.data, iri("annual_meeting", r.id)
    b.add(NETWORK, ASCN.annualMeeting, s)
    b.add(s, RDF.type, ASCN.AnnualMeeting)
    b.text(s, RDFS.label, f"{_ordinal(d['number'])} ASCN Annual Meeting")
    b.text(s, SKOS.altLabel, d.get("name"))
    b.add(s, ASCN.eventKind, ID["event-kind/meeting"])
    b.add(s, ASCN.meetingNumber, Literal(d["number"]))
    b.add(s, ASCN.startDate, typed_date(d["date"]))
    b.text(s, ASCN.datesNote, d.get("dates_note"))
    b.add(s, ASCN.hostCountry, iri("country", d["host_country"]))
    b.text(s, ASCN.venue, d.get("venue"))
    b.text(s, ASCN.meetingFormat, d.get("format"))
    for key, prop in (("chair_country", ASCN.chairCountry), ("next_chair", ASCN.nextChair)):
        if d.get(key):
            b.add(s, prop, iri("country", d[key]))
    b.text(s, ASCN.chair, d.get("chair"))
    b.text(s, SKOS.note, d.get("note"))
    b.sources(s, d["sources"])


def _milestone(b: _Builder, milestone: dict, i: int) -> None:
    start, _, end = str(milestone["date"]).partition("/")
    node = ID[f"event/{start}-{i}"]
    b.add(NETWORK, ASCN.milestone, node)
    b.add(node, RDF.type, _EVENT_CLASS.get(milestone.get("kind", ""), ASCN.Event))
    b.text(node, RDFS.label, _first_sentence(milestone["event"]))
    b.text(node, DCTERMS.description, milestone["event"])
    if milestone.get("kind"):
        b.add(node, ASCN.eventKind, ID[f"event-kind/{milestone['kind']}"])
    b.add(node, ASCN.startDate, typed_date(start))
    if end:
        b.add(node, ASCN.endDate, typed_date(end))
    b.sources(node, milestone["sources"])


def _framework(b: _Builder, framework: dict, statement) -> None:
    s = FRAMEWORK
    b.add(NETWORK, ASCN.framework, s)
    for key, prop in (("endorsed", ASCN.endorsedOn), ("adopted", ASCN.adoptedOn)):
        if framework.get(key):
            b.add(s, prop, typed_date(framework[key]))
    b.text(s, DCTERMS.description, framework.get("nature"))
    b.sources(s, framework["sources"])
    for key in ("definition", "drafted_by", "concept_note_scope"):
        if framework.get(key):
            statement(key, framework[key], framework["sources"], subject=s)


_BUILDERS: dict[str, Callable[[_Builder, Record], None]] = {
    "source": _source,
    "country": _country,
    "focus_area": _focus_area,
    "city": _city,
    "partner": _partner,
    "programme": _programme,
    "pairing": _pairing,
    "project": _project,
    "best_practice": _best_practice,
    "network": _network,
    "annual_meeting": _annual_meeting,
}


def records_to_graph(
    records: Iterable[Record], context: RecordSet, labels: Callable[[str, str], str | None] | None = None
) -> Graph:
    """The RDF of ``records``; ``context`` (and ``labels`` for ids outside it) names linked entities."""
    graph = Graph()

    def label(type_: str, id_: str) -> str | None:
        record = context.get(type_, id_)
        if record is not None:
            return record.data.get("name")
        return labels(type_, id_) if labels else None

    builder = _Builder(graph, context, label)
    for record in records:
        _BUILDERS[record.type](builder, record)
    return graph
