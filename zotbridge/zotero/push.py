"""``zotbridge push``: file matched papers into a collection, once and only once.

1. Sync the library index (zotero/sync.py) so every arXiv paper already saved is known.
2. Find the collection path, planning the missing levels (zotero/collections.py).
3. Plan per paper: **create** (a new item, filed in the collection at creation), **update** (an
   existing item — whatever its type, however it was saved — gets the collection, the missing
   tags and an empty citation key filled; the user's tags are never removed), **restored** (the
   paper's item is in Zotero's trash: it is taken out, and updated as above, never created
   twice), **unchanged**, or **skip** (not matched). A collection in the trash is no target: a
   new one is made, and the summary says so.
4. Plan each paper's PDF (zotero/attachments.py): a stored "Preprint PDF", a link, or nothing
   when the item has a PDF already.
5. Unless ``dry_run``: download the PDFs (arxiv/pdfs.py: the gate, the cache), create the
   missing collections in one request, items 50 objects per request (a new item's comment note
   and PDF attachment ride in the same request, right after it), updates 50
   per request with their versions; a stale version (412) re-reads the item and
   tries again. An object Zotero could not save this time (a per-object 500 or 503 inside a
   200: one object's transaction failed) is sent again in the same run, with the same key.
   Then the PDF attachments of existing items, and the files.

Item keys of new items are chosen before sending and kept in the store's push journal until
Zotero confirms them, so a run that died anywhere is completed by the next one without a
duplicate: the sync sees what was saved, and a planned item is re-sent with the same key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zotbridge.arxiv.pdfs import KeptPdfs, PdfFetch, fetch_pdfs, keep_in_directory, versioned_id
from zotbridge.arxiv.resolve import match_listings
from zotbridge.bibtex.export import BibResult, check_output_path, write_bibliography
from zotbridge.bibtex.keys import Formula, claim_key, key_for, pinned_key, stem
from zotbridge.bibtex.zotero_entries import cite_item_of
from zotbridge.config import DEFAULT_KEY_FORMAT, Settings
from zotbridge.credentials import Credentials, load_credentials
from zotbridge.listing import ReadOptions
from zotbridge.models import ArxivRecord, Match, PdfAction, PdfMode, Progress, PushAction, RecordSource
from zotbridge.store import Store
from zotbridge.tags.categories import category_tags
from zotbridge.tags.select import TagOptions, tag_records
from zotbridge.zotero import collections as collection_paths
from zotbridge.zotero.attachments import PaperPdf, StorageReport, plan_pdf, take_downloads, upload_files
from zotbridge.zotero.client import MAX_BATCH, TRANSIENT_OBJECT_CODES, ZoteroClient, new_item_key, refused
from zotbridge.zotero.items import comment_note, item_for, shortened_authors, tag_objects
from zotbridge.zotero.published import publish_records
from zotbridge.zotero.sync import LibraryIndex, arxiv_id_of, sync
from zotbridge.zotero.writes import apply_updates

log = logging.getLogger(__name__)


@dataclass
class PaperAction:
    """What push does (or did) for one listed paper (``push --json``)."""

    index: int
    title: str | None
    status: str  # the match status
    arxiv_id: str | None
    action: PushAction
    item_key: str | None = None
    citation_key: str | None = None
    changes: list[str] = field(default_factory=list)
    reason: str = ""
    pdf: PdfAction = "skip"
    pdf_reason: str = ""
    published: str | None = None  # --published: the paper's verdict

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "title": self.title,
            "status": self.status,
            "arxiv_id": self.arxiv_id,
            "action": self.action,
            "item_key": self.item_key,
            "citation_key": self.citation_key,
            "changes": self.changes,
            "reason": self.reason,
            "pdf": self.pdf,
            "pdf_reason": self.pdf_reason,
            **({"published": self.published} if self.published else {}),
        }


@dataclass
class PushResult:
    library: str
    collection: str
    collection_key: str | None
    new_collections: list[str]
    actions: list[PaperAction]
    dry_run: bool
    sync_requests: int = 0
    requests: int = 0  # beyond the sync
    writes: int = 0
    notes: list[str] = field(default_factory=list)  # library states the user should know about
    pdf_mode: PdfMode = "none"
    pdf_downloads: int = 0  # PDFs asked of arXiv in this run (the rest came from the cache)
    storage: StorageReport | None = None
    pdf_dir: KeptPdfs | None = None

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        seen = set()
        for a in self.actions:
            if a.arxiv_id and a.arxiv_id in seen:
                continue
            seen.add(a.arxiv_id)
            counts[a.action] = counts.get(a.action, 0) + 1
        return counts

    def pdf_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for a in {a.arxiv_id: a for a in self.actions if a.arxiv_id}.values():
            counts[a.pdf] = counts.get(a.pdf, 0) + 1
        return counts

    def summary_json(self) -> dict[str, Any]:
        return {
            "summary": {
                "library": self.library,
                "collection": self.collection,
                "collection_key": self.collection_key,
                "new_collections": self.new_collections,
                "dry_run": self.dry_run,
                "counts": self.counts(),
                "sync_requests": self.sync_requests,
                "requests": self.requests,
                "writes": self.writes,
                "notes": self.notes,
                "pdf": {
                    "mode": self.pdf_mode,
                    "counts": self.pdf_counts(),
                    "downloads": self.pdf_downloads,
                    "storage": self.storage.to_json() if self.storage else None,
                    "pdf_dir": {
                        "written": len(self.pdf_dir.written),
                        "present": len(self.pdf_dir.present),
                        "kept_yours": [str(p) for p in self.pdf_dir.kept_yours],
                    }
                    if self.pdf_dir
                    else None,
                },
            }
        }


@dataclass
class _Plan:
    action: PaperAction
    record: ArxivRecord
    item: dict[str, Any]  # existing item data (update) or new item JSON (create)
    tags: list[dict[str, Any]] = field(default_factory=list)
    collection: str = ""
    note: dict[str, Any] | None = None  # the comment note of a new item
    pdf: PaperPdf | None = None  # the paper's PDF plan
    children: list[dict[str, Any]] = field(default_factory=list)  # to send with a new item, until saved
    saved: bool = False  # the new item is in Zotero (its children may still be to send)

    def settle_pdf(self) -> None:
        """The PDF's outcome, as push --json reports it."""
        if self.pdf:
            self.action.pdf, self.action.pdf_reason = self.pdf.action, self.pdf.reason


