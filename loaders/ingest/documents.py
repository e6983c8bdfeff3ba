"""Documents from files: plain text, HTML (trafilatura), PDF (pypdf) and RSS/Atom feeds (feedparser).

Each reader returns :class:`Document` values, the text the ingester reads and the metadata that make it a source
(title, publisher, date, URL). A feed file gives one document per entry. A file that cannot be read raises
:class:`~ontology.errors.InputError` naming the file and the reason, before anything is written.

What one file may cost is bounded by limits no real document reaches (:data:`MAX_BYTES`, :data:`MAX_TEXT`,
:data:`MAX_PAGES`, :data:`MAX_ENTRIES`; docs/ingest.md): a decompression bomb, a device or a feed of a hundred
thousand entries is refused by name instead of filling the memory or the hours of the machine (or of the ``ascn
serve`` an ingest is handed to).
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import dateparser

from loaders.encoding import check_regular, decode
from ontology.errors import InputError

FEED_SUFFIXES = {".rss", ".atom", ".xml"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}
PDF_SUFFIXES = {".pdf"}
SUFFIXES = FEED_SUFFIXES | HTML_SUFFIXES | TEXT_SUFFIXES | PDF_SUFFIXES

MAX_BYTES = 64 * 2**20
"""The largest text, HTML or feed file read (64 MiB): a long news page's HTML is a few MiB at most."""
MAX_PDF_BYTES = 256 * 2**20
"""The largest PDF read (256 MiB): a report's PDF with its photographs is tens of MiB."""
MAX_TEXT = 1_000_000
"""Characters of one document (a file, a feed entry): the bound of spaCy's pipeline (``Language.max_length``), which
the linker reads it with (a report of a hundred pages has about 300,000)."""
MAX_PAGES = 10_000
"""The most pages of a PDF read; the text of the pages counts toward :data:`MAX_TEXT` as it is read."""
MAX_ENTRIES = 5_000
"""The most entries of a feed read: each is a document, and a news feed carries tens."""


@dataclass(frozen=True)
class Document:
    """One document to read: its ``text`` and what is known of it as a source.

    ``file`` is the file's name, ``entry`` the position of a feed entry in its feed (None for other files).
    ``date`` is ISO 8601 at the precision known (``2025``, ``2025-07``, ``2025-07-08``).
    """

    file: str
    text: str
    title: str | None = None
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    entry: int | None = None

    @property
    def digest(self) -> str:
        """A hash of the text: the same text ingested again is the same document."""
        return "sha256:" + hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def name(self) -> str:
        return self.file if self.entry is None else f"{self.file}#entry-{self.entry}"


