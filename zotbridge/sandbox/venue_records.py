"""What the DBLP and Semantic Scholar emulators know: published records from a data file
(``sandbox/data/venues.json`` for the demo; tests add their own), and for every paper of the
arXiv corpus the records the real services keep of a preprint.

As the real services do (docs/published.md):

* DBLP has a **CoRR record** of every ``cs.*`` paper, never merged with its published version:
  type "Informal and Other Publications", venue "CoRR", key ``journals/corr/abs-YYMM-NNNNN``,
  volume ``abs/<id>``, DOI ``10.48550/ARXIV.<id>`` in capitals;
* Semantic Scholar has a record of every paper but the newest: an arXiv-only one says venue
  "arXiv.org", journal "ArXiv", ``publicationTypes: ["JournalArticle"]`` and the CoRR DBLP key;
  a published one carries the long venue name and, by the data file's ``s2``, the published DBLP
  key, only the CoRR key (its known trap), the DOI, the ACL Anthology id, or a bare venue text.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from zotbridge.sandbox.arxiv_corpus import Corpus, Paper

S2_VENUES = {  # DBLP's short venue -> Semantic Scholar's long normalised name
    "ICML": "International Conference on Machine Learning",
    "NeurIPS": "Neural Information Processing Systems",
    "NIPS": "Neural Information Processing Systems",
    "ICLR (Poster)": "International Conference on Learning Representations",
    "ICLR": "International Conference on Learning Representations",
    "EMNLP (Findings)": "Conference on Empirical Methods in Natural Language Processing",
    "CVPR Workshops": "2023 IEEE/CVF Conference on Computer Vision and Pattern Recognition Workshops (CVPRW)",
    "AAAI": "AAAI Conference on Artificial Intelligence",
    "ACL": "Annual Meeting of the Association for Computational Linguistics",
}


def demo_venues() -> Path:
    """The published versions of the demo corpus (``sandbox/data/venues.json``)."""
    return Path(str(resources.files("zotbridge.sandbox").joinpath("data/venues.json")))


ACL_DOI = "10.18653/v1/"
UNKNOWN_TO_S2_AFTER = datetime(2026, 3, 1, tzinfo=UTC)  # S2 has not caught up with the newest papers


@dataclass
class DblpRecord:
    key: str
    type: str
    title: str
    authors: list[str]
    venue: str
    year: int
    fields: dict[str, Any] = field(default_factory=dict)  # booktitle, journal, editor, pages, doi, url…

    @property
    def ee(self) -> str:
        doi = self.fields.get("doi")
        return f"https://doi.org/{doi}" if doi else str(self.fields.get("url", ""))


@dataclass
class VenueData:
    dblp: dict[str, DblpRecord] = field(default_factory=dict)  # by key
    s2: dict[str, dict[str, Any]] = field(default_factory=dict)  # by bare arXiv id
    crossref: dict[str, dict[str, Any]] = field(default_factory=dict)  # works by lower-case DOI
    acl: dict[str, DblpRecord] = field(default_factory=dict)  # ACL Anthology papers by anthology id

    @classmethod
    def build(cls, corpus: Corpus, *files: Path) -> VenueData:
        data = cls()
        for paper in corpus.papers.values():
            if any(c.startswith("cs.") for c in paper.categories):
                corr = _corr_record(paper)
                data.dblp[corr.key] = corr
            if paper.published < UNKNOWN_TO_S2_AFTER:
                data.s2[paper.arxiv_id] = _s2_preprint(paper)
        for path in files:
            for row in json.loads(Path(path).read_text(encoding="utf-8"))["records"]:
                data.add(row, corpus)
        return data

    def add(self, row: dict[str, Any], corpus: Corpus) -> None:
        """One record of a data file: in DBLP, in Crossref when it has a publisher's DOI, in the
        ACL Anthology when its DOI is one of the Anthology's (10.18653/v1/<id>); ``"only":
        "crossref"`` or ``"only": "acl"`` keeps it out of DBLP (a journal or a workshop DBLP does
        not index)."""
        paper = corpus.papers.get(row.get("arxiv", ""))
        if "key" in row:
            record = DblpRecord(
                key=row["key"],
                type=row["type"],
                title=row.get("title") or (paper.title if paper else ""),
                authors=row.get("authors") or (paper.authors if paper else []),
                venue=row["venue"],
                year=int(row["year"]),
                fields={
                    k: v
                    for k, v in row.items()
                    if k not in ("arxiv", "s2", "key", "type", "title", "authors", "venue", "year", "only")
                },
            )
            if row.get("only") not in ("crossref", "acl"):
                self.dblp[record.key] = record
            doi = str(record.fields.get("doi", ""))
            if doi and not doi.lower().startswith("10.48550/"):
                self.crossref[doi.lower()] = _crossref_work(record)
            if doi.lower().startswith(ACL_DOI):
                self.acl[doi[len(ACL_DOI) :].lower()] = record
        s2 = row.get("s2")
        if paper is None or not s2 or s2 == "none":
            return
        known = self.s2.setdefault(paper.arxiv_id, _s2_preprint(paper))
        if s2.startswith("venue:"):
            known["venue"] = s2.partition(":")[2]
            return
        if "key" not in row:
            raise ValueError(f"venue data: s2 {s2!r} for {paper.arxiv_id} needs the record's key")
        venue = S2_VENUES.get(
            record.venue, str(record.fields.get("journal", record.venue)).replace("{", "").replace("}", "")
        )
        known.update(venue=venue, year=record.year, publicationTypes=["JournalArticle", "Conference"])
        if s2 == "dblp":
            known["externalIds"]["DBLP"] = record.key
        if s2 == "acl" and str(record.fields.get("doi", "")).lower().startswith(ACL_DOI):
            known["externalIds"]["ACL"] = str(record.fields["doi"])[len(ACL_DOI) :].lower()
        if s2 == "doi" and record.fields.get("doi"):
            known["externalIds"]["DOI"] = record.fields["doi"]
            known["journal"] = {"name": venue, "volume": record.fields.get("volume", "")}


def _crossref_work(record: DblpRecord) -> dict[str, Any]:
    """A record as Crossref's REST API serves a work: lists for titles, date-parts, the page range
    with one hyphen, the DOI in lower case, JATS-free text."""
    journal = record.type == "Journal Articles"
    container = _plain(str(record.fields.get("journal" if journal else "booktitle", record.venue)))
    names = [a.rsplit(" ", 1) for a in record.authors]
    work: dict[str, Any] = {
        "DOI": str(record.fields["doi"]).lower(),
        "type": "journal-article" if journal else "proceedings-article",
        "title": [_plain(record.title)],
        "author": [
            {
                "given": n[0] if len(n) > 1 else "",
                "family": n[-1],
                "sequence": "first" if i == 0 else "additional",
            }
            for i, n in enumerate(names)
        ],
        "container-title": [container],
        "short-container-title": [record.venue],
        "issued": {"date-parts": [[record.year]]},
        "publisher": _plain(str(record.fields.get("publisher", ""))) or "Crossref member",
        "URL": f"https://doi.org/{str(record.fields['doi']).lower()}",
        "relation": {},
        "score": 1,
    }
    for name, key in (("volume", "volume"), ("number", "issue"), ("pages", "page")):
        if record.fields.get(name):
            work[key] = str(record.fields[name]).replace("--", "-")
    if not journal:
        work["event"] = {"name": container}
    return work


def _plain(text: str) -> str:
    return text.replace("{", "").replace("}", "")


def _corr_record(paper: Paper) -> DblpRecord:
    year = paper.published.year
    return DblpRecord(
        key=f"journals/corr/abs-{paper.arxiv_id.replace('.', '-')}",
        type="Informal and Other Publications",
        title=paper.title,
        authors=paper.authors,
        venue="CoRR",
        year=year,
        fields={
            "journal": "CoRR",
            "volume": f"abs/{paper.arxiv_id}",
            "doi": f"10.48550/ARXIV.{paper.arxiv_id}",
            "eprinttype": "arXiv",
            "eprint": paper.arxiv_id,
        },
    )


def paper_id(arxiv_id: str) -> str:
    """An S2 paperId: 40 hexadecimal digits."""
    return hashlib.sha1(f"s2:{arxiv_id}".encode()).hexdigest()


def _s2_preprint(paper: Paper) -> dict[str, Any]:
    corpus_id = int(hashlib.sha1(paper.arxiv_id.encode()).hexdigest()[:7], 16)
    return {
        "paperId": paper_id(paper.arxiv_id),
        "externalIds": {
            "ArXiv": paper.arxiv_id,
            "DBLP": f"journals/corr/abs-{paper.arxiv_id.replace('.', '-')}",
            "DOI": f"10.48550/arXiv.{paper.arxiv_id}",
            "CorpusId": corpus_id,
        },
        "corpusId": corpus_id,
        "title": paper.title,
        "authors": [
            {"authorId": str(int(hashlib.sha1(a.encode()).hexdigest()[:8], 16)), "name": a}
            for a in paper.authors
        ],
        "year": paper.published.year,
        "venue": "arXiv.org",
        "publicationVenue": {
            "id": "1901e811-ee72-4b20-8f7e-de08cd395a10",
            "name": "arXiv.org",
            "alternate_names": ["ArXiv"],
            "issn": "2331-8422",
            "url": "https://arxiv.org",
        },
        "journal": {"name": "ArXiv", "volume": f"abs/{paper.arxiv_id}"},
        "publicationTypes": ["JournalArticle"],
        "publicationDate": paper.published.date().isoformat(),
    }
