"""`ascn ingest` on hostile files: each is refused by name with what was expected, or read within its bounds, and
nothing is written. Bombs are built here at small scale; the bounds they meet are lowered where a real one is
larger than a test should write (docs/ingest.md, "Limits")."""

from __future__ import annotations

import json
import os
import threading
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import URIRef
from rdflib.namespace import RDF

from graph import releases
from graph.backends import open_store
from loaders import writing
from loaders.ingest import documents
from loaders.ingest.linker import MAX_SENTENCE_TOKENS, MAX_WORD, Gazetteer
from loaders.records import ID_GRAMMAR
from loaders.review import curator_iri
from ontology.namespace import ASCN, ID
from queries.library import internal
from tests.conftest import PROTOCOL_GRAPHS, wait_until
from webapp.cli import main

TEXT = b"BT /F1 12 Tf 72 720 Td (Da Nang joined the ASEAN Smart Cities Network in 2018.) Tj ET"


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (1 is the catalogue), with a correct cross-reference table."""
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def _stream(data: bytes, length: bytes | None = None) -> bytes:
    return b"<< /Length %s /Filter /FlateDecode >>\nstream\n%s\nendstream" % (length or b"%d" % len(data), data)


def _pages(content: bytes, pages: int = 1) -> bytes:
    """A PDF of ``pages`` pages that each show the (already compressed) content stream."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            _stream(content),
            *[page] * pages,
        ]
    )


def _bomb() -> bytes:
    """A content stream of 80 MB of spaces before the text, compressed to about 80 KB (past pypdf's 75 MB)."""
    packer = zlib.compressobj(9)
    packed = b"".join(packer.compress(b" " * 2**20) for _ in range(80))
    return _pages(packed + packer.compress(TEXT) + packer.flush())


def _deep_page_tree() -> bytes:
    depth = 120
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    objects += [b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (i + 3) for i in range(depth)]
    objects.append(b"<< /Type /Page /MediaBox [0 0 612 792] /Contents %d 0 R >>" % (depth + 3))
    objects.append(_stream(zlib.compress(TEXT)))
    return _pdf(objects)


def _its_own_length() -> bytes:
    """A content stream whose /Length is the stream object itself."""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
            b"/Contents 4 0 R >>",
            b"<< /Length 4 0 R >>\nstream\n%s\nendstream" % TEXT,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def _encrypted(tmp_path: Path, password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    plain = tmp_path / "plain.pdf"
    plain.write_bytes(_pages(zlib.compress(TEXT)))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password=password, owner_password="the owner's", algorithm="RC4-128")
    out = tmp_path / "encrypted.pdf"
    writer.write(out)
    return out.read_bytes()


@pytest.fixture
def data_dir(fresh_settings, fresh_store) -> Path:
    """A data directory of its own holding the bundled graph, closed for the command to open."""
    fresh_store.close()
    return fresh_settings.data_dir


def _ingest(data_dir: Path, *paths: Path, dry_run: bool = False):
    args = ["--data-dir", str(data_dir), "ingest", *(["--dry-run"] if dry_run else []), *map(str, paths)]
    return CliRunner().invoke(main, args)


def _nothing_stored(fresh_settings) -> bool:
    store = open_store(fresh_settings)
    try:
        return releases.PROPOSALS_GRAPH not in store.graph_names()
    finally:
        store.close()


@pytest.mark.parametrize(
    "make,reason",
    [
        # each raised pypdf's LimitReachedError, which the ingest did not name: a traceback, exit code 1
        (_bomb, "bomb.pdf, page 1: expected a readable PDF, got 'LimitReachedError: Limit reached while decompressing"),
        (_deep_page_tree, "bomb.pdf: expected a readable PDF, got 'LimitReachedError: Maximum page tree depth"),
        (_its_own_length, "bomb.pdf, page 1: expected a readable PDF, got 'LimitReachedError: Detected loop"),
    ],
)
def test_a_pdf_past_pypdf_s_limits_is_named_and_nothing_is_written(data_dir, fresh_settings, tmp_path, make, reason):
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(make())
    result = _ingest(data_dir, Path(__file__).parent / "texts" / "dev" / "02-pairing.txt", bomb)
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {reason}") and result.output.count("\n") == 1
    assert _nothing_stored(fresh_settings)


