"""A member state's ISO code binds to its IRI in any case (the IRIs use lower case, users type upper case)."""

from queries.library import get_query


def test_upper_and_lower_case_country_codes_give_the_same_cities(store):
    query = get_query("pilot_cities_of_country")
    upper = store.query(query.bind({"country": "MY"}))
    lower = store.query(query.bind({"country": "my"}))
    assert [str(c) for c in upper.column("cityLabel")] == ["Johor Bahru", "Kota Kinabalu", "Kuala Lumpur", "Kuching"]
    assert upper.rows == lower.rows
