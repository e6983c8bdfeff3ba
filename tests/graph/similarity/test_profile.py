"""Cities for a partner profile (the question ``cities_for_profile``, graph/similarity/profile.py) on the bundled
graph."""

from __future__ import annotations

import pytest

from graph.similarity.recommend import QuestionError, ask
from ontology.errors import NotFound
from ontology.namespace import ID


def test_programme_members_with_the_focus_area_come_first(store):
    answer = ask(store, "cities_for_profile", focus=["quality_environment"], programme=["smart-jamp"], top=3)
    assert [i.label for i in answer.items] == ["Battambang", "Siem Reap", "Luang Prabang"]
    programme, focus = answer.items[0].reasons
    assert programme.kind == "programme" and programme.entity == str(ID["programme/smart-jamp"])
    assert focus.text == "Battambang has 3 projects in Quality Environment, an area of the partner's expertise"
    assert all(ev.sources for reason in answer.items[0].reasons for ev in reason.evidence)


def test_cities_of_equal_score_come_the_more_partnered_first(store):
    # the programme alone gives every Smart JAMP city the same score: those with more pairings come first (four:
    # Battambang, Davao City, Luang Prabang; three: Siem Reap; two: Cebu City, Da Nang; one: Kuching), then by IRI
    answer = ask(store, "cities_for_profile", programme=["smart-jamp"], top=10)
    assert len({i.score for i in answer.items}) == 1
    assert [i.label for i in answer.items] == [
        "Battambang",
        "Davao City",
        "Luang Prabang",
        "Siem Reap",
        "Cebu City",
        "Da Nang",
        "Kuching",
    ]


def test_countries_keep_only_their_cities(store):
    answer = ask(store, "cities_for_profile", focus=["civic_social"], in_country=["vn"], top=10)
    assert [i.label for i in answer.items] == ["Da Nang", "Ho Chi Minh City"]


def test_a_city_without_a_shared_area_or_programme_is_not_shown(store):
    answer = ask(store, "cities_for_profile", focus=["health_wellbeing"], in_country=["vn"], top=10)
    assert answer.items == ()


def test_profile_needs_an_area_or_a_programme(store):
    with pytest.raises(QuestionError, match="at least one focus area or programme"):
        ask(store, "cities_for_profile", in_country=["vn"])


def test_unknown_programme_suggests_the_closest(store):
    with pytest.raises(NotFound) as caught:
        ask(store, "cities_for_profile", programme=["smart jmp"])
    assert caught.value.suggestions[0].startswith("Smart JAMP")