def push(
    matches: list[Match],
    client: ZoteroClient,
    store: Store,
    collection: str,
    *,
    dry_run: bool = False,
    template: Formula | None = None,
    tag_options: TagOptions | None = None,
    with_category_tags: bool = True,
    comment_notes: bool = False,
    pdf_mode: PdfMode = "none",
    fetch: Callable[[list[ArxivRecord], Progress | None], PdfFetch] | None = None,
    pdf_dir: Path | None = None,
    progress: Progress | None = None,
) -> PushResult:
    """Plan and (unless ``dry_run``) carry out the push of ``matches`` into ``collection``.
    Keyword tags (``tag_options``; count 0 for none) reuse the library's own tag spellings.
    ``comment_notes`` adds the authors' comment as a child note of each new item, as Zotero's
    import does; off by default, as it can double the create requests. ``pdf_mode`` says which
    PDF attachments to make, with the files ``fetch`` gets (also for ``pdf_dir``)."""
    template = template or Formula.parse(DEFAULT_KEY_FORMAT)
    index = sync(client, store)
    tag_options = tag_options or TagOptions()
    tag_options.library_tags = index.manual_tags
    keyword_tags = _keyword_tags(matches, store, index, tag_options)
    start_requests = client.requests
    collection_key, new_collections, notes = collection_paths.resolve(collection, index.collections)
    plans: dict[str, _Plan] = {}
    actions = []
    for m in matches:
        if m.status != "matched" or not m.record:
            actions.append(
                PaperAction(
                    m.index,
                    m.title,
                    m.status,
                    m.arxiv_id,
                    "skip",
                    reason=m.reason or f"not matched ({m.status})",
                )
            )
            continue
        record = m.record
        if record.arxiv_id in plans:  # a repeat in the listing: the same item
            actions.append(plans[record.arxiv_id].action)
            continue
        plan = _plan(
            m,
            record,
            index,
            store,
            client,
            template,
            collection_key,
            keyword_tags.get(record.arxiv_id, []),
            with_category_tags,
            comment_notes,
        )
        plan.pdf = plan_pdf(record, plan.item["key"], index.children.get(plan.item["key"], []), pdf_mode)
        plan.settle_pdf()
        plans[record.arxiv_id] = plan
        actions.append(plan.action)
    result = PushResult(
        client.credentials.prefix,
        collection,
        collection_key,
        [c["name"] for c in new_collections],
        actions,
        dry_run,
        sync_requests=index.requests,
        notes=notes,
        pdf_mode=pdf_mode,
    )
    if not dry_run:
        writes_before = client.writes
        # decided before any write: a run that stops half-way is finished by the next with the same
        # tags (the tags it wrote are the library's then, and would be ranked otherwise)
        store.put_paper_tags(index.name, {a: t for a, t in keyword_tags.items() if a in plans})
        _download_pdfs(list(plans.values()), fetch, pdf_dir, result, progress)
        to_do = [p for p in plans.values() if p.action.action in ("create", "update", "restored")]
        tick = _phase(progress, len(to_do), "Writing to Zotero")
        if new_collections:
            _create_collections(client, new_collections)
        _create_items(client, store, index, [p for p in to_do if p.action.action == "create"], tick)
        _update_items(client, [p for p in to_do if p.action.action in ("update", "restored")], tick)
        _attach_to_existing(client, list(plans.values()))
        pdfs = [p.pdf for p in plans.values() if p.pdf]
        uploads = sum(1 for p in pdfs if p.action == "create" and p.file)
        result.storage = upload_files(client, pdfs, _phase(progress, uploads, "Uploading PDFs"))
        if result.storage.refused:
            result.notes.append(result.storage.note())
        for plan in plans.values():
            plan.settle_pdf()
        result.writes = client.writes - writes_before
    result.requests = client.requests - start_requests
    return result


