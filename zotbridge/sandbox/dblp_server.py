"""A local DBLP over real HTTP: the publication search API and per-record BibTeX, with DBLP's
odd shapes and failures (docs/published.md; dblp FAQ).

* ``GET /search/publ/api``: ``q``, ``format`` (``json``; ``xml`` gets a minimal XML answer; any
  other value a **500 HTML page**), ``h`` (default 30, **capped at 100**), ``f`` (first hit). Every
  term prefix-matches a word of the title, the authors or the venue (``need`` → ``need*``); ``tok$``
  matches a whole word only; ``venue:X:`` and ``year:YYYY:`` filter. DOI-like terms are split on
  ``.`` and ``/`` as DBLP does, so a DOI finds nothing. Hits rank by matched terms, then newest.
* The JSON answer as DBLP writes it: numbers as strings, the query echoed with ``*``, titles
  ending in "." with ``&apos;``/``&amp;`` entities, **a single hit, author or venue as an object
  or string instead of a list**, no ``hit`` at all for zero hits, homonym numbers ("0001").
* ``GET /rec/<key>.bib`` (``param=0`` condensed, else standard): DBLP's layout, ``DBLP:`` keys,
  aligned and wrapped fields, timestamp/biburl/bibsource; an unknown key is a 404 HTML page.
* ``HEAD`` is a 500 everywhere; every 200 carries ``cache-control: max-age=28800``.
* Politeness: more than ``burst`` requests within 10 s are answered **429 with an empty body and
  ``Retry-After``**, as the FAQ says.

Faults (``server.faults.plan(...)`` or ``POST /_sandbox/faults {"queue": [...]}``): :data:`FAULTS`.
"""

from __future__ import annotations

import html
import json
import math
import re
import time
import unicodedata
from collections import deque
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from zotbridge.sandbox.local_server import ServiceEmulator, ServiceHandler
from zotbridge.sandbox.venue_records import DblpRecord, VenueData

MAX_HITS = 100
WINDOW = 10.0  # seconds of the politeness window
FAULTS = {
    "ok": "no fault",
    "429": "429 with an empty body; '429:N' sets Retry-After: N (default 3)",
    "500": "500 with DBLP's HTML error page: how DBLP throttles",
    "503": "503 'No server is available to handle this request'",
    "reset": "the connection closes without an answer",
    "slow": "'slow:S' answers after S seconds",
}
ERROR_500 = (
    b"<!DOCTYPE html><html><head><title>dblp: error 500</title></head><body><h1>dblp: error 500</h1>"
    b"<p>Internal Server Error. Sorry, something went wrong.</p></body></html>"
)
ERROR_503 = b"<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n"
NOT_FOUND = b"<!DOCTYPE html><html><head><title>dblp: error 404</title></head><body><h1>dblp: error 404</h1><p>Not Found.</p></body></html>"
_TERM = re.compile(r"(venue|year|toc):(\S+?):|(\S+)")


