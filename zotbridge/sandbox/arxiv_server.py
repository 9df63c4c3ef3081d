"""A local arXiv query API over real HTTP, behaving as the real one does today (docs/sandbox.md).

Since 2025-11-11 ``export.arxiv.org/api/query`` is arxiv-search's ``classic_api`` behind
gunicorn 20.1.0 (sources in docs/sandbox.md). The emulator is strict and odd where it is:

* GET and POST (form-encoded) are both accepted;
* a request line over 4,094 bytes is a **400** HTML page "Request Line is too large"
  (gunicorn's default ``limit_request_line``), not a 414;
* ``start``/``max_results`` must be non-negative integers (400 otherwise); ``max_results``
  defaults to 10, also for ``id_list``; ``start + max_results`` past the result window of
  10,000 is refused (what the real server does there is not confirmed);
* ``id_list``: an id that looks like one (``parse_arxiv_id``'s pattern) but does not exist is
  simply left out with 200; a string that does not look like an id is a 400 error feed; the
  results come back in score order, **not in request order** (here: a seeded shuffle); a bare
  id is the latest version, ``…vN`` that version;
* the query grammar and text analysis of arxiv_query.py / arxiv_analysis.py;
* Atom as the new serializer writes it: ``itemsPerPage`` is the requested size, links are
  https, one ``<arxiv:doi>`` per DOI, ``primary_category`` without a scheme, errors as 400
  feeds titled "arXiv Search Results" whose entry has no ``<published>``.

Fault switches (``server.faults`` in-process, or ``POST /_sandbox/faults`` with JSON
``{"queue": [...], "random": {"rate": 0.2, "kinds": [...], "seed": 0}}``) answer the next
requests with one of :data:`FAULTS` — the failure shapes users of the real API have reported —
or at random with a given rate. ``GET /_sandbox/stats`` and ``server.stats`` count requests.

``/pdf/<id>`` and ``/pdf/<id>v<N>`` serve each version's PDF (arxiv_pdf.py) as arxiv.org does:
an unversioned id is the latest version, ``.pdf`` and query strings are 301-redirected away, the
body is chunked without ``Content-Length`` (HEAD has it), and errors are HTML pages (404 for an
unknown id or version, 400 for an ``arxiv/`` prefix). Their faults (``{"pdf": [...]}``, one of
:data:`PDF_FAULTS`) have their own queue; PDF requests are counted apart (``pdf_requests``) but
share ``arrivals`` with the API, since arXiv's limit is for all of a user's requests.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.etree import ElementTree as ET

from zotbridge.sandbox.arxiv_corpus import Corpus, Paper
from zotbridge.sandbox.arxiv_pdf import (
    DENIED,
    GENERATING,
    NOT_FOUND,
    PDF_FAULTS,
    UNAVAILABLE,
    paper_pdf,
    pdf_headers,
    pdf_location,
)
from zotbridge.sandbox.arxiv_query import QueryError, evaluate, parse, ranked
from zotbridge.sandbox.local_server import LocalServer, ServiceHandler

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
ARXIV = "http://arxiv.org/schemas/atom"
ET.register_namespace("", ATOM)
ET.register_namespace("opensearch", OPENSEARCH)
ET.register_namespace("arxiv", ARXIV)

RESULT_WINDOW = 10_000  # arxiv-search's MAX_RESULTS (search/services/index/util.py)
REQUEST_LINE_LIMIT = 4094  # gunicorn's default limit_request_line
# parse_arxiv_id (arXiv/arxiv-base): a new-style id anywhere in the string, or an old-style one
# with a known archive.
_NEW_ID = re.compile(r"(?P<id>\d{4}\.\d{4,5})(?:v(?P<v>\d*))?")
_OLD_ID = re.compile(
    r"(?P<id>(?:acc-phys|adap-org|alg-geom|ao-sci|astro-ph|atom-ph|bayes-an|chao-dyn|chem-ph|cmp-lg|comp-gas|"
    r"cond-mat|cs|dg-ga|funct-an|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math|math-ph|mtrl-th|nlin|nucl-ex|nucl-th|"
    r"patt-sol|physics|plasm-ph|q-alg|q-bio|quant-ph|solv-int|supr-con)(?:\.[A-Za-z]{2})?/\d{7})(?:v(?P<v>\d+))?"
)
_SORT_BY = ("relevance", "lastUpdatedDate", "submittedDate")
_SORT_ORDER = ("ascending", "descending")

# What each fault answers (sources in docs/sandbox.md):
FAULTS = {
    "ok": "no fault (to space faults out)",
    "rate200": "HTTP 200 with the text body 'Rate exceeded.'",
    "429": "HTTP 429 'Rate exceeded.' without Retry-After; '429:N' adds Retry-After: N",
    "503": "HTTP 503 'first byte timeout' with Retry-After: 0",
    "blank": "HTTP 200 with an empty body",
    "zero": "a valid feed with no entries and totalResults 0, whatever the query",
    "empty": "a feed with no entries while totalResults says there are some",
    "414": "HTTP 414, as the old Apache front end answered long URLs",
    "denied": "HTTP 403 'Access Denied' (robot detection)",
    "reset": "the connection closed without an answer",
    "slow": "'slow:S' answers normally after S seconds",
}
SOFT_FAULTS = ("rate200", "429", "503", "blank", "zero", "empty")


@dataclass
class Faults:
    """What the next requests should suffer: a queue first, then a random rate."""

    queue: deque[str] = field(default_factory=deque)
    request_line_limit: int = REQUEST_LINE_LIMIT
    rate: float = 0.0
    kinds: tuple[Any, ...] = SOFT_FAULTS
    _rng: random.Random = field(default_factory=lambda: random.Random(0))

    def plan(self, *faults: str) -> None:
        for fault in faults:
            if fault.split(":")[0] not in FAULTS:
                raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        self.queue.extend(faults)

    def at_random(self, rate: float, kinds: tuple[Any, ...] = SOFT_FAULTS, seed: int = 0) -> None:
        """From now on, answer a share ``rate`` of requests with one of ``kinds``."""
        self.plan(*kinds)
        self.queue.clear()
        self.rate, self.kinds, self._rng = rate, tuple(kinds), random.Random(seed)

    def clear(self) -> None:
        self.queue.clear()
        self.rate = 0.0
        self.request_line_limit = REQUEST_LINE_LIMIT

    def next(self) -> str | None:
        if self.queue:
            return self.queue.popleft()
        if self.rate and self._rng.random() < self.rate:
            return str(self._rng.choice(self.kinds))
        return None


@dataclass
class Stats:
    requests: int = 0
    answered: int = 0  # 200 responses with a real answer
    faults: int = 0
    urls: list[Any] = field(default_factory=list)  # path?query of each request (a POST's body as the query)
    methods: list[Any] = field(default_factory=list)
    user_agents: set[Any] = field(default_factory=set)
    arrivals: list[Any] = field(default_factory=list)  # time.monotonic() of each request, PDFs too
    pdf_requests: int = 0
    pdf_urls: list[Any] = field(default_factory=list)


class _BadRequest(Exception):
    pass


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _xml(feed: ET.Element) -> bytes:
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


def _sub(parent: ET.Element, ns: str, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


class ArxivEmulator(LocalServer):
    """``with ArxivEmulator(corpus) as server: server.url`` — the query endpoint."""

    def __init__(self, corpus: Corpus, host: str = "127.0.0.1", port: int = 0):
        self.corpus = corpus
        self.faults = Faults()
        self.pdf_faults: deque[str] = deque()
        self.stats = Stats()
        self._lock = threading.Lock()
        self._pdfs: dict[tuple[str, int], bytes] = {}
        super().__init__(self._handler_class(), host, port)

    @property
    def pdf_url(self) -> str:
        """The base of PDF URLs, as ``ZOTBRIDGE_ARXIV_PDF_URL`` takes it."""
        return f"{self.address}/pdf/"

    def plan_pdf_faults(self, *faults: str) -> None:
        for fault in faults:
            if fault.split(":")[0] not in PDF_FAULTS:
                raise ValueError(f"unknown PDF fault {fault!r}; known: {', '.join(PDF_FAULTS)}")
        self.pdf_faults.extend(faults)

    def pdf_bytes(self, arxiv_id: str, version: int) -> bytes:
        """The PDF of one version (what a download of ``/pdf/<id>v<version>`` returns)."""
        key = (arxiv_id, version)
        if key not in self._pdfs:
            paper = self.corpus.papers[arxiv_id]
            self._pdfs[key] = paper_pdf(arxiv_id, version, paper.title, paper.authors, paper.abstract)
        return self._pdfs[key]

    def pdf_answer(self, ident: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body of ``/pdf/<ident>`` without faults."""
        html = {"Content-Type": "text/html; charset=utf-8"}
        if len(ident) > 2048 or ident.lower().startswith("arxiv/"):
            return 400, html, NOT_FOUND.replace(b"Not Found", b"Bad Request")
        m = _NEW_ID.fullmatch(ident) or _OLD_ID.fullmatch(ident)
        paper = self.corpus.papers.get(m["id"]) if m else None
        if m is None or paper is None or (m["v"] is not None and not m["v"]):
            return 404, html, NOT_FOUND
        version = int(m["v"]) if m["v"] else len(paper.versions)  # unversioned: the latest
        if not 1 <= version <= len(paper.versions):
            return 404, html, NOT_FOUND
        body = self.pdf_bytes(paper.arxiv_id, version)
        modified = paper.versions[version - 1].created.strftime("%a, %d %b %Y %H:%M:%S GMT")
        return 200, pdf_headers(paper.arxiv_id, version, body, modified), body

    @property
    def url(self) -> str:
        return f"{self.address}/api/query"

    # --- the API -------------------------------------------------------------------------

    def answer(self, params: dict[str, str]) -> tuple[int, bytes]:
        """Status and Atom body for the request's parameters."""
        canonical = urlencode(
            {
                k: params.get(k, d)
                for k, d in (("search_query", ""), ("id_list", ""), ("start", "0"), ("max_results", "10"))
            }
        )
        try:
            total, hits, start, size = self._search(params)
        except _BadRequest as exc:
            return 400, self._error_feed(canonical, str(exc))
        return 200, self._feed(canonical, total, start, size, hits)

    def _search(self, params: dict[str, Any]) -> tuple[int, list[tuple[Paper, int]], int, int]:
        start = self._int(params.get("start", "0"), "start")
        max_results = self._int(params.get("max_results", "10"), "max_results")
        if start + max_results > RESULT_WINDOW:
            raise _BadRequest(f"start + max_results may not exceed {RESULT_WINDOW}")
        sort_by = params.get("sortBy", "relevance")
        sort_order = params.get("sortOrder", "descending")
        if sort_by not in _SORT_BY:
            raise _BadRequest(f"sortBy must be in {', '.join(_SORT_BY)}")
        if sort_order not in _SORT_ORDER:
            raise _BadRequest(f"sortOrder must be in {', '.join(_SORT_ORDER)}")
        id_text = params.get("id_list", "")
        looked_up = [self._lookup(i) for i in (i.strip() for i in id_text.split(",")) if i]
        wanted = [(p, v) for p, v in looked_up if p is not None]
        query = params.get("search_query", "").strip()
        if query:
            try:
                scores = evaluate(parse(query), self.corpus)
            except QueryError as exc:
                raise _BadRequest(str(exc)) from exc
            order = ranked(scores, self.corpus, query + id_text)
            if id_text:  # search_query filtered by id_list
                allowed = {p.arxiv_id: (p, v) for p, v in wanted}
                hits = [allowed[pid] for pid in order if pid in allowed]
            else:
                hits = [(self.corpus.papers[pid], 0) for pid in order]
        else:
            hits = list({(p.arxiv_id, v): (p, v) for p, v in wanted}.values())
            random.Random(id_text).shuffle(hits)  # score order: all equal, so no defined order
        if sort_by != "relevance":
            attr = "updated" if sort_by == "lastUpdatedDate" else "published"
            hits.sort(key=lambda h: getattr(h[0], attr), reverse=sort_order == "descending")
        return len(hits), hits[start : start + max_results], start, max_results

    @staticmethod
    def _int(value: str, name: str) -> int:
        if not re.fullmatch(r"\d+", value.strip()):
            raise _BadRequest(f"{name} must be a non-negative integer")
        return int(value)

    def _lookup(self, ident: str) -> tuple[Paper | None, int]:
        m = _NEW_ID.search(ident) or _OLD_ID.search(ident)
        if not m:
            raise _BadRequest(f"incorrect id format for {ident}")
        paper = self.corpus.papers.get(m["id"])
        if paper is None:
            return None, 0
        if not m["v"]:
            return paper, len(paper.versions)
        version = int(m["v"])
        return (paper, version) if 1 <= version <= len(paper.versions) else (None, 0)

    # --- Atom ----------------------------------------------------------------------------

    def _feed_head(self, canonical: str, total: int, start: int, per_page: int, title: str) -> ET.Element:
        feed = ET.Element(f"{{{ATOM}}}feed")
        _sub(
            feed,
            ATOM,
            "link",
            href=f"https://arxiv.org/api/query?{canonical}",
            rel="self",
            type="application/atom+xml",
        )
        _sub(feed, ATOM, "title", title, type="html")
        _sub(feed, ATOM, "id", f"https://arxiv.org/api/{abs(hash(canonical)):x}")
        _sub(feed, ATOM, "updated", _iso(datetime.now(UTC)))
        _sub(feed, OPENSEARCH, "totalResults", str(total))
        _sub(feed, OPENSEARCH, "startIndex", str(start))
        _sub(feed, OPENSEARCH, "itemsPerPage", str(per_page))
        return feed

    def _feed(
        self, canonical: str, total: int, start: int, per_page: int, hits: list[tuple[Paper, int]]
    ) -> bytes:
        feed = self._feed_head(canonical, total, start, per_page, f"arXiv Query: {canonical}")
        for paper, version in hits:
            self._entry(feed, paper, version or len(paper.versions))
        return _xml(feed)

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
        for doi in (paper.doi or "").split():  # one element per DOI, as the new serializer writes them
            _sub(entry, ARXIV, "doi", doi)
            _sub(entry, ATOM, "link", title="doi", href=f"https://doi.org/{doi}", rel="related")
        if paper.comment:
            _sub(entry, ARXIV, "comment", paper.comment)
        if paper.journal_ref:
            _sub(entry, ARXIV, "journal_ref", paper.journal_ref)
        _sub(entry, ATOM, "link", href=f"https://arxiv.org/abs/{vid}", rel="alternate", type="text/html")
        _sub(
            entry,
            ATOM,
            "link",
            title="pdf",
            href=f"https://arxiv.org/pdf/{vid}",
            rel="related",
            type="application/pdf",
        )
        _sub(entry, ARXIV, "primary_category", term=paper.categories[0])
        for category in paper.categories:
            _sub(entry, ATOM, "category", term=category, scheme="http://arxiv.org/schemas/atom")

    def _error_feed(self, canonical: str, message: str) -> bytes:
        feed = self._feed_head(canonical, 1, 0, 1, "arXiv Search Results")
        anchor = "http://arxiv.org/api/errors#" + re.sub(r"\W+", "_", message).strip("_")
        entry = _sub(feed, ATOM, "entry")
        _sub(entry, ATOM, "id", anchor)
        _sub(entry, ATOM, "title", "Error")
        _sub(entry, ATOM, "summary", message)
        _sub(entry, ATOM, "updated", _iso(datetime.now(UTC)))
        _sub(entry, ATOM, "link", href=anchor, rel="alternate", type="text/html")
        author = _sub(entry, ATOM, "author")
        _sub(author, ATOM, "name", "arXiv api core")
        return _xml(feed)

    def _without_entries(self, params: dict[str, Any], total: int | None) -> bytes:
        """The answer's feed with its entries removed; ``total`` replaces totalResults."""
        status, body = self.answer(params)
        if status != 200:
            return body
        feed = ET.fromstring(body)
        for entry in feed.findall(f"{{{ATOM}}}entry"):
            feed.remove(entry)
        counted = feed.find(f"{{{OPENSEARCH}}}totalResults")
        if total is not None and counted is not None:
            counted.text = str(total)
        return _xml(feed)

    def _faulty(self, fault: str, params: dict[str, Any]) -> tuple[int, bytes, str, dict[str, Any]] | None:
        """The answer a fault gives instead of the real one (None: answer normally)."""
        kind, _, argument = fault.partition(":")
        text = "text/plain; charset=utf-8"
        if kind == "rate200":
            return 200, b"Rate exceeded.", text, {}
        if kind == "429":
            return 429, b"Rate exceeded.", text, {"Retry-After": argument} if argument else {}
        if kind == "503":
            return 503, b"Error 503 first byte timeout", text, {"Retry-After": "0"}
        if kind == "blank":
            return 200, b"", "application/atom+xml; charset=utf-8", {}
        if kind == "zero":
            return 200, self._without_entries(params, 0), "application/atom+xml; charset=utf-8", {}
        if kind == "empty":
            return 200, self._without_entries(params, None), "application/atom+xml; charset=utf-8", {}
        if kind == "414":
            return 414, b"Request-URI Too Long", text, {}
        if kind == "denied":
            return 403, b"<html><body><h1>Access Denied</h1></body></html>", "text/html", {}
        if kind == "slow":
            time.sleep(float(argument))
        return None

    # --- HTTP ----------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        emulator = self

        class Handler(ServiceHandler):
            def _send(
                self,
                status: int,
                body: bytes,
                content_type: str = "application/atom+xml; charset=utf-8",
                headers: dict[str, Any] | None = None,
            ) -> None:
                """An answer, Atom unless said otherwise."""
                self.send(status, body, content_type, headers)

            def do_HEAD(self) -> None:
                self.do_GET()

            def _pdf(self, path: str, query: str) -> None:
                ident, redirect = pdf_location(path, query)
                with emulator._lock:
                    emulator.stats.pdf_requests += 1
                    emulator.stats.pdf_urls.append(self.path)
                    emulator.stats.arrivals.append(time.monotonic())
                    emulator.stats.user_agents.add(self.headers.get("User-Agent", ""))
                    fault = emulator.pdf_faults.popleft() if emulator.pdf_faults else None
                kind, _, argument = (fault or "").partition(":")
                html = "text/html; charset=utf-8"
                if kind == "reset":
                    self.close_connection = True
                    return None
                if kind == "slow":
                    time.sleep(float(argument))
                if redirect:
                    return self._send(301, b"", html, {"Location": redirect})
                faulty = {
                    "404": (404, NOT_FOUND),
                    "denied": (403, DENIED),
                    "500": (500, UNAVAILABLE),
                    "html": (200, GENERATING),
                    "429": (429, b"Rate exceeded."),
                }.get(kind)
                if faulty:
                    extra = {"Retry-After": argument} if kind == "429" and argument else {}
                    return self._send(faulty[0], faulty[1], html, extra)
                status, headers, body = emulator.pdf_answer(ident)
                content_type = headers.pop("Content-Type")
                if status != 200 or self.command == "HEAD":
                    return self._send(status, body, content_type, headers)
                if kind == "empty":
                    return self._send(200, b"", content_type, headers)
                self._send_chunked(content_type, headers, body, cut=kind == "truncated")
                return None

            def _send_chunked(
                self, content_type: str, headers: dict[str, str], body: bytes, cut: bool
            ) -> None:
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Transfer-Encoding", "chunked")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                size = 16_384
                chunks = [body[i : i + size] for i in range(0, len(body), size)]
                for chunk in chunks[: len(chunks) // 2] if cut else chunks:
                    self.wfile.write(f"{len(chunk):X}\r\n".encode() + chunk + b"\r\n")
                if cut:  # the stream stops mid-way: no last chunk, the connection closes
                    self.close_connection = True
                    return
                self.wfile.write(b"0\r\n\r\n")

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path.startswith("/pdf/"):
                    return self._pdf(parts.path, parts.query)
                if parts.path == "/_sandbox/stats":
                    s = emulator.stats
                    body = {
                        "requests": s.requests,
                        "answered": s.answered,
                        "faults": s.faults,
                        "urls": s.urls[-200:],
                    }
                    return self._send(200, json.dumps(body).encode(), "application/json")
                self._query(parts.path, parts.query)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                path = urlsplit(self.path).path
                if path == "/api/query":
                    return self._query(path, raw.decode("utf-8", "replace"))
                data = json.loads(raw or b"{}")
                if path == "/_sandbox/faults":
                    emulator.faults.plan(*data.get("queue", []))
                    emulator.plan_pdf_faults(*data.get("pdf", []))
                    if "random" in data:
                        spec = data["random"]
                        emulator.faults.at_random(
                            float(spec.get("rate", 0.2)),
                            tuple(spec.get("kinds", SOFT_FAULTS)),
                            int(spec.get("seed", 0)),
                        )
                    if "request_line_limit" in data:
                        emulator.faults.request_line_limit = int(data["request_line_limit"])
                    return self._send(204, b"", "text/plain")
                if path == "/_sandbox/reset":
                    emulator.faults.clear()
                    emulator.pdf_faults.clear()
                    emulator.stats = Stats()
                    return self._send(204, b"", "text/plain")
                self._send(405, b"Method Not Allowed", "text/plain")

            def _query(self, path: str, query: str) -> None:
                line = len(self.requestline.encode("latin-1", "replace"))
                if line > emulator.faults.request_line_limit:
                    body = (
                        "<html><head><title>Bad Request</title></head><body><h1><p>Bad Request</p></h1>"
                        f"Request Line is too large ({line} &gt; {emulator.faults.request_line_limit})"
                        "</body></html>"
                    ).encode()
                    return self._send(400, body, "text/html")
                if path != "/api/query":
                    return self._send(404, b"Not Found", "text/plain")
                params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
                with emulator._lock:
                    emulator.stats.requests += 1
                    emulator.stats.urls.append(f"{path}?{query}")
                    emulator.stats.methods.append(self.command)
                    emulator.stats.arrivals.append(time.monotonic())
                    emulator.stats.user_agents.add(self.headers.get("User-Agent", ""))
                    fault = emulator.faults.next()
                if fault == "reset":
                    self.close_connection = True
                    return
                faulty = emulator._faulty(fault, params) if fault else None
                if faulty is not None:
                    with emulator._lock:
                        emulator.stats.faults += 1
                    status, body, content_type, headers = faulty
                    return self._send(status, body, content_type, headers)
                status, body = emulator.answer(params)
                if status == 200:
                    with emulator._lock:
                        emulator.stats.answered += 1
                self._send(status, body)

        return Handler