def _phase(progress: Progress | None, total: int, label: str) -> Callable[..., None]:
    """The tick of a phase's bar, or one that shows nothing."""
    if progress and total:
        return progress(total, label)
    return lambda steps, info=None: None


def _download_pdfs(
    plans: list[_Plan],
    fetch: Callable[[list[ArxivRecord], Progress | None], PdfFetch] | None,
    pdf_dir: Path | None,
    result: PushResult,
    progress: Progress | None,
) -> None:
    """The PDFs the plans need (all of the listing's with ``pdf_dir``), before any write: a
    failed download fails that paper's PDF before its attachment exists."""
    wanted = [p.record for p in plans if pdf_dir or (p.pdf and p.pdf.action == "create")]
    if not wanted or fetch is None:
        return
    fetched = fetch(
        wanted, (lambda total, label=None: progress(total, "Downloading PDFs")) if progress else None
    )
    result.pdf_downloads = fetched.downloads
    take_downloads([p.pdf for p in plans if p.pdf], fetched)
    if pdf_dir:
        files = {
            p.action.citation_key: fetched.files[versioned_id(p.record)]
            for p in plans
            if p.action.citation_key and versioned_id(p.record) in fetched.files
        }
        result.pdf_dir = keep_in_directory(pdf_dir, files)


def _keyword_tags(
    matches: list[Match], store: Store, index: LibraryIndex, options: TagOptions
) -> dict[str, list[str]]:
    """Tags per paper: those it was given before in this library (so a push is repeatable), else
    fresh ones computed over the listing's new papers."""
    if options.count <= 0:
        return {}
    given = store.paper_tags(index.name)
    fresh = [m.record for m in matches if m.status == "matched" and m.record and m.arxiv_id not in given]
    return given | tag_records(fresh, options)


