"""Each arXiv paper's published version, decided from the sources' records by the rules.

The order is the cheap one of docs/published.md: Semantic Scholar's batch look-up (500 papers a
request) nominates; DBLP decides — the ``.bib`` of the key S2 names when it is not a CoRR key, else
a search by title words and first-author surname; when DBLP has nothing that passes, the ACL
Anthology's BibTeX of an ACL id S2 gives, then Crossref's record of a publisher DOI a source named
(arXiv's own ``doi`` field, or S2's: journals outside computer science are not in DBLP). A paper
younger than ``RECENT_DAYS`` that nothing points at costs no DBLP request: it is a preprint until
asked again. A source that failed leaves the papers it was needed for ``incomplete``, never
"unpublished".

Verdicts are kept in the store (store.py): ``published`` for good (its evidence with it),
``preprint`` and ``suggested`` for ``ZOTBRIDGE_PUBLISHED_TTL_DAYS`` (papers get published later)
when every source asked answered, ``incomplete`` never. ``--refresh`` asks again.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from zotbridge.config import Settings
from zotbridge.errors import SourceFailed
from zotbridge.models import ArxivRecord, Progress, PublishedCheck, VenueRecord
from zotbridge.published import acl, crossref, dblp
from zotbridge.published.client import AclClient, CrossrefClient, DblpClient, S2Client, SourceClient
from zotbridge.published.rules import authors_differ, title_differs, title_key, year_differs
from zotbridge.published.s2 import ACL_DOI, Nomination, nomination
from zotbridge.published.venues import accepted, is_preprint_venue
from zotbridge.resource import Resource
from zotbridge.store import Store

RECENT_DAYS = 120  # about four months: DBLP imports venues months after the conference
WORKSHOP = "a workshop paper (many are not archival): applied only with --allow-workshop"
DAY = 86400.0
# A preprint verdict without DBLP's search (--search nominated) is shown but not kept: a later full
# check must not take it for an answer.
NOT_SEARCHED = "no source points at a published version (DBLP was not searched: --search nominated)"


@dataclass
class Sources(Resource):
    """The clients of every source asked: ``with Sources.open(settings) as sources: …``."""

    s2: S2Client
    dblp: DblpClient
    acl: AclClient
    crossref: CrossrefClient

    @classmethod
    def open(cls, settings: Settings, **kwargs: Any) -> Sources:
        return cls(
            S2Client(settings, **kwargs),
            DblpClient(settings, **kwargs),
            AclClient(settings, **kwargs),
            CrossrefClient(settings, **kwargs),
        )

    def close(self) -> None:
        for client in self.clients:
            client.close()

    @property
    def clients(self) -> tuple[SourceClient, ...]:
        return (self.s2, self.dblp, self.acl, self.crossref)

    @property
    def requests(self) -> dict[str, int]:
        return {c.name: c.requests for c in self.clients}


def check_records(
    records: Iterable[ArxivRecord],
    sources: Sources,
    store: Store,
    settings: Settings,
    *,
    refresh: bool = False,
    allow_workshop: bool = False,
    search_all: bool = True,
    now: float | None = None,
    progress: Progress | None = None,
) -> dict[str, PublishedCheck]:
    """The verdict of every record, by arXiv id: stored ones while they hold, the rest asked.
    ``search_all`` False searches DBLP only for papers a source points at (``--search
    nominated``): one request less per older paper, but a paper S2 has not linked stays a preprint."""
    now = time.time() if now is None else now
    unique = {r.arxiv_id: r for r in records}
    stored = {} if refresh else store.published_checks(unique)
    ttl = settings.published_ttl_days * DAY
    kept = {i: c for i, c in stored.items() if c.verdict == "published" or now - c.checked_at < ttl}
    todo = [r for i, r in unique.items() if i not in kept]
    answers: dict[str, dict[str, Any] | None] = {}
    s2_failed = None
    if todo:
        try:
            answers = sources.s2.papers([r.arxiv_id for r in todo])
        except SourceFailed as exc:
            s2_failed = exc.reason
    tick = progress(len(todo), "published versions") if progress and todo else None
    checks: dict[str, PublishedCheck] = {}
    for record in todo:
        s2 = answers.get(record.arxiv_id)
        checks[record.arxiv_id] = check_one(
            record, nomination(s2) if s2 else None, s2_failed, sources, now, search_all
        )
        if tick:
            tick(1, record.arxiv_id)
    store.put_published_checks(
        c for c in checks.values() if c.verdict == "published" or (c.complete and c.reason != NOT_SEARCHED)
    )
    both = {**kept, **checks}
    return {i: _allowing_workshops(both[i], allow_workshop) for i in unique}


def check_one(
    record: ArxivRecord,
    nominated: Nomination | None,
    s2_failed: str | None,
    sources: Sources,
    now: float,
    search_all: bool = True,
) -> PublishedCheck:
    """One paper's verdict from S2's nomination and DBLP's records, and Crossref's record of a DOI
    a source named when DBLP has none that passes."""
    evidence = [{"source": "s2", "id": nominated.paper_id}] if nominated and nominated.paper_id else []
    failures = [f"Semantic Scholar failed: {s2_failed}"] if s2_failed else []
    journal_doi = record.doi if record.doi and not is_preprint_venue("", record.doi) else None
    arxiv_claim = record.journal_ref or journal_doi
    age = (now - _timestamp(record.published)) / DAY
    candidates: list[VenueRecord] = []
    client: DblpClient | None = sources.dblp
    try:
        if nominated and nominated.dblp_key:
            text = sources.dblp.bibtex(nominated.dblp_key)
            if text:
                candidates.append(dblp.from_bibtex(nominated.dblp_key, text))
        if not _verified(record, candidates) and (
            s2_failed
            or (nominated and nominated.promising)
            or arxiv_claim
            or (search_all and age > RECENT_DAYS)
        ):
            query = dblp.search_query(record.title, record.authors[0] if record.authors else "")
            first: int | None = 0
            for _page in range(dblp.SEARCH_PAGES):
                answer = sources.dblp.search(query, dblp.SEARCH_HITS, first or 0)
                candidates.extend(dblp.hits_of(answer))
                first = dblp.more_hits(answer)
                if first is None or _verified(record, candidates):
                    break
    except SourceFailed as exc:
        failures.append(f"DBLP failed: {exc.reason}")
        client = None
    doi = journal_doi or (nominated.doi if nominated else None)
    acl_id = nominated.acl_id if nominated else None
    if not acl_id and doi and doi.lower().startswith(ACL_DOI):
        acl_id = doi[len(ACL_DOI) :]
    if acl_id and not _verified(record, candidates):
        try:
            text = sources.acl.bibtex(acl_id)
            found = acl.from_bibtex(acl_id, text) if text else None
            if found is not None:
                candidates.append(found)
        except SourceFailed as exc:
            failures.append(f"ACL Anthology failed: {exc.reason}")
    if doi and not _verified(record, candidates):
        try:
            work = sources.crossref.work(doi)
            if work is not None:
                candidates.append(crossref.record_of(work))
        except SourceFailed as exc:
            failures.append(f"Crossref failed: {exc.reason}")
    check = _decide(record, candidates, failures, evidence, client, now, arxiv_claim, age)
    if failures:
        check.complete = False
        if check.verdict == "suggested":  # shown, but drawn from a partial answer: asked again next run
            check.reason += "; " + "; ".join(failures)
    return check


def _problems(record: ArxivRecord, candidate: VenueRecord) -> list[str]:
    """Every rule the candidate fails, the title's first."""
    first_year = int(record.published[:4])
    problems = [
        p
        for p in (
            title_differs(record.title, candidate.title),
            authors_differ(record.authors, candidate.authors),
            year_differs(first_year, candidate.year),
        )
        if p
    ]
    if candidate.venue_class == "workshop":
        problems.append(WORKSHOP)
    elif not accepted(candidate.venue_class):
        problems.append(
            f"{candidate.venue or 'the venue'} is not a published venue ({candidate.venue_class})"
        )
    return problems


