"""Users' own files: loaded into named graphs of their own, replaced, removed — or refused, changing nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from loaders import dataset
from loaders.errors import ValidationError
from loaders.templates import csv_template, yaml_template
from ontology.errors import InputError, InputErrors, NotFound

DATA = Path(__file__).parent / "data"
PHUKET_TEST_PROJECTS = """
PREFIX ascn: <https://w3id.org/ascn/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name WHERE { ?p ascn:inCity <https://w3id.org/ascn/id/city/phuket> ; rdfs:label ?name
                     FILTER(CONTAINS(?name, "test example")) } ORDER BY ?name
"""


def snapshot(store):
    return store.export("nquads")


def test_a_city_adds_its_projects_and_their_source_from_yaml(fresh_store):
    count = dataset.load(fresh_store, DATA / "city_projects.yaml")
    assert count > 20
    assert "https://w3id.org/ascn/graph/user/city_projects" in fresh_store.graph_names()
    names = [str(n) for n in fresh_store.query(PHUKET_TEST_PROJECTS).column("name")]
    assert names == ["Electric bus pilot (test example)", "Flood sensor network (test example)"]


def test_loading_the_same_name_again_replaces_the_graph(fresh_store):
    dataset.load(fresh_store, DATA / "city_projects.yaml", name="phuket")
    dataset.load(fresh_store, DATA / "projects.csv", name="phuket")
    assert fresh_store.query(PHUKET_TEST_PROJECTS).rows == []
    assert dataset.user_graphs(fresh_store) == ["https://w3id.org/ascn/graph/user/phuket"]


def test_csv_lists_are_split_on_semicolons(fresh_store):
    dataset.load(fresh_store, DATA / "projects.csv")
    answer = fresh_store.query("""
        PREFIX ascn: <https://w3id.org/ascn/ontology#>
        SELECT ?area WHERE { <https://w3id.org/ascn/id/project/test-dad-parking> ascn:focusArea ?area }
        ORDER BY ?area""")
    assert [str(a).rsplit("/", 1)[-1] for a in answer.column("area")] == ["built_infrastructure", "civic_social"]


def test_a_record_taking_an_id_the_graph_holds_is_refused_by_validate_and_load_alike(fresh_store, tmp_path):
    """A project file reusing the bundled project id dad-ioc passed `ascn validate` ("conforms") and then failed to
    load with "1 SHACL violation: - https://w3id.org/ascn/id/project/dad-ioc, rdfs:label: Needs exactly one name",
    naming neither the file nor the record. Both now name the file, line, record and field; nothing is written."""
    path = tmp_path / "projects.csv"
    path.write_text(
        "id,name,city,focus_areas,description,status,sources\n"
        "dad-ioc,My operation centre,da-nang,built_infrastructure,A centre.,ongoing,asean_ascn_page\n"
    )
    message = (
        "projects.csv, line 2, record 'dad-ioc', field 'id': expected a project id the graph does not hold yet, "
        "got 'dad-ioc'"
    )
    before = snapshot(fresh_store)
    for check in (dataset.read_user_file, dataset.load):
        with pytest.raises(InputError) as info:
            check(fresh_store, path)
        assert str(info.value) == message
    assert snapshot(fresh_store) == before


def test_an_rdf_file_breaking_a_shape_is_named_in_the_error(fresh_store, tmp_path):
    """An RDF file has no records or lines to name, but its name is said first: a Turtle city without a country was
    refused with "4 SHACL violations:" alone, the file's name only in the report kept for logs."""
    path = tmp_path / "my-cities.ttl"
    path.write_text(
        "<https://w3id.org/ascn/id/city/newtown> a <https://w3id.org/ascn/ontology#City> ;\n"
        '    <http://www.w3.org/2000/01/rdf-schema#label> "Newtown" .\n'
    )
    before = snapshot(fresh_store)
    with pytest.raises(ValidationError) as info:
        dataset.load(fresh_store, path)
    assert str(info.value).startswith(
        "my-cities.ttl: 4 SHACL violations:\n- https://w3id.org/ascn/id/city/newtown, ascn:country: A city needs"
    )
    assert snapshot(fresh_store) == before


def test_a_file_loaded_again_keeps_its_own_ids(fresh_store):
    """Its own graph's ids are the file's to keep: loading or validating it again under its name is no clash."""
    dataset.load(fresh_store, DATA / "projects.csv", name="mine")
    dataset.read_user_file(fresh_store, DATA / "projects.csv", name="mine")
    dataset.load(fresh_store, DATA / "projects.csv", name="mine")
    with pytest.raises(InputError, match="expected a project id the graph does not hold yet, got 'test-dad-air'"):
        dataset.load(fresh_store, DATA / "projects.csv", name="other")


def test_unload_removes_only_that_graph(fresh_store):
    before = snapshot(fresh_store)
    dataset.load(fresh_store, DATA / "projects.csv")
    dataset.unload(fresh_store, "projects")
    assert snapshot(fresh_store) == before


def test_unload_of_an_unknown_name_suggests_the_loaded_ones(fresh_store):
    dataset.load(fresh_store, DATA / "projects.csv")
    with pytest.raises(NotFound) as info:
        dataset.unload(fresh_store, "project")
    assert info.value.suggestions == ["projects"]


def _as_spreadsheet_saves(rows: list[list[str]], separator: str, encoding: str) -> bytes:
    """Rows written as a spreadsheet saves CSV: Windows line endings, cells holding the separator or a line
    break quoted, the encoding's byte-order mark first ("CSV UTF-8", "Unicode text")."""
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize(
    "separator, encoding",
    [(",", "utf-8-sig"), (";", "utf-8-sig"), (";", "utf-8"), ("\t", "utf-16")],
    ids=["CSV UTF-8", "CSV with semicolons", "CSV with semicolons, no mark", "Unicode text"],
)
def test_a_csv_as_a_spreadsheet_saves_it_loads_as_the_plain_file_does(fresh_store, tmp_path, separator, encoding):
    """Excel saves "CSV UTF-8" with a byte-order mark, ';'-separated CSV where the decimal mark is a comma, and
    "Unicode text" as tab-separated UTF-16; each was refused (a column named '\\ufeffid', one column named
    'id;name;...', "expected UTF-8 text"). Each now gives the very graph the plain file gives."""
    rows = list(csv.reader(io.StringIO((DATA / "projects.csv").read_text(encoding="utf-8"))))
    dataset.load(fresh_store, DATA / "projects.csv")
    plain = snapshot(fresh_store)
    saved = tmp_path / "projects.csv"
    saved.write_bytes(_as_spreadsheet_saves(rows, separator, encoding))
    dataset.load(fresh_store, saved)
    assert snapshot(fresh_store) == plain


@pytest.mark.parametrize("encoding", ["utf-32", "utf-16"])
def test_a_yaml_file_with_a_byte_order_mark_loads_as_the_plain_file_does(fresh_store, tmp_path, encoding):
    """A record file saved as UTF-32 was read as UTF-16 (its mark begins with UTF-16's) and refused as bad YAML;
    records and ingested documents are decoded by one helper (loaders.encoding), which reads every mark."""
    dataset.load(fresh_store, DATA / "city_projects.yaml")
    plain = snapshot(fresh_store)
    saved = tmp_path / "city_projects.yaml"
    saved.write_bytes((DATA / "city_projects.yaml").read_text(encoding="utf-8").encode(encoding))
    dataset.load(fresh_store, saved)
    assert snapshot(fresh_store) == plain


def test_a_line_break_in_a_quoted_csv_cell_is_kept(fresh_store, tmp_path):
    """A description typed on two lines in a spreadsheet cell (Alt+Enter) kept its words apart: the lines were
    joined as "schools.Opened" when the file was split into lines before the cells were read."""
    rows = list(csv.reader(io.StringIO((DATA / "projects.csv").read_text(encoding="utf-8"))))
    rows[1][4] = "Low-cost monitors at schools.\nOpened in May."
    saved = tmp_path / "projects.csv"
    saved.write_bytes(_as_spreadsheet_saves(rows, ",", "utf-8"))
    dataset.load(fresh_store, saved)
    answer = fresh_store.query("""
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?d WHERE { <https://w3id.org/ascn/id/project/test-dad-air> dcterms:description ?d }""")
    assert [str(d) for d in answer.column("d")] == ["Low-cost monitors at schools.\nOpened in May."]


def test_a_bad_csv_row_names_file_line_record_and_field_and_changes_nothing(fresh_store):
    before = snapshot(fresh_store)
    with pytest.raises(InputError) as info:
        dataset.load(fresh_store, DATA / "bad_row_projects.csv")
    assert str(info.value) == (
        "bad_row_projects.csv, line 3, record 'test-dad-parking', field 'status': expected one of ongoing, "
        "planning, completed, ongoing_or_planning, unknown, got 'almost-done'"
    )
    assert snapshot(fresh_store) == before


def test_a_bad_turtle_file_names_the_line_and_changes_nothing(fresh_store):
    before = snapshot(fresh_store)
    with pytest.raises(InputError) as info:
        dataset.load(fresh_store, DATA / "bad_syntax.ttl")
    assert str(info.value) == (
        "bad_syntax.ttl, line 8: expected valid Turtle (A dot is expected at the end of statements)"
    )
    assert snapshot(fresh_store) == before


def test_a_shacl_violation_is_reported_per_field_and_changes_nothing(fresh_store):
    before = snapshot(fresh_store)
    with pytest.raises(ValidationError) as info:
        dataset.load(fresh_store, DATA / "violation.ttl")
    assert [(node.rsplit("/", 1)[-1], path) for node, path, _ in info.value.results] == [
        ("test-town", "ascn:country"),
        ("test-town", "dcterms:source"),
        ("test-town", "geo:hasGeometry"),
    ]
    assert "violation.ttl" in info.value.report
    assert snapshot(fresh_store) == before


def test_a_reference_to_an_unknown_city_suggests_close_ids(fresh_store, tmp_path):
    bad = tmp_path / "projects.csv"
    bad.write_text((DATA / "projects.csv").read_text().replace(",da-nang,", ",danang,", 1))
    with pytest.raises(InputError) as info:
        dataset.load(fresh_store, bad)
    assert str(info.value) == (
        "projects.csv, line 2, record 'test-dad-air', field 'city': expected an existing "
        "city id (did you mean da-nang?), got 'danang'"
    )


@pytest.mark.parametrize(
    "field, value, meant",
    [
        ("partners", "[JICA]", "jica"),
        ("city", "Phuket", "phuket"),
        ("other_cities", "[Da_Nang]", "da-nang"),
        ("city", "Da Nang", "da-nang"),
        ("other_cities", "[Da Nang]", "da-nang"),
    ],
)
def test_an_id_written_as_its_name_is_suggested_whatever_its_case(fresh_store, tmp_path, field, value, meant):
    """An officer writing the agency as "JICA" was told "expected an existing partner id, got 'JICA'" with no
    suggestion (difflib compares case), and a city written "Da Nang" only the id's form ("ASCII letters and
    digits, with single '-' ..."); an id the value names once case, spaces and punctuation are folded comes
    first, and alone ("danang" also got banyuwangi)."""
    path = tmp_path / "p.yaml"
    record = {
        "id": "x",
        "name": "y",
        "city": "phuket",
        "focus_areas": "[built_infrastructure]",
        "description": "d",
        "status": "ongoing",
        "sources": "[asean_ascn_page]",
        field: value,
    }
    path.write_text("projects:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in record.items()) + "\n")
    with pytest.raises(InputError) as info:
        dataset.load(fresh_store, path)
    assert (
        f"field '{field}': expected an existing {'partner' if field == 'partners' else 'city'} id (did you mean {meant}?)"
        in str(info.value)
    )


@pytest.mark.parametrize(
    "content, message",
    [
        (
            "type: project\nrecords:\n  - id: x\n    nme: y\n",
            "p.yaml, line 4, record 'x', field 'nme': expected a project field, one of: id, name, city, other_cities,"
            " focus_areas, description, status, status_as_of, period, partners, scope, name_history_note, confidence, confidence_reason, note, sources",
        ),
        ("type: project\nrecords: [\n", "p.yaml, line 3: expected valid YAML"),
        ("type: planet\nrecords: []\n", "p.yaml, field 'type': expected one of source, country"),
        (
            "projects:\n  - id: x\n    name: y\n    city: phuket\n    focus_areas: []\n    description: d\n"
            "    status: ongoing\n    sources: [asean_ascn_page]\n",
            "p.yaml, line 5, record 'x', field 'focus_areas': expected a list of focus_area ids, at least one, got []",
        ),
        (  # a list or a mapping where an id stands was looked up among the ids as well: TypeError, a traceback
            "projects:\n  - id: x\n    name: y\n    city: {a: 1}\n    focus_areas: [[built_infrastructure]]\n"
            "    description: d\n    status: ongoing\n    sources: [asean_ascn_page]\n",
            "p.yaml, line 5, record 'x', field 'focus_areas': expected a list of focus_area ids, got ['built_infrastructure']",
        ),
        (  # aliases nested six deep: 531,441 values from 300 characters, each walked by the checks
            "projects:\n  - id: x\n    name: y\n    note: &a0 [a, a, a, a, a, a, a, a, a]\n"
            + "".join(f"    n{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 6))
            + "    focus_areas: *a5\n",
            "p.yaml: expected at most 385 values (one per character) once its aliases (*name) are expanded",
        ),
    ],
)
def test_bad_yaml_is_named_precisely(fresh_store, tmp_path, content, message):
    path = tmp_path / "p.yaml"
    path.write_text(content)
    with pytest.raises(InputError) as info:
        dataset.load(fresh_store, path)
    assert message in str(info.value)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "projects.csv: expected a header row naming the columns, then one record per row (the file is empty)"),
        (
            b"\xef\xbb\xbf\r\n",
            "projects.csv: expected a header row naming the columns, then one record per row (the file is empty)",
        ),
        (b"id,name,city\r\n", "projects.csv: expected one record per row below the header row (the file has none)"),
        (
            b"id,name,city\r\n,,\r\n, ,\r\n",
            "projects.csv: expected one record per row below the header row (the file has none)",
        ),
        (  # the csv module's limit; it was a traceback, and a 500 from an ascn serve that held the store
            b"id,name,city,description\r\np1,n,phuket,d\r\np2,n,phuket," + b"x" * 200_000 + b"\r\n",
            "projects.csv, line 3: expected valid CSV (field larger than field limit (131072))",
        ),
    ],
    ids=["empty", "a byte-order mark alone", "a header alone", "a header and blank rows", "a cell too long"],
)
def test_a_csv_without_records_says_so(fresh_store, tmp_path, content, message):
    """A CSV with no record was told "no record was checked: the data holds nothing the shapes describe"; it
    now hears what the file lacks, in the words of the file's own rows (and a CSV the csv module cannot read, where
    it stops)."""
    path = tmp_path / "projects.csv"
    path.write_bytes(content)
    before = snapshot(fresh_store)
    with pytest.raises(InputError) as info:
        dataset.load(fresh_store, path)
    assert str(info.value) == message
    assert snapshot(fresh_store) == before


