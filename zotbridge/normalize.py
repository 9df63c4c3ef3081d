"""Text normalisation shared by the listing reader (duplicates) and the matcher (scoring).

Two different jobs:

* :func:`clean_text` keeps the text the user sees: it only removes control characters and
  folds white space, so a title or abstract stays whole and readable.
* :func:`normalize_title` builds a comparison key: two spellings of the same title
  (``Adapt-infty`` vs ``Adapt-$\\infty$``, ``Schrödinger`` vs ``Schr\\"odinger``, ``--`` vs ``–``,
  case, punctuation) give the same key.
"""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACE_RUN = re.compile(r"\s+")

# LaTeX accent commands (\'e, \"{o}, \c{c}, \v s …): drop the command, keep the letter.
_LATEX_ACCENT = re.compile(r"\\[`'^\"~=.]\s*|\\[uvHtcdbkr](?:(?![a-zA-Z])|\s+(?=[a-zA-Z]))\s*")
# Font and text-mode commands vanish (\textbf{BERT} -> "BERT"); other commands keep their name as
# a word ($\infty$ -> "infty", which is how listings write it).
_LATEX_FORMAT = re.compile(
    r"\\(?:text(?:bf|it|sc|tt|rm|sf|up|normal)?|emph|math(?:rm|bf|it|cal|bb|sf|tt|frak)|"
    r"boldsymbol|bm|mbox|hbox|operatorname|left|right|big|Big)(?![a-zA-Z])\s*"
)
_LATEX_COMMAND = re.compile(r"\\([a-zA-Z]+)")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def clean_text(text: str) -> str:
    """Remove control and invisible characters and fold every run of white space to one space."""
    if not text.isprintable():  # C-speed check: the per-character pass is for rare lines only
        text = text.translate(_INVISIBLE)
        text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)
    return _SPACE_RUN.sub(" ", text).strip()


_ACCENT_MARKS = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
}
_LATEX_ACCENTED = re.compile(r"\\(?:([\"'`^~=.])\s*|([uvHckr])(?:\s+|(?=\{)))\{?\s*([A-Za-z])\}?")


def latex_to_unicode(text: str) -> str:
    """LaTeX accents as Unicode letters (``Schr\\"odinger`` -> ``Schrödinger``), font commands
    and braces dropped; other commands (``$\\infty$``) left for the tokenizer to read as words.
    This is how arXiv serves and indexes a title (its tex2utf conversion)."""
    text = _LATEX_ACCENTED.sub(lambda m: m[3] + _ACCENT_MARKS[m[1] or m[2]], text)
    text = _LATEX_FORMAT.sub("", text).replace("{", "").replace("}", "")
    return unicodedata.normalize("NFC", text)


def normalize_title(title: str) -> str:
    """Comparison key of a title: ASCII, lower case, words separated by single spaces.

    LaTeX accents are dropped (``Schr\\"odinger`` -> ``schrodinger``), other LaTeX commands
    keep their name (``$\\infty$`` -> ``infty``, matching listings that write ``infty``),
    Unicode is transliterated (``ø`` -> ``o``), ``+`` reads ``plus`` (so ``X++`` and ``X`` differ),
    and all other punctuation, math delimiters and dashes become word breaks.
    """
    text = _LATEX_ACCENT.sub("", title)
    text = _LATEX_FORMAT.sub("", text)
    text = _LATEX_COMMAND.sub(r" \1 ", text)
    text = text.replace("{", "").replace("}", "")
    text = unidecode(unicodedata.normalize("NFKC", text)).lower().replace("+", " plus ")
    return _NON_WORD.sub(" ", text).strip()


def search_words(text: str) -> list[str]:
    """Plain words for an arXiv query: the title key without the words only the key adds
    (``plus`` for ``+``, which arXiv's tokenizer drops)."""
    return normalize_title(text.replace("+", " ")).split()
