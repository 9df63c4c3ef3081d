"""The only code of this stage that talks to the network: Semantic Scholar's batch look-up, DBLP's
search and per-record BibTeX, the ACL Anthology's BibTeX and Crossref's record of a DOI, each
behind its own gate.

Politeness and failures follow docs/published.md:

* one request at a time per source, spaced by ``ZOTBRIDGE_S2_DELAY`` (1.1 s: S2 allows 1/s with a
  key) and ``ZOTBRIDGE_DBLP_DELAY`` (2 s: "at least one or two second", dblp FAQ), through a gate
  file per source under ``ZOTBRIDGE_HOME`` so that two runs share the limit;
* a 429 waits its ``Retry-After`` when there is one (DBLP sends it; S2 never does), else the delay
  doubled at each try; 5xx, timeouts and resets the same. DBLP throttles with a **500 HTML page**:
  it is a failure, never "no results" (a true miss is a 200 with ``@total: 0``);
* after ``TRIES`` tries the source is **off for the rest of the run**, like bibcite does (DBLP
  escalates to temporary IP bans): the papers that needed it are ``incomplete``;
* S2 gets ``x-api-key`` when a key is set (``ZOTBRIDGE_S2_API_KEY``, or the keyring through
  ``zotbridge login --s2``); the key is never logged. Crossref
  gets the user's ``contact`` as ``mailto`` when it is an e-mail address (its "polite pool").
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import requests

from zotbridge.arxiv.client import polite_session, retry_after_seconds
from zotbridge.arxiv.gate import Gate, gate_for
from zotbridge.config import Settings
from zotbridge.credentials import s2_api_key
from zotbridge.errors import SourceFailed
from zotbridge.published.s2 import BATCH, FIELDS
from zotbridge.resource import Resource

log = logging.getLogger(__name__)

TRIES = 4
TIMEOUT = 30.0
RETRIED = frozenset({429, 500, 502, 503, 504})


class SourceClient(Resource):
    """One source: its root URL, its gate and delay, its retries, and its switch-off."""

    name = "source"

    def __init__(
        self,
        settings: Settings,
        url: str,
        delay: float,
        gate: Gate | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._url, self._delay, self._sleep = url, delay, sleep
        self._gate = gate if gate is not None else gate_for(settings.home, f"{self.name}-gate")
        self._session = polite_session(settings, url)
        self.requests = 0
        self.off: str | None = None  # why the source was switched off for this run

    def close(self) -> None:
        self._session.close()

    def _request(
        self, method: str, path: str, ok: tuple[int, ...] = (200,), **kwargs: Any
    ) -> requests.Response:
        """The answer with a status in ``ok``; anything else after retries is :class:`SourceFailed`."""
        if self.off:
            raise SourceFailed(self.name, self.off)
        url = self._url + path
        reason = ""
        for attempt in range(TRIES):
            retry_after: float | None = None
            try:
                self.requests += 1
                response = self._gate.run(
                    self._delay, lambda: self._session.request(method, url, timeout=TIMEOUT, **kwargs)
                )
            except requests.exceptions.RequestException as exc:
                reason = f"no answer ({type(exc).__name__})"
            else:
                if response.status_code in ok:
                    return response
                if response.status_code not in RETRIED:
                    raise SourceFailed(self.name, self._refusal(response))
                reason = f"HTTP {response.status_code}"
                retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            if attempt + 1 < TRIES:
                wait = retry_after if retry_after is not None else self._delay * 2 ** (attempt + 1)
                log.info("waiting for %s (%s), retry in %.1f s", self.name, reason, wait)
                self._sleep(wait)
        self.off = f"{reason} after {TRIES} tries; not asked again in this run"
        log.warning("%s: %s", self.name, self.off)
        raise SourceFailed(self.name, self.off)

    def _refusal(self, response: requests.Response) -> str:
        return f"HTTP {response.status_code} ({response.text[:200].strip()})"


class S2Client(SourceClient):
    """Semantic Scholar's Graph API: ``POST /paper/batch`` by arXiv id."""

    name = "s2"

    def __init__(self, settings: Settings, api_key: str | None = None, **kwargs: Any):
        super().__init__(settings, settings.s2_url, settings.s2_delay, **kwargs)
        key = api_key or s2_api_key(settings)
        if key:
            self._session.headers["x-api-key"] = key

    def _refusal(self, response: requests.Response) -> str:
        if response.status_code == 403:
            return "HTTP 403: the API key was refused (check ZOTBRIDGE_S2_API_KEY, or unset it)"
        return super()._refusal(response)

    def papers(self, arxiv_ids: list[str]) -> dict[str, dict[str, Any] | None]:
        """S2's record of each bare arXiv id (``None``: S2 does not know it), 500 per request."""
        found: dict[str, dict[str, Any] | None] = {}
        for start in range(0, len(arxiv_ids), BATCH):
            batch = arxiv_ids[start : start + BATCH]
            answer = self._request(
                "POST", "/paper/batch", params={"fields": FIELDS}, json={"ids": [f"ARXIV:{i}" for i in batch]}
            ).json()
            if not isinstance(answer, list) or len(answer) != len(batch):
                raise SourceFailed(self.name, "the batch answer is not one record per id")
            found.update(zip(batch, answer, strict=True))
        return found