def test_rows_of_empty_cells_a_spreadsheet_saves_are_no_records(fresh_store, tmp_path):
    """Spreadsheets save formatted but empty rows as lines of separators; each was read as a record missing
    every required field (15 problems for two such rows under one good record)."""
    path = tmp_path / "projects.csv"
    dataset.load(fresh_store, DATA / "projects.csv")
    plain = snapshot(fresh_store)
    path = tmp_path / "projects.csv"
    path.write_text((DATA / "projects.csv").read_text(encoding="utf-8") + ",,,,,,,,,\r\n" * 2, encoding="utf-8")
    dataset.load(fresh_store, path)
    assert snapshot(fresh_store) == plain


def test_every_mistake_of_a_file_is_reported_at_once_each_at_its_own_line(fresh_store, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(
        "projects:\n  - id: x\n    name: y\n    city: phukett\n    focus_areas: [built_infrastructure]\n"
        "    description: d\n    status: soon\n    sources: [asean_ascn_page]\n"
        "  - id: z\n    name: w\n    city: phuket\n    focus_areas: [safety_security]\n"
        "    description: d\n    status: ongoing\n    sourcse: [asean_ascn_page]\n"
    )
    before = snapshot(fresh_store)
    with pytest.raises(InputErrors) as info:
        dataset.load(fresh_store, path)
    assert [(e.line, e.record, e.field) for e in info.value.errors] == [
        (7, "x", "status"),
        (15, "z", "sourcse"),
        (9, "z", "sources"),
        (4, "x", "city"),
    ]
    assert "field 'city': expected an existing city id (did you mean phuket?), got 'phukett'" in str(info.value)
    assert str(info.value).startswith("4 problems:\np.yaml, line 7, record 'x', field 'status': expected one of ")
    assert snapshot(fresh_store) == before


def test_records_without_an_id_are_told_it_is_missing_not_that_they_share_it(fresh_store, tmp_path):
    """Two records that forgot their id were also told "expected a unique id, but line 2 has it too"."""
    path = tmp_path / "p.yaml"
    record = "    city: phuket\n    focus_areas: [built_infrastructure]\n    description: d\n    status: ongoing\n"
    path.write_text(f"projects:\n  - name: a\n{record}  - name: b\n{record}")
    with pytest.raises(InputErrors) as info:
        dataset.load(fresh_store, path)
    assert [str(e) for e in info.value.errors if e.field == "id"] == [
        "p.yaml, line 2, field 'id': expected a non-empty text (the field is missing)",
        "p.yaml, line 7, field 'id': expected a non-empty text (the field is missing)",
    ]


def test_a_graph_name_cannot_escape_its_namespace(fresh_store):
    with pytest.raises(InputError):
        dataset.load(fresh_store, DATA / "projects.csv", name="x> <y")


def test_rebuild_keeps_the_users_graphs(fresh_store):
    dataset.load(fresh_store, DATA / "city_projects.yaml")
    loaded = fresh_store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/ascn/graph/user/city_projects> { ?s ?p ?o } }"
    )
    dataset.build(fresh_store)
    kept = fresh_store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/ascn/graph/user/city_projects> { ?s ?p ?o } }"
    )
    assert len(loaded) > 20 and isomorphic(loaded, kept)


