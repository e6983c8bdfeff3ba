"""The query, match, ontology and data pages (webapp/tools.py, webapp/reference.py), rendered by Flask."""

from __future__ import annotations

import re
from html import unescape as html_unescape

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from ontology import ONTOLOGY_IRI, ontology_graph
from ontology.namespace import ASCN
from queries.library import library
from webapp.bounds import MAX_VALUE_LENGTH
from webapp.evaluation import EXTENSION as EVALUATION
from webapp.ontology_doc import class_diagram
from webapp.store import get_store

EVALUATION_BOUND = 600
"""Seconds the evaluation may take before a test gives up: a hang, not a slow machine."""


def test_query_page_offers_every_library_query_and_the_editor_config(client):
    response = client.get("/query")
    assert response.status_code == 200
    html = response.data.decode()
    buttons = set(re.findall(r'data-query="([a-z_]+)"', html))
    assert buttons == set(library())
    assert 'data-vocabulary="/api/vocabulary"' in html and 'data-examples="/api/queries"' in html
    assert "<script>" not in html and " style=" not in html


def test_query_page_states_its_limits_as_the_other_pages_write_numbers(client):
    html = client.get("/query").data.decode()
    assert re.search(r"Each query may run \d+(\.\d+)? s and return \d{1,3}(,\d{3})* rows;", html)
    assert "10000" not in html and ".0 s" not in html


def test_query_page_shows_the_parameters_a_description_names_as_code_not_backticks(client):
    html = client.get("/query").data.decode()
    descriptions = re.findall(r'<small class="example-description">(.*?)</small>', html, re.S)
    assert len(set(descriptions)) == len(library())  # a query for several audiences is listed in each group
    assert not [d for d in descriptions if "`" in d]
    assert any("Leave <code>city</code> empty" in d for d in descriptions)  # best_practices_about_city


def test_query_page_allows_only_the_editors_own_style_elements(client):
    policy = client.get("/query").headers["Content-Security-Policy"]
    style = next(d for d in policy.split("; ") if d.startswith("style-src"))
    hashes = re.findall(r"'sha256-[A-Za-z0-9+/=]+'", style)
    assert len(hashes) == 2  # the column resizer's stylesheet and its drag cursor
    assert "unsafe-inline" not in policy and "script-src 'self';" in policy


def test_match_for_an_existing_partner_lists_new_cities_with_sources(client):
    html = client.get("/match?who=partner&partner=japan").data.decode()
    answer = html[html.index('id="answer"') :]
    cities = re.findall(r'class="rec-title" href="/id/city/([a-z-]+)"', answer)
    assert cities and not {"siem-reap", "luang-prabang", "da-nang"} & set(cities)
    assert "already works here" not in answer
    assert "in Japan&#39;s line of work" in answer and 'href="/id/source/' in answer


def test_match_shows_tied_cities_marked_when_asked(client):
    html = client.get("/match?who=partner&partner=japan&include_tied=on").data.decode()
    answer = html[html.index('id="answer"') :]
    assert '<span class="tag">already works here</span>' in answer


def test_match_partner_with_ticked_focus_areas_narrows_the_list(client):
    plain = client.get("/match?who=partner&partner=japan").data.decode()
    health = client.get("/match?who=partner&partner=japan&focus=health_wellbeing").data.decode()
    first = [
        re.findall(r'class="rec-title" href="/id/city/([a-z-]+)"', h[h.index('id="answer"') :]) for h in (plain, health)
    ]
    assert first[0] != first[1]


def test_match_for_a_partner_profile_uses_its_focus_areas_and_programme(client):
    html = client.get("/match?who=partner&focus=quality_environment&programme=smart-jamp&country=kh").data.decode()
    answer = html[html.index('id="answer"') :]
    cities = re.findall(r'class="rec-title" href="/id/city/([a-z-]+)"', answer)
    assert cities[:2] == ["battambang", "siem-reap"]
    assert all(c in {"battambang", "siem-reap", "phnom-penh", "sihanoukville"} for c in cities)
    assert 'already takes part in <a href="/id/programme/smart-jamp">Smart JAMP (' in answer


