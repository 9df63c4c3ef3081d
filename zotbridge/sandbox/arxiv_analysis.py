"""Text analysis as arXiv's search index does it (the emulator's side; docs/sandbox.md).

arXiv's API is served by arxiv-search's ``classic_api`` over Elasticsearch; its index mapping
(``mappings/DocumentMapping.json`` in arXiv/arxiv-search) analyses a title or an abstract in
two ways, and a quoted phrase is searched on both (``dis_max``):

* ``standard``: Unicode word segmentation (UAX #29, Lucene's standard tokenizer) and lower
  case. Words joined by ``.`` ``'`` ``’`` ``:`` ``,`` between letters or digits stay one token
  (``let's``, ``qwen2.5``, ``1.58``, ``1,000``, ``taskmatrix.ai``, ``n:m``); hyphens split.
  For a quoted title phrase the search side also drops English stop words (the index's
  ``simple`` quote analyzer), leaving a position gap.
* ``english``: the same tokens with a possessive ``'s`` removed, stop words dropped (a gap
  remains) and Porter stemming.

No accent folding on either (``schrödinger`` stays itself); only the ``all:`` field folds.

Segmentation is the ``regex`` module's Unicode word boundaries (``(?w)``, UAX #29 default
rules); stemming is Snowball's ``porter`` algorithm (the original Porter stemmer, as Lucene's
``porter_stem``). This module is the emulator's own: the client builds its phrases separately
(``zotbridge/arxiv/query.py``), so a mistake on one side shows up in tests.
"""

from __future__ import annotations

import functools
import unicodedata

import regex
import snowballstemmer

# Elasticsearch's English stop set (_english_), as used by arXiv's analyzers.
STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then there these "
    "they this to was will with".split()
)
_BOUNDARY = regex.compile(r"(?w)\b")
_WORDLIKE = regex.compile(r"[\p{L}\p{N}]")  # a lone "_" or mark is no token
_POSSESSIVE = regex.compile(r"['’]s$")
_STEMMER = snowballstemmer.stemmer("porter")

Stream = list[str | None]  # tokens by position; None where a stop word left a gap


def words(text: str) -> list[str]:
    """UAX #29 word tokens, lower case (the ``standard`` analyzer)."""
    return [
        piece
        for piece in _BOUNDARY.split(text.lower())
        if piece and not piece.isspace() and (piece[0].isalnum() or _WORDLIKE.search(piece))
    ]


@functools.lru_cache(maxsize=200_000)
def _stem(token: str) -> str:
    return str(_STEMMER.stemWord(token))


def english(text: str) -> Stream:
    """The ``english`` analyzer: possessive stripped, stop words as gaps, Porter stems."""
    out: Stream = []
    for token in words(text):
        token = _POSSESSIVE.sub("", token)
        out.append(None if token in STOP_WORDS or not token else _stem(token))
    return out


def without_stop_words(text: str) -> Stream:
    """The index's ``simple`` quote analyzer: standard tokens, stop words as gaps."""
    return [None if token in STOP_WORDS else token for token in words(text)]


def folded(text: str) -> list[str]:
    """The ``combined`` field behind ``all:``: standard tokens with accents folded."""
    if text.isascii():
        return words(text)
    decomposed = unicodedata.normalize("NFKD", text)
    return words("".join(ch for ch in decomposed if not unicodedata.combining(ch)))
