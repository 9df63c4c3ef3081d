"""arXiv categories as the tags Zotero's arXiv translator gives them (docs/zotero-api.md §3).

``cs.LG`` → "Computer Science - Machine Learning" (archive name, " - ", category name); an
undotted category is named directly (``hep-th`` → "High Energy Physics - Theory"); a category
the taxonomy (``arxiv-taxonomy.json``, a copy of the shared reference) does not know is dropped,
as Zotero drops it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def _taxonomy() -> dict[str, Any]:
    taxonomy: dict[str, Any] = json.loads(
        resources.files("zotbridge.tags").joinpath("arxiv-taxonomy.json").read_text(encoding="utf-8")
    )
    return taxonomy


def category_tag(category: str) -> str | None:
    taxonomy = _taxonomy()
    entry = taxonomy["categories"].get(category)
    if entry is None:
        return None
    if "." not in category:
        return str(entry["name"])
    archive = taxonomy["archives"].get(entry["archive"])
    return f"{archive} - {entry['name']}" if archive else None


def category_tags(categories: list[str]) -> list[str]:
    """Tags for all of a paper's categories, primary first, without repeats."""
    return list(dict.fromkeys(t for t in (category_tag(c) for c in categories) if t))