def test_match_partner_form_keeps_every_programme_chosen_and_says_how_to_choose_several(client):
    html = client.get("/match?who=partner&programme=smart-jamp&programme=wise").data.decode()
    form = html[html.index('aria-labelledby="partner-form"') : html.index('aria-labelledby="city-form"')]
    assert re.findall(r'<option value="([a-z-]+)" selected>', form) == ["smart-jamp", "wise"]
    assert '<select id="programme" name="programme" multiple aria-describedby="programme-hint">' in form
    assert '<p class="note" id="programme-hint">Hold Ctrl (⌘ on a Mac) and click to choose more than one;' in form


def test_match_for_a_planned_project_lists_projects_with_reasons(client):
    html = client.get("/match?who=city&focus=quality_environment&text=flood+early+warning").data.decode()
    answer = html[html.index('id="answer"') :]
    assert "Integrated Flood and Monitoring Pump House System (INFLOS)" in answer
    assert "its description speaks of “flood”, as the plan does" in answer


def test_a_recommended_projects_card_carries_its_records_confidence_mark(client):
    """Seberang Perai's 2019 initiatives (a news report, marked medium by the fact sheet) showed on /match with its
    place, status and summary and no mark, which only the folded evidence held: /projects and its own page show it
    beside them. The card (and the API's item) now carries it; an item from an official source has none."""
    html = client.get("/match?who=city&city=cebu-city&text=traffic+signal+control").data.decode()
    cards = {
        m[1]: m[2] for m in re.finditer(r'class="rec-title"[^>]*>([^<]+)</a>(.*?)<p class="rec-summary">', html, re.S)
    }
    seberang = cards["Seberang Perai smart initiative projects (state-funded, 2019)"]
    assert '<span class="confidence confidence-medium">medium confidence</span>' in seberang
    assert "confidence" not in cards["Sistem Pengurusan Lalulintas Pintar (SPLiT) smart traffic management"]
    body = client.get("/api/recommend/projects?city=cebu-city&text=traffic+signal+control").get_json()
    marks = {item["label"]: item["confidence"] for item in body["items"]}
    assert marks["Seberang Perai smart initiative projects (state-funded, 2019)"] == "medium"
    assert marks["Sistem Pengurusan Lalulintas Pintar (SPLiT) smart traffic management"] is None


def test_match_says_what_only_projects_in_other_countries_left_out(client):
    html = client.get("/match?who=city&country=vn&elsewhere=on&text=intelligent+operation+centre").data.decode()
    answer = html[html.index('id="answer"') :]
    assert '<p class="notice">9 projects in Viet Nam are left out, as asked</p>' in answer
    assert "Intelligent Operation Centre (Da Nang)" not in answer and "Sarawak Integrated Operation Centre" in answer


def test_match_says_only_projects_in_other_countries_leaves_nothing_out_without_a_country(client):
    """Ticked with a plan alone, "Only projects in other countries" answered with projects of every country and
    not a word on why; the API's exclude_own_country likewise."""
    html = client.get("/match?who=city&elsewhere=on&text=flood+early+warning").data.decode()
    answer = html[html.index('id="answer"') :]
    note = "no project is left out for being in your own country: the question names no city or country of yours"
    assert f'<p class="notice">{note}</p>' in answer
    body = client.get("/api/recommend/projects?text=flood+early+warning&exclude_own_country=true").get_json()
    assert body["note"].startswith(note) and body["items"]
    with_city = client.get("/api/recommend/projects?city=da-nang&text=flood&exclude_own_country=true").get_json()
    assert "your own country" not in (with_city["note"] or "")


def test_an_empty_answer_says_what_on_the_form_to_change(client):
    """A plan in Thai, with no filter at all, was told "Try other focus areas or fewer filters"."""
    html = client.get("/match", query_string={"who": "city", "text": "ระบบควบคุมสัญญาณไฟจราจร"}).data.decode()
    warning = " ".join(re.search(r'<p class="notice warn">(.*?)</p>', html, re.S)[1].split())
    assert warning == "No project with a reason to show. Tick the plan's focus areas, or describe it in other words."
    # ADB implements AASCTF, so every city under it is one ADB already works in: the box that shows them is named
    html = client.get("/match?who=partner&partner=adb&programme=aasctf").data.decode()
    warning = " ".join(re.search(r'<p class="notice warn">(.*?)</p>', html, re.S)[1].split())
    assert warning == (
        "No city with a reason to show. Tick other focus areas or programmes, or “Also show cities the partner already "
        "works in”."
    )