class DblpEmulator(ServiceEmulator):
    """``with DblpEmulator(data) as dblp: dblp.url`` — the root ``ZOTBRIDGE_DBLP_URL`` takes."""

    FAULTS = FAULTS

    def __init__(self, data: VenueData, host: str = "127.0.0.1", port: int = 0, burst: int = 10):
        self.data = data
        self.burst = burst
        self.arrivals: deque[float] = deque()
        self.user_agents: set[str] = set()
        super().__init__(host, port)

    # --- search ----------------------------------------------------------------------------

    def search(self, query: str, hits: int, first: int) -> dict[str, Any]:
        terms, echo, filters = [], [], {}
        for m in _TERM.finditer(query):
            if m.group(1):
                filters[m.group(1)] = m.group(2)
                echo.append(f"{m.group(1)}:{m.group(2)}:")
                continue
            for word in re.split(r"[^\w$]+", _fold(m.group(3))):
                word = word.strip("_")
                if word:
                    terms.append(word)
                    echo.append(word[:-1] if word.endswith("$") else f"{word}*")
        found = []
        for record in self.data.dblp.values():
            if "venue" in filters and not record.venue.lower().startswith(filters["venue"].lower()):
                continue
            if "year" in filters and str(record.year) != filters["year"]:
                continue
            words = _words(f"{record.title} {' '.join(record.authors)} {record.venue}")
            if terms and all(_matches(t, words) for t in terms):
                found.append(record)
        found.sort(key=lambda r: -r.year)
        sent = found[first : first + min(hits, MAX_HITS)]
        hits_obj: dict[str, Any] = {
            "@total": str(len(found)),
            "@computed": str(min(len(found), MAX_HITS)),
            "@sent": str(len(sent)),
            "@first": str(first),
        }
        if sent:
            listed = [_hit(r, first + i) for i, r in enumerate(sent)]
            hits_obj["hit"] = listed[0] if len(listed) == 1 else listed
        return {
            "result": {
                "query": " ".join(echo),
                "status": {"@code": "200", "text": "OK"},
                "time": {"@unit": "msecs", "text": "12.34"},
                "completions": {"@total": "0", "@computed": "0", "@sent": "0"},
                "hits": hits_obj,
            }
        }

    def bibtex(self, key: str, condensed: bool) -> str | None:
        record = self.data.dblp.get(key)
        return _bibtex(record, condensed) if record else None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        emulator = self

        class Handler(ServiceHandler):
            def _send(
                self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
            ) -> None:
                """A 200 is cacheable for eight hours, as DBLP's are."""
                cache = {"cache-control": "max-age=28800"} if status == 200 else {}
                self.send(status, body, content_type, {**cache, **(headers or {})})

            def do_HEAD(self) -> None:
                self._send(500, ERROR_500, "text/html; charset=utf-8")

            def do_POST(self) -> None:
                if self.planned(emulator.faults, self.body()):
                    return self._send(204, b"", "text/plain")
                self._send(405, b"", "text/plain")

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                now = time.monotonic()
                with emulator._lock:
                    emulator.requests.append(self.path)
                    emulator.user_agents.add(self.headers.get("User-Agent", ""))
                    while emulator.arrivals and now - emulator.arrivals[0] > WINDOW:
                        emulator.arrivals.popleft()
                    crowded = len(emulator.arrivals) >= emulator.burst
                    if crowded:  # free again when the oldest request of the window leaves it
                        wait = str(max(1, math.ceil(WINDOW - (now - emulator.arrivals[0]))))
                    else:
                        emulator.arrivals.append(now)
                    fault = emulator.faults.next()
                kind, _, argument = (fault or "").partition(":")
                if kind == "reset":
                    self.close_connection = True
                    return
                if kind == "slow":
                    time.sleep(float(argument))
                if kind == "429" or crowded:
                    retry_after = argument or "3" if kind == "429" else wait
                    return self._send(429, b"", "text/plain", {"Retry-After": retry_after})
                if kind == "500":
                    return self._send(500, ERROR_500, "text/html; charset=utf-8")
                if kind == "503":
                    return self._send(503, ERROR_503, "text/html")
                if parts.path == "/search/publ/api":
                    return self._search(params)
                m = re.fullmatch(r"/rec/(.+)\.bib", parts.path)
                if m:
                    text = emulator.bibtex(m.group(1), params.get("param") == "0")
                    if text is None:
                        return self._send(404, NOT_FOUND, "text/html; charset=utf-8")
                    return self._send(200, text.encode(), "text/x-bibtex; charset=utf-8")
                self._send(404, NOT_FOUND, "text/html; charset=utf-8")

            def _search(self, params: dict[str, str]) -> None:
                form = params.get("format", "xml")
                if form not in ("json", "xml", "jsonp"):
                    return self._send(500, ERROR_500, "text/html; charset=utf-8")
                try:
                    hits = int(params.get("h", "30"))
                    first = int(params.get("f", "0"))
                except ValueError:
                    return self._send(500, ERROR_500, "text/html; charset=utf-8")
                answer = emulator.search(params.get("q", ""), max(0, hits), max(0, first))
                if form == "xml":
                    total = answer["result"]["hits"]["@total"]
                    body = f'<?xml version="1.0" encoding="UTF-8"?><result><hits total="{total}"/></result>'
                    return self._send(200, body.encode(), "application/xml; charset=utf-8")
                text = json.dumps(answer, ensure_ascii=False)
                if form == "jsonp":
                    text = f"{params.get('callback', 'callback')}({text})"
                self._send(200, text.encode(), "application/json; charset=utf-8")

        return Handler