def read_documents(
    path: Path, title: str | None = None, publisher: str | None = None, date: str | None = None, url: str | None = None
) -> list[Document]:
    """The documents of the file ``path``; given metadata replaces what the file states of itself.

    The kind of file comes from its suffix (``.txt``/``.md``, ``.html``, ``.pdf``, ``.rss``/``.atom``/``.xml``).
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _error(
            path,
            f"a text, HTML, PDF or feed file ({', '.join(sorted(SUFFIXES))})",
            f"a file ending in {suffix!r}" if suffix else "a file name with no suffix",
        )
    data = _read_bytes(path, MAX_PDF_BYTES if suffix in PDF_SUFFIXES else MAX_BYTES)
    if not data.strip():
        raise _error(path, "a document with text", "an empty file")
    if suffix in PDF_SUFFIXES:
        docs = [_pdf(path, data)]
    elif suffix in HTML_SUFFIXES:
        docs = [_html(path, _text_of(path, data))]
    elif suffix in FEED_SUFFIXES:
        docs = _feed(path, data)
    else:
        text = _without_running_heads(_clean(_text_of(path, data)))
        heading = text.split("\n\n", 1)[0]
        docs = [
            Document(
                _file_name(path),
                text,
                title=heading if "\n" not in heading and len(heading) <= 150 and len(text) > len(heading) else None,
            )
        ]
    given_date = iso_date(date) if date else None
    if date and not given_date:
        raise _error(path, "a date such as 2025-07-08, 8 July 2025 or 2025-07 (--date)", date)  # InputError quotes it
    if url and not web_url(url):
        raise _error(path, "an http or https URL (--url)", url)
    docs = [
        replace(
            d,
            title=title or d.title,
            publisher=publisher or d.publisher,
            date=given_date or d.date,
            url=url or d.url,
        )
        for d in docs
    ]
    empty = [d for d in docs if not d.text.strip()]
    if empty:
        raise _error(path, "a document with text", f"no text in {empty[0].name}")
    for d in docs:  # a longer one was spaCy's ValueError [E088] and its traceback
        _check_length(path, len(d.text), d.name)
    return docs


def _file_name(path: Path) -> str:
    """The name of a file as text: bytes of a name that are not UTF-8 (Python keeps them as lone surrogates) become
    U+FFFD. Kept as they were, the store refused the whole proposals graph ("surrogates not allowed") and the JSON
    output was not UTF-8.

    >>> _file_name(Path(b"caf\\xe9.txt".decode("utf-8", "surrogateescape"))) == "caf\\ufffd.txt"
    True
    """
    return path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def web_url(text: str | None) -> str | None:
    """``text`` if it is a web address a source can cite (http or https, a host, nothing an IRI may not hold), else
    None. A feed entry's link or a page's canonical URL is only recorded, never fetched, and one that is not such an
    address is left out: "file:///etc/passwd" is no source's address, and one with a space or a quote made the store
    refuse the whole proposals graph with a message that named neither the file nor the link.

    >>> web_url("https://example.org/a?b=1"), web_url("file:///etc/passwd"), web_url('http://x.org/a b"')
    ('https://example.org/a?b=1', None, None)
    """
    if not text or not re.fullmatch(r"https?://[^\s<>\"{}|\\^`\x00-\x1f\x7f]+", text):
        return None
    try:
        return text if urlsplit(text).hostname else None
    except ValueError:  # a broken host ("http://[::1")
        return None


def _read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. Anything else is refused before it is read: a named
    pipe would wait for a writer forever, a device (``/dev/zero`` behind a link named ``.txt``) never ends, and a
    larger file is no document."""
    check_regular(_file_name(path), path)
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        raise _error(path, "a readable file", exc.strerror or str(exc)) from None
    if len(data) > limit:
        raise _error(path, f"a file of at most {limit // 2**20} MiB", "a larger file")
    return data


def _check_length(path: Path, length: int, name: str, where: str = "") -> None:
    """Refuse a document whose text passes :data:`MAX_TEXT` (``where``: how far a PDF was read)."""
    if length > MAX_TEXT:
        raise _error(path, f"a document of at most {MAX_TEXT:,} characters (split it)", f"{length:,} in {name}{where}")


def _text(meta: Mapping[str, object], key: str) -> str | None:
    """A text entry of a PDF's document information (None if missing, empty or not text)."""
    value = meta.get(key)
    return value if isinstance(value, str) and value else None


def _text_of(path: Path, data: bytes) -> str:
    """A text or HTML document's text (:func:`loaders.encoding.decode`), refused at its first NUL character: NUL is
    never a document's text, though it is valid UTF-8, and a binary file (an image's header, a database) whose bytes
    happen to decode was read as a document of control characters. Record files are not refused whole for it: there a
    NUL is a control character in one record's field, and the error names both (:mod:`loaders.records`).

    >>> _text_of(Path("x.txt"), b"GIF89a\\x00\\x01")
    Traceback (most recent call last):
    ontology.errors.InputError: x.txt: expected text, not binary data (a NUL character at offset 6)
    """
    text = decode(_file_name(path), data)
    if "\x00" in text:
        offset = text.index("\x00")
        raise InputError(_file_name(path), None, None, f"text, not binary data (a NUL character at offset {offset})")
    return text


def _error(path: Path, expected: str, got: str, line: int | None = None) -> InputError:
    return InputError(_file_name(path), None, None, expected, got, line=line)


