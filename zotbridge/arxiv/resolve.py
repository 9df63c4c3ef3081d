"""Resolve listed papers with as few arXiv requests as the listing allows, and never store a
decision drawn from a failed or incomplete answer.

1. Papers seen before: their stored decision (no request).
2. Papers with an id: ``id_list`` in batches of 200, checked against the listed title.
3. Papers with a title: phrase searches of ``TITLE_BATCH`` titles per request
   (``ti:"…" OR ti:"…"``, words as arXiv's index splits them: query.py), ``RESULTS_PER_TITLE``
   results per title. A batch too long for the server is halved.
4. Papers not matched (title changed after v1, LaTeX in arXiv's title, a same-title record
   that is not theirs, a title with no searchable word, or a title whose answer was cut at
   ``max_results`` because a common phrase has thousands of hits): a second pass per
   ``WORDS_BATCH`` papers, by distinctive title words, a phrase of the abstract when the listing
   has one, and the title phrase again when its first answer was cut.
5. Papers whose second answer was cut too are asked once more on their own (``RESULTS_ALONE``),
   by their abstract's phrases alone when the listing has an abstract.

Every paper is scored against every record its batches brought back (its pool), so a record found
for one title also serves a repeat or a near-duplicate. The batch sizes were chosen by measurement
(bench/match_listings.py, docs/matching.md).

A decision is stored only when it stands on a sound answer: a match whose last answer was not an
empty one arXiv gave twice, or a non-match whose last answer was neither cut short nor empty
twice (the second pass asks for every paper the first left open, so its answer is the one that
counts). Others are returned but asked
again on the next run. If arXiv keeps failing, what was settled is stored and the error says how
many papers are left.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from zotbridge.arxiv.client import ArxivClient
from zotbridge.arxiv.index import ArxivIndex, index_path
from zotbridge.arxiv.match import ABSTRACT_SAME, TITLE_RELATED, decide, needs_head_check, score
from zotbridge.arxiv.query import abstract_windows, head_query, title_phrases, word_query
from zotbridge.arxiv.review import Chooser, settle
from zotbridge.config import Settings
from zotbridge.errors import QueryTooLong, ServiceError
from zotbridge.listing import ReadOptions, read_listings
from zotbridge.models import (
    ArxivRecord,
    CandidateSource,
    ListedPaper,
    Match,
    Progress,
    RecordSource,
    SearchPage,
)
from zotbridge.store import Store

log = logging.getLogger(__name__)

TITLE_BATCH = 100
RESULTS_PER_TITLE = 3
WORDS_BATCH = 20
RESULTS_PER_WORD_QUERY = 20
RESULTS_ALONE = 50


def match_listings(
    names: list[str],
    options: ReadOptions,
    settings: Settings,
    refresh: bool = False,
    progress: Progress | None = None,
    chooser: Chooser | None = None,
    source: RecordSource = "auto",
) -> tuple[list[Match], int]:
    """Read listings and resolve them: the decisions and the number of arXiv API requests.

    ``source``: ``api`` (arXiv's API), ``index`` (the offline index only; ``--offline``) or
    ``auto`` (the default: the index first when one is built, then the API for the papers it did
    not match; the API alone otherwise). ``progress(total)`` is asked for a tick function once
    the listing size is known; a ``chooser`` (arxiv/review.py) settles ambiguous papers."""
    papers = list(read_listings(names, options))
    use_index = source == "index" or (source == "auto" and index_path(settings.home).exists())
    with contextlib.ExitStack() as resources:
        store = resources.enter_context(Store(settings.home))
        index = resources.enter_context(ArxivIndex(settings.home)) if use_index else None
        client = resources.enter_context(ArxivClient(settings)) if source != "index" else None
        tick = progress(len(papers)) if progress else None
        if index is not None:
            matches = resolve(papers, index, store, refresh=refresh, progress=tick)
            if client is not None:  # auto: the API for what the index did not match
                missed = {m.index for m in matches if m.status != "matched"}
                again = resolve([p for p in papers if p.index in missed], client, store, refresh=True)
                better = {m.index: m for m in again if m.status == "matched"}
                matches = [better.get(m.index, m) for m in matches]
        else:
            assert client is not None  # "index" without an index raised IndexMissing above
            matches = resolve(papers, client, store, refresh=refresh, progress=tick)
        if chooser is not None:
            chosen_from = client or index
            assert chosen_from is not None  # one of them resolved the papers
            matches = settle(papers, matches, store, chosen_from, chooser)
    return matches, client.requests_made if client is not None else 0


@dataclass
class _Evidence:
    """What the answers so far say about one paper."""

    pool: list[ArxivRecord] = field(default_factory=list)
    suspect: bool = False  # its last answer was empty twice: real, or a soft failure repeated
    complete: bool = False  # its last answer was whole: neither cut at max_results nor suspect

    def add(self, page: SearchPage) -> None:
        self.pool.extend(page.records)
        self.suspect = page.suspect
        self.complete = not page.truncated and not page.suspect


class _Decisions:
    """Decisions as they are made: those to store, and those only to report."""

    def __init__(self, tick: Callable[[int], None]):
        self.made: dict[int, Match] = {}
        self.to_store: list[tuple[ListedPaper, Match]] = []
        self.unsettled = 0
        self.tick = tick  # the progress bar: one per listed paper, decided or taken from the store

    def settle(self, paper: ListedPaper, match: Match, storable: bool = True) -> None:
        self.made[paper.index] = match
        if storable:
            self.to_store.append((paper, match))
        else:
            self.unsettled += 1
            match.reason = (
                match.reason + "; " if match.reason else ""
            ) + "arXiv's answer was empty or cut short: not stored, asked again next run"
        self.tick(1)

    def save(self, store: Store) -> None:
        store.put_records([m.record for _, m in self.to_store if m.record])
        store.put_decisions(self.to_store)


def resolve(
    papers: list[ListedPaper],
    source: CandidateSource,
    store: Store,
    refresh: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[Match]:
    """One decision per listed paper, in input order."""
    decisions = _Decisions(progress or (lambda n: None))
    present = {p.index for p in papers}
    repeats = {p.index for p in papers if p.duplicate_of is not None and p.duplicate_of in present}
    todo = []
    for paper in papers:
        if paper.index in repeats:
            continue
        cached = None if refresh else store.decision(paper)
        if cached:
            decisions.made[paper.index] = cached
            decisions.tick(1)
        else:
            todo.append(paper)
    for paper in todo:
        if not paper.arxiv_id and not paper.title:
            decisions.settle(
                paper,
                Match(
                    paper.index,
                    paper.title,
                    "unmatched",
                    reason="the listing gives neither an arXiv id nor a title",
                ),
            )
    try:
        _by_ids([p for p in todo if p.arxiv_id], source, decisions)
        _by_titles([p for p in todo if not p.arxiv_id and p.title], source, decisions)
    except ServiceError as exc:
        decisions.save(store)
        left = sum(1 for p in todo if p.index not in decisions.made)
        raise ServiceError(
            f"{exc.message}; {left} of {len(todo)} papers are not settled yet",
            "run the same command again later: settled papers are kept, and only these are asked for",
        ) from exc
    decisions.save(store)
    if decisions.unsettled:
        log.warning(
            "%d papers could not be settled (arXiv's answers were empty or cut short); "
            "the next run asks again for exactly these",
            decisions.unsettled,
        )
    results = []
    for paper in papers:
        if paper.index in repeats:
            assert paper.duplicate_of is not None  # a repeat names the entry it repeats
            first = decisions.made[paper.duplicate_of]
            match = Match(
                paper.index,
                paper.title,
                first.status,
                first.arxiv_id,
                first.score,
                first.candidates,
                f"repeats entry {paper.duplicate_of}" + (f"; {first.reason}" if first.reason else ""),
                first.record,
            )
            decisions.tick(1)
        else:
            match = decisions.made[paper.index]
        results.append(match)
    return results


def _by_ids(papers: list[ListedPaper], source: CandidateSource, decisions: _Decisions) -> None:
    if not papers:
        return
    asked = [f"{p.arxiv_id}" + (f"v{p.arxiv_version}" if p.arxiv_version else "") for p in papers]
    answer = source.fetch_ids(asked)
    for paper, ident in zip(papers, asked):
        record = answer.get(ident)
        if record is None:
            decisions.settle(
                paper,
                Match(paper.index, paper.title, "unmatched", reason=f"arXiv has no paper {ident}"),
                storable=ident not in answer.unsure,
            )
        else:
            decisions.settle(paper, _check_listed_id(paper, record))


def _check_listed_id(paper: ListedPaper, record: ArxivRecord) -> Match:
    """An id the user gave is taken unless the title they gave with it says otherwise."""
    candidate = score(paper, record)
    if (
        paper.title
        and candidate.title_similarity < TITLE_RELATED
        and not (candidate.abstract_similarity is not None and candidate.abstract_similarity >= ABSTRACT_SAME)
    ):
        return Match(
            paper.index,
            paper.title,
            "ambiguous",
            score=candidate.score,
            candidates=[candidate],
            reason=f"arXiv {record.arxiv_id} is titled {record.title!r}, not the listed title",
        )
    candidate.score = 1.0 if not paper.title else max(candidate.score, candidate.title_similarity)
    return Match(
        paper.index, paper.title, "matched", record.arxiv_id, candidate.score, [candidate], "", record
    )


def _pages(
    papers: list[ListedPaper],
    source: CandidateSource,
    size: int,
    per_paper: int,
    clauses_of: Callable[[ListedPaper], list[str]],
) -> Iterator[tuple[list[ListedPaper], SearchPage | None]]:
    """Each batch of ``size`` papers with the page its OR-query brought back; a batch the server
    finds too long is halved; a single paper whose query is still too long gets ``None``."""
    queue = [papers[i : i + size] for i in range(0, len(papers), size)]
    while queue:
        batch = queue.pop(0)
        clauses = list(dict.fromkeys(c for p in batch for c in clauses_of(p)))
        if not clauses:
            yield batch, SearchPage([], 0)
            continue
        try:
            page = source.search(" OR ".join(clauses), max_results=min(2000, per_paper * len(batch)))
        except QueryTooLong:
            if len(batch) == 1:
                yield batch, None
                continue
            half = len(batch) // 2
            queue[:0] = [batch[:half], batch[half:]]
            continue
        yield batch, page


def _by_titles(papers: list[ListedPaper], source: CandidateSource, decisions: _Decisions) -> None:
    if not papers:
        return
    evidence = {p.index: _Evidence() for p in papers}
    phrases = {p.index: title_phrases(p.title or "") for p in papers}
    cut = _search_pass(
        [p for p in papers if phrases[p.index]],
        source,
        evidence,
        decisions,
        TITLE_BATCH,
        RESULTS_PER_TITLE,
        lambda p: phrases[p.index],
    )
    # Second pass: every paper not matched yet. A title whose first answer was cut short is asked
    # again with its phrase next to the word query: the abstract's phrase pins the paper's own
    # record to the top even among thousands of records sharing a common title.
    was_cut = {p.index for p in cut}
    second = [p for p in papers if p.index not in decisions.made]
    clauses = {
        p.index: (phrases[p.index] if p.index in was_cut else [])
        + [q for q in (word_query(p.title, p.abstract), head_query(p.title or "")) if q]
        for p in second
    }
    for paper in second:
        if not clauses[paper.index] and not evidence[paper.index].pool:
            decisions.settle(
                paper,
                Match(
                    paper.index, paper.title, "unmatched", reason="the title has no word arXiv can search for"
                ),
            )
    searchable = [p for p in second if clauses[p.index]]
    cut = _search_pass(
        searchable,
        source,
        evidence,
        decisions,
        WORDS_BATCH,
        RESULTS_PER_WORD_QUERY,
        lambda p: clauses[p.index],
    )
    # Last, alone: by the abstract's phrases only when there are some (title words shared with
    # thousands of records would bury the paper again), else by everything it has.
    alone = {
        p.index: [f'abs:"{w}"' for w in abstract_windows(p.abstract or "")] or clauses[p.index] for p in cut
    }
    _search_pass(cut, source, evidence, decisions, 1, RESULTS_ALONE, lambda p: alone[p.index], last=True)
    for paper in second:  # decided on the answers so far: complete, or nothing more to ask
        if paper.index not in decisions.made:
            _settle_last(paper, decide(paper, evidence[paper.index].pool), evidence[paper.index], decisions)


def _search_pass(
    papers: list[ListedPaper],
    source: CandidateSource,
    evidence: dict[int, _Evidence],
    decisions: _Decisions,
    size: int,
    per_paper: int,
    clauses_of: Callable[[ListedPaper], list[str]],
    last: bool = False,
) -> list[ListedPaper]:
    """One round of searches: settles the papers it matches and returns those whose answer was
    cut at ``max_results`` (to ask again in smaller batches). On the ``last`` round every paper
    is decided."""
    cut = []
    for batch, page in _pages(papers, source, size, per_paper, clauses_of):
        for paper in batch:
            ev = evidence[paper.index]
            if page is not None:
                ev.add(page)
            else:  # arXiv refused even this paper's query as too long: no answer to stand on
                ev.complete = False
            match = decide(paper, ev.pool)
            if match.status == "matched" and not ev.suspect and (last or _sure(paper, match, page)):
                decisions.settle(paper, match)
            elif last:
                _settle_last(paper, match, ev, decisions)
            elif page is not None and page.truncated:
                cut.append(paper)
    return cut


def _sure(paper: ListedPaper, match: Match, page: SearchPage | None) -> bool:
    """Whether a match can be kept before the last round. With an abstract, yes. From a title
    alone, not when the answer was cut (a record extending the title, perhaps the paper itself
    retitled, ranks low and may be what was cut) nor when the title's head must be checked."""
    if paper.abstract:
        return True
    return not (page is not None and page.truncated) and not needs_head_check(paper, match)


def _settle_last(paper: ListedPaper, match: Match, ev: _Evidence, decisions: _Decisions) -> None:
    decisions.settle(paper, match, storable=not ev.suspect and (match.status == "matched" or ev.complete))
