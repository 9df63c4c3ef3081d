"""``--collection "A/B/C"``: find a collection by its path of names, and plan the missing levels.

Names are compared exactly (case-sensitive, as Zotero shows them; surrounding spaces of each
level are ignored). Zotero allows two sibling collections with the same name, so a level that
matches two is an error naming both, rather than a guess. ``/`` separates levels; a name that
itself contains a slash is written ``\\/``.

A collection in Zotero's trash is still listed by the API, flagged ``deleted: true``
(``Collection::toJSON`` in zotero/dataserver): it is not a target — papers filed there would not
show in the user's library tree — so it counts as absent, a new one is made, and the caller is
told.
"""

from __future__ import annotations

import re
from typing import Any

from zotbridge.errors import InputError
from zotbridge.zotero.client import new_item_key


def split_path(path: str) -> list[str]:
    parts = [p.replace("\\/", "/").strip() for p in re.split(r"(?<!\\)/", path)]
    if not path.strip() or any(not p for p in parts):
        raise InputError(
            f"the collection path {path!r} has an empty level",
            'write it like "Reading/LLMs" (levels separated by /)',
        )
    return parts


def resolve(path: str, collections: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]], list[str]]:
    """(key of the collection at ``path``, collections to create first, parents before children,
    notes for the user). The key is that of the last planned collection when levels are missing."""
    parent: str | bool = False
    names = split_path(path)
    notes = []
    for depth, name in enumerate(names):
        here = [
            c for c in collections if (c.get("parentCollection") or False) == parent and c["name"] == name
        ]
        same = [c for c in here if not c.get("deleted")]
        if here and not same:
            notes.append(
                f"the collection {'/'.join(names[: depth + 1])!r} is in Zotero's trash: a new one is made"
            )
        if len(same) > 1:
            where = "/".join(names[: depth + 1])
            keys = ", ".join(sorted(c["key"] for c in same))
            raise InputError(
                f"two collections are called {where!r} (keys {keys})",
                "rename one of them in Zotero, then run again",
            )
        if not same:
            planned = []
            for missing in names[depth:]:
                key = new_item_key()
                planned.append({"key": key, "version": 0, "name": missing, "parentCollection": parent})
                parent = key
            return str(parent), planned, notes
        parent = same[0]["key"]
    return str(parent), [], notes


def existing(path: str, collections: list[dict[str, Any]], library: str) -> str:
    """The key of the collection at ``path``, which must exist (organize, bib --collection)."""
    key, missing, notes = resolve(path, collections)
    if missing:
        where = f" ({notes[0].split(':')[0]})" if notes else ""
        raise InputError(
            f"there is no collection {path!r} in {library}{where}",
            "restore it from Zotero's trash, check the path (names are case-sensitive), "
            "or push papers into it first",
        )
    return key


def descendants(key: str, collections: list[dict[str, Any]]) -> list[str]:
    """``key`` and the keys of every collection below it, none in the trash."""
    found, frontier = [key], [key]
    while frontier:
        children = [
            c["key"] for c in collections if c.get("parentCollection") in frontier and not c.get("deleted")
        ]
        found += children
        frontier = children
    return found
