"""``zotbridge organize``: sub-collections of a collection, one per useful tag (or rule), with the
collection's items filed into them.

* ``--by tags`` (default): the collection's items' keyword tags (manual tags; Zotero's automatic
  category tags are left out), spellings of one tag merged and an acronym merged into its one
  expansion (``LLM`` into ``large language model``), carried by at least ``min_items``
  items and by fewer than all of them (a tag on every item does not divide anything); phrases
  first, most used first, then single broad words only for items no phrase grouped; at most
  ``max_collections``; each becomes a sub-collection named after the tag. An item is only ever
  filed under a tag it carries.
* ``--rules FILE``: a TOML file of groups, each a collection name and tag patterns
  (shell-style, case-insensitive); an item joins every group one of its tags matches::

      [[group]]
      name = "Diffusion"
      tags = ["diffusion*", "score-based*"]

Existing sub-collections with a group's name (exact) are used; missing ones are created in one
request. Items are only ever **added** to sub-collections; ``prune`` also removes an item from a
group sub-collection it no longer belongs to (other sub-collections are never touched). A second
run changes nothing. Writes go through the same path as push (batches, versions, retries).
"""

from __future__ import annotations

import fnmatch
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zotbridge.config import Settings
from zotbridge.credentials import load_credentials
from zotbridge.errors import InputError
from zotbridge.store import Store
from zotbridge.tags.lexicon import american
from zotbridge.tags.vocabulary import abbreviates, merge_key, tag_key
from zotbridge.zotero import collections as collection_paths
from zotbridge.zotero.client import ZoteroClient, new_item_key, refused
from zotbridge.zotero.sync import sync
from zotbridge.zotero.writes import apply_updates


@dataclass
class Group:
    name: str
    members: list[str]  # item keys
    key: str | None = None
    created: bool = False
    added: int = 0
    removed: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "collection": self.name,
            "key": self.key,
            "items": len(self.members),
            "created": self.created,
            "added": self.added,
            "removed": self.removed,
        }


@dataclass
class OrganizeResult:
    collection: str
    collection_key: str
    items: int
    groups: list[Group] = field(default_factory=list)
    dry_run: bool = False
    writes: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # library states the user should know about

    def summary_json(self) -> dict[str, Any]:
        return {
            "summary": {
                "collection": self.collection,
                "collection_key": self.collection_key,
                "notes": self.notes,
                "items": self.items,
                "groups": len(self.groups),
                "dry_run": self.dry_run,
                "added": sum(g.added for g in self.groups),
                "removed": sum(g.removed for g in self.groups),
                "created": [g.name for g in self.groups if g.created],
                "writes": self.writes,
                "failed": self.failed,
            }
        }


def read_rules(path: Path) -> list[tuple[str, list[str]]]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(
            f"cannot read the rules file {path} ({exc})",
            'write groups as [[group]] name = "…" tags = ["pattern*", …] (docs/organize.md)',
        ) from exc
    groups = data.get("group")
    if not isinstance(groups, list) or not groups:
        raise InputError(
            f"the rules file {path} has no [[group]] entries",
            'add e.g.: [[group]] name = "Diffusion" tags = ["diffusion*"]',
        )
    out = []
    for i, g in enumerate(groups, 1):
        name, patterns = g.get("name"), g.get("tags")
        if not isinstance(name, str) or not name.strip() or not isinstance(patterns, list) or not patterns:
            raise InputError(
                f"group {i} of {path} needs a name and a list of tag patterns",
                'e.g. [[group]] name = "Diffusion" tags = ["diffusion*"]',
            )
        out.append((name.strip(), [str(p).lower() for p in patterns]))
    return out


def organize(
    client: ZoteroClient,
    store: Store,
    collection: str,
    *,
    min_items: int = 3,
    max_collections: int = 10,
    rules: list[tuple[str, list[str]]] | None = None,
    prune: bool = False,
    dry_run: bool = False,
) -> OrganizeResult:
    index = sync(client, store)
    parent = collection_paths.existing(collection, index.collections, client.credentials.prefix)
    items = [
        data for _arxiv_id, data in store.zotero_items(index.name) if parent in data.get("collections", [])
    ]
    groups = _groups_by_rules(items, rules) if rules else _groups_by_tags(items, min_items, max_collections)
    result = OrganizeResult(collection, parent, len(items), groups, dry_run)
    children = [c for c in index.collections if c.get("parentCollection") == parent]
    planned = []
    for group in groups:
        same = [c for c in children if c["name"] == group.name and not c.get("deleted")]
        if not same and any(c["name"] == group.name for c in children):
            result.notes.append(f"the sub-collection {group.name!r} is in Zotero's trash: a new one is made")
        if len(same) > 1:
            raise InputError(
                f"two sub-collections of {collection!r} are called {group.name!r} "
                f"(keys {', '.join(sorted(c['key'] for c in same))})",
                "rename one of them in Zotero",
            )
        if same:
            group.key = same[0]["key"]
        else:
            group.key, group.created = new_item_key(), True
            planned.append({"key": group.key, "version": 0, "name": group.name, "parentCollection": parent})
    wanted = {g.key: set(g.members) for g in groups}
    by_key = {data["key"]: data for data in items}

    def change(data: dict[str, Any]) -> dict[str, Any]:
        current = list(data.get("collections", []))
        new = current + [k for k, members in wanted.items() if data["key"] in members and k not in current]
        if prune:
            new = [k for k in new if k not in wanted or data["key"] in wanted[k]]
        return {"collections": new} if new != current else {}

    for group in groups:
        group.added = sum(1 for m in group.members if group.key not in by_key[m].get("collections", []))
        if prune:
            group.removed = sum(
                1 for d in items if group.key in d.get("collections", []) and d["key"] not in group.members
            )
    if dry_run:
        return result
    before = client.writes
    failures = client.create_all("collections", planned)  # 50 per request, however many groups
    if failures:
        raise refused(failures, "the sub-collections")
    result.failed = apply_updates(client, items, change)
    result.writes = client.writes - before
    return result