def _verified(record: ArxivRecord, candidates: list[VenueRecord]) -> bool:
    return any(c.venue_class != "preprint" and not _problems(record, c) for c in candidates)


def _decide(
    record: ArxivRecord,
    candidates: list[VenueRecord],
    failures: list[str],
    sources: list[dict[str, str]],
    client: DblpClient | None,
    now: float,
    arxiv_claim: str | None,
    age: float,
) -> PublishedCheck:
    verified: list[VenueRecord] = []
    near: list[tuple[VenueRecord, str]] = []
    for candidate in candidates:
        if candidate.venue_class == "preprint":
            continue  # the CoRR twin of the preprint itself
        problems = _problems(record, candidate)
        if not problems:
            verified.append(candidate)
        elif len(problems) == 1 and not problems[0].startswith("the first author"):
            near.append((candidate, problems[0]))
    distinct = list({(c.fields.get("doi") or c.ident).lower(): c for c in verified}.values())
    check = PublishedCheck(record.arxiv_id, "preprint", "", sources=list(sources), checked_at=now)
    if len(distinct) > 1:
        distinct.sort(key=lambda c: (c.year or 9999, c.venue_class == "journal"))
        first, second = distinct[0], distinct[1]
        if (
            first.venue_class != "journal"
            and second.venue_class == "journal"
            and (first.year or 0) < (second.year or 0)
        ):
            later = ", ".join(f"{c.venue} {c.year}" for c in distinct[1:])
            return _published(record, check, first, client, f"the conference version (later: {later})")
        check.verdict, check.record = "suggested", first
        check.sources += [{"source": c.source, "id": c.ident} for c in distinct]
        check.reason = "several published versions: " + "; ".join(
            f"{c.venue} {c.year} ({c.ident})" for c in distinct
        )
        return check
    if distinct:
        return _published(record, check, distinct[0], client, "")
    if near:
        candidate, problem = near[0]
        check.verdict, check.record = "suggested", candidate
        check.sources.append({"source": candidate.source, "id": candidate.ident})
        check.reason = f"{candidate.venue} {candidate.year} ({candidate.ident}) fails one rule: {problem}"
        return check
    if failures:
        check.verdict, check.reason = "incomplete", "; ".join(failures)
        return check
    if record.doi and arxiv_claim == record.doi:
        check.verdict = "suggested"
        check.reason = f"arXiv names the DOI {record.doi}, but no source has its record"
        return check
    if arxiv_claim:
        check.reason = f"arXiv's journal reference says {arxiv_claim!r}, but no source has the record yet"
    elif not candidates and age <= RECENT_DAYS:
        check.reason = "no source points at a published version (DBLP is asked once it is 4 months old)"
    elif not candidates:
        check.reason = NOT_SEARCHED
    else:
        check.reason = "no source has a published version"
    return check


