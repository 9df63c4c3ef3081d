"""The one SQLite file under ``ZOTBRIDGE_HOME``: arXiv records, match decisions, citation keys,
what zotbridge last wrote into each ``.bib``, the published-version verdicts, and the Zotero ledger (a synced index of each
library's items and collections, and the push journal).

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
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from zotbridge.errors import ZotbridgeError
from zotbridge.models import ArxivRecord, BibEntry, Candidate, ListedPaper, Match, PublishedCheck, VenueRecord
from zotbridge.normalize import normalize_title
from zotbridge.resource import Resource

SCHEMA_VERSION = 5
# What a store of an older schema must do besides creating the new tables: version 4 keeps child
# items (attachments) in the Zotero index, so every library is read again once.
_MIGRATIONS = {4: "DELETE FROM zotero_sync;"}
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
CREATE TABLE IF NOT EXISTS zotero_items (
    library TEXT NOT NULL,
    item_key TEXT NOT NULL,
    version INTEGER NOT NULL,
    arxiv_id TEXT,
    json TEXT NOT NULL,
    PRIMARY KEY (library, item_key)
);
CREATE INDEX IF NOT EXISTS zotero_items_by_arxiv ON zotero_items (library, arxiv_id);
CREATE TABLE IF NOT EXISTS zotero_collections (
    library TEXT NOT NULL,
    key TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (library, key)
);
CREATE TABLE IF NOT EXISTS zotero_sync (
    library TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS paper_tags (
    library TEXT NOT NULL,
    arxiv_id TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (library, arxiv_id)
);
CREATE TABLE IF NOT EXISTS push_journal (
    library TEXT NOT NULL,
    arxiv_id TEXT NOT NULL,
    item_key TEXT NOT NULL,
    state TEXT NOT NULL,
    changed_at TEXT NOT NULL DEFAULT (datetime('now')),
    PRIMARY KEY (library, arxiv_id)
);
CREATE TABLE IF NOT EXISTS pdf_files (
    versioned_id TEXT PRIMARY KEY,
    md5 TEXT NOT NULL,
    size INTEGER NOT NULL,
    fetched_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS published_checks (
    arxiv_id TEXT PRIMARY KEY,
    verdict TEXT NOT NULL,
    json TEXT NOT NULL,
    checked_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS published_applied (
    arxiv_id TEXT PRIMARY KEY,
    json TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (datetime('now'))
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


class Store(Resource):
    """The one SQLite file of ``ZOTBRIDGE_HOME``: ``with Store(home) as store: …``."""

    def __init__(self, home: Path):
        self.path = Path(home) / "zotbridge.sqlite3"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30)
            self._prepare()
        except (OSError, sqlite3.Error) as exc:
            raise ZotbridgeError(
                f"cannot open the store {self.path} ({exc})",
                "check ZOTBRIDGE_HOME points to a writable directory",
            ) from exc

    def _prepare(self) -> None:
        """Switch to WAL and create the tables, safely when several processes open a new store.

        WAL means readers never wait for a writer and a commit is one append; NORMAL sync keeps
        the file consistent after a crash. Switching the journal mode needs the file to itself,
        and SQLite answers "locked" at once there rather than waiting, so two zotbridge runs
        started together on a fresh home would fail: the setup is retried for up to 30 s, and
        skipped entirely once the file is in WAL with the current schema.
        """
        deadline = time.monotonic() + 30
        while True:
            try:
                if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")
                found = self._db.execute("PRAGMA user_version").fetchone()[0]
                if found != SCHEMA_VERSION:
                    steps = "".join(_MIGRATIONS[v] for v in sorted(_MIGRATIONS) if found and found < v)
                    self._db.executescript(
                        f"BEGIN IMMEDIATE; {_SCHEMA}; {steps} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
                    )
                return
            except sqlite3.OperationalError as exc:
                if self._db.in_transaction:
                    self._db.rollback()
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        self._db.close()

    def integrity(self) -> str:
        """SQLite's own check of the file: "ok" when it is sound."""
        return str(self._db.execute("PRAGMA quick_check").fetchone()[0])

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
        record = self.record(data["arxiv_id"]) if data.get("arxiv_id") else None
        if data.get("arxiv_id") and record is None:  # the record was removed: decide again
            return None
        data |= {"index": paper.index, "title": paper.title}
        return Match(**data, candidates=candidates, record=record)

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
                    self._db.execute(
                        "INSERT INTO citation_keys (arxiv_id, key) VALUES (?, ?)", (arxiv_id, key)
                    )
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

    # -- Zotero ledger --------------------------------------------------------------------------
    def zotero_version(self, library: str) -> int:
        row = self._db.execute("SELECT version FROM zotero_sync WHERE library = ?", (library,)).fetchone()
        return row[0] if row else 0

    def sync_zotero(
        self,
        library: str,
        version: int,
        items: list[tuple[str, int, str | None, dict[str, Any]]],
        collections: list[dict[str, Any]] | None,
        deleted_items: list[str],
        deleted_collections: list[str],
    ) -> None:
        """Apply one incremental sync in one transaction: changed items ``(key, version, arxiv
        id, data)``, the full collection list (None: unchanged), deletions, the new version."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO zotero_items (library, item_key, version, arxiv_id, json) VALUES (?, ?, ?, ?, ?)",
                [(library, key, v, arxiv_id, json.dumps(data)) for key, v, arxiv_id, data in items],
            )
            self._db.executemany(
                "DELETE FROM zotero_items WHERE library = ? AND item_key = ?",
                [(library, k) for k in deleted_items],
            )
            if collections is not None:
                self._db.execute("DELETE FROM zotero_collections WHERE library = ?", (library,))
                self._db.executemany(
                    "INSERT INTO zotero_collections (library, key, json) VALUES (?, ?, ?)",
                    [(library, c["key"], json.dumps(c)) for c in collections],
                )
            self._db.executemany(
                "DELETE FROM zotero_collections WHERE library = ? AND key = ?",
                [(library, k) for k in deleted_collections],
            )
            if collections is not None or deleted_collections:
                self._forget_gone_collections(library)
            self._db.execute(
                "INSERT OR REPLACE INTO zotero_sync (library, version) VALUES (?, ?)", (library, version)
            )

    def _forget_gone_collections(self, library: str) -> None:
        """Take collections that no longer exist out of every stored item. Zotero does not bump the
        versions of a deleted collection's items (model/Item.inc.php), so a sync never re-reads
        them: without this, a later write would send the deleted key back and fail with 409."""
        live = {
            key
            for (key,) in self._db.execute("SELECT key FROM zotero_collections WHERE library = ?", (library,))
        }
        rewritten = []
        for key, data in self._db.execute(
            "SELECT item_key, json FROM zotero_items WHERE library = ?", (library,)
        ):
            item = json.loads(data)
            kept = [c for c in item.get("collections", []) if c in live]
            if kept != item.get("collections", []):
                item["collections"] = kept
                rewritten.append((json.dumps(item), library, key))
        self._db.executemany("UPDATE zotero_items SET json = ? WHERE library = ? AND item_key = ?", rewritten)

    def zotero_items(self, library: str) -> list[tuple[str | None, dict[str, Any]]]:
        """(arXiv id or None, item data) of every synced item, children (attachments, notes) too."""
        rows = self._db.execute(
            "SELECT arxiv_id, json FROM zotero_items WHERE library = ? ORDER BY item_key", (library,)
        )
        return [(arxiv_id, json.loads(data)) for arxiv_id, data in rows]

    def zotero_collections(self, library: str) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT json FROM zotero_collections WHERE library = ? ORDER BY key", (library,)
        )
        return [json.loads(data) for (data,) in rows]

    def journal_key(self, library: str, arxiv_id: str) -> str | None:
        """The item key a push planned (or sent) for a paper and has not seen confirmed."""
        row = self._db.execute(
            "SELECT item_key FROM push_journal WHERE library = ? AND arxiv_id = ?", (library, arxiv_id)
        ).fetchone()
        return row[0] if row else None

    def journal(self, library: str, entries: list[tuple[str, str]], state: str) -> None:
        """Record ``(arxiv_id, item_key)`` as ``planned``/``sent``; ``confirmed`` removes them."""
        with self._db:
            if state == "confirmed":
                self._db.executemany(
                    "DELETE FROM push_journal WHERE library = ? AND arxiv_id = ?",
                    [(library, a) for a, _ in entries],
                )
            else:
                self._db.executemany(
                    "INSERT OR REPLACE INTO push_journal (library, arxiv_id, item_key, state) VALUES (?, ?, ?, ?)",
                    [(library, a, k, state) for a, k in entries],
                )

    def paper_tags(self, library: str) -> dict[str, list[str]]:
        """The keyword tags given to each paper in a library: reused, so a paper keeps its tags."""
        rows = self._db.execute("SELECT arxiv_id, json FROM paper_tags WHERE library = ?", (library,))
        return {arxiv_id: json.loads(data) for arxiv_id, data in rows}

    def put_paper_tags(self, library: str, tags: dict[str, list[str]]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR IGNORE INTO paper_tags (library, arxiv_id, json) VALUES (?, ?, ?)",
                [(library, a, json.dumps(t)) for a, t in tags.items()],
            )

    def pdf_file(self, versioned_id: str) -> tuple[str, int] | None:
        """(md5, size) of a version's PDF in the download cache."""
        row = self._db.execute(
            "SELECT md5, size FROM pdf_files WHERE versioned_id = ?", (versioned_id,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def put_pdf_file(self, versioned_id: str, md5: str, size: int) -> None:
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO pdf_files (versioned_id, md5, size) VALUES (?, ?, ?)",
                (versioned_id, md5, size),
            )

    def published_checks(self, arxiv_ids: Iterable[str]) -> dict[str, PublishedCheck]:
        """The stored verdicts of these papers (an ``incomplete`` one is never stored)."""
        ids = list(arxiv_ids)
        out: dict[str, PublishedCheck] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self._db.execute(
                f"SELECT json FROM published_checks WHERE arxiv_id IN ({','.join('?' * len(chunk))})", chunk
            )
            for (data,) in rows:
                fields = json.loads(data)
                record = fields.pop("record")
                check = PublishedCheck(**fields, record=VenueRecord(**record) if record else None)
                out[check.arxiv_id] = check
        return out

    def put_published_checks(self, checks: Iterable[PublishedCheck]) -> None:
        """Keep verdicts drawn from answers; a verdict a failed source left open is refused here too
        (a published one stands on the record that passed)."""
        rows = [
            (c.arxiv_id, c.verdict, json.dumps(dataclasses.asdict(c)), c.checked_at)
            for c in checks
            if c.verdict == "published" or (c.verdict != "incomplete" and c.complete)
        ]
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO published_checks (arxiv_id, verdict, json, checked_at) VALUES (?, ?, ?, ?)",
                rows,
            )

    def applied_versions(self, arxiv_ids: Iterable[str]) -> dict[str, VenueRecord]:
        """The published versions an upgrade was applied for (published --apply, --published):
        ``bib`` and ``push`` write those papers in their published form from then on."""
        ids = list(arxiv_ids)
        out: dict[str, VenueRecord] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self._db.execute(
                f"SELECT arxiv_id, json FROM published_applied WHERE arxiv_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            out.update({arxiv_id: VenueRecord(**json.loads(data)) for arxiv_id, data in rows})
        return out

    def put_applied_versions(self, versions: dict[str, VenueRecord]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO published_applied (arxiv_id, json) VALUES (?, ?)",
                [(i, json.dumps(dataclasses.asdict(v))) for i, v in versions.items()],
            )