def test_a_pdf_encrypted_with_an_empty_password_is_read_one_that_asks_for_one_is_refused(data_dir, tmp_path):
    """A PDF encrypted only to forbid printing or copying opens in any viewer without a question; it was refused as
    "an encrypted PDF"."""
    opens = tmp_path / "opens.pdf"
    opens.write_bytes(_encrypted(tmp_path, ""))
    result = _ingest(data_dir, opens, dry_run=True)
    assert result.exit_code == 0, result.output
    assert "joining: city https://w3id.org/ascn/id/city/da-nang; year 2018" in result.output
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(_encrypted(tmp_path, "secret"))
    result = _ingest(data_dir, locked, dry_run=True)
    assert (result.exit_code, result.output) == (
        2,
        "error: locked.pdf: expected a PDF that opens without a password, got 'an encrypted PDF that asks for one'\n",
    )


def test_a_document_past_the_length_bound_is_named_with_its_length(data_dir, tmp_path, monkeypatch):
    """A PDF of 20,000 pages was read whole (a minute) before its 1,100,000 characters were refused; it stops at the
    page that passes the bound. A feed entry is named. The bound is lowered here: the real one is 1,000,000."""
    monkeypatch.setattr(documents, "MAX_TEXT", 1_000)
    text = tmp_path / "long.txt"
    text.write_text("Da Nang joined the network. " * 40)
    result = _ingest(data_dir, text, dry_run=True)
    assert result.output == (
        "error: long.txt: expected a document of at most 1,000 characters (split it), got '1,119 in long.txt'\n"
    )
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(_pages(zlib.compress(TEXT), pages=30))
    result = _ingest(data_dir, pdf, dry_run=True)
    assert result.output == (
        "error: long.pdf: expected a document of at most 1,000 characters (split it), "
        "got '1,008 in long.pdf by page 18 of 30'\n"
    )
    feed = tmp_path / "feed.rss"
    item = "<item><title>Item {}</title><description>{}</description></item>"
    items = item.format(1, "Da Nang joined the network.") + item.format(2, "Da Nang. " * 120)
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>')
    result = _ingest(data_dir, feed, dry_run=True)
    assert result.output == (
        "error: feed.rss: expected a document of at most 1,000 characters (split it), got '1,088 in feed.rss#entry-2'\n"
    )


def test_files_past_their_bounds_are_refused_before_they_are_read(data_dir, tmp_path, monkeypatch):
    """A named pipe waited for a writer for ever; /dev/zero behind a name ending in .txt was read until the memory
    ran out. Bounds lowered here: 64 MiB of a file, 10,000 pages, 5,000 entries of a feed are the real ones."""
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")
    for path in (pipe, zero):
        result = _ingest(data_dir, path, dry_run=True)
        assert result.output == f"error: {path.name}: expected a regular file, got 'a pipe, socket or device'\n"
    monkeypatch.setattr(documents, "MAX_BYTES", 2**20)
    large = tmp_path / "large.html"
    large.write_bytes(b"<p>" + b"x" * 2**20 + b"</p>")
    result = _ingest(data_dir, large, dry_run=True)
    assert result.output == "error: large.html: expected a file of at most 1 MiB, got 'a larger file'\n"
    monkeypatch.setattr(documents, "MAX_PAGES", 2)
    pdf = tmp_path / "pages.pdf"
    pdf.write_bytes(_pages(zlib.compress(TEXT), pages=3))
    result = _ingest(data_dir, pdf, dry_run=True)
    assert result.output == "error: pages.pdf: expected a PDF of at most 2 pages, got '3 pages'\n"
    monkeypatch.setattr(documents, "MAX_ENTRIES", 2)
    feed = tmp_path / "feed.atom"
    entries = "".join(f"<entry><title>Entry {i}</title><summary>Da Nang.</summary></entry>" for i in range(3))
    feed.write_text(f'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>{entries}</feed>')
    result = _ingest(data_dir, feed, dry_run=True)
    assert result.output == ("error: feed.atom: expected a feed of at most 2 entries (split it into parts), got '3'\n")


