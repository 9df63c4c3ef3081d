"""Zotero File Storage in the emulator: the three-step upload, downloads, quota and dedupe.

The checks and their order are the dataserver's (``controllers/ItemsController.php``,
``model/Storage.inc.php``, ``tests/remote/tests/3/file.test.js``; docs/sandbox.md):

* authorization (``POST items/<key>/file`` with ``md5, filename, filesize, mtime``): 404 item, 403
  no file access, 400 not an attachment or a linked one, 428 no ``If-Match``/``If-None-Match``,
  412 when the precondition fails (without ``Last-Modified-Version`` when ``If-Match`` names a
  file that does not exist), 400 for each missing or bad parameter, then the quota (413 with
  ``Zotero-Storage-Usage``/``-Quota``/``-UserID``, in MB rounded to 0.1, checked **before**
  dedupe), then dedupe (bytes the server has, from any library: ``{"exists": 1}``, and the item
  has its file), then the queue (over 10 unfinished uploads in 300 s: ``Retry-After: 300`` with
  429, 400 or 503 "Too many queued uploads"), then the upload parameters (``prefix``/``suffix``,
  or ``params`` with ``params=1``);
* the storage POST (the S3 stand-in at ``/_storage/upload`` on the same server): a multipart form,
  fields first and ``file`` last, whose bytes must match the policy's md5 and size exactly (400
  otherwise), within 3600 s of authorization; 201;
* registration (``upload=<uploadKey>``): the same preconditions first, then 400 "Upload key not
  provided" / "Upload key not found" (a used key is gone) / "Remote file not found"; 204, and the
  item has ``md5``, ``filename``, ``mtime``.

``GET items/<key>/file`` is a 302 to a short-lived download URL with the ``Zotero-File-*``
headers, or 404 when the item has no file (linked URLs included).
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from zotbridge.sandbox.zotero_library import Library

MIB = 1024 * 1024
DEFAULT_QUOTA_MB = 300.0  # Storage.inc.php: the free plan
QUEUE_LIMIT = 10  # unfinished uploads per API user (Storage::$maxUploadQueueSize)
QUEUE_WINDOW = 300.0  # seconds (Storage::$uploadQueueTimeout); also the Retry-After
POLICY_LIFETIME = 3600.0  # the S3 POST policy's expiry
MAX_FILE = 4 * 1024 * 1024 * 1024
_MD5 = re.compile(r"^[0-9a-fA-F]{32}$")


class FileAnswer(Exception):
    """A non-normal answer of the file endpoints: status, plain-text body, headers."""

    def __init__(self, status: int, body: str = "", headers: dict[str, Any] | None = None):
        super().__init__(body)
        self.status, self.body, self.headers = status, body, headers or {}


@dataclass
class Upload:
    key: str  # the uploadKey
    library: str
    item: str
    md5: str
    size: int
    filename: str
    mtime: int
    content_type: str | None
    charset: str | None
    api_key: str
    created: float


class FileStore:
    """The bytes (by md5, shared by every library, as on S3), quotas and pending uploads."""

    def __init__(self, directory: Path | None = None):
        self.directory = directory
        self._blobs: dict[str, bytes] = {}
        self.uploads: dict[str, Upload] = {}
        self.quotas: dict[str, float] = {}  # library prefix -> MB

    # -- bytes ------------------------------------------------------------------------------------
    def get(self, md5: str) -> bytes | None:
        if md5 in self._blobs:
            return self._blobs[md5]
        if self.directory and (self.directory / md5).exists():
            return (self.directory / md5).read_bytes()
        return None

    def put(self, md5: str, data: bytes) -> None:
        if self.directory:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = self.directory / f".{md5}.{secrets.token_hex(4)}"
            tmp.write_bytes(data)
            tmp.replace(self.directory / md5)
        else:
            self._blobs[md5] = data

    def size(self, md5: str) -> int | None:
        if md5 in self._blobs:
            return len(self._blobs[md5])
        if self.directory and (self.directory / md5).exists():
            return (self.directory / md5).stat().st_size
        return None

    def usage(self, lib: Library) -> int:
        """Bytes of the library's stored files, counted once per attachment item using them."""
        return sum(
            self.size(item["md5"]) or 0
            for item in lib.items.values()
            if item.get("itemType") == "attachment" and item.get("md5")
        )

    def quota(self, lib: Library) -> float:
        return self.quotas.get(lib.prefix, DEFAULT_QUOTA_MB)

    # -- items/<key>/file ------------------------------------------------------------------------
    def file_request(
        self,
        lib: Library,
        item: dict[str, Any] | None,
        form: dict[str, str],
        headers: Any,
        api_key: str,
        file_access: bool,
        storage_url: str,
    ) -> tuple[int, dict[str, Any], bytes]:
        """Authorization or (with ``upload``) registration; the item is changed in place."""
        if item is None:
            raise FileAnswer(404, "Item not found")
        if not file_access:
            raise FileAnswer(403, "File editing access denied")
        if item.get("itemType") != "attachment":
            raise FileAnswer(400, "Item is not an attachment")
        if item.get("linkMode") in ("linked_file", "linked_url"):
            raise FileAnswer(400, "Cannot upload file for linked file/URL attachment item")
        self._preconditions(lib, item, headers)
        if "upload" in form:
            return self._register(lib, item, form["upload"])
        return self._authorize(lib, item, form, api_key, storage_url)

    @staticmethod
    def _preconditions(lib: Library, item: dict[str, Any], headers: Any) -> None:
        if_match, if_none = headers.get("If-Match"), headers.get("If-None-Match")
        version = {"Last-Modified-Version": str(item["version"])}
        if if_match is None and if_none is None:
            raise FileAnswer(428, "If-Match/If-None-Match header not provided")
        if if_match is not None:
            etag = if_match.strip('"')
            if not _MD5.match(etag):
                raise FileAnswer(400, "Invalid ETag in If-Match header")
            if not item.get("md5"):
                raise FileAnswer(412, "If-Match set but file does not exist")
            if item["md5"] != etag.lower():
                raise FileAnswer(412, "ETag does not match current version of file", version)
            return
        if if_none != "*":
            raise FileAnswer(400, "Invalid value for If-None-Match header")
        if item.get("md5"):
            raise FileAnswer(412, "If-None-Match: * set but file exists", version)

    def _authorize(
        self, lib: Library, item: dict[str, Any], form: dict[str, str], api_key: str, storage_url: str
    ) -> tuple[int, dict[str, Any], bytes]:
        md5 = form.get("md5", "")
        if not md5:
            raise FileAnswer(400, "MD5 hash not provided")
        if not _MD5.match(md5):
            raise FileAnswer(400, "Invalid MD5 hash")
        if not form.get("filename"):
            raise FileAnswer(400, "Filename not provided")
        if not form.get("mtime"):
            raise FileAnswer(400, "File modification time not provided")
        if "filesize" not in form:
            raise FileAnswer(400, "File size not provided")
        if not form["filesize"].isdigit():
            raise FileAnswer(400, "Invalid file size")
        size = int(form["filesize"])
        if size > MAX_FILE:
            raise FileAnswer(400, "Files above 4 GB are not currently supported")
        content_type = form.get("contentType") or None
        if content_type and not re.fullmatch(r"[a-zA-Z0-9\-/]+", content_type):
            content_type = None
        charset = form.get("charset") or None
        if charset and not re.fullmatch(r"[a-zA-Z0-9\-]+", charset):
            charset = None
        usage = self.usage(lib)
        quota = self.quota(lib)
        requested = round((usage + size) / MIB, 1)
        if requested > quota:
            raise FileAnswer(
                413,
                f"File would exceed quota ({requested:g} > {quota:g})",
                {
                    "Zotero-Storage-Usage": f"{round(usage / MIB, 1):g}",
                    "Zotero-Storage-Quota": f"{quota:g}",
                    "Zotero-Storage-UserID": str(lib.id),
                },
            )
        known = self.size(md5.lower())
        if known is not None:
            if known != size:
                raise FileAnswer(400, "Specified file size incorrect for known file")
            _set_file(lib, item, md5.lower(), form["filename"], _int(form["mtime"]), content_type, charset)
            return 200, {"Last-Modified-Version": str(item["version"]), "_changed": True}, b'{"exists":1}'
        now = time.time()
        pending = [
            u for u in self.uploads.values() if u.api_key == api_key and now - u.created < QUEUE_WINDOW
        ]
        if len(pending) >= QUEUE_LIMIT:
            raise queue_full(random.choice((429, 400, 503)))
        upload = Upload(
            secrets.token_hex(16),
            lib.prefix,
            item["key"],
            md5.lower(),
            size,
            form["filename"],
            _int(form["mtime"]),
            content_type,
            charset,
            api_key,
            now,
        )
        self.uploads[upload.key] = upload
        policy = base64.b64encode(
            json.dumps({"upload": upload.key, "expires": now + POLICY_LIFETIME}).encode()
        )
        params = {
            "key": upload.md5,
            "acl": "private",
            "Content-MD5": base64.b64encode(bytes.fromhex(upload.md5)).decode(),
            "success_action_status": "201",
            "policy": policy.decode(),
        }
        if form.get("params") == "1":
            body: dict[str, Any] = {"url": storage_url, "params": params, "uploadKey": upload.key}
        else:
            boundary = "---------------------------" + secrets.token_hex(16)
            prefix = "".join(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                for name, value in params.items()
            )
            prefix += f'--{boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\n'
            body = {
                "url": storage_url,
                "contentType": f"multipart/form-data; boundary={boundary}",
                "prefix": prefix,
                "suffix": f"\r\n--{boundary}--",
                "uploadKey": upload.key,
            }
        return 200, {}, json.dumps(body).encode()

    def _register(
        self, lib: Library, item: dict[str, Any], upload_key: str
    ) -> tuple[int, dict[str, Any], bytes]:
        if not upload_key:
            raise FileAnswer(400, "Upload key not provided")
        upload = self.uploads.get(upload_key)
        if upload is None or upload.item != item["key"] or upload.library != lib.prefix:
            raise FileAnswer(400, "Upload key not found")
        if self.size(upload.md5) is None:
            raise FileAnswer(400, "Remote file not found")
        del self.uploads[upload_key]
        _set_file(lib, item, upload.md5, upload.filename, upload.mtime, upload.content_type, upload.charset)
        return 204, {"Last-Modified-Version": str(lib.version), "_changed": True}, b""

    # -- the storage service ---------------------------------------------------------------------
    def storage_post(self, headers: Any, body: bytes) -> tuple[int, dict[str, Any], bytes]:
        """The S3 POST: a multipart form whose ``policy`` names the upload, ``file`` last."""
        fields = _multipart(headers.get("Content-Type", ""), body)
        if fields is None or "file" not in fields or "policy" not in fields:
            raise FileAnswer(
                400,
                _s3_error(
                    "MalformedPOSTRequest",
                    "The body of your POST request is not well-formed multipart/form-data.",
                ),
            )
        try:
            policy = json.loads(base64.b64decode(fields["policy"]))
        except ValueError:
            raise FileAnswer(403, _s3_error("AccessDenied", "Invalid according to Policy")) from None
        upload = self.uploads.get(policy.get("upload", ""))
        if upload is None or time.time() > policy.get("expires", 0):
            raise FileAnswer(403, _s3_error("AccessDenied", "Invalid according to Policy: Policy expired."))
        data = fields["file"]
        assert isinstance(data, bytes)  # _multipart keeps the file's bytes
        if len(data) != upload.size:
            code = "EntityTooLarge" if len(data) > upload.size else "EntityTooSmall"
            raise FileAnswer(400, _s3_error(code, "Your proposed upload exceeds the maximum allowed size"))
        if hashlib.md5(data).hexdigest() != upload.md5:
            raise FileAnswer(
                400, _s3_error("BadDigest", "The Content-MD5 you specified did not match what we received.")
            )
        self.put(upload.md5, data)
        return 201, {"Content-Type": "application/xml", "ETag": f'"{upload.md5}"'}, b"<PostResponse/>"

    def download(self, item: dict[str, Any] | None, base: str) -> tuple[int, dict[str, Any], bytes]:
        """``GET items/<key>/file``: a redirect to the bytes, or 404 without a file."""
        if item is None or item.get("itemType") != "attachment" or not item.get("md5"):
            raise FileAnswer(404, "Not found")
        data = self.get(item["md5"])
        if data is None:
            raise FileAnswer(404, "Not found")
        return (
            302,
            {
                "Location": f"{base}/_storage/download/{item['md5']}?expires={int(time.time()) + 60}",
                "Zotero-File-MD5": item["md5"],
                "Zotero-File-Modification-Time": str(item.get("mtime", "")),
                "Zotero-File-Size": str(len(data)),
                "Zotero-File-Compressed": "No",
            },
            b"",
        )


