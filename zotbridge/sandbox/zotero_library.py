"""The Zotero emulator's data: libraries of items and collections with versions, validated writes,
and a JSON file that keeps them across restarts.

Behaviour follows the real dataserver (zotero/dataserver; docs/zotero.md names the files): every
object written in a multi-object POST gets its own library-version bump, unchanged ones included;
POST has PATCH semantics; arrays replace; per-object failures go into ``failed`` with the server's
codes and messages (400 invalid, 409 missing referent, 412 stale version, 413 too long, 428
missing version, 404 missing object). Version checks conflict only when the server's version is
**newer** than the one sent. What the server accepts silently, it accepts here: empty tags are
dropped, ``""`` for a field the item type lacks is ignored, strings are trimmed. A collection
deleted takes itself out of its items without changing their versions; a collection or an item in
the trash (``deleted``) stays, flagged.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zotbridge.sandbox.zotero_schema import COMMON_PROPERTIES, CREATOR_FIELDS, EXTRA_PROPERTIES, Schema

KEY_ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
MAX_FIELD_BYTES = 65535
MAX_NOTE_CHARS = 500_000  # Notes::$MAX_NOTE_LENGTH
MAX_CREATOR_BYTES = 255  # model/Creator.inc.php: "The creator name … is too long to sync"
MAX_TAG = 255
MAX_COLLECTION_NAME = 255
LINK_MODES = ("imported_file", "imported_url", "linked_file", "linked_url", "embedded_image")


class ObjectError(Exception):
    """One object of a write failed: goes into ``failed`` (or is the status of a single write)."""

    def __init__(self, code: int, message: str, key: str | None = None, data: dict[str, Any] | None = None):
        super().__init__(message)
        self.code, self.message, self.key, self.data = code, message, key, data


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_key() -> str:
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(8))


@dataclass
class Library:
    kind: str  # "user" | "group"
    id: int
    name: str
    version: int = 0
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> data (with key, version)
    collections: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted: dict[str, dict[str, int]] = field(default_factory=lambda: {"items": {}, "collections": {}})

    @property
    def prefix(self) -> str:
        return f"{self.kind}s/{self.id}"

    def bump(self) -> int:
        self.version += 1
        return self.version

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "items": self.items,
            "collections": self.collections,
            "deleted": self.deleted,
        }


class LibraryStore:
    """All libraries, API keys and used write tokens; saved to ``state_path`` after each write."""

    def __init__(self, schema: Schema, state_path: Path | None = None):
        self.schema = schema
        self.state_path = Path(state_path) if state_path else None
        self.libraries: dict[str, Library] = {}
        self.keys: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, float] = {}  # "apikey token" -> time used
        if self.state_path and self.state_path.exists():
            self._load()

    # -- setup -------------------------------------------------------------------------------
    def add_user(
        self,
        user_id: int,
        username: str,
        api_key: str,
        write: bool = True,
        groups: dict[int, bool] | None = None,
    ) -> None:
        """A user library and a key for it; ``groups`` maps group ids to write access."""
        self.libraries.setdefault(f"users/{user_id}", Library("user", user_id, username))
        access: dict[str, Any] = {"user": {"library": True, "files": True, "notes": True, "write": write}}
        if groups:
            access["groups"] = {str(g): {"library": True, "write": w} for g, w in groups.items()}
            for g in groups:
                self.libraries.setdefault(f"groups/{g}", Library("group", g, f"Group {g}"))
        self.keys[api_key] = {
            "key": api_key,
            "userID": user_id,
            "username": username,
            "displayName": username,
            "access": access,
        }
        self.save()

    def _load(self) -> None:
        assert self.state_path is not None  # only called when there is a state file
        state = json.loads(self.state_path.read_text(encoding="utf-8"))
        self.keys = state["keys"]
        self.tokens = state.get("tokens", {})
        for prefix, lib in state["libraries"].items():
            self.libraries[prefix] = Library(
                lib["kind"],
                lib["id"],
                lib["name"],
                lib["version"],
                lib["items"],
                lib["collections"],
                lib["deleted"],
            )

    def save(self) -> None:
        if not self.state_path:
            return
        state = {
            "keys": self.keys,
            "tokens": self.tokens,
            "libraries": {p: lib.to_json() for p, lib in self.libraries.items()},
        }
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.state_path.parent, prefix=".zotero-state.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(state, out)
        os.replace(tmp, self.state_path)

    # -- access ------------------------------------------------------------------------------
    def can(self, api_key: str, lib: Library, write: bool) -> bool:
        info = self.keys.get(api_key)
        if not info:
            return False
        if lib.kind == "user":
            user = info["access"].get("user", {})
            return (
                info["userID"] == lib.id and user.get("library", False) and (not write or user.get("write"))
            )
        groups = info["access"].get("groups", {})
        grant = groups.get(str(lib.id)) or groups.get("all")
        return bool(grant) and grant.get("library", False) and (not write or grant.get("write", False))

    # -- item validation and writes ----------------------------------------------------------
    def write_item(self, lib: Library, obj: object, header_version: int | None) -> tuple[str, dict[str, Any]]:
        """Create or update one item from a POST array; ("successful"|"unchanged", data)."""
        if not isinstance(obj, dict):
            raise ObjectError(400, "Invalid value for index")
        data = obj.get("data", obj) if isinstance(obj.get("data"), dict) else obj
        key = data.get("key")
        existing = lib.items.get(key) if key else None
        if key is not None and (not isinstance(key, str) or len(key) != 8 or set(key) - set(KEY_ALPHABET)):
            raise ObjectError(400, f"'{key}' is not a valid item key", key)
        if existing is None:
            if key is not None:
                version = data.get("version", header_version)
                if version is None:
                    raise ObjectError(
                        428,
                        "Either If-Unmodified-Since-Version or 'version' property must be "
                        "provided for 'key'-based writes",
                        key,
                    )
                if "version" in data and data["version"] != 0:
                    raise ObjectError(
                        404, f"Item doesn't exist (expected version {data['version']}; use 0 instead)", key
                    )
            if "itemType" not in data:
                raise ObjectError(400, "'itemType' property not provided", key)
            merged = self._validated(lib, data, None)
            merged["key"] = key or new_key()
            stamp = now_iso()
            merged.setdefault("dateAdded", stamp)
            merged["dateModified"] = stamp
        else:
            if (
                "version" in data and existing["version"] > data["version"]
            ):  # only a newer server version conflicts
                raise ObjectError(
                    412,
                    f"Item has been modified since specified version (expected "
                    f"{data['version']}, found {existing['version']})",
                    key,
                )
            if "version" not in data and header_version is None:
                raise ObjectError(
                    428,
                    "Either If-Unmodified-Since-Version or 'version' property must be "
                    "provided for 'key'-based writes",
                    key,
                )
            merged = self._validated(lib, data, existing)
            if _same_item(merged, existing):
                lib.bump()  # the server bumps the library version for unchanged objects too
                return "unchanged", existing
            merged["dateModified"] = now_iso()
        merged["version"] = lib.bump()
        lib.items[merged["key"]] = merged
        return "successful", merged

    def patch_item(self, lib: Library, key: str, data: dict[str, Any], replace: bool) -> None:
        existing = lib.items.get(key)
        if existing is None:
            raise ObjectError(404, "Item not found", key)
        if not isinstance(data, dict):
            raise ObjectError(400, "Uploaded data must be a JSON object")
        if replace:
            for required in ("tags", "relations") + (
                ("collections",) if not existing.get("parentItem") else ()
            ):
                if required not in data:
                    raise ObjectError(400, f"'{required}' property not provided", key)
            base = {
                "key": key,
                "version": existing["version"],
                "itemType": data.get("itemType", existing["itemType"]),
                "dateAdded": existing["dateAdded"],
            }
            if existing.get("parentItem"):
                base["parentItem"] = existing["parentItem"]
            merged = self._validated(lib, data, base)
        else:
            merged = self._validated(lib, data, existing)
        if _same_item(merged, existing):
            return
        merged["dateModified"] = now_iso()
        merged["version"] = lib.bump()
        lib.items[key] = merged

    def _validated(
        self, lib: Library, data: dict[str, Any], existing: dict[str, Any] | None
    ) -> dict[str, Any]:
        """``existing`` updated with ``data`` (PATCH semantics), or a new item; raises ObjectError."""
        key = data.get("key")
        item_type = data.get("itemType", existing["itemType"] if existing else None)
        if not isinstance(item_type, str) or item_type not in self.schema.types:
            raise ObjectError(400, f"'{item_type}' is not a valid itemType", key)
        fields = set(self.schema.fields(item_type))
        allowed = COMMON_PROPERTIES | fields | EXTRA_PROPERTIES.get(item_type, frozenset())
        merged: dict[str, Any] = (
            dict(existing)
            if existing
            else {"itemType": item_type, "creators": [], "tags": [], "relations": {}}
        )
        if existing and item_type != existing["itemType"]:
            self._set_type(merged, existing["itemType"], item_type)
        merged["itemType"] = item_type
        for name, value in data.items():
            if name not in allowed:
                if name in self.schema.all_fields:
                    if value == "":  # Item::setField ignores an empty value for a field the type lacks
                        continue
                    raise ObjectError(400, f"'{name}' is not a valid field for type '{item_type}'", key)
                raise ObjectError(400, f"Invalid property '{name}'", key)
            if name in ("key", "version"):
                continue
            if name in ("md5", "mtime") and item_type == "attachment":
                if value is not None:  # null: "should ignore null for existing storage properties"
                    merged[name] = value
                continue
            if name in fields or name in EXTRA_PROPERTIES.get(item_type, ()):
                value = self._field_value(name, value, key)
                if value == "":  # an empty value unsets the field
                    merged.pop(name, None)
                    continue
            elif name == "deleted":
                if value in (1, True, "1", "true"):
                    merged["deleted"] = 1
                else:
                    merged.pop("deleted", None)
                continue
            elif name == "creators":
                value = self._creators(value, item_type, key)
            elif name == "tags":
                value = self._tags(value, key)
            elif name == "collections":
                value = self._collections(lib, value, key)
            elif name == "relations":
                if value == []:
                    value = {}
                if not isinstance(value, dict):
                    raise ObjectError(400, "'relations' property must be an object", key)
            elif name == "parentItem":
                if value and value not in lib.items:
                    raise ObjectError(409, f"Parent item {value} not found", key, {"parentItem": value})
            elif name in ("dateAdded", "dateModified"):
                if existing and name == "dateAdded" and value != existing.get("dateAdded"):
                    raise ObjectError(400, "'dateAdded' cannot be modified for existing items", key)
            merged[name] = value
        if item_type == "attachment":
            self._check_attachment(data, merged, existing, key)
        if merged.get("parentItem") and merged.get("collections"):
            raise ObjectError(400, "Child items cannot be assigned to collections", key)
        for name in list(merged):  # fields of another type after an itemType change
            if name not in allowed and name not in ("key", "version"):
                del merged[name]
        if not merged.get("parentItem") and item_type not in ("note", "attachment", "annotation"):
            merged.setdefault("collections", [])
        return merged

    def _set_type(self, merged: dict[str, Any], old_type: str, new_type: str) -> None:
        """dataserver's Item::setType: a field the new type lacks moves to the new type's field of
        the same base field (a preprint's ``repository`` becomes a conference paper's
        ``publisher``), else it is cleared; a creator type the new type lacks becomes
        ``contributor``. It happens before the request's own fields are set."""
        bases = {f["field"]: f.get("baseField", f["field"]) for f in self.schema.types[old_type]["fields"]}
        by_base = {f.get("baseField", f["field"]): f["field"] for f in self.schema.types[new_type]["fields"]}
        new_fields = set(self.schema.fields(new_type))
        for name in list(merged):
            if name in bases and name not in new_fields:
                value = merged.pop(name)
                target = by_base.get(bases[name])
                if target and target not in merged:
                    merged[target] = value
        creator_types = set(self.schema.creator_types(new_type))
        merged["creators"] = [
            c if c.get("creatorType") in creator_types else {**c, "creatorType": "contributor"}
            for c in merged.get("creators", [])
        ]

    @staticmethod
    def _check_attachment(
        data: dict[str, Any], merged: dict[str, Any], existing: dict[str, Any] | None, key: str | None
    ) -> None:
        """Attachment properties as Items::updateFromJSON and Item::setAttachmentField check them."""
        if "linkMode" not in merged:
            raise ObjectError(400, "'linkMode' property not provided", key)
        mode = str(merged["linkMode"]).lower()
        if mode not in LINK_MODES:
            raise ObjectError(400, f"'{merged['linkMode']}' is not a valid linkMode", key)
        if existing and existing.get("linkMode") and mode != existing["linkMode"]:
            raise ObjectError(400, "Cannot change attachment linkMode", key)
        merged["linkMode"] = mode
        for name in ("filename", "md5", "mtime"):
            if name not in data:
                continue
            if not mode.startswith("imported_") and mode != "embedded_image":
                raise ObjectError(
                    400, f"'{name}' is valid only for imported and embedded-image attachments", key
                )
            if data[name] is None and existing is not None:  # null for a stored property: ignored
                merged[name] = existing.get(name)
        filename = data.get("filename")
        if isinstance(filename, str) and (
            "/" in filename or re.match(r"^[a-zA-Z]:[\\/]", filename) or filename.startswith("\\\\")
        ):
            raise ObjectError(400, f"Stored-file filename '{filename}' cannot contain a directory path", key)
        if "path" in data and mode != "linked_file":
            raise ObjectError(400, "'path' is valid only for linked file attachment items", key)

    @staticmethod
    def _field_value(name: str, value: object, key: str | None) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if value is False or value is None:
            value = ""
        if not isinstance(value, str):
            raise ObjectError(400, f"'{name}' must be a string", key)
        value = value.strip()  # Item::setField trims
        if name == "note":
            if len(value) > MAX_NOTE_CHARS:
                raise ObjectError(
                    413, f"Note is too long ({len(value)} characters; the limit is {MAX_NOTE_CHARS})", key
                )
        elif len(value.encode("utf-8")) > MAX_FIELD_BYTES:
            raise ObjectError(413, f"Field '{name}' is too long", key, {"field": name, "value": value[:50]})
        if name == "accessDate" and value == "CURRENT_TIMESTAMP":
            value = now_iso()
        return value

    def _creators(self, value: object, item_type: str, key: str | None) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            raise ObjectError(400, "'creators' property must be an array", key)
        valid = set(self.schema.creator_types(item_type)) | {"author"}
        out = []
        for creator in value:
            if not isinstance(creator, dict):
                raise ObjectError(400, "Creator must be an object", key)
            if "creatorType" not in creator:
                raise ObjectError(400, "creator object must contain 'creatorType'", key)
            if creator["creatorType"] not in valid:
                raise ObjectError(
                    400,
                    f"'{creator['creatorType']}' is not a valid creator type for item type '{item_type}'",
                    key,
                )
            for prop in creator:
                if prop not in ("creatorType", *CREATOR_FIELDS):
                    raise ObjectError(400, f"Invalid creator property '{prop}'", key)
            if "name" in creator and ("firstName" in creator or "lastName" in creator):
                raise ObjectError(400, "'firstName' and 'name' creator fields are mutually exclusive", key)
            if "firstName" in creator and "lastName" not in creator:
                raise ObjectError(400, "'lastName' creator field must be set if 'firstName' is set", key)
            if "lastName" in creator and "firstName" not in creator:
                raise ObjectError(400, "'firstName' creator field must be set if 'lastName' is set", key)
            if not any(creator.get(f) for f in CREATOR_FIELDS):
                if len(value) == 1:
                    continue  # the template's empty creator is ignored
                raise ObjectError(400, "Creator name cannot be empty", key)
            for part in CREATOR_FIELDS:
                name = creator.get(part) or ""
                if len(name.encode("utf-8")) > MAX_CREATOR_BYTES:  # bytes, not characters
                    raise ObjectError(
                        413, f"The creator name ‘{name[:50]}…’ is too long to sync.", key, {"creator": name}
                    )
            out.append(dict(creator))
        return out

    @staticmethod
    def _tags(value: object, key: str | None) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            raise ObjectError(400, "'tags' property must be an array", key)
        out, seen = [], set()
        for tag in value:
            if not isinstance(tag, dict):
                raise ObjectError(400, "Tag must be an object", key)
            for prop in tag:
                if prop not in ("tag", "type"):
                    raise ObjectError(400, f"Invalid tag property '{prop}'", key)
            name = tag.get("tag")
            if isinstance(name, str) and not name.strip():
                continue  # Item::setTags drops empty tags
            if not isinstance(name, str):
                raise ObjectError(400, "Tag must be a string", key)
            if len(name) > MAX_TAG:
                raise ObjectError(413, f"Tag '{name[:50]}…' too long", key, {"tag": name})
            kind = tag.get("type", 0)
            if isinstance(kind, bool) or not isinstance(kind, int):
                raise ObjectError(400, "Invalid tag type", key)
            if (name.strip(), kind) in seen:
                continue
            seen.add((name.strip(), kind))
            out.append({"tag": name.strip(), **({"type": kind} if kind else {})})
        return out

    @staticmethod
    def _collections(lib: Library, value: object, key: str | None) -> list[str]:
        if not isinstance(value, list):
            raise ObjectError(400, "'collections' property must be an array", key)
        for ckey in value:
            if not isinstance(ckey, str) or len(ckey) != 8:
                raise ObjectError(400, f"'{ckey}' is not a valid collection key", key)
            if ckey not in lib.collections:
                raise ObjectError(409, f"Collection {ckey} not found", key, {"collection": ckey})
        return list(dict.fromkeys(value))

    # -- collections ---------------------------------------------------------------------------
    def write_collection(
        self, lib: Library, obj: object, header_version: int | None
    ) -> tuple[str, dict[str, Any]]:
        if not isinstance(obj, dict):
            raise ObjectError(400, "Invalid value for index")
        data = obj.get("data", obj) if isinstance(obj.get("data"), dict) else obj
        key = data.get("key")
        existing = lib.collections.get(key) if key else None
        for prop in data:
            if prop not in ("key", "version", "name", "parentCollection", "relations", "deleted"):
                raise ObjectError(400, f"Invalid property '{prop}'", key)
        if existing and "version" in data and existing["version"] > data["version"]:
            raise ObjectError(
                412,
                f"Collection has been modified since specified version (expected "
                f"{data['version']}, found {existing['version']})",
                key,
            )
        merged = (
            dict(existing)
            if existing
            else {"key": key or new_key(), "name": None, "parentCollection": False, "relations": {}}
        )
        if "name" in data:
            merged["name"] = data["name"]
        if not isinstance(merged["name"], str) or not merged["name"].strip():
            raise ObjectError(400, "Collection name cannot be empty", key)
        if len(merged["name"]) > MAX_COLLECTION_NAME:
            raise ObjectError(413, "Collection name too long", key)
        if "parentCollection" in data:
            parent = data["parentCollection"] or False
            if parent and parent not in lib.collections:
                raise ObjectError(409, f"Parent collection {parent} not found", key, {"collection": parent})
            if parent and parent == merged["key"]:
                raise ObjectError(400, "Collection cannot be a child of itself", key)
            merged["parentCollection"] = parent
        if "deleted" in data:  # the trash: Collections::updateFromJSON
            if data["deleted"] in (1, True, "1", "true"):
                merged["deleted"] = True
            else:
                merged.pop("deleted", None)
        if existing and {k: merged[k] for k in merged if k != "version"} == {
            k: existing[k] for k in existing if k != "version"
        }:
            lib.bump()
            return "unchanged", existing
        merged["version"] = lib.bump()
        lib.collections[merged["key"]] = merged
        return "successful", merged

    def delete(self, lib: Library, kind: str, keys: list[str]) -> None:
        table = lib.items if kind == "items" else lib.collections
        present = [k for k in keys if k in table]
        if not present:
            return
        version = lib.bump()
        for key in present:
            del table[key]
            lib.deleted[kind][key] = version
            if kind == "collections":
                # "Deleting a collection removes items from it without bumping their versions"
                # (model/Item.inc.php): an incremental sync never sees those items change.
                for item in lib.items.values():
                    if key in item.get("collections", []):
                        item["collections"] = [c for c in item["collections"] if c != key]
                for child in [c for c in lib.collections.values() if c["parentCollection"] == key]:
                    self.delete(lib, "collections", [child["key"]])


def _same_item(a: dict[str, Any], b: dict[str, Any]) -> bool:
    ignore = ("version", "dateModified")
    return {k: v for k, v in a.items() if k not in ignore} == {k: v for k, v in b.items() if k not in ignore}
