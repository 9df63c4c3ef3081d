"""Records with named fields (CSV/TSV rows, JSON Lines objects) into listed papers.

Column names are matched case-insensitively, with spaces and dashes read as underscores:
``title``, ``abstract``, ``authors`` (or ``author``), ``year`` (or ``date``), ``arxiv_id``
(or ``arxiv``, ``id``, ``eprint``, ``url``, ``link``), ``doi``. Other columns are ignored.
An ``authors`` cell is split on ``;`` if it has one, else on `` and ``, else on ``,``; a JSON
list is taken as it is.
"""

from __future__ import annotations

import re
from typing import Any

from zotbridge.listing.ids import find_ids
from zotbridge.models import ListedPaper
from zotbridge.normalize import clean_text

ALIASES = {
    "title": "title",
    "abstract": "abstract",
    "summary": "abstract",
    "authors": "authors",
    "author": "authors",
    "year": "year",
    "date": "date",
    "arxiv_id": "arxiv_id",
    "arxiv": "arxiv_id",
    "id": "arxiv_id",
    "eprint": "arxiv_id",
    "url": "url",
    "link": "url",
    "doi": "doi",
}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def canonical_column(name: str) -> str | None:
    """The field a column name stands for, or None for a column zotbridge ignores."""
    return ALIASES.get(re.sub(r"[\s-]+", "_", name.strip().lower()))


def paper_from_record(record: dict[str, Any], source: str, kind: str) -> ListedPaper | None:
    """A paper from a record of any column names; None when it names neither title nor id."""
    fields: dict[str, object] = {}
    for key, value in record.items():
        if isinstance(key, str) and (name := canonical_column(key)) and value not in (None, ""):
            fields.setdefault(name, value)
    paper = ListedPaper(source=source, kind=kind)
    paper.title = _text(fields.get("title"))
    paper.abstract = _text(fields.get("abstract"))
    authors = fields.get("authors")
    if isinstance(authors, list):
        paper.authors = [clean_text(str(a)) for a in authors if str(a).strip()]
    elif authors:
        text = clean_text(str(authors))
        sep = ";" if ";" in text else (" and " if " and " in text else ",")
        paper.authors = [a.strip() for a in text.split(sep) if a.strip()]
    paper.authors_count = len(paper.authors) or None
    _take_date(paper, fields)
    for key in ("arxiv_id", "url", "doi"):
        for found in find_ids(str(fields.get(key, ""))):
            if found.arxiv_id and paper.arxiv_id is None:
                paper.arxiv_id, paper.arxiv_version = found.arxiv_id, found.version
            elif found.doi and key == "doi" and paper.doi is None:
                paper.doi = found.doi
    if not (paper.title or paper.arxiv_id or paper.doi):
        return None
    return paper


def _text(value: object) -> str | None:
    return clean_text(str(value)) or None if value is not None else None


def _take_date(paper: ListedPaper, fields: dict[str, Any]) -> None:
    date = str(fields.get("date", "")).strip()
    if m := _ISO_DATE.match(date):
        paper.date, paper.year = m[0], int(m[1])
    year = str(fields.get("year", "")).strip()
    if re.fullmatch(r"\d{4}", year):
        paper.year = int(year)