def _plan(
    m: Match,
    record: ArxivRecord,
    index: LibraryIndex,
    store: Store,
    client: ZoteroClient,
    template: Formula,
    collection_key: str,
    keywords: list[str],
    with_category_tags: bool,
    comment_notes: bool,
) -> _Plan:
    copies = index.by_arxiv.get(record.arxiv_id) or index.trashed.get(record.arxiv_id) or []
    existing = copies[0] if copies else None
    own_key = pinned_key(existing) if existing else None  # citationKey, or Citation Key: in Extra
    given = store.claim_citation_key(record.arxiv_id, [own_key]) if own_key else None
    if own_key:
        citation_key = own_key
    else:
        this_item = existing["key"] if existing else None

        def taken(k: str) -> bool:
            return index.citation_keys.get(k.lower(), this_item) != this_item

        if existing:  # Better BibTeX computes the key from the item as it is stored
            base = template.evaluate(cite_item_of(existing)) or stem(record, template)
            citation_key = claim_key(store, record.arxiv_id, base, taken)
        else:  # the item push stores: keys.cite_item
            citation_key = key_for(record, template, store, taken)
    tags = tag_objects(keywords, category_tags(record.categories) if with_category_tags else [])
    # a paper listed by id has no listed title: show arXiv's
    action = PaperAction(
        m.index, m.title or record.title, m.status, record.arxiv_id, "create", citation_key=citation_key
    )
    if existing is None:
        key = store.journal_key(index.name, record.arxiv_id) or new_item_key()
        item = item_for(record, citation_key, [collection_key], keywords, with_category_tags, key=key)
        action.item_key = key
        note = comment_note(record, key) if comment_notes else None
        action.changes = ["create in the collection"] + (["with the comment as a child note"] if note else [])
        action.changes += [
            f"author name shortened to Zotero's 255 bytes: {name[:60]}…" for name in shortened_authors(record)
        ]
        return _Plan(action, record, item, tags, collection_key, note=note)
    action.item_key = existing["key"]
    action.changes = _changes(existing, collection_key, tags, citation_key)
    action.action = "restored" if existing.get("deleted") else "update" if action.changes else "unchanged"
    if given and given != own_key:  # both keys stay: neither may change under a user's \cite
        action.reason = (
            f"the item's citation key is {own_key}; zotbridge's .bib files cite this paper as {given}"
        )
    copies = index.by_arxiv.get(record.arxiv_id, [])
    if len(copies) > 1:
        others = ", ".join(d["key"] for d in copies[1:])
        action.reason = (
            f"the library already holds this paper more than once (also {others}); using {existing['key']}"
        )
    return _Plan(action, record, existing, tags, collection_key)


def _changes(
    item: dict[str, Any], collection_key: str, tags: list[dict[str, Any]], citation_key: str
) -> list[str]:
    changes = ["restore from Zotero's trash"] if item.get("deleted") else []
    if collection_key not in item.get("collections", []):
        changes.append("add to the collection")
    have = {t["tag"] for t in item.get("tags", [])}
    missing = [t["tag"] for t in tags if t["tag"] not in have]
    if missing:
        changes.append("add tags: " + ", ".join(missing))
    if not item.get("citationKey") and "citationKey" in item:
        changes.append(f"set citation key {citation_key}")
    return changes


def _update_body(
    item: dict[str, Any], collection_key: str, tags: list[dict[str, Any]], citation_key: str
) -> dict[str, Any]:
    """Only the properties that change, with the item's version (arrays replace, so they are whole)."""
    body = {"key": item["key"], "version": item["version"]}
    if item.get("deleted"):
        body["deleted"] = 0  # out of the trash
    if collection_key not in item.get("collections", []):
        body["collections"] = [*item.get("collections", []), collection_key]
    have = {t["tag"] for t in item.get("tags", [])}
    missing = [t for t in tags if t["tag"] not in have]
    if missing:
        body["tags"] = [*item.get("tags", []), *missing]
    if not item.get("citationKey") and "citationKey" in item:
        body["citationKey"] = citation_key
    return body


def _create_collections(client: ZoteroClient, planned: list[dict[str, Any]]) -> None:
    failures = client.create_all("collections", planned)
    if failures:
        raise refused(failures, "the collection")


CREATE_ROUNDS = 3  # an object Zotero failed with 500/503 is sent again, at most twice


