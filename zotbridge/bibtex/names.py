"""arXiv author names ("First von Last Jr") as BibTeX names ("von Last, Jr, First").

arXiv serves each author as one string in reading order. BibTeX's own rule decides the parts:
lower-case words before the last word are the "von" part (``van``, ``de la``), a trailing
``Jr``/``Sr``/``II``… is the suffix, the last remaining word is the family name. Writing
``Last, First`` spells the split out, so every style agrees on it. A single word stays a single
family name; an organisation (``Gemini Team``, ``The ATLAS Collaboration``) or a name holding the
word ``and`` is braced whole so BibTeX neither splits nor abbreviates it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"})
ORGANISATION_WORDS = frozenset(
    "team collaboration consortium group project initiative inc. inc ltd ltd. llc lab labs laboratory "
    "institute organization organisation foundation committee council society association network".split()
)
_AND = re.compile(r"(?i)(?:^|\s)and(?:\s|$)")


@dataclass(frozen=True)
class PersonName:
    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""
    organisation: bool = False


def split_name(name: str) -> PersonName:
    """The parts of a name as arXiv writes it ("Ashish Vaswani", "Ludwig van Beethoven")."""
    words = name.split()
    if not words:
        return PersonName()
    lowered = [w.lower() for w in words]
    if (len(words) > 1 and any(w in ORGANISATION_WORDS for w in lowered)) or _AND.search(name) or "," in name:
        return PersonName(last=" ".join(words), organisation=True)
    jr = ""
    if len(words) > 2 and lowered[-1] in SUFFIXES:
        jr, words = words[-1], words[:-1]
    if len(words) == 1:
        return PersonName(last=words[0], jr=jr)
    last = [words[-1]]
    rest = words[:-1]
    von_start = next((i for i, w in enumerate(rest) if i > 0 and _starts_lower(w)), None)
    if von_start is None:
        return PersonName(first=" ".join(rest), last=last[0], jr=jr)
    return PersonName(first=" ".join(rest[:von_start]), von=" ".join(rest[von_start:]), last=last[0], jr=jr)


def _starts_lower(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return bool(letters) and letters[0].islower()


def bibtex_name(parts: PersonName, escape: Callable[[str], str]) -> str:
    """``von Last, Jr, First`` with every part passed through ``escape`` (text → BibTeX)."""
    if parts.organisation:
        return "{" + escape(parts.last) + "}"
    family = " ".join(p for p in (parts.von, parts.last) if p)
    pieces = [escape(family)]
    if parts.jr:
        pieces.append(escape(parts.jr))
    if parts.first:
        pieces.append(escape(parts.first))
    elif parts.jr:
        pieces.append("")
    return ", ".join(pieces)


_EDGES = " \u00a0.,/[]:"


def zotero_creator(name: str) -> dict[str, str]:
    """An arXiv author as Zotero's arXiv import stores it (``ZU.cleanAuthor(name, 'author')``):
    edges of white space and ``. , / [ ] :`` trimmed, then the last space-separated word that
    starts with a letter is the family name, the rest the given name — ``Jan van der Berg`` →
    ``Berg``, ``Gemini Team`` → ``Team``, ``Martin Luther King Jr.`` → ``Jr``; one word is a family
    name alone (``OpenAI``)."""
    words = name.strip(_EDGES).split()
    if not words:
        return {"creatorType": "author", "firstName": "", "lastName": ""}
    last = next((i for i in range(len(words) - 1, -1, -1) if words[i][:1].isalpha()), len(words) - 1)
    rest = words[:last] + words[last + 1 :]
    return {"creatorType": "author", "firstName": " ".join(rest), "lastName": words[last]}
