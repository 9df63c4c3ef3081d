"""The offline arXiv index: arXiv's metadata snapshot in SQLite FTS5, a candidate source for the
same matcher as the online API (``fetch_ids`` and ``search``, docs/offline.md).

* One file, ``ZOTBRIDGE_HOME/arxiv-index.sqlite3`` (apart from the store: it is large and is
  replaced whole). Table ``papers`` holds each paper's latest metadata (title, abstract, the rest
  as JSON) and a digest of its snapshot row; ``papers_fts`` is an FTS5 index of the title and the
  first 600 characters of the abstract (the matcher's abstract phrases come from the start), with
  ``unicode61`` folding accents like arXiv's search does.
* ``build`` streams the snapshot (plain, ``.gz``, ``.zip`` or stdin) into a temporary file next to
  the index and renames it into place at the end: an interrupted build leaves the old index as it
  was. Malformed rows are counted, not fatal.
* ``update`` applies a newer snapshot in one transaction, rewriting only rows whose digest changed.
* ``search`` understands the queries the resolver sends (``ti:``/``abs:`` words and phrases, AND,
  OR, ANDNOT, parentheses) and ranks by BM25, like the API.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import sqlite3
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from zotbridge.arxiv.snapshot import record_from_row
from zotbridge.errors import IndexMissing, InputError
from zotbridge.models import ArxivRecord, IdAnswer, SearchPage
from zotbridge.normalize import search_words
from zotbridge.resource import Resource

INDEX_NAME = "arxiv-index.sqlite3"
ABSTRACT_INDEXED = 600
BATCH = 5000
_SCHEMA = """
CREATE TABLE papers (
    rowid INTEGER PRIMARY KEY,
    arxiv_id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    abstract TEXT NOT NULL,
    rest TEXT NOT NULL,
    digest BLOB NOT NULL,
    title_words TEXT NOT NULL
);
CREATE INDEX papers_by_title_words ON papers (title_words);
CREATE VIRTUAL TABLE papers_fts USING fts5(title, abstract, content='', tokenize='unicode61 remove_diacritics 2',
                                           detail='full');
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_FIELDS = {"ti": "title", "abs": "abstract", "all": None}
_QUERY_TOKEN = re.compile(
    r'\(|\)|ANDNOT|AND|OR|(?P<field>[a-z]+):(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s()"]+))'
)


@dataclass
class BuildReport:
    rows: int
    malformed: int
    seconds: float
    changed: int = 0  # update: rows added or rewritten
    first_malformed: str = ""


def index_path(home: Path) -> Path:
    return Path(home) / INDEX_NAME


def open_snapshot(source: str) -> Iterator[str]:
    """Lines of a snapshot: a path (plain, .gz, .zip with one member) or ``-`` for stdin."""
    if source == "-":
        yield from io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        return
    path = Path(source)
    if not path.exists():
        raise InputError(f"{source}: no such file", "give the path of arXiv's metadata snapshot (JSON Lines)")
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as lines:
            yield from lines
    elif path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if not n.endswith("/")]
            if not members:
                raise InputError(f"{source}: the zip file is empty", "give the snapshot file itself")
            with archive.open(members[0]) as raw:
                yield from io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
    else:
        with open(path, encoding="utf-8", errors="replace") as lines:
            yield from lines


def _rows(lines: Iterator[str], report: BuildReport) -> Iterator[tuple[Any, ...]]:
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            record = record_from_row(row)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            report.malformed += 1
            if not report.first_malformed:
                report.first_malformed = f"line {number}: {type(exc).__name__}"
            continue
        data = asdict(record)
        title, abstract = data.pop("title"), data.pop("abstract")
        rest = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        canonical = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.blake2b(
            canonical.encode(), digest_size=12
        ).digest()  # the row's content, not its spelling
        yield record.arxiv_id, title, abstract, rest, digest, " ".join(search_words(title))


