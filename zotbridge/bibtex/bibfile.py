"""A ``.bib`` file read losslessly, edited in place, and replaced atomically.

The file is cut into blocks — text between entries, and ``@…{…}`` entries with the offsets of
their key and fields — so that everything zotbridge does not change is written back byte for
byte. Reading is strict: an entry that does not close, or a field that cannot be read, stops
the run with the line number and the file is left alone (a lenient reader would let the merge
write a damaged file back).

Writing goes to a temporary file in the same directory, is flushed to disk, and replaces the
original with one ``rename``; the previous version is kept as ``FILE.bak``. An exclusive lock
(a lock file in ``ZOTBRIDGE_HOME/locks`` named after the file's path, so nothing is left beside
the user's file) makes two zotbridge processes take turns on the same file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from zotbridge.errors import BibSyntaxError, InputError

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; a single writer is assumed
    fcntl = None  # type: ignore[assignment]

_ENTRY_HEAD = re.compile(r"@[ \t]*([A-Za-z][\w-]*)[ \t\r\n]*([{(])")
_NAME = re.compile(r"[^\s\"#%'(),={}]+")
_FRESH_ENTRY_LINE = re.compile(r"\n@[ \t]*[A-Za-z]+[ \t]*[{(][^\s,{}()]+[ \t]*,[ \t]*\r?\n")


@dataclass
class Field:
    name: str  # as written
    value: str  # raw value text as written ("{…}", "\"…\"", 2017, jan # " 1", …)
    start: int  # offsets in the file text: the field from its name to the end of its value
    end: int

    @property
    def plain(self) -> str:
        """The value without its outer braces or quotes (a single braced/quoted value)."""
        v = self.value.strip()
        if len(v) >= 2 and ((v[0] == "{" and v[-1] == "}") or (v[0] == '"' and v[-1] == '"')):
            return v[1:-1]
        return v


@dataclass
class Block:
    start: int
    end: int
    line: int
    entry_type: str | None = None  # lower case; None for text between entries
    key: str | None = None
    fields: list[Field] = field(default_factory=list)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name.lower() == name.lower()), None)


@dataclass
class BibFile:
    text: str
    blocks: list[Block]
    newline: str = "\n"

    @property
    def entries(self) -> list[Block]:
        return [b for b in self.blocks if b.entry_type not in (None, "comment", "string", "preamble")]


def parse_bib(text: str, name: str) -> BibFile:
    """Read ``text`` into blocks; raise :class:`BibSyntaxError` naming the line of a problem."""
    blocks: list[Block] = []
    pos = 0
    newline = "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"
    while True:
        at = _next_entry(text, pos)
        if at is None:
            if pos < len(text):
                blocks.append(Block(pos, len(text), _line(text, pos)))
            break
        m, start = at
        if start > pos:
            blocks.append(Block(pos, start, _line(text, pos)))
        block = _read_entry(text, start, m, name)
        blocks.append(block)
        pos = block.end
    return BibFile(text, blocks, newline)


def _next_entry(text: str, pos: int) -> tuple[re.Match[str], int] | None:
    while (start := text.find("@", pos)) != -1:
        m = _ENTRY_HEAD.match(text, start)
        if m:
            return m, start
        pos = start + 1  # an "@" in free text (an e-mail address): BibTeX skips it too
    return None


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _read_entry(text: str, start: int, head: re.Match[str], name: str) -> Block:
    entry_type = head[1].lower()
    closer = "}" if head[2] == "{" else ")"
    line = _line(text, start)
    end = _closing(text, head.end(), closer, name, line)
    block = Block(start, end, line, entry_type)
    if entry_type in ("comment", "preamble", "string"):
        return block
    _read_fields(text, head.end(), end - 1, block, name)
    return block


def _closing(text: str, pos: int, closer: str, name: str, line: int) -> int:
    """Offset just after the delimiter that closes the entry opened before ``pos``."""
    depth = 0
    for i in range(pos, len(text)):
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0 and closer == "}":
                return i + 1
            depth -= 1
            if depth < 0:
                raise _error(
                    name,
                    _line(text, i),
                    f"the entry that starts on line {line} closes a brace it never opened",
                )
        elif ch == ")" and depth == 0 and closer == ")":
            return i + 1
        elif ch == "\n" and depth > 0 and _FRESH_ENTRY_LINE.match(text, i):
            raise _error(
                name,
                line,
                f"the entry that starts on line {line} is still open when a new entry "
                f"starts on line {_line(text, i) + 1} (a missing closing brace?)",
            )
    raise _error(
        name, line, f"the entry that starts on line {line} is never closed (a missing closing brace?)"
    )


def _read_fields(text: str, pos: int, end: int, block: Block, name: str) -> None:
    """Key and ``name = value`` fields of an entry, with offsets; strict."""
    pos = _skip_space(text, pos, end)
    m = _NAME.match(text, pos)
    if not m or m.end() > end:
        raise _error(name, _line(text, pos), f"the entry on line {block.line} has no citation key")
    block.key = m[0]
    pos = _skip_space(text, m.end(), end)
    while pos < end:
        if text[pos] != ",":
            raise _error(
                name,
                _line(text, pos),
                f"expected a comma in the entry {block.key!r} (line {block.line}), found {text[pos]!r}",
            )
        pos = _skip_space(text, pos + 1, end)
        if pos >= end:
            break  # a trailing comma
        m = _NAME.match(text, pos)
        if not m:
            raise _error(
                name,
                _line(text, pos),
                f"expected a field name in the entry {block.key!r}, found {text[pos]!r}",
            )
        field_start = pos
        pos = _skip_space(text, m.end(), end)
        if pos >= end or text[pos] != "=":
            raise _error(name, _line(text, pos), f"expected '=' after the field {m[0]!r} of {block.key!r}")
        pos = _skip_space(text, pos + 1, end)
        value_start = pos
        pos = _value_end(text, pos, end, name, block.key)
        block.fields.append(Field(m[0], text[value_start:pos], field_start, pos))
        pos = _skip_space(text, pos, end)


def _value_end(text: str, pos: int, end: int, name: str, key: str) -> int:
    """End of a value: pieces (``{…}``, ``"…"``, number, macro) joined by ``#``."""
    while True:
        if pos >= end:
            raise _error(name, _line(text, pos), f"a field of {key!r} has no value")
        ch = text[pos]
        if ch == "{":
            pos = _balanced_end(text, pos, end, name, key)
        elif ch == '"':
            pos = _quoted_end(text, pos, end, name, key)
        else:
            m = _NAME.match(text, pos)
            if not m:
                raise _error(name, _line(text, pos), f"cannot read a value of {key!r} at {ch!r}")
            pos = m.end()
        after = _skip_space(text, pos, end)
        if after < end and text[after] == "#":
            pos = _skip_space(text, after + 1, end)
            continue
        return pos


