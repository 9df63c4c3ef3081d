"""The BibTeX entry of an arXiv record, in the shape each bibliography system reads.

* ``bibtex`` (natbib/plainnat, IEEEtran, any classic ``.bst``): ``@misc`` with arXiv's
  recommended ``eprint``/``archivePrefix``/``primaryClass`` triple, the DataCite DOI, the abs
  URL and ``howpublished = {arXiv:ID [cat]}`` — classic styles ignore eprint fields, so without
  ``howpublished`` the id would only show inside the URL. LaTeX escapes for non-ASCII text.
* ``biblatex`` (biber): ``@online`` with ``eprinttype``/``eprintclass`` (biblatex prints
  "arXiv: ID [cat]" and links it), ``date`` of the version, UTF-8 text.

Year and month (or date) are those of the **version served** (the latest, unless the listing
named a version): the date Zotero's arXiv import stores on the item, which Better BibTeX exports
and builds the key's year from — so an entry's year, its key's year and the Zotero item agree
(docs/bibtex.md). When arXiv
lists a journal reference, the entry stays a preprint entry (arXiv's free-text reference cannot
be split reliably into journal, volume and pages) and says ``note = {Published in …}``; a
journal DOI given by the authors replaces the DataCite DOI in ``doi``, as it names the version
of record. docs/bibtex.md shows both shapes.
"""

from __future__ import annotations

from zotbridge.bibtex.names import bibtex_name, split_name
from zotbridge.bibtex.tex import escape_text, title_value
from zotbridge.models import STYLES, ArxivRecord, BibEntry

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def arxiv_doi(arxiv_id: str) -> str:
    return f"10.48550/arXiv.{arxiv_id}"


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def entry_for(record: ArxivRecord, key: str, style: str = "bibtex") -> BibEntry:
    """The entry zotbridge writes for ``record`` under ``key``."""
    if style not in STYLES:
        raise ValueError(f"unknown BibTeX style {style!r}")
    ascii_only = style == "bibtex"

    def escape(text: str) -> str:
        return escape_text(text, ascii_only)

    fields: dict[str, str] = {"title": title_value(record.title, ascii_only)}
    authors = [bibtex_name(split_name(name), escape) for name in record.authors if name.strip()]
    if authors:
        fields["author"] = " and ".join(authors)
    year, month, day = record.updated[:10].split("-")
    doi = record.doi or arxiv_doi(record.arxiv_id)
    if style == "bibtex":
        fields |= {
            "year": year,
            "month": MONTHS[int(month) - 1],
            "eprint": record.arxiv_id,
            "archivePrefix": "arXiv",
            "primaryClass": record.primary_category,
            "doi": escape(doi),  # plainnat prints doi as text
            "url": abs_url(record.arxiv_id),
            "howpublished": f"arXiv:{record.arxiv_id} [{record.primary_category}]",
        }
        entry_type = "misc"
    else:
        fields |= {
            "date": f"{year}-{month}-{day}",
            "eprint": record.arxiv_id,
            "eprinttype": "arxiv",
            "eprintclass": record.primary_category,
            "doi": doi,  # a verbatim field for biber: escapes would be printed
            "url": abs_url(record.arxiv_id),
        }
        entry_type = "online"
    if record.journal_ref:
        fields["note"] = "Published in " + escape(record.journal_ref)
    return BibEntry(entry_type, key, fields)


def render_entry(entry: BibEntry) -> str:
    """Deterministic text of an entry: two-space indent, ``name = {value}``, month as a macro."""
    lines = [f"@{entry.entry_type}{{{entry.key},"]
    items = list(entry.fields.items())
    for i, (name, value) in enumerate(items):
        rendered = value if name == "month" and value in MONTHS else "{" + value + "}"
        lines.append(f"  {name} = {rendered}" + ("," if i < len(items) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"
