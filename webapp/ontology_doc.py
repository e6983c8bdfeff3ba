"""The ontology page's parts, all generated from the ontology itself: pyLODE's documentation, a class diagram
(SVG drawn here, no outside service), and the ontology's own serialisations.

pyLODE (the OntPub profile) writes a whole HTML document with its own stylesheet in a ``<style>`` element,
which the app's Content-Security-Policy would refuse; so only its generated sections are taken (the content
and the table of contents), links to entity IRIs are turned into this app's paths, and the page styles them
with the site's stylesheet. The ontology is package data, so each part is built once per process.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import math
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markupsafe import Markup
from rdflib import Graph, URIRef

from graph.formats import Format, write
from ontology import ONTOLOGY_IRI, ontology_files, ontology_graph
from ontology.namespace import ASCN, ID, OWL, RDF, RDFS

log = logging.getLogger(__name__)
MODULE_ORDER = ("core", "partnership", "project", "provenance", "framework", "vocabularies")
"""Columns of the class diagram: the ontology's modules (each class's ``rdfs:isDefinedBy``)."""


@cache
def serialised(fmt: Format) -> bytes:
    """The whole ontology (umbrella, modules, alignments) in the graph format ``fmt``."""
    return write(ontology_graph(), fmt)


@dataclass(frozen=True)
class PyLodeDoc:
    content: Markup
    toc: Markup
    anchors: tuple[tuple[str, str], ...]
    """Term IRI → the fragment id pyLODE gave its section (so the diagram can link to it)."""


@cache
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
    """The ontology's files and pyLODE's version, hashed: a new ontology or pyLODE makes a new file."""
    from importlib.metadata import version

    digest = hashlib.sha256(version("pylode").encode())
    for path in ontology_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def pylode_doc() -> PyLodeDoc:
    """pyLODE's OntPub documentation of the ontology: its sections and table of contents, as trusted markup.

    The markup is pyLODE's (built with dominate, which escapes every text it is given) from the ontology the
    package ships, never from user input; that is why it may be marked safe here.
    """
    od = _ontpub()(ontology=ontology_graph())
    od._make_body()  # the body only: make_html's head embeds pyLODE's stylesheet, which the CSP refuses
    content = od.content.render()
    toc = next((e.render() for e in _descendants(od.doc.body) if e.attributes.get("id") == "toc"), "")
    anchors = tuple(sorted((str(iri), fid) for iri, fid in od.fids.items()))
    return PyLodeDoc(Markup(_local_links(content)), Markup(_local_links(toc)), anchors)


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
@dataclass(frozen=True)
class Box:
    iri: str
    label: str
    x: float
    y: float


BOX_W, BOX_H, COL_GAP, ROW_GAP, MARGIN = 150, 30, 110, 26, 30


@cache
def class_diagram(anchors: tuple[tuple[str, str], ...] = ()) -> Markup:
    """An SVG of the ontology's classes in columns by module, with subclass links (hollow arrows) and the object
    properties whose domain and range are both ontology classes (labelled arrows); each class links to the
    fragment ``anchors`` gives it (pyLODE's section ids), else to its own name."""
    fragments = dict(anchors)
    g = ontology_graph()
    boxes = _layout(g)
    edges = _edges(g, boxes)
    width = MARGIN * 2 + len(MODULE_ORDER) * BOX_W + (len(MODULE_ORDER) - 1) * COL_GAP
    rows = max(sum(1 for b in boxes.values() if b.x == _col_x(i)) for i in range(len(MODULE_ORDER)))
    height = MARGIN * 2 + 24 + rows * (BOX_H + ROW_GAP)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="class-diagram" '
        f'role="group" aria-labelledby="diagram-title"><title id="diagram-title">Classes of the ASCN ontology by '
        f"module, with subclass links and object properties</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow-head"/></marker>'
        '<marker id="hollow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="hollow-head"/></marker></defs>',
    ]
    for i, module in enumerate(MODULE_ORDER):
        out.append(f'<text class="module" x="{_col_x(i) + BOX_W / 2}" y="{MARGIN}">{module}</text>')
    for kind, source, target, label in edges:
        out.append(_edge(boxes[source], boxes[target], kind, label))
    for box in sorted(boxes.values(), key=lambda b: (b.x, b.y)):
        name = box.iri.rsplit("#", 1)[-1]
        fragment = html.escape(fragments.get(box.iri, name), quote=True)
        out.append(
            f'<a href="#{fragment}"><rect class="class-box" x="{box.x}" y="{box.y}" width="{BOX_W}" '
            f'height="{BOX_H}" rx="4"/><text class="class-name" x="{box.x + BOX_W / 2}" '
            f'y="{box.y + BOX_H / 2 + 4}">{html.escape(name)}</text></a>'
        )
    out.append("</svg>")
    return Markup("\n".join(out))  # built here from the ontology, every label escaped


