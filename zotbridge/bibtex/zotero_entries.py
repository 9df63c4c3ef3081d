"""A Zotero item as a BibTeX or BibLaTeX entry, mapped the way Better BibTeX maps it.

Entry types and fields follow Better BibTeX's translators (``translators/bibtex/bibtex.ts``,
``biblatex.ts``, ``entry.ts`` of retorquere/zotero-better-bibtex; docs/bibtex.md has the table):
journal articles are ``@article``, conference papers ``@inproceedings``, books ``@book``, book
sections ``@incollection`` (``@inbook`` with a book author), theses ``@phdthesis`` or
``@mastersthesis`` (BibLaTeX ``@thesis`` with its ``type``), reports ``@techreport`` (``@report``),
preprints ``@misc`` (``@online`` with ``pubstate = {prepublished}``), web pages, blog posts,
software and datasets ``@misc`` (``@online``, ``@software``, ``@dataset``), manuscripts
``@unpublished``; every other type ``@misc``. Field by field: ``publicationTitle`` → ``journal``
(``journaltitle``), proceedings or book title → ``booktitle``, ``publisher`` → ``school`` for a
thesis and ``institution`` for a report, ``place`` → ``address`` (``location``), ``issue`` and
report/archive numbers → ``number``, pages with ``--``, ``DOI`` without its resolver, tags →
``keywords``, ``abstractNote`` → ``abstract``, arXiv ids → ``eprint`` with ``archiveprefix`` and
``primaryclass`` (``eprinttype``/``eprintclass``). BibTeX gets no ``url`` (BBT's default), except
a web page's, as ``howpublished``; BibLaTeX gets ``url`` and ``urldate``.

Where zotbridge writes differently from BBT, it writes as its own arXiv entries do (entries.py):
titles are protected by zotbridge's rule rather than re-cased by citeproc's title caser, values
are always braced (``year = {2019}``), and there is no ``file`` field (the web API gives no local
paths) and no ``langid``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from zotbridge.bibtex.entries import MONTHS
from zotbridge.bibtex.formula import PRIMARY_CREATOR
from zotbridge.bibtex.tex import escape_text, title_value
from zotbridge.models import BibEntry, CiteItem

# Zotero item type -> (BibTeX type, BibLaTeX type)
ENTRY_TYPES = {
    "journalArticle": ("article", "article"),
    "magazineArticle": ("article", "article"),
    "newspaperArticle": ("article", "article"),
    "conferencePaper": ("inproceedings", "inproceedings"),
    "book": ("book", "book"),
    "bookSection": ("incollection", "incollection"),
    "thesis": ("phdthesis", "thesis"),
    "report": ("techreport", "report"),
    "preprint": ("misc", "online"),
    "manuscript": ("unpublished", "unpublished"),
    "webpage": ("misc", "online"),
    "blogPost": ("misc", "online"),
    "forumPost": ("misc", "online"),
    "presentation": ("misc", "unpublished"),
    "dataset": ("misc", "dataset"),
    "computerProgram": ("misc", "software"),
    "document": ("misc", "misc"),
    "patent": ("patent", "patent"),
}
NOT_ENTRIES = ("attachment", "note", "annotation")
_ARXIV_EXTRA = re.compile(r"^arXiv:\s*(\S+?)(?:v\d+)?(?:\s+\[([^\]]+)\])?\s*$", re.MULTILINE)
_ARXIV_NUMBER = re.compile(r"^arXiv:(\S+)$", re.IGNORECASE)
_MASTERS = re.compile(r"^(ma|master|masters|master's|mphil|msc)\b", re.IGNORECASE)


def cite_item_of(data: dict[str, Any]) -> CiteItem:
    """What a key is computed from, for a Zotero item."""
    return CiteItem(
        item_type=data.get("itemType", ""),
        creators=list(data.get("creators", [])),
        title=" ".join((data.get("title") or "").split()),
        date=data.get("date") or "",
        arxiv_id=arxiv_of(data)[0],
    )


def arxiv_of(data: dict[str, Any]) -> tuple[str | None, str | None]:
    """(arXiv id, primary category) from Extra's ``arXiv:`` line or an ``arXiv:…`` archive id."""
    m = _ARXIV_EXTRA.search(data.get("extra") or "")
    if m:
        return m.group(1), m.group(2)
    number = _ARXIV_NUMBER.match(data.get("archiveID") or data.get("number") or "")
    return (number.group(1), None) if number else (None, None)


