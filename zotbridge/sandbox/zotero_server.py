"""A local Zotero Web API v3 (docs/zotero-api.md) over real HTTP, for tests, the demo and trying
zotbridge without touching a real library. Served at the root path, as pyzotero expects.

Strict where the server is strict: authentication and write access (403 texts), ≤50 objects per
POST (413), JSON-array bodies, schema validation of every object (per-object ``failed``), write
tokens (412 on replay), versions and preconditions (412/428), ``limit`` clamped to 100,
``Total-Results`` and ``Link`` headers with every non-default parameter.

Odd where the server is odd (zotero/dataserver): ``failed`` entries carry no ``key`` (match them
by index); a 304 carries no ``Last-Modified-Version``; preconditions conflict only when the
server's version is newer; PATCH/PUT with version 0 creates a missing object; control characters
are stripped from the JSON; a collection in the trash is listed with ``deleted: true``; items in
the trash are left out of listings unless ``includeTrashed=1``.

Faults (``server.faults.plan(...)`` or ``POST /_sandbox/faults {"queue": [...]}``) hit the next
requests, in order: ``ok``, ``429`` (with ``Retry-After: 1``), ``429-bare`` (no header), ``409``
(whole request), ``500``,
``503`` (``Retry-After: 1``), ``412`` (a stale-library precondition failure), ``backoff:N`` (a
normal answer carrying ``Backoff: N``), ``reset`` (connection closed, nothing done), ``lost``
(the write is committed, then the connection is closed with no answer), ``object500:I`` and
``object503:I`` (object I of a multi-object write fails alone, inside a 200, and is not saved:
``DataObjects.inc.php`` catches an exception per object), and ``slowwrite:S`` (the first half of
the objects is committed, then S seconds pass before the rest and the answer, as a 50-object
POST on a busy server; another request may run meanwhile, and the write token is stored only at
the end). A fault prefixed with ``write:`` waits for the next write request; one prefixed with
``authorize:``, ``storage:`` or ``register:`` waits for that step of a file upload
(zotero_files.py), where ``queued[:STATUS[:SECONDS]]`` is the server's "Too many queued uploads"
(429, 400 or 503 at random, ``Retry-After: 300`` unless SECONDS says otherwise). ``GET /_sandbox/stats`` counts requests and writes;
``POST /_sandbox/quota {"library": "users/1", "mb": 0.5}`` sets a library's storage quota.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from zotbridge.sandbox.local_server import LocalServer, ServiceHandler
from zotbridge.sandbox.zotero_files import QUEUE_WINDOW, FileAnswer, FileStore, form_fields, queue_full
from zotbridge.sandbox.zotero_library import LINK_MODES, Library, LibraryStore, ObjectError
from zotbridge.sandbox.zotero_schema import CREATOR_FIELDS, Schema

Query = dict[str, list[str]]  # parsed query string
Answer = tuple[int, dict[str, Any], bytes]  # status, headers, body

API_BASE = "https://api.zotero.org"
WEB_BASE = "https://www.zotero.org"
MAX_WRITE = 50
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
WRITE_METHODS = ("POST", "PATCH", "PUT", "DELETE")
FILE_STEPS = ("authorize", "storage", "register")


@dataclass
class Faults:
    queue: deque[str] = field(default_factory=deque)

    def plan(self, *faults: str) -> None:
        self.queue.extend(faults)

    def take(self, method: str, step: str | None = None) -> str | None:
        """The fault for a request (``step``: the file-upload step it is, if any)."""
        if not self.queue:
            return None
        head = self.queue[0]
        target, _, fault = head.partition(":")
        if target == "write":
            if method not in WRITE_METHODS:
                return None
            self.queue.popleft()
            return fault
        if target in FILE_STEPS:
            if step != target:
                return None
            self.queue.popleft()
            return fault
        return self.queue.popleft()


@dataclass
class Stats:
    requests: int = 0
    writes: int = 0  # write requests that changed something
    log: list[Any] = field(default_factory=list)  # (method, path-with-query, status)

    def to_json(self) -> dict[str, Any]:
        return {"requests": self.requests, "writes": self.writes, "log": self.log[-500:]}


class Response(Exception):
    """An HTTP answer other than the normal one (errors are short plain text, as on the server)."""

    def __init__(self, status: int, body: str = "", headers: dict[str, Any] | None = None):
        super().__init__(body)
        self.status, self.body, self.headers = status, body, headers or {}


class ZoteroEmulator(LocalServer):
    """``with ZoteroEmulator(state_path) as server: server.url``. Add users with ``add_user``."""

    def __init__(self, state_path: str | Path | None = None, host: str = "127.0.0.1", port: int = 0):
        self.schema = Schema.load()
        self.store = LibraryStore(self.schema, Path(state_path) if state_path else None)
        self.files = FileStore(Path(state_path).parent / "zotero-files" if state_path else None)
        self.faults = Faults()
        self.stats = Stats()
        self._lock = threading.RLock()
        self._object_fault: tuple[Any, ...] | None = None  # set by the object500/object503/slowwrite faults
        super().__init__(self._handler_class(), host, port)

    def add_user(
        self,
        user_id: int,
        username: str,
        api_key: str,
        write: bool = True,
        groups: dict[int, bool] | None = None,
    ) -> None:
        with self._lock:
            self.store.add_user(user_id, username, api_key, write, groups)

    @property
    def url(self) -> str:
        return self.address

    def library(self, prefix: str) -> Library:
        return self.store.libraries[prefix]

    def set_quota(self, prefix: str, megabytes: float) -> None:
        """The storage quota of a library, in MB (the real default is 300)."""
        self.files.quotas[prefix] = megabytes

    def file_bytes(self, prefix: str, item_key: str) -> bytes | None:
        """The stored file of an attachment item (what ``GET …/file`` would deliver)."""
        item = self.library(prefix).items.get(item_key)
        return self.files.get(item["md5"]) if item and item.get("md5") else None

    # -- dispatch ------------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: Query, headers: Message, body: bytes) -> Answer:
        """(status, headers, body bytes) for one request; raises Response for errors."""
        if path.startswith("/_sandbox/"):
            return self._control(method, path, body)
        if path.startswith("/_storage/"):
            return self._storage(method, path, headers, body)
        if headers.get("Expect"):
            raise Response(417, "Expectation Failed")
        api_key = self._api_key(headers, query)
        if api_key is not None and api_key not in self.store.keys:
            raise Response(403, "Invalid key")
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["keys"] and len(parts) == 2:
            return self._key_info(parts[1], api_key)
        if (
            parts
            and parts[0]
            in (
                "itemTypes",
                "itemFields",
                "itemTypeFields",
                "itemTypeCreatorTypes",
                "creatorFields",
                "schema",
            )
            or parts[:2] == ["items", "new"]
        ):
            return self._metadata(parts, query)
        if len(parts) < 2 or parts[0] not in ("users", "groups"):
            raise Response(404, "Not found")
        if not parts[1].isdigit():
            raise Response(400, f"Invalid {parts[0][:-1]} ID")
        lib = self.store.libraries.get(f"{parts[0]}/{parts[1]}")
        write = method in WRITE_METHODS
        if write and api_key is None:
            raise Response(403, "An API key is required for write requests.")
        if lib is None or api_key is None or not self.store.can(api_key, lib, write=False):
            raise Response(403, "Forbidden")
        if write and not self.store.can(api_key, lib, write=True):
            raise Response(403, "Write access denied")
        rest = parts[2:]
        if len(rest) == 3 and rest[0] == "items" and rest[2] == "file" and method in ("GET", "POST"):
            return self._file(lib, method, rest[1], headers, body, api_key)
        if method == "GET":
            return self._read(lib, rest, query, headers)
        return self._write(lib, method, rest, query, headers, body, api_key)

    def _file(
        self, lib: Library, method: str, key: str, headers: Message, body: bytes, api_key: str
    ) -> Answer:
        item = lib.items.get(key)
        try:
            if method == "GET":
                return self.files.download(item, self.url)
            access = self.store.keys[api_key]["access"]
            grant = (
                access.get("user", {})
                if lib.kind == "user"
                else access.get("groups", {}).get(str(lib.id), {})
            )
            answer = self.files.file_request(
                lib,
                item,
                form_fields(body),
                headers,
                api_key,
                grant.get("files", lib.kind == "group"),
                f"{self.url}/_storage/upload",
            )
        except FileAnswer as refusal:
            raise Response(refusal.status, refusal.body, refusal.headers) from None
        self.store.save()
        return answer

    def _storage(self, method: str, path: str, headers: Message, body: bytes) -> Answer:
        """The S3 stand-in: uploads (no Zotero headers, no API key) and downloads."""
        try:
            if method == "POST" and path == "/_storage/upload":
                return self.files.storage_post(headers, body)
            if method == "GET" and path.startswith("/_storage/download/"):
                data = self.files.get(path.rsplit("/", 1)[1])
                if data is not None:
                    return 200, {"Content-Type": "application/octet-stream"}, data
        except FileAnswer as refusal:
            raise Response(refusal.status, refusal.body, refusal.headers) from None
        raise Response(404, "Not found")

    @staticmethod
    def _api_key(headers: Message, query: Query) -> str | None:
        key = headers.get("Zotero-API-Key")
        auth = headers.get("Authorization")
        if auth is not None:
            scheme, _, value = auth.partition(" ")
            value = value.strip()
            if scheme.lower() != "bearer" or not value.isalnum():
                raise Response(400, "Invalid Authorization header format")
            key = value
        if "key" in query:
            if key is not None and query["key"][0] != key:
                raise Response(400, "'key' query parameter does not match API key header")
            key = query["key"][0]
        return key

    def _key_info(self, which: str, api_key: str | None) -> Answer:
        key = api_key if which == "current" else which
        if key is None:
            raise Response(403, "An API key is required")
        info = self.store.keys.get(key)
        if info is None:
            raise Response(404, f"Key '{key}' not found")
        return 200, {}, _json(info)

    def _metadata(self, parts: list[str], query: Query) -> Answer:
        schema = self.schema
        name = parts[0]
        if parts[:2] == ["items", "new"] or name in ("itemTypeFields", "itemTypeCreatorTypes"):
            item_type = query.get("itemType", [None])[0]
            if not item_type:
                raise Response(400, "'itemType' not provided")
            if item_type not in schema.types:
                raise Response(400, f"Invalid item type '{item_type}'")
            if name == "itemTypeFields":
                return (
                    200,
                    {},
                    _json(
                        [
                            {"field": f, "localized": schema.localized_field(f)}
                            for f in schema.fields(item_type)
                        ]
                    ),
                )
            if name == "itemTypeCreatorTypes":
                return (
                    200,
                    {},
                    _json(
                        [
                            {"creatorType": c, "localized": schema.localized_creator(c)}
                            for c in schema.creator_types(item_type)
                        ]
                    ),
                )
            if item_type == "attachment":
                return 200, {}, _json(_attachment_template(query.get("linkMode", [""])[0]))
            template: dict[str, Any] = {"itemType": item_type, **{f: "" for f in schema.fields(item_type)}}
            if schema.creator_types(item_type):
                template["creators"] = [
                    {"creatorType": schema.creator_types(item_type)[0], "firstName": "", "lastName": ""}
                ]
            template |= {"tags": [], "collections": [], "relations": {}}
            return 200, {}, _json(template)
        if name == "itemTypes":
            return (
                200,
                {},
                _json([{"itemType": t, "localized": schema.localized_type(t)} for t in schema.types]),
            )
        if name == "itemFields":
            return (
                200,
                {},
                _json([{"field": f, "localized": schema.localized_field(f)} for f in schema.all_fields]),
            )
        if name == "creatorFields":
            return 200, {}, _json([{"field": f, "localized": f} for f in CREATOR_FIELDS])
        text = json.dumps({"version": schema.version, "itemTypes": list(schema.types.values())})
        return 200, {}, text.encode()

    # -- reads ---------------------------------------------------------------------------------
    def _read(self, lib: Library, rest: list[str], query: Query, headers: Message) -> Answer:
        if rest == ["deleted"]:
            if "since" not in query:
                raise Response(400, "'since' parameter must be provided")
            since = _int(query["since"][0], "since")
            body = {
                "collections": [k for k, v in lib.deleted["collections"].items() if v > since],
                "items": [k for k, v in lib.deleted["items"].items() if v > since],
                "searches": [],
                "tags": [],
                "settings": [],
            }
            return 200, {"Last-Modified-Version": str(lib.version)}, _json(body)
        if rest[:1] == ["items"] and len(rest) == 2 and rest[1] != "top":
            item = lib.items.get(rest[1])
            if item is None:
                raise Response(404, "Item not found")
            return 200, {"Last-Modified-Version": str(item["version"])}, _json(self._item_json(lib, item))
        if rest[:1] == ["collections"] and len(rest) == 2 and rest[1] != "top":
            coll = lib.collections.get(rest[1])
            if coll is None:
                raise Response(404, "Collection not found")
            return (
                200,
                {"Last-Modified-Version": str(coll["version"])},
                _json(self._collection_json(lib, coll)),
            )
        since_header = headers.get("If-Modified-Since-Version")
        if since_header is not None and lib.version <= _int(since_header, "If-Modified-Since-Version"):
            raise Response(304, "")  # the check runs before the version is set: no Last-Modified-Version
        if rest in (["items"], ["items", "top"]):
            objects = self._filter_items(lib, query, top=rest == ["items", "top"])
            return self._listing(lib, rest, query, objects, "items")
        if len(rest) == 3 and rest[0] == "items" and rest[2] == "children":
            if rest[1] not in lib.items:
                raise Response(404, "Item not found")
            objects = [i for i in self._filter_items(lib, query, top=False) if i.get("parentItem") == rest[1]]
            return self._listing(lib, rest, query, objects, "items")
        if len(rest) >= 3 and rest[0] == "collections" and rest[2] == "items":
            if rest[1] not in lib.collections:
                raise Response(404, "Collection not found")
            objects = [
                i
                for i in self._filter_items(lib, query, top=rest[3:] == ["top"])
                if rest[1] in i.get("collections", [])
            ]
            return self._listing(lib, rest, query, objects, "items")
        if rest in (["collections"], ["collections", "top"]) or (
            len(rest) == 3 and rest[0] == "collections" and rest[2] == "collections"
        ):
            colls = list(lib.collections.values())
            if rest == ["collections", "top"]:
                colls = [c for c in colls if not c["parentCollection"]]
            elif len(rest) == 3:
                if rest[1] not in lib.collections:
                    raise Response(404, "Collection not found")
                colls = [c for c in colls if c["parentCollection"] == rest[1]]
            since = _int(query.get("since", ["0"])[0], "since")
            colls = [c for c in colls if c["version"] > since]
            return self._listing(lib, rest, query, colls, "collections")
        if rest == ["tags"]:
            counts: dict[tuple[str, int], int] = {}
            for item in lib.items.values():
                for tag in item.get("tags", []):
                    counts[(tag["tag"], tag.get("type", 0))] = (
                        counts.get((tag["tag"], tag.get("type", 0)), 0) + 1
                    )
            tags = [
                {"tag": t, "links": {}, "meta": {"type": k, "numItems": n}}
                for (t, k), n in sorted(counts.items())
            ]
            return self._page(lib, rest, query, tags, lambda x: x)
        raise Response(404, "Not found")

    def _filter_items(self, lib: Library, query: Query, top: bool) -> list[dict[str, Any]]:
        items = list(lib.items.values())
        if top:
            items = [i for i in items if not i.get("parentItem")]
        if query.get("includeTrashed", ["0"])[0] != "1":
            items = [i for i in items if not i.get("deleted")]
        if "since" in query:
            since = _int(query["since"][0], "since")
            items = [i for i in items if i["version"] > since]
        if "itemKey" in query:
            wanted = query["itemKey"][0].split(",")
            items = [i for i in items if i["key"] in wanted]
        if "itemType" in query:
            if len(query["itemType"]) > 1:
                raise Response(400, "'itemType' may be given only once")
            items = [i for i in items if self._type_matches(query["itemType"][0], i["itemType"])]
        for expression in query.get("tag", []):
            items = [i for i in items if _tag_matches(expression, i)]
        if "q" in query:
            mode = query.get("qmode", ["titleCreatorYear"])[0].lower()
            if mode not in ("titlecreatoryear", "everything"):
                raise Response(400, f"Invalid qmode '{mode}'")
            items = [i for i in items if _quick_search(query["q"][0], i)]
        sort = query.get("sort", ["dateModified"])[0]
        direction = query.get("direction", ["desc" if sort in ("dateAdded", "dateModified") else "asc"])[0]
        items.sort(key=lambda i: (str(i.get(sort, "")), i["key"]), reverse=direction == "desc")
        return items

    def _type_matches(self, expression: str, item_type: str) -> bool:
        negate = expression.startswith("-")
        options = [t.strip() for t in expression.lstrip("-").split("||")]
        for t in options:
            if t not in self.schema.types:
                raise Response(400, f"Invalid itemType '{t}'")
        return (item_type in options) != negate

    def _listing(
        self, lib: Library, rest: list[str], query: Query, objects: list[dict[str, Any]], kind: str
    ) -> Answer:
        fmt = query.get("format", ["json"])[0]
        headers = {"Last-Modified-Version": str(lib.version), "Total-Results": str(len(objects))}
        if fmt == "versions":
            return 200, headers, _json({o["key"]: o["version"] for o in objects})
        if fmt == "keys":
            return (
                200,
                headers | {"Content-Type": "text/plain"},
                "".join(o["key"] + "\n" for o in objects).encode(),
            )
        if fmt != "json":
            raise Response(400, f"Invalid 'format' value '{fmt}'")
        render = (
            (lambda o: self._item_json(lib, o))
            if kind == "items"
            else (lambda o: self._collection_json(lib, o))
        )
        return self._page(lib, rest, query, objects, render)

    def _page(
        self, lib: Library, rest: list[str], query: Query, objects: list[Any], render: Callable[[Any], Any]
    ) -> Answer:
        try:
            limit = int(query.get("limit", [str(DEFAULT_LIMIT)])[0])
        except ValueError:
            limit = DEFAULT_LIMIT
        limit = DEFAULT_LIMIT if limit <= 0 else min(limit, MAX_LIMIT)
        if "itemKey" in query:
            limit = MAX_LIMIT
        start = max(0, _int(query.get("start", ["0"])[0], "start"))
        page = objects[start : start + limit]
        headers = {"Last-Modified-Version": str(lib.version), "Total-Results": str(len(objects))}
        links = self._links(lib, rest, query, start, limit, len(objects))
        if links:
            headers["Link"] = links
        return 200, headers, _json([render(o) for o in page])

    @staticmethod
    def _links(lib: Library, rest: list[str], query: Query, start: int, limit: int, total: int) -> str:
        """``Link`` with absolute api.zotero.org URLs repeating every non-default parameter."""
        params = {
            k: v
            for k, v in query.items()
            if k not in ("format", "start", "key", "locale", "timeout", "v")
            or (k == "format" and v[0] != "json")
        }
        if limit != DEFAULT_LIMIT:
            params["limit"] = [str(limit)]

        def url(at: int) -> str:
            ps = dict(params)
            if at:
                ps["start"] = [str(at)]
            pairs = [(k, v) for k in sorted(ps) for v in ps[k]]
            return f"{API_BASE}/{lib.prefix}/{'/'.join(rest)}" + (
                f"?{urlencode(pairs, quote_via=quote)}" if pairs else ""
            )

        links = []
        if start:
            links.append(f'<{url(0)}>; rel="first"')
            links.append(f'<{url(max(0, start - limit))}>; rel="prev"')
        if start + limit < total:
            links.append(f'<{url(start + limit)}>; rel="next"')
            last = ((total - 1) // limit) * limit
            links.append(f'<{url(last)}>; rel="last"')
        links.append(f'<{WEB_BASE}/{lib.prefix}/items>; rel="alternate"')
        return ", ".join(links)

    def _item_json(self, lib: Library, item: dict[str, Any]) -> dict[str, Any]:
        item_type = item["itemType"]
        data = {"key": item["key"], "version": item["version"]}
        if item.get("parentItem"):
            data["parentItem"] = item["parentItem"]
        data["itemType"] = item_type
        for name in self.schema.fields(item_type):
            data[name] = item.get(name, "")
        if item_type == "note":
            data["note"] = item.get("note", "")
        if item_type == "attachment":  # Item::toJSON with includeEmpty
            mode = item.get("linkMode", "")
            data["linkMode"] = mode
            data["note"] = item.get("note", "")
            data["contentType"] = item.get("contentType", "")
            data["charset"] = item.get("charset", "")
            if mode.startswith("imported_") or mode == "embedded_image":
                data["filename"] = item.get("filename", "")
                data["md5"] = item.get("md5")
                data["mtime"] = item.get("mtime")
            elif mode == "linked_file":
                data["path"] = item.get("path", "")
        if self.schema.creator_types(item_type):
            data["creators"] = item.get("creators", [])
        data["tags"] = item.get("tags", [])
        if not item.get("parentItem") and item_type not in ("note", "attachment", "annotation"):
            data["collections"] = item.get("collections", [])
        data["relations"] = item.get("relations", {})
        if item.get("deleted"):
            data["deleted"] = 1
        data["dateAdded"] = item["dateAdded"]
        data["dateModified"] = item["dateModified"]
        meta: dict[str, Any] = (
            {"creatorSummary": _creator_summary(item.get("creators", []))} if item.get("creators") else {}
        )
        if item.get("date", "")[:4].isdigit():
            meta["parsedDate"] = item["date"][:10]
        meta["numChildren"] = sum(1 for i in lib.items.values() if i.get("parentItem") == item["key"])
        return {
            "key": item["key"],
            "version": item["version"],
            "library": _library_json(lib),
            "links": {
                "self": {"href": f"{API_BASE}/{lib.prefix}/items/{item['key']}", "type": "application/json"},
                "alternate": {"href": f"{WEB_BASE}/{lib.prefix}/items/{item['key']}", "type": "text/html"},
            },
            "meta": meta,
            "data": data,
        }

    def _collection_json(self, lib: Library, coll: dict[str, Any]) -> dict[str, Any]:
        return {
            "key": coll["key"],
            "version": coll["version"],
            "library": _library_json(lib),
            "links": {
                "self": {
                    "href": f"{API_BASE}/{lib.prefix}/collections/{coll['key']}",
                    "type": "application/json",
                }
            },
            "meta": {
                "numCollections": sum(c["parentCollection"] == coll["key"] for c in lib.collections.values()),
                "numItems": sum(coll["key"] in i.get("collections", []) for i in lib.items.values()),
            },
            "data": {
                "key": coll["key"],
                "version": coll["version"],
                "name": coll["name"],
                "parentCollection": coll["parentCollection"],
                "relations": coll.get("relations", {}),
                **({"deleted": True} if coll.get("deleted") else {}),
            },
        }

    # -- writes --------------------------------------------------------------------------------
    def _write(
        self,
        lib: Library,
        method: str,
        rest: list[str],
        query: Query,
        headers: Message,
        body: bytes,
        api_key: str,
    ) -> Answer:
        token = headers.get("Zotero-Write-Token")
        if token is not None:
            if not 5 <= len(token) <= 32:
                raise Response(400, "Invalid write token")
            if f"{api_key} {token}" in self.store.tokens:
                raise Response(412, "Write token already used")
        header = headers.get("If-Unmodified-Since-Version")
        unmodified = None if header is None else _int(header, "If-Unmodified-Since-Version")
        if method == "POST" and rest in (["items"], ["collections"]):
            if unmodified is not None and lib.version > unmodified:
                raise self._stale_library(lib, unmodified)
            payload = self._json_array(body)
            if len(payload) > MAX_WRITE:
                raise Response(413, f"Cannot add more than {MAX_WRITE} {rest[0]} at a time")
            result: dict[str, dict[str, Any]] = {
                "successful": {},
                "success": {},
                "unchanged": {},
                "failed": {},
            }
            writer = self.store.write_item if rest == ["items"] else self.store.write_collection
            changed = False
            object_fault = self._object_fault
            self._object_fault = None
            for index, obj in enumerate(payload):
                if object_fault and object_fault[0] == "slowwrite" and index == len(payload) // 2:
                    self.store.save()
                    self._lock.release()  # another request may run meanwhile, as on the server
                    try:
                        time.sleep(object_fault[1])
                    finally:
                        self._lock.acquire()
                try:
                    if object_fault and object_fault[0] in (500, 503) and index == object_fault[1]:
                        raise ObjectError(
                            object_fault[0],
                            "An error occurred"
                            if object_fault[0] == 500
                            else "Zotero is in read-only mode for maintenance. Please try again later.",
                        )
                    outcome, saved = writer(lib, obj, unmodified)
                except ObjectError as err:
                    failed = {"code": err.code, "message": _html_escape(err.message)}  # v3: never a key
                    if err.data:
                        failed["data"] = err.data
                    result["failed"][str(index)] = failed
                    continue
                if outcome == "unchanged":
                    result["unchanged"][str(index)] = saved["key"]
                else:
                    changed = True
                    render = self._item_json if rest == ["items"] else self._collection_json
                    result["successful"][str(index)] = render(lib, saved)
                    result["success"][str(index)] = saved["key"]
            if token is not None:
                self.store.tokens[f"{api_key} {token}"] = time.time()
            self.store.save()
            return 200, {"Last-Modified-Version": str(lib.version), "_changed": changed}, _json(result)
        if method in ("PATCH", "PUT") and len(rest) == 2 and rest[0] in ("items", "collections"):
            return self._write_one(lib, method, rest, headers, body, unmodified)
        if method == "DELETE":
            return self._delete(lib, rest, query, unmodified)
        raise Response(405, "Method not allowed")

    def _write_one(
        self,
        lib: Library,
        method: str,
        rest: list[str],
        headers: Message,
        body: bytes,
        unmodified: int | None,
    ) -> Answer:
        table = lib.items if rest[0] == "items" else lib.collections
        key = rest[1]
        try:
            data = _clean(json.loads(body or b"null"))
        except ValueError:
            raise Response(400, "JSON Error: Syntax error, malformed JSON") from None
        if not isinstance(data, dict):
            raise Response(400, "Uploaded data must be a JSON object")
        existing = table.get(key)
        version = data.get("version")
        if unmodified is not None and version is not None and unmodified != version:
            raise Response(400, "If-Unmodified-Since-Version does not match 'version' property")
        expected = unmodified if unmodified is not None else version
        if existing is None:
            if expected == 0:  # PATCH/PUT with version 0 creates (tests/remote/tests/3/version.test.js)
                writer = self.store.write_item if rest[0] == "items" else self.store.write_collection
                try:
                    writer(lib, {**data, "key": key, "version": 0}, None)
                except ObjectError as err:
                    raise Response(err.code, err.message) from None
                self.store.save()
                return 204, {"Last-Modified-Version": str(lib.version), "_changed": True}, b""
            raise Response(
                404,
                f"{rest[0][:-1].capitalize()} doesn't exist (to create, use If-Unmodified-Since-"
                "Version: 0 or a 'version' property of 0)",
            )
        if expected is None:
            raise Response(
                428,
                "Either If-Unmodified-Since-Version or 'version' property must be provided for "
                "single-item writes",
            )
        if existing["version"] > expected:
            noun = "Item" if rest[0] == "items" else "Collection"
            raise Response(
                412,
                f"{noun} has been modified since specified version (expected {expected}, found "
                f"{existing['version']})",
                {"Last-Modified-Version": str(existing["version"])},
            )
        before = lib.version
        try:
            if rest[0] == "items":
                self.store.patch_item(
                    lib, key, {k: v for k, v in data.items() if k != "version"}, method == "PUT"
                )
            else:
                self.store.write_collection(lib, {**data, "key": key, "version": existing["version"]}, None)
        except ObjectError as err:
            raise Response(err.code, err.message) from None
        self.store.save()
        return 204, {"Last-Modified-Version": str(lib.version), "_changed": lib.version != before}, b""

    def _delete(self, lib: Library, rest: list[str], query: Query, unmodified: int | None) -> Answer:
        if len(rest) == 2 and rest[0] in ("items", "collections"):
            table = lib.items if rest[0] == "items" else lib.collections
            existing = table.get(rest[1])
            if existing is None:
                raise Response(404, "Not found")
            if unmodified is None:
                raise Response(428, "If-Unmodified-Since-Version must be provided for delete requests")
            if existing["version"] > unmodified:
                raise Response(
                    412,
                    f"Object has been modified since specified version (expected {unmodified}, "
                    f"found {existing['version']})",
                    {"Last-Modified-Version": str(existing["version"])},
                )
            self.store.delete(lib, rest[0], [rest[1]])
        elif rest in (["items"], ["collections"]):
            param = "itemKey" if rest == ["items"] else "collectionKey"
            keys = query.get(param, [""])[0].split(",")
            if len(keys) > MAX_WRITE:
                raise Response(413, f"Cannot delete more than {MAX_WRITE} objects at a time")
            if unmodified is not None and lib.version > unmodified:
                raise self._stale_library(lib, unmodified)
            self.store.delete(lib, rest[0], [k for k in keys if k])
        else:
            raise Response(405, "Method not allowed")
        self.store.save()
        return 204, {"Last-Modified-Version": str(lib.version), "_changed": True}, b""

    @staticmethod
    def _stale_library(lib: Library, expected: int) -> Response:
        return Response(
            412,
            f"Library has been modified since specified version (expected {expected}, found {lib.version})",
            {"Last-Modified-Version": str(lib.version)},
        )

    @staticmethod
    def _json_array(body: bytes) -> list[Any]:
        if not body:
            raise Response(400, "POST data not provided")
        try:
            payload = json.loads(body)
        except ValueError:
            raise Response(400, "JSON Error: Syntax error, malformed JSON") from None
        if not isinstance(payload, list):
            raise Response(400, "Uploaded data must be a JSON array")
        cleaned: list[Any] = _clean(payload)
        return cleaned

    def _control(self, method: str, path: str, body: bytes) -> Answer:
        if method == "GET" and path == "/_sandbox/stats":
            return 200, {}, _json(self.stats.to_json())
        if method == "POST" and path == "/_sandbox/faults":
            self.faults.plan(*json.loads(body or b"{}").get("queue", []))
            return 204, {}, b""
        if method == "POST" and path == "/_sandbox/quota":
            spec = json.loads(body or b"{}")
            self.set_quota(str(spec["library"]), float(spec["mb"]))
            return 204, {}, b""
        if method == "POST" and path == "/_sandbox/reset":
            self.faults.queue.clear()
            self.stats = Stats()
            return 204, {}, b""
        raise Response(404, "Not found")

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        emulator = self

        class Handler(ServiceHandler):
            def _send(self, status: int, headers: dict[str, Any], body: bytes) -> None:
                """Every answer names the API and schema versions, as Zotero's do."""
                content_type = headers.pop("Content-Type", None)
                if content_type is None:
                    content_type = "application/json" if body[:1] in (b"{", b"[") else "text/plain"
                versions = {"Zotero-API-Version": "3", "Zotero-Schema-Version": str(emulator.schema.version)}
                self.send(status, body, content_type, {**versions, **headers})

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                control = parts.path.startswith("/_sandbox/")
                step = _file_step(self.command, parts.path, body)
                with emulator._lock:
                    fault = None if control else emulator.faults.take(self.command, step)
                    if not control:
                        emulator.stats.requests += 1
                    extra: dict[str, Any] = {}
                    if fault and fault.startswith("backoff:"):
                        extra["Backoff"] = fault.split(":", 1)[1]
                        fault = None
                    if fault and fault.startswith(("object500", "object503", "slowwrite")):
                        kind, _, argument = fault.partition(":")
                        emulator._object_fault = (
                            ("slowwrite", float(argument or 1))
                            if kind == "slowwrite"
                            else (int(kind[-3:]), int(argument or 0))
                        )
                        fault = None
                    if fault == "reset":
                        self.close_connection = True
                        return
                    if fault and fault.startswith("queued"):
                        _, status_text, wait = (fault.split(":") + ["", ""])[:3]
                        refusal = queue_full(int(status_text or 503), int(wait or QUEUE_WINDOW))
                        emulator.stats.log.append((self.command, self.path, refusal.status))
                        return self._send(refusal.status, dict(refusal.headers), refusal.body.encode())
                    if fault in ("429", "429-bare", "409", "500", "503", "412"):
                        status = int(fault[:3])
                        headers = {"Retry-After": "1"} if fault in ("429", "503") else {}
                        text = {
                            429: "Too many requests",
                            409: "The library is locked; try again",
                            500: "An error occurred",
                            503: "Service unavailable",
                            412: "Library has been modified since specified version",
                        }[status]
                        emulator.stats.log.append((self.command, self.path, status))
                        return self._send(status, headers, text.encode())
                    try:
                        status, headers, out = emulator.handle(
                            self.command,
                            parts.path,
                            parse_qs(parts.query, keep_blank_values=True),
                            self.headers,
                            body,
                        )
                    except Response as answer:
                        status, headers, out = answer.status, dict(answer.headers), answer.body.encode()
                    changed = headers.pop("_changed", False)
                    if not control:
                        emulator.stats.log.append((self.command, self.path, status))
                        if changed:
                            emulator.stats.writes += 1
                if fault == "lost":  # committed above; the answer never arrives
                    self.close_connection = True
                    return
                self._send(status, headers | extra, out)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        return Handler


