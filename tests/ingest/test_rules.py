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
