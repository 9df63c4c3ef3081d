"""Plain records shared by every stage of the pipeline.

They carry data only: no I/O, no behaviour beyond trivial derived views, so that any stage
(and any test) can build one by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, get_args

# The vocabularies of the pipeline: what a value may be, and the tuple of them for option choices.
ListingFormat = Literal["auto", "hf", "ids", "titles", "bibtex", "csv", "tsv", "jsonl"]
FORMATS: tuple[ListingFormat, ...] = get_args(ListingFormat)
RecordSource = Literal["auto", "api", "index"]  # where papers are resolved: index then API, API, index only
SOURCES: tuple[RecordSource, ...] = get_args(RecordSource)
BibStyle = Literal["bibtex", "biblatex"]
STYLES: tuple[BibStyle, ...] = get_args(BibStyle)
MatchStatus = Literal["matched", "ambiguous", "unmatched", "error"]
PushAction = Literal["create", "update", "restored", "unchanged", "skip", "failed"]
PdfMode = Literal["stored", "linked", "none"]  # push --pdf: Zotero's own "Preprint PDF", a link, nothing
PDF_MODES: tuple[PdfMode, ...] = get_args(PdfMode)
# A paper's PDF in a push: attach a stored file (create), it is there already (exists), attach a link
# (linked), nothing to do (skip), or it could not be attached (failed).
PdfAction = Literal["create", "exists", "linked", "skip", "failed"]


@dataclass
class ReadOptions:
    """How to read listings (the options of every command that reads them)."""

    format: ListingFormat = "auto"  # "auto" detects per file
    encoding: str | None = None  # None: UTF-8, or what a byte-order mark says
    listing_year: int | None = None  # year of a Hugging Face page's yearless dates
    today: dt.date | None = None  # for the year rule; None is today's date


class Progress(Protocol):
    """A progress reporter: called with a phase's total (and its label, when the phase may or may
    not happen), it gives the function that advances the phase's bar: ``tick(steps)``, or
    ``tick(steps, "3.2 MB, waiting 3 s")`` with a short text to show beside it. A command with
    several phases (push) calls it once per phase."""

    def __call__(self, total: int, label: str | None = None) -> Callable[..., None]: ...


@dataclass
class ListedPaper:
    """One paper as the user listed it, before anything was resolved.

    ``kind`` says what the entry held: ``hf_listing`` (title + abstract from a Hugging Face
    page), ``title``, ``arxiv_id``, ``doi`` (from a line of text), or the structured input it
    came from (``bibtex``, ``csv``, ``tsv``, ``jsonl``).
    """

    source: str  # "path:line" of the entry's first line
    kind: str
    title: str | None = None
    abstract: str | None = None
    arxiv_id: str | None = None  # bare id, no version: "2410.10636", "hep-th/9901001"
    arxiv_version: int | None = None  # the version the input named, if any
    doi: str | None = None  # a non-arXiv DOI (journal DOI) when the input carried one
    authors: list[str] = field(default_factory=list)  # "Last, First" when known
    authors_count: int | None = None
    date: str | None = None  # ISO "YYYY-MM-DD" when the input gave a day
    year: int | None = None
    year_inferred: bool = False  # the page omitted the year; see docs/listings.md
    upvotes: int | None = None
    citation_key: str | None = None  # the key of a BibTeX input entry
    index: int = -1  # 0-based position across all inputs
    duplicate_of: int | None = None  # index of the first occurrence of the same paper

    def to_json(self) -> dict[str, Any]:
        """The ``parse --json`` object (contract keys first, extras after)."""
        data = asdict(self)
        ordered = {
            key: data.pop(key)
            for key in (
                "index",
                "source",
                "kind",
                "title",
                "abstract",
                "arxiv_id",
                "authors_count",
                "date",
                "duplicate_of",
            )
        }
        ordered.update(data)
        return ordered


@dataclass
class ArxivRecord:
    """An arXiv paper as the API served it (the latest version unless a version was asked)."""

    arxiv_id: str  # bare: "2410.10636"
    version: int
    title: str  # as arXiv has it: may hold LaTeX such as $\infty$; white space folded
    abstract: str
    authors: list[str]  # "First Last", in order
    published: str  # ISO 8601, submission of version 1
    updated: str  # ISO 8601, submission of the served version
    primary_category: str
    categories: list[str] = field(default_factory=list)
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None  # a journal DOI; every paper also has 10.48550/arXiv.<id>


@dataclass
class SearchPage:
    """One answer of an arXiv search: the records that came back and what the server said.

    ``total`` is ``opensearch:totalResults``: more than ``len(records)`` means the answer was
    cut at ``max_results`` (a common phrase can have thousands of hits). ``suspect`` marks an
    answer with no record at all that a second ask confirmed: real, or a soft failure arXiv
    repeated; decisions drawn from it are never stored."""

    records: list[ArxivRecord]
    total: int
    suspect: bool = False

    @property
    def truncated(self) -> bool:
        return self.total > len(self.records)


@dataclass
class IdAnswer:
    """Records of asked ids (keys as asked); ``unsure`` holds ids whose answer held no record at
    all, twice: absent, or a soft failure arXiv repeated — not proof that the id does not exist."""

    found: dict[str, ArxivRecord] = field(default_factory=dict)
    unsure: set[str] = field(default_factory=set)

    def get(self, asked: str) -> ArxivRecord | None:
        return self.found.get(asked)


@dataclass
class Candidate:
    """A record considered for a listed paper, with the evidence the matcher weighed."""

    arxiv_id: str
    title: str
    score: float
    title_similarity: float
    abstract_similarity: float | None = None
    why: str = ""
    title_relatedness: float = 0.0


@dataclass
class Match:
    """The matcher's decision for one listed paper (``match --json`` contract)."""

    index: int
    title: str | None
    status: MatchStatus
    arxiv_id: str | None = None  # bare; None unless matched
    score: float = 0.0
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""
    record: ArxivRecord | None = None  # always set when matched

    def __post_init__(self) -> None:
        if self.status == "matched" and (self.record is None or self.record.arxiv_id != self.arxiv_id):
            raise ValueError(f"a matched decision needs its record ({self.arxiv_id})")

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "title": self.title,
            "status": self.status,
            "arxiv_id": self.arxiv_id,
            "score": round(self.score, 4),
            "candidates": [
                {"arxiv_id": c.arxiv_id, "title": c.title, "score": round(c.score, 4)}
                for c in self.candidates
            ],
            "reason": self.reason,
        }