_INVISIBLE = re.compile("[\u00ad\u061c\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
"""Characters that change how a text is shown, not what it says: the direction marks, embeddings, overrides and
isolates, the word joiner and byte-order mark, the soft hyphen. Glued to a word they hid its name: "\u202eDa Nang
joined the network" linked nothing and proposed Da Nang as a new city. A zero-width space parts words (as Thai and
Khmer text uses it), so it becomes a space."""


def _clean(text: str) -> str:
    """Text without :data:`_INVISIBLE` characters, with its lines' trailing spaces gone and at most one blank line in a
    row (offsets refer to this)."""
    text = _INVISIBLE.sub("", text).replace("\u200b", " ").replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _without_running_heads(text: str) -> str:
    """A paginated text without its running heads: a line standing alone between blank lines that comes back with
    only its numbers changed ("ASCN M&E Report 2024    Page 4", "... Page 5"). A sentence a page break cut in two is
    joined again ("IMAC ... is now" / "in operation."), so its words stand in one sentence; else the paragraphs stay
    apart. Text saved from a PDF keeps these lines, and they cut the sentence they stand in.

    >>> _without_running_heads("It is now\\n\\nReport 2024  Page 4\\n\\nin operation.\\n\\nReport 2024  Page 5\\n\\nEnd.")
    'It is now in operation.\\n\\nEnd.'
    """
    blocks = text.split("\n\n")

    def shape(block: str) -> str | None:
        alone = "\n" not in block and re.search(r"\d", block) and len(re.findall(r"[^\W\d_]", block)) >= 3
        return re.sub(r"\d+", "#", re.sub(r"\s+", " ", block.strip())) if alone and len(block) <= 120 else None

    shapes = [shape(b) for b in blocks]
    heads = {s for s in shapes if s and shapes.count(s) >= 2}
    kept: list[str] = []
    cut = False
    for block, form in zip(blocks, shapes, strict=True):
        if form in heads:
            cut = bool(kept) and not re.search(r"[.!?:]\W*$", kept[-1])
        elif cut and block[:1].islower():
            kept[-1] = f"{kept[-1]} {block}"
            cut = False
        else:
            kept.append(block)
            cut = False
    return "\n\n".join(kept)


_FIGURES = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}\b")
"""A date that opens with its day and month in figures, in either order (``8/7/2025``, ``08.07.2025``)."""


_ISO = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?![\d-])")
"""A date in ISO form, year first (``2025-07``, ``2025-07-08``, ``2025-07-08T10:00:00Z``)."""


def _on_calendar(year: int, month: int, day: int) -> bool:
    """Whether the calendar has that day: dateparser swaps a month past 12 with the day rather than refuse it."""
    try:
        datetime(year, month, day)
    except ValueError:
        return False
    return True


def iso_date(text: str | None) -> str | None:
    """A date as written (``8 July 2025``, ``2025-07-08T10:00:00Z``, ``July 2025``) in ISO form at its precision.

    A year of four digits must be written: dateparser reads words relative to today past its ``REQUIRE_PARTS``, so
    ``ascn ingest --date "next week"`` (or "yesterday", "2 years ago") dated the document by the day it was ingested,
    a date no one wrote.

    Day and month in figures are read only when one of them cannot be a month: dateparser reads ``8/7/2025`` and
    ``08.07.2025`` month first, 7 August, where writers in the region mean 8 July (a Ho Chi Minh City page's byline
    "04/11/2025" is 4 November by its metadata), so such a date is refused rather than guessed.

    >>> iso_date("8 July 2025"), iso_date("2025-07"), iso_date("July 2025"), iso_date("2019"), iso_date("soon")
    ('2025-07-08', '2025-07', '2025-07', '2019', None)
    >>> iso_date("next week"), iso_date("2 years ago"), iso_date("in 3 days")
    (None, None, None)
    >>> iso_date("8/7/2025"), iso_date("08.07.2025"), iso_date("31/12/2024"), iso_date("7/7/2025")
    (None, None, '2024-12-31', '2025-07-07')

    A date in ISO form is year, month, day, and one no calendar has is refused: dateparser read ``2025-13-01`` as
    13 January, and ``2025-13`` was taken as written.

    >>> iso_date("2025-13-01"), iso_date("2025-13"), iso_date("2025-02-30"), iso_date("2024-02-29T10:00:00Z")
    (None, None, None, '2024-02-29')
    """
    if not text:
        return None
    text = str(text).strip()
    if not re.search(r"(?<!\d)\d{4}(?!\d)", text):
        return None
    figures = _FIGURES.match(text)
    if figures and figures[1] != figures[2] and max(int(figures[1]), int(figures[2])) <= 12:
        return None
    if re.fullmatch(r"\d{4}", text):
        return text
    iso = _ISO.match(text)
    if iso and not _on_calendar(int(iso[1]), int(iso[2]), int(iso[3] or 1)):
        return None
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return text
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={"RETURN_TIME_AS_PERIOD": False, "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"]},
    )
    if parsed is None:
        return None
    has_day = bool(re.search(r"\b\d{1,2}(st|nd|rd|th)?\b(?!\d)", re.sub(r"\b\d{4}\b", "", text))) or bool(
        re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", text)
    )
    return parsed.strftime("%Y-%m-%d") if has_day else parsed.strftime("%Y-%m")


