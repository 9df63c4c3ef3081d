"""Stage 1 — read what users paste into :class:`~zotbridge.models.ListedPaper` records.

:func:`read_listings` checks every input first (so bad bytes fail before any output), then
streams papers file by file with a global ``index`` and ``duplicate_of`` marks. Each kind of
listing is one module with a ``FORMAT`` (how to recognise it, how to read it); ``registry.py``
lists them in detection order: adding a format touches its module and the registry.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO

from zotbridge.errors import InputError
from zotbridge.listing.duplicates import DuplicateMarker
from zotbridge.listing.registry import BY_NAME, detect_format
from zotbridge.listing.source import Source, open_source
from zotbridge.models import FORMATS, ListedPaper, ReadOptions

__all__ = ["FORMATS", "ReadOptions", "read_listings", "read_source"]


def read_source(source: Source, options: ReadOptions) -> Iterator[ListedPaper]:
    """Papers of one checked source, in file order (index and duplicates not yet set)."""
    fmt = options.format if options.format != "auto" else detect_format(source.name, source.sample())
    return BY_NAME[fmt].read(source, options)


def read_listings(
    names: Iterable[str], options: ReadOptions | None = None, stdin: IO[bytes] | None = None
) -> Iterator[ListedPaper]:
    """All papers of all inputs, numbered across inputs, duplicates marked.

    Every input is checked before this returns (:class:`InputError` for one that cannot be
    read); an input that holds no paper raises when the iteration reaches its end.
    """
    options = options or ReadOptions()
    if options.format not in FORMATS:
        raise InputError(f"unknown format {options.format!r}", f"use one of: {', '.join(FORMATS)}")
    sources = [open_source(name, options.encoding, stdin) for name in names]
    return _numbered(sources, options)


def _numbered(sources: list[Source], options: ReadOptions) -> Iterator[ListedPaper]:
    marker = DuplicateMarker()
    index = 0
    for source in sources:
        found = 0
        for paper in read_source(source, options):
            paper.index = index
            index += 1
            found += 1
            yield marker.mark(paper)
        if not found:
            raise InputError(
                f"{source.name}: no papers recognised",
                "check that it is a listing (titles, arXiv ids, a Hugging Face page, BibTeX, CSV "
                "or JSON Lines), or name its format with --format",
            )