def build(source: str, home: Path, progress: Callable[[int], None] | None = None) -> BuildReport:
    """Build the index from a snapshot into a temporary file, then swap it in."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    final = index_path(home)
    tmp = final.with_name(f".{final.name}.building-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    report = BuildReport(0, 0, 0.0)
    started = time.monotonic()
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as db:
            db.executescript(
                "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -200000;"
            )
            db.executescript(_SCHEMA)
            batch = []
            for row in _rows(open_snapshot(source), report):
                batch.append(row)
                if len(batch) == BATCH:
                    _insert(db, batch, report, progress)
                    batch = []
            _insert(db, batch, report, progress)
            if report.rows == 0:
                raise InputError(
                    f"{source}: no snapshot row could be read ({report.malformed} malformed)",
                    "give arXiv's metadata snapshot (one JSON object per line)",
                )
            db.execute("INSERT INTO papers_fts(papers_fts) VALUES ('optimize')")
            report.seconds = time.monotonic() - started
            _write_meta(db, source, report)
            db.commit()
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)  # an interrupted build leaves the previous index as it was
        raise
    return report


def _insert(
    db: sqlite3.Connection,
    batch: list[tuple[Any, ...]],
    report: BuildReport,
    progress: Callable[[int], None] | None,
) -> None:
    if not batch:
        return
    with db:
        for row in batch:
            cursor = db.execute(
                "INSERT OR REPLACE INTO papers (arxiv_id, title, abstract, rest, digest, title_words) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                row,
            )
            db.execute(
                "INSERT INTO papers_fts (rowid, title, abstract) VALUES (?, ?, ?)",
                (cursor.lastrowid, row[1], row[2][:ABSTRACT_INDEXED]),
            )
    report.rows += len(batch)
    if progress:
        progress(len(batch))


def _write_meta(db: sqlite3.Connection, source: str, report: BuildReport) -> None:
    latest = db.execute("SELECT max(json_extract(rest, '$.updated')) FROM papers").fetchone()[0] or ""
    rows = db.execute("SELECT count(*) FROM papers").fetchone()[0]
    meta = {
        "rows": str(rows),
        "snapshot_date": latest[:10],
        "source": os.path.basename(source),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "malformed": str(report.malformed),
    }
    db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", meta.items())


def update(source: str, home: Path, progress: Callable[[int], None] | None = None) -> BuildReport:
    """Apply a newer snapshot in one transaction: only new or changed rows are written; papers
    missing from it stay (arXiv does not delete papers)."""
    path = index_path(home)
    if not path.exists():
        raise IndexMissing(
            "there is no offline index to update", "build one first: zotbridge index build SNAPSHOT"
        )
    report = BuildReport(0, 0, 0.0)
    started = time.monotonic()
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        for row in _rows(open_snapshot(source), report):
            report.rows += 1
            old = db.execute(
                "SELECT rowid, title, abstract, digest FROM papers WHERE arxiv_id = ?", (row[0],)
            ).fetchone()
            if old and old[3] == row[4]:
                continue
            if old:
                db.execute(
                    "INSERT INTO papers_fts (papers_fts, rowid, title, abstract) VALUES ('delete', ?, ?, ?)",
                    (old[0], old[1], old[2][:ABSTRACT_INDEXED]),
                )
                db.execute(
                    "UPDATE papers SET title = ?, abstract = ?, rest = ?, digest = ?, title_words = ? "
                    "WHERE rowid = ?",
                    (*row[1:], old[0]),
                )
                rowid = old[0]
            else:
                rowid = db.execute(
                    "INSERT INTO papers (arxiv_id, title, abstract, rest, digest, title_words) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    row,
                ).lastrowid
            db.execute(
                "INSERT INTO papers_fts (rowid, title, abstract) VALUES (?, ?, ?)",
                (rowid, row[1], row[2][:ABSTRACT_INDEXED]),
            )
            report.changed += 1
            if progress and report.changed % 1000 == 0:
                progress(1000)
        report.seconds = time.monotonic() - started
        _write_meta(db, source, report)
    return report


def status(home: Path) -> dict[str, Any] | None:
    path = index_path(home)
    if not path.exists():
        return None
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        meta = dict(db.execute("SELECT key, value FROM meta"))
    return meta | {"path": str(path), "size_bytes": path.stat().st_size}


class ArxivIndex(Resource):
    """A candidate source over the index (same interface as the API client); a context manager."""

    def __init__(self, home: Path):
        path = index_path(home)
        if not path.exists():
            raise IndexMissing(
                "there is no offline arXiv index",
                "build one: zotbridge index build SNAPSHOT (arXiv's metadata snapshot), or drop --offline",
            )
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.requests_made = 0  # the API's counter: the index makes no requests

    def close(self) -> None:
        self._db.close()

    def fetch_ids(self, ids: list[str], on_batch: Callable[[int], None] | None = None) -> IdAnswer:
        """Records by id; a versioned id (``…v2``) gets the latest metadata, under that key."""
        out: dict[str, ArxivRecord] = {}
        bare = {re.sub(r"v\d+$", "", i): i for i in ids}
        keys = list(bare)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(
                f"SELECT arxiv_id, title, abstract, rest FROM papers WHERE arxiv_id IN ({marks})", chunk
            ):
                out[bare[row[0]]] = _record(row)
            if on_batch:
                on_batch(len(chunk))
        return IdAnswer(out)

    def search(self, query: str, max_results: int) -> SearchPage:
        """BM25-ranked records for an arXiv query. A top-level ``ti:"…"`` alternative whose words
        are a whole title is answered from the exact-title table first (a B-tree lookup instead of
        a phrase scan); only the other alternatives go to FTS5."""
        found: dict[str, ArxivRecord] = {}
        rest = []
        for alternative in _alternatives(query):
            m = _WHOLE_TITLE.fullmatch(alternative)
            exact = (
                self._db.execute(
                    "SELECT arxiv_id, title, abstract, rest FROM papers WHERE title_words = ?",
                    (" ".join(search_words(m.group(1))),),
                ).fetchall()
                if m
                else []
            )
            for row in exact:
                found.setdefault(row[0], _record(row))
            if not exact:
                rest.append(alternative)
        if rest and len(found) < max_results:
            rows = self._db.execute(
                "SELECT p.arxiv_id, p.title, p.abstract, p.rest FROM papers_fts JOIN papers p "
                "ON p.rowid = papers_fts.rowid WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, 3.0, 1.0) LIMIT ?",
                (to_fts(" OR ".join(rest)), max_results),
            )
            for row in rows:
                found.setdefault(row[0], _record(row))
        records = list(found.values())[:max_results]
        return SearchPage(records, len(records))


_WHOLE_TITLE = re.compile(r'ti:"([^"]+)"')


def _alternatives(query: str) -> list[str]:
    """The top-level OR alternatives of a query (parentheses respected)."""
    out, depth, start = [], 0, 0
    for m in re.finditer(r"\(|\)|\bOR\b", query):
        if m.group(0) == "(":
            depth += 1
        elif m.group(0) == ")":
            depth -= 1
        elif depth == 0:
            out.append(query[start : m.start()].strip())
            start = m.end()
    out.append(query[start:].strip())
    return [a for a in out if a]


def _record(row: tuple[str, str, str, str]) -> ArxivRecord:
    arxiv_id, title, abstract, rest = row
    return ArxivRecord(**{**json.loads(rest), "arxiv_id": arxiv_id, "title": title, "abstract": abstract})


def to_fts(query: str) -> str:
    """An arXiv query of the resolver's kind as an FTS5 expression (ANDNOT becomes NOT)."""
    out = []
    position = 0
    for m in _QUERY_TOKEN.finditer(query):
        if query[position : m.start()].strip():
            raise ValueError(f"cannot translate {query[position : m.start()]!r} for the offline index")
        position = m.end()
        token = m.group(0)
        if token in ("(", ")", "AND", "OR"):
            out.append(token)
        elif token == "ANDNOT":
            out.append("NOT")
        else:
            field = m.group("field")
            if field not in _FIELDS:
                raise ValueError(f"the offline index cannot search the field {field!r}")
            text = (m.group("phrase") if m.group("phrase") is not None else m.group("word")).replace('"', "")
            column = _FIELDS[field]
            out.append(f'{column} : "{text}"' if column else f'"{text}"')
    if query[position:].strip():
        raise ValueError(f"cannot translate {query[position:]!r} for the offline index")
    return " ".join(out)
