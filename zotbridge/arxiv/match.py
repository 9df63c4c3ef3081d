"""Score arXiv records against a listed paper and decide: matched, ambiguous or unmatched.

Evidence, each in [0, 1]:

* **title** — rapidfuzz ``ratio`` of the normalised titles (case, accents, LaTeX such as
  ``$\\infty$`` vs ``infty``, punctuation and dashes ignored; ``X++`` differs from ``X``);
* **abstract** — when the listing has one: the share of word pairs (bigrams) of the shorter
  abstract found in the other (a record's abstract counts for at least half the listed one).
  Versions of one abstract share most pairs even when sentences were reworded; two papers on the
  same topic share few;
* **author count and date** — when the listing gives them: small adjustments of the score and a
  note in the reason, never decisive alone (versions add authors; listings date v1 or the day).

Decision (thresholds and the evidence that set them: docs/matching.md):

* with an abstract, a candidate is *strong* when its abstract is the same text
  (≥ ``ABSTRACT_IDENTICAL``, whatever the title became), or agrees (≥ ``ABSTRACT_SAME``) with a
  related title (≥ ``TITLE_RELATED``), or its title agrees (≥ ``TITLE_SAME``) and its abstract
  is a rewording (≥ ``ABSTRACT_REWORDED``);
* without an abstract, a record whose title equals the listed one (normalised) is strong even
  when other records' titles contain it as other papers' names do (``X++``, ``A Survey on X``),
  but not when one keeps it or its head before a new subtitle (``X: Revisited``, ``Head:
  Another Tail``: perhaps the paper itself, retitled);
  otherwise a candidate is strong when its title agrees (≥ ``TITLE_SAME``) and no other comes
  close (≥ ``TITLE_CLOSE``, or a title containing the listed one). Two records with one title
  and nothing else to tell them apart is ``ambiguous``, never a guess;
* with an abstract, two strong candidates are told apart when exactly one title agrees
  (≥ ``TITLE_SAME``) and the others' do not (< ``TITLE_CLOSE``);
* exactly one strong candidate is ``matched``; two or more are ``ambiguous``; none, but a
  plausible one, is ``ambiguous`` (below the bar, candidates listed); nothing plausible is
  ``unmatched``.
"""

from __future__ import annotations

import datetime as dt
import functools

from rapidfuzz import fuzz

from zotbridge.models import ArxivRecord, Candidate, ListedPaper, Match
from zotbridge.normalize import normalize_title

TITLE_SAME = 0.97
TITLE_CLOSE = 0.95
TITLE_CONTAINED = 0.99
TITLE_RELATED = 0.50
TITLE_PLAUSIBLE = 0.80
ABSTRACT_IDENTICAL = 0.90
ABSTRACT_SAME = 0.60
ABSTRACT_REWORDED = 0.30
ABSTRACT_PLAUSIBLE = 0.30
DATE_AGREES_DAYS = 45
MAX_CANDIDATES = 5


def title_similarity(listed: str, record: str) -> float:
    return fuzz.ratio(normalize_title(listed), normalize_title(record)) / 100


def title_relatedness(listed: str, record: str) -> float:
    """Share of the listed title's words found in the record's title: 1.0 when the record's
    title contains the listed one (``Find Central Dogma Again`` in ``Find Central Dogma Again:
    Leveraging Multilingual …``, or ``X`` in ``X++``), but not the other way round."""
    words = set(normalize_title(listed).split())
    return len(words & set(normalize_title(record).split())) / len(words) if words else 0.0


@functools.lru_cache(maxsize=8192)  # a batch scores each record against up to 100 listed papers
def _bigrams(text: str) -> frozenset[tuple[str, str]]:
    words = normalize_title(text).split()
    return frozenset(zip(words, words[1:]))


