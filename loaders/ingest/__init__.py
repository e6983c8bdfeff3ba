"""``ascn ingest``: documents in (text, HTML, PDF, RSS/Atom), proposals out, for a curator to review.

:func:`analyse` reads one document: the mentions of known entities (:mod:`loaders.ingest.linker`), the facts it
states and the new entities it names (:mod:`loaders.ingest.extract`). :func:`ingest` does that for files and
either returns the proposals (a dry run) or stores them in the proposals graph (:mod:`loaders.ingest.proposals`),
from where only a curator's review moves a fact into the data (:mod:`loaders.review`). The JSON shape of
:func:`to_json` is documented in docs/ingest.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graph.store import Store
from loaders.ingest.documents import Document, read_documents
from loaders.ingest.extract import Extraction, Fact, extract
from loaders.ingest.linker import Gazetteer, Mention


@dataclass
class Analysis:
    """One document with what was found in it; ``stored`` says whether an ingest added it (False: seen before,
    or a dry run)."""

    document: Document
    mentions: list[Mention]
    extraction: Extraction
    stored: bool = False


def analyse(document: Document, gazetteer: Gazetteer, guards: bool = True) -> Analysis:
    """The mentions, facts and new entities of one document (``guards``: see :meth:`Gazetteer.link`)."""
    linked = gazetteer.link(document.text, guards)
    # the source's name, as a plain str (a PDF's /Author is pypdf's subclass of it, which spaCy refuses)
    source = gazetteer.link(str(document.publisher), guards).mentions if document.publisher else []
    return Analysis(
        document,
        linked.mentions,
        extract(linked, document.date, network_source=any(m.entity.kind == "network" for m in source)),
    )


def ingest(
    store: Store,
    paths: list[Path],
    *,
    dry_run: bool,
    title: str | None = None,
    publisher: str | None = None,
    date: str | None = None,
    url: str | None = None,
    kind: str = "news",
) -> list[Analysis]:
    """Read every file, analyse each document and, unless ``dry_run``, store the proposals.

    Every file is read before anything is stored, so a file that cannot be read stops the whole ingest with
    nothing written. Metadata given here replaces what the files state of themselves.
    """
    from loaders.ingest.proposals import store_proposals

    documents = [
        doc for path in paths for doc in read_documents(path, title=title, publisher=publisher, date=date, url=url)
    ]
    gazetteer = Gazetteer.from_store(store)
    analyses = [analyse(doc, gazetteer) for doc in documents]
    if not dry_run:
        store_proposals(store, analyses, kind)
    return analyses


def to_json(analyses: list[Analysis]) -> dict:
    """The proposals in the documented JSON shape (docs/ingest.md)."""
    from loaders.ingest.proposals import document_iri, proposal_iri

    def fact_json(doc: Document, f: Fact) -> dict:
        return {
            "id": str(proposal_iri(doc, f)),
            "kind": f.kind,
            "fields": {k: v.to_json() for k, v in f.fields.items()},
            "evidence": {"sentence": f.evidence, "start": f.start, "end": f.end},
        }

    return {
        "documents": [
            {
                "document": {
                    "id": str(document_iri(a.document)),
                    "file": a.document.file,
                    "entry": a.document.entry,
                    "title": a.document.title,
                    "publisher": a.document.publisher,
                    "date": a.document.date,
                    "url": a.document.url,
                    "digest": a.document.digest,
                    "stored": a.stored,
                },
                "mentions": [
                    {
                        "entity": m.entity.iri,
                        "kind": m.entity.kind,
                        "label": m.entity.label,
                        "text": m.text,
                        "start": m.start,
                        "end": m.end,
                    }
                    for m in a.mentions
                ],
                "facts": [fact_json(a.document, f) for f in a.extraction.facts],
                "new_entities": [fact_json(a.document, f) for f in a.extraction.new_entities],
            }
            for a in analyses
        ]
    }
