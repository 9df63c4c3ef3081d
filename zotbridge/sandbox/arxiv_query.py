"""The arXiv query language (docs/arxiv-api.md §1) parsed and evaluated like a token search.

Grammar (operators upper case, as arXiv requires)::

    query   := clause (("OR") clause)*
    clause  := unary (("AND" | "ANDNOT" | <space>) unary)*
    unary   := "(" query ")" | [field ":"] ( '"' phrase '"' | word | "[" from " TO " to "]" )

``AND``/``ANDNOT`` (and terms joined by a space, read as AND) bind tighter than ``OR``. A bare
term searches ``all``. A word holding punctuation (``ti:self-supervised``) is a phrase of its
tokens, as in Lucene. Scores are BM25 sums over the positive terms, so ranking follows how
many and how rare the matched tokens are, not substring tricks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from zotbridge.sandbox.arxiv_corpus import FIELDS, Corpus, tokenize

K1, B = 1.2, 0.75
_LEX = re.compile(
    r'\s*(?:(?P<open>\()|(?P<close>\))|(?:(?P<field>[A-Za-z_]+):)?'
    r'(?:"(?P<phrase>[^"]*)"|\[(?P<range>[^\]]*)\]|(?P<word>[^\s()"]+)))'
)
_DATE_FIELDS = {"submitteddate": "published", "lastupdateddate": "updated"}


class QueryError(ValueError):
    """A query the server refuses (HTTP 400 with an error feed)."""


@dataclass
class Term:
    field: str
    tokens: list[str]
    raw: str = ""


@dataclass
class Range:
    field: str
    low: datetime
    high: datetime


@dataclass
class Bool:
    op: str  # "AND", "OR", "ANDNOT"
    left: object
    right: object


def parse(query: str):
    tokens = _lex(query)
    node, pos = _parse_or(tokens, 0)
    if pos != len(tokens):
        raise QueryError(f"unexpected {tokens[pos][1]!r} in query")
    return node


def _lex(query: str) -> list[tuple[str, object]]:
    out, pos = [], 0
    while pos < len(query):
        if query[pos:].strip() == "":
            break
        m = _LEX.match(query, pos)
        if not m or m.end() == pos:
            raise QueryError(f"cannot parse query near {query[pos:pos + 20]!r}")
        pos = m.end()
        if m["open"]:
            out.append(("(", "("))
        elif m["close"]:
            out.append((")", ")"))
        elif m["word"] in ("AND", "OR", "ANDNOT") and not m["field"]:
            out.append(("op", m["word"]))
        else:
            field = (m["field"] or "all").lower()
            if m["range"] is not None:
                out.append(("term", _range(field, m["range"])))
            else:
                text = m["phrase"] if m["phrase"] is not None else m["word"]
                out.append(("term", Term(field, _field_tokens(field, text), text)))
    return out


def _field_tokens(field: str, text: str) -> list[str]:
    if field in ("cat", "id"):
        return [text.strip().lower()]
    return tokenize(text)


def _range(field: str, text: str) -> Range:
    if field not in _DATE_FIELDS:
        raise QueryError(f"range search is not supported on {field}")
    m = re.fullmatch(r"\s*(\d{8,12})\s+TO\s+(\d{8,12})\s*", text)
    if not m:
        raise QueryError(f"malformed date range [{text}]")

    def stamp(value: str) -> datetime:
        value = value.ljust(12, "0")
        return datetime.strptime(value, "%Y%m%d%H%M").replace(tzinfo=timezone.utc)

    return Range(field, stamp(m[1]), stamp(m[2]))


def _parse_or(tokens, pos):
    left, pos = _parse_and(tokens, pos)
    while pos < len(tokens) and tokens[pos] == ("op", "OR"):
        right, pos = _parse_and(tokens, pos + 1)
        left = Bool("OR", left, right)
    return left, pos


def _parse_and(tokens, pos):
    left, pos = _parse_unary(tokens, pos)
    while pos < len(tokens) and tokens[pos][0] != ")" and tokens[pos] != ("op", "OR"):
        op = "AND"
        if tokens[pos][0] == "op":
            op = tokens[pos][1]
            pos += 1
        right, pos = _parse_unary(tokens, pos)
        left = Bool(op, left, right)
    return left, pos


def _parse_unary(tokens, pos):
    if pos >= len(tokens):
        raise QueryError("query ends where a term was expected")
    kind, value = tokens[pos]
    if kind == "(":
        node, pos = _parse_or(tokens, pos + 1)
        if pos >= len(tokens) or tokens[pos][0] != ")":
            raise QueryError("unbalanced parentheses in query")
        return node, pos + 1
    if kind == "term":
        return value, pos + 1
    raise QueryError(f"unexpected {value!r} in query")


def evaluate(node, corpus: Corpus) -> dict[str, float]:
    """Matching paper ids with their relevance score."""
    if isinstance(node, Term):
        return _term(node, corpus)
    if isinstance(node, Range):
        attr = _DATE_FIELDS[node.field]
        return {pid: 0.0 for pid, p in corpus.papers.items() if node.low <= getattr(p, attr) <= node.high}
    left, right = evaluate(node.left, corpus), evaluate(node.right, corpus)
    if node.op == "OR":
        return {pid: left.get(pid, 0.0) + right.get(pid, 0.0) for pid in left.keys() | right.keys()}
    if node.op == "AND":
        return {pid: score + right[pid] for pid, score in left.items() if pid in right}
    return {pid: score for pid, score in left.items() if pid not in right}


def _term(term: Term, corpus: Corpus) -> dict[str, float]:
    field = term.field if term.field in (*FIELDS, "all") else None
    if field is None or not term.tokens:
        return {}
    postings = corpus.postings[field]
    lists = [postings.get(tok) for tok in term.tokens]
    if any(p is None for p in lists):
        return {}
    candidates = set(lists[0]).intersection(*lists[1:]) if len(lists) > 1 else set(lists[0])
    idf = sum(corpus.idf(field, tok) for tok in term.tokens)
    avg = corpus.avg_length(field)
    scores = {}
    for pid in candidates:
        if len(lists) == 1:
            tf = len(lists[0][pid])
        else:  # phrase: count starts where every next token follows
            follow = [set(p[pid]) for p in lists[1:]]
            tf = sum(1 for s in lists[0][pid] if all(s + i + 1 in f for i, f in enumerate(follow)))
        if tf:
            length = corpus.lengths[field][pid]
            scores[pid] = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg))
    return scores
