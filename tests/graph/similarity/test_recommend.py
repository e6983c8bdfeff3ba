"""Named recommendations on the bundled graph: who is recommended, why, and from which sources."""

from __future__ import annotations

import pytest

from graph.similarity import recommend as r
from graph.similarity.filters import Filters
from graph.similarity.reasons import to_dict
from graph.similarity.typed_graph import GraphCache, TypedGraph
from ontology.errors import NotFound

ID = "https://w3id.org/ascn/id/"
QUALITY_ENVIRONMENT = ID + "focus-area/quality_environment"
WISE_UTILITIES = ["sfpuc", "water_council_milwaukee", "dc_water", "clean_water_services", "miami_dade_wasd"]


@pytest.fixture(scope="module")
def tg(store) -> TypedGraph:
    return TypedGraph.from_store(store)


def test_named_project_peers_share_its_focus_area_with_a_source(store, tg):
    answer = r.projects_like(store, "Clean River Management", top=5, tg=tg)
    assert len(answer.items) == 5
    for item in answer.items:
        reasons = [x for x in item.reasons if x.kind == "focus_area" and x.entity == QUALITY_ENVIRONMENT]
        assert reasons, item.label
        assert all(ev.sources for ev in reasons[0].evidence)
        assert reasons[0].evidence[0].fact == ID + "project/bsb-clean-river"


def test_wise_twinning_peers_are_the_other_wise_twinnings(store, tg):
    answer = r.projects_like(store, "wise-phuket", top=4, tg=tg)
    assert {i.iri.rsplit("/", 1)[1] for i in answer.items} == {"wise-cebu", "wise-johor", "wise-hcmc",
                                                               "wise-vientiane"}
    partner_reason = next(x for x in answer.items[0].reasons if x.kind == "partner")
    assert partner_reason.evidence[0].sources[0].title


@pytest.mark.parametrize("utility", WISE_UTILITIES)
def test_wise_water_partners_get_cities_with_quality_environment_projects(store, tg, utility):
    answer = r.cities_for_partner(store, utility, top=3, filters=Filters(exclude_paired=True), tg=tg)
    assert len(answer.items) == 3
    for item in answer.items:
        projects = tg.sources_of("in_city", item.iri)
        assert any(QUALITY_ENVIRONMENT in tg.targets("focus_area", p) for p in projects), item.label


def test_exclude_paired_leaves_out_the_partners_cities(store, tg):
    paired = {ID + "city/" + c for c in ("ho-chi-minh-city", "phuket", "johor-bahru", "vientiane", "cebu-city",
                                          "davao-city")}
    shown = {i.iri for i in r.cities_for_partner(store, "united_states", top=40, tg=tg).items}
    assert paired <= shown
    kept = {i.iri for i in r.cities_for_partner(store, "united_states", top=40, tg=tg,
                                                 filters=Filters(exclude_paired=True)).items}
    assert not kept & paired
    assert kept


def test_partners_for_vientiane_start_with_its_korean_partner(store, tg):
    answer = r.partners_for_city(store, "Vientiane", top=3, tg=tg)
    assert answer.items[0].iri == ID + "partner/keiti"
    assert {x.kind for x in answer.items[0].reasons} >= {"project", "programme"}


def test_similar_cities_to_da_nang_include_its_smart_jamp_peers(store, tg):
    answer = r.similar_cities(store, "da-nang", top=5, tg=tg)
    assert [i.label for i in answer.items] == ["Ha Noi", "Siem Reap", "Ho Chi Minh City", "Kuching", "Cebu City"]
    for item in answer.items[1::2] + answer.items[4:]:
        assert any(x.kind == "programme" and x.entity == ID + "programme/smart-jamp" for x in item.reasons)
    japan = next(x for x in answer.items[1].reasons if x.entity == ID + "partner/japan")
    assert japan.evidence[0].confidence == "medium"  # the Da Nang – Japan pairing is marked medium


def test_projects_for_city_never_include_its_own(store, tg):
    answer = r.projects_for_city(store, "Phuket", top=20, tg=tg)
    assert not {i.iri for i in answer.items} & set(tg.sources_of("in_city", ID + "city/phuket"))
    assert answer.items[0].reasons


def test_country_filter_keeps_projects_in_that_country(store, tg):
    answer = r.projects_for_city(store, "Phuket", top=10, tg=tg, filters=Filters(country="Viet Nam"))
    assert answer.items
    for item in answer.items:
        (city,) = tg.targets("in_city", item.iri)
        assert tg.targets("in_country", city) == [ID + "country/vn"]


def test_status_and_period_filters(store, tg):
    answer = r.projects_like(store, "wise-phuket", top=10, tg=tg,
                             filters=Filters(status="completed", start_year=2020, end_year=2022))
    assert answer.items
    for item in answer.items:
        assert tg.targets("status", item.iri) == [ID + "status/completed"]
        e = tg.entities[item.iri]
        assert (e.start_year or e.end_year) is not None
        assert (e.start_year or 0) <= 2022 and (e.end_year or 9999) >= 2020


