"""``zotbridge bib --collection "A/B" -o refs.bib``: a Zotero collection's ``.bib``, from the web API.

Better BibTeX's auto-export needs a running Zotero desktop; this works anywhere (a server, CI, next
to an Overleaf-synced project):

1. Sync the library index (zotero/sync.py): one request when nothing changed, and only the changed
   items otherwise — so a second export of an unchanged library costs one request.
2. The collection (``--recursive``: and every collection below it, none in the trash); its items,
   not in the trash, that are entries — notes and attachments are not.
3. Each item's key: an entry of the file already citing it keeps its key; else the item's pinned
   key (``citationKey``, or ``Citation Key:`` in Extra); else the key the paper was given before;
   else Better BibTeX's formula on the item (bibtex/keys.py), clear of every key of the file, the
   library and the store, compared without case. Keys are not written back to Zotero.
4. The entry as Better BibTeX maps the item (bibtex/zotero_entries.py), merged into the file with
   the same rules as a listing's (bibtex/merge.py): the user's entries, comments and ``@string``s
   untouched, zotbridge's entries updated, an atomic replace with a ``.bak``. An item of an arXiv
   paper is the same work as that paper written from a listing (by arXiv id, or by DOI): one
   entry, whichever command wrote it last.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zotbridge.bibtex.bibfile import Block
from zotbridge.bibtex.export import BibResult, check_output_path, file_key, merge_into_file, pinned_key_of
from zotbridge.bibtex.keys import Formula, claim_key, pinned_key
from zotbridge.bibtex.merge import Work
from zotbridge.bibtex.zotero_entries import NOT_ENTRIES, cite_item_of, doi_of, item_entry
from zotbridge.config import DEFAULT_KEY_FORMAT, Settings
from zotbridge.credentials import load_credentials
from zotbridge.store import Store
from zotbridge.zotero import collections as collection_paths
from zotbridge.zotero.client import ZoteroClient
from zotbridge.zotero.sync import arxiv_id_of, sync


@dataclass
class CollectionBib:
    """What ``bib --collection`` did: per item, its work and entry; the file's result."""

    collection: str
    items: list[dict[str, Any]]  # the items written, in order
    works: list[Work]
    result: BibResult
    requests: int = 0
    notes: list[str] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        """``bib --collection --json``: one object per item."""
        out = []
        for data, work in zip(self.items, self.works, strict=True):
            outcome = self.result.outcomes.get(work.ident)
            out.append(
                {
                    "item_key": data["key"],
                    "item_type": data.get("itemType"),
                    "title": data.get("title"),
                    "arxiv_id": work.arxiv_id,
                    "doi": work.doi,
                    "key": outcome.key if outcome else None,
                    "action": outcome.action if outcome else "skipped",
                    "line": outcome.line if outcome else None,
                }
            )
        return out


def work_of(data: dict[str, Any]) -> Work:
    """The work an item is: an arXiv paper by its id, else by its DOI, else the item itself."""
    arxiv_id, doi = arxiv_id_of(data), doi_of(data)
    if arxiv_id:
        return Work(arxiv_id, arxiv_id, None if doi and doi.lower().startswith("10.48550/") else doi)
    return Work(f"doi:{doi.lower()}" if doi else f"zotero:{data['key']}", None, doi)


def bib_collection(
    settings: Settings,
    collection: str,
    path: Path,
    *,
    style: str = "bibtex",
    template: Formula | None = None,
    recursive: bool = False,
    dry_run: bool = False,
) -> CollectionBib:
    """Write (merge) the collection's entries into ``path``; see the module's docstring."""
    check_output_path(path)
    credentials = load_credentials(settings)
    template = template or Formula.parse(DEFAULT_KEY_FORMAT)
    with Store(settings.home) as store, ZoteroClient(settings, credentials) as client:
        index = sync(client, store)
        key = collection_paths.existing(collection, index.collections, credentials.prefix)
        wanted = set(collection_paths.descendants(key, index.collections) if recursive else [key])
        items = sorted(
            (
                data
                for _arxiv_id, data in store.zotero_items(index.name)
                if not data.get("deleted")
                and not data.get("parentItem")
                and data.get("itemType") not in NOT_ENTRIES
                and wanted & set(data.get("collections", []))
            ),
            key=lambda data: (data.get("dateAdded", ""), data["key"]),
        )
        works = [work_of(data) for data in items]
        by_ident = {w.ident: d for w, d in zip(works, items, strict=True)}
        library_taken = set(index.citation_keys)

        def key_of(work: Work, block: Block | None, file_keys: set[str]) -> str:
            data = by_ident[work.ident]
            if block is not None and block.key:
                return file_key(store, work.ident, block.key, path)
            pinned = pinned_key(data)
            kept = pinned_key_of(store, work.ident, pinned, path) if pinned else None
            if kept:
                return kept
            base = template.evaluate(cite_item_of(data)) or f"zotero-item-{data['key']}"
            taken = file_keys | library_taken
            return claim_key(store, work.ident, base, lambda k: k.lower() in taken)

        result = merge_into_file(
            path,
            store,
            works,
            key_of,
            lambda work, key: item_entry(by_ident[work.ident], key, style),
            None,
            dry_run,
        )
        return CollectionBib(collection, items, works, result, requests=client.requests)