def _attachment_template(link_mode: str) -> dict[str, Any]:
    """``items/new?itemType=attachment&linkMode=…`` (MappingsController::newItem)."""
    if not link_mode:
        raise Response(400, "linkMode required for itemType=attachment")
    if link_mode not in LINK_MODES:
        raise Response(400, f"Invalid linkMode '{link_mode}'")
    template: dict[str, Any] = {
        "itemType": "attachment",
        "linkMode": link_mode,
        "title": "",
        "accessDate": "",
    }
    if link_mode.endswith("_url"):
        template["url"] = ""
    template |= {"note": "", "tags": [], "collections": [], "relations": {}, "contentType": "", "charset": ""}
    if link_mode == "linked_file":
        template["path"] = ""
    if link_mode.startswith("imported_"):
        template |= {"filename": "", "md5": None, "mtime": None}
    return template


def _file_step(method: str, path: str, body: bytes) -> str | None:
    """Which step of a file upload a request is, for the faults aimed at one."""
    if method != "POST":
        return None
    if path == "/_storage/upload":
        return "storage"
    if path.endswith("/file"):
        return "register" if b"upload=" in body else "authorize"
    return None


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _int(text: str, name: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        raise Response(400, f"Invalid '{name}' value '{text}'") from None


_CONTROL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127])


