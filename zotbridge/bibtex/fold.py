"""Folding to ASCII as Better BibTeX folds citation keys (its ``transliterate`` in "minimal" mode).

BBT runs the npm packages ``transliteration`` then ``fold-to-ascii`` (docs/bibtex.md). For Latin
letters ``unidecode`` gives the same results (``Pérez-García`` → ``Perez-Garcia``, ``Ærø`` →
``AEro``, ``ß`` → ``ss``, ``Rønnow`` → ``Ronnow``). For Greek and Cyrillic it does not: BBT
writes ``β`` → ``v``, ``η`` → ``i``, ``Цой`` → ``Coy``, ``Хабибуллин`` → ``Habibullin``, where
unidecode writes ``b``, ``e``, ``Tsoi``, ``Khabibullin``. So those two scripts have tables of
their own here (modern Greek and Russian romanisation as ``transliteration`` does it), and
unidecode does the rest; CJK comes out as syllables (``王小明`` → ``Wang Xiao Ming``).
"""

from __future__ import annotations

import unicodedata

from unidecode import unidecode

_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρσςτυφχψω",
        "a v g d e z i th i k l m n x o p r s s t y f ch ps o".split(),
        strict=True,
    )
)
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
        "a b v g d e yo zh z i y k l m n o p r s t u f h c ch sh shch _ y _ e yu ya i yi ye g".split(),
        strict=True,
    )
)
_TABLE = {k: ("" if v == "_" else v) for k, v in (_GREEK | _CYRILLIC).items()}


def fold(text: str) -> str:
    """``text`` in ASCII, as BBT folds keys and key parts."""
    out = []
    for char in text:
        lower = char.lower()
        mapped = _TABLE.get(lower, _TABLE.get(unicodedata.normalize("NFD", lower)[0]))  # й is itself; ά is α
        if mapped is None:
            out.append(char)
        else:
            out.append(mapped[:1].upper() + mapped[1:] if lower != char else mapped)
    folded = unidecode("".join(out))
    return folded if text[-1:].isspace() else folded.rstrip()  # CJK syllables come with a space after
