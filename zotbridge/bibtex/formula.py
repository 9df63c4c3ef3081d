"""Better BibTeX's citation-key formula language: the part users write most, with BBT's meaning.

Sources: ``content/key-manager/formatter.ts`` and ``compile.js`` of retorquere/zotero-better-bibtex
(docs/bibtex.md, "Citation keys", has the rules and what is left out). A formula is alternatives
joined by ``|`` (or ``;``): the first that gives a non-empty key wins. An alternative is terms
joined by ``+``; a term is a function or a quoted literal, followed by filters (``.lower``…).
Arguments are positional or named (``auth(n=0,m=1)``); names of functions and filters are
case-insensitive, as in BBT.

Functions: ``auth(n=0,m=1,creator='*')``, ``authEtal2(creator='*',sep='.')``,
``authorsn(n=0,creator='*',sep=' ')``, ``shorttitle(n=3,m=0)``, ``veryshorttitle(n=1,m=0)``,
``title``, ``year``, ``shortyear`` — and zotbridge's own ``eprint`` (the arXiv id's letters and
digits). Filters: ``lower``, ``upper``, ``fold``, ``nopunct(dash='-')``, ``nopunctordash``,
``condense(sep='')``, ``skipwords``, ``select(start=1,n)``, ``substring(start=1,n)``,
``capitalize``, ``prefix(s)``, ``postfix(s)``. Anything else is refused with an error that says
what is supported: a formula is never silently read another way.

The title's words (BBT's ``titleWords``): markup and ``"`` removed, ``/`` and ``:`` made spaces;
split at white space and en/em dashes; each word without its leading and trailing punctuation
(a ``-`` ending a word joins it to the next); skip words dropped; the punctuation inside a word
deleted (``Actor-Critic`` → ``ActorCritic``, ``U.S.`` → ``US``, but ``$`` and ``^`` stay: TeX is
not interpreted); one-character words dropped unless a digit or a CJK ideograph; skip words dropped
again; each word folded to ASCII.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import regex

from zotbridge.bibtex.fold import fold
from zotbridge.errors import InputError
from zotbridge.models import CiteItem

# BBT's default skipWords (preferences.yaml): English prepositions and articles, and German,
# French, Spanish and Italian articles; "all" and "you" are not among them.
SKIP_WORDS = frozenset(
    "a ab aboard about above across after against al along amid among an and anti around as at before "
    "behind below beneath beside besides between beyond but by d da das de del dell dello dei degli della "
    "delle dem den der des despite die do down du during ein eine einem einen einer eines el en et except "
    "for from gli i il in inside into is l la las le les like lo los near nor of off on onto or over past "
    "per plus round save since so some sur than the through to toward towards un una unas uno unos under "
    "underneath une unlike until up upon versus via von while with within without yet zu zum".split()
)
# compromise's tokenizer: what may stand before or after a word without being part of it
_EDGE = set(" \t\n.[](){}⟨⟩:,،、‒–—―…!‹›«»‐-?‘’;/⁄·&*•^†‡°¡¿※№÷×ºª%‰+−=‱¶′″‴§~|‖¦©℗®℠™¤\"＂'“”‟‛„⹂‚‵‶‷〝`〟")
_LEAD_EDGE = _EDGE - {"^"}  # not confirmed either way for ^; kept at the start, as $ is
_DASHES = regex.compile(r"[\p{Pd}\u2500\uFF0D\u2015]")
_PUNCT = regex.compile(r"[\p{Pe}\p{Pf}\p{Pi}\p{Po}\p{Ps}]")
_CJK = regex.compile(r"\p{Han}")
_TAGS = re.compile(r"<[^>]*>")
# the final pass over a key (citekeyUnsafeChars, plus U+FFFD and white space)
_UNSAFE = re.compile(r"[\\\"#%'(),={}~\ufffd\s]")
# the primary creator type of item types whose first creator is not an author (Zotero's schema)
PRIMARY_CREATOR = {
    "artwork": "artist",
    "audioRecording": "performer",
    "bill": "sponsor",
    "computerProgram": "programmer",
    "film": "director",
    "hearing": "contributor",
    "interview": "interviewee",
    "map": "cartographer",
    "patent": "inventor",
    "podcast": "podcaster",
    "presentation": "presenter",
    "radioBroadcast": "creator",
    "tvBroadcast": "director",
    "videoRecording": "creator",
}
_TOKEN = re.compile(
    r"""\s*(?:(?P<string>'[^']*'|"[^"]*")|(?P<number>-?\d+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[+|;.(),=]))"""
)