def _balanced_end(text: str, pos: int, end: int, name: str, key: str) -> int:
    depth = 0
    for i in range(pos, end):
        depth += text[i] == "{"
        depth -= text[i] == "}"
        if depth == 0:
            return i + 1
    raise _error(name, _line(text, pos), f"a braced value of {key!r} is not closed")


def _quoted_end(text: str, pos: int, end: int, name: str, key: str) -> int:
    depth = 0
    for i in range(pos + 1, end):
        ch = text[i]
        depth += ch == "{"
        depth -= ch == "}"
        if ch == '"' and depth == 0:
            return i + 1
    raise _error(name, _line(text, pos), f"a quoted value of {key!r} is not closed")


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


def _error(name: str, line: int, message: str) -> BibSyntaxError:
    return BibSyntaxError(
        f"{name}:{line}: {message}",
        "fix the file by hand (zotbridge changed nothing), or write to another file with -o",
    )


def read_bib_file(path: Path) -> BibFile:
    """The file at ``path`` (an empty :class:`BibFile` when it does not exist yet)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return BibFile("", [])
    except OSError as exc:
        raise InputError(
            f"cannot read {path} ({exc.strerror})", "check the path and its permissions"
        ) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{path}:{line}: the file is not UTF-8",
            f"convert it first, e.g. iconv -f latin1 -t utf-8 {path} > fixed.bib",
        ) from exc
    return parse_bib(text, str(path))


@contextlib.contextmanager
def locked(path: Path, lock_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock for ``path`` while reading, merging and replacing it."""
    if fcntl is None:
        yield
        return
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24]
    try:
        lock_dir.mkdir(parents=True, exist_ok=True)
        handle = open(lock_dir / f"{digest}.lock", "a")
    except OSError as exc:
        raise InputError(
            f"cannot create a lock file in {lock_dir} ({exc.strerror})",
            "check ZOTBRIDGE_HOME points to a writable directory",
        ) from exc
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def replace_atomically(path: Path, text: str) -> Path | None:
    """Write ``text`` to ``path`` through a temporary file and one rename; the old file becomes
    ``path.bak``. Returns the backup's path (None for a new file)."""
    backup = path.with_name(path.name + ".bak") if path.exists() else None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if backup:
            shutil.copymode(path, tmp)
            _copy_atomically(path, backup)
        else:  # mkstemp makes 0600; a new file gets the usual mode
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_directory(path.parent)
    return backup


def _copy_atomically(source: Path, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copy2(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _sync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
