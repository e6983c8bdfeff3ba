"""A VoID and DCAT description of each build: what the graph holds, where from, when and which version.

Researchers judge a dataset by its description before they query it; the figures are computed from the
graphs being stored, so they cannot drift from the content.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, VOID, XSD, Namespace

from graph.formats import export_format
from ontology.namespace import ASCN, GRAPH, ID

DCAT3 = Namespace(str(DCAT))
"""DCAT 3 terms rdflib's closed DCAT namespace lacks (``dcat:version``, ``dcat:previousVersion``)."""
DATASET = ID["dataset/ascn-kg"]
BUILD_GRAPH = str(GRAPH["build"])
DOWNLOADS = tuple(export_format(name) for name in ("trig", "jsonld-graphs", "turtle", "ntriples", "jsonld"))
"""The whole graph's downloads: the dataset syntaxes keep each named graph, the triple syntaxes hold their union."""


def dump_name(version: str | None, ext: str) -> str:
    """The file name of the whole graph's download at ``version`` (the release), so saved dumps tell apart.

    >>> dump_name("2026-12-06.3", "ttl"), dump_name(None, "nt")
    ('ascn-kg-2026-12-06.3.ttl', 'ascn-kg.nt')
    """
    return f"ascn-kg-{version}.{ext}" if version else f"ascn-kg.{ext}"


