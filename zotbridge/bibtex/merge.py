"""Merge zotbridge's entries into an existing ``.bib`` without touching what is the user's.

What zotbridge owns (docs/bibtex.md): the entries it wrote into this file (the store's bib
ledger remembers them), and within those, each field whose value is still the one zotbridge
wrote. So:

* an entry for the same work (by arXiv id in ``eprint``/``url``/``doi``/…, or by DOI) that
  zotbridge did not write is kept exactly as it is, and its key becomes the work's key — so a
  paper written from a listing and from a Zotero collection is one entry;
* in zotbridge's own entries, a field the user edited or deleted stays edited or deleted, a field
  they added stays, and zotbridge updates the rest (a new journal reference, a style change, the
  published version); a field zotbridge adds goes where it would write it;
* every other byte of the file — other entries, ``@string``, ``@preamble``, ``@comment``, text
  between entries — is written back unchanged, and a run with nothing new writes nothing;
* new entries are appended at the end, in listing order, separated by one blank line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zotbridge.bibtex.bibfile import BibFile, Block
from zotbridge.bibtex.entries import MONTHS, render_entry
from zotbridge.errors import KeyConflict
from zotbridge.listing.bibtex import entry_ids
from zotbridge.models import BibEntry

UNRESOLVED_MARK = "zotbridge: not resolved"


@dataclass(frozen=True)
class Work:
    """One work to write: ``ident`` names it in the ledger — its arXiv id when it has one (a
    listed paper, or a Zotero item of an arXiv paper), else ``doi:…`` or ``zotero:…``."""

    ident: str
    arxiv_id: str | None = None
    doi: str | None = None


@dataclass
class Outcome:
    """What happened to one work's entry: ``added``, ``updated``, ``unchanged`` or ``kept``
    (an entry that is the user's: left as it is)."""

    ident: str
    key: str
    action: str
    line: int | None = None  # line of the entry in the new file


@dataclass
class Merged:
    text: str
    outcomes: list[Outcome]
    ledger: dict[str, BibEntry]  # what zotbridge now has written, by work


def index_entries(bib: BibFile) -> tuple[dict[str, Block], dict[str, Block]]:
    """The file's entries by arXiv id and by (lower-case) DOI; the first entry wins."""
    by_id: dict[str, Block] = {}
    by_doi: dict[str, Block] = {}
    for block in bib.entries:
        arxiv_id, _version, doi = entry_ids({f.name.lower(): f.plain for f in block.fields})
        if arxiv_id:
            by_id.setdefault(arxiv_id, block)
        if doi:
            by_doi.setdefault(doi.lower(), block)
    return by_id, by_doi


def merge(
    bib: BibFile,
    works: list[Work],
    ledger: dict[str, BibEntry],
    key_for: Callable[[Work, Block | None], str],
    entry_for: Callable[[Work, str], BibEntry],
    unresolved: list[str] | None = None,
) -> Merged:
    """The new file text. ``key_for(work, existing_block)`` gives the work's key,
    ``entry_for(work, key)`` the entry zotbridge would write; ``unresolved`` (when given)
    replaces zotbridge's ``@comment`` block listing papers it could not resolve."""
    by_id, by_doi = index_entries(bib)
    keys_in_file = {b.key.lower(): b for b in bib.entries if b.key}
    replacements: dict[int, str] = {}  # block start -> new text
    appended: list[tuple[str, str]] = []  # (work, text)
    outcomes: list[Outcome] = []
    new_ledger = dict(ledger)
    seen: set[str] = set()
    for work in works:
        if work.ident in seen:
            continue
        seen.add(work.ident)
        written = ledger.get(work.ident)  # a work with no id in its fields: the key it was written under
        block = (
            (by_id.get(work.arxiv_id) if work.arxiv_id else None)
            or (by_doi.get(work.doi.lower()) if work.doi else None)
            or (keys_in_file.get(written.key.lower()) if written else None)
        )
        if block is None:
            key = key_for(work, None)
            if (other := keys_in_file.get(key.lower())) is not None:
                raise KeyConflict(key, work.ident, other)
            entry = entry_for(work, key)
            appended.append((work.ident, render_entry(entry).replace("\n", bib.newline)))
            keys_in_file[key.lower()] = Block(0, 0, 0, entry.entry_type, key)
            new_ledger[work.ident] = entry
            outcomes.append(Outcome(work.ident, key, "added"))
            continue
        assert block.key is not None  # the reader refuses an entry without a key (BibSyntaxError)
        key = key_for(work, block)
        previous = ledger.get(work.ident)
        if previous is None or previous.key.lower() != block.key.lower():
            outcomes.append(Outcome(work.ident, block.key, "kept", block.line))
            continue
        wanted = entry_for(work, block.key)
        text = updated_entry(bib, block, previous, wanted)
        new_ledger[work.ident] = wanted
        if text is None:
            outcomes.append(Outcome(work.ident, block.key, "unchanged", block.line))
        else:
            replacements[block.start] = text
            outcomes.append(Outcome(work.ident, block.key, "updated", block.line))
    text = assemble(bib, replacements, [t for _, t in appended], unresolved)
    _locate(text, outcomes)
    return Merged(text, outcomes, new_ledger)


def updated_entry(bib: BibFile, block: Block, previous: BibEntry, wanted: BibEntry) -> str | None:
    """Three-way merge of one of zotbridge's entries: file (user) vs last written vs wanted.
    None when nothing changes."""
    current = {f.name.lower(): f for f in block.fields}
    names = list(wanted.fields) + [n for n in previous.fields if n not in wanted.fields]
    changes: dict[str, str | None] = {}  # lower-case name -> new value text (None: remove)
    additions: list[tuple[str, str]] = []
    for name in names:
        old, new = previous.fields.get(name), wanted.fields.get(name)
        if old == new:
            continue
        here = current.get(name.lower())
        if old is None:
            if here is None and new is not None:
                additions.append((name, _value_text(name, new)))
        elif here is not None and _same(here.value, name, old):
            changes[name.lower()] = None if new is None else _value_text(name, new)
    entry_type = block.entry_type
    if previous.entry_type != wanted.entry_type and block.entry_type == previous.entry_type:
        entry_type = wanted.entry_type
    if not changes and not additions and entry_type == block.entry_type:
        return None
    fields = []
    for f in block.fields:
        if f.name.lower() in changes:
            if changes[f.name.lower()] is not None:
                fields.append((f.name, changes[f.name.lower()]))
        else:
            fields.append((f.name, f.value))
    order = {name.lower(): i for i, name in enumerate(wanted.fields)}
    for name, value in additions:  # where zotbridge would write it: before the first field it precedes
        rank = order.get(name.lower(), len(order))
        at = next((i for i, (n, _v) in enumerate(fields) if order.get(n.lower(), -1) > rank), len(fields))
        fields.insert(at, (name, value))
    lines = [f"@{entry_type}{{{block.key},"]
    lines += [
        f"  {name} = {value}" + ("," if i < len(fields) - 1 else "") for i, (name, value) in enumerate(fields)
    ]
    lines.append("}")
    return bib.newline.join(lines)


def _value_text(name: str, value: str) -> str:
    return value if name == "month" and value in MONTHS else "{" + value + "}"


def _same(raw: str, name: str, value: str) -> bool:
    raw = raw.strip()
    return raw == _value_text(name, value) or raw == f'"{value}"'


def assemble(
    bib: BibFile, replacements: dict[int, str], appended: list[str], unresolved: list[str] | None
) -> str:
    parts: list[str] = []
    comment_block = None
    for block in bib.blocks:
        chunk = replacements.get(block.start, bib.text[block.start : block.end])
        if unresolved is not None and block.entry_type == "comment" and UNRESOLVED_MARK in chunk[:80]:
            comment_block = len(parts)
        parts.append(chunk)
    if unresolved is not None:
        comment = unresolved_comment(unresolved, bib.newline) if unresolved else ""
        if comment_block is not None:
            parts[comment_block] = comment.rstrip(bib.newline)
        elif comment:
            appended = [*appended, comment]
    text = "".join(parts)
    if appended:
        if text and not text.endswith(bib.newline):
            text += bib.newline
        if text.strip():
            text += bib.newline
        text += bib.newline.join(appended)
    return text


def unresolved_comment(lines: list[str], newline: str = "\n") -> str:
    """The ``@comment`` block listing papers zotbridge did not write (``--comment-unresolved``)."""
    body = newline.join("  " + line.replace("{", "(").replace("}", ")") for line in lines)
    return (
        f"@comment{{{UNRESOLVED_MARK} (zotbridge bib --comment-unresolved){newline}{body}{newline}}}{newline}"
    )


def _locate(text: str, outcomes: list[Outcome]) -> None:
    """Line of each paper's entry in the new text (for reports)."""
    starts: dict[str, int] = {}
    for number, piece in enumerate(text.split("\n"), 1):
        if piece.startswith("@") and "{" in piece:
            starts.setdefault(piece.split("{", 1)[1].split(",")[0].strip().lower(), number)
    for outcome in outcomes:
        outcome.line = starts.get(outcome.key.lower(), outcome.line)
