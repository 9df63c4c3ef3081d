"""Plain records shared by every stage of the pipeline.

They carry data only: no I/O, no behaviour beyond trivial derived views, so that any stage
(and any test) can build one by hand.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


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

    def to_json(self) -> dict:
        """The ``parse --json`` object (contract keys first, extras after)."""
        data = asdict(self)
        ordered = {
            key: data.pop(key)
            for key in (
                "index", "source", "kind", "title", "abstract", "arxiv_id",
                "authors_count", "date", "duplicate_of",
            )
        }
        ordered.update(data)
        return ordered
