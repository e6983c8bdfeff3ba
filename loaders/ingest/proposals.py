"""The proposals graph: ingested documents and the facts proposed from them, waiting for review.

Proposals are described, never asserted: a proposed pairing is an ``ascn:Proposal`` with fields (city, partner,
programme) and an evidence sentence, not an ``ascn:Pairing``, so no query of the data sees it until a curator
accepts it (:mod:`loaders.review`). IRIs are made from the document's text and the fact, so ingesting the same
document again finds it there and adds nothing. The new content is checked with the review shapes
(``ontology/shapes/review.shacl.ttl``) before it is written, in one transaction.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from graph.backends import memory_store
from graph.releases import PROPOSALS_GRAPH
from graph.store import Store, construct
from loaders import shacl_sparql
from loaders.ingest.documents import Document
from loaders.ingest.extract import Fact, Value
from loaders.schema import SOURCE_KINDS
from loaders.to_rdf import typed_date
from loaders.writing import writing
from ontology import ontology_graph, review_shapes_graph
from ontology.errors import InputError
from ontology.namespace import ASCN, GRAPH, ID, SCHEMA
from queries.library import internal

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"


def document_iri(doc: Document) -> URIRef:
    """The IRI of an ingested document, from its text: the same text is the same document."""
    return ID[f"document/{doc.digest.removeprefix('sha256:')[:20]}"]


def proposal_iri(doc: Document, fact: Fact) -> URIRef:
    """The IRI of a proposal, from its document and what it states."""
    key = repr((doc.digest, fact.key()))
    return ID[f"proposal/{hashlib.sha256(key.encode()).hexdigest()[:16]}"]


def term(value: Value):
    if value.iri:
        return URIRef(value.iri)
    return Literal(value.literal, datatype=URIRef(value.datatype) if value.datatype else None)


def summary(fact: Fact, labels: dict[str, str]) -> str:
    """A one-line label of a proposal: its kind and its fields by name."""
    parts = [f"{name} {labels.get(v.iri, v.iri) if v.iri else v.literal}" for name, v in fact.fields.items()]
    return f"{fact.kind}: " + "; ".join(parts)


def proposals_graph(analyses, kind: str, now: datetime) -> Graph:
    """The triples of the documents in ``analyses`` and their proposals (every proposal pending)."""
    g = Graph()
    for analysis in analyses:
        doc = analysis.document
        d = document_iri(doc)
        g.add((d, RDF.type, ASCN.IngestedDocument))
        g.add((d, RDFS.label, Literal(doc.title or doc.name)))
        if doc.title:
            g.add((d, DCTERMS.title, Literal(doc.title)))
        if doc.publisher:
            g.add((d, DCTERMS.publisher, Literal(doc.publisher)))
        if doc.date:
            g.add((d, DCTERMS.issued, typed_date(doc.date)))
        if doc.url:
            g.add((d, SCHEMA.url, URIRef(doc.url)))
        g.add((d, ASCN.contentDigest, Literal(doc.digest)))
        g.add((d, ASCN.sourceKind, ID[f"source-kind/{kind}"]))
        g.add((d, DCTERMS.identifier, Literal(doc.name)))
        g.add((d, PROV.generatedAtTime, Literal(now.isoformat(timespec="seconds"), datatype=XSD.dateTime)))
        labels = {m.entity.iri: m.entity.label for m in analysis.mentions}
        for fact in [*analysis.extraction.facts, *analysis.extraction.new_entities]:
            p = proposal_iri(doc, fact)
            g.add((p, RDF.type, ASCN.Proposal))
            g.add((p, RDFS.label, Literal(summary(fact, labels))))
            g.add((p, ASCN.proposalKind, Literal(fact.kind)))
            g.add((p, ASCN.reviewStatus, Literal(PENDING)))
            g.add((p, ASCN.evidence, Literal(fact.evidence)))
            g.add((p, ASCN.fromDocument, d))
            g.add((p, PROV.generatedAtTime, Literal(now.isoformat(timespec="seconds"), datatype=XSD.dateTime)))
            for name, value in fact.fields.items():
                f = URIRef(f"{p}/field/{name}")
                g.add((p, ASCN.field, f))
                g.add((f, RDF.type, ASCN.ProposalField))
                g.add((f, ASCN.fieldName, Literal(name)))
                g.add((f, RDF.value, term(value)))
    return g


def current_proposals(store: Store) -> Graph:
    """The proposals graph as the store holds it."""
    return construct(store.query, internal("graph_triples").bind({"graph": PROPOSALS_GRAPH}))


def check(graph: Graph) -> None:
    """Refuse a proposals graph the review shapes reject (ValidationError naming node and rule)."""
    staged = memory_store()
    staged.replace_graphs({str(GRAPH["ontology"]): ontology_graph(), PROPOSALS_GRAPH: graph})
    shacl_sparql.validate(staged.query, PROPOSALS_GRAPH, file="proposals", shapes=review_shapes_graph())


def store_proposals(store: Store, analyses, kind: str = "news") -> int:
    """Add the documents of ``analyses`` not seen before, with their proposals; return how many were new.

    A document already in the graph (the same text) is left as it is, whatever its proposals' review status.
    """
    if kind not in SOURCE_KINDS:
        raise InputError(field="kind", expected=f"one of {', '.join(SOURCE_KINDS)}", got=kind)
    with writing(store):
        return _store_proposals(store, analyses, kind)


def _store_proposals(store: Store, analyses, kind: str) -> int:
    existing = current_proposals(store)
    seen = {str(o) for o in existing.objects(None, ASCN.contentDigest)}
    fresh = [a for a in analyses if a.document.digest not in seen]
    fresh = list({a.document.digest: a for a in fresh}.values())
    if not fresh:
        return 0
    added = proposals_graph(fresh, kind, datetime.now(UTC))
    # only what is added is checked: every node of it is a new document or one of its proposals, and what the graph
    # held was checked when it was written. Checking the whole graph took 5 ms a document held (4.8 s at 880).
    check(added)
    store.replace_graphs({PROPOSALS_GRAPH: existing + added})
    for analysis in fresh:
        analysis.stored = True
    return len(fresh)
