"""Zotero's published schema (v41, ``sandbox/data/zotero-schema.json``, a copy of
``zotero/zotero-schema``): item types, their fields and creator types, as the emulator validates
and describes items."""

from __future__ import annotations

import json
from functools import cached_property
from importlib import resources
from typing import Any

# Properties an item may carry besides its type's fields (docs/zotero-api.md §1.3, §1.7).
COMMON_PROPERTIES = frozenset(
    {
        "key",
        "version",
        "itemType",
        "creators",
        "tags",
        "collections",
        "relations",
        "dateAdded",
        "dateModified",
        "deleted",
        "parentItem",
    }
)
EXTRA_PROPERTIES = {
    "note": frozenset({"note"}),
    "attachment": frozenset(
        {"linkMode", "contentType", "charset", "filename", "md5", "mtime", "path", "note"}
    ),
    "annotation": frozenset(),
}
CREATOR_FIELDS = ("firstName", "lastName", "name")


class Schema:
    def __init__(self, data: dict[str, Any]):
        self.version = data["version"]
        self.types = {t["itemType"]: t for t in data["itemTypes"]}
        self.locale = data["locales"]["en-US"]

    @classmethod
    def load(cls) -> Schema:
        text = (
            resources.files("zotbridge.sandbox")
            .joinpath("data/zotero-schema.json")
            .read_text(encoding="utf-8")
        )
        return cls(json.loads(text))

    def fields(self, item_type: str) -> list[str]:
        return [f["field"] for f in self.types[item_type]["fields"]]

    def creator_types(self, item_type: str) -> list[str]:
        return [c["creatorType"] for c in self.types[item_type]["creatorTypes"]]

    @cached_property
    def all_fields(self) -> list[str]:
        seen: dict[str, None] = {}
        for item_type in self.types.values():
            for f in item_type["fields"]:
                seen.setdefault(f["field"])
                if "baseField" in f:
                    seen.setdefault(f["baseField"])
        return sorted(seen)

    def localized_type(self, item_type: str) -> str:
        return str(self.locale["itemTypes"].get(item_type, item_type))

    def localized_field(self, field: str) -> str:
        return str(self.locale["fields"].get(field, field))

    def localized_creator(self, creator_type: str) -> str:
        return str(self.locale["creatorTypes"].get(creator_type, creator_type))
