"""arXiv's query language as today's server reads it, evaluated over the emulator's index.

Since 2025-11-11 the API is arxiv-search's ``classic_api`` (docs/sandbox.md names the sources): a
regex pass that repairs queries, a Lark grammar, one Elasticsearch ``query_string`` per term.
What that means, and what this module reproduces:

* operators are ``AND``, ``OR``, ``ANDNOT`` and ``NOT`` (read as ``ANDNOT``), **upper case
  only**; ``and``/``or`` are ordinary (stop) words;
* a space between two terms is **OR** (``fix_missing_operators``);
* **no precedence**: ``expression operator expression`` is right-associative, so
  ``ti:a AND ti:b OR ti:c`` is ``ti:a AND (ti:b OR ti:c)``;
* ``ti:(a b)`` distributes the field over the group;
* ``ti:""`` is an empty term, which the query builder turns into ``match_all``: every record,
  all with the same score (``X OR match_all`` is ``match_all``);
* a quoted phrase on ``ti``/``abs`` is searched on the standard and the English sub-field and
  scored by the better of the two (``dis_max``); an unquoted word only on the English one;
* relevance is BM25; ties have no defined order (the emulator breaks them at random, seeded
  by the query, so one query always gives one order);
* a query that cannot be parsed is an HTTP 400 error feed.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from zotbridge.sandbox.arxiv_analysis import english, folded, without_stop_words, words
from zotbridge.sandbox.arxiv_corpus import FIELDS, Corpus

K1, B = 1.2, 0.75
_LEX = re.compile(
    r"\s*(?:(?P<open>\()|(?P<close>\))|(?:(?P<field>[A-Za-z_]+):)?"
    r'(?:"(?P<phrase>[^"]*)"|\[(?P<range>[^\]]*)\]|(?P<group>\()|(?P<word>[^\s()"]+)))'
)
_OPERATORS = {"AND": "AND", "OR": "OR", "ANDNOT": "ANDNOT", "NOT": "ANDNOT"}
_DATE_FIELDS = {"submitteddate": "published", "lastupdateddate": "updated"}


class QueryError(ValueError):
    """A query the server refuses (HTTP 400 with an error feed)."""


@dataclass
class Term:
    field: str
    text: str
    quoted: bool


@dataclass
class Range:
    field: str
    low: datetime
    high: datetime


@dataclass
class MatchAll:
    """What an empty term (``ti:""``) becomes."""


@dataclass
class Bool:
    op: str  # "AND", "OR", "ANDNOT"
    left: Node
    right: Node


Node = Term | Range | MatchAll | Bool
Token = tuple[str, object]  # ("(" | ")" | "op" | "term", value)


def parse(query: str) -> Node:
    tokens = _lex(query)
    if not tokens:
        raise QueryError("empty query")
    node, pos = _expression(tokens, 0, None)
    if pos != len(tokens):
        raise QueryError(f"unexpected {tokens[pos][1]!r} in query")
    return node


def _lex(query: str) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    pos = 0
    while query[pos:].strip():
        m = _LEX.match(query, pos)
        if not m or m.end() == pos:
            raise QueryError(f"cannot parse query near {query[pos : pos + 20]!r}")
        pos = m.end()
        field = m["field"].lower() if m["field"] else None
        if m["open"]:
            out.append(("(", None))
        elif m["close"]:
            out.append((")", None))
        elif m["group"]:
            out.append(("(", field))
        elif m["word"] in _OPERATORS and not field:
            out.append(("op", _OPERATORS[m["word"]]))
        elif m["range"] is not None:
            out.append(("term", _range(field or "all", m["range"])))
        elif m["phrase"] is not None:
            out.append(("term", Term(field or "", m["phrase"], True)))
        else:
            out.append(("term", Term(field or "", m["word"], False)))
    return out


def _range(field: str, text: str) -> Range:
    if field not in _DATE_FIELDS:
        raise QueryError(f"range search is not supported on {field}")
    m = re.fullmatch(r"\s*(\d{8,12})\s+TO\s+(\d{8,12})\s*", text)
    if not m:
        raise QueryError(f"malformed date range [{text}]")

    def stamp(value: str) -> datetime:
        value = value.ljust(12, "0")
        return datetime.strptime(value, "%Y%m%d%H%M").replace(tzinfo=UTC)

    return Range(field, stamp(m[1]), stamp(m[2]))


def _expression(tokens: list[Token], pos: int, field: str | None) -> tuple[Node, int]:
    """operand [operator expression]; a missing operator is OR; right-associative."""
    left, pos = _operand(tokens, pos, field)
    if pos >= len(tokens) or tokens[pos][0] == ")":
        return left, pos
    op = "OR"
    if tokens[pos][0] == "op":
        op = str(tokens[pos][1])
        pos += 1
    right, pos = _expression(tokens, pos, field)
    return Bool(op, left, right), pos


def _operand(tokens: list[Token], pos: int, field: str | None) -> tuple[Node, int]:
    if pos >= len(tokens):
        raise QueryError("query ends where a term was expected")
    kind, value = tokens[pos]
    if kind == "(":
        node, pos = _expression(tokens, pos + 1, str(value) if value else field)
        if pos >= len(tokens) or tokens[pos][0] != ")":
            raise QueryError("unbalanced parentheses in query")
        return node, pos + 1
    if isinstance(value, Term):
        term = Term(value.field or field or "all", value.text, value.quoted)
        return (MatchAll() if term.quoted and not term.text.strip() else term), pos + 1
    if isinstance(value, Range):
        return value, pos + 1
    raise QueryError(f"unexpected {value!r} in query")


def evaluate(node: Node, corpus: Corpus) -> dict[str, float] | None:
    """Matching paper ids with their relevance score; ``None`` means every paper (match_all)."""
    if isinstance(node, MatchAll):
        return None
    if isinstance(node, Term):
        return _term(node, corpus)
    if isinstance(node, Range):
        attr = _DATE_FIELDS[node.field]
        return {pid: 0.0 for pid, p in corpus.papers.items() if node.low <= getattr(p, attr) <= node.high}
    left, right = evaluate(node.left, corpus), evaluate(node.right, corpus)
    if node.op == "OR":
        if left is None or right is None:
            return None
        return {pid: left.get(pid, 0.0) + right.get(pid, 0.0) for pid in left.keys() | right.keys()}
    if node.op == "AND":
        if left is None or right is None:
            return right if left is None else left
        return {pid: score + right[pid] for pid, score in left.items() if pid in right}
    if right is None:
        return {}
    everything = {pid: 1.0 for pid in corpus.papers} if left is None else left
    return {pid: score for pid, score in everything.items() if pid not in right}


def ranked(scores: dict[str, float] | None, corpus: Corpus, seed: str) -> list[str]:
    """Paper ids by descending score, ties in an order of their own (seeded by ``seed``)."""
    rng = random.Random(seed)
    pool = {pid: 1.0 for pid in corpus.papers} if scores is None else scores
    tiebreak = {pid: rng.random() for pid in pool}
    return sorted(pool, key=lambda pid: (-pool[pid], tiebreak[pid]))


def _term(term: Term, corpus: Corpus) -> dict[str, float]:
    field = term.field
    if field in ("ti", "abs"):
        english_scores = _phrase(corpus, f"{field}.english", english(term.text))
        if not term.quoted:
            return english_scores
        # the quote analyzer: `simple` (stop words dropped) for titles; the standard one for abstracts
        plain = without_stop_words(term.text) if field == "ti" else words(term.text)
        plain_scores = _phrase(corpus, field, plain)
        return {
            pid: max(english_scores.get(pid, 0.0), plain_scores.get(pid, 0.0))
            for pid in english_scores.keys() | plain_scores.keys()
        }
    if field == "all":
        return _phrase(corpus, "all", folded(term.text))
    if field in ("cat", "id"):
        return _phrase(corpus, field, [term.text.strip().lower()])
    if field in FIELDS:
        return _phrase(corpus, field, words(term.text))
    return {}


def _phrase(corpus: Corpus, index: str, stream: list[Any]) -> dict[str, float]:
    """BM25 of a phrase (consecutive positions; a stop word's gap matches any one word)."""
    wanted = [(offset, token) for offset, token in enumerate(stream) if token is not None]
    if not wanted:
        return {}
    postings = corpus.postings[index]
    found = [postings.get(token) for _, token in wanted]
    lists = [p for p in found if p is not None]
    if len(lists) < len(found):
        return {}
    candidates = set(lists[0]).intersection(*lists[1:]) if len(lists) > 1 else set(lists[0])
    idf = sum(corpus.idf(index, token) for _, token in wanted)
    avg = corpus.avg_length(index)
    first_offset = wanted[0][0]
    scores: dict[str, float] = {}
    for pid in candidates:
        if len(lists) == 1:
            tf = len(lists[0][pid])
        else:
            follow = [(offset - first_offset, set(p[pid])) for (offset, _), p in zip(wanted[1:], lists[1:])]
            tf = sum(1 for s in lists[0][pid] if all(s + d in positions for d, positions in follow))
        if tf:
            length = corpus.lengths[index][pid]
            scores[pid] = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg))
    return scores
