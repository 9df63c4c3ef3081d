"""``zotbridge tags``: the tags each listed paper would get.

With resolution (the default), a matched paper is tagged from its arXiv title and abstract, as
``push`` does; an unmatched one from what the listing says. ``--no-resolve`` uses the listing's own
text only and touches no network, so any collection of texts can be tagged and measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zotbridge.arxiv.resolve import match_listings
from zotbridge.config import Settings
from zotbridge.listing import ReadOptions, read_listings
from zotbridge.models import Progress
from zotbridge.tags.select import TagOptions, tag_papers


@dataclass
class TaggedPaper:
    index: int
    title: str | None
    tags: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "title": self.title, "tags": self.tags}


def preview(
    names: list[str],
    options: ReadOptions,
    settings: Settings,
    tag_options: TagOptions,
    resolve: bool = True,
    refresh: bool = False,
    progress: Progress | None = None,
) -> tuple[list[TaggedPaper], dict[str, int]]:
    papers = list(read_listings(names, options))
    texts = [(p.title or "", p.abstract or "") for p in papers]
    if resolve:
        matches, _requests = match_listings(names, options, settings, refresh=refresh, progress=progress)
        for i, m in enumerate(matches):
            if m.status == "matched" and m.record:
                texts[i] = (m.record.title, m.record.abstract)
    tagging = tag_papers(texts, tag_options)
    return [TaggedPaper(p.index, p.title, tags) for p, tags in zip(papers, tagging.tags)], tagging.coverage
