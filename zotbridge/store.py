"""The one SQLite file under ``ZOTBRIDGE_HOME``: arXiv records, match decisions, citation keys
and what zotbridge last wrote into each ``.bib``.

Records are cached by id, decisions by a key of what the listing said about the paper (id,
normalised title, abstract, author count, date), so re-running a listing asks arXiv nothing
(``--refresh`` asks again). A citation key, once claimed for a paper, stays (``UNIQUE`` without
case, as BibTeX compares keys). The bib ledger lets a merge tell zotbridge's fields from the
user's edits. Only this module touches the file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from zotbridge.errors import ZotbridgeError
from zotbridge.models import ArxivRecord, BibEntry, Candidate, ListedPaper, Match
from zotbridge.normalize import normalize_title

SCHEMA_VERSION = 2
_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    arxiv_id TEXT PRIMARY KEY,
    json TEXT NOT NULL,
    fetched_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS decisions (
    key TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    arxiv_id TEXT,
    json TEXT NOT NULL,
    decided_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS citation_keys (
    arxiv_id TEXT PRIMARY KEY,
    key TEXT NOT NULL UNIQUE COLLATE NOCASE,
    claimed_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS bib_ledger (
    path TEXT NOT NULL,
    arxiv_id TEXT NOT NULL,
    json TEXT NOT NULL,
    written_at TEXT NOT NULL DEFAULT (datetime('now')),
    PRIMARY KEY (path, arxiv_id)
);
"""


def decision_key(paper: ListedPaper) -> str:
    """What identifies a listed paper for the cache: the same listing line gives the same key."""
    parts = [
        paper.arxiv_id or "",
        str(paper.arxiv_version or ""),
        normalize_title(paper.title) if paper.title else "",
        normalize_title(paper.abstract[:3000]) if paper.abstract else "",
        str(paper.authors_count or ""),
        paper.date or "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class Store:
    def __init__(self, home: Path):
        self.path = Path(home) / "zotbridge.sqlite3"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30)
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except (OSError, sqlite3.Error) as exc:
            raise ZotbridgeError(f"cannot open the store {self.path} ({exc})",
                                 "check ZOTBRIDGE_HOME points to a writable directory") from exc

    def close(self) -> None:
        self._db.close()

    def record(self, arxiv_id: str) -> ArxivRecord | None:
        row = self._db.execute("SELECT json FROM records WHERE arxiv_id = ?", (arxiv_id,)).fetchone()
        return ArxivRecord(**json.loads(row[0])) if row else None

    def put_records(self, records: list[ArxivRecord]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO records (arxiv_id, json) VALUES (?, ?)",
                [(r.arxiv_id, json.dumps(dataclasses.asdict(r))) for r in records],
            )

    def decision(self, paper: ListedPaper) -> Match | None:
        row = self._db.execute("SELECT json FROM decisions WHERE key = ?", (decision_key(paper),)).fetchone()
        if not row:
            return None
        data = json.loads(row[0])
        candidates = [Candidate(**c) for c in data.pop("candidates")]
        match = Match(**data, candidates=candidates)
        match.index, match.title = paper.index, paper.title
        if match.arxiv_id:
            match.record = self.record(match.arxiv_id)
            if match.record is None:  # the record was removed: decide again
                return None
        return match

    def put_decisions(self, pairs: list[tuple[ListedPaper, Match]]) -> None:
        rows = []
        for paper, match in pairs:
            data = dataclasses.asdict(match)
            data.pop("record")
            rows.append((decision_key(paper), match.status, match.arxiv_id, json.dumps(data)))
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO decisions (key, status, arxiv_id, json) VALUES (?, ?, ?, ?)", rows
            )

    def citation_key(self, arxiv_id: str) -> str | None:
        row = self._db.execute("SELECT key FROM citation_keys WHERE arxiv_id = ?", (arxiv_id,)).fetchone()
        return row[0] if row else None

    def claim_citation_key(self, arxiv_id: str, candidates: Iterable[str]) -> str | None:
        """The paper's stored key, or the first candidate no other paper holds, stored now
        (None when every candidate is taken). The UNIQUE constraint decides, so two processes
        cannot claim the same key."""
        with self._db:
            if existing := self.citation_key(arxiv_id):
                return existing
            for key in candidates:
                try:
                    self._db.execute("INSERT INTO citation_keys (arxiv_id, key) VALUES (?, ?)", (arxiv_id, key))
                    return key
                except sqlite3.IntegrityError:
                    if existing := self.citation_key(arxiv_id):  # another process was faster
                        return existing
        return None

    def ledger_entries(self, path: str) -> dict[str, BibEntry]:
        """What zotbridge last wrote into the ``.bib`` at ``path``, by arXiv id."""
        rows = self._db.execute("SELECT arxiv_id, json FROM bib_ledger WHERE path = ?", (path,))
        return {arxiv_id: BibEntry(**json.loads(data)) for arxiv_id, data in rows}

    def put_ledger_entries(self, path: str, entries: dict[str, BibEntry]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO bib_ledger (path, arxiv_id, json) VALUES (?, ?, ?)",
                [(path, arxiv_id, json.dumps(dataclasses.asdict(e))) for arxiv_id, e in entries.items()],
            )