def test_an_endless_sentence_and_an_endless_word_are_cut(store):
    """Each name is read in the light of its sentence, and spaCy peels punctuation off a word one character at a
    time: "Da Nang " 20,000 times without a full stop took a minute, 3,000 characters of "!?.,;:" six seconds, both
    growing with the square of their length. A sentence is cut after MAX_SENTENCE_TOKENS tokens, a longer word than
    MAX_WORD characters is one token; every name is still found."""
    gazetteer = Gazetteer.from_store(store)
    linked = gazetteer.link("Da Nang " * MAX_SENTENCE_TOKENS)  # two tokens each
    assert len(linked.sentences) == 2
    assert len(linked.mentions) == MAX_SENTENCE_TOKENS
    assert len(gazetteer.nlp.make_doc("!?.,;:" * 100 + " Da Nang")) == 3
    assert len(gazetteer.nlp.make_doc("!?.,;:" * (MAX_WORD // 6))) == MAX_WORD // 6 * 6


def test_characters_that_only_change_how_a_text_is_shown_hide_no_name(data_dir, tmp_path):
    """A right-to-left override glued to "Da Nang" hid the member city and proposed it as a new city."""
    text = tmp_path / "marks.txt"
    text.write_text("\u202eDa Nang\u202c joined the ASEAN Smart\u200bCities Network in 2018. Singa\u00adpore too.")
    result = _ingest(data_dir, text, dry_run=True)
    assert result.exit_code == 0, result.output
    assert "joining: city https://w3id.org/ascn/id/city/da-nang; year 2018" in result.output
    assert "new-city" not in result.output
    assert "  3 mention(s): ASCN, Da Nang, Singapore\n" in result.output


def test_a_link_that_is_no_web_address_is_left_out_and_a_given_one_is_checked(data_dir, fresh_settings, tmp_path):
    """A feed entry's link with a space or a quote made the store refuse the whole proposals graph ("the store refused
    the graph .../proposals: ... does not look like a valid URI"), naming neither file nor link; a file:// link was
    kept as the source's address. Links are only recorded, never fetched."""
    feed = tmp_path / "links.rss"
    item = "<item><title>Item {}</title><link>{}</link><description>Da Nang joined the network in 2018.</description>"
    items = item.format(1, 'http://example.org/a b"') + "</item>" + item.format(2, "file:///etc/passwd") + "</item>"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>')
    args = ["--data-dir", str(data_dir), "ingest", "--format", "json", str(feed)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    stored = json.loads(result.output)["documents"]
    assert [(d["document"]["url"], d["document"]["stored"]) for d in stored] == [(None, True), (None, True)]
    text = tmp_path / "news.txt"
    text.write_text("Da Nang joined the network in 2018.")
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "ingest", "--url", "not a url <>", str(text)])
    assert result.output == "error: news.txt: expected an http or https URL (--url), got 'not a url <>'\n"


def test_a_proposal_named_twice_is_reviewed_once_and_a_reviewed_one_not_again(data_dir, tmp_path):
    """`accept ID ID` said "accepted 2 proposal(s)" for one (and made its fact twice over); by its id and its IRI too."""
    text = tmp_path / "news.txt"
    text.write_text("Da Nang joined the ASEAN Smart Cities Network in 2018.")
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "ingest", "--format", "json", str(text)])
    iri = json.loads(result.output)["documents"][0]["facts"][0]["id"]
    ident = iri.rsplit("/", 1)[1]

    def run(*args: str) -> tuple[int, str]:
        done = CliRunner().invoke(main, ["--data-dir", str(data_dir), "proposals", *args])
        return done.exit_code, done.output

    nobody = run("accept", ident, "--by", "\u200b")  # zero-width alone: recorded as a curator no one can read
    assert nobody[0] == 2 and "expected the name of the curator who reviews" in nobody[1]
    code, output = run("accept", ident, ident, iri, "--by", "Mai Tran")
    assert (code, output.split(":")[0]) == (0, "accepted 1 proposal(s)")
    again = f"error: {ident}, field 'status': expected a pending proposal, got 'one already accepted'\n"
    assert run("accept", ident, "--by", "Mai Tran") == (2, again)
    assert run("reject", ident, "--by", "Mai Tran") == (2, again)
    assert run("reject", "0000000000000000", "--by", "Mai Tran") == (2, "error: no proposal '0000000000000000'\n")
    code, output = run("list", "--status", "all")
    assert (code, output.count(ident)) == (0, 1) and "accepted" in output


def test_a_file_name_that_is_not_utf_8_is_stored_readable(data_dir, tmp_path):
    """A name with bytes that are not UTF-8 made the store refuse the proposals graph ("surrogates not allowed")."""
    text = tmp_path / b"caf\xe9.txt".decode("utf-8", "surrogateescape")
    text.write_text("Da Nang joined the ASEAN Smart Cities Network in 2018.")
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), "ingest", "--format", "json", str(text)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)["documents"][0]["document"]
    assert (document["file"], document["stored"]) == ("caf\ufffd.txt", True)


class _SpyLock:
    """A lock that says when a second caller waits for it."""

    def __init__(self):
        self._lock = threading.Lock()
        self.waiting = threading.Event()

    def __enter__(self):
        if not self._lock.acquire(blocking=False):
            self.waiting.set()
            self._lock.acquire()

    def __exit__(self, *exc):
        self._lock.release()