def queue_full(status: int, wait: float = QUEUE_WINDOW) -> FileAnswer:
    """The answer to one upload too many: the status is drawn at random by the real server."""
    return FileAnswer(status, "Too many queued uploads", {"Retry-After": str(int(wait))})


def _set_file(
    lib: Library,
    item: dict[str, Any],
    md5: str,
    filename: str,
    mtime: int,
    content_type: str | None,
    charset: str | None,
) -> None:
    item.update(md5=md5, filename=filename, mtime=mtime)
    if content_type:
        item["contentType"] = content_type
    if charset:
        item["charset"] = charset
    item["version"] = lib.bump()


def _int(text: str) -> int:
    try:
        return int(float(text))
    except ValueError:
        return 0


def form_fields(body: bytes) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}


def _multipart(content_type: str, body: bytes) -> dict[str, bytes | str] | None:
    """The fields of a multipart/form-data body (the file's bytes as bytes, the rest as text)."""
    m = re.search(r"boundary=([^;]+)", content_type)
    if not content_type.startswith("multipart/form-data") or not m:
        return None
    delimiter = b"--" + m.group(1).strip('"').encode()
    fields: dict[str, bytes | str] = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        head, sep, content = part.partition(b"\r\n\r\n")
        if not sep:
            return None
        name = re.search(rb'name="([^"]*)"', head)
        if not name:
            return None
        value = content[:-2] if content.endswith(b"\r\n") else content
        key = name.group(1).decode()
        fields[key] = value if key == "file" else value.decode("utf-8", "replace")
    return fields


def _s3_error(code: str, message: str) -> str:
    return f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
