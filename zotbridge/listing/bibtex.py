"""BibTeX files as listings: each entry is a paper with its key, title, authors, year and any
arXiv id or DOI it carries (``eprint``/``archivePrefix``, ``doi``, ``url``, ``journal``,
``note``, ``howpublished``, Mendeley's ``arxivid``).

The file is cut into entries by a brace-counting scanner and each entry is parsed on its own
by bibtexparser 1.4: entries stream (a 100k-entry file never sits in memory as one parse), each
entry knows its line, and one broken entry is reported and skipped instead of failing the file.
``@string`` macros carry over from entry to entry as in BibTeX.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from bibtexparser import customization
from bibtexparser.bparser import BibTexParser
from pylatexenc.latex2text import LatexNodes2Text

from zotbridge.listing.format import Format
from zotbridge.listing.ids import find_ids
from zotbridge.listing.source import Source
from zotbridge.models import ListedPaper, ReadOptions
from zotbridge.normalize import clean_text

log = logging.getLogger(__name__)

ID_FIELDS = ("eprint", "arxivid", "doi", "url", "journal", "note", "howpublished")
_ENTRY_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*([{(])")
# A new entry header alone at the start of a line ends a previous entry left unclosed (the usual
# mistake is an unclosed field brace; BibTeX itself would swallow the rest of the file).
_FRESH_ENTRY = re.compile(r"^@\s*[A-Za-z]+\s*[{(]\s*[^\s,{}()]+\s*,\s*$")
_YEAR = re.compile(r"\b(\d{4})\b")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LATEX = LatexNodes2Text(math_mode="verbatim")  # keep $\infty$ for the matcher to normalise


def looks_like_bibtex(sample_lines: list[str]) -> bool:
    """Detection: the first line that is not blank or a ``%`` comment opens an entry."""
    for line in sample_lines:
        stripped = line.strip()
        if stripped and not stripped.startswith("%"):
            return bool(_ENTRY_START.match(stripped))
    return False


def split_entries(lines: Iterator[tuple[int, str]], name: str) -> Iterator[tuple[int, str]]:
    """(first line, text) of each ``@…`` block. Text outside entries is BibTeX comment."""
    buf: list[str] = []
    start, depth, closer = 0, 0, "}"
    for lineno, line in lines:
        if buf and _FRESH_ENTRY.match(line):
            log.warning("%s:%d: entry is not closed before the next one; skipped", name, start)
            buf, depth = [], 0
        if not buf:
            m = _ENTRY_START.match(line)
            if not m:
                continue
            start, closer, depth = lineno, ("}" if m[2] == "{" else ")"), 0
            line = line.lstrip()
        buf.append(line)
        depth, done = _scan(line, depth, closer, first=len(buf) == 1)
        if done:
            yield start, "\n".join(buf)
            buf = []
    if buf:
        log.warning("%s:%d: entry is not closed at the end of the file; skipped", name, start)


def _scan(line: str, depth: int, closer: str, first: bool) -> tuple[int, bool]:
    """Advance the brace depth over one line; True when the entry's outer delimiter closed."""
    opened = not first
    for ch in line:
        if ch == "{" or (ch == "(" and closer == ")" and depth == 0):
            depth += 1
            opened = True
        elif ch == "}" or (ch == ")" and closer == ")" and depth == 1):
            depth -= 1
            if depth == 0 and opened:
                return 0, True
    return depth, False


def read_bibtex(lines: Iterator[tuple[int, str]], name: str) -> Iterator[ListedPaper]:
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False)
    parser.expect_multiple_parse = True
    for lineno, text in split_entries(lines, name):
        try:
            parsed = parser.parse(text, partial=True).entries
        except Exception:  # bibtexparser raises assorted pyparsing/KeyError types
            parsed = []
        entries, parser.bib_database.entries = list(parsed), []
        kind = text.lstrip()[1:].split("{", 1)[0].split("(", 1)[0].strip().lower()
        if not entries:
            if kind not in ("string", "comment", "preamble"):
                log.warning("%s:%d: entry could not be parsed; skipped", name, lineno)
            continue
        for entry in entries:
            yield paper_from_entry(entry, f"{name}:{lineno}")


def latex_to_text(value: str) -> str:
    """BibTeX field value as plain text: accents decoded, braces gone, math kept verbatim."""
    try:
        return clean_text(_LATEX.latex_to_text(value))
    except Exception:  # pylatexenc gives up on some malformed input: keep the raw text
        return clean_text(value.replace("{", "").replace("}", ""))


def paper_from_entry(entry: dict[str, Any], source: str) -> ListedPaper:
    fields = {k.lower(): v for k, v in entry.items()}
    paper = ListedPaper(source=source, kind="bibtex", citation_key=entry.get("ID") or None)
    if fields.get("title"):
        paper.title = latex_to_text(fields["title"]) or None
    if fields.get("abstract"):
        paper.abstract = latex_to_text(fields["abstract"]) or None
    if fields.get("author"):
        names = [n for n in re.split(r"\s+and\s+", clean_text(fields["author"])) if n]
        truncated = bool(names) and names[-1].lower() == "others"
        names = [latex_to_text(n) for n in (names[:-1] if truncated else names)]
        paper.authors = [_last_first(n) for n in names if n]
        paper.authors_count = None if truncated else len(paper.authors)
    date = fields.get("date", "").strip()
    if _ISO_DATE.match(date):
        paper.date = date
    if m := _YEAR.search(fields.get("year", "") or date):
        paper.year = int(m[1])
    _take_ids(paper, fields)
    return paper


def _last_first(name: str) -> str:
    try:
        parts = customization.splitname(name, strict_mode=False)
    except Exception:
        return name
    last = " ".join(parts["von"] + parts["last"])
    first = " ".join(parts["first"] + parts["jr"])
    return f"{last}, {first}" if first else last


def _take_ids(paper: ListedPaper, fields: dict[str, Any]) -> None:
    paper.arxiv_id, paper.arxiv_version, paper.doi = entry_ids(fields)


def entry_ids(fields: dict[str, str]) -> tuple[str | None, int | None, str | None]:
    """(arXiv id, its version, non-arXiv DOI) of an entry's fields (lower-case names): the first
    arXiv id in field priority order, and a DOI from the ``doi`` field."""
    arxiv_id = version = doi = None
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    for key in ID_FIELDS:
        value = fields.get(key)
        if not value:
            continue
        if key == "eprint" and prefix and prefix != "arxiv":
            continue  # an eprint of another archive (e.g. HAL, PubMed)
        for found in find_ids(value):
            if found.arxiv_id and arxiv_id is None:
                arxiv_id, version = found.arxiv_id, found.version
            elif found.doi and key == "doi" and doi is None:
                doi = found.doi
    return arxiv_id, version, doi


def read(source: Source, options: ReadOptions) -> Iterator[ListedPaper]:
    return read_bibtex(source.lines(), source.name)


FORMAT = Format("bibtex", looks_like_bibtex, read, (".bib",))
