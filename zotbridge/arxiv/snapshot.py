"""arXiv's metadata snapshot rows (docs/offline.md) as :class:`ArxivRecord` values.

The snapshot is what arXiv publishes in bulk; a row carries the same facts the API serves, in
other clothes: RFC-822 version dates, ``authors_parsed`` as ``[last, first, suffix, …]``, text
wrapped with newlines. Used by the offline index and by tests that need records without a server.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from zotbridge.models import ArxivRecord
from zotbridge.normalize import clean_text

_AUTHOR_SPLIT = re.compile(r",\s*|\s+and\s+")


def record_from_row(row: dict[str, Any]) -> ArxivRecord:
    """Raises KeyError/ValueError for a row without an id or title."""
    arxiv_id = str(row["id"]).strip()
    title = clean_text(str(row["title"]))
    if not arxiv_id or not title:
        raise ValueError("a snapshot row needs an id and a title")
    versions = row.get("versions") or []
    created = (parse_snapshot_date(v.get("created")) for v in versions if isinstance(v, dict))
    dates: list[datetime] = [d for d in created if d is not None] or [
        parse_snapshot_date(row.get("update_date")) or datetime(1991, 8, 14, tzinfo=UTC)
    ]
    categories = (row.get("categories") or "").split()
    return ArxivRecord(
        arxiv_id=arxiv_id,
        version=max(len(versions), 1),
        title=title,
        abstract=clean_text(str(row.get("abstract") or "")),
        authors=author_names(row),
        published=dates[0].isoformat(),
        updated=dates[-1].isoformat(),
        primary_category=categories[0] if categories else "",
        categories=categories,
        comment=clean_text(row["comments"]) if row.get("comments") else None,
        journal_ref=clean_text(row["journal-ref"]) if row.get("journal-ref") else None,
        doi=row.get("doi") or None,
    )


def author_names(row: dict[str, Any]) -> list[str]:
    """ "First Last Suffix" per author, as the API's ``<name>`` elements give them."""
    parsed = row.get("authors_parsed")
    if parsed:
        return [
            clean_text(" ".join(p for p in (first, last, *rest[:1]) if p)) for last, first, *rest in parsed
        ]
    return [a for a in (clean_text(x) for x in _AUTHOR_SPLIT.split(row.get("authors") or "")) if a]


def parse_snapshot_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parsedate_to_datetime(text).astimezone(UTC)
    except (TypeError, ValueError):
        try:
            return datetime.fromisoformat(text).replace(tzinfo=UTC)
        except ValueError:
            return None
