"""``zotbridge published``: each paper's published version, and with ``--apply`` the upgrade of
its ``.bib`` entry and its Zotero item together.

The Zotero item changes type **in place** (docs/published.md;
zotero-arxiv-workflow does the same): ``conferencePaper`` or ``journalArticle`` with the venue's
fields, same item key — so its collections, tags, notes, attachments and the user's citations
stay. The server's ``setType`` moves a preprint's ``repository`` ("arXiv") into ``publisher``
(the same base field; dataserver ``Item::setType``), so ``publisher`` is always sent, empty when
DBLP has none; arXiv's DOI is replaced or cleared. ``extra`` keeps its lines and its
``arXiv:<id>`` line (Better BibTeX reads the id from it — ``content/arXiv.ts`` accepts
``arXiv:<id>`` with or without a space — and keeps exporting the eprint fields), gets
``Citation Key: <key>`` when the item has no ``citationKey`` (a new type and year must not change
the key Better BibTeX computes), and a provenance line ``zotbridge-published: <source> <id>``. A
child link "Preprint (arXiv)" to the abstract page keeps the preprint one click away. An item that
already looks published and was not upgraded by zotbridge is left alone.

Order of writes, so that a paper is upgraded in both places or in neither: the ``.bib`` changes
are computed, the Zotero items are updated, and only the papers whose item was updated (or that
have none) are written into the ``.bib``. A crash between the two leaves the item upgraded and the
entry not; the re-run finds the item unchanged and upgrades the entry.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zotbridge.arxiv.client import ArxivClient
from zotbridge.arxiv.resolve import match_listings, resolve
from zotbridge.bibtex.export import check_output_path
from zotbridge.bibtex.keys import Formula, claim_key, pinned_key, stem
from zotbridge.bibtex.published import BibUpgrade, plain_title, upgrade_bib
from zotbridge.bibtex.zotero_entries import cite_item_of
from zotbridge.config import DEFAULT_KEY_FORMAT, Settings
from zotbridge.credentials import load_credentials
from zotbridge.errors import ConfigError, InputError
from zotbridge.listing import ReadOptions
from zotbridge.models import (
    VERDICTS,
    ArxivRecord,
    ListedPaper,
    Match,
    Progress,
    PublishedCheck,
    RecordSource,
    VenueRecord,
)
from zotbridge.normalize import latex_to_unicode
from zotbridge.published.resolve import Sources, check_records
from zotbridge.store import Store
from zotbridge.zotero import collections as collection_paths
from zotbridge.zotero.client import MAX_BATCH, ZoteroClient, derived_key
from zotbridge.zotero.sync import LibraryIndex, sync
from zotbridge.zotero.writes import apply_updates

log = logging.getLogger(__name__)

PROVENANCE = "zotbridge-published:"
PREPRINT_LINK_TITLE = "Preprint (arXiv)"
PUBLISHED_TYPES = ("conferencePaper", "journalArticle")
CATALOGS = {"dblp": "DBLP", "acl": "ACL Anthology", "crossref": "Crossref"}  # the item's libraryCatalog
_MARK = re.compile(r" \(.*\)$")  # "EMNLP (Findings)" -> "EMNLP": the conference's name


@dataclass
class PaperVerdict:
    """One listed paper's row: its verdict and what --apply did to its entry and its item."""

    index: int
    title: str
    arxiv_id: str | None
    check: PublishedCheck | None
    reason: str = ""
    bib: str | None = None  # upgraded | unchanged | absent | held (its Zotero item failed)
    zotero: str | None = None  # upgraded | unchanged | absent | published already | failed: …
    item_key: str | None = None
    zotero_changes: dict[str, Any] = field(default_factory=dict)  # the item's fields that change

    def to_json(self) -> dict[str, Any]:
        check, record = self.check, self.check.record if self.check else None
        return {
            "index": self.index,
            "title": self.title,
            "arxiv_id": self.arxiv_id,
            "verdict": check.verdict if check else None,
            "venue": record.venue if record else None,
            "year": record.year if record else None,
            "entry_type": record.entry_type if record and check and check.verdict != "preprint" else None,
            "venue_class": record.venue_class if record else None,
            "container": plain_title(record.fields.get("booktitle") or record.fields.get("journal", ""))
            if record
            else None,
            "pages": record.fields.get("pages") if record else None,
            "doi": _published_doi(record) if record else None,
            "url": record.fields.get("url") if record else None,
            "sources": check.sources if check else [],
            "reason": check.reason if check else self.reason,
            "bib": self.bib,
            "zotero": self.zotero,
            "zotero_changes": self.zotero_changes,
        }


