"""Mark repeated papers in the input: kept in order, ``duplicate_of`` the first occurrence.

Two entries are the same paper when they carry the same arXiv id, or when their normalised
titles are equal — unless that would contradict what they carry: two different arXiv ids,
or two abstracts that are clearly different texts (two distinct papers can share a short
title such as "Attention"; the matcher, not the reader, settles those).
"""

from __future__ import annotations

from rapidfuzz import fuzz

from zotbridge.models import ListedPaper
from zotbridge.normalize import normalize_title

ABSTRACT_PREFIX = 600  # characters compared: enough to tell texts apart, cheap to keep
SAME_ABSTRACT = 80.0  # rapidfuzz ratio; versions of one abstract score far above this


class DuplicateMarker:
    """Streaming: remembers only what the first occurrence of each paper needs."""

    def __init__(self) -> None:
        self._by_id: dict[str, int] = {}
        self._by_title: dict[str, list[tuple[int, str | None, str | None]]] = {}

    def mark(self, paper: ListedPaper) -> ListedPaper:
        first = self._by_id.get(paper.arxiv_id) if paper.arxiv_id else None
        key = normalize_title(paper.title) if paper.title else ""
        abstract = normalize_title(paper.abstract[:ABSTRACT_PREFIX]) if paper.abstract else None
        if first is None and key:
            for index, arxiv_id, other_abstract in self._by_title.get(key, ()):
                if paper.arxiv_id and arxiv_id and paper.arxiv_id != arxiv_id:
                    continue
                if abstract and other_abstract and fuzz.ratio(abstract, other_abstract) < SAME_ABSTRACT:
                    continue
                first = index
                break
        paper.duplicate_of = first
        if first is None:
            if paper.arxiv_id:
                self._by_id[paper.arxiv_id] = paper.index
            if key:
                self._by_title.setdefault(key, []).append((paper.index, paper.arxiv_id, abstract))
        return paper
