"""The only code that talks to arXiv: one gate, one connection, retries with backoff.

It drives the real ``arxiv`` package (4.x) with the package's own retries and delay turned off,
because the package waits per ``Client`` instance, retries without backoff and reports an empty
first page as "no results". Instead, one transport adapter mounted on the package's session
does what arXiv's terms ask for the whole process (docs/arxiv-api.md §3):

* **one gate**: a process-wide lock held for the whole request (one connection at a time) and at
  least ``ZOTBRIDGE_ARXIV_DELAY`` seconds (default 3) between the end of one request and the
  start of the next, whichever client object sends it;
* a descriptive **User-Agent**;
* the **empty-page glitch** detected at the source: a page with no entries while
  ``totalResults`` says there are some.

Around each call, failures that arXiv documents as transient (5xx, 429, empty pages, dropped
connections, timeouts) are retried with exponential backoff; a 414 becomes
:class:`QueryTooLong` so the batcher can split the batch.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable

import arxiv
import requests
from requests.adapters import HTTPAdapter

from zotbridge import __version__
from zotbridge.config import Settings, is_loopback_url
from zotbridge.errors import ServiceError
from zotbridge.models import ArxivRecord

log = logging.getLogger(__name__)

USER_AGENT = f"zotbridge/{__version__} (bibliography tool; arxiv.py/{arxiv.__version__})"
ID_BATCH = 200  # ids per id_list request (≈ 3 KB of URL); the target is ≤ 1 request per 100 ids
RETRIES = 4
MAX_BACKOFF = 60.0
TIMEOUT = 60.0
_TOTAL = re.compile(rb"<opensearch:totalResults[^>]*>\s*(\d+)\s*<")
_START = re.compile(rb"<opensearch:startIndex[^>]*>\s*(\d+)\s*<")
_RETRY_STATUS = {429, 500, 502, 503, 504}


class QueryTooLong(Exception):
    """The server refused the URL as too long (HTTP 414): split the batch and ask again."""


class EmptyPage(requests.exceptions.RequestException):
    """arXiv answered a page with no entries although totalResults is not zero."""


class Gate:
    """At most one arXiv request at a time, and ``delay`` seconds between them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_end = 0.0
        self.requests = 0

    def run(self, delay: float, send: Callable[[], requests.Response]) -> requests.Response:
        with self._lock:
            wait = self._last_end + delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                self.requests += 1
                return send()
            finally:
                self._last_end = time.monotonic()


GATE = Gate()  # all arXiv traffic of the process goes through this one gate


class _PoliteAdapter(HTTPAdapter):
    def __init__(self, gate: Gate, delay: float, timeout: float = TIMEOUT):
        super().__init__(pool_connections=1, pool_maxsize=1, max_retries=0)
        self._gate, self._delay, self._timeout = gate, delay, timeout

    def send(self, request, **kwargs):
        request.headers["User-Agent"] = USER_AGENT
        kwargs["timeout"] = self._timeout
        response = self._gate.run(self._delay, lambda: super(_PoliteAdapter, self).send(request, **kwargs))
        if response.status_code == 200 and b"<entry" not in response.content:
            total, start = _TOTAL.search(response.content), _START.search(response.content)
            if total and int(total.group(1)) > (int(start.group(1)) if start else 0):
                raise EmptyPage(f"empty page from {request.url}")
        return response


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


class ArxivClient:
    """Queries arXiv (or the emulator at ``settings.arxiv_url``) through the process gate."""

    def __init__(self, settings: Settings, gate: Gate = GATE, sleep: Callable[[float], None] = time.sleep,
                 retries: int = RETRIES):
        self._settings = settings
        self._retries = retries
        self._gate = gate
        self._sleep = sleep
        self._client = arxiv.Client(page_size=100, delay_seconds=0, num_retries=0)
        self._client.query_url_format = settings.arxiv_url + "?{}"
        # arxiv 4.x keeps its requests.Session in `_session`; the adapter is our transport.
        adapter = _PoliteAdapter(gate, settings.arxiv_delay, settings.arxiv_timeout)
        self._client._session.mount("http://", adapter)
        self._client._session.mount("https://", adapter)
        # a proxy from the environment is for the outside world, never for this machine
        self._client._session.trust_env = not is_loopback_url(settings.arxiv_url)

    @property
    def requests_made(self) -> int:
        return self._gate.requests

    def fetch_ids(self, ids: list[str], on_batch: Callable[[int], None] | None = None) -> dict[str, ArxivRecord]:
        """Records of bare or versioned ids, ``ID_BATCH`` per request; unknown ids are absent.
        Keys are the ids as asked."""
        found: dict[str, ArxivRecord] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), ID_BATCH):
            batch = unique[start : start + ID_BATCH]
            for record in self._query(arxiv.Search(id_list=batch, max_results=len(batch))):
                for asked in (record.arxiv_id, f"{record.arxiv_id}v{record.version}"):
                    if asked in batch:
                        found[asked] = record
            if on_batch:
                on_batch(len(batch))
        return found

    def search(self, query: str, max_results: int) -> list[ArxivRecord]:
        """One page of a search, ranked by relevance. Raises :class:`QueryTooLong` on a 414."""
        return self._query(arxiv.Search(query=query, max_results=max_results))

    def _query(self, search: arxiv.Search) -> list[ArxivRecord]:
        self._client.page_size = max(1, min(search.max_results or 100, 2000))
        last_error = ""
        for attempt in range(self._retries + 1):
            if attempt:
                backoff = min(MAX_BACKOFF, max(self._settings.arxiv_delay, 0.05) * 2 ** (attempt - 1))
                log.info("arXiv: %s; retrying in %.1f s (attempt %d of %d)", last_error, backoff, attempt + 1,
                         self._retries + 1)
                self._sleep(backoff)
            try:
                return [record_from_result(r) for r in self._client.results(search)]
            except arxiv.HTTPError as exc:
                if exc.status == 414:
                    raise QueryTooLong(str(exc)) from exc
                if exc.status not in _RETRY_STATUS:
                    raise ServiceError(f"arXiv refused the query (HTTP {exc.status})",
                                       "this is a bug in zotbridge's query; please report it") from exc
                last_error = f"HTTP {exc.status}"
            except arxiv.UnexpectedEmptyPageError:
                last_error = "empty page"
            except EmptyPage:
                last_error = "empty page"
            except requests.exceptions.RequestException as exc:
                last_error = type(exc).__name__
        raise ServiceError(
            f"arXiv did not answer after {self._retries + 1} tries ({last_error}) at {self._settings.arxiv_url}",
            "check the network and ZOTBRIDGE_ARXIV_URL, or try again later",
        )