@dataclass
class PublishedResult:
    papers: list[PaperVerdict]
    requests: dict[str, int] = field(default_factory=dict)
    bib: BibUpgrade | None = None
    applied: bool = False
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        """Papers per verdict, in the order of VERDICTS, then those not resolved to arXiv."""
        names = [p.check.verdict if p.check else "not resolved" for p in self.papers]
        return {v: names.count(v) for v in (*VERDICTS, "not resolved") if v in names}

    def summary_json(self) -> dict[str, Any]:
        return {
            "summary": {
                "papers": len(self.papers),
                **self.counts(),
                "requests": self.requests,
                "applied": self.applied,
                "dry_run": self.dry_run,
                "bib": str(self.bib.path) if self.bib else None,
                "bib_written": bool(self.bib and self.bib.written),
            }
        }


def published_listings(
    names: list[str],
    read_options: ReadOptions,
    settings: Settings,
    *,
    bib_path: Path | None = None,
    collection: str | None = None,
    recursive: bool = False,
    apply: bool = False,
    dry_run: bool = False,
    zotero: bool = True,
    refresh: bool = False,
    allow_workshop: bool = False,
    search_all: bool = True,
    source: RecordSource = "auto",
    progress: Progress | None = None,
) -> PublishedResult:
    """``zotbridge published``: the papers of LISTING... (or of a Zotero ``collection``, or the
    arXiv entries of ``bib_path`` when neither is given), their verdicts, and with ``apply`` (or
    ``dry_run``, which only shows) the upgrade of their ``.bib`` entries and Zotero items."""
    if collection is not None:
        if names:
            raise InputError(
                "give LISTING... or --collection, one of the two", "run zotbridge published once for each"
            )
        matches = _collection_papers(settings, collection, recursive, refresh)
    elif not names and bib_path is None:
        raise InputError(
            "give LISTING..., --collection or --bib FILE",
            "zotbridge published page.txt --bib refs.bib --apply",
        )
    if bib_path is not None and not names and collection is None and not bib_path.exists():
        raise InputError(f"{bib_path} does not exist", "give the .bib file whose preprints to upgrade")
    if bib_path is not None and (apply or dry_run):
        check_output_path(bib_path)  # before any request
    if collection is None:
        if not names and bib_path is not None:
            names, read_options = (
                [str(bib_path)],
                ReadOptions(format="bibtex", encoding=read_options.encoding),
            )
        matches, _ = match_listings(
            names, read_options, settings, refresh=refresh, progress=progress, source=source
        )
    records = {m.record.arxiv_id: m.record for m in matches if m.status == "matched" and m.record}
    with Store(settings.home) as store:
        checks, requests = check_published(
            records, settings, store, refresh, allow_workshop, search_all, progress
        )
        result = PublishedResult([_row(m, checks) for m in matches], requests, dry_run=dry_run)
        if not (apply or dry_run):
            return result
        applied = apply_published(
            published_versions(records, checks), settings, store, bib_path, dry_run, zotero
        )
    result.bib, result.applied = applied.bib, not dry_run
    result.requests["zotero"] = applied.zotero_requests
    for paper in result.papers:
        if paper.arxiv_id in applied.zotero:
            paper.zotero, paper.item_key = applied.zotero[paper.arxiv_id]
            paper.zotero_changes = applied.changes.get(paper.arxiv_id or "", {})
        if paper.arxiv_id in applied.held:
            paper.bib = "held (its Zotero item was not upgraded)"
        elif applied.bib and paper.arxiv_id in applied.bib.actions:
            paper.bib = applied.bib.actions[paper.arxiv_id]
    return result


