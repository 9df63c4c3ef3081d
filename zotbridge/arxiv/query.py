"""Query text built from words as arXiv's index splits them (docs/matching.md, "Queries").

arXiv's search index segments text by Unicode's word rules (UAX #29): ``Let's``, ``Qwen2.5``,
``b1.58``, ``1,000`` and ``TaskMatrix.AI`` are single words there, and ``Schrödinger`` keeps its
``ö`` (no accent folding on ``ti:``/``abs:``). A phrase of plain ASCII words (``let s``,
``qwen2 5``, ``schrodinger``) does not match those titles at all. So phrases are built here from
the same segmentation (the ``regex`` module's Unicode word boundaries), lower case, with quotes
and parentheses gone by construction, never empty.

Words for unquoted terms and abstract windows are taken only from "clean" tokens (letters and
digits only), and never from Elasticsearch's English stop words: such a word analyses to nothing
and could void the AND group around it.
"""

from __future__ import annotations

import regex
from unidecode import unidecode

from zotbridge.normalize import latex_to_unicode

# Elasticsearch's English stop set, which arXiv's analyzers use.
ARXIV_STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then there these "
    "they this to was will with".split()
)
# Words too common in titles to tell papers apart (only for choosing distinctive words).
_COMMON = frozenset(
    "from its via we our towards toward using based new can how what when do does all more than over under "
    "about".split()
)
_BOUNDARY = regex.compile(r"(?w)\b")
_WORDLIKE = regex.compile(r"[\p{L}\p{N}]")  # a lone "_" or mark is no word for Lucene
_CLEAN = regex.compile(r"^[\p{L}\p{N}\p{M}]+$")
_PLAIN_GAP = regex.compile(r"^[\s,;.\-–—'’]*$")  # what may lie between two words of an abstract window
WINDOW = 5
ABSTRACT_WORDS = 80  # words of each half of the abstract where a window is looked for


def words(text: str) -> list[str]:
    """The text's words as arXiv's index splits them, lower case."""
    return [w for w, _, _ in _spans(text)]


def _spans(text: str) -> list[tuple[str, int, int]]:
    out, pos = [], 0
    for piece in _BOUNDARY.split(text):
        if _WORDLIKE.search(piece):
            out.append((piece.lower(), pos, pos + len(piece)))
        pos += len(piece)
    return out


def title_phrases(title: str) -> list[str]:
    """``ti:"…"`` clauses for a title: its words as arXiv reads them, plus the accent-folded
    spelling when it differs (an arXiv title may be written either way). Empty when the title
    has no word at all (``???``, an emoji): never ``ti:""``, which arXiv reads as "everything"."""
    unicode_words = words(latex_to_unicode(title))
    if not unicode_words:
        return []
    variants = [" ".join(unicode_words)]
    folded = " ".join(words(unidecode(" ".join(unicode_words)).lower()))
    if folded and folded not in variants:
        variants.append(folded)
    return [f'ti:"{v}"' for v in variants]


def _clean(word: str) -> bool:
    return bool(_CLEAN.match(word))


def distinctive_title_words(title: str, count: int = 4) -> list[str]:
    """The title's ``count`` longest informative words (ASCII spellings first)."""
    candidates = [
        w
        for w in words(latex_to_unicode(title))
        if _clean(w) and len(w) > 2 and not w.isdigit() and w not in ARXIV_STOP_WORDS and w not in _COMMON
    ]
    unique = list(dict.fromkeys(candidates))
    return sorted(unique, key=lambda w: (not w.isascii(), -len(w)))[:count]


def abstract_windows(abstract: str) -> list[str]:
    """Up to two phrases of the abstract, one from its first sentences and one from the next, so
    that a later version that reworded one part is still found by the other."""
    spans = _spans(abstract)
    middle = len(spans) // 2
    halves = (spans[:middle], spans[middle:]) if len(spans) >= 4 * WINDOW else (spans,)
    return [w for w in (_best_window(abstract, half) for half in halves) if w]


def _best_window(abstract: str, spans: list[tuple[str, int, int]]) -> str | None:
    """Five consecutive words, cut at word boundaries, made only of clean words with nothing but
    spaces and light punctuation between them (no TeX, which arXiv and a listing render
    differently); the most informative such window, or None."""
    spans = spans[:ABSTRACT_WORDS]
    best, best_weight = None, 0
    for i in range(len(spans) - WINDOW + 1):
        window = spans[i : i + WINDOW]
        if not all(_clean(w) for w, _, _ in window):
            continue
        if not all(_PLAIN_GAP.match(abstract[a[2] : b[1]]) for a, b in zip(window, window[1:])):
            continue
        weight = sum(len(w) for w, _, _ in window if w not in ARXIV_STOP_WORDS)
        if weight > best_weight:
            best, best_weight = " ".join(w for w, _, _ in window), weight
    return best


def head_query(title: str) -> str:
    """``(ti:w1 AND …)`` of the distinctive words of a title's part before its colon, or ""."""
    head, colon, _ = title.partition(":")
    distinctive = distinctive_title_words(head) if colon else []
    return "(" + " AND ".join(f"ti:{w}" for w in distinctive) + ")" if distinctive else ""


def word_query(title: str | None, abstract: str | None) -> str:
    """The second pass's query for one paper: ``(ti:w1 AND …) OR abs:"…"``; empty when the
    paper offers nothing searchable."""
    parts = []
    distinctive = distinctive_title_words(title or "")
    if distinctive:
        parts.append("(" + " AND ".join(f"ti:{w}" for w in distinctive) + ")")
    parts.extend(f'abs:"{window}"' for window in abstract_windows(abstract or ""))
    return " OR ".join(parts)