def doi_of(data: dict[str, Any]) -> str | None:
    doi = (data.get("DOI") or "").strip()
    m = re.search(r"^DOI:\s*(10\.\S+)$", data.get("extra") or "", re.MULTILINE | re.IGNORECASE)
    doi = doi or (m.group(1) if m else "")
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", doi, flags=re.IGNORECASE) or None


def item_entry(data: dict[str, Any], key: str, style: str = "bibtex") -> BibEntry:
    """The entry of one Zotero item (its ``data`` object, as the web API gives it)."""
    bibtex = style == "bibtex"
    item_type = data.get("itemType", "document")

    def text(value: str) -> str:
        return escape_text(value, bibtex)

    def get(name: str) -> str:
        return str(data.get(name) or "").strip()

    entry_type = _entry_type(data, bibtex)
    fields: dict[str, str] = {}
    if get("title"):
        fields["title"] = title_value(get("title"), bibtex)
    if get("shortTitle") and get("shortTitle") != get("title"):
        fields["shorttitle"] = title_value(get("shortTitle"), bibtex)
    container = get("proceedingsTitle") or get("bookTitle")
    if container or (item_type == "conferencePaper" and get("conferenceName")):
        fields["booktitle"] = title_value(container or get("conferenceName"), bibtex)
    fields |= _names(data, entry_type, bibtex, text)
    fields |= _date(get("date"), bibtex, text)
    journal = get("publicationTitle")
    if journal:
        fields["journal" if bibtex else "journaltitle"] = text(journal)
        if not bibtex and get("journalAbbreviation"):
            fields["shortjournal"] = text(get("journalAbbreviation"))
    site = get("websiteTitle") or get("blogTitle") or get("forumTitle")
    if site:
        fields["journal" if bibtex else "organization"] = text(site)  # BBT's choice for BibTeX (sic)
    for name in ("series", "edition", "volume"):
        if get(name):
            fields[name] = text(get(name))
    number = (
        get("issue") or get("reportNumber") or get("seriesNumber") or get("patentNumber") or get("identifier")
    )
    arxiv_id, category = arxiv_of(data)
    if not number and get("archiveID") and not (not bibtex and arxiv_id):
        number = get("archiveID")
    if number:
        fields["number"] = text(number)
    if get("pages"):
        fields["pages"] = re.sub(r"\s*[-\u2013\u2014]+\s*", "--", text(get("pages")))
    publisher = (
        get("publisher") or get("repository") or get("institution") or get("university") or get("company")
    )
    if publisher and not (item_type == "preprint" and not bibtex):  # BibLaTeX: eprint says it
        fields[_publisher_field(item_type, entry_type, bibtex)] = text(publisher)
    if get("place"):
        fields["address" if bibtex else "location"] = text(get("place"))
    kind = get("thesisType") or get("reportType") or get("genre") or get("websiteType")
    if item_type == "thesis" and not bibtex:
        fields["type"] = "mathesis" if _MASTERS.match(kind) else "phdthesis"
    elif kind and item_type in ("thesis", "report"):
        fields["type"] = text(kind)
    if arxiv_id:
        fields["eprint"] = arxiv_id
        if bibtex:
            fields["archiveprefix"] = "arXiv"
            if category:
                fields["primaryclass"] = category
        else:
            fields["eprinttype"] = "arxiv"
            if category:
                fields["eprintclass"] = category
    doi = doi_of(data)
    if doi:
        fields["doi"] = text(doi) if bibtex else doi
    url = get("url")
    if url and not bibtex:
        fields["url"] = _url(url)
        if get("accessDate"):
            fields["urldate"] = get("accessDate")[:10]
    elif url and item_type in ("webpage", "blogPost", "forumPost"):
        fields["howpublished"] = "\\url{" + _url(url) + "}"
    for source, target in (("ISBN", "isbn"), ("ISSN", "issn")):
        if get(source):
            fields[target] = text(get(source))
    if get("abstractNote"):
        fields["abstract"] = text(" ".join(get("abstractNote").split()))
    if not bibtex and get("versionNumber"):
        fields["version"] = text(get("versionNumber"))
    if not bibtex and item_type == "preprint":
        fields["pubstate"] = "prepublished"
    tags = sorted({t["tag"].replace(",", "").replace("{", "").replace("}", "") for t in data.get("tags", [])})
    tags = [t for t in tags if t and t != "#LaTeX"]
    if tags:
        fields["keywords"] = text(",".join(tags))
    return BibEntry(entry_type, key, fields)


