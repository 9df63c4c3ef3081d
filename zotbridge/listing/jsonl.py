"""JSON Lines: one object per line with the keys of :mod:`zotbridge.listing.fields`.

A line that is not a JSON object is reported (with its line number) and skipped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from zotbridge.listing.fields import paper_from_record
from zotbridge.listing.format import Format
from zotbridge.listing.source import Source
from zotbridge.models import ListedPaper, ReadOptions

log = logging.getLogger(__name__)


def looks_like_jsonl(sample_lines: list[str]) -> bool:
    for line in sample_lines:
        if line.strip():
            try:
                return isinstance(json.loads(line), dict)
            except (ValueError, RecursionError):
                return False
    return False


def read_jsonl(lines: Iterator[tuple[int, str]], name: str) -> Iterator[ListedPaper]:
    for lineno, line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as exc:
            reason = getattr(exc, "msg", "nested too deeply")
            log.warning("%s:%d: not valid JSON (%s); skipped", name, lineno, reason)
            continue
        if not isinstance(record, dict):
            log.warning("%s:%d: not a JSON object; skipped", name, lineno)
            continue
        paper = paper_from_record(record, f"{name}:{lineno}", "jsonl")
        if paper is None:
            log.warning("%s:%d: object has neither a title nor an id; skipped", name, lineno)
        else:
            yield paper


def read(source: Source, options: ReadOptions) -> Iterator[ListedPaper]:
    return read_jsonl(source.lines(), source.name)


FORMAT = Format("jsonl", looks_like_jsonl, read, (".jsonl", ".ndjson"))
