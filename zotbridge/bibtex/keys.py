"""Citation keys: the key Better BibTeX gives the same Zotero item, remembered forever once given.

Better BibTeX computes a key from the item **as Zotero stores it**, never from arXiv's record:
the stored family name of the first creator, the stored title, the year of the stored date
(docs/bibtex.md). So a paper's key here is computed from :func:`cite_item`, the item zotbridge's
push stores — which is what Zotero's own arXiv import stores: the last word of each author's name
as the family name (``Gemini Team`` → ``Team``), the title with its white space folded, and the
date of the version served (the latest) — so the key equals BBT's for the paper whether it came
into Zotero through zotbridge, the Connector, or a BBT user. The formula language is formula.py.

A key the user pinned wins: Zotero's ``citationKey`` field, else a ``Citation Key:`` line in Extra
(:func:`pinned_key`), the two places BBT reads.

Stability is the point. The key of a paper lives in the store from the first time it is given:
later runs, a changed arXiv title, or a new formula never change it. A new paper whose key is
taken (in the store, the target ``.bib`` or the Zotero library, compared without case) gets ``a``,
``b``, … ``z``, ``aa`` …; the first holder keeps the bare key (BBT's postfix rule).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import count, product
from string import ascii_lowercase
from typing import Any

from zotbridge.bibtex.formula import Formula
from zotbridge.bibtex.names import zotero_creator
from zotbridge.config import DEFAULT_KEY_FORMAT as DEFAULT_TEMPLATE
from zotbridge.models import ArxivRecord, CiteItem
from zotbridge.store import Store

__all__ = ["DEFAULT_TEMPLATE", "Formula", "cite_item", "claim_key", "key_for", "pinned_key", "suffixes"]

_PINNED = re.compile(r"^\s*(?:Citation Key|citation-key)\s*:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)


def cite_item(record: ArxivRecord) -> CiteItem:
    """The Zotero item ``push`` stores for a record, as far as a key depends on it."""
    return CiteItem(
        item_type="journalArticle" if record.doi else "preprint",
        creators=[zotero_creator(name) for name in record.authors if name.strip()],
        title=" ".join(record.title.split()),
        date=record.updated[:10],
        arxiv_id=record.arxiv_id,
    )


def pinned_key(data: dict[str, Any]) -> str | None:
    """The key a Zotero item carries: its ``citationKey``, else ``Citation Key:`` in Extra."""
    own = (data.get("citationKey") or "").strip()
    if own:
        return str(own)
    m = _PINNED.search(data.get("extra") or "")
    return m.group(1) if m else None


def stem(record: ArxivRecord, formula: Formula) -> str:
    """The key before any collision postfix; ``arxiv<id>`` when the formula gives nothing."""
    return formula.evaluate(cite_item(record)) or "arxiv" + re.sub(r"[^A-Za-z0-9]", "", record.arxiv_id)


def suffixes() -> Iterator[str]:
    """ "" then a … z, aa, ab … — Better BibTeX's postfix sequence."""
    yield ""
    for length in count(1):
        for letters in product(ascii_lowercase, repeat=length):
            yield "".join(letters)


def key_for(record: ArxivRecord, formula: Formula, store: Store, taken: Callable[[str], bool]) -> str:
    """The paper's key: the one in the store, else the first free ``stem + postfix``, claimed in
    the store at once. ``taken(key)`` says whether another entry or item holds a key; keys are
    compared without case, as BBT, BibTeX and biber do."""
    return claim_key(store, record.arxiv_id, stem(record, formula), taken)


def claim_key(store: Store, ident: str, base: str, taken: Callable[[str], bool]) -> str:
    """The work's key in the store, else the first free ``base + postfix``, claimed now."""
    key = store.claim_citation_key(ident, (base + s for s in suffixes() if not taken(base + s)))
    assert key is not None  # the postfixes never run out
    return key