def _html(path: Path, markup: str) -> Document:
    import trafilatura
    from trafilatura.settings import Document as Extracted

    def extracted(page) -> Extracted | None:
        found = trafilatura.bare_extraction(
            page,
            with_metadata=True,
            favor_recall=True,
            include_tables=False,
            include_comments=False,
            # the date from the page's metadata or URL only: the extensive search takes any year in the text
            # ("a project carried out from 2017 to 2022" dated a partner's page 2017-01-01)
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
        # a dict only when asked for one
        return found if isinstance(found, Extracted) and (found.text or "").strip() else None

    try:
        found = extracted(markup) or ((deep := _deep_tree(markup)) is not None and extracted(deep)) or None
    except ValueError as exc:
        raise _error(path, "an HTML page with readable text", str(exc)) from None
    if found is None:
        raise _error(path, "an HTML page with readable text", "no main text found")
    return Document(
        _file_name(path),
        _clean(found.text or ""),
        title=found.title or None,
        publisher=found.sitename or None,
        date=iso_date(found.date),
        url=web_url(found.url),
    )


def _deep_tree(markup: str):
    """The page parsed without libxml2's limit of 256 nested elements: past it the parser trafilatura uses drops
    what lies deeper, and a page builder's export that wraps every block in section, container, row and column
    again and again (a provincial portal's, 280 deep) read as "no main text found". Tried only when the usual
    parse finds no text, so every other page reads as before."""
    import lxml.html
    from lxml.etree import ParserError

    parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True)
    try:
        return lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*>", "", markup), parser=parser)
    except ParserError:  # no element at all: an image's bytes saved as a page
        return None


def _pdf(path: Path, data: bytes) -> Document:
    """A PDF's text layer and metadata. pypdf's warnings about the file's structure (it logs "EOF marker not found"
    and reads on) are not shown: a PDF it reads anyway is read, and one it cannot read is refused with an error
    naming the file (and the page), which said the same after pypdf's bare line. pypdf's own limits (a stream that
    decompresses past 75 MB, a page tree deeper than 100, an object that is its own length) are such refusals.

    A PDF encrypted with an empty user password (only to forbid printing or copying) opens in any viewer without a
    question, so it is read; one that asks for a password is refused."""
    from io import BytesIO

    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    pages: list[str] = []
    reading = 0
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _error(path, "a PDF that opens without a password", "an encrypted PDF that asks for one")
        count = len(reader.pages)
        if count > MAX_PAGES:
            raise _error(path, f"a PDF of at most {MAX_PAGES:,} pages", f"{count:,} pages")
        length = 0
        for reading, page in enumerate(reader.pages, start=1):
            pages.append(page.extract_text() or "")
            length += len(pages[-1]) + 2
            _check_length(path, length, _file_name(path), f" by page {reading} of {count}")
        meta: Mapping[str, object] = reader.metadata or {}
    except DependencyError as exc:
        raise _error(path, "a PDF pypdf can decrypt", str(exc)) from None
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError, NotImplementedError) as exc:
        where = f", page {reading}" if reading else ""
        raise InputError(
            f"{_file_name(path)}{where}", None, None, "a readable PDF", f"{type(exc).__name__}: {exc}"
        ) from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise _error(path, "a PDF with a text layer", "no text (a scanned PDF needs OCR first)")
    created = meta.get("/CreationDate")
    date = None
    if isinstance(created, str) and re.match(r"D:\d{8}", created):
        date = f"{created[2:6]}-{created[6:8]}-{created[8:10]}"
    return Document(
        _file_name(path),
        _clean(_unwrap(text)),
        title=_text(meta, "/Title"),
        publisher=_text(meta, "/Author"),
        date=date,
    )