def _clean(value: Any) -> Any:
    """Control characters stripped from every string of the JSON (ApiController::jsonDecode →
    cleanString; tests/remote/tests/3/general.test.js "should filter invalid characters")."""
    if isinstance(value, str):
        return value.translate(_CONTROL)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _library_json(lib: Library) -> dict[str, Any]:
    return {
        "type": lib.kind,
        "id": lib.id,
        "name": lib.name,
        "links": {"alternate": {"href": f"{WEB_BASE}/{lib.prefix}", "type": "text/html"}},
    }


def _creator_summary(creators: list[dict[str, Any]]) -> str:
    names = [
        c.get("lastName") or c.get("name", "") for c in creators if c.get("creatorType") == "author"
    ] or [c.get("lastName") or c.get("name", "") for c in creators]
    if len(names) == 1:
        return str(names[0])
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def _tag_matches(expression: str, item: dict[str, Any]) -> bool:
    names = {t["tag"].lower() for t in item.get("tags", [])}
    negate = expression.startswith("-")
    options = [o.strip().replace("\\-", "-").lower() for o in expression.lstrip("-").split("||")]
    return any(o in names for o in options) != negate


def _quick_search(q: str, item: dict[str, Any]) -> bool:
    words = []
    for i, chunk in enumerate(q.split('"')):
        words += [chunk.strip()] if i % 2 and chunk.strip() else chunk.split()
    haystacks = [item.get("title", "").lower()]
    haystacks += [
        f"{c.get('firstName', '')} {c.get('lastName', '')} {c.get('name', '')}".lower()
        for c in item.get("creators", [])
    ]
    year = item.get("date", "")[:4]
    return all(any(w.lower() in h for h in haystacks) or w == year for w in words)
