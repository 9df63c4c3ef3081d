"""CSV and TSV files with a header row (columns: see :mod:`zotbridge.listing.fields`).

Quoted cells may span lines (abstracts often do); a paper's source line is the line its row
starts on. The delimiter is a tab for TSV, and for CSV whichever of ``,`` and ``;`` splits the
header into more known columns (spreadsheets in many locales save with ``;``).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator

from zotbridge.errors import InputError
from zotbridge.listing.fields import ALIASES, canonical_column, paper_from_record
from zotbridge.listing.format import Format, first_content_line
from zotbridge.listing.source import Source
from zotbridge.models import ListedPaper

log = logging.getLogger(__name__)


def header_delimiter(header: str) -> str | None:
    """The delimiter under which ``header`` names at least one known column, else None."""
    best, best_known = None, 0
    for delimiter in ("\t", ",", ";"):
        cells = next(csv.reader([header], delimiter=delimiter), [])
        known = sum(1 for cell in cells if canonical_column(cell))
        if len(cells) > 1 or delimiter == ",":
            if known > best_known:
                best, best_known = delimiter, known
    return best


def looks_like_table(header: str) -> str | None:
    """Detection: ``"csv"``/``"tsv"`` when ``header`` is a row of short cells, one of them a
    column that identifies a paper (title, id, url or doi); else None."""
    delimiter = header_delimiter(header)
    if delimiter is None:
        return None
    cells = next(csv.reader([header], delimiter=delimiter), [])
    identifying = {"title", "arxiv_id", "url", "doi"}
    if (
        len(cells) > 1
        and all(len(c.strip()) <= 30 for c in cells)
        and any(canonical_column(c) in identifying for c in cells)
    ):
        return "tsv" if delimiter == "\t" else "csv"
    return None


def read_table(source: Source, kind: str) -> Iterator[ListedPaper]:
    """Rows of a CSV (``kind="csv"``) or TSV (``kind="tsv"``) file."""
    with source.open_text() as text:
        first = text.readline()
        delimiter = "\t" if kind == "tsv" else (header_delimiter(first) or ",")
        header = next(csv.reader([first], delimiter=delimiter), [])
        if not any(canonical_column(cell) for cell in header):
            known = ", ".join(sorted(set(ALIASES)))
            raise InputError(
                f"{source.name}: the header row names no column zotbridge knows",
                f"name the columns in the first row, among: {known}",
            )
        reader = csv.reader(text, delimiter=delimiter)
        line, skipped = 2, 0
        for row in reader:
            if any(cell.strip() for cell in row):
                paper = paper_from_record(dict(zip(header, row)), f"{source.name}:{line}", kind)
                if paper is None:
                    skipped += 1
                else:
                    yield paper
            line = reader.line_num + 2
        if skipped:
            log.warning("%s: %d row(s) with neither a title nor an id were skipped", source.name, skipped)


def _format(kind: str, extension: str) -> Format:
    return Format(
        kind,
        lambda lines: looks_like_table(first_content_line(lines)) == kind,
        lambda source, options: read_table(source, kind),
        (extension,),
    )


CSV = _format("csv", ".csv")
TSV = _format("tsv", ".tsv")