def _tags_of(data: dict[str, Any]) -> list[str]:
    return [t["tag"] for t in data.get("tags", []) if not t.get("type")]


def _groups_by_tags(items: list[dict[str, Any]], min_items: int, max_collections: int) -> list[Group]:
    """Sub-collections from the tags the items carry: spellings of one tag are one group
    (``pre-trained model`` = ``pretrained models``, tags/vocabulary.py), named by the spelling
    most items use, and an acronym joins its expansion's group when the collection's tags hold
    exactly one (``LLMs`` and ``large language model``; ``ML`` stays alone next to both ``machine
    learning`` and ``metric learning``); an item joins only groups of tags it carries, or of
    their acronyms. Phrases come first, most used
    first; a single broad word ("vector", "token") becomes a group only for the items no phrase
    has grouped yet, and only when there are ``min_items`` of them."""
    members: dict[str, set[str]] = {}
    spellings: dict[str, Counter[str]] = {}
    for data in items:
        for tag in set(_tags_of(data)):
            key = merge_key(tag_key(tag))
            members.setdefault(key, set()).add(data["key"])
            spellings.setdefault(key, Counter())[tag] += 1
    for short, long in _expansions(spellings).items():
        members[long] |= members.pop(short)
        del spellings[short]  # the group is named by its expansion, as tags are
    useful = [k for k, m in members.items() if min_items <= len(m) < len(items)]
    name = {key: _group_name(spellings[key]) for key in useful}

    def order(keys: list[str]) -> list[str]:
        return sorted(keys, key=lambda k: (-len(members[k]), name[k].lower()))

    phrases = order([k for k in useful if len(tag_key(name[k]).split()) > 1])
    chosen = phrases[:max_collections]
    covered = set().union(*(members[k] for k in chosen)) if chosen else set()
    for key in order([k for k in useful if k not in phrases]):
        if len(chosen) >= max_collections:
            break
        if len(members[key] - covered) >= min_items:
            chosen.append(key)
            covered |= members[key]
    return [Group(name[k], sorted(members[k])) for k in chosen]


def _group_name(spellings: Counter[str]) -> str:
    """The spelling a group is named by: of the tag most items carry, counting its forms together
    ("fine-tuned models" and "fine-tuned model" before one "finetuned model"), the spelling most
    use, then the American one ("generalization", not "generalisation", one item each), then the
    shorter ("fine-tuned model", not "fine-tuned models")."""
    keys = {tag: tag_key(tag) for tag in spellings}
    forms: Counter[str] = Counter()
    for tag, count in spellings.items():
        forms[keys[tag]] += count

    def preference(tag: str) -> tuple[int, int, bool, int, str]:
        american_spelling = all(american(word) == word for word in keys[tag].split())
        return forms[keys[tag]], spellings[tag], american_spelling, -len(tag), tag

    return max(spellings, key=preference)


def _expansions(spellings: dict[str, Counter[str]]) -> dict[str, str]:
    """Tag key of an acronym -> tag key of its only expansion among the tags."""
    found = {}
    for short, forms in spellings.items():
        longs = [
            key
            for key, names in spellings.items()
            if key != short and any(abbreviates(s, n) for s in forms for n in names)
        ]
        if len(longs) == 1:
            found[short] = longs[0]
    return found


def _groups_by_rules(items: list[dict[str, Any]], rules: list[tuple[str, list[str]]]) -> list[Group]:
    groups = []
    for name, patterns in rules:
        members = sorted(
            d["key"]
            for d in items
            if any(fnmatch.fnmatchcase(t.lower(), p) for t in _tags_of(d) for p in patterns)
        )
        groups.append(Group(name, members))
    return groups


def organize_library(settings: Settings, collection: str, **options: Any) -> OrganizeResult:
    """Open the store and the configured library, then :func:`organize`."""
    credentials = load_credentials(settings)
    with Store(settings.home) as store, ZoteroClient(settings, credentials) as client:
        return organize(client, store, collection, **options)