def test_a_review_while_another_is_written_waits_for_it_and_both_are_kept(fresh_store, tmp_path, monkeypatch):
    """Two reviews at once (two curators on /review, or one beside an `ascn proposals` handed to the server) each
    read the proposals graph and wrote it whole: the later one wrote back the earlier one's proposal as pending and
    the facts it accepted went out of the accepted graph."""
    from loaders import review
    from loaders.ingest import ingest
    from loaders.ingest import proposals as proposals_graph

    (tmp_path / "a.txt").write_text("Da Nang joined the ASEAN Smart Cities Network in 2018.")
    (tmp_path / "b.txt").write_text("Vientiane joined the ASEAN Smart Cities Network in 2019.")
    found = ingest(fresh_store, [tmp_path / "a.txt", tmp_path / "b.txt"], dry_run=False)
    first, second = (str(proposals_graph.proposal_iri(a.document, a.extraction.facts[0])) for a in found)
    spy = _SpyLock()
    monkeypatch.setattr(writing, "WRITING", spy)
    check = review._check
    other = threading.Thread(target=review.reject, args=(fresh_store, [second], "Curator Two"))

    def checked_while_another_waits(store, accepted):
        other.start()
        spy.waiting.wait()  # the rejection waits for this acceptance to be written
        check(store, accepted)

    monkeypatch.setattr(review, "_check", checked_while_another_waits)
    review.accept(fresh_store, [first], "Curator One")
    other.join()
    status = {p.iri: p.status for p in review.list_proposals(fresh_store, None)}
    assert (status[first], status[second]) == ("accepted", "rejected")
    assert len(review.list_proposals(fresh_store, "accepted")) == 1
    accepted = fresh_store.query(internal("graph_triples").bind({"graph": releases.ACCEPTED_GRAPH}))
    assert (URIRef(f"{ID}fact/{first.rsplit('/', 1)[1]}"), RDF.type, ASCN.AcceptedFact) in accepted


def test_a_build_beside_an_acceptance_waits_for_it(fresh_store, tmp_path, monkeypatch):
    """An ``ascn build`` handed to ``ascn serve`` while a curator accepted took no lock: it could run whole between
    the acceptance's reads and its write, which then wrote back the build description it had read before (or
    take the same next release number, or switch to a store without the acceptance)."""
    from loaders import dataset, review
    from loaders.ingest import ingest
    from loaders.ingest import proposals as proposals_graph

    (tmp_path / "a.txt").write_text("Da Nang joined the ASEAN Smart Cities Network in 2018.")
    found = ingest(fresh_store, [tmp_path / "a.txt"], dry_run=False)
    proposal = str(proposals_graph.proposal_iri(found[0].document, found[0].extraction.facts[0]))
    spy = _SpyLock()
    monkeypatch.setattr(writing, "WRITING", spy)
    monkeypatch.setattr(dataset, "fingerprint", lambda: "sha256:newer-bundled-data")  # a build that stores its own
    errors: list[BaseException] = []

    def build():
        try:
            dataset.build(fresh_store)
        except BaseException as exc:  # shown by the test, not lost in the thread
            errors.append(exc)
        finally:
            spy.waiting.set()  # done, if it never waited

    other = threading.Thread(target=build)
    revise = review.revise

    def revised_while_a_build_runs(description, version, now):
        other.start()  # the acceptance has read everything, its release number and the build description too
        spy.waiting.wait()  # the build waits for this acceptance to be written (before: it ran to its end)
        return revise(description, version, now)

    monkeypatch.setattr(review, "revise", revised_while_a_build_runs)
    release = review.accept(fresh_store, [proposal], "Curator One")
    other.join()
    assert not errors
    assert dataset.build_info(fresh_store)["fingerprint"] == "sha256:newer-bundled-data"  # the build's, not stale
    assert dataset.build_info(fresh_store)["version"] == release.version
    assert releases.current_release(fresh_store) == release and release.number == 2
    assert [p.iri for p in review.list_proposals(fresh_store, "accepted")] == [proposal]