def describe(graphs: Mapping[str, Graph], *, fingerprint: str, version: str, built: datetime) -> Graph:
    """The VoID/DCAT description of ``graphs`` (graph name → content) as one small graph; ``version`` is the
    release (:mod:`graph.releases`) the build makes or keeps.

    >>> g = Graph(); _ = g.add((ID["city/x"], RDF.type, ASCN.City))
    >>> d = describe({"https://w3id.org/ascn/graph/bundled/cities": g}, fingerprint="f", version="0.1",
    ...              built=datetime(2026, 1, 1))
    >>> int(d.value(DATASET, VOID.triples)), int(d.value(DATASET, VOID.entities))
    (1, 1)
    """
    d = Graph()
    d.bind("void", VOID)
    d.bind("dcat", DCAT)
    s = DATASET
    for cls in (VOID.Dataset, DCAT.Dataset):
        d.add((s, RDF.type, cls))
    d.add((s, RDFS.label, Literal("ASCN knowledge graph", lang="en")))
    d.add((s, DCTERMS.title, Literal("ASEAN Smart Cities Network knowledge graph", lang="en")))
    d.add(
        (
            s,
            DCTERMS.description,
            Literal(
                "Cities, member states, external partners, pairings, projects, best practices and the ASEAN Smart "
                "Cities Framework, every fact with the source documents it rests on.",
                lang="en",
            ),
        )
    )
    d.add((s, DCTERMS.identifier, Literal(fingerprint)))
    d.add((s, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    d.add((s, VOID.uriSpace, Literal(str(ID))))
    d.add((s, VOID.vocabulary, URIRef(str(ASCN))))
    d.add((s, VOID.sparqlEndpoint, URIRef("https://w3id.org/ascn/sparql")))

    entities: Counter = Counter()
    all_subjects: set = set()
    total = 0
    sources: set = set()
    for name, graph in sorted(graphs.items()):
        total += len(graph)
        subset = URIRef(name)
        d.add((s, VOID.subset, subset))
        d.add((subset, RDF.type, VOID.Dataset))
        d.add((subset, VOID.triples, Literal(len(graph))))
        for subject, kind in graph.subject_objects(RDF.type):
            if isinstance(subject, URIRef) and str(subject).startswith(str(ID)):
                entities[kind] += 1
                all_subjects.add(subject)
        sources.update(o for o in graph.objects(None, DCTERMS.source) if isinstance(o, URIRef))
    d.add((s, VOID.triples, Literal(total)))
    d.add((s, VOID.entities, Literal(len(all_subjects))))
    for cls, count in sorted(entities.items()):
        partition = URIRef(f"{DATASET}/class/{_local(cls)}")
        d.add((s, VOID.classPartition, partition))
        d.add((partition, VOID["class"], cls))
        d.add((partition, VOID.entities, Literal(count)))
    _property_partitions(d, graphs)
    for source in sorted(sources):
        d.add((s, DCTERMS.source, source))
    return revise(d, version, built)


def revise(description: Graph, version: str, modified: datetime) -> Graph:
    """``description`` (a build's, in place) stating ``version`` and ``modified``: a release made by accepted
    proposals changes the version, the date and the dumps' file names without a new build.

    >>> d = revise(Graph(), "2026-12-06.2", datetime(2026, 12, 6))
    >>> str(d.value(DATASET, DCAT3.version)), str(d.value(DATASET, OWL.versionInfo))
    ('2026-12-06.2', '2026-12-06.2')
    >>> sorted(str(u) for u in d.objects(DATASET, VOID.dataDump))[0]
    'https://w3id.org/ascn/download/ascn-kg-2026-12-06.2.graphs.jsonld'
    """
    d, s = description, DATASET
    for p in (DCTERMS.hasVersion, DCAT3.version, OWL.versionInfo, DCTERMS.modified, VOID.dataDump):
        d.remove((s, p, None))
    for dist in list(d.objects(s, DCAT.distribution)):
        d.remove((dist, None, None))
    d.remove((s, DCAT.distribution, None))
    for p in (DCTERMS.hasVersion, DCAT3.version, OWL.versionInfo):
        d.add((s, p, Literal(version)))
    d.add((s, DCTERMS.modified, Literal(modified.isoformat(timespec="seconds"), datatype=XSD.dateTime)))
    for fmt in DOWNLOADS:
        dist = URIRef(f"{DATASET}/distribution/{fmt.name}")
        url = URIRef(f"https://w3id.org/ascn/download/{dump_name(version, fmt.extension)}")
        d.add((s, DCAT.distribution, dist))
        d.add((dist, RDF.type, DCAT.Distribution))
        d.add((dist, DCTERMS.title, Literal(fmt.label + ("" if fmt.dataset else ", the union of the graphs"))))
        d.add((dist, DCAT.mediaType, Literal(fmt.media_type)))
        d.add((dist, DCAT.downloadURL, url))
        d.add((s, VOID.dataDump, url))
    return d


def recount(description: Graph, sizes: Mapping[str, int]) -> Graph:
    """``description`` (a build's, in place) counting every named graph of ``sizes`` (graph name → its triples, as
    the store holds them now) as a ``void:subset`` with its ``void:triples``, and the dataset's ``void:triples`` as
    their sum: the quads of the TriG download.

    A build counts the graphs it writes (the ontology and the bundled data): 8,335 triples where the TriG download held
    9,024 quads (the Turtle, their union as a set, 8,937), which also hold the build's own description, the releases'
    records and any loaded files, all written after it. A researcher comparing the served description with a download
    now finds the same figure, and each graph's share of it.

    >>> d = recount(describe({str(GRAPH["ontology"]): Graph()}, fingerprint="f", version="1", built=datetime(2026, 1, 1)),
    ...             {str(GRAPH["ontology"]): 3, BUILD_GRAPH: 2})
    >>> int(d.value(DATASET, VOID.triples)), sorted(int(d.value(g, VOID.triples)) for g in d.objects(DATASET, VOID.subset))
    (5, [2, 3])
    """
    d, s = description, DATASET
    for subset in list(d.objects(s, VOID.subset)):
        d.remove((subset, VOID.triples, None))
    d.remove((s, VOID.subset, None))
    d.remove((s, VOID.triples, None))
    for name, triples in sorted(sizes.items()):
        subset = URIRef(name)
        d.add((s, VOID.subset, subset))
        d.add((subset, RDF.type, VOID.Dataset))
        d.add((subset, VOID.triples, Literal(triples)))
    d.add((s, VOID.triples, Literal(sum(sizes.values()))))
    return d


def _property_partitions(d: Graph, graphs: Mapping[str, Graph]) -> None:
    """One ``void:propertyPartition`` per property with its triples, so a client sees which properties the data
    uses and how much before it queries (the query editor's data panel lists them)."""
    triples: Counter = Counter()
    for graph in graphs.values():
        triples.update(p for _, p, _ in graph)
    for prop, count in sorted(triples.items()):
        partition = URIRef(f"{DATASET}/property/{hashlib.sha256(str(prop).encode()).hexdigest()[:12]}")
        d.add((DATASET, VOID.propertyPartition, partition))
        d.add((partition, VOID.property, prop))
        d.add((partition, VOID.triples, Literal(count)))


def _local(iri: URIRef) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