def _published(
    record: ArxivRecord, check: PublishedCheck, chosen: VenueRecord, client: DblpClient | None, note: str
) -> PublishedCheck:
    """The verdict on a verified record, completed from its DBLP .bib when it came from a search."""
    if chosen.source == "dblp" and "booktitle" not in chosen.fields and "journal" not in chosen.fields:
        if client is None:
            check.verdict, check.reason = "incomplete", "DBLP failed before the record's BibTeX was read"
            return check
        try:
            text = client.bibtex(chosen.ident)
        except SourceFailed as exc:
            check.verdict, check.reason = "incomplete", f"DBLP failed: {exc.reason}"
            return check
        if text:
            chosen = dblp.from_bibtex(chosen.ident, text, chosen)
    notes = [note] if note else []
    if title_key(record.title) != title_key(chosen.title):
        notes.append(f"title changed to {chosen.title!r}")
    if chosen.year and chosen.year > int(record.published[:4]) + 2:
        notes.append("more than two years after the preprint: perhaps a journal extension")
    check.verdict, check.record = "published", chosen
    check.sources.append({"source": chosen.source, "id": chosen.ident})
    check.reason = f"{chosen.venue} {chosen.year}: title, authors, year and venue agree" + "".join(
        f"; {n}" for n in notes
    )
    return check


def _allowing_workshops(check: PublishedCheck, allow: bool) -> PublishedCheck:
    """A suggestion held back only for being a workshop paper is published with --allow-workshop."""
    if allow and check.verdict == "suggested" and check.record and check.reason.endswith(WORKSHOP):
        return replace(
            check,
            verdict="published",
            reason=f"{check.record.venue} {check.record.year}: a workshop paper, allowed",
        )
    return check


def _timestamp(iso: str) -> float:
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0
