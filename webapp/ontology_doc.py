"""The ontology page's parts, all generated from the ontology itself: pyLODE's documentation, a class diagram
(its model here, drawn by the page's template; no outside service), and the ontology's own serialisations.

pyLODE (the OntPub profile) writes a whole HTML document with its own stylesheet in a ``<style>`` element,
which the app's Content-Security-Policy would refuse; so only its generated sections are taken (the content
and the table of contents), links to entity IRIs are turned into this app's paths, and the page styles them
with the site's stylesheet. The ontology is package data, so each part is built once per process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Flask
from markupsafe import Markup
from rdflib import Graph, URIRef

from graph.formats import Format
from ontology import ONTOLOGY_IRI, module_graph, ontology_files, ontology_graph
from ontology.namespace import ASCN, ID, OWL, RDF, RDFS, SCHEMA, SKOS
from webapp.linked_data import rdf_body
from webapp.page_data import sorted_terms

log = logging.getLogger(__name__)
MODULE_ORDER = ("core", "partnership", "project", "provenance", "framework", "vocabularies")
"""Panels of the class diagram, in this order: the ontology's modules (each class's ``rdfs:isDefinedBy``)."""


@cache
def serialised(fmt: Format) -> bytes:
    """The whole ontology (umbrella, modules, alignments) in the graph format ``fmt``, JSON-LD compacted as every
    JSON-LD answer is (:func:`webapp.linked_data.rdf_body`)."""
    return rdf_body(ontology_graph(), fmt)


@cache
def serialised_module(iri: str, fmt: Format) -> bytes:
    """One module or alignment file (:func:`ontology.ontology_modules`) in the graph format ``fmt``."""
    return rdf_body(module_graph(iri), fmt)


@cache
def version_iri() -> str:
    """The umbrella ontology's ``owl:versionIRI``."""
    return str(ontology_graph().value(ONTOLOGY_IRI, OWL.versionIRI))


@dataclass(frozen=True)
class PyLodeDoc:
    content: Markup
    toc: Markup
    anchors: tuple[tuple[str, str], ...]
    """Term IRI → the fragment id pyLODE gave its section (so the diagram can link to it)."""


DOC = "ascn-ontology-doc"
"""The ``app.extensions`` key of the documentation :func:`app_doc` read for the app."""


def app_doc(app: Flask) -> PyLodeDoc:
    """The ontology documentation ``app`` shows: :func:`stored_doc` of its own data directory, read once per app."""
    from graph.derived import derived_dir

    doc = app.extensions.get(DOC)
    if doc is None:
        doc = app.extensions[DOC] = stored_doc(derived_dir(app.extensions["ascn"].settings.data_dir))
    return doc


