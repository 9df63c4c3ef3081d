"""The arXiv emulator's data: snapshot-format JSON Lines rows and a positional token index.

Rows load as arXiv publishes them (docs/arxiv-api.md §6): ``authors`` as one string or
``authors_parsed``, titles and abstracts wrapped with ``\\n  ``, ``versions`` with RFC-822 dates.
The tokenizer is deliberately the emulator's own (lower case, accents folded, split on anything
that is not a letter or digit, like Lucene's standard analyzer), not the client's title
normaliser: if both sides shared code, a normaliser bug would be invisible in tests.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from zotbridge.arxiv.snapshot import parse_snapshot_date

FIELDS = ("ti", "au", "abs", "co", "jr", "cat", "rn", "id")
_TOKEN = re.compile(r"[a-z0-9]+")


def tokenize(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.lower())
    return _TOKEN.findall("".join(ch for ch in folded if not unicodedata.combining(ch)))


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
    tokens: dict[str, list[str]] = field(default_factory=dict)

    @property
    def published(self) -> datetime:
        return self.versions[0].created

    @property
    def updated(self) -> datetime:
        return self.versions[-1].created


def _authors(row: dict) -> list[str]:
    parsed = row.get("authors_parsed")
    if parsed:
        # [last, first, suffix, affiliation…]: the API's <name> is "first last suffix"; affiliations
        # are separate elements there
        return [" ".join(p for p in (first, last, *rest[:1]) if p).strip() for last, first, *rest in parsed]
    text = re.sub(r"\s+", " ", row.get("authors") or "")
    return [a.strip() for a in re.split(r",\s*|\s+and\s+", text) if a.strip()]


def paper_from_row(row: dict) -> Paper:
    """A snapshot row as a served paper. Raises KeyError/ValueError on a row without id/title."""
    arxiv_id = str(row["id"]).strip()
    title = str(row["title"])
    versions = []
    for i, v in enumerate(row.get("versions") or [], 1):
        created = parse_snapshot_date(v.get("created") if isinstance(v, dict) else None)
        if created:
            versions.append(Version(int(str(v.get("version", f"v{i}")).lstrip("v") or i), created))
    if not versions:
        created = parse_snapshot_date(row.get("update_date")) or datetime(2000, 1, 1, tzinfo=timezone.utc)
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
    """Papers plus an inverted index with positions, per field, for phrase and BM25 search."""

    def __init__(self, papers: list[Paper]):
        self.papers: dict[str, Paper] = {}
        self.postings: dict[str, dict[str, dict[str, list[int]]]] = {f: defaultdict(dict) for f in (*FIELDS, "all")}
        self.lengths: dict[str, dict[str, int]] = {f: {} for f in (*FIELDS, "all")}
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
        texts = {
            "ti": tokenize(paper.title),
            "au": tokenize(" ".join(paper.authors)),
            "abs": tokenize(paper.abstract),
            "co": tokenize(paper.comment or ""),
            "jr": tokenize(paper.journal_ref or ""),
            "cat": [c.lower() for c in paper.categories],
            "rn": tokenize(paper.report_no or ""),
            "id": [paper.arxiv_id.lower()],
        }
        texts["all"] = [t for f in FIELDS for t in texts[f]]
        for name, tokens in texts.items():
            self.lengths[name][paper.arxiv_id] = len(tokens)
            self._total_length[name] += len(tokens)
            for pos, token in enumerate(tokens):
                self.postings[name][token].setdefault(paper.arxiv_id, []).append(pos)
        paper.tokens = texts

    def idf(self, field_name: str, token: str) -> float:
        n = len(self.papers)
        df = len(self.postings[field_name].get(token, ()))
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def avg_length(self, field_name: str) -> float:
        return max(self._total_length[field_name], 1) / max(len(self.papers), 1)
