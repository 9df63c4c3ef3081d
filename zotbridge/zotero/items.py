"""An arXiv record as a Zotero item, field for field as Zotero's own arXiv import saves it
(docs/zotero-api.md §3, translator ``arXiv.org.js``), plus the citation key and the collection.

A preprint gets: title, creators (as the translator's ``ZU.cleanAuthor`` splits them: the last
word of each name is the family name, even for an organisation — ``Gemini Team`` is "Team,
Gemini" in Zotero too — and a single word is a family name alone), abstractNote, date (of
the served version, as Zotero does), ``url`` ``http://arxiv.org/abs/<id>`` (http, as the API gives
it, so Connector saves and ours look alike), repository "arXiv", archiveID ``arXiv:<id>``, the
DataCite DOI, extra ``arXiv:<id> [<primary category>]`` (just ``arXiv:<id>`` for old-style ids),
libraryCatalog "arXiv.org", accessDate, shortTitle (the title cut at the first ":" or "?"),
the category tags as automatic tags (type 1), and ``citationKey``. The authors' comment ("13
pages, 5 figures") becomes a child note "Comment: …", as the translator adds it.

When the authors gave a journal DOI, Zotero saves a ``journalArticle`` from the DOI record; without
the network zotbridge cannot read that record, so it saves a journalArticle with the journal DOI
and the arXiv fields Zotero keeps (url, extra, libraryCatalog, tags), and the journal reference
on a line of extra.
"""

from __future__ import annotations

import html
import re
from typing import Any

from zotbridge.bibtex.names import zotero_creator
from zotbridge.models import ArxivRecord
from zotbridge.tags.categories import category_tags
from zotbridge.zotero.client import derived_key

ARXIV_DOI_PREFIX = "10.48550/arXiv."


def item_for(
    record: ArxivRecord,
    citation_key: str,
    collections: list[str],
    keyword_tags: list[str] | None = None,
    with_category_tags: bool = True,
    key: str | None = None,
) -> dict[str, Any]:
    """The item JSON to POST (``key`` and ``version: 0`` when the caller chose the key)."""
    published = bool(record.doi)
    extra = f"arXiv:{record.arxiv_id}" + ("" if "/" in record.arxiv_id else f" [{record.primary_category}]")
    item: dict[str, Any] = {
        "itemType": "journalArticle" if published else "preprint",
        "title": record.title,
        "creators": [creator(name) for name in record.authors if name.strip()],
        "abstractNote": record.abstract,
        "date": record.updated[:10],
        "url": f"http://arxiv.org/abs/{record.arxiv_id}",
        "accessDate": "CURRENT_TIMESTAMP",
        "libraryCatalog": "arXiv.org",
        "shortTitle": short_title(record.title),
        "citationKey": citation_key,
        "tags": tag_objects(
            keyword_tags or [], category_tags(record.categories) if with_category_tags else []
        ),
        "collections": list(collections),
        "relations": {},
    }
    if published:
        item["DOI"] = record.doi
        if record.journal_ref:
            extra += f"\nJournal reference: {record.journal_ref}"
    else:
        item |= {
            "repository": "arXiv",
            "archiveID": f"arXiv:{record.arxiv_id}",
            "DOI": ARXIV_DOI_PREFIX + record.arxiv_id,
        }
    item["extra"] = extra
    if not item["shortTitle"]:
        del item["shortTitle"]
    if key:
        item |= {"key": key, "version": 0}
    return item


def comment_note(record: ArxivRecord, parent_key: str) -> dict[str, Any] | None:
    """The child note Zotero's import makes of ``<arxiv:comment>``, or None without a comment.

    A note is HTML to Zotero, so the text is escaped: "<5% error" shows as written. Its key
    follows from the parent's, so a re-sent note can never be saved twice.
    """
    comment = " ".join((record.comment or "").split())
    if not comment:
        return None
    return {
        "itemType": "note",
        "parentItem": parent_key,
        "note": "Comment: " + html.escape(comment, quote=False),
        "tags": [],
        "relations": {},
        "key": derived_key(parent_key, "comment"),
        "version": 0,
    }


MAX_CREATOR_BYTES = 255  # Zotero refuses a longer name part (model/Creator.inc.php): the paper would fail


def creator(name: str) -> dict[str, Any]:
    """A creator as the translator splits a name, each part cut to what Zotero accepts."""
    return {k: fit_name(v) if k != "creatorType" else v for k, v in zotero_creator(name).items()}


def fit_name(text: str) -> str:
    """``text`` cut to Zotero's 255 bytes at a character boundary (an ellipsis marks the cut)."""
    if len(text.encode("utf-8")) <= MAX_CREATOR_BYTES:
        return text
    room = MAX_CREATOR_BYTES - len("…".encode())
    return text.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip() + "…"


def shortened_authors(record: ArxivRecord) -> list[str]:
    """The authors whose names had to be cut for Zotero (long collaboration credits)."""
    return [name for name in record.authors if name.strip() and creator(name) != zotero_creator(name)]


def short_title(title: str) -> str:
    """Zotero's rule: the title up to the first ":" (or through the first "?"), when that is shorter."""
    m = re.search(r"[:?]", title)
    if not m:
        return ""
    cut = title[: m.start()] if m[0] == ":" else title[: m.end()]
    cut = cut.strip()
    return cut if cut and len(cut) < len(title.strip()) else ""


def tag_objects(manual: list[str], automatic: list[str]) -> list[dict[str, Any]]:
    """Keyword tags as manual tags (type 0), category tags as automatic ones (type 1)."""
    return [{"tag": t} for t in manual] + [{"tag": t, "type": 1} for t in automatic]