def check_published(
    records: dict[str, ArxivRecord],
    settings: Settings,
    store: Store,
    refresh: bool = False,
    allow_workshop: bool = False,
    search_all: bool = True,
    progress: Progress | None = None,
) -> tuple[dict[str, PublishedCheck], dict[str, int]]:
    """The verdicts of ``records`` and the requests each source took."""
    with Sources.open(settings) as sources:
        checks = check_records(
            records.values(),
            sources,
            store,
            settings,
            refresh=refresh,
            allow_workshop=allow_workshop,
            search_all=search_all,
            progress=progress,
        )
        return checks, sources.requests


def published_versions(
    records: dict[str, ArxivRecord], checks: dict[str, PublishedCheck]
) -> dict[str, tuple[ArxivRecord, VenueRecord]]:
    return {
        i: (records[i], c.record)
        for i, c in checks.items()
        if c.verdict == "published" and c.record is not None
    }


@dataclass
class Applied:
    """What an upgrade did: per arXiv id the Zotero outcome and item key, the papers held back
    (their item failed, so their entry was not touched), and the .bib's upgrade."""

    zotero: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)  # arXiv id -> the item's changed fields
    held: set[str] = field(default_factory=set)
    bib: BibUpgrade | None = None
    zotero_requests: int = 0


def apply_published(
    versions: dict[str, tuple[ArxivRecord, VenueRecord]],
    settings: Settings,
    store: Store,
    bib_path: Path | None,
    dry_run: bool = False,
    zotero: bool = True,
) -> Applied:
    """Upgrade the Zotero items first, then the ``.bib`` entries of the papers whose item was
    upgraded or has none; remember the papers as applied (bibtex/export.py writes them published
    from then on)."""
    applied = _upgrade_zotero(settings, store, versions, dry_run) if zotero else Applied()
    if bib_path is not None:
        wanted = {i: v for i, v in versions.items() if i not in applied.held}
        applied.bib = upgrade_bib(bib_path, wanted, store, dry_run=dry_run)
    if not dry_run:
        store.put_applied_versions({i: v for i, (_r, v) in versions.items() if i not in applied.held})
    return applied


