"""Know every arXiv paper already in the library, without downloading it on every run.

The store keeps an index of the library's items (and its collections) with the library version
it reflects; child items (attachments, notes) are in it so that a paper's PDF is known without a
request. A sync asks ``items?since=V&format=versions&includeTrashed=1`` with
``If-Modified-Since-Version: V`` (304 when nothing changed: one request), fetches only the changed
items (50 per request, trashed ones included), applies ``deleted?since=V``, and re-reads the
collection list when it changed. The first sync of a library reads everything once.

What users do in Zotero every day shapes it (zotero/dataserver): items in the trash are left out
of every read unless ``includeTrashed=1``, so without it a trashed paper would look absent and be
created twice; a deleted collection leaves its items' versions alone, so the store forgets it in
every item itself; a collection in the trash is still listed, flagged ``deleted``.

An item is an arXiv paper when its ``archiveID`` (``arXiv:<id>``), an ``arXiv:<id>`` in
``extra``, an arXiv abs/pdf ``url`` or a ``10.48550/arXiv.<id>`` DOI says so — whatever its item
type (the Connector saves published papers as journal articles). Children, notes and standalone
attachments are never papers, whatever their URL says.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from zotbridge.bibtex.keys import pinned_key
from zotbridge.config import Settings
from zotbridge.credentials import load_credentials
from zotbridge.errors import ConfigError, ZotbridgeError
from zotbridge.listing.ids import find_ids
from zotbridge.models import LibraryKeys
from zotbridge.store import Store
from zotbridge.zotero.client import ZoteroClient

log = logging.getLogger(__name__)

ID_FIELDS = ("archiveID", "extra", "url", "DOI")
NOT_PAPERS = ("attachment", "note", "annotation")


def arxiv_id_of(data: dict[str, Any]) -> str | None:
    if data.get("parentItem") or data.get("itemType") in NOT_PAPERS:
        return None
    for name in ID_FIELDS:
        value = data.get(name)
        if not value:
            continue
        for found in find_ids(value):
            if found.arxiv_id:
                return found.arxiv_id
    return None


@dataclass
class LibraryIndex:
    """The library as the store knows it after a sync."""

    name: str  # store key: "<endpoint> users/123"
    by_arxiv: dict[str, list[dict[str, Any]]] = field(
        default_factory=dict
    )  # arXiv id -> item data, oldest first
    trashed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # arXiv id -> items in the trash
    citation_keys: dict[str, str] = field(default_factory=dict)  # lower-case key -> item key
    collections: list[dict[str, Any]] = field(default_factory=list)
    manual_tags: list[str] = field(default_factory=list)  # the library's own tags (type 0), most used first
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # parent key -> child items
    requests: int = 0

    def add(self, arxiv_id: str | None, data: dict[str, Any]) -> None:
        if data.get("parentItem"):
            self.children.setdefault(data["parentItem"], []).append(data)
            return
        if arxiv_id:
            (self.trashed if data.get("deleted") else self.by_arxiv).setdefault(arxiv_id, []).append(data)
        key = pinned_key(data)
        if key:
            self.citation_keys[key.lower()] = data["key"]


def library_name(client: ZoteroClient) -> str:
    return f"{client.base} {client.credentials.prefix}"


def sync(client: ZoteroClient, store: Store) -> LibraryIndex:
    """Bring the store's index of the library up to date and return it."""
    name = library_name(client)
    before = client.requests
    since = store.zotero_version(name)
    response = client.request(
        "GET",
        f"{client.prefix}/items",
        params={"since": since, "format": "versions", "includeTrashed": 1},
        headers={"If-Modified-Since-Version": str(since)} if since else None,
    )
    if response.status_code != 304:
        client.check(response, f"the items of {client.credentials.prefix}")
        changed: dict[str, int] = response.json()
        version = int(response.headers.get("Last-Modified-Version", since))
        items = client.fetch_items(sorted(changed))
        rows = [(i["key"], i["version"], arxiv_id_of(i["data"]), i["data"]) for i in items]
        collections_changed, _ = client.versions("collections", since)
        collections = (
            [c["data"] for c in client.all_collections()] if collections_changed or not since else None
        )
        deleted = client.deleted(since) if since else {"items": [], "collections": []}
        store.sync_zotero(
            name, version, rows, collections, deleted.get("items", []), deleted.get("collections", [])
        )
    index = LibraryIndex(name, collections=store.zotero_collections(name))  # trashed ones flagged `deleted`
    tag_counts: Counter[str] = Counter()
    for arxiv_id, data in sorted(store.zotero_items(name), key=lambda row: row[1].get("dateAdded", "")):
        index.add(arxiv_id, data)
        if data.get("deleted") or data.get("parentItem"):
            continue
        tag_counts.update(t["tag"] for t in data.get("tags", []) if not t.get("type"))
    index.manual_tags = [t for t, _ in tag_counts.most_common()]
    index.requests = client.requests - before
    return index


def library_keys(settings: Settings, store: Store) -> LibraryKeys | None:
    """The keys of the user's Zotero library (after a sync: one request when nothing changed), or
    None when no library is configured: ``bib`` then works from the store and the file alone."""
    try:
        credentials = load_credentials(settings)
    except ConfigError as exc:
        log.info("no Zotero library to read keys from (%s)", exc.message)
        return None
    try:
        with ZoteroClient(settings, credentials) as client:
            index = sync(client, store)
    except ZotbridgeError as exc:  # a .bib must not wait for Zotero
        log.warning(
            "could not read the citation keys of your Zotero library (%s); keys pinned there are not checked",
            exc.message,
        )
        return None
    keys = LibraryKeys(taken=set(index.citation_keys))
    for arxiv_id, copies in index.by_arxiv.items():
        pinned = next((k for k in map(pinned_key, copies) if k), None)
        if pinned:
            keys.pinned[arxiv_id] = pinned
    return keys