def abstract_similarity(listed: str, record: str) -> float:
    """Share of the shorter abstract's word pairs found in the other (a listing may cut an
    abstract short) — but a record's abstract counts for at least half of the listed one's pairs,
    so that a short abstract made of one of the listed sentences is not "the same text"."""
    a, b = _bigrams(listed), _bigrams(record)
    if not a or not b:
        return 0.0
    return len(a & b) / max(min(len(a), len(b)), len(a) // 2)


def _date_days(paper: ListedPaper, record: ArxivRecord) -> int | None:
    if not paper.date:
        return None
    try:
        listed = dt.date.fromisoformat(paper.date)
        published = dt.datetime.fromisoformat(record.published).date()
    except ValueError:
        return None
    return abs((listed - published).days)


def score(paper: ListedPaper, record: ArxivRecord) -> Candidate:
    """The evidence for one record, as a candidate with a 0–1 score and a short explanation."""
    title = title_similarity(paper.title, record.title) if paper.title else 0.0
    abstract = abstract_similarity(paper.abstract, record.abstract) if paper.abstract else None
    value = title if abstract is None else 0.4 * title + 0.6 * abstract
    why = [f"title {title:.2f}"]
    if abstract is not None:
        why.append(f"abstract {abstract:.2f}")
    if paper.authors_count:
        agrees = paper.authors_count == len(record.authors)
        value += 0.03 if agrees else -0.03
        why.append(f"{len(record.authors)} authors" + ("" if agrees else f" (listed {paper.authors_count})"))
    days = _date_days(paper, record)
    if days is not None:
        agrees = days <= DATE_AGREES_DAYS
        value += 0.02 if agrees else -0.02
        why.append(f"v1 {record.published[:10]}" + ("" if agrees else f" (listed {paper.date})"))
    related = title_relatedness(paper.title, record.title) if paper.title else 0.0
    return Candidate(
        record.arxiv_id, record.title, max(0.0, min(1.0, value)), title, abstract, ", ".join(why), related
    )


def _strong_with_abstract(c: Candidate) -> bool:
    if c.abstract_similarity is None:
        return False
    return (
        c.abstract_similarity >= ABSTRACT_IDENTICAL
        or (c.abstract_similarity >= ABSTRACT_SAME and c.title_relatedness >= TITLE_RELATED)
        or (c.title_similarity >= TITLE_SAME and c.abstract_similarity >= ABSTRACT_REWORDED)
    )


def _plausible(c: Candidate) -> bool:
    if c.abstract_similarity is not None and c.abstract_similarity >= ABSTRACT_PLAUSIBLE:
        return True
    return c.title_similarity >= TITLE_PLAUSIBLE or c.title_relatedness >= TITLE_CONTAINED


def _told_apart_by_title(strong: list[Candidate]) -> Candidate | None:
    """Among several strong candidates, the one whose title agrees when every other's does not
    (two records with the same abstract text, e.g. a paper submitted twice under two titles)."""
    agreeing = [c for c in strong if c.title_similarity >= TITLE_SAME]
    if len(agreeing) == 1 and all(c.title_similarity < TITLE_CLOSE for c in strong if c is not agreeing[0]):
        return agreeing[0]
    return None


def _title_only_strong(
    paper: ListedPaper, plausible: list[Candidate], candidates: list[Candidate]
) -> tuple[list[Candidate], str]:
    """Strong candidates without an abstract, or a reason the paper is ambiguous.

    A record whose title *equals* the listed one (after normalisation) is the paper even when
    other records' titles contain it as another paper's name does (``X++``, ``A Survey on X``).
    A title that keeps the listed one, or its head, before a new subtitle (``X: Revisited``,
    ``Head: Another Subtitle``) may be the paper itself, retitled in a later version (arXiv
    searches only current titles), so it still competes. Two
    records with equal titles, or a near-identical title a typo away, leave nothing to tell them
    apart."""
    key = normalize_title(paper.title or "")
    head = title_head(paper.title or "")
    equal = [c for c in plausible if normalize_title(c.title) == key]
    rivals = [
        c
        for c in candidates
        if c not in equal
        and (
            (c.title_similarity >= TITLE_CLOSE and c.title_relatedness < TITLE_CONTAINED)
            or title_head(c.title) in (key, head or None)
        )
    ]
    if len(equal) > 1:
        return (
            [],
            f"{len(equal)} arXiv records have exactly this title, and the listing has no abstract to tell them apart",
        )
    if equal and not rivals:
        return equal, ""
    if equal:
        base_reason = f"{len(rivals) + 1} arXiv records have this title or extend it"
        return [], (
            f"{base_reason} ({', '.join(c.arxiv_id for c in rivals[:3])}: perhaps this paper, "
            "retitled after v1), and the listing has no abstract to tell them apart"
        )
    close = [
        c for c in plausible if c.title_similarity >= TITLE_CLOSE or c.title_relatedness >= TITLE_CONTAINED
    ]
    if len(close) > 1:
        return [], (
            f"{len(close)} arXiv records have this title or one close to it, and the listing has no "
            "abstract to tell them apart"
        )
    return [c for c in close if c.title_similarity >= TITLE_SAME], ""


def title_head(title: str) -> str:
    """The comparison key of a title's part before its colon (``GenSim`` of ``GenSim: …``), or
    "" when it has none: a later version may keep the head and change the rest."""
    head, colon, _ = title.partition(":")
    return normalize_title(head) if colon and normalize_title(head) else ""


def needs_head_check(paper: ListedPaper, match: Match) -> bool:
    """A title-only match that won over records containing its title, for a title with a head:
    before it is kept, the records sharing the head are fetched (one may be the paper itself,
    retitled after v1, while another paper carries its old title)."""
    return bool(
        not paper.abstract
        and match.status == "matched"
        and title_head(paper.title or "")
        and any(
            c.title_relatedness >= TITLE_CONTAINED and c.arxiv_id != match.arxiv_id for c in match.candidates
        )
    )


def decide(paper: ListedPaper, records: list[ArxivRecord]) -> Match:
    """The decision for one listed paper among candidate records (any number, any order)."""
    unique = {r.arxiv_id: r for r in records}
    candidates = sorted((score(paper, r) for r in unique.values()), key=lambda c: (-c.score, c.arxiv_id))
    plausible = [c for c in candidates if _plausible(c)]
    shown = plausible[:MAX_CANDIDATES]
    base = Match(index=paper.index, title=paper.title, status="unmatched", candidates=shown)
    if not plausible:
        base.reason = "no arXiv record with a similar title" + (" or abstract" if paper.abstract else "")
        return base
    if paper.abstract:
        strong = [c for c in plausible if _strong_with_abstract(c)]
        if len(strong) > 1 and (chosen := _told_apart_by_title(strong)):
            strong = [chosen]
    else:
        strong, why_not = _title_only_strong(paper, plausible, candidates)
        if why_not:
            base.status, base.score, base.reason = "ambiguous", plausible[0].score, why_not
            return base
    if len(strong) == 1:
        best = strong[0]
        return Match(
            index=paper.index,
            title=paper.title,
            status="matched",
            arxiv_id=best.arxiv_id,
            score=best.score,
            candidates=[best] + [c for c in shown if c is not best][: MAX_CANDIDATES - 1],
            record=unique[best.arxiv_id],
        )
    base.status, base.score = "ambiguous", plausible[0].score
    if strong:
        base.reason = f"{len(strong)} records fit equally well ({', '.join(c.arxiv_id for c in strong[:3])})"
    else:
        base.reason = f"best candidate is below the bar ({plausible[0].why})"
    return base
