"""Zotero's file upload, the Web API's three steps, written here rather than taken from pyzotero
1.16 (which retries nothing, leaves file-less items behind and cannot name the file; docs/zotero.md).

Authorize (``POST items/<key>/file`` with ``If-None-Match: *``), POST the bytes to storage,
register (``upload=<uploadKey>``): at most 3 requests per file, 1 when Zotero already has the
bytes (``{"exists": 1}``: its storage is deduplicated across libraries). Every answer that leaves a
doubt is settled by reading the item, as Zotero's own client does (``zfs.js``): a 412 "file exists"
or an "Upload key not found" after a lost answer is success when the item's ``md5`` is the file's.
The storage POST is retried by :meth:`ZoteroClient.post_storage`; a storage refusal (an expired
policy, bytes that do not match) starts again at authorization, once.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from zotbridge.errors import StorageRefused
from zotbridge.models import PdfFile
from zotbridge.zotero.client import ZoteroClient, json_object

log = logging.getLogger(__name__)

QUEUE_WAITS = 3  # "Too many queued uploads": wait as told, at most this many times


class FileRefused(Exception):
    """Zotero would not take this one file (its message is the paper's one line)."""


def store_file(client: ZoteroClient, item_key: str, pdf: PdfFile, filename: str) -> str:
    """Give attachment ``item_key`` the file: "uploaded" or "exists" (Zotero had the bytes).
    Raises :class:`StorageRefused` (quota, no file access) or :class:`FileRefused`."""
    data = pdf.path.read_bytes()
    path = f"{client.prefix}/items/{item_key}/file"
    form = {
        "md5": pdf.md5,
        "filename": filename,
        "filesize": str(len(data)),
        "mtime": str(int(time.time() * 1000)),  # milliseconds
        "contentType": "application/pdf",
    }
    for _round in range(2):  # a storage answer that asks for it: authorize once more
        answer = _authorize(client, path, form)
        if answer.get("exists"):
            return "exists"
        if answer.get("settled"):
            return "uploaded"
        if "uploadKey" not in answer or "url" not in answer:
            continue  # neither shape of a success (zfs.js rejects it): ask once more
        stored = client.post_storage(
            answer["url"], answer["prefix"].encode() + data + answer["suffix"].encode(), answer["contentType"]
        )
        if stored.status_code >= 300:  # a policy expired (403), bytes refused (400): authorize again
            log.info("Zotero storage refused the upload (HTTP %d); authorizing again", stored.status_code)
            continue
        response = client.request(
            "POST", path, form={"upload": answer["uploadKey"]}, headers={"If-None-Match": "*"}, ok=(204,)
        )
        if response.status_code == 204:
            return "uploaded"
        if response.status_code in (400, 412) and _has_file(client, item_key, pdf.md5):
            return "uploaded"  # registered by a try whose answer was lost
        if response.status_code == 400 and "Remote file not found" in response.text:
            continue
        raise FileRefused(
            f"Zotero did not register the file: HTTP {response.status_code} {response.text[:120]}"
        )
    raise FileRefused("Zotero did not accept the file after two authorizations")


def _authorize(client: ZoteroClient, path: str, form: dict[str, str]) -> dict[str, Any]:
    for _wait in range(QUEUE_WAITS + 1):
        response = client.request("POST", path, form=form, headers={"If-None-Match": "*"}, ok=(200,))
        status, text = response.status_code, response.text
        if status == 200:
            return json_object(response)
        if "Too many queued uploads" in text:  # 429, 400 or 503, drawn at random by the server
            wait = float(response.headers.get("Retry-After") or 300)
            log.warning("Zotero has too many unfinished uploads of this key; waiting %.0f s", wait)
            client.sleep(wait)
            continue
        if status == 412:  # "file exists": ours if its md5 is this file's
            if _has_file(client, path.split("/")[-2], form["md5"]):
                return {"settled": True}
            raise FileRefused("the attachment already has another file; left as it is")
        if status == 413:
            raise StorageRefused(
                f"Zotero's storage is full ({text.strip()})",
                _megabytes(response.headers.get("Zotero-Storage-Usage")),
                _megabytes(response.headers.get("Zotero-Storage-Quota")),
            )
        if status == 403:
            raise StorageRefused("the API key may not store files in this library (HTTP 403)")
        if status == 404:
            raise FileRefused("the attachment item is gone from Zotero")
        raise FileRefused(f"Zotero refused the file: HTTP {status} {text.strip()[:120]}")
    raise FileRefused("Zotero kept refusing: too many queued uploads")


def _has_file(client: ZoteroClient, item_key: str, md5: str) -> bool:
    """Whether the item already holds exactly these bytes (an answer lost after Zotero committed)."""
    response = client.request("GET", f"{client.prefix}/items/{item_key}")
    if response.status_code != 200:
        return False
    return bool(json_object(response).get("data", {}).get("md5") == md5)


def _megabytes(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
