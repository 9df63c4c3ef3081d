"""Mark repeated papers in the input: kept in order, ``duplicate_of`` the first occurrence.

Two entries are the same paper when they carry the same arXiv id, or when their normalised
titles are equal — unless that would contradict what they carry: two different arXiv ids,
or two abstracts that are clearly different texts (two distinct papers can share a short
title; the matcher, not the reader, settles those). A group learns the arXiv id of any
member, so ``T`` / ``T arXiv:A`` / ``T arXiv:B`` gives two papers, not one.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from zotbridge.models import ListedPaper
from zotbridge.normalize import normalize_title

ABSTRACT_PREFIX = 600  # characters compared: enough to tell texts apart, cheap to keep
SAME_ABSTRACT = 80.0  # rapidfuzz ratio; versions of one abstract score far above this


@dataclass
class _First:
    index: int
    arxiv_id: str | None
    abstract: str | None


class DuplicateMarker:
    """Streaming: remembers only what the first occurrence of each paper needs."""

    def __init__(self) -> None:
        self._by_id: dict[str, _First] = {}
        self._by_title: dict[str, list[_First]] = {}

    def mark(self, paper: ListedPaper) -> ListedPaper:
        key = normalize_title(paper.title) if paper.title else ""
        abstract = normalize_title(paper.abstract[:ABSTRACT_PREFIX]) if paper.abstract else None
        first = self._by_id.get(paper.arxiv_id) if paper.arxiv_id else None
        if first is None and key:
            first = next((f for f in self._by_title.get(key, ()) if self._same(f, paper, abstract)), None)
        if first is None:
            first = _First(paper.index, paper.arxiv_id, abstract)
            if key:
                self._by_title.setdefault(key, []).append(first)
        else:
            paper.duplicate_of = first.index
            first.arxiv_id = first.arxiv_id or paper.arxiv_id
            first.abstract = first.abstract or abstract
        if paper.arxiv_id:
            self._by_id.setdefault(paper.arxiv_id, first)
        return paper

    @staticmethod
    def _same(first: _First, paper: ListedPaper, abstract: str | None) -> bool:
        if paper.arxiv_id and first.arxiv_id and paper.arxiv_id != first.arxiv_id:
            return False
        return not (abstract and first.abstract and fuzz.ratio(abstract, first.abstract) < SAME_ABSTRACT)