@dataclass
class BibEntry:
    """A BibTeX entry as zotbridge writes it: field values are BibTeX text (escaped, braced where
    case matters) without their outer delimiters, in output order."""

    entry_type: str  # "misc", "online"
    key: str
    fields: dict[str, str] = field(default_factory=dict)


class CandidateSource(Protocol):
    """Where records come from: the arXiv API client or the offline index (same answers)."""

    def fetch_ids(self, ids: list[str], on_batch: Callable[[int], None] | None = None) -> IdAnswer: ...

    def search(self, query: str, max_results: int) -> SearchPage: ...


@dataclass(frozen=True)
class PdfFile:
    """One version's PDF as downloaded from arXiv and kept in the cache (``path``)."""

    arxiv_id: str
    version: int
    md5: str
    size: int
    path: Path

    @property
    def versioned_id(self) -> str:
        return f"{self.arxiv_id}v{self.version}"


@dataclass
class CiteItem:
    """What a citation key is computed from: a Zotero item as Zotero stores it (Better BibTeX
    computes keys from the stored item, never from the source it was imported from)."""

    item_type: str
    creators: list[dict[str, str]]  # Zotero's: creatorType with firstName/lastName, or name
    title: str
    date: str  # as stored: "2019-05-24", "May 2019", …
    arxiv_id: str | None = None  # for zotbridge's own `eprint` term


@dataclass
class LibraryKeys:
    """The citation keys of a Zotero library: those pinned on arXiv papers' items, and every key
    any item holds (for collisions, compared without case)."""

    pinned: dict[str, str] = field(default_factory=dict)  # arXiv id -> the item's key
    taken: set[str] = field(default_factory=set)  # lower-case keys of every item


# A venue's kind (docs/published.md): only the accepted kinds ever upgrade a preprint.
VenueClass = Literal[
    "conference-main",
    "findings",
    "workshop",
    "journal",
    "datasets-track",
    "preprint",
    "thesis-book",
    "unknown",
]
# What `zotbridge published` concludes for a paper: a verified published version (applied with
# --apply), a plausible one that fails a rule (shown, never applied), none although every source
# answered, or unknown because a source failed (never reported as unpublished).
Verdict = Literal["published", "suggested", "preprint", "incomplete"]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)


@dataclass
class VenueRecord:
    """One source's record of a paper: a DBLP entry, a Semantic Scholar paper, an arXiv journal
    reference. ``fields`` holds the published version's BibTeX fields (booktitle or journal,
    pages, volume, number, publisher, editor, series, doi, url) as plain text."""

    source: str  # "dblp", "s2", "arxiv"
    ident: str  # the source's id of the record: a DBLP key, an S2 paperId, an arXiv id
    title: str
    authors: list[str]  # "First Last", in order
    year: int | None
    venue: str  # the source's short venue: "NeurIPS", "ICLR (Workshop)", "CoRR"
    venue_class: VenueClass = "unknown"
    entry_type: str | None = None  # "inproceedings" | "article" for a published version
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class PublishedCheck:
    """The verdict on one arXiv paper, with the records that decided it and why."""

    arxiv_id: str
    verdict: Verdict
    reason: str
    record: VenueRecord | None = None  # the published (or suggested) version
    sources: list[dict[str, str]] = field(default_factory=list)  # [{source, id}] that decided
    checked_at: float = 0.0  # when the sources were asked (seconds since the epoch)
    complete: bool = True  # every source asked answered (else only a published verdict is kept)
