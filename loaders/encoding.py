"""Text files as people save them: the encoding their byte-order mark names, else UTF-8.

Spreadsheets and editors begin a saved file with a byte-order mark: Excel's "CSV UTF-8" with the UTF-8 mark, its
"Unicode text" (and LibreOffice's, and Windows Notepad's "UTF-16") with a UTF-16 one, some tools with a UTF-32 one.
A mark says the encoding for sure, so such files are read as they are rather than refused; without one a file is
UTF-8. Record files (:mod:`loaders.records`) and ingested documents (:mod:`loaders.ingest.documents`) are decoded
here alike, and every file a command reads (those, and RDF files) is first made sure to be a file at all
(:func:`check_regular`).
"""

from __future__ import annotations

import codecs
import stat
from pathlib import Path

from ontology.errors import InputError

BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),  # before UTF-16's mark, which begins it
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
"""(mark, the codec that reads and drops it, the encoding's name) for each byte-order mark."""


def decode(name: str, data: bytes, advice: str = "") -> str:
    """The text of the file ``name``, in the encoding its byte-order mark names (UTF-8 without one), the mark
    dropped; bytes that encoding cannot read raise InputError naming the file and the offset (``advice`` says how
    to save UTF-8, where the caller knows).

    >>> decode("p.csv", codecs.BOM_UTF8 + b"id"), decode("p.csv", "id,näme".encode("utf-16"))
    ('id', 'id,näme')
    >>> decode("n.txt", "Đà Nẵng".encode("utf-32")), decode("n.txt", codecs.BOM_UTF16_BE + "Huế".encode("utf-16-be"))
    ('Đà Nẵng', 'Huế')
    >>> decode("p.csv", "id,näme".encode("cp1252"), ', as a spreadsheet saves "CSV UTF-8"')
    Traceback (most recent call last):
    ontology.errors.InputError: p.csv: expected UTF-8 text, as a spreadsheet saves "CSV UTF-8" (undecodable byte at offset 4)
    >>> decode("n.txt", codecs.BOM_UTF16_LE + b"a")
    Traceback (most recent call last):
    ontology.errors.InputError: n.txt: expected UTF-16 text, as its byte-order mark says (undecodable byte at offset 2)
    """
    marked = next(((codec, label) for mark, codec, label in BYTE_ORDER_MARKS if data.startswith(mark)), None)
    try:
        return data.decode(marked[0] if marked else "utf-8")
    except UnicodeDecodeError as exc:
        expected = f"{marked[1]} text, as its byte-order mark says" if marked else f"UTF-8 text{advice}"
        raise InputError(name, None, None, f"{expected} (undecodable byte at offset {exc.start})") from None


def check_regular(name: str, path: Path, max_bytes: int | None = None) -> None:
    """Refuse ``path`` (InputError naming the file ``name``) unless it is a regular file of at most ``max_bytes`` (when
    given), before anything reads it: a named pipe waits for a writer forever and a device (``/dev/zero`` behind a link
    named ``.ttl``) never ends. Beside a running ``ascn serve`` the server runs the command, so ``ascn load pipe.ttl``
    left a server thread waiting on the pipe, holding the lock every later command waits for: they all hung until the
    server was restarted; and a file of tens of GB was read whole (:data:`graph.config.MAX_FILE_BYTES`). A path that
    cannot be looked at is left to the read, which says why."""
    try:
        status = path.stat()
    except OSError:
        return
    if not stat.S_ISREG(status.st_mode):
        raise InputError(
            name,
            None,
            None,
            "a regular file",
            "a directory" if stat.S_ISDIR(status.st_mode) else "a pipe, socket or device",
        )
    if max_bytes is not None and status.st_size > max_bytes:
        raise InputError(
            name,
            None,
            None,
            f"a file of at most {max_bytes:,} bytes (ASCN_MAX_FILE_BYTES raises the limit; when an `ascn serve` runs "
            "the command, the server's)",
            f"{status.st_size:,} bytes",
        )