def stored_doc(directory: Path) -> PyLodeDoc:
    """:func:`pylode_doc`, kept in ``directory`` (the data directory's ``derived/``) under the ontology's digest.

    pyLODE takes seconds, so ``ascn build`` (and ``ascn serve`` at its start, if the build did not) writes the
    documentation there once per ontology version; every later process reads it in milliseconds. A file that
    cannot be read or written only costs the computation.
    """
    path = directory / f"ontology-doc-{_ontology_digest()}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return PyLodeDoc(
            Markup(stored["content"]), Markup(stored["toc"]), tuple((iri, fid) for iri, fid in stored["anchors"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        pass
    doc = pylode_doc()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        partial.write_text(
            json.dumps({"content": str(doc.content), "toc": str(doc.toc), "anchors": [list(a) for a in doc.anchors]}),
            encoding="utf-8",
        )
        os.replace(partial, path)
    except OSError as exc:
        log.warning("the ontology documentation could not be kept in %s: %s", directory, exc)
    return doc


def _ontology_digest() -> str:
    """The ontology's files, pyLODE's version and this module (how pyLODE is called and its output trimmed), hashed:
    a new ontology, pyLODE or way of making the documentation makes a new file, never an old one kept."""
    from importlib.metadata import version

    digest = hashlib.sha256(version("pylode").encode())
    digest.update(Path(__file__).read_bytes())
    for path in ontology_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def pylode_doc() -> PyLodeDoc:
    """pyLODE's OntPub documentation of the ontology: its sections and table of contents, as trusted markup.

    The markup is pyLODE's (built with dominate, which escapes every text it is given) from the ontology the
    package ships, never from user input; that is why it may be marked safe here.
    """
    g = _one_ontology(ontology_graph())
    od = _ontpub()(ontology=g)
    # each term's section at its IRI's own fragment, so https://w3id.org/ascn/ontology#City, opened in a browser,
    # lands on ascn:City: pyLODE names a section after the term's label where it can ("membercity")
    od.fids.update({str(t): str(t).removeprefix(str(ASCN)) for t in set(g.subjects()) if str(t).startswith(str(ASCN))})
    od._make_body()  # the body only: make_html's head embeds pyLODE's stylesheet, which the CSP refuses
    sections = {e.attributes["id"]: e for e in _descendants(od.content) if e.attributes.get("id") in _SECTIONS}
    metadata = sections["metadata"]
    metadata.remove(metadata.children[0])  # its <h1>: the page has its own, and one h1 is what a screen reader expects
    for entry in _descendants(sections.get("functionalproperties")):
        # the functional properties again, under the ids of their sections above: an id is the page's once
        if entry.attributes.get("class") == "property entity":
            del entry.attributes["id"]
    for link in _descendants(od.content):
        # pyLODE's note on a property it has no background for reads "None. Defined in None" (vann's), or ends
        # "Defined in None" (schema.org's domainIncludes): a screen reader reads it out; what is known stays
        title = link.attributes.get("title", "")
        if title.endswith(". Defined in None"):
            known = title.removesuffix(". Defined in None")
            if known == "None":
                del link.attributes["title"]
            else:
                link.attributes["title"] = known
    # the prefixes' entries had the prefixes as ids, the ids of the terms ascn:country and ascn:status too
    for entry in _descendants(sections["namespaces"]):
        if "id" in entry.attributes:
            entry.attributes["id"] = f"namespace-{entry.attributes['id']}"
    toc_element = next(e for e in _descendants(od.doc.body) if e.attributes.get("id") == "toc")
    listed = next(e for e in _descendants(toc_element) if e.attributes.get("href") == "#namespaces")
    item = listed.parent
    while type(item).__name__ != "li":  # the namespaces' entry of the contents, which lists the prefixes
        item = item.parent
    for link in _descendants(item):
        if link.attributes.get("href", "#namespaces") != "#namespaces":
            link.attributes["href"] = "#namespace-" + link.attributes["href"].removeprefix("#")
    content = od.content.render()
    toc = toc_element.render()
    anchors = tuple(sorted((str(iri), fid) for iri, fid in od.fids.items()))
    return PyLodeDoc(Markup(_local_links(content)), Markup(_local_links(toc)), anchors)


def _one_ontology(g: Graph) -> Graph:
    """``g`` with only the umbrella ontology typed as an ontology, for pyLODE.

    pyLODE documents one ontology: it gathers the metadata of every ``owl:Ontology`` and ``skos:ConceptScheme`` it
    finds into one section, so the modules' and the concept schemes' headers made one heading of 24 titles run
    together, 14 version numbers and, as "the" IRI, the last scheme's (``.../scheme/pairing-stages``). The modules
    stay each term's ``rdfs:isDefinedBy``, and the schemes have their own section on the page.
    """
    for kind in (OWL.Ontology, SKOS.ConceptScheme):
        for header in set(g.subjects(RDF.type, kind)) - {ONTOLOGY_IRI}:
            g.remove((header, RDF.type, kind))
    return g


_SECTIONS = ("metadata", "functionalproperties", "namespaces")
"""pyLODE's sections the documentation is trimmed in (:func:`pylode_doc`)."""


def _descendants(element):
    for child in getattr(element, "children", ()):
        if hasattr(child, "attributes"):
            yield child
            yield from _descendants(child)


def _ontpub():
    """pyLODE's OntPub class. Importing pyLODE sets the root logger to DEBUG (pylode's supermodel loader calls
    ``logging.basicConfig``); the logging set-up is put back as it was, so the server's log stays the operator's."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        from pylode import OntPub
    finally:
        root.setLevel(level)
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
    return OntPub


def _local_links(markup: str) -> str:
    """Entity IRIs (sources, concepts) linked to this app's pages instead of the public IRI base.

    >>> _local_links('<a href="https://w3id.org/ascn/id/source/x">')
    '<a href="/id/source/x">'
    """
    return markup.replace(f'href="{ID}', 'href="/id/')


# -- the class diagram ------------------------------------------------------------------------------
# Drawn as HTML, not as a graph picture: 37 classes and 40 object properties as boxes and arrows cross one another
# whatever the layout, and an SVG scaled to a phone shrinks its labels below reading size. So each module is a
# panel of UML-style class boxes (name, definition, superclass, alignments, then the object properties as
# "property → Range" links to the range's box, the datatype properties, and the boxes that point here), which
# wraps to the screen with text at the page's own size (reference/_class_diagram.html).
@dataclass(frozen=True)
class DiagramClass:
    name: str
    label: str
    definition: str
    fragment: str
    """pyLODE's section on the class (its documentation below the diagram)."""
    parents: tuple[str, ...]
    children: tuple[str, ...]
    alignments: tuple[str, ...]
    """Outside classes it specialises or matches, as prefixed names (schema:City, geo:Feature)."""
    links: tuple[tuple[str, str, str], ...]
    """Object properties from this class: (property, range class, the range's module when it is another one)."""
    values: tuple[tuple[str, str], ...]
    """Datatype properties of this class: (property, datatype as a prefixed name)."""
    used_by: tuple[tuple[str, str], ...]
    """Object properties into this class: (domain class, property)."""


@dataclass(frozen=True)
class DiagramModule:
    name: str
    classes: tuple[DiagramClass, ...]


@cache
def class_diagram(anchors: tuple[tuple[str, str], ...] = ()) -> tuple[DiagramModule, ...]:
    """The ontology's classes by module (in :data:`MODULE_ORDER`), superclasses before their subclasses, each
    with what its box shows; ``anchors`` gives each class's documentation fragment (else its own name)."""
    fragments = dict(anchors)
    g = ontology_graph()
    modules = _modules(g)
    module_of = {iri: m for m, members in modules.items() for iri in members}
    links: dict[str, list[tuple[str, str, str]]] = {}
    used_by: dict[str, list[tuple[str, str]]] = {}
    for prop in sorted_terms(g.subjects(RDF.type, OWL.ObjectProperty)):
        domain, range_ = str(g.value(prop, RDFS.domain)), str(g.value(prop, RDFS.range))
        if domain in module_of and range_ in module_of:
            other = module_of[range_] if module_of[range_] != module_of[domain] else ""
            links.setdefault(domain, []).append((_local(prop), _local(range_), other))
            used_by.setdefault(range_, []).append((_local(domain), _local(prop)))
    values: dict[str, list[tuple[str, str]]] = {}
    for prop in sorted_terms(g.subjects(RDF.type, OWL.DatatypeProperty)):
        domain = str(g.value(prop, RDFS.domain))
        if domain in module_of:
            ranges = list(g.objects(prop, RDFS.range)) or sorted_terms(g.objects(prop, SCHEMA.rangeIncludes))
            shown = " | ".join(g.qname(r) for r in ranges if isinstance(r, URIRef))
            values.setdefault(domain, []).append((_local(prop), shown or "literal"))

    def box(iri: str) -> DiagramClass:
        cls = URIRef(iri)
        supers = sorted_terms(g.objects(cls, RDFS.subClassOf))
        outside = (
            supers + sorted_terms(g.objects(cls, OWL.equivalentClass)) + sorted_terms(g.objects(cls, SKOS.closeMatch))
        )
        return DiagramClass(
            name=_local(iri),
            label=str(g.value(cls, RDFS.label) or _local(iri)),
            definition=_first_sentence(str(g.value(cls, SKOS.definition) or g.value(cls, RDFS.comment) or "")),
            fragment=fragments.get(iri, _local(iri)),
            parents=tuple(_local(p) for p in supers if str(p) in module_of),
            children=tuple(sorted(_local(c) for c in g.subjects(RDFS.subClassOf, cls) if str(c) in module_of)),
            alignments=tuple(g.qname(o) for o in outside if isinstance(o, URIRef) and str(o) not in module_of),
            links=tuple(links.get(iri, ())),
            values=tuple(values.get(iri, ())),
            used_by=tuple(sorted(used_by.get(iri, ()))),
        )

    return tuple(
        DiagramModule(m, tuple(box(iri) for iri in sorted(modules[m], key=lambda c: _order_key(g, c))))
        for m in MODULE_ORDER
        if modules[m]
    )


def _local(iri) -> str:
    return str(iri).rsplit("#", 1)[-1]


def _first_sentence(text: str) -> str:
    """A definition's first sentence (the box stays short; the documentation below has the whole text).

    >>> _first_sentence("A city of the network; it joined. More follows.")
    'A city of the network; it joined.'
    """
    head, dot, _ = text.partition(". ")
    return head + dot.strip() if dot else text


def _modules(g: Graph) -> dict[str, list[str]]:
    """The ontology's classes by module (each class's ``rdfs:isDefinedBy``; core when it names none)."""
    columns: dict[str, list[str]] = {m: [] for m in MODULE_ORDER}
    for cls in g.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef) and str(cls).startswith(str(ASCN)):
            module = str(g.value(cls, RDFS.isDefinedBy) or "").rsplit("/", 1)[-1]
            columns[module if module in columns else "core"].append(str(cls))
    return columns


def _order_key(g: Graph, iri: str) -> tuple[str, ...]:
    """The class's line of ontology superclasses down to itself: sorting by it puts each class right after its
    superclass (Event, Meeting, AnnualMeeting, Summit)."""
    line = [iri]
    while len(line) < 10:  # a subclass cycle would be a broken ontology; the order stays finite anyway
        parent = next(
            (str(p) for p in g.objects(URIRef(line[-1]), RDFS.subClassOf) if str(p).startswith(str(ASCN))), None
        )
        if parent is None:
            break
        line.append(parent)
    return tuple(reversed(line))


def ontology_title() -> str:
    """The umbrella ontology's title (for the page heading)."""
    from ontology.namespace import DCTERMS

    return str(ontology_graph().value(ONTOLOGY_IRI, DCTERMS.title) or "ASCN ontology")
