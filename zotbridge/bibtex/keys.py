"""Citation keys: Better BibTeX's formula by default, remembered forever once given.

The default ``auth.lower + shorttitle(3,3) + year`` is Better BibTeX's: the first author's
family name in lower case, the first three title words that are not skip words (each
capitalised), and the year of version 1 — ``vaswaniAttentionAllYou2017``. Keys are folded to
ASCII and keep only ``A-Z a-z 0-9 _ - :``.

A template is terms joined by ``+`` (docs/bibtex.md):

``auth`` (family name as written) · ``shorttitle(n,m)`` (n words, the first m capitalised;
default 3,3) · ``veryshorttitle`` (= shorttitle(1,0)) · ``year`` · ``eprint`` (the arXiv id,
letters and digits) · ``"text"`` (literal); any term may end in ``.lower`` or ``.upper``.

Stability is the point. The key of a paper lives in the store from the first time it is given:
later runs, a changed arXiv title, or a new paper with the same stem never change it. A new
paper whose stem is taken (in the store, or in the target ``.bib``) gets ``a``, ``b``, … ``z``,
``aa`` …; the first holder keeps the bare stem (Better BibTeX's lesson).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count, product
from string import ascii_lowercase

from pylatexenc.latex2text import LatexNodes2Text
from unidecode import unidecode

from zotbridge.bibtex.names import family_ascii
from zotbridge.config import DEFAULT_KEY_FORMAT as DEFAULT_TEMPLATE
from zotbridge.errors import InputError
from zotbridge.models import ArxivRecord
from zotbridge.store import Store

# Better BibTeX's default skipWords (English prepositions/articles plus German, French, Spanish
# and Italian articles); "all" and "you" are not among them.
SKIP_WORDS = frozenset(
    "a ab aboard about above across after against al along amid among an and anti around as at before "
    "behind below beneath beside besides between beyond but by d da das de del dell dello dei degli della "
    "delle dem den der des despite die do down du during ein eine einem einen einer eines el en et except "
    "for from gli i il in inside into is l la las le les like lo los near nor of off on onto or over past "
    "per plus round save since so some sur than the through to toward towards un una unas uno unos under "
    "underneath une unlike until up upon versus via von while with within without yet zu zum".split()
)
_TERM = re.compile(
    r"""^(?:"(?P<literal>[^"]*)"|(?P<name>[a-z]+)(?:\((?P<args>[\d,\s]*)\))?)"""
    r"""(?P<mods>(?:\.(?:lower|upper))*)$"""
)
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_:-]")
_WORD = re.compile(r"[A-Za-z0-9]+")
_LATEX_TEXT = LatexNodes2Text(math_mode="text")
TERMS = ("auth", "shorttitle", "veryshorttitle", "year", "eprint")


@dataclass(frozen=True)
class KeyTemplate:
    terms: tuple[tuple[str, tuple[int, ...], tuple[str, ...]], ...]  # (name or "=literal", args, modifiers)
    text: str

    @classmethod
    def parse(cls, text: str) -> KeyTemplate:
        terms: list[tuple[str, tuple[int, ...], tuple[str, ...]]] = []
        for raw in text.split("+"):
            m = _TERM.match(raw.strip())
            if not m or (m["name"] and m["name"] not in TERMS):
                raise InputError(
                    f"citation key template {text!r}: cannot read the term {raw.strip()!r}",
                    f'use terms {", ".join(TERMS)} or "text", joined by +; '
                    f"the default is {DEFAULT_TEMPLATE!r}",
                )
            mods = tuple(x for x in m["mods"].split(".") if x)
            if m["literal"] is not None:
                terms.append(("=" + m["literal"], (), mods))
                continue
            args = tuple(int(a) for a in (m["args"] or "").replace(" ", "").split(",") if a)
            terms.append((m["name"], args, mods))
        return cls(tuple(terms), text)

    def stem(self, record: ArxivRecord) -> str:
        """The key before any collision suffix."""
        parts = []
        for name, args, mods in self.terms:
            value = _term_value(name, args, record)
            for mod in mods:
                value = value.lower() if mod == "lower" else value.upper()
            parts.append(value)
        key = _KEY_UNSAFE.sub("", unidecode("".join(parts)))
        return key or "arxiv" + _KEY_UNSAFE.sub("", record.arxiv_id.replace(".", "").replace("/", ""))


def _term_value(name: str, args: tuple[int, ...], record: ArxivRecord) -> str:
    if name.startswith("="):
        return name[1:]
    if name == "auth":
        return family_ascii(record.authors[0]) if record.authors else ""
    if name == "year":
        return record.published[:4]
    if name == "eprint":
        return re.sub(r"[^A-Za-z0-9]", "", record.arxiv_id)
    if name == "veryshorttitle":
        return short_title(record.title, 1, 0)
    words, capitalised = (args + (3, 3)[len(args) :])[:2]
    return short_title(record.title, words, capitalised)


def short_title(title: str, words: int, capitalised: int) -> str:
    """The first ``words`` title words that are not skip words, the first ``capitalised`` of them
    with an upper-case first letter (the rest of each word as written)."""
    try:
        text = _LATEX_TEXT.latex_to_text(title)
    except Exception:  # malformed TeX in a title: use it raw
        text = title
    text = unidecode(text).replace("'", "")  # Schrödinger's is one word
    kept = [w for w in _WORD.findall(text) if w.lower() not in SKIP_WORDS][:words]
    return "".join(w[:1].upper() + w[1:] if i < capitalised else w for i, w in enumerate(kept))


def suffixes() -> Iterator[str]:
    """ "" then a … z, aa, ab … — Better BibTeX's postfix sequence."""
    yield ""
    for length in count(1):
        for letters in product(ascii_lowercase, repeat=length):
            yield "".join(letters)


def key_for(record: ArxivRecord, template: KeyTemplate, store: Store, taken: Callable[[str], bool]) -> str:
    """The paper's key: the one in the store, else the first free ``stem + suffix``, claimed in
    the store at once. ``taken(key)`` says whether a key is used by another entry of the target
    file; keys are compared without case, as BibTeX and biber do."""
    stem = template.stem(record)
    key = store.claim_citation_key(record.arxiv_id, (stem + s for s in suffixes() if not taken(stem + s)))
    assert key is not None  # the suffixes never run out
    return key