def _fold(text: str) -> str:
    """DBLP's search ignores case and accents ("muller" finds "Müller")."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in folded if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", _fold(text))


def _matches(term: str, words: list[str]) -> bool:
    if term.endswith("$"):
        return term[:-1] in words
    return any(w.startswith(term) for w in words)


def _entities(text: str) -> str:
    return html.escape(text, quote=False).replace("'", "&apos;")


def _hit(record: DblpRecord, position: int) -> dict[str, Any]:
    authors = [{"@pid": f"{100 + i}/{abs(len(a) * 37 + i)}", "text": a} for i, a in enumerate(record.authors)]
    info: dict[str, Any] = {
        "authors": {"author": authors[0] if len(authors) == 1 else authors},
        "title": _entities(record.title.rstrip(".")) + ".",
        "venue": record.venue,
    }
    for name in ("volume", "number", "pages"):
        if record.fields.get(name):
            info[name] = str(record.fields[name])
    info.update(year=str(record.year), type=record.type, access="closed", key=record.key)
    if record.fields.get("doi"):
        info["doi"] = str(record.fields["doi"])
    if record.ee:
        info["ee"] = record.ee
    info["url"] = f"https://dblp.org/rec/{record.key}"
    return {
        "@score": "7",
        "@id": str(3_000_000 + position),
        "info": info,
        "url": f"URL#{3_000_000 + position}",
    }


def _bibtex(record: DblpRecord, condensed: bool) -> str:
    """A record in DBLP's .bib layout: fields aligned at column 15, long values wrapped."""
    kind = {"Journal Articles": "article", "Conference and Workshop Papers": "inproceedings"}.get(
        record.type, "article"
    )
    fields: list[tuple[str, str]] = [("author", " and\n                  ".join(record.authors))]
    if record.fields.get("editor") and not condensed:
        fields.append(("editor", " and\n                  ".join(record.fields["editor"])))
    fields.append(("title", record.title.rstrip(".")))
    f = record.fields
    if kind == "inproceedings":
        fields.append(("booktitle", record.venue if condensed else str(f.get("booktitle", record.venue))))
    else:
        fields.append(("journal", str(f.get("journal", record.venue))))
    for name in ("series", "volume", "number", "pages", "publisher"):
        if f.get(name) and not (condensed and name in ("series", "publisher")):
            fields.append((name, str(f[name])))
    fields.append(("year", str(record.year)))
    for name in ("url", "doi", "eprinttype", "eprint"):
        if f.get(name):
            fields.append((name, str(f[name])))
    fields += [
        ("timestamp", "Mon, 02 Sep 2024 10:00:00 +0200"),
        ("biburl", f"https://dblp.org/rec/{record.key}.bib"),
        ("bibsource", "dblp computer science bibliography, https://dblp.org"),
    ]
    lines = [f"@{kind}{{DBLP:{record.key},"]
    lines += [f"  {name:<12} = {{{_wrapped(value)}}}," for name, value in fields]
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join(lines) + "\n}\n"


def _wrapped(value: str) -> str:
    """DBLP wraps long values at about 70 columns, continuing 18 spaces in."""
    if "\n" in value or len(value) <= 62:
        return value
    out, line = [], ""
    for word in value.split():
        if line and len(line) + 1 + len(word) > 62:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    out.append(line)
    return "\n                  ".join(out)
