"""Stage 1 — read what users paste into :class:`~zotbridge.models.ListedPaper` records.

:func:`read_listings` checks every input first (so bad bytes fail before any output), then
streams papers file by file with a global ``index`` and ``duplicate_of`` marks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from zotbridge.errors import InputError
from zotbridge.listing.bibtex import read_bibtex
from zotbridge.listing.detect import FORMATS, detect_format
from zotbridge.listing.duplicates import DuplicateMarker
from zotbridge.listing.hf import read_hf_listing
from zotbridge.listing.ids import read_ids
from zotbridge.listing.jsonl import read_jsonl
from zotbridge.listing.source import Source, open_source
from zotbridge.listing.table import read_table
from zotbridge.listing.titles import read_titles
from zotbridge.models import ListedPaper

__all__ = ["FORMATS", "ReadOptions", "read_listings", "read_source"]


@dataclass
class ReadOptions:
    format: str = "auto"  # one of FORMATS; "auto" detects per file
    encoding: str | None = None  # None: UTF-8, or what a byte-order mark says
    listing_year: int | None = None  # year of a Hugging Face page's yearless dates
    today: dt.date | None = None  # for the year rule; None is today's date


def read_source(source: Source, options: ReadOptions) -> Iterator[ListedPaper]:
    """Papers of one checked source, in file order (index and duplicates not yet set)."""
    fmt = options.format if options.format != "auto" else detect_format(source.name, source.sample())
    name = source.name
    if fmt == "hf":
        return read_hf_listing(source.lines, name, options.listing_year, options.today)
    if fmt in ("csv", "tsv"):
        return read_table(source, fmt)
    readers = {"bibtex": read_bibtex, "jsonl": read_jsonl, "ids": read_ids, "titles": read_titles}
    return readers[fmt](source.lines(), name)


def read_listings(names: Iterable[str], options: ReadOptions | None = None, stdin=None) -> Iterator[ListedPaper]:
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
