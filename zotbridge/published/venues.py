"""What kind of venue a record is, from what DBLP and Semantic Scholar write
(docs/published.md rule 4).

Only ``conference-main``, ``findings``, ``journal`` and ``datasets-track`` upgrade a preprint;
a ``workshop`` does so only when the user allows it (many workshops are non-archival), and keeps
its workshop title: it is never renamed to the main conference. A preprint host is never a
published version, whatever else the record claims: Semantic Scholar marks arXiv-only papers as
``JournalArticle`` and gives CoRR keys next to a conference venue.
"""

from __future__ import annotations

import re

from zotbridge.models import VenueClass

ACCEPTED: tuple[VenueClass, ...] = ("conference-main", "findings", "journal", "datasets-track")
PREPRINT_HOSTS = re.compile(
    r"\b(?:arxiv(?:\.org)?|corr|biorxiv|medrxiv|chemrxiv|ssrn|preprints?|openreview\.net/(?:public_article|archive))\b",
    re.I,
)
_WORKSHOP = re.compile(r"\bworkshops?\b|\(workshop\)|workshop@", re.I)
_WORKSHOP_ACRONYM = re.compile(r"^[A-Z]{3,}W(?:\b|\s|$)")  # CVPRW, ICCVW
_SUBMITTED = re.compile(r"\bsubmitted to\b|\bunder review\b", re.I)
DBLP_TYPES: dict[str, VenueClass] = {
    "Journal Articles": "journal",
    "Conference and Workshop Papers": "conference-main",
    "Informal and Other Publications": "preprint",
    "Informal Publications": "preprint",
    "Parts in Books or Collections": "thesis-book",
    "Books and Theses": "thesis-book",
    "Editorship": "thesis-book",
    "Reference Works": "thesis-book",
    "Data and Artifacts": "unknown",
}


def dblp_class(key: str, dblp_type: str, venue: str, container: str = "", url: str = "") -> VenueClass:
    """The class of a DBLP record from its key, type, short venue and long booktitle or journal."""
    kind = DBLP_TYPES.get(dblp_type, "unknown")
    if (
        venue.strip() == "CoRR"
        or _SUBMITTED.search(container)
        or (is_corr_key(key) and kind != "conference-main")
    ):
        return "preprint"  # early ICLR papers are conference records under a journals/corr/ key
    if kind in ("preprint", "thesis-book", "unknown"):
        return kind
    text = f"{venue} {container}"
    if "findings" in text.lower():
        return "findings"
    if (
        _WORKSHOP.search(venue)
        or _WORKSHOP_ACRONYM.match(venue)
        or re.search(r"\bworkshops?\b", container, re.I)
    ):
        return "workshop"
    if "Datasets_and_Benchmarks" in url or re.search(r"datasets and benchmarks", container, re.I):
        return "datasets-track"
    return kind


def is_preprint_venue(venue: str, doi: str | None = None) -> bool:
    """A venue string (Semantic Scholar's, an arXiv journal reference) naming a preprint host or a
    submission ("Submitted to ICLR 2025": OpenReview's, no acceptance), or a DOI of arXiv's own
    (10.48550)."""
    return bool(PREPRINT_HOSTS.search(venue) or _SUBMITTED.search(venue)) or (doi or "").lower().startswith(
        "10.48550/"
    )


def is_corr_key(key: str) -> bool:
    return key.startswith("journals/corr/")


def accepted(kind: VenueClass, allow_workshop: bool = False) -> bool:
    return kind in ACCEPTED or (allow_workshop and kind == "workshop")


def entry_type(kind: VenueClass) -> str:
    """BibTeX's type of a published version: journals are articles, the rest proceedings."""
    return "article" if kind == "journal" else "inproceedings"
