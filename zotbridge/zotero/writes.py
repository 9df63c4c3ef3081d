"""Updating existing items safely, shared by push and organize.

Changes are computed from an item's current data, sent 50 items per request with each item's
version, and when Zotero says an item changed meanwhile (412), the item is read again and its
change computed again from the fresh data — so a concurrent edit in Zotero is merged, never
overwritten. The same re-read answers a per-object 409 naming a collection that is gone (deleted
in Zotero meanwhile: the fresh data no longer holds it). A per-object 500/503 (that object's
transaction failed this time) needs no read: the same change is simply sent again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zotbridge.zotero.client import MAX_BATCH, TRANSIENT_OBJECT_CODES, ZoteroClient

UPDATE_TRIES = 3


def apply_updates(
    client: ZoteroClient,
    items: list[dict[str, Any]],
    change: Callable[[dict[str, Any]], dict[str, Any]],
    tick: Callable[[int], None] = lambda n: None,
) -> dict[str, str]:
    """Send ``change(data)`` (the properties to set; empty: nothing) for each item's data.
    Returns ``{item key: Zotero's message}`` for the items that failed."""
    failures: dict[str, str] = {}
    pending = items
    for attempt in range(1, UPDATE_TRIES + 1):
        stale, again = [], []
        bodies = [(data, change(data)) for data in pending]
        work = [(data, body) for data, body in bodies if body]
        tick(len(bodies) - len(work))
        for start in range(0, len(work), MAX_BATCH):
            batch = work[start : start + MAX_BATCH]
            result = client.update([{"key": d["key"], "version": d["version"], **b} for d, b in batch])
            for i, (data, _body) in enumerate(batch):
                failure = result.get("failed", {}).get(str(i))
                if failure is None:
                    tick(1)
                elif attempt < UPDATE_TRIES and failure.get("code") in TRANSIENT_OBJECT_CODES:
                    again.append(data)  # not saved this time; what we read is still current
                elif attempt < UPDATE_TRIES and _outdated(failure):
                    stale.append(data)
                else:
                    failures[data["key"]] = failure.get("message", "") or f"HTTP {failure.get('code')}"
                    tick(1)
        if not stale and not again:
            break
        fresh = {i["key"]: i["data"] for i in client.fetch_items([d["key"] for d in stale])} if stale else {}
        pending = [fresh.get(d["key"], d) for d in stale] + again
    return failures


def _outdated(failure: dict[str, Any]) -> bool:
    """The item changed meanwhile (412), or names a collection deleted meanwhile (409)."""
    code = failure.get("code")
    return code == 412 or (code == 409 and "collection" in (failure.get("data") or {}))