class DblpClient(SourceClient):
    """DBLP's publication search and per-record BibTeX."""

    name = "dblp"

    def __init__(self, settings: Settings, **kwargs: Any):
        super().__init__(settings, settings.dblp_url, settings.dblp_delay, **kwargs)

    def search(self, query: str, hits: int, first: int = 0) -> dict[str, Any]:
        """One page of hits: ``hits`` from the ``first`` (DBLP sends at most 100 a page)."""
        params = {"q": query, "format": "json", "h": str(hits)} | ({"f": str(first)} if first else {})
        answer = self._request("GET", "/search/publ/api", params=params)
        try:
            data: dict[str, Any] = answer.json()
        except ValueError:
            raise SourceFailed(self.name, "the search answer is not JSON") from None
        if "result" not in data:
            raise SourceFailed(self.name, "the search answer has no result")
        return data

    def bibtex(self, key: str) -> str | None:
        """The standard BibTeX of a record (``param=1``); ``None`` when DBLP has no such key."""
        answer = self._request("GET", f"/rec/{key}.bib", ok=(200, 404), params={"param": "1"})
        if answer.status_code == 404:
            return None
        answer.encoding = "utf-8"
        return answer.text


class CrossrefClient(SourceClient):
    """Crossref's REST API: the record of one DOI (``/works/{doi}``)."""

    name = "crossref"

    def __init__(self, settings: Settings, **kwargs: Any):
        super().__init__(settings, settings.crossref_url, settings.crossref_delay, **kwargs)
        contact = settings.contact or ""
        self._mailto = {"mailto": contact.removeprefix("mailto:")} if "@" in contact else {}

    def work(self, doi: str) -> dict[str, Any] | None:
        """The ``message`` of a DOI's record; ``None`` when Crossref has none (arXiv's DataCite
        DOIs, NeurIPS papers: "Resource not found.")."""
        answer = self._request("GET", f"/works/{quote(doi, safe='/')}", ok=(200, 404), params=self._mailto)
        if answer.status_code == 404:
            return None
        try:
            message: dict[str, Any] = answer.json()["message"]
        except (ValueError, KeyError, TypeError):
            raise SourceFailed(self.name, "the answer is not a Crossref work") from None
        return message


class AclClient(SourceClient):
    """The ACL Anthology's per-paper BibTeX (``/<anthology id>.bib``)."""

    name = "acl"

    def __init__(self, settings: Settings, **kwargs: Any):
        super().__init__(settings, settings.acl_url, settings.acl_delay, **kwargs)

    def bibtex(self, anthology_id: str) -> str | None:
        """The paper's BibTeX; ``None`` when the Anthology has no such id."""
        answer = self._request("GET", f"/{quote(anthology_id)}.bib", ok=(200, 404))
        if answer.status_code == 404:
            return None
        answer.encoding = "utf-8"
        return answer.text
