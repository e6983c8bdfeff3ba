"""The ingester's fact rules on named sentences: the exact proposals each makes, and the ones it must not make."""

from __future__ import annotations

import pytest

from loaders.ingest import analyse
from loaders.ingest.documents import Document
from loaders.ingest.linker import Gazetteer


@pytest.fixture(scope="module")
def gazetteer(store) -> Gazetteer:
    return Gazetteer.from_store(store)


def proposals(gazetteer: Gazetteer, text: str, date: str | None = None) -> list[tuple[str, dict[str, str]]]:
    """Every proposal for ``text`` (facts, then new entities): its kind and fields, entities as their ids."""
    extraction = analyse(Document("note.txt", text, date=date), gazetteer).extraction
    return [
        (f.kind, {k: (v.iri.rsplit("/id/", 1)[1] if v.iri else v.literal) for k, v in f.fields.items()})
        for f in [*extraction.facts, *extraction.new_entities]
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Da Nang has been paired with the City of Yokohama, Japan, under the Smart JAMP programme.",
        "Under Japan's Smart JAMP programme, Da Nang was paired with the City of Yokohama.",
        "Da Nang has been paired with the City of Yokohama under the Smart JAMP programme, and the two cities signed "
        "a memorandum with Japan.",
    ],
)
def test_a_country_named_as_a_partners_home_or_the_programmes_owner_is_not_paired(gazetteer, text):
    """The audit's extra Japan pairing: Japan is where Yokohama is, or whose programme it is, not Da Nang's pair."""
    assert proposals(gazetteer, text) == [
        ("pairing", {"city": "city/da-nang", "partner": "partner/yokohama", "programme": "programme/smart-jamp"})
    ]


def test_partners_named_together_after_the_pairing_word_are_each_paired(gazetteer):
    assert proposals(gazetteer, "Da Nang was paired with Japan and the City of Yokohama.") == [
        ("pairing", {"city": "city/da-nang", "partner": "partner/japan"}),
        ("pairing", {"city": "city/da-nang", "partner": "partner/yokohama"}),
    ]
    assert proposals(gazetteer, "The City of Yokohama and Da Nang were twinned.") == [
        ("pairing", {"city": "city/da-nang", "partner": "partner/yokohama"})
    ]


def test_a_partner_named_only_in_another_clause_is_not_paired(gazetteer):
    assert proposals(gazetteer, "Da Nang was twinned in 2013, and the city later signed a loan with JICA.") == []


def test_a_count_is_the_networks_only_in_a_sentence_about_the_network(gazetteer):
    assert proposals(gazetteer, "In its first round the ministry selected 12 projects in 11 countries.") == []
    assert proposals(gazetteer, "As of September 2024, ASCN cities reported 108 projects.") == [
        ("count", {"counted": "projects", "value": "108", "as_of": "2024-09"})
    ]


def test_this_year_is_the_documents_year_and_a_headline_does_not_repeat_a_dated_joining(gazetteer):
    text = (
        "Denpasar and Semarang join ASEAN smart cities network.\n\n"
        "Denpasar and Semarang have joined the ASEAN Smart Cities Network this year, the ministry said."
    )
    assert proposals(gazetteer, text, date="2025-12-01") == [
        ("joining", {"city": "city/denpasar", "year": "2025"}),
        ("joining", {"city": "city/semarang", "year": "2025"}),
    ]
    # without a date to count from, nothing is made up: the joinings stay undated, once each
    assert proposals(gazetteer, text) == [
        ("joining", {"city": "city/denpasar"}),
        ("joining", {"city": "city/semarang"}),
    ]
    assert proposals(gazetteer, "Ipoh joined the network last year.", date="2026-02") == [
        ("joining", {"city": "city/ipoh", "year": "2025"})
    ]


def test_a_done_study_is_planning_and_two_statuses_are_not_guessed(gazetteer):
    text = (
        "Vientiane - Drainage System and Environmental Improvement: the pre-feasibility study supported by KEITI is "
        "completed, but the city is still seeking funds for construction, so the project remains in planning."
    )
    assert proposals(gazetteer, text) == [
        (
            "project",
            {
                "project": "project/vte-drainage",
                "city": "city/vientiane",
                "partner": "partner/keiti",
                "status": "planning",
            },
        )
    ]
    text = "Phuket said its Smart Beach Safety Project is completed, and a second project is planned."
    assert proposals(gazetteer, text) == [
        ("project", {"name": "Smart Beach Safety Project", "city": "city/phuket"}),
        ("new-project", {"name": "Smart Beach Safety Project"}),
    ]


def test_a_known_project_with_a_status_is_a_project_sentence(gazetteer):
    """The project's name says it is a project: no project word is needed beside it."""
    text = (
        "Da Nang's Intelligent Operation Centre, which handles complaints, traffic and public-order reports, is still "
        "being expanded, officials said."
    )
    assert proposals(gazetteer, text) == [
        ("project", {"project": "project/dad-ioc", "city": "city/da-nang", "status": "ongoing"})
    ]
    text = "Seberang Perai is still rolling out its INFLOS flood pump-house monitoring system."
    assert proposals(gazetteer, text) == [
        ("project", {"project": "project/spi-inflos", "city": "city/seberang-perai", "status": "ongoing"})
    ]
    # a known project named without a status or a project word states nothing new
    assert proposals(gazetteer, "Officials from Da Nang presented the Intelligent Operation Centre.") == []
    # urban planning is a subject, not a project's status
    assert proposals(gazetteer, "Da Nang is building a Digital Map Platform for urban planning.") == [
        ("project", {"name": "Digital Map Platform", "city": "city/da-nang"}),
        ("new-project", {"name": "Digital Map Platform"}),
    ]


def test_a_meetings_chair_and_host_are_read_from_the_usual_wordings(gazetteer):
    text = "The 8th ASCN Annual Meeting was convened in Kuala Lumpur on 9 September 2025 under Malaysia's chairmanship."
    assert proposals(gazetteer, text) == [
        (
            "milestone",
            {"date": "2025-09-09", "event": "8th ASCN Annual Meeting", "chair": "country/my", "host": "city/kuala-lumpur"},
        )
    ]
    # the chairmanship handed over at the meeting is not the meeting's chair
    text = (
        "Malaysia handed the ASCN chairmanship for 2026 to the Philippines at the 8th ASCN Annual Meeting in Kuala "
        "Lumpur on 9 September 2025."
    )
    assert proposals(gazetteer, text) == [
        ("milestone", {"date": "2025-09-09", "event": "8th ASCN Annual Meeting", "host": "city/kuala-lumpur"})
    ]
    text = "It was first proposed at the ASEAN-ROK Ministerial Meeting on Smart City held in Busan in November 2019."
    assert proposals(gazetteer, text) == [
        ("milestone", {"date": "2019-11", "event": "ASEAN-ROK Ministerial Meeting", "host": "Busan"})
    ]