def _unwrap(text: str) -> str:
    """PDF lines joined back into paragraphs: a line break inside a sentence becomes a space."""
    return re.sub(r"(?<![.!?:\n])\n(?!\n)", " ", text)


def _feed(path: Path, data: bytes) -> list[Document]:
    import feedparser

    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise _not_xml(path, data) or _error(path, "an RSS or Atom feed", f"not a feed ({parsed.bozo_exception})")
    if not parsed.entries:
        raise _error(path, "an RSS or Atom feed with entries", "a feed without entries")
    if len(parsed.entries) > MAX_ENTRIES:
        raise _error(
            path, f"a feed of at most {MAX_ENTRIES:,} entries (split it into parts)", f"{len(parsed.entries):,}"
        )
    publisher = parsed.feed.get("title") or None
    docs = []
    for i, entry in enumerate(parsed.entries, start=1):
        parts = [c.get("value", "") for c in entry.get("content", [])] or [entry.get("summary", "")]
        text = _clean(_strip_tags("\n\n".join(parts)))
        title = entry.get("title") or None
        if title and not text.startswith(title):
            text = f"{title}.\n\n{text}" if not title.endswith((".", "!", "?")) else f"{title}\n\n{text}"
        docs.append(
            Document(
                _file_name(path),
                text,
                title=title,
                publisher=publisher,
                date=_entry_date(entry),
                url=web_url(entry.get("link")),
                entry=i,
            )
        )
    return docs


def _entry_date(entry: Mapping) -> str | None:
    """The day a feed entry was published, as its feed writes it: feedparser's ``published_parsed`` is in UTC, so an
    entry of 20 October 2025, 07:30 at +08:00 would be dated the 19th. The date written (RFC 822 in RSS, ISO 8601 in
    Atom) keeps its own offset's day; a date feedparser alone can read keeps its UTC day.

    >>> _entry_date({"published": "Mon, 20 Oct 2025 07:30:00 +0800"})
    '2025-10-20'
    >>> _entry_date({"updated": "2025-10-20T07:30:00+08:00"})
    '2025-10-20'
    """
    for key in ("published", "updated"):
        written = entry.get(key)
        if not written:
            continue
        try:
            return parsedate_to_datetime(written).date().isoformat()
        except (TypeError, ValueError):
            pass
        try:
            return datetime.fromisoformat(written.strip()).date().isoformat()
        except ValueError:
            pass
        stamp = entry.get(f"{key}_parsed")
        if stamp:
            return datetime(*stamp[:3]).strftime("%Y-%m-%d")
    return None


def _not_xml(path: Path, data: bytes) -> InputError | None:
    """Where a feed file stops being XML, as line and column, or None if it is XML. Asked of the XML parser itself:
    feedparser's own error counts lines from a declaration it adds, one line after the file's."""
    import xml.sax

    try:
        xml.sax.parseString(data, xml.sax.ContentHandler())
    except xml.sax.SAXParseException as exc:
        column = exc.getColumnNumber()
        where = exc.getMessage() + (f" at column {column + 1}" if column is not None else "")
        return _error(path, "an RSS or Atom feed", f"not XML ({where})", exc.getLineNumber())
    return None


def _strip_tags(markup: str) -> str:
    """Text of a feed entry's HTML: paragraphs and line breaks kept as blank lines, tags dropped."""
    markup = re.sub(r"(?i)<\s*(br|/p|/div|/li|/h\d)\s*/?>", "\n\n", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))