def title_words(title: str) -> list[str]:
    """BBT's title words (module docstring), skip words and one-letter words gone, folded."""
    text = _TAGS.sub("", title).replace('"', "")
    text = re.sub(r"[/:]", " ", text)
    raw = [t for t in re.split(r"[\s\u2013\u2014]+", text) if t]
    words: list[str] = []
    joined = ""
    for token in raw:
        word = _trim(token)
        if token.endswith("-") and not token.endswith("--"):
            joined += word + "-"  # "Actor- Critic": one word, as compromise joins them
            continue
        word, joined = joined + word, ""
        if word and word.lower() not in SKIP_WORDS:
            words.append(word)
    if joined:
        words.append(joined)
    out = []
    for word in words:
        word = _PUNCT.sub("", _DASHES.sub("", word))
        if len(word) == 1 and not (word.isdigit() or _CJK.match(word)):
            continue
        if word and word.lower() not in SKIP_WORDS:
            out.append(fold(word))
    return out


def _trim(token: str) -> str:
    start, end = 0, len(token)
    while start < end and token[start] in _LEAD_EDGE:
        start += 1
    while end > start and token[end - 1] in _EDGE:
        end -= 1
    return token[start:end]


def final_key(text: str) -> str:
    """The last pass over every key: folded, the unsafe characters (and control characters,
    which no title should hold) deleted."""
    return "".join(ch for ch in _UNSAFE.sub("", fold(text)) if ch.isprintable())


# --- the parts of an item ----------------------------------------------------------------------------


def creators_for(item: CiteItem, kind: str = "*") -> list[dict[str, str]]:
    """BBT's creator list: the primary type's creators, else editors, translators, the rest."""
    if kind != "*":
        return [c for c in item.creators if c.get("creatorType") == kind]
    primary = PRIMARY_CREATOR.get(item.item_type, "author")
    for wanted in (primary, "editor", "translator"):
        found = [c for c in item.creators if c.get("creatorType") == wanted]
        if found:
            return found
    return [c for c in item.creators if c.get("creatorType") not in (primary, "editor", "translator")]


def family(creator: dict[str, str]) -> str:
    """The stored last name (or one-field name), without wrapping quotes or markup, folded."""
    name = _TAGS.sub("", creator.get("lastName") or creator.get("name") or "")
    if len(name) > 1 and name.startswith('"') and name.endswith('"'):
        name = name[1:-1]
    return fold(name)


def year_of(date: str) -> str:
    """The year of a stored date (ISO, "May 2019", "2/2016", EDTF); an unreadable date as it is."""
    m = re.search(r"(?<!\d)(\d{4})(?!\d)", date)
    return m.group(1) if m else date.strip()


# --- the language --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...]


Term = tuple[Call | str, tuple[Call, ...]]  # (function or literal, filters)


def _auth(item: CiteItem, n: int = 0, m: int = 1, creator: str = "*") -> str:
    people = creators_for(item, creator)
    if not 1 <= m <= len(people):
        return ""
    name = family(people[m - 1])
    return name[:n] if n > 0 else name


def _auth_etal2(item: CiteItem, creator: str = "*", sep: str = ".") -> str:
    names = [family(c) for c in creators_for(item, creator)]
    if len(names) <= 2:
        return sep.join(names)
    return names[0] + sep + "etal"