def test_a_review_during_a_load_waits_for_it_and_both_are_kept(fresh_store, tmp_path, monkeypatch):
    """A load took no write lock: an ``ascn load`` handed to ``ascn serve`` stages the file in a copy of the live
    store and switches to it, so a curator's review written on /review meanwhile went out with the old store (the
    proposal pending again). The review now waits for the load, and both are kept."""
    from loaders import dataset, review
    from loaders.ingest import ingest
    from loaders.ingest import proposals as proposals_graph

    (tmp_path / "a.txt").write_text("Da Nang joined the ASEAN Smart Cities Network in 2018.")
    found = ingest(fresh_store, [tmp_path / "a.txt"], dry_run=False)
    proposal = str(proposals_graph.proposal_iri(found[0].document, found[0].extraction.facts[0]))
    spy = _SpyLock()
    monkeypatch.setattr(writing, "WRITING", spy)
    other = threading.Thread(target=review.reject, args=(fresh_store, [proposal], "Curator Two"))
    staged = dataset.check_staged

    def checked_while_a_review_comes(query, graph, file, search=None):
        other.start()  # the load has staged its copy of the store
        wait_until(lambda: spy.waiting.is_set() or not other.is_alive(), "the review waits or is written")
        staged(query, graph, file, search)

    monkeypatch.setattr(dataset, "check_staged", checked_while_a_review_comes)
    assert dataset.load(fresh_store, PROTOCOL_GRAPHS[0]) == 4
    other.join()
    assert {p.iri: p.status for p in review.list_proposals(fresh_store, None)}[proposal] == "rejected"
    assert dataset.USER_PREFIX + "data1" in dataset.user_graphs(fresh_store)


def test_writes_of_two_processes_to_one_remote_store_take_turns(start_oxigraph, tmp_path, caplog):
    """A remote server has no lock a client can take, and ``ascn serve`` hands the commands beside it only for the
    embedded store: an ``ascn load`` on the same machine wrote between a curator's reads and write. Processes that
    share a data directory now lock its ``writing.lock``; one that finds it held says so and waits."""
    import fcntl
    from dataclasses import replace

    from loaders import dataset

    store = open_store(replace(start_oxigraph(), data_dir=tmp_path / "data"))
    assert store.lock_file == tmp_path / "data" / "writing.lock"
    store.lock_file.parent.mkdir(parents=True)
    held = os.open(store.lock_file, os.O_RDWR | os.O_CREAT)  # another process's write: its own open file
    fcntl.flock(held, fcntl.LOCK_EX)
    done: list[object] = []
    other = threading.Thread(target=lambda: done.append(dataset.load(store, PROTOCOL_GRAPHS[0])))
    other.start()
    wait_until(lambda: "another process is writing to the store" in caplog.text, "the load says it waits")
    assert store.graph_names() == [] and not done
    os.close(held)
    other.join()
    assert done == [4] and store.graph_names() == [dataset.USER_PREFIX + "data1"]


def test_a_lock_file_that_cannot_be_made_is_a_store_error_naming_it(tmp_path):
    """A data directory this user cannot write (here a file where the folder should be) was an OSError's traceback at
    the first write to a remote store, which had needed no data directory."""
    from graph.backends.sparql import SparqlStore
    from graph.errors import StoreError
    from loaders.dataset import unload

    (tmp_path / "data").write_text("")
    store = SparqlStore("http://127.0.0.1:9/query")  # nothing is sent: the lock comes first
    store.lock_file = tmp_path / "data" / "writing.lock"
    with pytest.raises(StoreError, match=r"cannot open the lock file .*/data/writing.lock .*set ASCN_DATA_DIR"):
        unload(store, "anything")


def test_a_dry_run_reads_beside_the_process_that_holds_the_store(fresh_settings, fresh_store):
    """``ascn ingest --dry-run`` took the store's write lock, so beside an ingest, a review or anything holding the
    store (here this test's own handle) it failed as locked, and while it ran a curator's write waited; it only
    reads, through a read-only handle."""
    result = _ingest(fresh_settings.data_dir, Path(__file__).parent / "texts" / "dev" / "02-pairing.txt", dry_run=True)
    assert result.exit_code == 0, result.output
    assert "02-pairing.txt: " in result.output and "(dry run)" in result.output
    assert "pairing: city https://w3id.org/ascn/id/city/" in result.output
    assert releases.PROPOSALS_GRAPH not in fresh_store.graph_names()


def test_curators_named_in_another_script_are_told_apart():
    """Every Thai curator's name was the agent curator/x, one agent for all of them, and "Dr. สมชาย" and
    "Dr. สมหญิง" were both curator/dr; a Latin name keeps the IRI it had."""
    names = ("สมชาย", "สมหญิง", "Dr. สมชาย", "Dr. สมหญิง", "Nguyễn Văn A")
    ids = [str(curator_iri(n)).removeprefix(str(ID["curator/"])) for n in names]
    assert len(set(ids)) == len(names) and all(ID_GRAMMAR.match(i) for i in ids)
    assert curator_iri("Mai Tran") == ID["curator/mai-tran"] and ids[-1] == "nguy-n-v-n-a"