def test_a_filled_in_csv_template_loads(fresh_store, tmp_path):
    header = csv_template("project").strip().split(",")
    row = {
        "id": "test-kch-flood",
        "name": "Flood alerts (test example)",
        "city": "kuching",
        "focus_areas": "quality_environment",
        "description": "SMS flood alerts.",
        "status": "planning",
        "sources": "asean_ascn_page",
    }
    path = tmp_path / "projects.csv"
    path.write_text(",".join(header) + "\n" + ",".join(row.get(column, "") for column in header) + "\n")
    assert dataset.load(fresh_store, path) > 5


def test_a_filled_in_yaml_template_loads(fresh_store, tmp_path):
    text = yaml_template("city")
    for field, value in {
        "id": "test-town",
        "name": "Test town (test example)",
        "country": "TH",
        "joined": "2026",
        "pilot_city": "false",
        "lat": "13.7",
        "lon": "100.5",
    }.items():
        text = text.replace(f" {field}:  #", f" {field}: {value}  #", 1)
    text = text.replace(" sources: []", " sources: [asean_ascn_page]")
    path = tmp_path / "city.yaml"
    path.write_text(text)
    assert dataset.load(fresh_store, path) > 5


RDF_XML = (
    '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [{entities}]>\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="&rdfs;">\n'
    '  <rdf:Description rdf:about="&ascn;project/dad-ioc"><rdfs:comment>{comment}</rdfs:comment></rdf:Description>\n'
    "</rdf:RDF>\n"
)
NAMESPACES = '<!ENTITY rdfs "http://www.w3.org/2000/01/rdf-schema#"><!ENTITY ascn "https://w3id.org/ascn/id/">'