def _create_items(
    client: ZoteroClient, store: Store, index: LibraryIndex, plans: list[_Plan], tick: Callable[..., None]
) -> None:
    for plan in plans:
        plan.children = [c for c in (plan.note, plan.pdf.attachment if plan.pdf else None) if c]
    pending = plans
    for round_ in range(1, CREATE_ROUNDS + 1):
        again: list[_Plan] = []
        adopted: list[_Plan] = []
        for batch in _batches(pending):
            store.journal(index.name, [(p.record.arxiv_id, p.item["key"]) for p in batch], "sent")
            objects = [o for p in batch for o in ([] if p.saved else [p.item]) + p.children]
            result = client.create("items", objects)
            outcome = {o["key"]: _outcome(result, i) for i, o in enumerate(objects)}
            confirmed = []
            for plan in batch:
                if not plan.saved:
                    saved, failure = outcome[plan.item["key"]]
                    code = (failure or {}).get("code")
                    if saved or code == 412:  # 412: saved by an earlier try whose answer was lost
                        plan.saved = True
                        confirmed.append((plan.record.arxiv_id, plan.item["key"]))
                        if not saved:
                            adopted.append(plan)
                    elif code in TRANSIENT_OBJECT_CODES and round_ < CREATE_ROUNDS:
                        again.append(plan)  # its children failed with it (no parent): all again
                        continue
                    else:
                        _item_failed(
                            plan, (failure or {}).get("message", "Zotero gave no answer for this item")
                        )
                        tick(1)
                        continue
                if _settle_children(plan, outcome, round_ < CREATE_ROUNDS):
                    again.append(plan)
                    continue
                tick(1)
            store.journal(index.name, confirmed, "confirmed")
        _adopt_existing(client, adopted)
        if not again:
            return
        log.info("Zotero could not save %d objects this time (500/503); sending them again", len(again))
        pending = again


def _item_failed(plan: _Plan, message: str) -> None:
    plan.action.action = "failed"
    plan.action.reason = message
    plan.children = []
    if plan.pdf and plan.pdf.action in ("create", "linked"):
        plan.pdf.action, plan.pdf.reason, plan.pdf.attachment = "failed", "the item was not saved", None


def _settle_children(
    plan: _Plan, outcome: dict[str, tuple[dict[str, Any] | None, dict[str, Any] | None]], may_retry: bool
) -> bool:
    """Take the saved children off the plan; True when one is worth sending again."""
    retry = False
    for child in list(plan.children):
        saved, failure = outcome[child["key"]]
        code = (failure or {}).get("code")
        if code in TRANSIENT_OBJECT_CODES and may_retry:
            retry = True
            continue
        plan.children.remove(child)
        if saved or code == 412:
            continue
        message = (failure or {}).get("message", "no answer")
        if child is plan.note:
            plan.action.reason = "saved without its comment note: " + message
        elif plan.pdf:
            plan.pdf.action, plan.pdf.reason, plan.pdf.attachment = "failed", f"Zotero: {message}", None
    return retry


def _batches(plans: list[_Plan]) -> Iterator[list[_Plan]]:
    """Requests of at most 50 objects, a new item and its children always in the same one
    (Zotero saves a child only after its parent)."""
    batch: list[_Plan] = []
    size = 0
    for plan in plans:
        n = (0 if plan.saved else 1) + len(plan.children)
        if batch and size + n > MAX_BATCH:
            yield batch
            batch, size = [], 0
        batch.append(plan)
        size += n
    if batch:
        yield batch


def _attach_to_existing(client: ZoteroClient, plans: list[_Plan]) -> None:
    """The PDF attachments of items that were already in Zotero: 50 per request."""
    todo = [
        p
        for p in plans
        if p.pdf and p.pdf.attachment and p.action.action in ("update", "restored", "unchanged")
    ]
    failures = client.create_all("items", [p.pdf.attachment for p in todo if p.pdf and p.pdf.attachment])
    for plan in todo:
        assert plan.pdf and plan.pdf.attachment
        failure = failures.get(plan.pdf.attachment["key"])
        if failure:
            plan.pdf.action = "failed"
            plan.pdf.reason = f"Zotero: {failure.get('message') or failure.get('code')}"
            plan.pdf.attachment = None


def _outcome(result: dict[str, Any], i: int) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    return result.get("successful", {}).get(str(i)), result.get("failed", {}).get(str(i))


def _adopt_existing(client: ZoteroClient, plans: list[_Plan]) -> None:
    """Planned keys that already exist: those items are these papers (saved by an earlier try or
    run); make sure they have what the plans wanted. One read for all of them, then the updates,
    so a retried 50-object write costs two requests more, not fifty."""
    if not plans:
        return
    found = {i["key"]: i["data"] for i in client.fetch_items([p.item["key"] for p in plans])}
    ours = []
    for plan in plans:
        data = found.get(plan.item["key"])
        if data is None or arxiv_id_of(data) != plan.record.arxiv_id:
            _item_failed(plan, f"item key {plan.item['key']} is taken by another item")
        else:
            ours.append(data)
    by_key = {p.item["key"]: p for p in plans}

    def change(data: dict[str, Any]) -> dict[str, Any]:
        plan = by_key[data["key"]]
        body = _update_body(data, plan.collection, plan.item["tags"], plan.item["citationKey"])
        return {k: v for k, v in body.items() if k not in ("key", "version")}

    for key, message in apply_updates(client, ours, change).items():
        by_key[key].action.reason = f"saved, but not brought up to date: {message}"


