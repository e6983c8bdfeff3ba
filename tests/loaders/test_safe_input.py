"""Ids, links and text that no page, IRI or output format can be tricked by: refused at load, file, line and field
named in the project's own words, by `ascn validate FILE` and `ascn load` alike; and no XML answer is malformed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.backends import memory_store
from graph.config import FileLimits
from loaders import dataset
from loaders.records import CONTROL, ID_EXPECTED, is_id
from ontology.errors import InputError, shown
from ontology.namespace import GRAPH
from queries.library import internal

SOURCE = "type: source\nrecords:\n  - id: {id}\n    title: {title}\n    url: {url}\n    kind: news\n"
BAD_IDS = ["..", "a#b", "a?q=1", "a'b", "x/../../y", "hà-nội", "a b", "-a", "a--b", "a.", "<script>", "a" * 101]
_IRI_IDS = [
    "source/..",
    "source/a#b",
    "source/a?q=1",
    "source/a'b",
    "source/x/../y",
    "source/hà-nội",
    "source/a%20b",
    "source/-a",
    "source/a--b",
    "source/a.",
    "source",
    "source/",
    "Source/a",
    "source//a",
    "",
    "x_y/a",
]
"""Entity IRIs whose id is outside the grammar (a kind, then ids), as an RDF file can write them."""


def _refusals(store, path) -> tuple[str, str]:
    """What `ascn validate FILE` and `ascn load FILE` say to ``path``: the same text, or the test fails."""
    with pytest.raises(InputError) as validating:
        dataset.read_user_file(store, path)
    before = store.export("nquads")
    with pytest.raises(InputError) as loading:
        dataset.load(store, path)
    assert store.export("nquads") == before
    return str(validating.value), str(loading.value)


@pytest.mark.parametrize("bad", BAD_IDS)
def test_an_id_outside_the_grammar_is_refused_naming_file_line_and_field(fresh_store, tmp_path, bad):
    path = tmp_path / "s.yaml"
    path.write_text(SOURCE.format(id=json.dumps(bad), title="T", url="https://example.org/a"))
    validated, loaded = _refusals(fresh_store, path)
    assert (
        validated
        == loaded
        == f"s.yaml, line 3, record {shown(bad)}, field 'id': expected {ID_EXPECTED}, got {shown(bad)}"
    )


def test_a_reference_outside_the_grammar_is_refused(fresh_store, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(
        "projects:\n  - id: p1\n    name: y\n    city: ../phuket\n    focus_areas: [civic_social]\n"
        "    description: d\n    status: ongoing\n    sources: [asean_ascn_page]\n"
    )
    validated, loaded = _refusals(fresh_store, path)
    assert validated == loaded
    assert loaded.startswith("p.yaml, line 4, record 'p1', field 'city': expected a city id (ASCII letters and digits")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://example.org/a", "//example.org"])
def test_a_url_must_be_http_or_https(fresh_store, tmp_path, url):
    path = tmp_path / "s.yaml"
    path.write_text(SOURCE.format(id="s1", title="T", url=f'"{url}"'))
    validated, loaded = _refusals(fresh_store, path)
    assert validated == loaded == f"s.yaml, line 5, record 's1', field 'url': expected an http(s) URL, got {url!r}"


@pytest.mark.parametrize(
    "escape, code",
    [("\\0", "U+0000"), ("\\x01", "U+0001"), ("\\e", "U+001B"), ("\\x7f", "U+007F"), ("\\u202e", "U+202E")],
)
def test_a_control_character_in_a_record_is_refused(fresh_store, tmp_path, escape, code):
    path = tmp_path / "s.yaml"
    path.write_text(SOURCE.format(id="s1", title=f'"a{escape}b"', url="https://example.org/a"))
    validated, loaded = _refusals(fresh_store, path)
    assert (
        validated == loaded == f"s.yaml, line 4, record 's1', field 'title': expected text without control "
        f"characters, got {code!r}"
    )


def test_a_control_character_in_a_csv_cell_is_refused(fresh_store, tmp_path):
    path = tmp_path / "sources.csv"
    path.write_text('id,title,url,kind\ns2,"x\x00y",https://example.org/,news\n')
    _, loaded = _refusals(fresh_store, path)
    assert (
        loaded == "sources.csv, line 2, record 's2', field 'title': expected text without control characters, "
        "got 'U+0000'"
    )


@pytest.mark.parametrize(
    "turtle, field, expected, got",
    [
        (
            "<https://w3id.org/ascn/id/source/s9> <https://schema.org/url> <javascript:alert(1)> .",
            "https://schema.org/url",
            "an http(s) IRI",
            "javascript:alert(1)",
        ),
        (
            '<https://w3id.org/ascn/id/source/s9> <http://www.w3.org/2000/01/rdf-schema#label> "a\\u0000b" .',
            "http://www.w3.org/2000/01/rdf-schema#label",
            "text without control characters",
            "U+0000",
        ),
        (  # a bidirectional override: the name is shown reversed on every page that names it
            '<https://w3id.org/ascn/id/source/s9> <http://www.w3.org/2000/01/rdf-schema#label> "a\\u2067b" .',
            "http://www.w3.org/2000/01/rdf-schema#label",
            "text without control characters",
            "U+2067",
        ),
        (
            '<https://w3id.org/ascn/id/source/a%23b> <http://www.w3.org/2000/01/rdf-schema#label> "x" .',
            "http://www.w3.org/2000/01/rdf-schema#label",
            f"an entity IRI whose id is {ID_EXPECTED}",
            "https://w3id.org/ascn/id/source/a%23b",
        ),
    ],
)
def test_an_rdf_file_meets_the_same_rules(fresh_store, tmp_path, turtle, field, expected, got):
    path = tmp_path / "mine.ttl"
    path.write_text(turtle + "\n")
    validated, loaded = _refusals(fresh_store, path)
    subject = turtle.split(">")[0][1:]
    assert validated == loaded == f"mine.ttl, record {subject!r}, field {field!r}: expected {expected}, got {got!r}"


def test_every_bundled_id_is_in_the_grammar():
    records = dataset.bundled_records()
    assert len(records.by_type) >= 9
    assert [r.id for r in records if not is_id(r.id)] == []


@pytest.mark.parametrize(
    "name, content, message",
    [
        # rdflib resolved this against the file's path and `validate` said it conformed; the store's parser refuses it
        (
            "rel.ttl",
            '<a> <http://x.org/p> "x" .\n',
            "rel.ttl, line 1: expected valid Turtle (No scheme found in an absolute IRI)",
        ),
        # a load reads its in-memory copy leniently beside the strict bulk load: an IRI only the strict reading
        # refuses is its refusal, whether the copy's check passes (a conforming record beside it) or fails (alone)
        (
            "iri.nt",
            "<https://w3id.org/ascn/graph/user/iri> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<https://w3id.org/ascn/ontology#SourceDocument> .\n"
            '<https://w3id.org/ascn/graph/user/iri> <http://purl.org/dc/terms/title> "T" .\n'
            "<https://w3id.org/ascn/graph/user/iri> <https://w3id.org/ascn/ontology#sourceKind> "
            "<https://w3id.org/ascn/id/source-kind/dataset> .\n"
            "<http://x.org/s> <http://x.org/p> <http://x.org/%zz> .\n",
            "iri.nt, line 4: expected valid N-Triples (Invalid IRI percent encoding '%zz')",
        ),
        (
            "alone.nt",
            "<http://x.org/s> <http://x.org/p> <http://x.org/a{b}> .\n",
            "alone.nt, line 1: expected valid N-Triples (Invalid IRI code point '{')",
        ),
        # an editor's "UTF-8 with BOM": the store's parser read the mark as a term ("\ufeff is not a valid subject")
        (
            "bom.ttl",
            '\ufeff<http://x.org/s> <http://x.org/p> "x" .\n',
            'bom.ttl, line 1: expected Turtle without a byte-order mark: save it as "UTF-8", not "UTF-8 with BOM"',
        ),
        (
            "bom.nt",
            '\ufeff<http://x.org/s> <http://x.org/p> "x" .\n',
            'bom.nt, line 1: expected N-Triples without a byte-order mark: save it as "UTF-8", not "UTF-8 with BOM"',
        ),
        # the store's RDF/XML parser names no place: the line is expat's, of the fault in the XML
        (
            "tag.rdf",
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            '<rdf:Description rdf:about="http://x.org/a">\n</rdf:Descriptio>\n</rdf:RDF>\n',
            "tag.rdf, line 4: expected valid RDF/XML (ill-formed document: expected `</rdf:Description>`, but "
            "`</rdf:Descriptio>` was found)",
        ),
        (
            "bare.rdf",
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            '<rdf:Description rdf:about="http://x.org/a">\n<title>T</title>\n</rdf:Description>\n</rdf:RDF>\n',
            "bare.rdf, line 4: expected valid RDF/XML (XML namespaces are required in RDF/XML)",
        ),
        # rdflib merged the named graph into the file's triples; a load refuses a graph of the file's own
        (
            "named.jsonld",
            '{"@context": {"p": "http://x.org/p"}, "@id": "http://x.org/g1", "@graph": [{"@id": "http://x.org/s", "p": "v"}]}',
            "named.jsonld: expected triples only, with no named graphs of their own, got 'a quad in the graph <http://x.org/g1>'",
        ),
    ],
)
def test_validate_and_load_read_an_rdf_file_with_the_same_parser(fresh_store, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    assert _refusals(fresh_store, path) == (message, message)


@pytest.mark.parametrize("name", ["graphs.nq", "graphs.trig", "notes.txt"])
def test_an_unsupported_file_lists_every_accepted_format(fresh_store, tmp_path, name):
    path = tmp_path / name
    path.write_text("x\n")
    validated, loaded = _refusals(fresh_store, path)
    assert validated == loaded
    assert (
        "a record file (.csv, .yaml, .yml) or an RDF file (.json, .jsonld, .n3, .nt, .owl, .rdf, .ttl, .xml)" in loaded
    )
    assert ("N-Quads and TriG" in loaded) == name.endswith((".nq", ".trig"))


CITY_PROJECT = (Path(__file__).parent / "data" / "city_projects.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "name, text, message",
    [
        (
            "twice.yaml",
            CITY_PROJECT.replace("    status: planning\n", "    status: planning\n    status: ongoing\n", 1),
            "twice.yaml, line 17: expected valid YAML (the key 'status' is given again at line 17, column 5)",
        ),
        (
            "digits.yaml",
            CITY_PROJECT.replace("status_as_of: 2026-06", "status_as_of: " + "9" * 5000, 1),
            "digits.yaml, line 17: expected valid YAML (a number of 5,000 digits, more than any field takes at line "
            "17, column 19)",
        ),
        (
            "month.yaml",
            CITY_PROJECT.replace("status_as_of: 2026-06", "status_as_of: 2025-13-01", 1),
            "month.yaml, line 17, record 'test-phk-flood-sensors', field 'status_as_of': expected a month YYYY-MM, "
            "got '2025-13-01'",
        ),
        (
            "empty.yaml",
            "sources: []\nprojects: {}\n",
            "empty.yaml, line 2, field 'projects': expected a list of records, got '{}'",
        ),
        (
            "deep.yaml",
            "projects:\n  - " + "[" * 5000 + "]" * 5000 + "\n",
            "deep.yaml, line 2: expected YAML nested less deep (lists and mappings within each other)",
        ),
        (
            "long.ttl",
            f'<https://w3id.org/ascn/id/project/x> <http://www.w3.org/2000/01/rdf-schema#label> "{"a" * 2**24}" .\n',
            "long.ttl: expected valid Turtle (a literal or IRI of at most 16 MiB, the store's parser's bound)",
        ),
    ],
)
def test_a_file_past_its_readers_bounds_is_refused_naming_the_place(fresh_store, tmp_path, name, text, message):
    """Each was a traceback (ValueError, RecursionError, the store parser's MemoryError), or, for a key given
    twice, the last value loaded without a word."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert _refusals(fresh_store, path) == (message, message)


@pytest.mark.parametrize(
    "name, text, message",
    [
        (
            "city_projects.yaml",
            CITY_PROJECT,
            "city_projects.yaml, line 20: expected at most 2 records in a file (--max-records or ASCN_MAX_RECORDS "
            "raises the cap)",
        ),
        (
            "projects.csv",
            (Path(__file__).parent / "data" / "projects.csv").read_text(encoding="utf-8")
            + "test-dad-bus,Buses (test example),da-nang,built_infrastructure,Buses.,planning,2026-05,,,asean_ascn_page\n",
            "projects.csv, line 4: expected at most 2 records in a file (--max-records or ASCN_MAX_RECORDS raises "
            "the cap)",
        ),
    ],
)
def test_a_file_of_more_records_than_the_cap_is_refused_where_it_passes_it(fresh_store, tmp_path, name, text, message):
    """A file's records take memory as they are read (15 kB each from YAML) and are checked in full before a load:
    a file of millions would take the machine's memory, so reading stops at the record past the cap."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as validating:
        dataset.read_user_file(fresh_store, path, limits=FileLimits(records=2))
    with pytest.raises(InputError) as loading:
        dataset.load(fresh_store, path, limits=FileLimits(records=2))
    assert str(validating.value) == str(loading.value) == message
    assert dataset.load(fresh_store, path, limits=FileLimits(records=3)) > 0


CITY_CSV = (Path(__file__).parent / "data" / "projects.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "data, message",
    [
        (
            CITY_CSV.replace("id,name,", "id,name,name,", 1).replace(",Air quality", ",Air quality,Air", 1).encode(),
            "projects.csv, line 1, field 'name': expected each column once, got 'columns 2 and 3'",
        ),
        (
            CITY_CSV.encode("utf-16-le"),
            'projects.csv, line 1: expected UTF-8 text, as a spreadsheet saves "CSV UTF-8" (the header row holds NUL '
            "bytes, as UTF-16 saved without its byte-order mark does)",
        ),
    ],
)
def test_a_csv_header_that_would_lose_cells_or_read_as_noise_is_refused(fresh_store, tmp_path, data, message):
    """A repeated column kept its last cell without a word; UTF-16 without its mark was 'field 'i\\x00d\\x00''."""
    path = tmp_path / "projects.csv"
    path.write_bytes(data)
    assert _refusals(fresh_store, path) == (message, message)


@pytest.mark.parametrize(
    "name, text, message",
    [
        (
            "context.jsonld",
            '{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "https://w3id.org/ascn/id/city/x", "name": "x"}',
            "context.jsonld: expected JSON-LD whose @context is in the file: a remote one is never fetched",
        ),
        (
            "entity.rdf",
            '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"><rdf:Description '
            'rdf:about="https://w3id.org/ascn/id/city/x"><rdfs:label>&x;</rdfs:label></rdf:Description></rdf:RDF>',
            "entity.rdf, line 2: expected RDF/XML without external entities (<!ENTITY name SYSTEM|PUBLIC ...>): no "
            "file or address is read",
        ),
    ],
)
def test_a_file_that_asks_to_read_another_is_refused_saying_so(fresh_store, tmp_path, name, text, message):
    """Neither was ever read, but the parser said 'No LoadDocumentCallback has been set to load remote contexts'
    and '<!ENTITY values should be enclosed in double quotes' (the value here has its double quotes)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert _refusals(fresh_store, path) == (message, message)


def _screened(tmp_path: Path, line: str) -> tuple[bool, bool]:
    """Whether UNSAFE_SCREEN finds something in a graph of the one triple ``line``, as the store writes it, and
    whether the unsafe-terms query does."""
    path = tmp_path / "one.nt"
    path.write_text(line + "\n", encoding="utf-8")
    found: list[bool] = []

    def check(staged):
        assert staged.search is not None  # the embedded store offers the scan a load's check uses
        found.append(staged.search(dataset.UNSAFE_SCREEN) is not None)
        found.append(bool(list(staged.query(internal("unsafe_terms").bind({"graph": staged.graph})))))

    memory_store().replace_graph_from_file(str(GRAPH["user/one"]), path, "ntriples", check)
    return found[0], found[1]


_S, _LABEL = "<https://w3id.org/ascn/id/source/s1>", "<http://www.w3.org/2000/01/rdf-schema#label>"
_UNSAFE_LINES = [
    *(f'{_S} {_LABEL} "a\\u{code:04X}b" .' for code in range(0x2100) if CONTROL.match(chr(code))),
    *(f'<https://w3id.org/ascn/id/{bad}> {_LABEL} "x" .' for bad in _IRI_IDS),
    *(f"{_S} <http://www.w3.org/2000/01/rdf-schema#seeAlso> <https://w3id.org/ascn/id/{bad}> ." for bad in _IRI_IDS),
    *(
        f"{_S} <{link}> {value} ."
        for link in ("https://schema.org/url", "http://xmlns.com/foaf/0.1/homepage", "http://xmlns.com/foaf/0.1/page")
        for value in (
            "<javascript:alert(1)>",
            '"https://example.org/"',
            "_:b",
            "<HTTPS://example.org/>",
            "<ftp://e.org>",
        )
    ),
]


def test_the_screen_finds_every_term_the_unsafe_terms_query_refuses(tmp_path):
    """A load passes a graph without the unsafe-terms query when the screen finds nothing in it, so the screen must
    find every control character, id and link the query refuses; and nothing in ordinary terms, or it saves nothing."""
    assert len(_UNSAFE_LINES) > 70  # every control character (U+0000-001F but tab, LF, CR; U+007F-009F; the overrides)
    assert {line: _screened(tmp_path, line) for line in _UNSAFE_LINES} == {line: (True, True) for line in _UNSAFE_LINES}
    fine = [
        f'{_S} {_LABEL} "tab\\tline\\nreturn\\r quote\\" backslash\\\\ é — \\u2028 \\u200F \\u2065 \\u206A"@en .',
        f"{_S} <https://schema.org/url> <https://example.org/a?b=c#d> .",
        f"{_S} <http://www.w3.org/2000/01/rdf-schema#seeAlso> <http://example.org/> .",
        f"<https://w3id.org/ascn/id/focus-area/civic_social> <https://w3id.org/ascn/ontology#p> {_S} .",
        f"<https://w3id.org/ascn/id/city/ph-1.a_b/part-2> {_LABEL} _:b .",
    ]
    assert {line: _screened(tmp_path, line) for line in fine} == {line: (False, False) for line in fine}
