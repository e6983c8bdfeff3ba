"""What a record of each type may hold: one table that drives validation, the CSV template and the docs.

Keeping the field list declarative means a user file, the bundled files and the documented template
can never disagree about what a field is called or what it must contain.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """A record field: ``kind`` is text, int, number, bool, date, yearmonth, url, mapping, enum, ref or list.

    ``target`` names the referenced type (of a ref, or of a list's refs) and ``values`` the values an enum
    allows; ``item`` is the kind of a list's items (``period`` is a mapping ``{period, sources}``: one reported period with its own sources).
    ``nullable`` fields may be written ``null`` to show a known gap.
    """

    name: str
    kind: str
    required: bool = False
    target: str | None = None
    item: str | None = None
    nullable: bool = False
    doc: str = ""
    values: tuple[str, ...] = ()


def _f(
    name: str,
    kind: str,
    required: bool = False,
    target: str | None = None,
    item: str | None = None,
    nullable: bool = False,
    doc: str = "",
    values: tuple[str, ...] = (),
) -> Field:
    return Field(name, kind, required, target, item, nullable, doc, values)


SOURCE_KINDS = ("news", "partner", "official", "secondary", "reference", "analysis", "dataset")
"""What a source can be: a source record's ``kind``, and the kind ``ascn ingest --kind`` gives a document."""

SOURCES = _f("sources", "list", True, "source", "ref", doc="ids of the documents the record rests on (sources.yaml)")
CONFIDENCE = _f(
    "confidence", "enum", values=("medium", "low"), doc="omit when taken directly from an official or primary source"
)
CONFIDENCE_REASON = _f("confidence_reason", "text", doc="why the confidence is medium or low")
NOTE = _f("note", "text")
ALT_NAMES = _f("alt_names", "list", item="text", doc="other names or spellings the sources use (become skos:altLabel)")

SCHEMA: dict[str, tuple[Field, ...]] = {
    "source": (
        _f("id", "text", True),
        _f("title", "text", True),
        _f("publisher", "text"),
        _f("date", "date", nullable=True, doc="YYYY, YYYY-MM or YYYY-MM-DD"),
        _f("url", "url", True),
        _f(
            "kind",
            "enum",
            True,
            values=SOURCE_KINDS,
        ),
        NOTE,
    ),
    "country": (
        _f("iso2", "text", True, doc="ISO 3166-1 alpha-2 code; also the record's id"),
        _f("iso3", "text", True),
        _f("name", "text", True),
        _f("asean_member_since", "date"),
        NOTE,
        SOURCES,
    ),
    "focus_area": (
        _f(
            "id",
            "enum",
            True,
            values=(
                "civic_social",
                "health_wellbeing",
                "safety_security",
                "quality_environment",
                "built_infrastructure",
                "industry_innovation",
            ),
        ),
        _f("me_subcategories", "list", item="text"),
        _f("share_of_projects", "list", item="mapping", doc="items: as_of (YYYY-MM), percent"),
        SOURCES,
    ),
    "city": (
        _f("id", "text", True),
        _f("name", "text", True),
        _f("country", "ref", True, "country"),
        _f("joined", "int", True, doc="year the city joined the ASCN"),
        _f("pilot_city", "bool", True, doc="one of the 26 pilot cities of April 2018"),
        _f("lat", "number", True),
        _f("lon", "number", True),
        _f("coordinates_note", "text"),
        _f("coordinates_sources", "list", item="ref", target="source"),
        _f("population", "mapping", doc="value, year, year_note, as_reported_by, note, sources"),
        _f("land_area_km2", "mapping", doc="value, year, sources"),
        ALT_NAMES,
        NOTE,
        SOURCES,
    ),
    "partner": (
        _f("id", "text", True),
        _f("name", "text", True),
        _f("kind", "enum", True, values=("country", "organisation", "company", "city")),
        _f("programmes", "list", item="ref", target="programme"),
        _f("summary", "text"),
        _f("parent", "ref", target="partner"),
        _f("abbreviation", "list", item="text", doc="abbreviations of the name as the sources write them (JICA, ADB)"),
        ALT_NAMES,
        _f(
            "funding_period_reported",
            "list",
            item="period",
            doc="items: period (as stated), sources; one per disagreeing report of a programme's funding period",
        ),
        CONFIDENCE,
        CONFIDENCE_REASON,
        NOTE,
        SOURCES,
    ),
    "programme": (
        _f("id", "text", True),
        _f("name", "text", True),
        _f("as_stated", "list", item="text", doc="the programme's names as the sources word them"),
        _f("partners", "list", item="ref", target="partner"),
        _f("lead_partner", "ref", target="partner"),
        NOTE,
        SOURCES,
    ),
    "pairing": (
        _f("id", "text", True),
        _f("city", "ref", True, "city"),
        _f("partner", "ref", True, "partner"),
        _f("partner_city", "text"),
        _f("city_side_entity", "text"),
        _f("partner_side_entity", "ref", target="partner"),
        _f("programme", "ref", target="programme", nullable=True),
        _f("programme_as_stated", "text"),
        _f("year", "int", nullable=True, doc="year the pairing started; null when no source gives it"),
        _f("year_note", "text"),
        _f("stage", "enum", values=("planned",), doc="set only for a pairing the sources show as not started"),
        _f("summary", "text"),
        CONFIDENCE,
        CONFIDENCE_REASON,
        SOURCES,
    ),
    "project": (
        _f("id", "text", True),
        _f("name", "text", True),
        _f("city", "ref", True, "city", doc="or 'network' for a network-wide project"),
        _f(
            "other_cities",
            "list",
            item="ref",
            target="city",
            doc="further member cities a project spans (city holds the first one named)",
        ),
        _f("focus_areas", "list", True, "focus_area", "ref"),
        _f("description", "text", True),
        _f("status", "enum", True, values=("ongoing", "planning", "completed", "ongoing_or_planning", "unknown")),
        _f("status_as_of", "yearmonth", nullable=True, doc="YYYY-MM of the report the status comes from"),
        _f("period", "text", doc="as stated, e.g. 2018-2025, 2020- or 2021-08/2022-03 (planned)"),
        _f("partners", "list", item="ref", target="partner"),
        _f("scope", "enum", values=("network",)),
        _f("name_history_note", "text"),
        CONFIDENCE,
        CONFIDENCE_REASON,
        NOTE,
        SOURCES,
    ),
    "best_practice": (
        _f("id", "text", True),
        _f("statement", "text", True),
        _f(
            "kind",
            "enum",
            True,
            values=("lesson", "design_principle", "monitoring_note", "partner_claim", "official_statement"),
        ),
        _f("projects", "list", item="ref", target="project"),
        _f("cities", "list", item="ref", target="city"),
        SOURCES,
    ),
    "network": (
        _f("id", "text", True),
        _f("name", "text", True),
        *(
            _f(name, "any")
            for name in (
                "abbreviation",
                "summary",
                "aims",
                "launch",
                "pilot_city_rule",
                "representation",
                "milestones",
                "membership_counts",
                "project_counts",
                "external_partners_overview",
                "partnerships_2018",
                "framework",
                "terms_of_reference",
                "shepherds",
                "scap_structure",
                "asean_smart_city_action_plan_2026_2035",
            )
        ),
        SOURCES,
    ),
    "annual_meeting": (
        _f(
            "number",
            "int",
            True,
            doc="1 for the first annual meeting (2018), 2 for the second ...; also the record's id",
        ),
        _f("name", "text", doc="a name the sources give besides the number"),
        _f("date", "date", True, doc="YYYY, YYYY-MM or YYYY-MM-DD (the opening day)"),
        _f("dates_note", "text", doc="how long it lasted, or how the sources disagree on the dates"),
        _f("host_country", "ref", True, "country"),
        _f("venue", "text", nullable=True, doc="city or place; null when online or not found"),
        _f("format", "text", nullable=True, doc="in person | online | videoconference, as the sources word it"),
        _f("chair_country", "ref", target="country", nullable=True),
        _f("chair", "text", nullable=True, doc="who chaired it; null when no source names the chair"),
        _f(
            "next_chair",
            "ref",
            target="country",
            nullable=True,
            doc="the next chair, only where a source reports it named or handed over at this meeting",
        ),
        NOTE,
        SOURCES,
    ),
}

PLURALS = {
    "source": "sources",
    "country": "countries",
    "focus_area": "focus_areas",
    "city": "cities",
    "partner": "partners",
    "programme": "programmes",
    "pairing": "pairings",
    "project": "projects",
    "best_practice": "best_practices",
    "network": "network",
    "annual_meeting": "annual_meetings",
}
"""File stem (and section name in a multi-section YAML file) of each type."""

ORDER = (
    "source",
    "country",
    "focus_area",
    "network",
    "annual_meeting",
    "city",
    "programme",
    "partner",
    "pairing",
    "project",
    "best_practice",
)
"""Types in dependency order: a type may refer only to types before it or to itself."""


def id_field(type_: str) -> str:
    """The field that names a record: ``iso2`` for countries, ``number`` for annual meetings, ``id`` elsewhere."""
    return {"country": "iso2", "annual_meeting": "number"}.get(type_, "id")