def test_rdf_xml_entities_that_expand_the_file_a_thousandfold_are_refused_before_it_is_parsed(fresh_store, tmp_path):
    """The store's RDF/XML parser expands entities in memory, with no bound: ten entities of ten references each
    (829 bytes) took the process to 22 GB until the kernel killed it. Entities nested six deep (30 MB from 700
    bytes) are refused as Python's expat would refuse them, naming the file; entities for namespaces load."""
    laughs = '<!ENTITY a0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 7)
    )
    path = tmp_path / "laughs.rdf"
    path.write_text(RDF_XML.format(entities=NAMESPACES + laughs, comment="&a6;"))
    before = snapshot(fresh_store)
    for read in (dataset.load, dataset.read_user_file):
        with pytest.raises(InputError) as info:
            read(fresh_store, path)
        assert str(info.value).startswith(
            "laughs.rdf: expected RDF/XML whose entities expand it at most 100 times, got"
        )
    assert snapshot(fresh_store) == before
    path.write_text(RDF_XML.format(entities=NAMESPACES, comment="a comment"))
    assert dataset.load(fresh_store, path) == 1


@pytest.mark.parametrize(
    "name, text",
    [
        (
            "deep.jsonld",
            '{"@id": "http://a.example/s",\n "http://a.example/p": '
            + '{"http://a.example/p": ' * 1000
            + '"x"'
            + "}" * 1001,
        ),
        (
            "deep.rdf",
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:p="http://a.example/">'
            + "<rdf:Description><p:p>" * 1000
            + "x"
            + "</p:p></rdf:Description>" * 1000
            + "</rdf:RDF>",
        ),
    ],
)
def test_a_file_nested_deeper_than_the_stores_parser_survives_is_refused_naming_the_line(
    fresh_store, tmp_path, name, text
):
    """The store's JSON-LD parser took memory growing with the square of the depth, then overflowed its stack: a
    750-kB file nested 50,000 deep took 14.7 GB and ended in a segmentation fault (of `ascn serve`, when the command
    ran beside it); its RDF/XML parser took minutes for 50,000 nested elements. A JSON-LD string may hold brackets."""
    path = tmp_path / name
    path.write_text(text)
    before = snapshot(fresh_store)
    label = "JSON-LD" if name.endswith("jsonld") else "RDF/XML"
    for read in (dataset.load, dataset.read_user_file):
        with pytest.raises(InputError) as info:
            read(fresh_store, path)
        assert str(info.value) == f"{name}, line 2: expected {label} nested at most 256 levels deep"
    assert snapshot(fresh_store) == before
    brackets = tmp_path / "brackets.jsonld"
    brackets.write_text(
        '{"@id": "https://w3id.org/ascn/id/project/dad-ioc", "http://www.w3.org/2000/01/rdf-schema#comment": "[[{{"}'
    )
    assert dataset.load(fresh_store, brackets) == 1