def publish_records(
    records: dict[str, ArxivRecord],
    settings: Settings,
    store: Store,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> dict[str, PublishedCheck]:
    """``--published`` of push and bib: check the papers and upgrade the Zotero items of the
    published ones; the command then writes their .bib entries in the published form (the store
    remembers them as applied), except for papers whose item could not be upgraded."""
    checks, _requests = check_published(records, settings, store, progress=progress)
    apply_published(published_versions(records, checks), settings, store, None, dry_run)
    return checks


def _collection_papers(settings: Settings, collection: str, recursive: bool, refresh: bool) -> list[Match]:
    """The arXiv papers of a Zotero collection (its sub-collections too with ``recursive``), as
    matches of their ids: their arXiv records come from the store, else from arXiv."""
    credentials = load_credentials(settings)
    with Store(settings.home) as store, ZoteroClient(settings, credentials) as client:
        index = sync(client, store)
        key = collection_paths.existing(collection, index.collections, credentials.prefix)
        wanted = set(collection_paths.descendants(key, index.collections) if recursive else [key])
        ids = list(
            dict.fromkeys(
                arxiv_id
                for arxiv_id, data in sorted(
                    store.zotero_items(index.name), key=lambda r: r[1].get("dateAdded", "")
                )
                if arxiv_id
                and not data.get("deleted")
                and not data.get("parentItem")
                and wanted & set(data.get("collections", []))
            )
        )
        papers = [
            ListedPaper(f"{collection}:{i + 1}", "arxiv_id", arxiv_id=a, index=i) for i, a in enumerate(ids)
        ]
        with ArxivClient(settings) as arxiv:
            return resolve(papers, arxiv, store, refresh=refresh)


def _row(match: Match, checks: dict[str, PublishedCheck]) -> PaperVerdict:
    if match.status != "matched" or match.record is None:
        return PaperVerdict(
            match.index, match.title or "", None, None, f"not resolved to arXiv ({match.status})"
        )
    return PaperVerdict(
        match.index, match.title or match.record.title, match.record.arxiv_id, checks[match.record.arxiv_id]
    )


def _upgrade_zotero(
    settings: Settings, store: Store, versions: dict[str, tuple[ArxivRecord, VenueRecord]], dry_run: bool
) -> Applied:
    """Upgrade the library's items of the published papers (none when no library is configured)."""
    applied = Applied()
    try:
        credentials = load_credentials(settings)
    except ConfigError:
        applied.zotero = {i: ("not configured", None) for i in versions}
        return applied
    with ZoteroClient(settings, credentials) as client:
        index = sync(client, store)
        items = {i: index.by_arxiv[i][0] for i in versions if index.by_arxiv.get(i)}
        keys = {i: _citation_key(data, versions[i][0], index, store) for i, data in items.items()}
        by_key = {data["key"]: i for i, data in items.items()}

        def change(data: dict[str, Any]) -> dict[str, Any]:
            arxiv_id = by_key[data["key"]]
            record, version = versions[arxiv_id]
            return item_changes(data, record, version, keys[arxiv_id])

        applied.changes = {i: change(d) for i, d in items.items()}
        outcome = {i: ("upgraded" if applied.changes[i] else _unchanged(d)) for i, d in items.items()}
        todo = [d for i, d in items.items() if outcome[i] == "upgraded"]
        failures = {} if dry_run else apply_updates(client, todo, change)
        if not dry_run:
            ours = {
                i: d
                for i, d in items.items()
                if d["key"] not in failures and outcome[i] != "published already"
            }
            _link_preprints(client, ours, index)
        applied.zotero_requests = client.requests
    for arxiv_id in versions:
        data = items.get(arxiv_id)
        if data is None:
            applied.zotero[arxiv_id] = ("absent", None)
        elif data["key"] in failures:
            applied.zotero[arxiv_id] = (f"failed: {failures[data['key']]}", data["key"])
            applied.held.add(arxiv_id)
        else:
            applied.zotero[arxiv_id] = (outcome[arxiv_id], data["key"])
    return applied


def preprint_link(parent_key: str, arxiv_id: str) -> dict[str, Any]:
    """A link to the arXiv abstract page under the upgraded item, so the preprint stays one click
    away (its PDF, if any, stays too); its key follows from the parent's, so it is made once."""
    return {
        "key": derived_key(parent_key, "arxiv-preprint"),
        "version": 0,
        "itemType": "attachment",
        "parentItem": parent_key,
        "linkMode": "linked_url",
        "title": PREPRINT_LINK_TITLE,
        "accessDate": "CURRENT_TIMESTAMP",
        "url": f"https://arxiv.org/abs/{arxiv_id}",
        "note": "",
        "contentType": "text/html",
        "charset": "",
        "tags": [],
        "relations": {},
    }


def _link_preprints(client: ZoteroClient, items: dict[str, dict[str, Any]], index: LibraryIndex) -> None:
    """Add the arXiv link to each upgraded item that has none (a link to the abstract page or a
    child with the link's key); a link that fails is made by the next run."""
    links = []
    for arxiv_id, data in items.items():
        children = index.children.get(data["key"], [])
        link = preprint_link(data["key"], arxiv_id)
        if not any(
            c["key"] == link["key"] or f"arxiv.org/abs/{arxiv_id}" in (c.get("url") or "") for c in children
        ):
            links.append(link)
    for start in range(0, len(links), MAX_BATCH):
        result = client.create("items", links[start : start + MAX_BATCH])
        for failure in result.get("failed", {}).values():
            if failure.get("code") != 412:  # 412 to a version-0 write of its key: it exists already
                log.warning(
                    "the arXiv link of %s was not added: %s", failure.get("key"), failure.get("message")
                )


def _unchanged(data: dict[str, Any]) -> str:
    return "unchanged" if PROVENANCE in (data.get("extra") or "") else "published already"


def _citation_key(data: dict[str, Any], record: ArxivRecord, index: LibraryIndex, store: Store) -> str:
    """The key the item is cited by now: pinned, or the one Better BibTeX computes from it as it is
    stored (before its type and year change)."""
    pinned = pinned_key(data)
    if pinned:
        return pinned
    template = Formula.parse(DEFAULT_KEY_FORMAT)

    item_key: str = data["key"]

    def taken(key: str) -> bool:
        return index.citation_keys.get(key.lower(), item_key) != item_key

    base = template.evaluate(cite_item_of(data)) or stem(record, template)
    return claim_key(store, record.arxiv_id, base, taken)


def item_changes(
    data: dict[str, Any], record: ArxivRecord, version: VenueRecord, citation_key: str
) -> dict[str, Any]:
    """The properties that make ``data`` the published version's item; empty when it is already,
    or when it looks published and zotbridge did not make it so (never a downgrade)."""
    extra = data.get("extra") or ""
    if data.get("itemType") in PUBLISHED_TYPES and PROVENANCE not in extra and _looks_published(data):
        return {}
    item_type = "journalArticle" if version.entry_type == "article" else "conferencePaper"
    f = version.fields
    wanted: dict[str, Any] = {"itemType": item_type}
    if _drifted(record.title, version.title):  # the camera-ready title changed
        wanted["title"] = latex_to_unicode(plain_title(version.title))
    if item_type == "conferencePaper":
        wanted |= {
            "proceedingsTitle": _text(f.get("booktitle", "")),
            "conferenceName": f"{_MARK.sub('', version.venue)} {version.year or ''}".strip(),
            "publisher": _text(f.get("publisher", "")),
            "series": _text(f.get("series", "")),
        }
    else:
        wanted |= {
            "publicationTitle": _text(f.get("journal", "")),
            "journalAbbreviation": _text(
                version.venue if version.source == "crossref" else f.get("journal", "")
            ),
            "issue": _text(f.get("number", "")),
        }
    wanted |= {
        "volume": _text(f.get("volume", "")),
        "pages": f.get("pages", "").replace("--", "-"),
        "DOI": _published_doi(version) or "",
        "url": f.get("url") or data.get("url", ""),
        "date": str(version.year) if version.year else data.get("date", ""),
        "libraryCatalog": CATALOGS.get(version.source, version.source),
        "extra": _extra(
            extra, record.arxiv_id, citation_key if not data.get("citationKey") else None, version
        ),
    }
    current_type = data.get("itemType")
    return {
        name: value
        for name, value in wanted.items()
        if current_type != item_type or (data.get(name) or "") != value
    }


def _extra(extra: str, arxiv_id: str, citation_key: str | None, version: VenueRecord) -> str:
    lines = [line for line in extra.splitlines() if not line.startswith(PROVENANCE)]
    if not any(
        re.search(rf"(?:^|\s)(?:arXiv:\s*)?{re.escape(arxiv_id)}(?:v\d+)?(?:\s|$)", line) for line in lines
    ):
        lines.append(f"arXiv:{arxiv_id}")
    if citation_key and not any(line.lower().startswith("citation key:") for line in lines):
        lines.append(f"Citation Key: {citation_key}")
    lines.append(f"{PROVENANCE} {version.source} {version.ident}")
    return "\n".join(lines)


def _looks_published(data: dict[str, Any]) -> bool:
    venue = data.get("proceedingsTitle") or data.get("publicationTitle") or ""
    return bool(venue) and not re.search(r"arxiv|corr|preprint", venue, re.I)


def _drifted(arxiv_title: str, published: str) -> bool:
    key = re.compile(r"[^a-z0-9]")
    return key.sub("", arxiv_title.lower()) != key.sub("", plain_title(published).lower())


def _text(value: str) -> str:
    """A DBLP BibTeX value as Zotero text: braces and TeX escapes gone."""
    return latex_to_unicode(plain_title(value)) if value else ""


def _published_doi(version: VenueRecord) -> str | None:
    doi = version.fields.get("doi")
    return None if not doi or doi.lower().startswith("10.48550/") else doi
