"""A remote SPARQL 1.1 server (Oxigraph server, Fuseki, Virtuoso, GraphDB...) as the store, chosen by settings.

Queries and updates go through SPARQLWrapper as URL-encoded POSTs (``query=`` / ``update=``), the form of the
SPARQL 1.1 Protocol servers support most widely (Virtuoso 7.2 never answers a direct ``application/sparql-query``
POST: openlink/virtuoso-opensource#842). Queries ask for SPARQL JSON (SELECT, ASK) or, for CONSTRUCT and
DESCRIBE, RDF formats only (Virtuoso would send a graph as SPARQL JSON rows), and the answers are turned into
the same rdflib terms the embedded backend gives (see :mod:`graph.backends.common`), so a query means and
answers the same on both. An update is never sent as a query: Virtuoso's query endpoint would run it.

Writes are SPARQL Update requests, one per operation: ``DROP SILENT GRAPH`` for each replaced graph followed by
one ``INSERT DATA``; every IRI is first checked as the embedded store would (Virtuoso stores any text between
``<>``). SPARQL 1.1 Update asks a server to apply a request's operations in order, and Oxigraph server and
Fuseki (TDB2) run each request as one transaction, so a refused request changes nothing; Virtuoso does not
(the contract tests show it keeps the operations before a refused one), so there a request refused partway
stays partly applied.

A file load (:meth:`SparqlStore.replace_graph_from_file`) is parsed here first, so a syntax error names the
line and sends nothing; the triples then go in one Graph Store Protocol PUT to a staging graph, the caller's
check runs on the dataset as it will be (the staging graph in place of the old one, named as the query's
dataset), and one ``MOVE`` update puts them live, which Oxigraph server applies as one transaction. A refused
file's staging graph is dropped. While the check runs, queries over the union also see the staging graph;
a client killed in that window leaves it behind (under ``graph/staging/``), and the next load drops it.

Queries must see the union of the named graphs as their default graph; :meth:`SparqlStore.open` checks that
the server is configured that way and says which setting to change if not.
"""

from __future__ import annotations

import ast
import base64
import csv
import http.client
import io
import json
import os
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node
from SPARQLWrapper import POST, SELECT, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, QueryBadFormed, SPARQLWrapperException

from graph.backends.common import (
    check_iri,
    literal,
    plain,
    query_error,
    replace_update,
    serialized,
)
from graph.backends.oxigraph import syntax_error, triples_of
from graph.config import Settings
from graph.errors import StoreError
from graph.formats import export_format
from graph.sparql_text import UPDATE_KEYWORDS, inspect_query, tokens
from graph.store import Answer, Staged, Table, ask, select
from ontology import PREFIXES
from ontology.errors import shown
from ontology.namespace import GRAPH
from queries.errors import QueryError
from queries.library import internal

