"""The only code that talks to arXiv's query API: one gate, POST requests, soft failures caught.

Today's API (since 2025-11-11, arxiv-search's ``classic_api``; docs/matching.md has the sources)
differs from the documents the ``arxiv`` package was written against, in ways that matter here:

* it accepts **POST**, so a batch of 100 title phrases is one request whatever its size, where a
  GET would hit gunicorn's 4,094-byte request line (a 400, not a 414). The ``arxiv`` package
  only sends GET, so this client sends the request itself and parses the answer with the
  package's own Atom parser (``arxiv._feed.parse`` and ``arxiv.Result``);
* it fails **softly**: a 200 whose body is ``Rate exceeded.`` or blank, a feed with no entries
  for a query that has hits. Each is an error here, retried, never an empty answer. A 200 with
  no feed is the rate limit or a glitch; an answer with no record at all is asked once more with
  a different ``max_results`` (a caching layer sits in front, so the same request could get the
  same bad answer) and, if still empty, is returned marked ``suspect``;
* 429 and 503 are retried honouring ``Retry-After``; otherwise the wait doubles from the
  configured delay up to ``ZOTBRIDGE_ARXIV_MAX_BACKOFF`` (ten minutes by default), with a
  visible "waiting for arXiv" line. After ``RETRIES`` retries the command stops (exit 3);
* 400 "Request Line is too large" and 414 mean "split the batch" (:class:`QueryTooLong`); a 400
  error feed is a query arXiv refuses; 403 is robot detection: stop at once.

Every request goes through the user's gate (gate.py) with a User-Agent that names zotbridge
and, when configured, the user's contact. PDFs (:class:`PdfClient`) go through the same gate.
"""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Callable
from urllib.parse import urljoin

import arxiv
import requests
from arxiv import _feed
from requests.adapters import HTTPAdapter

from zotbridge import __version__
from zotbridge.arxiv.gate import Gate, gate_for
from zotbridge.config import Settings, is_loopback_url
from zotbridge.errors import DownloadFailed, QueryTooLong, ServiceError, TransientFailure
from zotbridge.models import ArxivRecord, IdAnswer, SearchPage
from zotbridge.resource import Resource

log = logging.getLogger(__name__)

USER_AGENT = f"zotbridge/{__version__} (bibliography tool; arxiv.py/{arxiv.__version__})"
ID_BATCH = 200  # ids per id_list request; the target is ≤ 1 request per 100 ids
MAX_RESULTS = 2000  # per request: the user manual's limit (the server allows more)
RETRIES = 8  # with the 3 s delay: 3+6+…+384 s ≈ 13 minutes of waiting before giving up
_ERROR_FEED = re.compile(rb"arxiv\.org/api/errors#")
# A final HTTP status -> (what to do, the reason or error sentence, the hint): "retry" after a
# wait, "split" the batch, "stop" with the error (docs/matching.md, "Failures").
STATUSES: dict[int, tuple[str, str, str]] = {
    429: ("retry", "rate limited", ""),
    **{code: ("retry", "HTTP {status}", "") for code in (500, 502, 503, 504)},
    414: ("split", "", ""),
    400: (
        "stop",
        "arXiv refused the query ({summary})",
        "this is a bug in zotbridge's query; please report it",
    ),
    403: (
        "stop",
        "arXiv denied access (HTTP 403): its robot detection blocked this client",
        "stop for a while; set `contact` in the config file so arXiv can reach you, and see docs/troubleshooting.md",
    ),
}
_SUMMARY = re.compile(rb"<summary[^>]*>(.*?)</summary>", re.S)


def record_from_result(result: arxiv.Result) -> ArxivRecord:
    short = result.get_short_id()
    arxiv_id, _, version = short.rpartition("v")
    return ArxivRecord(
        arxiv_id=arxiv_id,
        version=int(version),
        title=" ".join(result.title.split()),
        abstract=" ".join(result.summary.split()),
        authors=[a.name for a in result.authors],
        published=result.published.isoformat(),
        updated=result.updated.isoformat(),
        primary_category=result.primary_category,
        categories=list(result.categories),
        comment=result.comment or None,
        journal_ref=result.journal_ref or None,
        doi=result.doi or None,
    )