def _update_items(client: ZoteroClient, plans: list[_Plan], tick: Callable[..., None]) -> None:
    by_key = {p.item["key"]: p for p in plans}

    def change(data: dict[str, Any]) -> dict[str, Any]:
        plan = by_key[data["key"]]
        body = _update_body(data, plan.collection, plan.tags, plan.action.citation_key or "")
        return {k: v for k, v in body.items() if k not in ("key", "version")}

    for key, message in apply_updates(client, [p.item for p in plans], change, tick).items():
        by_key[key].action.action = "failed"
        by_key[key].action.reason = message


@dataclass
class PushOptions:
    """What ``zotbridge push`` does besides the collection (its command-line options)."""

    dry_run: bool = False
    template: Formula | None = None
    tag_options: TagOptions | None = None
    with_category_tags: bool = True
    comment_notes: bool = False
    bib_path: Path | None = None
    bib_style: str = "bibtex"
    pdf_mode: PdfMode = "stored"  # as Zotero's own import: the PDF, stored
    pdf_dir: Path | None = None
    published: bool = False  # --published: upgrade the published papers' items and entries


def push_listings(
    names: list[str],
    read_options: ReadOptions,
    settings: Settings,
    collection: str,
    options: PushOptions,
    *,
    refresh: bool = False,
    source: RecordSource = "auto",
    progress: Progress | None = None,
) -> tuple[list[Match], PushResult, BibResult | None]:
    """``zotbridge push``: check what can be checked (credentials, the .bib path) before any
    request, resolve the listings, push, write the .bib. ``progress`` is asked for a bar per phase."""
    credentials = _checked(settings, options)
    matches, _requests = match_listings(
        names, read_options, settings, refresh=refresh, progress=progress, source=source
    )
    return (matches, *_push_and_write(matches, settings, credentials, collection, options, progress))


def push_matches(
    matches: list[Match],
    settings: Settings,
    collection: str,
    options: PushOptions,
    progress: Progress | None = None,
) -> tuple[PushResult, BibResult | None]:
    """The job after resolution (the demo's): push, then the BibTeX with the same keys."""
    return _push_and_write(matches, settings, _checked(settings, options), collection, options, progress)


def _checked(settings: Settings, options: PushOptions) -> Credentials:
    credentials = load_credentials(settings)  # no credentials: say so before any arXiv request
    if options.bib_path is not None:
        check_output_path(options.bib_path)
    return credentials


def _push_and_write(
    matches: list[Match],
    settings: Settings,
    credentials: Credentials,
    collection: str,
    options: PushOptions,
    progress: Progress | None,
) -> tuple[PushResult, BibResult | None]:
    with Store(settings.home) as store, ZoteroClient(settings, credentials) as client:
        result = push(
            matches,
            client,
            store,
            collection,
            dry_run=options.dry_run,
            template=options.template,
            tag_options=options.tag_options,
            with_category_tags=options.with_category_tags,
            comment_notes=options.comment_notes,
            pdf_mode=options.pdf_mode,
            fetch=lambda records, bar: fetch_pdfs(records, settings, store, bar),
            pdf_dir=options.pdf_dir,
            progress=progress,
        )
        if options.published:
            failed = {a.arxiv_id for a in result.actions if a.action == "failed"}
            records = {
                m.record.arxiv_id: m.record
                for m in matches
                if m.status == "matched" and m.record and m.record.arxiv_id not in failed
            }
            checks = publish_records(records, settings, store, dry_run=options.dry_run)
            for action in result.actions:
                if action.arxiv_id in checks:
                    action.published = checks[action.arxiv_id].verdict
        bib = None
        if options.bib_path is not None:
            bib = write_bibliography(
                matches, options.bib_path, store, options.bib_style, options.template, dry_run=options.dry_run
            )
    return result, bib