def _authorsn(item: CiteItem, n: int = 0, creator: str = "*", sep: str = " ") -> str:
    names = [family(c) for c in creators_for(item, creator)]
    if n > 0 and len(names) > n:
        return sep.join(names[:n]) + sep + "EtAl"
    return sep.join(names)


def _shorttitle(item: CiteItem, n: int = 3, m: int = 0) -> str:
    words = title_words(item.title)[:n]
    return "".join(w[:1].upper() + w[1:] if i < m else w for i, w in enumerate(words))


FUNCTIONS: dict[str, Callable[..., str]] = {
    "auth": _auth,
    "authetal2": _auth_etal2,
    "authorsn": _authorsn,
    "shorttitle": _shorttitle,
    "veryshorttitle": lambda item, n=1, m=0: _shorttitle(item, n, m),
    "title": lambda item: "".join(title_words(item.title)),
    "year": lambda item: year_of(item.date),
    "shortyear": lambda item: year_of(item.date)[-2:].zfill(2) if year_of(item.date).isdigit() else "",
    "eprint": lambda item: re.sub(r"[^A-Za-z0-9]", "", item.arxiv_id or ""),
}


def _select(text: str, start: int = 1, n: int | None = None) -> str:
    words = text.split()
    first = start - 1 if start > 0 else (len(words) + start if start < 0 else 0)
    return " ".join(words[first : None if n is None else first + n])


def _substring(text: str, start: int = 1, n: int | None = None) -> str:
    first = max(start, 1) - 1
    return text[first : None if n is None else first + n]


FILTERS: dict[str, Callable[..., str]] = {
    "lower": str.lower,
    "upper": str.upper,
    "fold": lambda text: fold(text),
    "nopunct": lambda text, dash="-": _PUNCT.sub("", _DASHES.sub(dash, text)),
    "nopunctordash": lambda text: _PUNCT.sub("", _DASHES.sub("", text)),
    "condense": lambda text, sep="": re.sub(r"\s+", sep, text),
    "skipwords": lambda text: " ".join(title_words(text)),
    "select": _select,
    "substring": _substring,
    "capitalize": lambda text: re.sub(r"\b[a-z]", lambda m: m.group(0).upper(), text),
    "prefix": lambda text, s="": s + text if text else "",
    "postfix": lambda text, s="": text + s if text else "",
}
PARAMETERS = {
    "auth": ("n", "m", "creator"),
    "authetal2": ("creator", "sep"),
    "authorsn": ("n", "creator", "sep"),
    "shorttitle": ("n", "m"),
    "veryshorttitle": ("n", "m"),
    "nopunct": ("dash",),
    "condense": ("sep",),
    "select": ("start", "n"),
    "substring": ("start", "n"),
    "prefix": ("s",),
    "postfix": ("s",),
}
HINT = (
    "supported: functions "
    + ", ".join(["auth", "authEtal2", *sorted(set(FUNCTIONS) - {"auth", "authetal2"})])
    + "; filters ."
    + ", .".join(sorted(FILTERS))
    + '; literals "text"; + to join, | for fallbacks '
    "(docs/bibtex.md)"
)


@dataclass(frozen=True)
class Formula:
    """A parsed key formula: alternatives of terms."""

    text: str
    alternatives: tuple[tuple[Term, ...], ...]

    @classmethod
    def parse(cls, text: str) -> Formula:
        tokens = _tokens(text)
        alternatives: list[tuple[Term, ...]] = []
        terms: list[Term] = []
        position = 0
        while True:
            term, position = _term(text, tokens, position)
            terms.append(term)
            if position == len(tokens):
                break
            kind, value = tokens[position]
            if value == "+":
                position += 1
            elif value in ("|", ";"):
                alternatives.append(tuple(terms))
                terms = []
                position += 1
            else:
                raise _refused(text, f"unexpected {value!r}")
        alternatives.append(tuple(terms))
        return cls(text, tuple(alternatives))

    def evaluate(self, item: CiteItem) -> str:
        """The key this formula gives the item (before any collision postfix); "" when none."""
        for terms in self.alternatives:
            key = final_key("".join(_value(term, item) for term in terms))
            if key:
                return key
        return ""