def test_an_empty_list_of_cities_offers_only_the_changes_that_bring_a_city_back(client):
    """The European Union under Smart Green ASEAN Cities, which no pairing runs under, was offered "fewer countries"
    with none ticked and the box for the cities it already works in, none of which is under the programme either."""

    def warning(query: str) -> str:
        html = client.get("/match?who=partner&" + query).data.decode()
        return " ".join(re.search(r'<p class="notice warn">(.*?)</p>', html, re.S)[1].split())

    assert warning("partner=european-union&programme=smart-green-asean-cities") == (
        "No city with a reason to show. Tick other focus areas or programmes."
    )
    assert warning("partner=european-union&programme=smart-green-asean-cities&include_tied=on") == (
        "No city with a reason to show. Tick other focus areas or programmes."
    )
    # ADB's three AASCTF cities are in Lao PDR, Cambodia and the Philippines, none in Brunei
    assert warning("partner=adb&programme=aasctf&country=bn&include_tied=on") == (
        "No city with a reason to show. Tick other focus areas or programmes, or fewer countries."
    )


def test_match_names_a_plans_misspelt_words_with_what_they_may_mean(client):
    """A plan typed with two typos answered "No recommendation with a reason to show. Try other focus areas or
    fewer filters.", a dead end: the page now says which words no project uses and what each may have meant."""
    html = client.get("/match?who=city&city=cebu-city&text=flod+warnin+sensers").data.decode()
    answer = html[html.index('id="answer"') :]
    assert (
        "no project&#39;s name or description uses “flod” (did you mean “flood”?), “warnin”, “sensers” (did you "
        "mean “sensors”?), so they do not change the ranking" in answer
    )


def test_match_heading_quotes_a_long_plan_by_its_first_words(client):
    """A plan pasted at length (2,800 characters) was quoted whole in the answer's heading, a screenful of bold
    text above the answer; the heading now quotes its first words, and the JSON's query keeps them all."""
    plan = "Our city plans a flood early warning system with river level sensors, a control centre and SMS alerts "
    plan = (plan + "for residents in low-lying districts. ") * 20
    html = client.get("/match", query_string={"who": "city", "city": "cebu-city", "text": plan}).data.decode()
    heading = re.search(r'<h2 id="answer-heading">(.*?)</h2>', html, re.S)[1]
    assert " ".join(heading.split()) == (
        "Projects to learn from: Cebu City, “Our city plans a flood early warning system with river level sensors, "
        "a control centre and SMS …”"
    )
    body = client.get("/api/recommend/projects", query_string={"city": "cebu-city", "text": plan}).get_json()
    assert body["query"][1] == "text:" + plan.strip()


