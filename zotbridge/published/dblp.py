"""DBLP's answers read into :class:`VenueRecord` s, and the search a paper needs.

Shapes from docs/published.md (dblp FAQ; captured responses): every number
is a string; one hit, one author or one venue is an object or a string where several are a list;
no hits means ``hits`` without ``hit``; titles end with "." and carry HTML entities; homonyms are
numbered ("Alexey Karpov 0001"). A title alone can miss a popular paper among 100 capped hits, so
the search always adds the first author's surname (zotero-arxiv-workflow's lesson). The per-record
``.bib`` (``/rec/<key>.bib?param=1``) has the long booktitle a citation needs.
"""

from __future__ import annotations

import html
import re
from typing import Any

import bibtexparser
from bibtexparser.bparser import BibTexParser

from zotbridge.models import VenueRecord
from zotbridge.published.rules import STOP_WORDS, plain, surnames
from zotbridge.published.venues import dblp_class, entry_type

SEARCH_HITS = 30  # DBLP caps h at 100; with the surname a paper is among the first few
SEARCH_PAGES = 3  # pages read (by @sent) while no hit passes: a prolific author's common words
QUERY_WORDS = 6  # title words in a query: every term must match, so fewer survive a drifted title
# Fields of DBLP's .bib that a published entry keeps; timestamp, biburl and bibsource are DBLP's
# own housekeeping.
KEPT_FIELDS = (
    "booktitle",
    "journal",
    "editor",
    "series",
    "volume",
    "number",
    "pages",
    "publisher",
    "doi",
    "url",
)
_HOMONYM = re.compile(r"\s+\d{4}$")
# A DBLP key's stream -> the venue's usual short name, for a record read by key without a search hit
# (conf/nips/… is NeurIPS since 2018; DBLP's own search shows "NeurIPS").
STREAMS = {
    "nips": "NeurIPS",
    "iclr": "ICLR",
    "icml": "ICML",
    "cvpr": "CVPR",
    "iccv": "ICCV",
    "eccv": "ECCV",
    "acl": "ACL",
    "emnlp": "EMNLP",
    "naacl": "NAACL",
    "eacl": "EACL",
    "coling": "COLING",
    "aaai": "AAAI",
    "ijcai": "IJCAI",
    "kdd": "KDD",
    "www": "WWW",
    "sigir": "SIGIR",
    "aistats": "AISTATS",
    "uai": "UAI",
    "colt": "COLT",
    "corl": "CoRL",
    "icra": "ICRA",
    "iros": "IROS",
    "interspeech": "INTERSPEECH",
    "icassp": "ICASSP",
    "miccai": "MICCAI",
    "tmlr": "Trans. Mach. Learn. Res.",
    "jmlr": "J. Mach. Learn. Res.",
}
MARKS = {"findings": " (Findings)", "workshop": " (Workshop)", "datasets-track": " (Datasets and Benchmarks)"}


def search_query(title: str, first_author: str) -> str:
    """The title's first distinctive words and the first author's surname: DBLP prefix-matches
    every term and needs them all."""
    words = [w for w in re.findall(r"[a-z0-9]+", plain(title)) if w not in STOP_WORDS and len(w) > 1]
    family = sorted(surnames(first_author), key=len)
    return " ".join(words[:QUERY_WORDS] + family[:1])


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    return html.unescape(value.get("text", "") if isinstance(value, dict) else str(value))


def author_name(name: str) -> str:
    return _HOMONYM.sub("", name).strip()


def more_hits(answer: dict[str, Any]) -> int | None:
    """Where the next page starts when DBLP found more than it sent (``@first`` + ``@sent`` <
    ``@total``), else None."""
    hits = answer.get("result", {}).get("hits", {})
    try:
        first, sent, total = int(hits.get("@first", 0)), int(hits.get("@sent", 0)), int(hits.get("@total", 0))
    except (TypeError, ValueError):
        return None
    return first + sent if sent and first + sent < total else None


def hits_of(answer: dict[str, Any]) -> list[VenueRecord]:
    """The records of one search answer, in DBLP's order."""
    hits = answer.get("result", {}).get("hits", {})
    records = []
    for hit in _listed(hits.get("hit")):
        info = hit.get("info", {})
        key = info.get("key", "")
        venue = ", ".join(_text(v) for v in _listed(info.get("venue")))
        authors = [author_name(_text(a)) for a in _listed((info.get("authors") or {}).get("author"))]
        year = info.get("year")
        fields = {name: _text(info[name]) for name in ("volume", "number", "pages", "doi") if info.get(name)}
        url = _text(info.get("ee", "")) if not isinstance(info.get("ee"), list) else _text(info["ee"][0])
        if url:
            fields["url"] = url
        kind = dblp_class(key, _text(info.get("type", "")), venue, url=url)
        records.append(
            VenueRecord(
                source="dblp",
                ident=key,
                title=_text(info.get("title", "")).rstrip("."),
                authors=authors,
                year=int(year) if str(year or "").isdigit() else None,
                venue=venue,
                venue_class=kind,
                entry_type=entry_type(kind),
                fields=fields,
            )
        )
    return records


def from_bibtex(key: str, text: str, hit: VenueRecord | None = None) -> VenueRecord:
    """The record of DBLP's ``.bib`` of ``key``: the long booktitle or journal, editors, publisher
    and the rest, as BibTeX text with DBLP's braces kept and white space folded. ``hit`` is the
    search hit it came from, if any (its short venue and type)."""
    parser = BibTexParser(common_strings=True)
    parser.ignore_nonstandard_types = False
    entries = bibtexparser.loads(text, parser=parser).entries
    if not entries:
        raise ValueError(f"DBLP's .bib of {key} holds no entry")
    entry = entries[0]
    fields = {name: " ".join(entry[name].split()) for name in KEPT_FIELDS if entry.get(name)}
    stream = key.split("/")[1] if key.count("/") >= 2 else ""
    dblp_type = {"article": "Journal Articles", "inproceedings": "Conference and Workshop Papers"}.get(
        entry["ENTRYTYPE"].lower(), "Informal and Other Publications"
    )
    if fields.get("journal") == "CoRR":
        dblp_type = "Informal and Other Publications"
    container = fields.get("booktitle") or fields.get("journal", "")
    if hit:
        venue = hit.venue
    elif dblp_type == "Journal Articles":
        venue = fields.get("journal", "").replace("{", "").replace("}", "")
    else:
        venue = STREAMS.get(stream, stream.upper())
    kind = dblp_class(key, dblp_type, venue, container, fields.get("url", ""))
    if not hit:
        venue += MARKS.get(kind, "")
    authors = re.split(r"\s+and\s+", " ".join(entry.get("author", "").split()))
    year = entry.get("year", "")
    return VenueRecord(
        source="dblp",
        ident=key,
        title=" ".join(entry.get("title", "").split()).rstrip("."),
        authors=[author_name(a) for a in authors if a],
        year=int(year) if year.isdigit() else (hit.year if hit else None),
        venue=venue,
        venue_class=kind,
        entry_type=entry_type(kind),
        fields=fields,
    )