def test_a_file_past_the_size_limit_is_refused_before_it_is_read(fresh_store, tmp_path):
    """A load or a check read any file whole, however large (an RDF/XML or JSON-LD file into memory for its checks):
    one past :data:`graph.config.MAX_FILE_BYTES` (here a sparse file, which takes no disk) is refused unread, naming
    the file, its size, the limit and the setting that raises it; nothing is stored."""
    from graph.config import MAX_FILE_BYTES

    graphs = fresh_store.graph_names()
    for name in ("huge.rdf", "huge.jsonld", "huge.yaml"):
        huge = tmp_path / name
        with open(huge, "wb") as out:
            out.truncate(MAX_FILE_BYTES + 1)
        for attempt in (dataset.load, dataset.read_user_file):
            with pytest.raises(InputError) as refused:
                attempt(fresh_store, huge)
            assert str(refused.value).startswith(
                f"{name}: expected a file of at most {MAX_FILE_BYTES:,} bytes (ASCN_MAX_FILE_BYTES raises the limit"
            )
            assert str(refused.value).endswith(f"got '{MAX_FILE_BYTES + 1:,} bytes'")
    assert fresh_store.graph_names() == graphs


def test_an_empty_graph_name_is_refused_not_read_as_the_files_stem(fresh_store):
    """``--name ""`` (a shell variable left unset) loaded the file under its stem, replacing a graph of that name."""
    for read in (dataset.load, dataset.read_user_file):
        with pytest.raises(InputError) as info:
            read(fresh_store, DATA / "city_projects.yaml", name="")
        assert str(info.value) == "expected a name of letters, digits, '.', '_' or '-' (at most 81), got ''"
    assert dataset.user_graphs(fresh_store) == []


def test_a_graph_name_outside_its_grammar_is_quoted_once(fresh_store):
    """The name was quoted twice: got "'../evil'"."""
    with pytest.raises(InputError) as info:
        dataset.load(fresh_store, DATA / "city_projects.yaml", name="../evil")
    assert str(info.value) == "expected a name of letters, digits, '.', '_' or '-' (at most 81), got '../evil'"
