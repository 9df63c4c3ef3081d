"""Text into BibTeX field values that compile, keep their capitals, and mean what arXiv meant.

arXiv titles are TeX-ish: authors write ``$\\infty$``, ``\\emph{…}`` or ``Schr\\"odinger``, but
also a bare ``&``, ``%``, ``#`` or ``_``. The rules (docs/bibtex.md):

* ``$…$`` maths, known text-mode macros (``\\emph{…}``, accents, ``\\&``…) and balanced brace
  groups are kept as written; a maths-only macro outside maths (``\\alpha``) is wrapped in
  ``\\ensuremath``; any other backslash is printed as a backslash.
* ``& % # _ $`` outside maths are escaped, ``~ ^ < > |`` become their text commands, and
  unbalanced braces are escaped.
* Non-ASCII characters become LaTeX escapes (``{\\"o}``) for classic BibTeX, whose 8-bit
  ``purify$`` and initials break UTF-8; biber reads UTF-8, so ``--style biblatex`` keeps
  accented letters as UTF-8 (see :func:`encode_unicode`).
* Words whose case matters are wrapped in double braces the way Better BibTeX does
  (``{{BERT}}``), so styles that sentence-case titles (plainnat, IEEEtran) keep them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexencode import UnicodeToLatexEncoder
from unidecode import unidecode

# Text-mode macros that may stay as written. Anything else outside maths is checked below.
TEXT_MACROS = frozenset(
    "emph textit textbf textsc texttt textrm textsf textup textsl textnormal mbox "
    "ldots dots textendash textemdash textquoteleft textquoteright textquotedblleft textquotedblright "
    "S P dag ddag ss SS o O l L ae AE oe OE aa AA i j LaTeX TeX BibTeX "
    "textbackslash textasciitilde textasciicircum textless textgreater textbar textbullet "
    "textdegree textregistered texttrademark copyright pounds euro "
    "u v H c d b k r t".split()
)
ACCENT_SYMBOLS = "'`^\"~=."
ESCAPED_SYMBOLS = "&%$#_{} ,;!"
TEXT_FOR = {
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
    "<": r"{\textless}",
    ">": r"{\textgreater}",
    "|": r"{\textbar}",
    "\\": r"{\textbackslash}",
    # BibTeX counts every brace, escaped or not: literal braces must be commands
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
}
# Combining marks as accent commands, for letters pylatexenc has no name for (Vietnamese ễ).
ACCENT_FOR_MARK = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0306": "u",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0323": "d",
    "\u0327": "c",
    "\u0328": "k",
    "\u0331": "b",
}

# Proper nouns that Title Case hides: protected wherever they stand.
PROPER_NOUNS = frozenset(
    "bayes bayesian gauss gaussian markov markovian euclid euclidean riemann riemannian hilbert banach "
    "fourier laplace laplacian lipschitz newton newtonian boltzmann wasserstein hamilton hamiltonian "
    "lagrange lagrangian monte carlo langevin poisson dirichlet bernoulli kalman hessian jacobian shapley "
    "nash turing hebbian hopfield kolmogorov arnold schrodinger heisenberg einstein dirac fermi bose "
    "english chinese japanese german french spanish arabic hindi korean russian italian portuguese "
    "african european american asian indian wikipedia github python internet".split()
)

_WORD_BREAK = re.compile(r"(\s+)")
_LETTERS = re.compile(r"[^\W\d_]+")
_EDGE_PUNCT = re.compile(r"^([\"'(\[]*)(.*?)([\"'.,:;!?)\]]*)$", re.S)
_LATEX_TEXT = LatexNodes2Text()


@lru_cache(maxsize=1)
def _encoder() -> UnicodeToLatexEncoder:
    return UnicodeToLatexEncoder(
        non_ascii_only=True,
        replacement_latex_protection="braces-all",
        unknown_char_policy="keep",
        unknown_char_warning=False,
    )


def escape_text(text: str, ascii_only: bool) -> str:
    """Plain text (an author name, a journal reference) as a BibTeX value: nothing is TeX."""
    return encode_unicode("".join(TEXT_FOR.get(ch, ch) for ch in text), ascii_only)


def encode_unicode(text: str, ascii_only: bool) -> str:
    """Non-ASCII characters as LaTeX escapes in braces (``{\\"o}``).

    ``ascii_only`` (classic BibTeX): every character LaTeX has an escape for. Otherwise (biber):
    Latin letters stay UTF-8 (biber decodes escapes anyway, and garbles stacked accents such as
    Vietnamese ``{\\~{\\^e}}``), and everything else LaTeX has a command for (Greek letters,
    maths symbols, dashes) becomes that command, so pdfLaTeX does not stop at ``α``. Characters
    with no LaTeX form (CJK) stay as they are.
    """
    if text.isascii():
        return text
    return "".join(
        ch if ch.isascii() or (not ascii_only and _latin_letter(ch)) else _latex_char(ch) for ch in text
    )


@lru_cache(maxsize=4096)
def _latin_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L") and "LATIN" in unicodedata.name(ch, "")


@lru_cache(maxsize=4096)
def _latex_char(ch: str) -> str:
    encoded = str(_encoder().unicode_to_latex(ch))
    if encoded != ch:
        return encoded
    base, *marks = list(unicodedata.normalize("NFD", ch))
    if not base.isascii() or not marks or any(m not in ACCENT_FOR_MARK for m in marks):
        return ch
    out = base
    for mark in marks:
        out = f"\\{ACCENT_FOR_MARK[mark]}{{{out}}}"
    return "{" + out + "}"


def title_value(title: str, ascii_only: bool) -> str:
    """An arXiv title as a BibTeX ``title`` value (see the module docstring for the rules)."""
    atoms = _atoms(title)
    words = _words(atoms)
    sentence_case = _is_sentence_case([_plain(w) for w in words])
    parts, new_sentence = [], True
    for word in words:
        if word[0][0] == "space":
            parts.append(" ")
            continue
        plain = _plain(word)
        text = "".join(_render(kind, value, ascii_only) for kind, value in word)
        if _needs_protection(plain, word, new_sentence, sentence_case):
            text = _protect(text, word)
        parts.append(text)
        new_sentence = plain.rstrip().endswith((":", "?", "!", "."))
    value = "".join(parts).strip()
    if not _bibtex_balanced(value):  # \{ inside maths or a group: BibTeX would count it
        return escape_text(title, ascii_only)
    return value


def _bibtex_balanced(text: str) -> bool:
    """Braces as BibTeX counts them: every brace, escaped or not."""
    depth = 0
    for ch in text:
        depth += ch == "{"
        depth -= ch == "}"
        if depth < 0:
            return False
    return depth == 0


def _atoms(title: str) -> list[tuple[str, str]]:
    """Cut a title into ("math" | "group" | "macro" | "space" | "char", text) atoms."""
    balanced = _balanced(title)
    atoms: list[tuple[str, str]] = []
    i, n = 0, len(title)
    while i < n:
        ch = title[i]
        if ch.isspace():
            j = i
            while j < n and title[j].isspace():
                j += 1
            atoms.append(("space", " "))
            i = j
        elif ch == "$":
            end = _math_end(title, i)
            if end is None:
                atoms.append(("char", ch))
                i += 1
            else:
                atoms.append(("math", title[i:end]))
                i = end
        elif ch == "{" and balanced:
            end = _group_end(title, i)
            atoms.append(("group", title[i:end]))
            i = end
        elif ch == "\\":
            end, kind = _macro_end(title, i, balanced)
            atoms.append((kind, title[i:end]))
            i = end
        else:
            atoms.append(("char", ch))
            i += 1
    return atoms


def _balanced(text: str) -> bool:
    depth = 0
    escaped = False
    for ch in text:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _math_end(text: str, start: int) -> int | None:
    """End of the ``$…$`` (or ``$$…$$``) starting at ``start``; None when it never closes."""
    delim = "$$" if text.startswith("$$", start) else "$"
    i = start + len(delim)
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(delim, i):
            return i + len(delim) if i > start + len(delim) else None
        i += 1
    return None


def _group_end(text: str, start: int) -> int:
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        depth += ch == "{"
        depth -= ch == "}"
        i += 1
        if depth == 0:
            return i
    return len(text)


def _macro_end(text: str, start: int, balanced: bool) -> tuple[int, str]:
    """A backslash sequence: a kept macro (with its brace argument), or a literal backslash."""
    i = start + 1
    if i >= len(text):
        return i, "backslash"
    if text[i] in ESCAPED_SYMBOLS:
        return i + 1, "macro"
    if text[i] in ACCENT_SYMBOLS:
        end = i + 1
        if end < len(text) and text[end] == "{" and balanced:
            end = _group_end(text, end)
        elif end < len(text) and text[end] == "\\":  # \"\i
            end = _macro_end(text, end, balanced)[0]
        elif end < len(text) and text[end].isalpha():
            end += 1
        return end, "accent"
    j = i
    while j < len(text) and text[j].isalpha():
        j += 1
    name = text[i:j]
    if not name:
        return i, "backslash"
    end = j
    if end < len(text) and text[end] == "{" and balanced:
        end = _group_end(text, end)
    if name in TEXT_MACROS:
        return end, ("accent" if len(name) == 1 and name in "uvHcdbkrt" else "macro")
    if _is_math_symbol(name):
        return j, "mathmacro"
    return i, "backslash"


@lru_cache(maxsize=512)
def _is_math_symbol(name: str) -> bool:
    converted = _LATEX_TEXT.latex_to_text("\\" + name + " ").strip()
    return len(converted) == 1 and not converted.isascii()


def _render(kind: str, value: str, ascii_only: bool) -> str:
    if kind == "char":
        escaped = TEXT_FOR.get(value, value)
        return encode_unicode(escaped, ascii_only)
    if kind == "backslash":
        return TEXT_FOR["\\"]
    if value in ("\\{", "\\}"):
        return TEXT_FOR[value[1]]
    if kind == "mathmacro":
        return "\\ensuremath{" + value + "}"
    if kind == "accent":
        return "{" + value + "}"  # {\"o}: the form BibTeX sorts and abbreviates correctly
    if kind == "math":
        return "{" + value + "}"  # sentence-casing styles would lower-case $N$ otherwise
    if kind == "group":
        return encode_unicode(value, ascii_only)
    return value


def _words(atoms: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    words: list[list[tuple[str, str]]] = []
    for atom in atoms:
        if atom[0] == "space" or not words or words[-1][0][0] == "space":
            words.append([atom])
        else:
            words[-1].append(atom)
    return words


def _edge_parts(text: str) -> tuple[str, str, str]:
    """(leading punctuation, the word, trailing punctuation): the pattern matches any text."""
    m = _EDGE_PUNCT.match(text)
    assert m is not None
    return m[1], m[2], m[3]


def _plain(word: list[tuple[str, str]]) -> str:
    """The letters a word shows, for case decisions (macros reduced to their text)."""
    out = []
    for kind, value in word:
        if kind in ("char", "space"):
            out.append(value)
        elif kind in ("accent", "macro", "group"):
            out.append(_LATEX_TEXT.latex_to_text(value))
    return "".join(out)


def _is_sentence_case(words: list[str]) -> bool:
    """True when the title is in sentence case: most content words after the first are lower case."""
    initials = [m[0] for w in words[1:] if (m := _LETTERS.search(w)) and len(m[0]) > 3]
    if len(initials) < 2:
        return False
    lower = sum(1 for letters in initials if letters[0].islower())
    return lower * 2 > len(initials)


def _needs_protection(
    plain: str, word: list[tuple[str, str]], new_sentence: bool, sentence_case: bool
) -> bool:
    if any(kind == "math" for kind, _ in word):
        return False  # the maths itself is braced; its neighbours follow the rules below
    core = _edge_parts(plain)[1]
    if not core:
        return False
    parts = re.split(r"[-/]", core)
    if any(any(ch.isupper() for ch in part[1:]) for part in parts):
        return True  # BERT, LLaMA, ImageNet, GPT-4, 3D, LLMs (but not Title-Case "Multi-Task")
    if any(len(part) == 1 and part.isupper() for part in parts[:-1]):
        return True  # Q-Learning, X-Ray
    letters = _LETTERS.search(core)
    if not letters or not core[0].isupper():
        return False
    if unidecode(letters[0]).lower() in PROPER_NOUNS:
        return True
    return sentence_case and not new_sentence  # a capital in a sentence-case title is a name


def _protect(text: str, word: list[tuple[str, str]]) -> str:
    """``{{core}}`` with the word's leading and trailing punctuation left outside."""
    lead, core, trail = _edge_parts(text)
    if not core:
        return text
    return f"{lead}{{{{{core}}}}}{trail}"