def _entry_type(data: dict[str, Any], bibtex: bool) -> str:
    item_type = data.get("itemType", "document")
    entry_type = ENTRY_TYPES.get(item_type, ("misc", "misc"))[0 if bibtex else 1]
    if item_type == "thesis" and bibtex:
        kind = data.get("thesisType") or ""
        return "mastersthesis" if _MASTERS.match(kind) else "phdthesis"
    if item_type == "report" and "manual" in (data.get("reportType") or "").lower():
        return "manual"
    if item_type == "bookSection" and any(
        c.get("creatorType") == "bookAuthor" for c in data.get("creators", [])
    ):
        return "inbook"
    return entry_type


def _publisher_field(item_type: str, entry_type: str, bibtex: bool) -> str:
    if item_type == "thesis":
        return "school" if bibtex else "institution"
    if item_type == "report":
        return "institution"
    if item_type == "computerProgram":
        return "howpublished" if bibtex else "organization"
    return "publisher"


def _names(data: dict[str, Any], entry_type: str, bibtex: bool, text: Callable[[str], str]) -> dict[str, str]:
    """author, editor, translator (and BibTeX's collaborator / BibLaTeX's bookauthor)."""
    primary = PRIMARY_CREATOR.get(data.get("itemType", ""), "author")
    roles: dict[str, list[str]] = {}
    for creator in data.get("creators", []):
        kind = creator.get("creatorType", "author")
        if kind == primary:
            role = "author"
        elif kind in ("editor", "seriesEditor"):
            role = "editor"
        elif kind == "translator":
            role = "translator"
        elif kind == "bookAuthor" and not bibtex:
            role = "bookauthor"
        else:
            role = "collaborator" if bibtex else ""
        if role:
            roles.setdefault(role, []).append(_name(creator, bibtex, text))
    if entry_type == "inbook" and bibtex and "author" in roles:
        roles.pop("editor", None)
    if bibtex and "author" in roles and entry_type in ("book", "inbook"):
        roles.pop("editor", None)  # plainnat: "can't use both author and editor fields"
    return {role: " and ".join(names) for role, names in roles.items()}


def _name(creator: dict[str, Any], bibtex: bool, text: Callable[[str], str]) -> str:
    if creator.get("name") or not creator.get("firstName"):
        whole = creator.get("name") or creator.get("lastName") or ""
        return "{" + text(whole) + "}" if " " in whole.strip() or creator.get("name") else text(whole)
    family, given = creator.get("lastName", ""), creator.get("firstName", "")
    family_text = text(family).replace(" and ", " {and} ")
    if bibtex and (family[:1].islower() or re.search(r"[-\u2010-\u2015]", family)):
        family_text = "{" + family_text + "}"
    return f"{family_text}, {text(given).replace(' and ', ' {and} ')}"


def _date(date: str, bibtex: bool, text: Callable[[str], str]) -> dict[str, str]:
    """``year`` and ``month`` (BibTeX), ``date`` (BibLaTeX); an unreadable date as it is."""
    if not date:
        return {}
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", date)
    if m:
        year, month, day = m.group(1), m.group(2), m.group(3)
    else:
        found = re.search(r"(?<!\d)(\d{4})(?!\d)", date)
        if not found:
            return {"year": text(date)}
        year, day = found.group(1), None
        named = next((i + 1 for i, name in enumerate(MONTHS) if name in date.lower()), None)
        month = f"{named:02d}" if named else None
    month = month if month and month != "00" else None
    if bibtex:
        return {"year": year} | ({"month": MONTHS[int(month) - 1]} if month else {})
    return {"date": "-".join(p for p in (year, month, day if month and day and day != "00" else None) if p)}


def _url(url: str) -> str:
    """A URL for a verbatim field: the characters TeX would still choke on escaped."""
    return url.replace("%", "\\%").replace("#", "\\#").replace("{", "%7B").replace("}", "%7D")
