"""The arXiv emulator's data: snapshot-format JSON Lines rows and a positional token index.

Rows load as arXiv publishes them in its metadata snapshot: ``authors`` as one string or
``authors_parsed``, titles and abstracts wrapped with ``\\n  ``, ``versions`` with RFC-822 dates.

Each paper is indexed as arXiv's Elasticsearch mapping indexes it (arxiv_analysis.py): titles
and abstracts twice, ``ti``/``abs`` with the standard analyzer and ``ti.english``/``abs.english``
with the English one; ``all`` (the combined field) with accents folded; ``cat`` and ``id``
as exact values. The analysis is the emulator's own, not the client's: if both sides shared
code, a tokenizer bug would be invisible in tests.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zotbridge.arxiv.snapshot import parse_snapshot_date
from zotbridge.sandbox.arxiv_analysis import english, folded, words

FIELDS = ("ti", "au", "abs", "co", "jr", "cat", "rn", "id")
# What is indexed: the API's fields, the English sub-fields of title and abstract, and `all`.
INDEXES = (*FIELDS, "ti.english", "abs.english", "all")


@dataclass
class Version:
    number: int
    created: datetime


@dataclass
class Paper:
    """One arXiv paper as the emulator serves it (metadata of the latest version)."""

    arxiv_id: str
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]
    versions: list[Version]
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    report_no: str | None = None

    @property
    def published(self) -> datetime:
        return self.versions[0].created

    @property
    def updated(self) -> datetime:
        return self.versions[-1].created


def _authors(row: dict[str, Any]) -> list[str]:
    parsed = row.get("authors_parsed")
    if parsed:
        # [last, first, suffix, affiliation…]: the API's <name> is "first last suffix"; affiliations
        # are separate elements there
        return [" ".join(p for p in (first, last, *rest[:1]) if p).strip() for last, first, *rest in parsed]
    text = re.sub(r"\s+", " ", row.get("authors") or "")
    return [a.strip() for a in re.split(r",\s*|\s+and\s+", text) if a.strip()]


def paper_from_row(row: dict[str, Any]) -> Paper:
    """A snapshot row as a served paper. Raises KeyError/ValueError on a row without id/title."""
    arxiv_id = str(row["id"]).strip()
    title = str(row["title"])
    versions = []
    for i, v in enumerate(row.get("versions") or [], 1):
        created = parse_snapshot_date(v.get("created") if isinstance(v, dict) else None)
        if created:
            versions.append(Version(int(str(v.get("version", f"v{i}")).lstrip("v") or i), created))
    if not versions:
        created = parse_snapshot_date(row.get("update_date")) or datetime(2000, 1, 1, tzinfo=UTC)
        versions = [Version(1, created)]
    categories = (row.get("categories") or "").split()
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        abstract=str(row.get("abstract") or ""),
        authors=_authors(row),
        categories=categories or ["cs.LG"],
        versions=versions,
        comment=row.get("comments"),
        journal_ref=row.get("journal-ref"),
        doi=row.get("doi"),
        report_no=row.get("report-no"),
    )


class Corpus:
    """Papers plus an inverted index with positions, per indexed field, for phrase and BM25 search."""

    def __init__(self, papers: list[Paper]):
        self.papers: dict[str, Paper] = {}
        self.postings: dict[str, dict[str, dict[str, list[int]]]] = {f: defaultdict(dict) for f in INDEXES}
        self.lengths: dict[str, dict[str, int]] = {f: {} for f in INDEXES}
        self._total_length: dict[str, int] = defaultdict(int)
        for paper in papers:
            self.add(paper)

    @classmethod
    def from_jsonl(cls, *paths: str | Path) -> Corpus:
        papers = []
        for path in paths:
            with open(path, encoding="utf-8") as rows:
                for line in rows:
                    if line.strip():
                        papers.append(paper_from_row(json.loads(line)))
        return cls(papers)

    def add(self, paper: Paper) -> None:
        if paper.arxiv_id in self.papers:
            raise ValueError(f"duplicate id {paper.arxiv_id} in the corpus")
        self.papers[paper.arxiv_id] = paper
        streams: dict[str, Sequence[str | None]] = {
            "ti": words(paper.title),
            "ti.english": english(paper.title),
            "au": words(" ".join(paper.authors)),
            "abs": words(paper.abstract),
            "abs.english": english(paper.abstract),
            "co": words(paper.comment or ""),
            "jr": words(paper.journal_ref or ""),
            "cat": [c.lower() for c in paper.categories],
            "rn": words(paper.report_no or ""),
            "id": [paper.arxiv_id.lower()],
            "all": folded(
                " ".join(
                    (
                        paper.title,
                        " ".join(paper.authors),
                        paper.abstract,
                        paper.comment or "",
                        paper.journal_ref or "",
                        " ".join(paper.categories),
                    )
                )
            ),
        }
        for name, stream in streams.items():
            postings = self.postings[name]
            count = 0
            for pos, token in enumerate(stream):
                if token is not None:
                    count += 1
                    postings[token].setdefault(paper.arxiv_id, []).append(pos)
            self.lengths[name][paper.arxiv_id] = count
            self._total_length[name] += count

    def idf(self, index: str, token: str) -> float:
        n = len(self.papers)
        df = len(self.postings[index].get(token, ()))
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def avg_length(self, index: str) -> float:
        return max(self._total_length[index], 1) / max(len(self.papers), 1)
