"""What Semantic Scholar's batch answer says about a preprint: a nomination, never a verdict.

S2 looks up 500 arXiv ids in one request, but its records are noisy
(docs/published.md): arXiv-only papers carry ``venue`` "arXiv.org" and
``publicationTypes: ["JournalArticle"]``; ``externalIds.DBLP`` may be the CoRR key next to a
conference ``venue``; ``externalIds.DOI`` may be arXiv's own. So S2 only points at where to look —
a DBLP key that is not CoRR's, a publisher DOI, or a venue that is not a preprint host — and the
record that decides is DBLP's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zotbridge.published.venues import is_corr_key, is_preprint_venue

BATCH = 500  # ids per POST /paper/batch (the API's limit)
ACL_DOI = "10.18653/v1/"  # the ACL Anthology's DOIs: this prefix and the anthology id
FIELDS = "title,authors,year,venue,publicationVenue,externalIds,journal,publicationTypes,publicationDate"


@dataclass
class Nomination:
    """Where S2 says a published version may be."""

    paper_id: str
    dblp_key: str | None  # a DBLP key that is not a CoRR one
    doi: str | None  # a DOI that is not arXiv's
    venue: str  # S2's venue when it is not a preprint host, else ""
    acl_id: str | None = None  # an ACL Anthology id ("2023.acl-long.12", "P19-1001")

    @property
    def promising(self) -> bool:
        return bool(self.dblp_key or self.doi or self.venue or self.acl_id)


def nomination(paper: dict[str, Any]) -> Nomination:
    ids = paper.get("externalIds") or {}
    dblp = ids.get("DBLP") or None
    doi = ids.get("DOI") or None
    venue = (paper.get("venue") or "").strip()
    journal = ((paper.get("journal") or {}).get("name") or "").strip()
    if not venue and journal and not is_preprint_venue(journal):
        venue = journal
    acl = ids.get("ACL") or (doi[len(ACL_DOI) :] if doi and doi.lower().startswith(ACL_DOI) else None)
    return Nomination(
        paper_id=str(paper.get("paperId") or ""),
        dblp_key=dblp if dblp and not is_corr_key(dblp) else None,
        doi=doi if doi and not is_preprint_venue("", doi) else None,
        venue="" if is_preprint_venue(venue) else venue,
        acl_id=acl or None,
    )