def _tokens(text: str) -> list[tuple[str, str]]:
    out, position = [], 0
    while position < len(text.rstrip()):
        m = _TOKEN.match(text, position)
        if not m:
            raise _refused(text, f"cannot read {text[position:].strip()[:20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        position = m.end()
    if not out:
        raise _refused(text, "it is empty")
    return out


def _term(text: str, tokens: list[tuple[str, str]], position: int) -> tuple[Term, int]:
    if position >= len(tokens):
        raise _refused(text, "it ends where a term should be")
    kind, value = tokens[position]
    head: Call | str
    if kind == "string":
        head, position = value[1:-1], position + 1
    elif kind == "name":
        head, position = _call(text, tokens, position, FUNCTIONS, "function")
    else:
        raise _refused(text, f"a term cannot start with {value!r}")
    filters = []
    while position < len(tokens) and tokens[position][1] == ".":
        call, position = _call(text, tokens, position + 1, FILTERS, "filter")
        filters.append(call)
    return (head, tuple(filters)), position


def _call(
    text: str, tokens: list[tuple[str, str]], position: int, known: dict[str, Any], what: str
) -> tuple[Call, int]:
    if position >= len(tokens) or tokens[position][0] != "name":
        raise _refused(text, f"a {what} name is missing")
    if what == "function" and tokens[position][1][:1].isupper():  # BBT: direct field access
        raise _refused(text, f"{tokens[position][1]!r}: reading a Zotero field directly is not supported")
    name = tokens[position][1].lower()
    if name not in known:
        raise _refused(text, f"{tokens[position][1]!r} is not a {what} zotbridge knows")
    position += 1
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    if position < len(tokens) and tokens[position][1] == "(":
        position += 1
        while position < len(tokens) and tokens[position][1] != ")":
            kind, value = tokens[position]
            if kind == "name" and position + 1 < len(tokens) and tokens[position + 1][1] == "=":
                if value not in PARAMETERS.get(name, ()):
                    raise _refused(text, f"{name}() has no parameter {value!r} zotbridge supports")
                kwargs[value] = _argument(
                    text, tokens[position + 2] if position + 2 < len(tokens) else ("", "")
                )
                position += 3
            else:
                if kwargs:
                    raise _refused(text, "a positional argument after a named one")
                args.append(_argument(text, (kind, value)))
                position += 1
            if position < len(tokens) and tokens[position][1] == ",":
                position += 1
        if position >= len(tokens):
            raise _refused(text, f"{name}( is not closed")
        position += 1
    if len(args) + len(kwargs) > len(PARAMETERS.get(name, ())):
        raise _refused(text, f"{name}() takes at most {len(PARAMETERS.get(name, ()))} arguments")
    return Call(name, tuple(args), tuple(kwargs.items())), position


def _argument(text: str, token: tuple[str, str]) -> Any:
    kind, value = token
    if kind == "number":
        return int(value)
    if kind == "string":
        return value[1:-1]
    if kind == "name" and value in ("author", "editor", "translator", "collaborator"):
        return value
    raise _refused(text, f"cannot read the argument {value!r}")


def _value(term: Term, item: CiteItem) -> str:
    head, filters = term
    value = head if isinstance(head, str) else FUNCTIONS[head.name](item, *head.args, **dict(head.kwargs))
    for call in filters:
        value = FILTERS[call.name](value, *call.args, **dict(call.kwargs))
    return value


def _refused(text: str, why: str) -> InputError:
    return InputError(f"citation key formula {text!r}: {why}", HINT)