def test_the_plan_box_takes_no_more_than_the_server_reads(client):
    """A plan pasted past the 10,000 characters a parameter may hold left the form for a bare 400 page, the plan
    lost with it; the box now stops at that length, as the browser enforces it."""
    html = client.get("/match").data.decode()
    [box] = re.findall(r'<textarea id="plan-text"[^>]*>', html)
    assert f'maxlength="{MAX_VALUE_LENGTH}"' in box
    plan = "flood " * (MAX_VALUE_LENGTH // 6)
    assert client.get("/match", query_string={"who": "city", "text": plan[:MAX_VALUE_LENGTH]}).status_code == 200


def test_the_match_answers_json_link_says_where_the_api_is_described(client):
    """The answer's JSON link said "(see the Data page)", and the Data page said nothing of it; it now links the
    Data page's paragraph on the recommendation API, which names the routes and links an example that answers."""
    html = client.get("/match?who=city&text=flood+early+warning").data.decode()
    assert '(<a href="/data#recommendation-api">about it</a>)' in html
    data = client.get("/data").data.decode()
    about = re.search(r'<p id="recommendation-api">(.*?)</p>', data, re.S)[1]
    assert all(f"<code>/api/recommend/{kind}</code>" in about for kind in ("projects", "cities", "partners"))
    [example] = re.findall(r'href="(/api/recommend/[^"]+)"', about)
    answer = client.get(html_unescape(example)).get_json()
    assert answer["items"] and {"city", "country", "status", "summary"} <= set(answer["items"][0])


def test_match_with_an_unknown_partner_says_so_with_closest_names(client):
    response = client.get("/match?who=partner&partner=japn")
    assert response.status_code == 404
    assert "no partner named &#39;japn&#39;" in response.data.decode()
    assert "Japan" in response.data.decode()


def test_match_with_a_programme_for_a_partner_offers_its_partners_apart_by_semicolons(client):
    """Partners' names hold commas ("…, Japan"): joined by commas the offer read as more names than it held."""
    page = client.get("/match?who=partner&partner=AASCTF")
    assert page.status_code == 404
    assert "&#39;AASCTF&#39; names a programme, not a partner" in page.data.decode()
    assert (
        "Did you mean: Asian Development Bank (ADB); Australia; Department of Foreign Affairs and Trade (DFAT), "
        "Australia; Ramboll?" in page.data.decode()
    )


@pytest.mark.parametrize(
    "query, message",
    [
        (
            "who=city",
            "choose your city, tick the plan&#39;s focus areas or outcomes, or describe the plan in a few words",
        ),
        ("who=city&country=vn&elsewhere=on", "choose your city, tick the plan&#39;s focus areas or outcomes"),
        ("who=partner", "choose a partner, or describe one by ticking its focus areas or programmes"),
        ("who=partner&include_tied=on", "choose a partner, or describe one by ticking its focus areas or programmes"),
    ],
)
def test_match_with_an_empty_form_is_a_400_page_in_the_forms_words(client, query, message):
    """An empty form was answered in the API's words: "give a city, a project, or a plan (focus, outcome, text)"
    on a form without a project field, "give a partner, a city, or a partner profile (focus, programme,
    in_country)" on one without a city field."""
    response = client.get(f"/match?{query}")
    assert response.status_code == 400
    html = response.data.decode()
    assert message in html and "in_country" not in html and "a project" not in html


def test_match_for_a_city_planning_a_project_leaves_its_own_out(client):
    html = client.get("/match?who=city&city=cebu-city&text=traffic+signal+control").data.decode()
    answer = html[html.index('id="answer"') :]
    assert "Intelligent Traffic Control System (Da Nang)" in answer
    assert '<span class="rec-place">Cebu City' not in answer


def test_ontology_page_documents_classes_schemes_and_diagram(client):
    response = client.get("/ontology")
    assert response.status_code == 200 and "Accept" in response.vary
    html = response.data.decode()
    section = re.search(r'<a class="class-name" href="#([^"]+)">City</a>', html).group(1)
    assert f'class="property entity" id="{section}"' in html  # the diagram links to pyLODE's section on ascn:City
    for label in ("Built Infrastructure", "Health and Well-being", "Integrated Master Planning and Development"):
        assert label in html
    assert "<style" not in html and " style=" not in html


def test_ontology_negotiates_rdf_and_offers_files(client):
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle"
    g = Graph().parse(data=turtle.data, format="turtle")
    assert (ASCN.City, RDF.type, OWL.Class) in g
    assert len(g) == len(ontology_graph())
    for ext, fmt in (("rdf", "xml"), ("jsonld", "json-ld"), ("ttl", "turtle")):
        parsed = Graph().parse(data=client.get(f"/ontology.{ext}").data, format=fmt)
        assert len(parsed) == len(g), ext
    assert client.get("/ontology", headers={"Accept": "text/html,*/*"}).mimetype == "text/html"


def test_an_ontology_file_reads_format_as_every_rdf_route_does(client):
    """``/ontology.ttl?format=nt`` was Turtle, the parameter ignored without a word, where ``/ontology``, ``/id/...``
    and ``/graph/...`` answer the syntax it names (and refuse an unknown one)."""
    triples = client.get("/ontology.ttl", query_string={"format": "nt"})
    assert (triples.status_code, triples.mimetype) == (200, "application/n-triples")
    assert 'filename="ascn-ontology.nt"' in triples.headers["Content-Disposition"]
    assert isomorphic(Graph().parse(data=triples.data, format="nt"), ontology_graph())
    assert client.get("/ontology.nt", query_string={"format": "turtle"}).mimetype == "text/turtle"
    page = client.get("/ontology.ttl", query_string={"format": "html"})
    assert (page.status_code, page.headers["Location"]) == (303, "/ontology")
    refused = client.get("/ontology.ttl", query_string={"format": "png"})
    assert refused.status_code == 400
    assert "parameter &#39;format&#39;: unknown format &#39;png&#39;; use one of html, ttl" in refused.text


@pytest.mark.parametrize("path", ["/ontology.jsonld", "/ontology?format=jsonld", "/ontology/core?format=jsonld"])
def test_the_ontologys_json_ld_reads_as_plain_json_with_the_published_context(client, path):
    """It was expanded (``"http://www.w3.org/2000/01/rdf-schema#label": [{"@language": "en", ...}]``); it now carries
    the context's terms it uses, as an entity's JSON-LD does, links the whole context, and parses to the Turtle's
    graph."""
    response = client.get(path)
    document = response.get_json()
    city = next(node for node in document["@graph"] if node["@id"] == "ascn:City")
    assert (city["@type"], city["label"]) == ("owl:Class", "member city")
    assert document["@context"]["label"] == {"@id": "rdfs:label", "@language": "en"}
    assert '</ontology/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"' in response.headers["Link"]
    turtle = client.get(path.replace("jsonld", "ttl"))
    assert isomorphic(Graph().parse(data=response.data, format="json-ld"), Graph().parse(data=turtle.data))


def test_class_diagram_boxes_every_ontology_class_in_its_module_with_its_properties():
    diagram = class_diagram()
    g = ontology_graph()
    classes = {str(c).rsplit("#", 1)[-1] for c in g.subjects(RDF.type, OWL.Class) if str(c).startswith(str(ASCN))}
    boxes = {c.name: (m.name, c) for m in diagram for c in m.classes}
    assert set(boxes) == classes and sum(len(m.classes) for m in diagram) == len(classes)
    assert [m.name for m in diagram] == ["core", "partnership", "project", "provenance", "framework", "vocabularies"]
    module, project = boxes["Project"]
    assert module == "project"
    assert ("inCity", "City", "core") in project.links and ("status", "ProjectStatus", "vocabularies") in project.links
    assert ("Project", "inCity") in boxes["City"][1].used_by
    assert "schema:City" in boxes["City"][1].alignments and ("joinedYear", "xsd:gYear") in boxes["City"][1].values
    assert boxes["AnnualMeeting"][1].parents == ("Meeting",) and boxes["Event"][1].children == ("Meeting", "Summit")
    core = [c.name for c in diagram[0].classes]
    assert core.index("Event") < core.index("Meeting") < core.index("AnnualMeeting") < core.index("Summit")


def evaluation_ready(app) -> None:
    """Wait until the app's recommender evaluation of its graph is computed (a state, however long it takes on
    a busy machine), so the data page shows the table rather than its "still being computed" notice."""
    with app.app_context():
        _, done = app.extensions[EVALUATION].start(get_store())
    assert done.wait(EVALUATION_BOUND), f"the evaluation did not finish within {EVALUATION_BOUND} s"


def test_data_page_says_when_the_evaluation_is_still_computed(client, app):
    html = client.get("/data").data.decode()  # ready or not, the page answers
    assert ('id="evaluation-table"' in html) != ("still being computed" in html)


def test_data_page_names_a_class_the_ontology_does_not_label_in_words(client):
    html = client.get("/data").data.decode()
    assert '<td title="http://www.w3.org/2004/02/skos/core#ConceptScheme">Concept scheme</td>' in html
    assert '<td title="http://www.opengis.net/ont/geosparql#Geometry">Geometry</td>' in html


def test_data_page_shows_downloads_counts_evaluation_and_gaps(client, app):
    evaluation_ready(app)
    html = client.get("/data").data.decode()
    for ext in ("ttl", "nt", "trig", "jsonld", "graphs.jsonld"):
        assert f'href="/download/ascn-kg.{ext}"' in html
    row = re.search(
        r"<td title=\"https://w3id.org/ascn/ontology#City\">Member city</td><td class=\"num\">(\d+)</td>", html
    )
    assert row and row.group(1) == "38"
    assert 'id="evaluation-table"' in html and "shipped" in html and "Ships for plan → project" in html
    assert "Held-out answers still stated outright after hiding: 0." in html
    gaps = html[html.index('id="gap-cities"') : html.index('id="gap-confidence"')]
    assert re.findall(r'href="/id/city/([a-z-]+)"', gaps) == []  # since sheet 0.2 every city has a project
    assert "Every member city has at least one sourced project." in gaps
    confidence = html[html.index('id="gap-confidence"') :]
    assert '<a href="/id/network/ascn/statement/' in confidence and "ASCN Shepherd: Indonesia</a>" in confidence
    assert "Only meeting-level mentions." in html
    minebea = confidence[confidence.index('href="/id/partner/minebea_mitsumi"') :]
    assert minebea[: minebea.index("</tr>")].endswith('<span class="gap">the fact sheet gives no reason</span></td>')


def test_ontology_documentation_describes_the_umbrella_ontology_under_the_page_heading(client):
    """pyLODE gathered every module's and concept scheme's header into its metadata: a second <h1> of 24 titles run
    together, 14 version numbers and the last scheme's IRI given as the ontology's."""
    html = client.get("/ontology").get_data(as_text=True)
    assert re.findall(r"<h1[ >]", html) == ["<h1>"]
    metadata = html[html.index('id="metadata"') : html.index('id="classes"')]
    assert "<code>https://w3id.org/ascn/ontology</code>" in metadata
    assert "<p>ASEAN Smart Cities Network (ASCN) ontology</p>" in metadata
    assert "<p>ASCN ontology: core module</p>" not in metadata  # the modules are listed as its imports
    assert "scheme/" not in metadata and metadata.count("<p>0.1.0</p>") == 1


def test_every_module_iri_the_ontology_names_dereferences(client):
    """Every term's rdfs:isDefinedBy (its module) and the umbrella's owl:imports were 404s, and so was its
    owl:versionIRI: a module is its own file to an RDF client and its panel of the documentation to a browser."""
    g = ontology_graph()
    named = set(g.objects(None, RDFS.isDefinedBy)) | set(g.objects(ONTOLOGY_IRI, OWL.imports))
    assert len(named) == 13
    for module in named:
        turtle = client.get(str(module).removeprefix("https://w3id.org/ascn"), headers={"Accept": "text/turtle"})
        assert (turtle.status_code, turtle.mimetype, "Accept" in turtle.vary) == (200, "text/turtle", True), module
        served = Graph().parse(data=turtle.data, format="turtle")
        assert (module, RDF.type, OWL.Ontology) in served
        assert set(served.subjects(RDFS.isDefinedBy, module)) == set(g.subjects(RDFS.isDefinedBy, module))
    core = URIRef("https://w3id.org/ascn/ontology/core")
    assert (ASCN.City, RDFS.isDefinedBy, core) in g
    page = client.get("/ontology/core", headers={"Accept": "text/html"})
    assert (page.status_code, page.location) == (303, "/ontology#module-core")
    assert client.get("/ontology/alignments/schema").location == "/ontology#documentation"
    assert str(g.value(ONTOLOGY_IRI, OWL.versionIRI)) == "https://w3id.org/ascn/ontology/0.1.0"
    version = client.get("/ontology/0.1.0", headers={"Accept": "text/turtle"})
    assert (version.status_code, version.location) == (303, "/ontology")
    missing = client.get("/ontology/cor", headers={"Accept": "text/plain"})
    assert missing.status_code == 404 and "skos-dcterms, core, framework" in missing.get_data(as_text=True)


def test_a_term_iri_opened_in_a_browser_lands_on_the_term_and_every_id_is_the_pages_once(client):
    """https://w3id.org/ascn/ontology#City leads to /ontology#City, but pyLODE named the section after the label
    ("membercity"), so a browser stayed at the top; and its functional properties, listed again, and its prefixes
    ("country", "status") repeated ids the page already had, so a link to one could land on the other."""
    html = client.get("/ontology").get_data(as_text=True)
    ids = re.findall(r' id="([^"]+)"', html)
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
    terms = {str(t) for t in ontology_graph().subjects() if str(t).startswith(str(ASCN))}
    assert len(terms) > 100
    for term in terms:
        assert f'class="property entity" id="{term.removeprefix(str(ASCN))}"' in html, term
    assert re.findall(r'href="#([^"]+)"', html) and all(h in ids for h in re.findall(r'href="#([^"]+)"', html))
    assert '<dt id="namespace-status">status</dt>' in html


def test_the_ontology_page_has_no_none_in_its_notes(client):
    """pyLODE's note (a title, which a screen reader reads out) on a property it has no background for said "None.
    Defined in None" (vann's) or ended "Defined in None" (schema.org's domainIncludes)."""
    html = client.get("/ontology").get_data(as_text=True)
    titles = re.findall(r' title="([^"]*)"', html)
    assert [t for t in titles if "None" in t] == []
    assert "Relates a property to a class that is (one of) the type(s) the property is expected to be used on" in titles