def test_exclude_own_country_and_focus_filter(store, tg):
    answer = r.similar_cities(store, "Ha Noi", top=10, tg=tg,
                              filters=Filters(exclude_own_country=True, focus_area="health_wellbeing"))
    assert answer.items
    for item in answer.items:
        assert tg.targets("in_country", item.iri) != [ID + "country/vn"]
        assert any(ID + "focus-area/health_wellbeing" in tg.targets("focus_area", p)
                   for p in tg.sources_of("in_city", item.iri))


def test_unknown_city_suggests_the_closest_names(store, tg):
    with pytest.raises(NotFound) as err:
        r.similar_cities(store, "Vientane", tg=tg)
    assert err.value.suggestions[0] == "Vientiane"


def test_unknown_filter_value_is_not_found(store, tg):
    with pytest.raises(NotFound, match="no focus area named 'water'"):
        r.projects_like(store, "wise-phuket", tg=tg, filters=Filters(focus_area="water"))


def test_names_ids_and_iris_name_the_same_city(store, tg):
    by = [r.similar_cities(store, q, top=3, tg=tg).items for q in ("Da Nang", "da-nang", ID + "city/da-nang")]
    assert by[0] == by[1] == by[2]


def test_planned_project_finds_flood_and_drainage_projects(store, tg):
    answer = r.projects_for_plan(store, ["quality_environment"], [], "flood drainage sensors", top=5, tg=tg)
    top = answer.items[0]
    assert {x.kind for x in top.reasons} == {"focus_area", "text"}
    assert "drainage" in next(x.text for x in top.reasons if x.kind == "text")
    named_only = [i for i in answer.items if i.notes]
    assert [i.label for i in named_only] == ["Air Quality Sensors Installation"]
    assert "only name" in named_only[0].notes[0]


def test_planned_outcomes_are_said_not_to_count_while_no_project_has_one(store, tg):
    answer = r.projects_for_plan(store, ["safety_security"], ["competitive_economy"], top=3, tg=tg)
    assert answer.items
    assert "strategic outcomes" in answer.note


def test_sparsely_linked_city_falls_back_and_says_so(store, tg):
    answer = r.similar_cities(store, "Denpasar", top=3, tg=tg)
    assert "personalised PageRank" in answer.note
    assert [i.label for i in answer.items] == ["Makassar", "DKI Jakarta", "Banyuwangi"]
    assert all(i.reasons[0].kind == "connection" for i in answer.items)


def test_city_without_projects_gets_focus_area_projects(store, tg):
    answer = r.projects_for_city(store, "Dili", top=3, tg=tg)
    assert len(answer.items) == 3
    assert "no projects" in answer.note


def test_same_question_twice_gives_the_same_ranking(store):
    first = r.similar_cities(store, "Phuket", top=10, tg=TypedGraph.from_store(store))
    second = r.similar_cities(store, "Phuket", top=10, tg=TypedGraph.from_store(store))
    assert to_dict(first) == to_dict(second)


def test_answers_are_json_ready(store, tg):
    import json
    data = json.loads(json.dumps(to_dict(r.cities_for_partner(store, "jica", top=2, tg=tg))))
    assert data["items"][0]["reasons"][0]["evidence"][0]["sources"][0]["iri"].startswith(ID + "source/")


def test_cache_follows_the_graph_version_through_a_load_and_an_unload(fresh_store, tmp_path):
    from loaders import dataset
    cache = GraphCache()
    before = cache.get(fresh_store)
    assert cache.get(fresh_store) is before and cache.builds == 1
    data = tmp_path / "dili-plans.yaml"
    data.write_text(
        "type: project\nrecords:\n- id: dili-river-monitoring\n  name: River Water Quality Monitoring (test record)\n"
        "  city: dili\n  focus_areas: [quality_environment]\n  description: A test record for the cache.\n"
        "  status: planning\n  status_as_of: 2025-09\n  partners: []\n  sources: [ascn_me_2025]\n",
        encoding="utf-8")
    dataset.load(fresh_store, data)
    after = cache.get(fresh_store)
    assert after is not before and cache.builds == 2
    assert ID + "project/dili-river-monitoring" in after.entities
    answer = r.similar_cities(fresh_store, "Dili", top=3, cache=cache)
    assert any(x.kind == "focus_area" for i in answer.items for x in i.reasons)
    dataset.unload(fresh_store, "dili-plans")
    unloaded = cache.get(fresh_store)
    assert unloaded is not after and cache.builds == 3
    assert ID + "project/dili-river-monitoring" not in unloaded.entities


def test_remote_backend_gives_the_same_typed_graph_and_answers(store, remote_store, tg):
    remote = TypedGraph.from_store(remote_store)
    assert remote.entities == tg.entities
    assert set(remote.links) == set(tg.links)
    assert remote.facts == tg.facts
    here = r.cities_for_partner(store, "jica", top=5, tg=tg)
    there = r.cities_for_partner(remote_store, "jica", top=5, tg=remote)
    assert [i.iri for i in here.items] == [i.iri for i in there.items]
