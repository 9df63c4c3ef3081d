"""Human-readable output: tables and one-line summaries (``--json`` bypasses all of this)."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator

from zotbridge.models import ListedPaper

PARSE_HEADER = ("#", "kind", "arxiv id", "date", "repeats", "title")


def parse_table(papers: Iterable[ListedPaper], width: int | None) -> Iterator[str]:
    """Rows as they come (a 100k-entry listing streams); the header comes with the first row,
    so an input that fails prints nothing. ``width`` None: never truncate."""
    fmt = "{:>5}  {:<10}  {:<18}  {:<10}  {:<7}  {}"
    for p in papers:
        if p.index == 0:
            yield fmt.format(*PARSE_HEADER)
        arxiv = p.arxiv_id + (f"v{p.arxiv_version}" if p.arxiv_version else "") if p.arxiv_id else (p.doi or "")
        row = fmt.format(
            p.index,
            p.kind,
            arxiv[:18],
            p.date or (str(p.year) if p.year else ""),
            f"= {p.duplicate_of}" if p.duplicate_of is not None else "",
            p.title or "",
        )
        yield row if width is None or len(row) <= width else row[: width - 1] + "…"


def terminal_width() -> int:
    return shutil.get_terminal_size((120, 24)).columns


def parse_summary(count: int, inputs: int, repeats: int) -> str:
    papers = "paper" if count == 1 else "papers"
    text = f"{count} {papers} read from {inputs} input{'s' if inputs != 1 else ''}"
    if repeats:
        text += f"; {repeats} repeat{'s' if repeats == 1 else ''} an earlier entry (duplicate_of)"
    return text
