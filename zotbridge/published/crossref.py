"""Crossref's record of a DOI read into a :class:`VenueRecord`.

Crossref is asked only about a DOI a source already named — arXiv's own ``doi`` field (the
authors' journal DOI) or Semantic Scholar's — never searched by title: it lacks NeurIPS, ICLR and
arXiv's DOIs, so a search would mostly miss (docs/published.md). Its shapes (REST API docs; a
captured envelope): ``title`` and ``container-title`` are lists, ``issued.date-parts`` has one to
three numbers, proceedings carry ``event.name``, ``type`` is ``journal-article``,
``proceedings-article``, ``posted-content`` (a preprint) and so on; titles may hold JATS markup
(``<i>…</i>``). Field values are turned into BibTeX text here, as DBLP's already are.
"""

from __future__ import annotations

import html
import re
from typing import Any

from zotbridge.models import VenueClass, VenueRecord
from zotbridge.published.venues import entry_type, is_preprint_venue

TYPES: dict[str, VenueClass] = {
    "journal-article": "journal",
    "proceedings-article": "conference-main",
    "posted-content": "preprint",
    "book-chapter": "thesis-book",
    "book": "thesis-book",
    "monograph": "thesis-book",
    "dissertation": "thesis-book",
}
_TAG = re.compile(r"<[^>]+>")
_SPECIAL = re.compile(r"([&%#_$])")


def record_of(work: dict[str, Any]) -> VenueRecord:
    doi = str(work.get("DOI", ""))
    container = _first(work.get("container-title"))
    event = str((work.get("event") or {}).get("name", ""))
    kind = TYPES.get(str(work.get("type", "")), "unknown")
    where = f"{container} {event}"
    if kind in ("journal", "conference-main") and is_preprint_venue(where):
        kind = "preprint"
    elif kind == "conference-main" and re.search(r"\bworkshops?\b", where, re.I):
        kind = "workshop"
    elif kind == "conference-main" and "findings" in where.lower():
        kind = "findings"
    fields = {("journal" if kind == "journal" else "booktitle"): _bibtex(container or event)}
    for name, value in (
        ("volume", work.get("volume")),
        ("number", work.get("issue")),
        ("pages", str(work.get("page") or "").replace("-", "--")),
        ("publisher", work.get("publisher")),
        ("doi", doi),
        ("url", work.get("URL") or (f"https://doi.org/{doi}" if doi else "")),
    ):
        if value:
            fields[name] = _bibtex(str(value)) if name in ("publisher",) else str(value)
    authors = [
        " ".join(p for p in (a.get("given", ""), a.get("family", "")) if p) or str(a.get("name", ""))
        for a in work.get("author") or []
    ]
    return VenueRecord(
        source="crossref",
        ident=doi,
        title=_bibtex(_first(work.get("title"))),
        authors=authors,
        year=_year(work),
        venue=_first(work.get("short-container-title")) or container or event,
        venue_class=kind,
        entry_type=entry_type(kind),
        fields=fields,
    )


def _first(value: Any) -> str:
    if isinstance(value, list):
        return _plain(str(value[0])) if value else ""
    return _plain(str(value or ""))


def _plain(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _bibtex(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def _year(work: dict[str, Any]) -> int | None:
    for name in ("published-print", "published-online", "issued"):
        parts = (work.get(name) or {}).get("date-parts") or [[]]
        if parts and parts[0] and parts[0][0]:
            return int(parts[0][0])
    return None
