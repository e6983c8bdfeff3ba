import re
import shutil
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDFS, SH, SKOS

from ontology import ONTOLOGY_IRI, PREFIXES, ontology_files, prefixed
from ontology.check import check_consistency, check_documentation
from ontology.namespace import ASCN

SCHEME = Namespace("https://w3id.org/ascn/id/scheme/")
SHEET_FOCUS_AREAS = {
    "civic_social": "Civic and Social",
    "health_wellbeing": "Health and Well-being",
    "safety_security": "Safety and Security",
    "quality_environment": "Quality Environment",
    "built_infrastructure": "Built Infrastructure",
    "industry_innovation": "Industry and Innovation",
}
SHEET_OUTCOMES = {
    "competitive_economy": "Competitive Economy",
    "sustainable_environment": "Sustainable Environment",
    "high_quality_of_life": "High Quality of Life",
}


def test_ontology_parses_with_all_files(ontology):
    assert len(ontology_files()) == 14
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert len(ontology) > 1000


def test_umbrella_imports_every_module_and_alignment(ontology):
    declared = {s for s in ontology.subjects(RDF.type, OWL.Ontology) if s != ONTOLOGY_IRI}
    assert set(ontology.objects(ONTOLOGY_IRI, OWL.imports)) == declared
    assert len(declared) == 13


def test_documentation_shapes_conform_and_count():
    conforms, checked, report = check_documentation()
    assert conforms, report
    assert checked > 50


def test_documentation_check_fails_on_undocumented_term(ontology):
    g = ontology + ontology.__class__()
    g.add((URIRef(str(ASCN) + "Undocumented"), RDF.type, OWL.Class))
    conforms, _, report = check_documentation(g)
    assert not conforms
    assert "Undocumented" in report


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs java")
def test_ontology_is_consistent():
    result = check_consistency()
    assert result.ok, result.detail


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs java")
def test_consistency_check_detects_contradiction(ontology):
    g = ontology + ontology.__class__()
    both = URIRef("https://w3id.org/ascn/id/city/not-a-project")
    g.add((both, RDF.type, ASCN.City))
    g.add((both, RDF.type, ASCN.Project))
    assert not check_consistency(g).ok


def test_data_shape_terms_are_defined(ontology, data_shapes):
    used = set(data_shapes.objects(None, SH.path)) | set(data_shapes.objects(None, SH["class"]))
    ours = {t for t in used if isinstance(t, URIRef) and t.startswith(str(ASCN))}
    assert ours
    undefined = {t for t in ours if (t, RDF.type, None) not in ontology}
    assert not undefined


def _scheme(ontology, scheme):
    return {
        str(c).rsplit("/", 1)[1]: str(ontology.value(c, SKOS.prefLabel))
        for c in ontology.subjects(SKOS.inScheme, scheme)
    }


def test_focus_area_scheme_matches_sheet(ontology):
    assert _scheme(ontology, SCHEME["focus-areas"]) == SHEET_FOCUS_AREAS
    for c in ontology.subjects(SKOS.inScheme, SCHEME["focus-areas"]):
        assert (c, RDF.type, ASCN.FocusArea) in ontology
        assert ontology.value(c, SKOS.definition).language == "en"


def test_strategic_outcome_scheme_matches_sheet(ontology):
    assert _scheme(ontology, SCHEME["strategic-outcomes"]) == SHEET_OUTCOMES


def test_framework_concepts_cite_the_framework(ontology):
    source = URIRef("https://w3id.org/ascn/id/source/ascn_framework")
    for scheme in ("focus-areas", "strategic-outcomes", "urban-systems", "enablers"):
        for c in ontology.subjects(SKOS.inScheme, SCHEME[scheme]):
            assert (c, URIRef("http://purl.org/dc/terms/source"), source) in ontology, c


def test_functional_properties(ontology):
    for p in (ASCN.country, ASCN.status, ASCN.pairedCity, ASCN.pairedPartner):
        assert (p, RDF.type, OWL.FunctionalProperty) in ontology


def test_principles_are_english_literals(ontology):
    principles = list(ontology.objects(None, ASCN.principle))
    assert len(principles) == 11
    assert all(isinstance(p, Literal) and p.language == "en" for p in principles)


def test_every_term_is_aligned_or_listed_in_the_readme_as_having_none(ontology):
    """The guide asks for an alignment where one fits; ontology/README.md names every term without one, and why."""
    readme = (Path(__file__).parents[2] / "ontology" / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`(\w+)`", readme.split("## Terms with no alignment", 1)[1]))
    inherited = (RDFS.subClassOf, RDFS.subPropertyOf)  # a subclass of an aligned class is aligned through it

    def aligned(term) -> bool:
        supers = {s for p in inherited for s in ontology.transitive_objects(term, p)}
        return any(
            not o.startswith(str(ASCN)) for s in supers for p in inherited for o in ontology.objects(s, p)
        ) or any(
            not o.startswith(str(ASCN)) for m in (SKOS.closeMatch, SKOS.relatedMatch) for o in ontology.objects(term, m)
        )

    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    terms = {t for kind in kinds for t in ontology.subjects(RDF.type, kind) if t.startswith(str(ASCN))}
    unaligned = {str(t).removeprefix(str(ASCN)) for t in terms if not aligned(t)}
    assert unaligned == listed
    assert "ProposalField" in unaligned and "inCity" not in unaligned and len(unaligned) == 62


def test_the_readme_names_every_relation_the_alignments_use():
    """ontology/README.md said the alignments use subClassOf, subPropertyOf and closeMatch only; three use
    skos:relatedMatch (a pairing and org:Membership, ...). The relations between our terms and outside ones, as the
    files state them, are the ones the README names."""
    used = set()
    for path in ontology_files():
        if "alignments" not in str(path):
            continue
        graph = Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
        used |= {
            prefixed(str(p))
            for s, p, o in graph
            if str(s).startswith(PREFIXES["ascn"]) and not str(o).startswith((PREFIXES["ascn"], str(ONTOLOGY_IRI)))
        }
    readme = (Path(__file__).parents[2] / "ontology" / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `alignments/`"))
    assert (
        set(re.findall(r"`((?:rdfs|skos|owl):\w+)`", row))
        == used
        == {
            "rdfs:subClassOf",
            "rdfs:subPropertyOf",
            "skos:closeMatch",
            "skos:relatedMatch",
        }
    )
