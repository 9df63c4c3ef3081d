"""A local arXiv query API (docs/arxiv-api.md §1–§3) over real HTTP, for tests and demos.

Strict where arXiv is strict: ``max_results`` above 2000 or a window past 30000 is a 400 error
feed, a malformed id is a 400 error feed, ``max_results`` defaults to 10 (so a client that
forgets to set it gets 10 of its 150 ids, as with the real server), and operators must be upper
case. Unknown well-formed ids are simply absent from the feed.

Fault switches (``server.faults`` in-process, or ``POST /_sandbox/faults`` with JSON) make the
next requests answer ``ok`` (no fault: to space faults out), ``503``, ``429``, ``empty`` (a page with no entries while
``totalResults`` says there are some — arXiv's known glitch), ``reset`` (connection closed with
no answer), or ``slow:SECONDS``; ``max_url_length`` makes long URLs a 414. ``GET
/_sandbox/stats`` and ``server.stats`` count requests.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.etree import ElementTree as ET

from zotbridge.sandbox.arxiv_corpus import Corpus, Paper
from zotbridge.sandbox.arxiv_query import QueryError, evaluate, parse
from zotbridge.sandbox.local_server import LocalServer

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
ARXIV = "http://arxiv.org/schemas/atom"
ET.register_namespace("", ATOM)
ET.register_namespace("opensearch", OPENSEARCH)
ET.register_namespace("arxiv", ARXIV)

MAX_PER_CALL = 2000
MAX_WINDOW = 30000
_ID = re.compile(r"^(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v(?P<v>\d+))?$")
_SORT_BY = ("relevance", "lastUpdatedDate", "submittedDate")
_SORT_ORDER = ("ascending", "descending")


@dataclass
class Faults:
    """What the next requests should suffer. Thread-safe enough for a test server."""

    queue: deque = field(default_factory=deque)
    max_url_length: int = 16000

    def plan(self, *faults: str) -> None:
        self.queue.extend(faults)

    def next(self) -> str | None:
        try:
            return self.queue.popleft()
        except IndexError:
            return None


@dataclass
class Stats:
    requests: int = 0
    answered: int = 0  # 200 responses with a feed
    urls: list = field(default_factory=list)
    user_agents: set = field(default_factory=set)
    arrivals: list = field(default_factory=list)  # time.monotonic() of each request


class _BadRequest(Exception):
    pass


def _plausible(ident: str) -> bool:
    """arXiv rejects ids whose month or number width cannot exist (``1234.1234``)."""
    if "/" in ident:
        number = ident.split("/")[1]
        return 1 <= int(number[2:4]) <= 12
    yymm, number = ident.split(".")
    if not 1 <= int(yymm[2:]) <= 12:
        return False
    return len(number) == (4 if yymm < "1501" else 5)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: ET.Element, ns: str, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


class ArxivEmulator(LocalServer):
    """``with ArxivEmulator(corpus) as server: server.url`` — the query endpoint."""

    def __init__(self, corpus: Corpus, host: str = "127.0.0.1", port: int = 0):
        self.corpus = corpus
        self.faults = Faults()
        self.stats = Stats()
        self._lock = threading.Lock()
        super().__init__(self._handler_class(), host, port)

    @property
    def url(self) -> str:
        return f"{self.address}/api/query"

    # --- the API -------------------------------------------------------------------------

    def answer(self, query_string: str) -> tuple[int, bytes]:
        """Status and Atom body for the query part of a URL."""
        params = {k: v[-1] for k, v in parse_qs(query_string, keep_blank_values=True).items()}
        canonical = urlencode({k: params.get(k, d) for k, d in
                               (("search_query", ""), ("id_list", ""), ("start", "0"), ("max_results", "10"))})
        try:
            total, papers, start = self._search(params)
        except _BadRequest as exc:
            return 400, self._error_feed(canonical, str(exc))
        return 200, self._feed(canonical, total, start, papers)

    def _search(self, params: dict) -> tuple[int, list[tuple[Paper, int]], int]:
        start = self._int(params.get("start", "0"), "start")
        max_results = self._int(params.get("max_results", "10"), "max_results")
        if max_results > MAX_PER_CALL:
            raise _BadRequest(f"max_results specified ({max_results}) exceeds maximum allowed ({MAX_PER_CALL})")
        if start + max_results > MAX_WINDOW:
            raise _BadRequest(f"start + max_results may not exceed {MAX_WINDOW}")
        sort_by = params.get("sortBy", "relevance")
        sort_order = params.get("sortOrder", "descending")
        if sort_by not in _SORT_BY:
            raise _BadRequest(f"sortBy must be in {', '.join(_SORT_BY)}")
        if sort_order not in _SORT_ORDER:
            raise _BadRequest(f"sortOrder must be in {', '.join(_SORT_ORDER)}")
        ids = [i.strip() for i in params.get("id_list", "").split(",") if i.strip()]
        wanted = [self._lookup(i) for i in ids]
        query = params.get("search_query", "").strip()
        if query:
            try:
                scores = evaluate(parse(query), self.corpus)
            except QueryError as exc:
                raise _BadRequest(str(exc)) from exc
            if ids:  # both: the listed papers that also match the query, in id_list order
                hits = [(p, v) for p, v in wanted if p is not None and p.arxiv_id in scores]
            else:
                hits = [(self.corpus.papers[pid], 0) for pid in scores]
                hits = self._sorted(hits, scores, sort_by, sort_order)
        else:
            hits = [(p, v) for p, v in wanted if p is not None]
            if ids and sort_by != "relevance":
                hits = self._sorted(hits, {}, sort_by, sort_order)
        return len(hits), hits[start : start + max_results], start

    @staticmethod
    def _int(value: str, name: str) -> int:
        if not re.fullmatch(r"\d+", value.strip()):
            raise _BadRequest(f"{name} must be a non-negative integer")
        return int(value)

    def _lookup(self, ident: str) -> tuple[Paper | None, int]:
        m = _ID.match(ident)
        if not m or not _plausible(m["id"]):
            raise _BadRequest(f"incorrect id format for {ident}")
        paper = self.corpus.papers.get(m["id"])
        if paper is None:
            return None, 0
        version = int(m["v"]) if m["v"] else 0
        if version > len(paper.versions) or (m["v"] and version < 1):
            return None, 0
        return paper, version

    @staticmethod
    def _sorted(hits, scores, sort_by, sort_order):
        descending = sort_order == "descending"
        if sort_by == "relevance":
            return sorted(hits, key=lambda h: (-scores[h[0].arxiv_id], h[0].arxiv_id))
        attr = "updated" if sort_by == "lastUpdatedDate" else "published"
        return sorted(hits, key=lambda h: getattr(h[0], attr), reverse=descending)

    # --- Atom ----------------------------------------------------------------------------

    def _feed_head(self, canonical: str, total: int, start: int, per_page: int) -> ET.Element:
        feed = ET.Element(f"{{{ATOM}}}feed")
        _sub(feed, ATOM, "link", href=f"http://arxiv.org/api/query?{canonical}", rel="self",
             type="application/atom+xml")
        _sub(feed, ATOM, "title", f"ArXiv Query: {canonical}", type="html")
        _sub(feed, ATOM, "id", f"http://arxiv.org/api/{abs(hash(canonical)):x}")
        _sub(feed, ATOM, "updated", _iso(datetime.now(timezone.utc)))
        _sub(feed, OPENSEARCH, "totalResults", str(total))
        _sub(feed, OPENSEARCH, "startIndex", str(start))
        _sub(feed, OPENSEARCH, "itemsPerPage", str(per_page))
        return feed

    def _feed(self, canonical: str, total: int, start: int, hits: list[tuple[Paper, int]]) -> bytes:
        feed = self._feed_head(canonical, total, start, len(hits))
        for paper, version in hits:
            self._entry(feed, paper, version or len(paper.versions))
        return ET.tostring(feed, encoding="utf-8", xml_declaration=True)

    @staticmethod
    def _entry(feed: ET.Element, paper: Paper, version: int) -> None:
        served = next((v for v in paper.versions if v.number == version), paper.versions[-1])
        vid = f"{paper.arxiv_id}v{version}"
        entry = _sub(feed, ATOM, "entry")
        _sub(entry, ATOM, "id", f"http://arxiv.org/abs/{vid}")
        _sub(entry, ATOM, "updated", _iso(served.created))
        _sub(entry, ATOM, "published", _iso(paper.published))
        _sub(entry, ATOM, "title", paper.title)
        _sub(entry, ATOM, "summary", paper.abstract)
        for name in paper.authors:
            author = _sub(entry, ATOM, "author")
            _sub(author, ATOM, "name", name)
        if paper.doi:
            _sub(entry, ARXIV, "doi", paper.doi)
            _sub(entry, ATOM, "link", title="doi", href=f"http://dx.doi.org/{paper.doi}", rel="related")
        if paper.comment:
            _sub(entry, ARXIV, "comment", paper.comment)
        if paper.journal_ref:
            _sub(entry, ARXIV, "journal_ref", paper.journal_ref)
        _sub(entry, ATOM, "link", href=f"http://arxiv.org/abs/{vid}", rel="alternate", type="text/html")
        _sub(entry, ATOM, "link", title="pdf", href=f"http://arxiv.org/pdf/{vid}", rel="related",
             type="application/pdf")
        _sub(entry, ARXIV, "primary_category", term=paper.categories[0], scheme=ARXIV)
        for category in paper.categories:
            _sub(entry, ATOM, "category", term=category, scheme=ARXIV)

    def _error_feed(self, canonical: str, message: str) -> bytes:
        feed = self._feed_head(canonical, 1, 0, 1)
        anchor = "http://arxiv.org/api/errors#" + re.sub(r"\W+", "_", message).strip("_")
        entry = _sub(feed, ATOM, "entry")
        _sub(entry, ATOM, "id", anchor)
        _sub(entry, ATOM, "title", "Error")
        _sub(entry, ATOM, "summary", message)
        _sub(entry, ATOM, "updated", _iso(datetime.now(timezone.utc)))
        _sub(entry, ATOM, "link", href=anchor, rel="alternate", type="text/html")
        author = _sub(entry, ATOM, "author")
        _sub(author, ATOM, "name", "arXiv api core")
        return ET.tostring(feed, encoding="utf-8", xml_declaration=True)

    def _empty_page(self, query_string: str) -> bytes:
        status, body = self.answer(query_string)
        if status != 200:
            return body
        feed = ET.fromstring(body)
        for entry in feed.findall(f"{{{ATOM}}}entry"):
            feed.remove(entry)
        return ET.tostring(feed, encoding="utf-8", xml_declaration=True)

    # --- HTTP ----------------------------------------------------------------------------

    def _handler_class(self):
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def _send(self, status: int, body: bytes, content_type: str = "application/atom+xml; charset=utf-8"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                parts = urlsplit(self.path)
                if parts.path == "/_sandbox/stats":
                    s = emulator.stats
                    body = {"requests": s.requests, "answered": s.answered, "urls": s.urls[-200:]}
                    return self._send(200, json.dumps(body).encode(), "application/json")
                if parts.path != "/api/query":
                    return self._send(404, b"Not Found", "text/plain")
                with emulator._lock:
                    emulator.stats.requests += 1
                    emulator.stats.urls.append(self.path)
                    emulator.stats.arrivals.append(time.monotonic())
                    emulator.stats.user_agents.add(self.headers.get("User-Agent", ""))
                    fault = emulator.faults.next()
                if len(self.path) > emulator.faults.max_url_length:
                    return self._send(414, b"Request-URI Too Long", "text/plain")
                if fault == "ok":
                    fault = None
                if fault and fault.startswith("slow:"):
                    time.sleep(float(fault.split(":", 1)[1]))
                    fault = None
                if fault == "reset":
                    self.close_connection = True
                    return
                if fault in ("503", "429"):
                    return self._send(int(fault), b"Service Unavailable" if fault == "503" else b"Too Many Requests",
                                      "text/plain")
                if fault == "empty":
                    return self._send(200, emulator._empty_page(parts.query))
                status, body = emulator.answer(parts.query)
                if status == 200:
                    with emulator._lock:
                        emulator.stats.answered += 1
                self._send(status, body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                data = json.loads(self.rfile.read(length) or b"{}")
                path = urlsplit(self.path).path
                if path == "/_sandbox/faults":
                    emulator.faults.plan(*data.get("queue", []))
                    if "max_url_length" in data:
                        emulator.faults.max_url_length = int(data["max_url_length"])
                    return self._send(204, b"", "text/plain")
                if path == "/_sandbox/reset":
                    emulator.faults.queue.clear()
                    emulator.stats = Stats()
                    return self._send(204, b"", "text/plain")
                self._send(405, b"Method Not Allowed", "text/plain")

        return Handler
