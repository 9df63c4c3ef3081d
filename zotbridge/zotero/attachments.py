"""A paper's PDF in a push: which attachment, made when, and what happens when Zotero says no.

What Zotero's own arXiv import makes (translator ``arXiv.org.js``, ``xpcom/attachments.js``;
docs/zotero.md): a child attachment titled "Preprint PDF", ``imported_url``, ``application/pdf``,
whose ``url`` is the versioned PDF and whose file is named from its parent, "{firstCreator} -
{year} - {title ≤ 100}.pdf" (``renameFiles.mjs``), cleaned as ``Zotero.File.getValidFileName``
does. ``--pdf linked`` makes a ``linked_url`` attachment to the same URL: no file, no quota.

The order keeps Zotero clean (a failed download never leaves an attachment; Zotero desktop
downloads first too): the PDFs are downloaded before any write; the attachment items ride in the
same create requests as their new parents (or one request per 50 for existing items); then each
file is uploaded (files.py). An item that already has a PDF — saved by the Connector, by hand,
linked, or by an earlier push — gets none. When the storage quota is full (413) or the key may not
store files (403), the paper and all the rest get ``linked_url`` attachments, and the empty stored
attachments are deleted, so none is left behind. Attachment keys follow from the parent's key: a
re-sent attachment is refused as existing, and a run that stopped between the item and its file
is finished by the next (its empty attachment is found in the synced index and gets its file).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from zotbridge.arxiv.pdfs import PdfFetch
from zotbridge.errors import ServiceError, StorageRefused
from zotbridge.models import ArxivRecord, PdfAction, PdfFile, PdfMode
from zotbridge.zotero.client import MAX_BATCH, ZoteroClient, derived_key
from zotbridge.zotero.files import FileRefused, store_file
from zotbridge.zotero.items import creator

PDF_TITLE = "Preprint PDF"
PDF_URL = "https://arxiv.org/pdf/{id}v{version}"  # arXiv's canonical form, whatever host served it
_ILLEGAL = re.compile(r'[/\\?*:|"<>]')
_NOT_XML = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]")


def pdf_url(record: ArxivRecord) -> str:
    return PDF_URL.format(id=record.arxiv_id, version=record.version)


def attachment_key(parent_key: str, mode: str) -> str:
    """The key of a paper's PDF attachment: one per parent and mode, whatever run sends it."""
    return derived_key(parent_key, "pdf" if mode == "stored" else "pdf-link")


def file_name(record: ArxivRecord) -> str:
    """The name Zotero gives the file: "Vaswani et al. - 2017 - Attention Is All You Need.pdf"."""
    names = [c.get("lastName") or c.get("name", "") for c in map(creator, record.authors) if c]
    names = [n for n in names if n]
    first = (
        ""
        if not names
        else names[0]
        if len(names) == 1
        else f"{names[0]} and {names[1]}"
        if len(names) == 2
        else f"{names[0]} et al."
    )
    title = " ".join(record.title.split())[:100].strip()
    base = " - ".join(part for part in (first, record.updated[:4], title) if part)
    return valid_file_name(base) + ".pdf"


def valid_file_name(name: str) -> str:
    """``Zotero.File.getValidFileName``: no path or shell characters, no hidden files, NFC."""
    name = _ILLEGAL.sub("", name)
    name = re.sub(r"[\r\n\t]+", " ", name)
    name = re.sub("[\u2000-\u200a\u2028\u2029]", " ", name)
    name = re.sub("[\u200b-\u200e\u2068\u2069]", "", name)
    name = _NOT_XML.sub("", unicodedata.normalize("NFC", name))
    name = name.lstrip(".")
    return name if name not in ("", ".", "..") else "_"


def stored_attachment(parent_key: str, record: ArxivRecord) -> dict[str, Any]:
    """The "Preprint PDF" child item, before its file (``md5``/``mtime`` come with the upload)."""
    item = _attachment(parent_key, record, "stored")
    return item | {"filename": file_name(record), "md5": None, "mtime": None}


def linked_attachment(parent_key: str, record: ArxivRecord) -> dict[str, Any]:
    """A link to the PDF: what the Connector saves when snapshots are off (no file properties:
    Zotero refuses them on a link)."""
    return _attachment(parent_key, record, "linked")


def _attachment(parent_key: str, record: ArxivRecord, mode: str) -> dict[str, Any]:
    return {
        "key": attachment_key(parent_key, mode),
        "version": 0,
        "itemType": "attachment",
        "parentItem": parent_key,
        "linkMode": "imported_url" if mode == "stored" else "linked_url",
        "title": PDF_TITLE,
        "accessDate": "CURRENT_TIMESTAMP",
        "url": pdf_url(record),
        "note": "",
        "contentType": "application/pdf",
        "charset": "",
        "tags": [],
        "relations": {},
    }


def is_pdf(data: dict[str, Any]) -> bool:
    """Whether a child item is a PDF, however it was saved (Connector, by hand, a link)."""
    if data.get("itemType") != "attachment":
        return False
    if data.get("contentType") == "application/pdf":
        return True
    names = (data.get("filename") or "", data.get("path") or "", data.get("url") or "")
    return any(n.lower().endswith(".pdf") or "arxiv.org/pdf/" in n for n in names)


def waiting_upload(children: list[dict[str, Any]], parent_key: str) -> dict[str, Any] | None:
    """Our stored attachment still without its file (a run stopped between the two): the upload
    is finished, never a second attachment made."""
    for child in children:
        if child.get("key") == attachment_key(parent_key, "stored") and not child.get("md5"):
            return child
    return None


