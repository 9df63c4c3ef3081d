"""A local Crossref REST API over real HTTP (docs/published.md): the works of the venue data that
carry a publisher's DOI, in Crossref's envelope and with its failures.

* ``GET /works/{doi}``: ``{"status": "ok", "message-type": "work", "message-version": "1.0.0",
  "message": {...}}``; an unknown DOI (arXiv's DataCite DOIs, NeurIPS papers) is a **404 with the
  text/plain body "Resource not found."**.
* ``GET /works?query.bibliographic=…&rows=…``: a ``work-list`` of the works whose title and
  authors hold every query word; ``rows`` that is not an integer up to 1000 is Crossref's 400
  ``validation-failure`` JSON.
* ``x-rate-limit-limit``/``x-rate-limit-interval: 1s`` and ``x-api-pool`` on every answer: the
  public pool (5 requests a second) or, with a ``mailto``, the polite one (10); faster is a 429 with
  the HTML "You have sent too many requests in a given amount of time."

Faults (``server.faults.plan(...)`` or ``POST /_sandbox/faults {"queue": [...]}``): :data:`FAULTS`.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections import deque
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote, urlsplit

from zotbridge.sandbox.local_server import ServiceEmulator, ServiceHandler
from zotbridge.sandbox.venue_records import VenueData

FAULTS = {
    "ok": "no fault",
    "429": "the HTML 'too many requests' answer",
    "500": "500 with a Java CancellationException in JSON, as seen",
    "reset": "the connection closes without an answer",
}
TOO_MANY = b"<html><body><h1>Too Many Requests</h1>You have sent too many requests in a given amount of time.</body></html>"
CANCELLED = {"status": "error", "message": "java.util.concurrent.CancellationException"}


class CrossrefEmulator(ServiceEmulator):
    """``with CrossrefEmulator(data) as crossref: crossref.url`` — ``ZOTBRIDGE_CROSSREF_URL``."""

    FAULTS = FAULTS

    def __init__(self, data: VenueData, host: str = "127.0.0.1", port: int = 0):
        self.data = data
        self._arrivals: deque[float] = deque()
        super().__init__(host, port)

    def _crowded(self, limit: int) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._arrivals and now - self._arrivals[0] > 1.0:
                self._arrivals.popleft()
            self._arrivals.append(now)
            return len(self._arrivals) > limit

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        emulator = self

        class Handler(ServiceHandler):
            def _send(self, status: int, body: bytes, content_type: str, pool: str) -> None:
                """Every answer names its pool and the pool's limit, as Crossref's do."""
                limit = "10" if pool == "polite" else "5"
                headers = {"x-rate-limit-limit": limit, "x-rate-limit-interval": "1s", "x-api-pool": pool}
                self.send(status, body, content_type, headers)

            def do_POST(self) -> None:
                self.planned(emulator.faults, self.body())
                self._send(204, b"", "text/plain", "public")

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                pool = "polite" if "@" in query.get("mailto", "") else "public"
                with emulator._lock:
                    emulator.requests.append(self.path)
                fault = emulator.faults.next()
                if fault == "reset":
                    self.close_connection = True
                    return
                if fault == "429" or emulator._crowded(10 if pool == "polite" else 5):
                    return self._send(429, TOO_MANY, "text/html", pool)
                if fault == "500":
                    return self._send(500, json.dumps(CANCELLED).encode(), "application/json", pool)
                if parts.path.startswith("/works/"):
                    work = emulator.data.crossref.get(unquote(parts.path[len("/works/") :]).lower())
                    if work is None:
                        return self._send(404, b"Resource not found.", "text/plain", pool)
                    body = {
                        "status": "ok",
                        "message-type": "work",
                        "message-version": "1.0.0",
                        "message": work,
                    }
                    return self._send(200, json.dumps(body).encode(), "application/json", pool)
                if parts.path == "/works":
                    return self._works(query, pool)
                self._send(404, b"Resource not found.", "text/plain", pool)

            def _works(self, query: dict[str, str], pool: str) -> None:
                rows = query.get("rows", "20")
                if not rows.isdigit() or int(rows) > 1000:
                    failure = {
                        "status": "failed",
                        "message-type": "validation-failure",
                        "message": [
                            {
                                "type": "integer-not-valid",
                                "value": rows,
                                "message": "Integer specified as "
                                + rows
                                + " but must be a positive integer less than or equal to 1000.",
                            }
                        ],
                    }
                    return self._send(400, json.dumps(failure).encode(), "application/json", pool)
                text = query.get("query.bibliographic") or query.get("query.title") or ""
                words = set(_words(text))
                items = [
                    w
                    for w in emulator.data.crossref.values()
                    if words
                    and words
                    <= set(_words(f"{w['title'][0]} {' '.join(a.get('family', '') for a in w['author'])}"))
                ]
                message = {
                    "facets": {},
                    "total-results": len(items),
                    "items": items[: int(rows)],
                    "items-per-page": int(rows),
                    "query": {"start-index": 0, "search-terms": text or None},
                }
                body = {
                    "status": "ok",
                    "message-type": "work-list",
                    "message-version": "1.0.0",
                    "message": message,
                }
                self._send(200, json.dumps(body).encode(), "application/json", pool)

        return Handler


def _words(text: str) -> list[str]:
    """Words without case or accents ("muller" finds "Müller")."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return re.findall(r"\w+", "".join(c for c in folded if not unicodedata.combining(c)))
