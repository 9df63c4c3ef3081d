"""``zotbridge bib``: the matched papers of a listing, merged into a ``.bib`` file.

Only matched papers are written; ambiguous and unmatched ones are reported (and listed in an
``@comment`` block when asked). The whole read–merge–replace happens under the file's lock.
``--pdf-dir`` keeps the written entries' PDFs next to the ``.bib``, named by their keys.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from zotbridge.arxiv.pdfs import KeptPdfs, fetch_pdfs, keep_in_directory, versioned_id
from zotbridge.arxiv.resolve import match_listings
from zotbridge.bibtex.bibfile import Block, locked, read_bib_file, replace_atomically
from zotbridge.bibtex.entries import entry_for
from zotbridge.bibtex.keys import Formula, key_for
from zotbridge.bibtex.merge import Outcome, Work, merge
from zotbridge.bibtex.published import published_entry
from zotbridge.config import DEFAULT_KEY_FORMAT, Settings
from zotbridge.errors import InputError, KeyConflict
from zotbridge.listing import ReadOptions
from zotbridge.models import ArxivRecord, BibEntry, LibraryKeys, Match, Progress, PublishedCheck, RecordSource
from zotbridge.store import Store

log = logging.getLogger(__name__)


@dataclass
class BibResult:
    path: Path
    outcomes: dict[str, Outcome]  # by work: the arXiv id of a paper
    not_written: list[Match]
    written: bool = False
    backup: Path | None = None
    dry_run: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    pdf_dir: KeptPdfs | None = None  # what --pdf-dir did
    pdf_failures: dict[str, str] = field(default_factory=dict)  # arXiv id -> why its PDF is missing
    verdicts: dict[str, str] = field(default_factory=dict)  # --published: arXiv id -> published verdict


def write_bibliography(
    matches: list[Match],
    path: Path,
    store: Store,
    style: str = "bibtex",
    template: Formula | None = None,
    comment_unresolved: bool = False,
    dry_run: bool = False,
    library: LibraryKeys | None = None,
) -> BibResult:
    """Merge the entries of ``matches`` into the ``.bib`` at ``path`` (created if missing). The
    command checked the path before any request (:func:`check_output_path`). With ``library``
    (the user's Zotero library), a key pinned on a paper's item is the paper's key when it has
    none yet, and no new key takes one of the library's."""
    template = template or Formula.parse(DEFAULT_KEY_FORMAT)
    path = Path(path)
    records = {m.record.arxiv_id: m.record for m in matches if m.status == "matched" and m.record}
    not_written = [m for m in matches if m.status != "matched"]

    def key_of(work: Work, block: Block | None, file_keys: set[str]) -> str:
        record = records[work.ident]
        if block is not None and block.key:
            return file_key(store, record.arxiv_id, block.key, path)
        taken = file_keys | (library.taken if library else set())
        pinned = library.pinned.get(record.arxiv_id) if library else None
        kept = (
            pinned_key_of(store, record.arxiv_id, pinned, path)
            if pinned and pinned.lower() not in file_keys
            else None
        )
        return kept or key_for(record, template, store, lambda key: key.lower() in taken)

    published = store.applied_versions(records)  # upgraded once (published --apply): cited so since

    def entry_of(work: Work, key: str) -> BibEntry:
        record = records[work.ident]
        entry = entry_for(record, key, style)
        version = published.get(work.ident)
        return published_entry(entry, record.title, version, style == "bibtex") if version else entry

    unresolved = [_unresolved_line(m) for m in not_written] if comment_unresolved else None
    works = [Work(r.arxiv_id, r.arxiv_id, r.doi) for r in records.values()]
    result = merge_into_file(path, store, works, key_of, entry_of, unresolved, dry_run)
    result.not_written = not_written
    return result


def file_key(store: Store, ident: str, key: str, path: Path) -> str:
    """The key an entry of the file already has for a work: it never changes, and becomes the
    work's key if it had none."""
    stored = store.claim_citation_key(ident, [key])
    if stored and stored.lower() != key.lower():
        log.info("%s: %s is cited as %s here (zotbridge's key elsewhere: %s)", path.name, ident, key, stored)
    return key


def merge_into_file(
    path: Path,
    store: Store,
    works: list[Work],
    key_of: Callable[[Work, Block | None, set[str]], str],
    entry_of: Callable[[Work, str], BibEntry],
    unresolved: list[str] | None,
    dry_run: bool,
) -> BibResult:
    """Read, merge and replace the file under its lock (merge.py has the rules); the ledger
    remembers what was written. ``key_of(work, block, file_keys)`` gives each work's key."""
    ledger_path = str(Path(path).resolve())
    with locked(path, store.path.parent / "locks"):
        bib = read_bib_file(path)
        file_keys = {b.key.lower() for b in bib.entries if b.key}
        try:
            merged = merge(
                bib,
                works,
                store.ledger_entries(ledger_path),
                lambda work, block: key_of(work, block, file_keys),
                entry_of,
                unresolved,
            )
        except KeyConflict as exc:
            raise InputError(
                f"{path}:{exc.block.line}: the entry {exc.block.key!r} is another work, but {exc.key!r} is the "
                f"citation key of {exc.arxiv_id} (given earlier, and keys never change)",
                f"rename that entry's key in {path.name}, or write to another file",
            ) from exc
        result = BibResult(path, {o.ident: o for o in merged.outcomes}, [], dry_run=dry_run)
        for outcome in merged.outcomes:
            result.counts[outcome.action] = result.counts.get(outcome.action, 0) + 1
        if dry_run:
            return result
        if merged.text != bib.text:
            result.backup = replace_atomically(path, merged.text)
            result.written = True
        store.put_ledger_entries(ledger_path, merged.ledger)
    return result


def bib_listings(
    names: list[str],
    read_options: ReadOptions,
    settings: Settings,
    path: Path,
    *,
    style: str = "bibtex",
    template: Formula | None = None,
    comment_unresolved: bool = False,
    dry_run: bool = False,
    refresh: bool = False,
    source: RecordSource = "auto",
    progress: Progress | None = None,
    pdf_dir: Path | None = None,
    library_keys: Callable[[Settings, Store], LibraryKeys | None] | None = None,
    publish: Callable[[dict[str, ArxivRecord], Settings, Store], dict[str, PublishedCheck]] | None = None,
) -> tuple[list[Match], BibResult]:
    """``zotbridge bib``: check the output path before any request, resolve, merge into the file;
    with ``pdf_dir``, keep the PDFs there named by the entries' keys. ``library_keys`` reads the
    user's Zotero library's keys (zotero/sync.py), so that pinned keys are respected. ``publish``
    (``--published``) checks the papers' published versions and upgrades their Zotero items
    first (zotero/published.py); the entries of the upgraded papers are then written published."""
    check_output_path(path)
    matches, _requests = match_listings(
        names, read_options, settings, refresh=refresh, progress=progress, source=source
    )
    with Store(settings.home) as store:
        library = library_keys(settings, store) if library_keys else None
        verdicts: dict[str, str] = {}
        if publish is not None:
            records = {m.record.arxiv_id: m.record for m in matches if m.status == "matched" and m.record}
            verdicts = {i: c.verdict for i, c in publish(records, settings, store).items()}
        result = write_bibliography(
            matches, path, store, style, template, comment_unresolved, dry_run, library
        )
        result.verdicts = verdicts
        if pdf_dir is not None and not dry_run:
            _keep_pdfs(matches, result, pdf_dir, settings, store, progress)
    return matches, result


def _keep_pdfs(
    matches: list[Match],
    result: BibResult,
    pdf_dir: Path,
    settings: Settings,
    store: Store,
    progress: Progress | None,
) -> None:
    """The PDFs of the written entries, into ``pdf_dir`` as ``<key>.pdf`` (from the cache, else arXiv)."""
    records = {m.record.arxiv_id: m.record for m in matches if m.status == "matched" and m.record}
    written = {a: o.key for a, o in result.outcomes.items() if o.key and a in records}
    bar = (lambda total, label=None: progress(total, "Downloading PDFs")) if progress else None
    fetched = fetch_pdfs([records[a] for a in written], settings, store, bar)
    files = {}
    for arxiv_id, key in written.items():
        name = versioned_id(records[arxiv_id])
        if name in fetched.files:
            files[key] = fetched.files[name]
        else:
            result.pdf_failures[arxiv_id] = fetched.failures.get(name, "not downloaded")
    result.pdf_dir = keep_in_directory(pdf_dir, files)


def check_output_path(path: Path) -> None:
    """Fail early (before any network work) on a ``.bib`` path that cannot be written."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a directory", "give a file name, e.g. -o refs.bib")
    if not path.parent.is_dir():
        raise InputError(
            f"the directory {path.parent} does not exist", "create it first, or choose another path"
        )


def pinned_key_of(store: Store, ident: str, pinned: str, path: Path) -> str | None:
    """The key pinned in Zotero, unless zotbridge gave the work another one before (keys never
    change: the two are reported, the earlier one is kept); None when another work holds it."""
    stored = store.claim_citation_key(ident, [pinned])
    if stored is None or stored == pinned:
        return stored
    log.warning(
        "%s: %s has the key %s in Zotero but %s in zotbridge's earlier files; %s is kept",
        path.name,
        ident,
        pinned,
        stored,
        stored,
    )
    return stored


def _unresolved_line(match: Match) -> str:
    best = f"; best candidate arXiv:{match.candidates[0].arxiv_id}" if match.candidates else ""
    reason = f" ({match.reason})" if match.reason else ""
    return f"{match.status}: {match.title or '(no title)'}{reason}{best}"
