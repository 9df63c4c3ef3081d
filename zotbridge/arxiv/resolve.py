"""Resolve listed papers with as few arXiv requests as the listing allows.

1. Papers seen before: their stored decision (no request).
2. Papers with an id: ``id_list`` in batches of 200, checked against the listed title.
3. Papers with a title: phrase searches of ``TITLE_BATCH`` titles per request
   (``ti:"…" OR ti:"…"`` of plain words); a 414 halves the batch.
4. Papers the first pass did not match (title changed after v1, LaTeX in arXiv's title, a
   same-title record that is not theirs):
   a second pass per ``WORDS_BATCH`` papers, by distinctive title words and, when the listing has
   one, a distinctive phrase of the abstract.

Every paper is scored against every record its batch brought back (the pool), so a record found
for one title also serves a repeat or a near-duplicate. The candidate source is anything with
``fetch_ids`` and ``search`` (the online client; later the offline index).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from zotbridge.arxiv.client import ArxivClient, QueryTooLong
from zotbridge.arxiv.index import ArxivIndex, index_path
from zotbridge.config import Settings
from zotbridge.listing import ReadOptions, read_listings
from zotbridge.arxiv.match import ABSTRACT_SAME, TITLE_RELATED, decide, score
from zotbridge.arxiv.review import Chooser, settle
from zotbridge.models import ArxivRecord, ListedPaper, Match
from zotbridge.normalize import search_words
from zotbridge.store import Store

TITLE_BATCH = 20
RESULTS_PER_TITLE = 5
WORDS_BATCH = 5
RESULTS_PER_WORD_QUERY = 10
STOPWORDS = frozenset(
    "a an and are as at be by for from in into is it its of on or that the their this to via with we our "
    "towards toward using based new can how what when do does not all more than over under about".split()
)


class CandidateSource(Protocol):
    def fetch_ids(self, ids: list[str], on_batch: Callable[[int], None] | None = None) -> dict[str, ArxivRecord]: ...

    def search(self, query: str, max_results: int) -> list[ArxivRecord]: ...


SOURCES = ("auto", "api", "index")


def match_listings(names: list[str], options: ReadOptions, settings: Settings, refresh: bool = False,
                   progress: Callable[[int], Callable[[int], None]] | None = None,
                   chooser: Chooser | None = None, source: str = "auto") -> tuple[list[Match], int]:
    """Read listings and resolve them: the decisions and the number of arXiv API requests.

    ``source``: ``api`` (arXiv's API), ``index`` (the offline index only; ``--offline``) or
    ``auto`` (the default: the index first when one is built, then the API for the papers it did
    not match; the API alone otherwise). ``progress(total)`` is asked for a tick function once
    the listing size is known; a ``chooser`` (arxiv/review.py) settles ambiguous papers."""
    papers = list(read_listings(names, options))
    store = Store(settings.home)
    index = ArxivIndex(settings.home) if source == "index" or (source == "auto" and index_path(settings.home).exists()) \
        else None
    client = ArxivClient(settings) if source != "index" else None
    try:
        tick = progress(len(papers)) if progress else None
        if index is not None:
            matches = resolve(papers, index, store, refresh=refresh, progress=tick)
            if client is not None:  # auto: the API for what the index did not match
                missed = {m.index for m in matches if m.status != "matched"}
                again = resolve([p for p in papers if p.index in missed], client, store, refresh=True)
                better = {m.index: m for m in again if m.status == "matched"}
                matches = [better.get(m.index, m) for m in matches]
        else:
            matches = resolve(papers, client, store, refresh=refresh, progress=tick)
        if chooser is not None:
            matches = settle(papers, matches, store, client or index, chooser)
    finally:
        store.close()
        if index is not None:
            index.close()
    return matches, client.requests_made if client is not None else 0


def resolve(papers: list[ListedPaper], source: CandidateSource, store: Store, refresh: bool = False,
            progress: Callable[[int], None] | None = None) -> list[Match]:
    """One decision per listed paper, in input order."""
    tick = progress or (lambda n: None)
    decided: dict[int, Match] = {}
    present = {p.index for p in papers}
    repeats = {p.index for p in papers if p.duplicate_of is not None and p.duplicate_of in present}
    todo = []
    for paper in papers:
        if paper.index in repeats:
            continue
        cached = None if refresh else store.decision(paper)
        if cached:
            decided[paper.index] = cached
            tick(1)
        else:
            todo.append(paper)
    with_id = [p for p in todo if p.arxiv_id]
    titled = [p for p in todo if not p.arxiv_id and p.title]
    for paper in todo:
        if not paper.arxiv_id and not paper.title:
            decided[paper.index] = Match(paper.index, paper.title, "unmatched",
                                         reason="the listing gives neither an arXiv id nor a title")
            tick(1)
    fresh: list[tuple[ListedPaper, Match]] = []
    for paper, match in _by_ids(with_id, source, tick) + _by_titles(titled, source, tick):
        decided[paper.index] = match
        fresh.append((paper, match))
    store.put_records([m.record for _, m in fresh if m.record])
    store.put_decisions(fresh)
    results = []
    for paper in papers:
        if paper.index in repeats:
            first = decided[paper.duplicate_of]
            match = Match(paper.index, paper.title, first.status, first.arxiv_id, first.score, first.candidates,
                          f"repeats entry {paper.duplicate_of}" + (f"; {first.reason}" if first.reason else ""),
                          first.record)
            tick(1)
        else:
            match = decided[paper.index]
        results.append(match)
    return results


def _by_ids(papers: list[ListedPaper], source: CandidateSource, tick) -> list[tuple[ListedPaper, Match]]:
    if not papers:
        return []
    asked = [p.arxiv_id + (f"v{p.arxiv_version}" if p.arxiv_version else "") for p in papers]
    found = source.fetch_ids(asked)
    out = []
    for paper, ident in zip(papers, asked):
        record = found.get(ident)
        if record is None:
            match = Match(paper.index, paper.title, "unmatched", reason=f"arXiv has no paper {ident}")
        else:
            match = _check_listed_id(paper, record)
        out.append((paper, match))
        tick(1)
    return out


def _check_listed_id(paper: ListedPaper, record: ArxivRecord) -> Match:
    """An id the user gave is taken unless the title they gave with it says otherwise."""
    candidate = score(paper, record)
    if paper.title and candidate.title_similarity < TITLE_RELATED and not (
        candidate.abstract_similarity is not None and candidate.abstract_similarity >= ABSTRACT_SAME
    ):
        return Match(paper.index, paper.title, "ambiguous", score=candidate.score, candidates=[candidate],
                     reason=f"arXiv {record.arxiv_id} is titled {record.title!r}, not the listed title")
    candidate.score = 1.0 if not paper.title else max(candidate.score, candidate.title_similarity)
    return Match(paper.index, paper.title, "matched", record.arxiv_id, candidate.score, [candidate], "", record)


def _phrase(title: str) -> str:
    return f'ti:"{" ".join(search_words(title))}"'


def _word_query(paper: ListedPaper) -> str:
    words = [w for w in search_words(paper.title) if w not in STOPWORDS and len(w) > 2 and not w.isdigit()]
    distinctive = sorted(dict.fromkeys(words), key=len, reverse=True)[:4]
    parts = []
    if distinctive:
        parts.append("(" + " AND ".join(f"ti:{w}" for w in distinctive) + ")")
    if paper.abstract:
        abstract_words = search_words(paper.abstract[:400])
        window = max((abstract_words[i:i + 5] for i in range(max(1, len(abstract_words) - 4))),
                     key=lambda ws: sum(len(w) for w in ws if w not in STOPWORDS), default=[])
        if len(window) >= 3:
            parts.append(f'abs:"{" ".join(window)}"')
    return " OR ".join(parts)


def _search_batches(papers: list[ListedPaper], source: CandidateSource, size: int, per_paper: int,
                    query_of: Callable[[ListedPaper], str]) -> dict[int, list[ArxivRecord]]:
    """Pool of records per paper index, batching ``size`` queries per request (halving on 414)."""
    pools: dict[int, list[ArxivRecord]] = {}
    queue = [papers[i:i + size] for i in range(0, len(papers), size)]
    while queue:
        batch = queue.pop(0)
        queries = [q for q in (query_of(p) for p in batch) if q]
        if not queries:
            continue
        try:
            records = source.search(" OR ".join(queries), max_results=min(2000, per_paper * len(queries)))
        except QueryTooLong:
            if len(batch) == 1:
                raise
            half = len(batch) // 2
            queue[:0] = [batch[:half], batch[half:]]
            continue
        for paper in batch:
            pools[paper.index] = records
    return pools


def _by_titles(papers: list[ListedPaper], source: CandidateSource, tick) -> list[tuple[ListedPaper, Match]]:
    if not papers:
        return []
    pools = _search_batches(papers, source, TITLE_BATCH, RESULTS_PER_TITLE, lambda p: _phrase(p.title))
    out, second = [], []
    for paper in papers:
        match = decide(paper, pools.get(paper.index, []))
        if match.status == "matched":
            out.append((paper, match))
            tick(1)
        else:
            second.append(paper)
    more = _search_batches(second, source, WORDS_BATCH, RESULTS_PER_WORD_QUERY, _word_query)
    for paper in second:
        out.append((paper, decide(paper, pools.get(paper.index, []) + more.get(paper.index, []))))
        tick(1)
    return out
