"""The only code that talks to Zotero: pyzotero 1.16 for its session and reads, and one request
loop of ours for everything pyzotero gets wrong (docs/zotero-api.md §4).

* Every request goes through :meth:`ZoteroClient.request`: it waits out ``Backoff`` and
  ``Retry-After`` (on any response), retries 409 (locked), 429, 500, 502, 503, 504, timeouts and dropped
  connections with growing pauses, and gives up with one clear error.
* Creates are ≤ 50 objects per POST with a ``Zotero-Write-Token`` that is **reused** when the same
  batch is retried (pyzotero makes a fresh token per call and does not retry creates at all).
  Items carry keys chosen here, so when a response is lost after the server committed, the
  retry's "Write token already used" is answered by reading those keys back.
* Multi-object updates (``update_items`` in pyzotero silently skips a chunk that got a 429) are
  POSTs of ≤ 50 objects with their versions; per-object failures come back to the caller.
* Loopback endpoints never go through a proxy from the environment.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

import httpx2
from pyzotero import zotero

from zotbridge import __version__
from zotbridge.config import Settings, is_loopback_url
from zotbridge.credentials import Credentials
from zotbridge.errors import AccessError, ServiceError, ZoteroError
from zotbridge.resource import Resource

log = logging.getLogger(__name__)

MAX_BATCH = 50
TRIES = 6
STORAGE_TRIES = 5
RETRY_STATUS = (409, 429, 500, 502, 503, 504)  # 409 on a whole request: harmless to retry
# A per-object 500/503 inside a 200: one object's transaction failed (DataObjects.inc.php catches
# the exception per object); sending that object again is the cure.
TRANSIENT_OBJECT_CODES = (500, 503)
KEY_ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
KEYS_PAGE = "https://www.zotero.org/settings/keys"
# A final HTTP status (after the retries of RETRY_STATUS) -> its error, message and hint; 0: any other.
REFUSALS: dict[int, tuple[type[ZoteroError], str, str]] = {
    403: (
        AccessError,
        "Zotero refused {what}: {text}",
        f"check the key at {KEYS_PAGE} (it needs access to this library, and write access for push), "
        "then run `zotbridge login` again",
    ),
    404: (ZoteroError, "Zotero has no {what} ({text})", "check the library id ({prefix})"),
    0: (
        ZoteroError,
        "Zotero refused {what}: HTTP {status} {text}",
        "run again with -v for details; please report it if it persists",
    ),
}


def refused(failures: dict[str, dict[str, Any]], what: str) -> ZoteroError:
    """The error for objects Zotero refused in a write (its per-object ``failed`` entries): the
    same sentence wherever it happens (push, organize)."""
    first = next(iter(failures.values()))
    return ZoteroError(
        f"Zotero did not create {what}: {first.get('message') or 'HTTP ' + str(first.get('code'))}",
        "check the collection names; nothing else was changed, and a re-run reuses what was made",
    )


def new_item_key() -> str:
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(8))


def derived_key(parent_key: str, purpose: str) -> str:
    """A key that follows from its parent's: a child re-sent after a crash gets the same key, so
    Zotero refuses it as existing instead of saving it twice."""
    digest = hashlib.sha256(f"{parent_key}/{purpose}".encode()).digest()
    return "".join(KEY_ALPHABET[b % len(KEY_ALPHABET)] for b in digest[:8])


class ZoteroClient(Resource):
    """One library's API, through pyzotero's session: ``with ZoteroClient(settings, creds) as c: …``."""

    def __init__(
        self, settings: Settings, credentials: Credentials, sleep: Callable[[float], None] = time.sleep
    ):
        self.credentials = credentials
        self.base = settings.zotero_url
        # a 50-object POST can take a minute on a busy server (each object is its own transaction)
        http = httpx2.Client(
            follow_redirects=True, timeout=settings.zotero_timeout, trust_env=not is_loopback_url(self.base)
        )
        self.zot = zotero.Zotero(
            credentials.library_id, credentials.library_type, credentials.api_key, client=http
        )
        self.zot.endpoint = self.base
        self._http = http  # pyzotero's session, which our request loop sends through
        self.prefix = "/" + credentials.prefix
        self.sleep = sleep
        self.requests = 0
        self.writes = 0
        self._not_before = 0.0

    def close(self) -> None:
        self._http.close()

    # -- the request loop ---------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: object = None,
        form: dict[str, str] | None = None,
        headers: dict[str, Any] | None = None,
        ok: tuple[int, ...] = (200, 204, 304),
    ) -> httpx2.Response:
        """One API call with retries; ``path`` is relative to the endpoint (``/users/1/items``).
        ``body`` is sent as JSON, ``form`` URL-encoded (the file endpoints)."""
        all_headers = {
            **self.zot.default_headers(),
            "User-Agent": f"zotbridge/{__version__} ({self.zot.default_headers()['User-Agent']})",
            **(headers or {}),
        }
        content = None
        if body is not None:
            content = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        elif form is not None:
            content = urlencode(form, quote_via=quote).encode()  # %20, as the local API needs
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        delay = 1.0
        for attempt in range(1, TRIES + 1):
            self._wait()
            self.requests += 1
            response: httpx2.Response | None = None
            try:
                answer: httpx2.Response = self._http.request(
                    method, self.base + path, params=params, content=content, headers=all_headers
                )
            except (httpx2.TransportError, httpx2.TimeoutException) as exc:
                failure = f"no answer ({type(exc).__name__})"
            else:
                response = answer
                self._note_backoff(answer)
                if answer.status_code in ok or answer.status_code not in RETRY_STATUS:
                    return answer
                failure = f"HTTP {answer.status_code} {answer.text[:80].strip()}"
            if attempt == TRIES:
                raise ServiceError(
                    f"Zotero did not accept {method} {self._safe(path)} after {TRIES} tries ({failure})",
                    "try again later; nothing was lost, a re-run continues",
                )
            wait = max(delay, self._retry_after(response))
            log.info("Zotero: %s; retrying in %.0f s", failure, wait)
            self.sleep(wait)
            delay = min(delay * 2, 30.0)
        raise AssertionError("unreachable")

    def _wait(self) -> None:
        remaining = self._not_before - time.monotonic()
        if remaining > 0:
            self.sleep(remaining)

    def _note_backoff(self, response: httpx2.Response) -> None:
        seconds = _seconds(response.headers.get("Backoff"))
        if seconds:
            log.info("Zotero asks to back off for %.0f s", seconds)
            self._not_before = max(self._not_before, time.monotonic() + seconds)

    @staticmethod
    def _retry_after(response: httpx2.Response | None) -> float:
        if response is None:
            return 0.0
        return max(_seconds(response.headers.get("Retry-After")), _seconds(response.headers.get("Backoff")))

    @staticmethod
    def _safe(path: str) -> str:
        return path.split("?")[0]

    def check(self, response: httpx2.Response, what: str) -> httpx2.Response:
        """Turn a final non-success status into its error (:data:`REFUSALS`)."""
        if response.status_code < 400:
            return response
        text = response.text.strip()[:200]  # Zotero's error bodies are short text/html, never JSON
        error, message, hint = REFUSALS.get(response.status_code, REFUSALS[0])
        raise error(
            message.format(what=what, text=text or response.reason_phrase, status=response.status_code),
            hint.format(prefix=self.credentials.prefix),
        )

    # -- reads ----------------------------------------------------------------------------------
    def key_info(self) -> dict[str, Any]:
        return json_object(self.check(self.request("GET", "/keys/current"), "the API key"))

    def versions(self, kind: str, since: int) -> tuple[dict[str, int], int]:
        """``{key: version}`` of top-level items (or collections) changed after ``since``, and the
        library version."""
        path = f"{self.prefix}/items/top" if kind == "items" else f"{self.prefix}/collections"
        response = self.check(
            self.request("GET", path, params={"since": since, "format": "versions"}),
            f"the {kind} of {self.credentials.prefix}",
        )
        return response.json(), int(response.headers.get("Last-Modified-Version", 0))

    def fetch_items(self, keys: list[str]) -> list[dict[str, Any]]:
        """Full items for ``keys``, ≤ 50 per request, those in the trash included."""
        out = []
        for i in range(0, len(keys), MAX_BATCH):
            params = {
                "itemKey": ",".join(keys[i : i + MAX_BATCH]),
                "limit": 100,
                "format": "json",
                "includeTrashed": 1,
            }  # a trashed item is still the user's: never take it for absent
            out.extend(self.check(self.request("GET", f"{self.prefix}/items", params=params), "items").json())
        return out

    def all_collections(self) -> list[dict[str, Any]]:
        """Every collection of the library (100 per page; libraries rarely have many)."""
        out, start = [], 0
        while True:
            response = self.check(
                self.request(
                    "GET",
                    f"{self.prefix}/collections",
                    params={"limit": 100, "start": start, "format": "json"},
                ),
                "collections",
            )
            page = response.json()
            out.extend(page)
            start += len(page)
            if not page or start >= int(response.headers.get("Total-Results", start)):
                return out

    def deleted(self, since: int) -> dict[str, Any]:
        return json_object(
            self.check(
                self.request("GET", f"{self.prefix}/deleted", params={"since": since}), "deleted objects"
            )
        )

    # -- writes ---------------------------------------------------------------------------------
    def create(self, kind: str, objects: list[dict[str, Any]]) -> dict[str, Any]:
        """POST ≤ 50 new objects (each with a ``key`` chosen by the caller and ``version: 0``).
        Returns ``{"successful": {index: object}, "failed": {index: {...}}}``; a lost answer
        after commit is recovered by reading the keys back."""
        assert len(objects) <= MAX_BATCH
        path = f"{self.prefix}/{kind}"
        for _attempt in range(TRIES):
            token = uuid.uuid4().hex  # one token per batch, reused by request()'s retries of it
            response = self.request("POST", path, body=objects, headers={"Zotero-Write-Token": token})
            if response.status_code == 412 and "Write token already used" in response.text:
                # an earlier try of this very batch was committed but its answer was lost
                log.info("Zotero: an earlier try of this batch was saved; reading it back")
                self.writes += 1
                return self._read_back(kind, objects)
            if response.status_code == 412:  # a library-version precondition: the keys make a resend safe
                log.info("Zotero: the library changed meanwhile (412); sending the batch again")
                continue
            self.check(response, f"the new {kind}")
            self.writes += 1
            return json_object(response)
        raise ServiceError(f"Zotero kept refusing the new {kind} (412)", "run again; nothing is duplicated")

    def create_all(
        self, kind: str, objects: list[dict[str, Any]], rounds: int = 3
    ) -> dict[str, dict[str, Any]]:
        """Create any number of keyed objects, 50 per request, parents listed before children;
        an object that failed with a per-object 500/503 is sent again (at most ``rounds`` times in
        all). Returns ``{key: failure}`` for the objects that were not saved."""
        failures: dict[str, dict[str, Any]] = {}
        pending = objects
        for round_ in range(1, rounds + 1):
            again = []
            for start in range(0, len(pending), MAX_BATCH):
                batch = pending[start : start + MAX_BATCH]
                result = self.create(kind, batch)
                for i, obj in enumerate(batch):
                    failure = result.get("failed", {}).get(str(i))
                    if failure is None or failure.get("code") == 412:  # 412: saved by an earlier try
                        failures.pop(obj["key"], None)
                    elif failure.get("code") in TRANSIENT_OBJECT_CODES and round_ < rounds:
                        again.append(obj)
                    else:
                        failures[obj["key"]] = failure
            if not again:
                break
            log.info("Zotero could not save %d %s this time (500/503); sending them again", len(again), kind)
            pending = again
        return failures

    def _read_back(self, kind: str, objects: list[dict[str, Any]]) -> dict[str, Any]:
        keys = [o["key"] for o in objects]
        saved = {o["key"]: o for o in (self.fetch_items(keys) if kind == "items" else self.all_collections())}
        result: dict[str, Any] = {"successful": {}, "failed": {}}
        for i, obj in enumerate(objects):
            if obj["key"] in saved:
                result["successful"][str(i)] = saved[obj["key"]]
            else:
                result["failed"][str(i)] = {"key": obj["key"], "code": 0, "message": "not saved; run again"}
        return result

    def delete_items(self, keys: list[str]) -> None:
        """Delete items (≤ 50) at the library's current version: one read for the version, one
        DELETE; a library changed meanwhile (412) is read again."""
        assert len(keys) <= MAX_BATCH
        for _attempt in range(TRIES):
            head = self.request("GET", f"{self.prefix}/items", params={"limit": 1, "format": "keys"})
            version = self.check(head, "the library version").headers.get("Last-Modified-Version", "0")
            response = self.request(
                "DELETE",
                f"{self.prefix}/items",
                params={"itemKey": ",".join(keys)},
                headers={"If-Unmodified-Since-Version": version},
            )
            if response.status_code != 412:
                self.check(response, "the deletion")
                self.writes += 1
                return
        raise ServiceError("Zotero kept refusing a deletion (412)", "run again; nothing is duplicated")

    def post_storage(self, url: str, content: bytes, content_type: str) -> httpx2.Response:
        """The storage POST of a file upload (Amazon S3 for zotero.org), with none of the API's
        headers (S3 refuses them: urschrei/pyzotero PR #206). A 5xx, a dropped connection or a
        timeout is sent again, waiting 1, 2, 4 … up to 60 s, at most 5 times, as Zotero's own
        client does (zfs.js); any other answer is the caller's."""
        delay = 1.0
        for attempt in range(1, STORAGE_TRIES + 1):
            self.requests += 1
            try:
                response: httpx2.Response = self._http.post(
                    url,
                    content=content,
                    headers={"Content-Type": content_type, "User-Agent": f"zotbridge/{__version__}"},
                )
            except (httpx2.TransportError, httpx2.TimeoutException) as exc:
                failure = f"no answer ({type(exc).__name__})"
            else:
                if response.status_code < 500:
                    return response
                failure = f"HTTP {response.status_code}"
            if attempt == STORAGE_TRIES:
                raise ServiceError(
                    f"Zotero's file storage did not accept the upload after {STORAGE_TRIES} tries ({failure})",
                    "try again later; a re-run uploads only what is missing",
                )
            log.info("Zotero storage: %s; retrying in %.0f s", failure, delay)
            self.sleep(delay)
            delay = min(delay * 2, 60.0)
        raise AssertionError("unreachable")

    def update(self, objects: list[dict[str, Any]]) -> dict[str, Any]:
        """POST ≤ 50 changed items, each with ``key`` and ``version`` (PATCH semantics). A
        request-level 412 marks every object stale, so the caller reads them again."""
        assert len(objects) <= MAX_BATCH
        response = self.request("POST", f"{self.prefix}/items", body=objects)
        if response.status_code == 412:
            return {
                "failed": {
                    str(i): {"key": o["key"], "code": 412, "message": response.text}
                    for i, o in enumerate(objects)
                }
            }
        self.check(response, "the item updates")
        self.writes += 1
        return json_object(response)


def json_object(response: httpx2.Response) -> dict[str, Any]:
    """A JSON object answer (Zotero's write results, key info, /deleted)."""
    data: dict[str, Any] = response.json()
    return data


def _seconds(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0
