"""The one SQLite file under ``ZOTBRIDGE_HOME``: arXiv records and match decisions.

Records are cached by id, decisions by a key of what the listing said about the paper (id,
normalised title, abstract, author count, date), so re-running a listing asks arXiv nothing
(``--refresh`` asks again). Only this module touches the file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from pathlib import Path

from zotbridge.errors import ZotbridgeError
from zotbridge.models import ArxivRecord, Candidate, ListedPaper, Match
from zotbridge.normalize import normalize_title

SCHEMA_VERSION = 1
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