def _col_x(i: int) -> float:
    return MARGIN + i * (BOX_W + COL_GAP)


def _layout(g: Graph) -> dict[str, Box]:
    columns: dict[str, list[str]] = {m: [] for m in MODULE_ORDER}
    for cls in g.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef) and str(cls).startswith(str(ASCN)):
            module = str(g.value(cls, RDFS.isDefinedBy) or "").rsplit("/", 1)[-1]
            columns.setdefault(module if module in columns else "core", []).append(str(cls))
    boxes = {}
    for i, module in enumerate(MODULE_ORDER):
        for j, iri in enumerate(sorted(columns[module], key=lambda c: _order_key(g, c))):
            boxes[iri] = Box(iri, iri.rsplit("#", 1)[-1], _col_x(i), MARGIN + 24 + j * (BOX_H + ROW_GAP))
    return boxes


def _order_key(g: Graph, iri: str) -> tuple:
    """Superclasses first, each followed by its subclasses, so subclass arrows stay short."""
    parent = next((str(p) for p in g.objects(URIRef(iri), RDFS.subClassOf) if str(p).startswith(str(ASCN))), None)
    return (parent or iri, parent is not None, iri)


def _edges(g: Graph, boxes: dict[str, Box]) -> list[tuple[str, str, str, str]]:
    edges = []
    for cls in sorted(boxes):
        for parent in sorted(g.objects(URIRef(cls), RDFS.subClassOf)):
            if str(parent) in boxes:
                edges.append(("subclass", cls, str(parent), ""))
    for prop in sorted(g.subjects(RDF.type, OWL.ObjectProperty)):
        domain, range_ = g.value(prop, RDFS.domain), g.value(prop, RDFS.range)
        if str(domain) in boxes and str(range_) in boxes and domain != range_:
            edges.append(("property", str(domain), str(range_), str(prop).rsplit("#", 1)[-1]))
    return edges


def _edge(a: Box, b: Box, kind: str, label: str) -> str:
    """A straight arrow between the facing sides of two boxes (a curve when both sit in one column)."""
    if a.x == b.x:
        x1, y1, x2, y2 = a.x + BOX_W, a.y + BOX_H / 2, b.x + BOX_W, b.y + BOX_H / 2
        bend = x1 + 14 + min(80, abs(y2 - y1) / 3)
        path = f"M{x1},{y1} C{bend},{y1} {bend},{y2} {x2},{y2}"
        mid_x, mid_y = bend - 0.25 * (bend - x1), (y1 + y2) / 2 + 3
    else:
        left_to_right = a.x < b.x
        x1 = a.x + BOX_W if left_to_right else a.x
        x2 = b.x if left_to_right else b.x + BOX_W
        y1, y2 = a.y + BOX_H / 2, b.y + BOX_H / 2
        path = f"M{x1},{y1} L{x2},{y2}"
        mid_x, mid_y = (x1 + x2) / 2, (y1 + y2) / 2 - 3
    marker = "hollow" if kind == "subclass" else "arrow"
    text = ""
    if label:
        angle = 0.0 if a.x == b.x else math.degrees(math.atan2(y2 - y1, x2 - x1))
        if abs(angle) > 90:
            angle -= math.copysign(180, angle)
        text = (
            f'<text class="edge-label" x="{mid_x:.1f}" y="{mid_y:.1f}" '
            f'transform="rotate({angle:.1f} {mid_x:.1f} {mid_y:.1f})">{html.escape(label)}</text>'
        )
    return f'<g class="edge {kind}"><path d="{path}" marker-end="url(#{marker})"/>{text}</g>'


def ontology_title() -> str:
    """The umbrella ontology's title (for the page heading)."""
    from ontology.namespace import DCTERMS

    return str(ontology_graph().value(ONTOLOGY_IRI, DCTERMS.title) or "ASCN ontology")
