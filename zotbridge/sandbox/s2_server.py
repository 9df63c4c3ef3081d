"""A local Semantic Scholar Graph API over real HTTP (``/graph/v1``), with its real shapes and
failures (docs/published.md; S2's OpenAPI spec, the
``semanticscholar`` client's recorded cassettes).

* ``POST /graph/v1/paper/batch?fields=…`` with ``{"ids": [...]}``: an array **in request order**,
  ``null`` for an unknown id; more than 500 ids, an unknown field or ``citationStyles`` (not
  allowed in batch) is a 400 ``{"error": …}``; ``fields`` must be in the query string.
* ``GET /graph/v1/paper/{id}``: ``ARXIV:``/``arXiv:`` (any case), ``DOI:``, ``CorpusId:`` or a
  40-hex paperId; unknown is a 404 ``{"error": "Paper with id … not found"}``.
* ``GET /graph/v1/paper/search/match?query=`` — the best title match or 404 ``Title match not
  found``.
* Only the asked fields come back, with ``paperId`` always.
* Limits: with ``x-api-key`` 1 request per second (faster is a 429); without, ``pool`` requests per
  300 s. A 429 is S2's JSON message with ``x-amzn-ErrorType`` and **no Retry-After**. An unknown
  key is a 403.

Faults (``server.faults.plan(...)`` or ``POST /_sandbox/faults {"queue": [...]}``): :data:`FAULTS`.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from zotbridge.sandbox.local_server import ServiceEmulator, ServiceHandler
from zotbridge.sandbox.venue_records import VenueData

BATCH_LIMIT = 500
FIELDS = frozenset(
    "paperId corpusId externalIds url title abstract venue publicationVenue year referenceCount citationCount "
    "influentialCitationCount isOpenAccess openAccessPdf fieldsOfStudy s2FieldsOfStudy publicationTypes "
    "publicationDate journal citationStyles authors".split()
)
TOO_MANY = {
    "message": "Too Many Requests. Please wait and try again or apply for a key for higher rate limits. "
    "https://www.semanticscholar.org/product/api#api-key-form",
    "code": "429",
}
FAULTS = {
    "ok": "no fault",
    "429": "S2's 429 JSON, no Retry-After",
    "500": '500 {"message": "Internal Server Error"}',
    "504": '504 {"message": "Endpoint request timed out"}',
    "reset": "the connection closes without an answer",
}


class S2Emulator(ServiceEmulator):
    """``with S2Emulator(data) as s2: s2.url`` — the root ``ZOTBRIDGE_S2_URL`` takes."""

    FAULTS = FAULTS

    def __init__(
        self,
        data: VenueData,
        host: str = "127.0.0.1",
        port: int = 0,
        api_keys: frozenset[str] = frozenset(),
        pool: int = 100,
    ):
        self.data = data
        self.api_keys = api_keys
        self.pool = pool
        self.bodies: list[Any] = []
        self.keys_seen: list[str | None] = []
        self._keyless: deque[float] = deque()
        self._last_keyed = 0.0
        super().__init__(host, port)

    @property
    def url(self) -> str:
        return f"{self.address}/graph/v1"

    def paper(self, ident: str) -> dict[str, Any] | None:
        prefix, colon, value = ident.partition(":")
        if not colon:
            return next((p for p in self.data.s2.values() if p["paperId"] == ident), None)
        kind = prefix.upper()
        if kind == "ARXIV":
            return self.data.s2.get(re.sub(r"v\d+$", "", value))
        if kind == "DOI":
            return next(
                (
                    p
                    for p in self.data.s2.values()
                    if (p["externalIds"].get("DOI") or "").lower() == value.lower()
                ),
                None,
            )
        if kind == "CORPUSID":
            return next((p for p in self.data.s2.values() if str(p["corpusId"]) == value), None)
        return None

    def _limited(self, key: str | None) -> bool:
        now = time.monotonic()
        with self._lock:
            if key:
                crowded = now - self._last_keyed < 1.0
                self._last_keyed = now
                return crowded
            while self._keyless and now - self._keyless[0] > 300:
                self._keyless.popleft()
            self._keyless.append(now)
            return len(self._keyless) > self.pool

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        emulator = self

        class Handler(ServiceHandler):
            def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
                self.send(status, json.dumps(data).encode(), "application/json", headers)

            def _gatekeeper(self) -> bool:
                """Faults, the key and the rate limit: whether the request may be answered."""
                key = self.headers.get("x-api-key")
                with emulator._lock:
                    emulator.requests.append(self.path)
                    emulator.keys_seen.append(key)
                fault = emulator.faults.next()
                if fault == "reset":
                    self.close_connection = True
                    return False
                if key is not None and key not in emulator.api_keys:
                    self._json(403, {"message": "Forbidden"})
                    return False
                if fault == "429" or emulator._limited(key):
                    self._json(429, TOO_MANY, {"x-amzn-ErrorType": "TooManyRequestsException"})
                    return False
                if fault == "500":
                    self._json(500, {"message": "Internal Server Error"})
                    return False
                if fault == "504":
                    self._json(504, {"message": "Endpoint request timed out"})
                    return False
                return True

            def _fields(self, query: dict[str, str], batch: bool) -> list[str] | None:
                asked = [f for f in query.get("fields", "paperId,title").split(",") if f]
                unknown = [f for f in asked if f.split(".")[0] not in FIELDS]
                if unknown:
                    self._json(400, {"error": f"Unrecognized or unsupported fields: [{', '.join(unknown)}]"})
                    return None
                if batch and "citationStyles" in asked:
                    self._json(400, {"error": "Unrecognized or unsupported fields: [citationStyles]"})
                    return None
                return asked

            def do_POST(self) -> None:
                raw = self.body()
                parts = urlsplit(self.path)
                if self.planned(emulator.faults, raw):
                    return self._json(200, {})
                if parts.path != "/graph/v1/paper/batch":
                    return self._json(404, {"error": "Not found"})
                if not self._gatekeeper():
                    return
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                fields = self._fields(query, batch=True)
                if fields is None:
                    return
                try:
                    ids = json.loads(raw)["ids"]
                    assert isinstance(ids, list) and all(isinstance(i, str) for i in ids)
                except (ValueError, KeyError, AssertionError, TypeError):
                    return self._json(400, {"error": "Body must be a JSON object with a list of string ids"})
                emulator.bodies.append(ids)
                if len(ids) > BATCH_LIMIT:
                    return self._json(400, {"error": f"Cannot process more than {BATCH_LIMIT} ids"})
                self._json(200, [_view(emulator.paper(i), fields) for i in ids])

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                if not parts.path.startswith("/graph/v1/paper/"):
                    return self._json(404, {"error": "Not found"})
                if not self._gatekeeper():
                    return
                fields = self._fields(query, batch=False)
                if fields is None:
                    return
                ident = unquote(parts.path[len("/graph/v1/paper/") :])
                if ident == "search/match":
                    wanted = _title_key(query.get("query", ""))
                    paper = next(
                        (p for p in emulator.data.s2.values() if _title_key(p["title"]) == wanted), None
                    )
                    if paper is None:
                        return self._json(404, {"error": "Title match not found"})
                    return self._json(200, {"data": [{**(_view(paper, fields) or {}), "matchScore": 179.05}]})
                paper = emulator.paper(ident)
                if paper is None:
                    return self._json(404, {"error": f"Paper with id {ident} not found"})
                self._json(200, _view(paper, fields))

        return Handler


def _view(paper: dict[str, Any] | None, fields: list[str]) -> dict[str, Any] | None:
    if paper is None:
        return None
    return {"paperId": paper["paperId"], **{f: paper.get(f) for f in fields if f != "paperId"}}


def _title_key(title: str) -> str:
    return re.sub(r"[^a-z0-9]", "", title.lower())
