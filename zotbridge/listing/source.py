"""Input sources: a path or standard input, checked before anything is parsed.

A source is checked whole before its first paper is produced (missing, empty, binary, not
decodable), so a command never prints half a listing and then fails on bad bytes. Files are
then read line by line, never loaded whole; standard input is kept in memory because it can be
read only once (pastes are small).
"""

from __future__ import annotations

import codecs
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from zotbridge.errors import InputError

CHUNK = 1 << 16
_MAGIC = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or a .docx/.xlsx document)",
    b"\x1f\x8b": "a gzip-compressed file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"{\\rtf": "an RTF document",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TEXT_HINT = "save the listing as plain text (UTF-8) and try again"


@dataclass
class Source:
    """One input: ``name`` is what the user typed (``-`` shows as ``<stdin>``)."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    encoding: str = "utf-8"

    def open_binary(self) -> IO[bytes]:
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None  # a Source holds its bytes or names its file
        return open(self.path, "rb")

    def open_text(self) -> io.TextIOWrapper[IO[bytes]]:
        """Decoded text with universal newlines (csv wants ``newline=""``: see lines())."""
        return io.TextIOWrapper(self.open_binary(), encoding=self.encoding, newline="")

    def lines(self) -> Iterator[tuple[int, str]]:
        """(1-based line number, line without its end) — each call starts again at line 1."""
        with io.TextIOWrapper(self.open_binary(), encoding=self.encoding, newline=None) as text:
            for lineno, line in enumerate(text, 1):
                yield lineno, line.rstrip("\n")

    def sample(self, size: int = CHUNK) -> str:
        with self.open_text() as text:
            return text.read(size)


def open_source(name: str, encoding: str | None = None, stdin: IO[bytes] | None = None) -> Source:
    """Check one input and return it ready to read; raise :class:`InputError` if it cannot be.

    ``encoding`` None means UTF-8, or what a byte-order mark says.
    """
    if name == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        source = Source("<stdin>", data=stream.read())
    else:
        path = Path(name)
        if not path.exists():
            raise InputError(f"{name}: no such file", "check the path (use - to read standard input)")
        if path.is_dir():
            raise InputError(f"{name}: is a directory, not a listing file", "name the files in it")
        try:
            with open(path, "rb"):
                pass
        except OSError as exc:
            raise InputError(f"{name}: cannot be read ({exc.strerror})", "check its permissions") from exc
        source = Source(name, path=path)
    _check_bytes(source, encoding)
    return source


def _check_bytes(source: Source, encoding: str | None) -> None:
    with source.open_binary() as raw:
        head = raw.read(CHUNK)
    if not head:
        raise InputError(f"{source.name}: is empty", "paste or save the listing into it first")
    bom_encoding = next((enc for bom, enc in _BOMS if head.startswith(bom)), None)
    source.encoding = encoding or bom_encoding or "utf-8"
    if bom_encoding is None and encoding is None:
        for magic, what in _MAGIC.items():
            if head.startswith(magic):
                raise InputError(f"{source.name}: is {what}, not a text listing", _TEXT_HINT)
        nul = head.find(b"\x00")
        if nul >= 0:
            raise InputError(
                f"{source.name}: looks like a binary file (NUL byte at offset {nul})", _TEXT_HINT
            )
    _check_decodes(source)


def _check_decodes(source: Source) -> None:
    """Decode the whole input once, streaming, and report the first bad byte precisely."""
    try:
        decoder = codecs.getincrementaldecoder(source.encoding)(errors="strict")
    except LookupError as exc:
        raise InputError(
            f"unknown encoding {source.encoding!r}",
            "use a Python codec name such as utf-8, latin-1 or cp1252",
        ) from exc
    offset, line, column, blank = 0, 1, 0, True
    with source.open_binary() as raw:
        while True:
            chunk = raw.read(CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                # exc.object is the chunk plus any bytes the decoder held back from the last one.
                held = len(exc.object) - len(chunk)
                good = exc.object[: exc.start].decode(source.encoding, errors="ignore")
                bad_line = line + good.count("\n")
                column = (len(good) - good.rfind("\n")) if "\n" in good else column + len(good) + 1
                bad = exc.object[exc.start : exc.start + 1].hex().upper()
                raise InputError(
                    f"{source.name}: not valid {source.encoding}: byte 0x{bad} at line {bad_line}, "
                    f"column {column} (byte offset {offset - held + exc.start})",
                    "re-save the file as UTF-8, or name its encoding with --encoding (e.g. --encoding cp1252)",
                ) from exc
            line += text.count("\n")
            column = len(text) - text.rfind("\n") - 1 if "\n" in text else column + len(text)
            blank = blank and not text.strip()
            if not chunk:
                break
            offset += len(chunk)
    if blank:
        raise InputError(
            f"{source.name}: contains only white space", "paste or save the listing into it first"
        )
