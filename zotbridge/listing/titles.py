"""Plain title lists: one paper per line; blank lines and ``#`` comments are ignored.

A line that also carries an identifier (``Attention Is All You Need arXiv:1706.03762``) keeps
both: the identifier makes it an ``arxiv_id`` entry, the rest stays its title. A line with
several identifiers names several papers.
"""

from __future__ import annotations

from collections.abc import Iterator

from zotbridge.listing.format import Format
from zotbridge.listing.ids import find_ids, paper_from_line
from zotbridge.listing.source import Source
from zotbridge.models import ListedPaper, ReadOptions
from zotbridge.normalize import clean_text


def read_titles(lines: Iterator[tuple[int, str]], name: str) -> Iterator[ListedPaper]:
    for lineno, raw in lines:
        line = clean_text(raw)
        if not line or line.startswith("#"):
            continue
        found = find_ids(line)
        if found:
            yield from paper_from_line(line, f"{name}:{lineno}", found)
        else:
            yield ListedPaper(source=f"{name}:{lineno}", kind="title", title=line)


def read(source: Source, options: ReadOptions) -> Iterator[ListedPaper]:
    return read_titles(source.lines(), source.name)


FORMAT = Format("titles", lambda lines: True, read)  # the fallback: one title per line