def user_agent(contact: str | None) -> str:
    """zotbridge's User-Agent, with the user's contact when one is configured (arXiv's "Access
    Denied" page asks blocked users for their User-Agent; a contact lets arXiv reach them)."""
    if not contact:
        return USER_AGENT
    if "@" in contact and not contact.startswith(("mailto:", "http")):
        contact = f"mailto:{contact}"
    return f"{USER_AGENT[:-1]}; +{contact})"


class ArxivClient(Resource):
    """Queries arXiv (or the emulator at ``settings.arxiv_url``) through the user's gate.

    A context manager: ``with ArxivClient(settings) as client: …`` closes its connection."""

    def __init__(
        self,
        settings: Settings,
        gate: Gate | None = None,
        sleep: Callable[[float], None] = time.sleep,
        retries: int = RETRIES,
    ):
        self._settings = settings
        self._retries = retries
        self._gate = gate if gate is not None else gate_for(settings.home)
        self._sleep = sleep
        self._session = polite_session(settings, settings.arxiv_url)
        self._requests = 0

    def close(self) -> None:
        self._session.close()

    @property
    def requests_made(self) -> int:
        """Requests this client sent (the gate counts those of every client of the process)."""
        return self._requests

    def fetch_ids(self, ids: list[str], on_batch: Callable[[int], None] | None = None) -> IdAnswer:
        """Records of bare or versioned ids, ``ID_BATCH`` per request (halved when the server finds
        a request too long), matched by id: arXiv returns them in no particular order. A bare id
        gets the highest version that came back; ``…vN`` that version. Unknown ids are absent."""
        answer = IdAnswer()
        unique = list(dict.fromkeys(ids))
        queue = [unique[i : i + ID_BATCH] for i in range(0, len(unique), ID_BATCH)]
        while queue:
            batch = queue.pop(0)
            try:
                self._fetch_batch(batch, answer)
            except QueryTooLong:
                if len(batch) == 1:
                    raise ServiceError(
                        f"arXiv refused even a single id ({batch[0]}) as too long",
                        "check ZOTBRIDGE_ARXIV_URL: something between here and arXiv limits requests",
                    ) from None
                queue[:0] = [batch[: len(batch) // 2], batch[len(batch) // 2 :]]
                continue
            if on_batch:
                on_batch(len(batch))
        return answer

    def _fetch_batch(self, batch: list[str], answer: IdAnswer) -> None:
        feed, suspect = self._ask_twice_if_empty(
            {"id_list": ",".join(batch), "max_results": str(len(batch)), "start": "0"}
        )
        if suspect:
            answer.unsure.update(batch)
        asked = set(batch)
        for record in sorted(map(record_from_result, feed.results), key=lambda r: r.version):
            if record.arxiv_id in asked:
                answer.found[record.arxiv_id] = record  # sorted: the highest version wins
            versioned = f"{record.arxiv_id}v{record.version}"
            if versioned in asked:
                answer.found[versioned] = record

    def search(self, query: str, max_results: int) -> SearchPage:
        """One page of a search, ranked by relevance. Raises :class:`QueryTooLong` when the
        server finds the request too long."""
        params = {
            "search_query": query,
            "max_results": str(max(1, min(max_results, MAX_RESULTS))),
            "start": "0",
            "sortBy": "relevance",
            "sortOrder": "descending",
        }
        feed, suspect = self._ask_twice_if_empty(params)
        records = [record_from_result(r) for r in feed.results]
        return SearchPage(records, max(feed.header.total_results, len(records)), suspect)

    def _ask_twice_if_empty(self, params: dict[str, str]) -> tuple[_feed.ParsedFeed, bool]:
        """The answer, and whether it is suspect: an answer with no record at all may be a soft
        failure, so it is asked once more, with a request the cache has not seen."""
        feed = self._ask(params)
        if feed.results:
            return feed, False
        feed = self._ask(_another_request(params))
        return feed, not feed.results

    def _ask(self, params: dict[str, str]) -> _feed.ParsedFeed:
        for attempt in range(self._retries + 1):
            try:
                return self._send(params)
            except TransientFailure as failure:
                if attempt == self._retries:
                    raise ServiceError(
                        f"arXiv did not answer after {self._retries + 1} tries ({failure.reason}) at "
                        f"{self._settings.arxiv_url}",
                        "check the network and ZOTBRIDGE_ARXIV_URL, or try again later",
                    ) from None
                wait = backoff(self._settings, failure, attempt)
                (log.warning if wait >= 1 else log.info)(
                    "waiting for arXiv (%s), retry in %.0f s (try %d of %d)",
                    failure.reason,
                    wait,
                    attempt + 2,
                    self._retries + 1,
                )
                self._sleep(wait)
                params = _another_request(params)
        raise AssertionError("unreachable")

    def _send(self, params: dict[str, str]) -> _feed.ParsedFeed:
        url = self._settings.arxiv_url
        self._requests += 1
        try:
            response = self._gate.run(
                self._settings.arxiv_delay,
                lambda: self._session.post(url, data=params, timeout=self._settings.arxiv_timeout),
            )
        except requests.exceptions.Timeout:
            raise TransientFailure(f"no answer within {self._settings.arxiv_timeout:g} s (Timeout)") from None
        except requests.exceptions.ConnectionError as exc:
            raise TransientFailure(f"connection failed ({type(exc).__name__})") from None
        body, status = response.content, response.status_code
        if status == 200:
            return _feed_of(body)
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        if status == 400 and not _ERROR_FEED.search(body):
            status = 414  # gunicorn's "Request Line is too large" is a 400 page, not an Atom feed
        meaning = STATUSES.get(status)
        if meaning is None:
            raise ServiceError(f"arXiv answered HTTP {status} at {url}", "check ZOTBRIDGE_ARXIV_URL")
        kind, text, hint = meaning
        if kind == "retry":
            raise TransientFailure(text.format(status=status), retry_after)
        if kind == "split":
            raise QueryTooLong(f"HTTP {status} from {url}")
        raise ServiceError(text.format(status=status, summary=_summary(body)), hint)


def backoff(settings: Settings, failure: TransientFailure, attempt: int) -> float:
    """How long to wait before the next try: arXiv's ``Retry-After`` when it gave one, else
    doubling from the delay up to ``ZOTBRIDGE_ARXIV_MAX_BACKOFF`` (API and PDFs alike)."""
    if failure.retry_after is not None:
        return failure.retry_after
    return min(settings.arxiv_max_backoff, settings.arxiv_delay * 2.0**attempt)


def polite_session(settings: Settings, url: str) -> requests.Session:
    """A session of one connection, with zotbridge's User-Agent; a proxy from the environment is
    for the outside world, never for this machine."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=1, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = not is_loopback_url(url)
    session.headers["User-Agent"] = user_agent(settings.contact)
    return session


def _another_request(params: dict[str, str]) -> dict[str, str]:
    """The same question as a request arXiv's caching layer has not seen (it may repeat a bad
    answer to the identical URL): one more result asked for."""
    return {**params, "max_results": str(int(params["max_results"]) + 1)}


def _feed_of(body: bytes) -> _feed.ParsedFeed:
    """The feed of a 200 answer, or the soft failure it really is."""
    if b"<feed" not in body or b"totalResults" not in body:
        if b"rate exceeded" in body.lower():
            raise TransientFailure("rate limited")
        raise TransientFailure("a blank answer" if not body.strip() else "an answer that is not an Atom feed")
    if _ERROR_FEED.search(body):  # the old server's 200 error feed: the package would skip its entry
        raise ServiceError(
            f"arXiv refused the query ({_summary(body)})",
            "this is a bug in zotbridge's query; please report it",
        )
    feed = _feed.parse(body)
    if feed.malformed:
        raise TransientFailure("a malformed feed")
    if not feed.results and feed.header.total_results > feed.header.start_index:
        raise TransientFailure("an empty page although totalResults is not zero")
    return feed


def retry_after_seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:  # an HTTP date: rare, and the backoff is a fine substitute
        return None


def _summary(body: bytes) -> str:
    m = _SUMMARY.search(body)
    return m.group(1).decode("utf-8", "replace").strip() if m else "no reason given"


PDF_TRIES = 4  # a 500 ("unavailable"), a 200 HTML page or a cut body is tried again, 3 times at most
MAX_REDIRECTS = 5
_PDF_START = b"%PDF-"
_PDF_END = b"%%EOF"


class PdfClient(Resource):
    """Downloads PDFs from ``settings.arxiv_pdf_url`` (``<base><id>v<N>``) through the same gate as
    the API (one request at a time for all of the user's processes, the delay between).

    Only a 200 whose body starts with ``%PDF-`` and ends with ``%%EOF`` is a PDF (Zotero sniffs the
    same magic; arXiv's error pages are HTML). A 404 is final, a 500, a 429/503, an HTML 200 ("we
    are generating this PDF") or a cut body is tried again after a wait; a 403 is arXiv's robot
    detection: that paper fails and no further PDF is asked for in this run (docs/zotero.md).
    Redirects (``.pdf`` and query strings are 301s) are followed by hand, each through the gate.
    """

    def __init__(
        self, settings: Settings, gate: Gate | None = None, sleep: Callable[[float], None] = time.sleep
    ):
        self._settings = settings
        self._gate = gate if gate is not None else gate_for(settings.home)
        self._sleep = sleep
        self._session = polite_session(settings, settings.arxiv_pdf_url)
        self.denied = False  # arXiv answered 403: ask nothing more
        self.requests = 0

    def close(self) -> None:
        self._session.close()

    def download(
        self,
        arxiv_id: str,
        version: int,
        on_bytes: Callable[[int], None] | None = None,
        on_wait: Callable[[float], None] | None = None,
    ) -> bytes:
        """The PDF of ``arxiv_id`` version ``version``; raises :class:`DownloadFailed`."""
        url = f"{self._settings.arxiv_pdf_url}{arxiv_id}v{version}"
        for attempt in range(1, PDF_TRIES + 1):
            if self.denied:
                raise DownloadFailed("not asked: arXiv denied access (HTTP 403) earlier in this run")
            try:
                return self._get(url, on_bytes, on_wait)
            except TransientFailure as failure:
                if attempt == PDF_TRIES:
                    raise DownloadFailed(f"{failure.reason}, {PDF_TRIES} tries") from None
                wait = backoff(self._settings, failure, attempt)
                log.info(
                    "arXiv PDF %sv%d: %s; trying again in %.0f s", arxiv_id, version, failure.reason, wait
                )
                if on_wait:
                    on_wait(wait)
                self._sleep(wait)
        raise AssertionError("unreachable")

    def _get(
        self, url: str, on_bytes: Callable[[int], None] | None, on_wait: Callable[[float], None] | None
    ) -> bytes:
        for _hop in range(MAX_REDIRECTS + 1):
            self.requests += 1
            try:
                status, headers, body = self._gate.run(
                    self._settings.arxiv_delay, functools.partial(self._fetch, url, on_bytes), on_wait
                )
            except requests.exceptions.Timeout:
                raise TransientFailure(f"no answer within {self._settings.arxiv_timeout:g} s") from None
            except requests.exceptions.RequestException as exc:
                raise TransientFailure(f"the download broke off ({type(exc).__name__})") from None
            if status in (301, 302, 303, 307, 308) and headers.get("Location"):
                url = urljoin(url, headers["Location"])
                continue
            if status == 403:
                self.denied = True
                raise DownloadFailed(
                    "arXiv denied access (HTTP 403, its robot detection); no more PDFs are asked for in this run"
                )
            return _pdf_body(status, headers, body)
        raise DownloadFailed(f"more than {MAX_REDIRECTS} redirects")

    def _fetch(self, url: str, on_bytes: Callable[[int], None] | None) -> tuple[int, dict[str, str], bytes]:
        with self._session.get(
            url, timeout=self._settings.arxiv_timeout, allow_redirects=False, stream=True
        ) as response:
            chunks = []
            for chunk in response.iter_content(65_536):
                chunks.append(chunk)
                if on_bytes:
                    on_bytes(len(chunk))
            return response.status_code, dict(response.headers), b"".join(chunks)


def _pdf_body(status: int, headers: dict[str, str], body: bytes) -> bytes:
    """``body`` if it is a whole PDF; else the failure it is (final or worth another try)."""
    retry_after = retry_after_seconds(headers.get("Retry-After"))
    if status == 200:
        if _PDF_START not in body[:1024]:
            kind = (
                "an HTML page"
                if b"<html" in body[:2048].lower()
                else "an empty answer"
                if not body
                else "not a PDF"
            )
            raise TransientFailure(f"arXiv answered {kind} instead of the PDF")
        if _PDF_END not in body[-2048:]:
            raise TransientFailure("the PDF arrived cut short")
        return body
    if status in (404, 410, 400):
        raise DownloadFailed(f"arXiv has no PDF for it (HTTP {status})")
    if status in (429, 500, 502, 503, 504):
        raise TransientFailure(f"HTTP {status}", retry_after)
    raise DownloadFailed(f"arXiv answered HTTP {status}")