_TABLE_ACCEPT = "application/sparql-results+json"
_JSON_TYPES = ("application/sparql-results+json", "application/json")
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.8"
_GRAPH_PARSERS = {
    "application/n-triples": "nt",
    "text/plain": "nt",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
STAGING_PREFIX = str(GRAPH["staging/"])
"""Graphs a load fills before its check passes; never live data."""
_NO_GRAPH = "urn:x-ascn:no-graph"  # names no graph: sent alone, it makes the dataset empty
UNION_HELP = (
    "the SPARQL server at {url} does not answer queries over the union of its named graphs; every backend "
    "must (see docs/remote-store.md): start Oxigraph with `oxigraph serve --union-default-graph`, set "
    "`tdb2:unionDefaultGraph true` on a Fuseki TDB2 dataset, or the equivalent setting of your server"
)


class SparqlStore:
    """A :class:`graph.store.Store` on a SPARQL 1.1 server reached over HTTP.

    ``update_url`` may be left unset for a read-only store; ``gsp_url`` (a Graph Store Protocol endpoint)
    lets :meth:`rebuild` send graphs larger than ``update_limit`` triples one HTTP PUT per graph.
    """

    update_limit = 500_000
    """Above this many triples a rebuild uses Graph Store Protocol PUTs, when ``gsp_url`` is set."""
    version_is_exact = False
    """Other clients may write to the server, and :meth:`version` costs a query that can miss a change: nothing
    may be kept per version without asking the server again."""
    lock_file: Path | None = None
    """``writing.lock`` in the data directory (set by :meth:`open`): the processes of this machine that share it (an
    ``ascn serve`` and the ``ascn`` commands beside it) write one at a time. A server has no lock a client could take
    for a read-modify-write, so clients on other machines are not kept out (docs/remote-store.md)."""

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        gsp_url: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float | None = None,
    ):
        self.query_url = query_url
        self.update_url = update_url
        self.gsp_url = gsp_url
        self.timeout = timeout
        self._credentials: tuple[str, str] | None = None
        if username:
            if password is None:
                raise StoreError("the sparql store has a user name but no password: set ASCN_PASSWORD too")
            self._credentials = (username, password)
        elif password:
            raise StoreError("the sparql store has a password but no user name: set ASCN_USERNAME too")

    @classmethod
    def open(cls, settings: Settings) -> SparqlStore:
        """Connect to the server the settings name and check it queries the union of its named graphs."""
        if not settings.query_url:
            raise StoreError("the sparql store needs a query endpoint: set ASCN_QUERY_URL")
        store = cls(
            settings.query_url,
            settings.update_url,
            settings.gsp_url,
            settings.username,
            settings.password,
            settings.remote_timeout,
        )
        store.lock_file = settings.data_dir / "writing.lock"
        if store.graph_names() and not ask(store.query, internal("union_probe").sparql):
            raise StoreError(UNION_HELP.format(url=settings.query_url))
        return store

    # -- reading -------------------------------------------------------------------------------
    def query(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
    ) -> Answer:
        """Run ``sparql`` on the server; the dataset rules and ``max_rows`` are those of :class:`Store`.

        The query's own ``FROM`` / ``FROM NAMED`` are sent as the protocol's ``default-graph-uri`` /
        ``named-graph-uri``, because a server asked for the union default graph (Oxigraph's
        ``--union-default-graph``) ignores them otherwise. ``max_rows`` cuts the answer after it arrives:
        the server still sends all of it.
        """
        # RDF formats only for a graph: Virtuoso answers CONSTRUCT in SPARQL JSON (s/p/o rows) if that is allowed
        form = inspect_query(sparql).form
        response = self._ask(
            sparql, _GRAPH_ACCEPT if form in ("CONSTRUCT", "DESCRIBE") else _TABLE_ACCEPT, default_graphs, named_graphs
        )
        with self._reading(self.query_url):
            body = response.read()
        media_type = response.info().get_content_type()
        if media_type in _JSON_TYPES:
            return _from_json(body, self.query_url, max_rows)
        if media_type in _GRAPH_PARSERS:
            return _from_graph(body, _GRAPH_PARSERS[media_type], max_rows)
        raise StoreError(f"{self.query_url} answered in {media_type!r}, not SPARQL JSON or an RDF format")

    def _ask(
        self,
        sparql: str,
        accept: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ):
        """Send a query to the query endpoint with the dataset rules of :meth:`query`; the open response."""
        if _is_update(sparql):  # some servers (Virtuoso) run an update sent to their query endpoint
            raise QueryError("a SPARQL Update cannot run as a query; send it to the update endpoint")
        client = self._client(self.query_url)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SPARQLWrapper warns on text it cannot classify; the server decides
            client.setQuery(sparql)
        client.queryType = SELECT  # always the query endpoint and our Accept header, never the update path
        client.addCustomHttpHeader("Accept", accept)
        if default_graphs is None and named_graphs is None and inspect_query(sparql).has_dataset_clause:
            default_graphs, named_graphs = dataset_clause(sparql)
        if default_graphs is not None or named_graphs is not None:
            # no graph at all must mean an empty dataset, not "no parameters" (which gives the union)
            for name in default_graphs or ([] if named_graphs else [_NO_GRAPH]):
                client.addDefaultGraph(check_iri(name))
            for name in named_graphs or ():
                client.addNamedGraph(check_iri(name))
        return self._send(client, self.query_url, query=True)

    def graph_names(self) -> list[str]:
        """The named graphs; read from the graphs' triples when the server lists none (Virtuoso answers the
        cheap ``GRAPH ?g { }`` with no rows whatever it holds)."""
        names = [
            str(g) for g in select(self.query, internal("named_graphs").sparql).column("graph") if isinstance(g, URIRef)
        ]
        if not names:
            names = [str(g) for g in select(self.query, internal("graphs_with_triples").sparql).column("graph")]
        return sorted(names)

    def export(self, format: str) -> bytes:
        """The dataset (or union graph) read with plain queries, then written by the same serialiser as the
        embedded backend's: rdflib's Turtle writer would turn ``"39"^^xsd:decimal`` into ``39.0``, another term.

        Blank nodes keep the labels the server gives them, so unchanged content exports to the same bytes, as the
        embedded store's kept dumps do (the web app answers ``Range`` on them): the triple formats were read through
        a CONSTRUCT parsed by rdflib, which labelled each answer's blank nodes afresh (two N-Triples exports of the
        bundled graph differed)."""
        fmt = export_format(format)
        target = ox.RdfFormat.from_media_type(fmt.media_type)
        if fmt.dataset:
            rows = [(s, p, o, g) for g, s, p, o in select(self.query, internal("all_quads").sparql).rows]
        else:
            rows = select(self.query, internal("union_triples").sparql).rows
        lines = "".join(" ".join(term.n3() for term in row) + " .\n" for row in rows)
        quads = ox.parse(lines.encode(), format=ox.RdfFormat.N_QUADS if fmt.dataset else ox.RdfFormat.N_TRIPLES)
        return serialized(ox.serialize(quads, format=target, prefixes=PREFIXES))

    # -- writing -------------------------------------------------------------------------------
    def replace_graphs(self, graphs: Mapping[str, Graph]) -> None:
        _check_iris(graphs)
        self._update(replace_update(graphs))

    def drop_graphs(self, names: list[str]) -> None:
        """Drop the graphs, all or none: a name the store does not hold is refused before anything is sent.

        The names are checked here, then dropped with ``DROP SILENT``: servers differ on ``DROP GRAPH`` of a
        graph that holds triples but was never made with ``CREATE GRAPH`` (Virtuoso refuses it), and on
        whether a refusal partway through a request undoes the drops before it (Virtuoso keeps them).
        """
        for name in names:
            check_iri(name)
        held = set(self.graph_names())
        missing = [name for name in names if name not in held]
        if missing:
            raise StoreError(f"cannot drop {', '.join(missing)}: the graph does not exist")
        self._update(replace_update({}, drop=names))

    def replace_graph_from_file(self, name: str, path: Path, format: str, check: Callable[[Staged], None]) -> int:
        check_iri(name)
        with tempfile.TemporaryFile() as body:
            try:
                ox.serialize(
                    (ox.Triple(q.subject, q.predicate, q.object) for q in triples_of(path, format)),
                    body,
                    format=ox.RdfFormat.N_TRIPLES,
                )
            except (SyntaxError, MemoryError) as exc:
                raise syntax_error(path, format, exc) from None
            leftovers = [g for g in self.graph_names() if g.startswith(STAGING_PREFIX)]
            self._update(replace_update({}, drop=leftovers))
            staging = f"{STAGING_PREFIX}{uuid.uuid4()}"
            body.seek(0)
            if self.gsp_url:
                self._send_body(staging, body, merge=False)
            else:  # N-Triples lines are SPARQL triples: the same bytes go in one INSERT DATA
                self._update(f"INSERT DATA {{ GRAPH <{staging}> {{\n{body.read().decode()}\n}} }}")
        try:
            table = select(self.query, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{staging}> {{ ?s ?p ?o }} }}")
            count = int(table.rows[0][0])
            dataset = [g for g in self.graph_names() if g != name and not g.startswith(STAGING_PREFIX)] + [staging]
            check(
                Staged(
                    staging, count, lambda sparql: self.query(sparql, default_graphs=dataset, named_graphs=[staging])
                )
            )
            self._update(f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{name}>")
        except BaseException:
            self._update(f"DROP SILENT GRAPH <{staging}>")
            raise
        return count

    def rebuild(self, graphs: Mapping[str, Graph], keep: list[str]) -> None:
        """Drop every named graph but ``keep`` and store ``graphs``: one update, or one PUT per graph when large.

        The single update is all-or-nothing where the server applies a request atomically. The Graph Store
        Protocol path is not: each PUT replaces one graph on its own, so while it runs (or if it stops midway)
        readers can see some new graphs beside old ones; rerun the build to finish it.
        """
        for name in [*graphs, *keep]:
            check_iri(name)
        _check_iris(graphs)
        existing = self.graph_names()
        stale = [name for name in existing if name not in keep and name not in graphs]
        if self.gsp_url and sum(len(g) for g in graphs.values()) > self.update_limit:
            for name, graph in graphs.items():
                self._send_graph(name, graph, merge=name in keep)
            self._update(replace_update({}, drop=stale))
            return
        self._update(replace_update(graphs, drop=[*stale, *(name for name in graphs if name not in keep)]))

    def values(self, sparql: str) -> Table:
        """The answer as SPARQL 1.1 CSV, the protocol's own format of plain values, read as it arrives.

        Servers write CSV far faster than SPARQL JSON (Virtuoso most of all, benchmarks/README.md), and CSV
        spares the client a JSON document and an rdflib term per value. CSV cannot tell an
        empty string from an unbound variable; both are ``None``, as :meth:`Store.values` says.
        """
        response = self._ask(sparql, "text/csv")
        if response.info().get_content_type() != "text/csv":
            raise StoreError(f"{self.query_url} answered in {response.info().get_content_type()!r}, not SPARQL CSV")
        with self._reading(self.query_url), io.TextIOWrapper(response, encoding="utf-8", newline="") as text:
            table = _from_csv(text, self.query_url)
        if table is None:  # a row CSV cannot hold (see _from_csv): the same answer read as SPARQL JSON
            answer = self.query(sparql)
            if not isinstance(answer, Table):
                raise StoreError("expected a SELECT query: plain values are read from a table")
            table = Table(
                answer.variables, [tuple(None if t is None else str(t) or None for t in row) for row in answer.rows]
            )
        return table

    def version(self) -> str:
        """The key read from the content: the build's fingerprint and time, each user graph's name and size.

        Other clients may write to the server, so nothing short of a query can tell; the query counts the
        triples of user graphs, which costs time in proportion to them, and misses a user graph replaced by
        one of the same size (reload after an `ascn build`, or restart the web app, to be sure).
        """
        rows = select(self.query, internal("graph_version").sparql)
        return "; ".join(f"{row['part']}={row['value']}" for row in rows)

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""

    # -- HTTP ----------------------------------------------------------------------------------
    def _client(self, url: str) -> SPARQLWrapper:
        client = SPARQLWrapper(url, updateEndpoint=url)
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setOnlyConneg(True)
        if self._credentials:
            client.setCredentials(*self._credentials)
        if self.timeout:
            client.timeout = self.timeout  # type: ignore[assignment]  # the stub says int; urllib takes a float. Not setTimeout(), which rounds down to whole seconds
        return client

    def _update(self, update: str) -> None:
        if not update:
            return
        if not self.update_url:
            raise StoreError(f"the store at {self.query_url} is read-only here: set ASCN_UPDATE_URL to write to it")
        client = self._client(self.update_url)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            client.setQuery(update)
        if not client.isSparqlUpdateRequest():
            raise StoreError(f"not a SPARQL update: {shown(update, 60)}")
        response = self._send(client, self.update_url, query=False)
        with self._reading(self.update_url):
            response.read()

    def _send(self, client: SPARQLWrapper, url: str, query: bool):
        """Run one request; the server's refusals become QueryError (bad query) or StoreError (all else)."""
        try:
            return client.query().response
        except QueryBadFormed as exc:
            if query:
                raise query_error(_server_message(exc), client.queryString) from None
            raise StoreError(f"{url} refused the update: {_server_message(exc)}") from None
        except EndPointInternalError as exc:
            doing = "answering the query" if query else "applying the update"
            raise StoreError(f"{url} failed while {doing}: {_server_message(exc)}") from None
        except SPARQLWrapperException as exc:
            raise StoreError(f"{url} failed: {type(exc).__name__}: {_server_message(exc)}") from None
        except urllib.error.HTTPError as exc:
            raise StoreError(f"{url} answered HTTP {exc.code}: {_read(exc)}") from None
        except OSError as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise StoreError(self._too_slow(url)) from None
            raise StoreError(f"cannot reach the SPARQL server at {url}: {reason}") from None

    @contextmanager
    def _reading(self, url: str) -> Iterator[None]:
        """Reading an answer's body: a server that stops sending (past ``timeout``, or by closing the connection)
        is a StoreError that says so."""
        try:
            yield
        except TimeoutError:
            raise StoreError(self._too_slow(url)) from None
        except (OSError, http.client.HTTPException) as exc:
            raise StoreError(f"the answer from {url} broke off: {exc!r}") from None

    def _too_slow(self, url: str) -> str:
        if self.timeout is None:  # the operating system's own timeout (ETIMEDOUT)
            return f"the connection to {url} timed out"
        return f"{url} did not answer within {self.timeout:g} s (ASCN_REMOTE_TIMEOUT)"

    def _send_graph(self, name: str, graph: Graph, merge: bool) -> None:
        """Replace one named graph (Graph Store Protocol PUT) or add to it (POST), sent as N-Triples."""
        self._send_body(name, graph.serialize(format="nt", encoding="utf-8"), merge)

    def _send_body(self, name: str, body, merge: bool) -> None:
        """Send N-Triples (bytes or a binary file, streamed) to one named graph: PUT replaces, POST adds."""
        assert self.gsp_url is not None  # bodies are sent only to a configured Graph Store endpoint
        url = f"{self.gsp_url}?{urllib.parse.urlencode({'graph': check_iri(name)})}"
        request = urllib.request.Request(url, data=body, method="POST" if merge else "PUT")
        request.add_header("Content-Type", "application/n-triples")
        if not isinstance(body, bytes):
            request.add_header("Content-Length", str(os.fstat(body.fileno()).st_size))
        if self._credentials:
            token = base64.b64encode(":".join(self._credentials).encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise StoreError(f"{self.gsp_url} refused the graph {name}: HTTP {exc.code}: {_read(exc)}") from None
        except OSError as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise StoreError(self._too_slow(self.gsp_url)) from None
            raise StoreError(f"cannot reach the Graph Store endpoint {self.gsp_url}: {reason}") from None


def dataset_clause(sparql: str) -> tuple[list[str], list[str]]:
    """The IRIs of a query's ``FROM`` and ``FROM NAMED`` clauses (prefixed names resolved).

    >>> dataset_clause('PREFIX g: <http://ex/g/> SELECT * FROM <http://ex/a> FROM NAMED g:b { ?s ?p "FROM <x>" }')
    (['http://ex/a'], ['http://ex/g/b'])
    """
    toks = tokens(sparql)
    words = [t.text.upper() if t.kind == "word" else None for t in toks]
    prefixes = {
        toks[i + 1].text.rstrip(":"): toks[i + 2].text[1:-1]
        for i, w in enumerate(words[:-2])
        if w == "PREFIX" and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri"
    }
    default: list[str] = []
    named: list[str] = []
    for i, word in enumerate(words):
        if word != "FROM":
            continue
        is_named = i + 1 < len(words) and words[i + 1] == "NAMED"
        target = toks[i + 2 if is_named else i + 1] if i + (2 if is_named else 1) < len(toks) else None
        if target is not None and target.kind == "iri":
            iri = target.text[1:-1]
        elif target is not None and target.kind == "pname" and target.text.partition(":")[0] in prefixes:
            prefix, _, local = target.text.partition(":")
            iri = prefixes[prefix] + local
        else:
            raise QueryError(
                f"cannot read the graph after FROM{' NAMED' if is_named else ''}: "
                f"{target.text if target else 'end of query'!r}"
            )
        (named if is_named else default).append(iri)
    return default, named


def _is_update(sparql: str) -> bool:
    """Whether the text holds a SPARQL Update keyword (as a keyword, not inside a string, IRI or name).

    >>> _is_update('PREFIX ex: <http://ex/> CLEAR GRAPH ex:g'), _is_update('SELECT * { ?s ex:drop "DELETE" }')
    (True, False)
    """
    return any(t.kind == "word" and t.text.upper() in UPDATE_KEYWORDS for t in tokens(sparql))


def _check_iris(graphs: Mapping[str, Graph]) -> None:
    """Refuse, before anything is sent, an IRI the embedded store would refuse (``<http://x/%zz>``): some
    servers (Virtuoso) store any text between ``<>``, so the backends would otherwise hold different data."""
    for name, graph in graphs.items():
        for iri in {term for triple in graph for term in triple if isinstance(term, URIRef)}:
            try:
                ox.NamedNode(iri)
            except ValueError as exc:
                raise StoreError(f"the store refused the graph {name}: {iri!r} is not a valid IRI ({exc})") from None


def _from_json(body: bytes, url: str, max_rows: int | None) -> Table | bool:
    try:
        doc = json.loads(body)
    except ValueError:
        # Oxigraph streams rows, so an error met while evaluating arrives after a 200 and a partial answer
        raise StoreError(
            f"{url} sent an incomplete answer; it said: {body[-300:].decode('utf-8', 'replace')}"
        ) from None
    if "boolean" in doc:
        return bool(doc["boolean"])
    variables = list(doc["head"].get("vars", []))
    rows = [
        tuple(_term(binding[v]) if v in binding else None for v in variables)
        for binding in doc["results"]["bindings"][:max_rows]
    ]
    return Table(variables, rows)


def _from_csv(text: Iterable[str], url: str) -> Table | None:
    """A SPARQL CSV table, every value a string or None (empty); None when a row is not as wide as the header.

    Servers end every row with a line break. Oxigraph streams rows, so an error met while evaluating
    arrives after a 200 as a last line of plain text with no line break: that is refused rather than taken for a
    whole answer. A row of another width than the header's is a value CSV could not hold as written: Oxigraph's
    server (0.5) writes an IRI holding a comma without quotes (a source's
    ``https://aseanaccess.com./news/348-heading-towards-development-of-asean-smart,-sustainable-city.html``), so the
    caller reads that answer another way.
    """
    last = ""

    def lines() -> Iterator[str]:
        nonlocal last
        for last in text:  # noqa: UP028 - each line is kept in `last` as it passes, which `yield from` would not do
            yield last

    reader = csv.reader(lines())
    header = next(reader, None)
    rows = [tuple(value or None for value in row) for row in reader]
    if header is None or not last.endswith("\n"):
        raise StoreError(f"{url} sent an incomplete answer; it said: {last[-300:] or '(nothing)'}")
    if any(len(row) != len(header) for row in rows):
        return None
    return Table(header, rows)


def _term(value: dict) -> Node:
    """One SPARQL JSON term as rdflib, by the shared literal convention."""
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return _bnode(value["value"])
    if kind in ("literal", "typed-literal"):  # "typed-literal": SPARQL 1.0 JSON, still sent by Virtuoso
        return literal(value["value"], value.get("xml:lang"), value.get("datatype"))
    raise StoreError(f"unsupported term in a result: {value!r}")


def _bnode(label: str) -> BNode:
    """A blank node whose label is a valid N-Triples label, whatever the server sent: Virtuoso sends
    ``nodeID://b10000``, which would make exports unreadable. Letters and digits stay; any other character
    becomes ``_`` and its code, so two labels never meet.

    >>> _bnode("nodeID://b10000").n3(), _bnode("b0").n3()
    ('_:nodeID_3a_2f_2fb10000', '_:b0')
    """
    return BNode(re.sub(r"[^A-Za-z0-9]", lambda m: "".join(f"_{b:02x}" for b in m[0].encode()), label))


def _from_graph(body: bytes, parser: str, max_rows: int | None) -> Graph:
    parsed = Graph().parse(data=body, format=parser)
    graph = Graph()
    for s, p, o in islice(parsed, max_rows):
        graph.add((s, p, plain(o)))
    return graph


def _server_message(exc: SPARQLWrapperException) -> str:
    """The server's own text out of a SPARQLWrapper error, which embeds the response as ``repr(bytes)``."""
    text = str(exc)
    _, found, response = text.partition("\n\nResponse:\n")
    if not found:
        return text
    try:
        message = ast.literal_eval(response).decode("utf-8", "replace")
    except (ValueError, SyntaxError, AttributeError):
        message = response
    return message.partition("\n\nSPARQL query:\n")[0].strip()  # Virtuoso echoes the whole request after it


def _read(exc: urllib.error.HTTPError) -> str:
    try:
        return exc.read().decode("utf-8", "replace").strip() or exc.reason
    except OSError:
        return str(exc.reason)