@dataclass
class PaperPdf:
    """One paper's PDF in a push: the plan (``action``), then what happened to it."""

    record: ArxivRecord
    parent_key: str
    action: PdfAction
    reason: str = ""
    attachment: dict[str, Any] | None = None  # the child item to create
    waiting: dict[str, Any] | None = None  # our stored attachment of an earlier run, still without its file
    discard: dict[str, Any] | None = None  # an empty stored attachment of ours that must go
    file: PdfFile | None = None


def plan_pdf(record: ArxivRecord, parent_key: str, children: list[dict[str, Any]], mode: PdfMode) -> PaperPdf:
    """What the paper's PDF needs, from the parent's children as the synced index has them."""
    waiting = waiting_upload(children, parent_key)
    others = [c for c in children if c is not waiting]
    if mode == "none":
        return PaperPdf(record, parent_key, "skip", "--pdf none")
    if any(is_pdf(c) for c in others):
        return PaperPdf(record, parent_key, "exists", "the item already has a PDF", discard=waiting)
    if waiting and mode == "stored":
        return PaperPdf(record, parent_key, "create", "finishing an earlier upload", waiting=waiting)
    attachment = (stored_attachment if mode == "stored" else linked_attachment)(parent_key, record)
    action: PdfAction = "create" if mode == "stored" else "linked"
    return PaperPdf(record, parent_key, action, attachment=attachment, discard=waiting)


def take_downloads(pdfs: list[PaperPdf], fetched: PdfFetch) -> None:
    """Give each stored PDF its file; a failed download fails that paper's PDF alone, before any
    attachment is made."""
    for pdf in pdfs:
        if pdf.action != "create":
            continue
        name = f"{pdf.record.arxiv_id}v{pdf.record.version}"
        pdf.file = fetched.files.get(name)
        if pdf.file is None:
            _fail(pdf, "arXiv: " + fetched.failures.get(name, "not downloaded"))


def _fail(pdf: PaperPdf, reason: str) -> None:
    pdf.action, pdf.reason = "failed", reason
    pdf.attachment = None
    if pdf.waiting:  # an empty attachment of an earlier run must not stay
        pdf.discard, pdf.waiting = pdf.waiting, None


@dataclass
class StorageReport:
    """What the uploads cost and, when Zotero's storage refused, the figures for the summary."""

    uploaded: int = 0
    deduplicated: int = 0  # Zotero had the bytes already: no upload
    refused: str = ""  # why Zotero stores no more files (quota, access)
    used_mb: float | None = None
    quota_mb: float | None = None
    needed_bytes: int = 0  # the PDFs that were linked instead

    def to_json(self) -> dict[str, Any]:
        return {
            "uploaded": self.uploaded,
            "deduplicated": self.deduplicated,
            "refused": self.refused or None,
            "used_mb": self.used_mb,
            "quota_mb": self.quota_mb,
            "needed_mb": round(self.needed_bytes / (1024 * 1024), 1) if self.needed_bytes else 0,
        }

    def note(self) -> str:
        """The summary line when Zotero refused to store files."""
        if not self.refused:
            return ""
        used = (
            f" ({self.used_mb:g} MB of {self.quota_mb:g} MB used)"
            if self.used_mb is not None and self.quota_mb is not None
            else ""
        )
        return (
            f"{self.refused}{used}; {self.needed_bytes / (1024 * 1024):.1f} MB more were needed: "
            "the remaining papers got linked PDFs instead"
        )


def upload_files(client: ZoteroClient, pdfs: list[PaperPdf], tick: Callable[..., None]) -> StorageReport:
    """Upload the file of every stored attachment that Zotero now has (or had from an earlier
    run); then delete the empty ones and make links where storage was refused."""
    report = StorageReport()
    to_link: list[PaperPdf] = []
    for pdf in pdfs:
        target = pdf.waiting or pdf.attachment
        if pdf.action != "create" or target is None or pdf.file is None:
            continue
        if report.refused:
            to_link.append(pdf)
            continue
        try:
            outcome = store_file(
                client, target["key"], pdf.file, target.get("filename") or file_name(pdf.record)
            )
        except StorageRefused as refusal:
            report.refused, report.used_mb, report.quota_mb = (
                refusal.reason,
                refusal.used_mb,
                refusal.quota_mb,
            )
            to_link.append(pdf)
        except (FileRefused, ServiceError) as failure:
            _fail(pdf, f"Zotero: {failure}")
            pdf.discard = target
        else:
            report.uploaded += outcome == "uploaded"
            report.deduplicated += outcome == "exists"
            if outcome == "exists":
                pdf.action, pdf.reason = "exists", "Zotero had these bytes already: not uploaded again"
        tick(1)
    for pdf in to_link:
        report.needed_bytes += pdf.file.size if pdf.file else 0
        pdf.discard = pdf.waiting or pdf.attachment
        pdf.waiting = None
        pdf.action, pdf.reason = "linked", report.refused
        pdf.attachment = linked_attachment(pdf.parent_key, pdf.record)
    _discard(client, pdfs)
    failures = client.create_all("items", [p.attachment for p in to_link if p.attachment])
    for pdf in to_link:
        if pdf.attachment and pdf.attachment["key"] in failures:
            pdf.action = "failed"
            pdf.reason = "no link either: " + str(failures[pdf.attachment["key"]].get("message"))
    return report


def _discard(client: ZoteroClient, pdfs: list[PaperPdf]) -> None:
    """Delete the empty stored attachments of ours (refused, failed, or replaced by a link)."""
    keys = [p.discard["key"] for p in pdfs if p.discard]
    for start in range(0, len(keys), MAX_BATCH):
        client.delete_items(keys[start : start + MAX_BATCH])
    for pdf in pdfs:
        pdf.discard = None
