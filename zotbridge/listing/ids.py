"""Find arXiv identifiers and DOIs in free text, and read identifier listings.

Every form of arXiv identifier (docs/listings.md) is recognised anywhere in a line: new-style ids
(``2410.10636``, ``0704.0001v2``), old-style ids (``hep-th/9901001``, ``math.GT/0309136``), the
``arXiv:`` prefix, abs/pdf/html/export/Hugging Face URLs (they contain the id), and the DataCite
DOI ``10.48550/arXiv.<id>`` bare or as a URL. Other DOIs (journal DOIs) are kept as DOIs.

Candidates are validated, not just pattern-matched: a new-style id must have a real month, a
year from 2007 on, four digits up to 1412 and five from 1501 — so ``3.1415`` or a price
``2024.12345`` in prose is not taken for a paper.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from zotbridge.listing.format import Format
from zotbridge.listing.source import Source
from zotbridge.models import ListedPaper, ReadOptions
from zotbridge.normalize import clean_text

log = logging.getLogger(__name__)

# Archives of old-style identifiers (before 2007-04), from arXiv's identifier documentation.
OLD_ARCHIVES = (
    "acc-phys adap-org alg-geom ao-sci astro-ph atom-ph bayes-an chao-dyn chem-ph cmp-lg "
    "comp-gas cond-mat cs dg-ga funct-an gr-qc hep-ex hep-lat hep-ph hep-th math math-ph "
    "mtrl-th nlin nucl-ex nucl-th patt-sol physics plasm-ph q-alg q-bio q-fin quant-ph "
    "solv-int stat supr-con"
).split()

_NEW = r"(?P<{n}>\d{{4}}\.\d{{4,5}})(?:v(?P<{n}v>\d+))?(?!\d)"
_OLD = (
    r"(?P<{n}arch>" + "|".join(sorted(map(re.escape, OLD_ARCHIVES), key=len, reverse=True)) + r")"
    r"(?:\.[A-Za-z][A-Za-z-]+)?/(?P<{n}num>\d{{7}})(?:v(?P<{n}numv>\d+))?(?!\d)"
)
_PATTERN = re.compile(
    # The DataCite DOI first, so its embedded id is reported once, as a DOI.
    r"(?P<adoi>10\.48550/arxiv\.(?:" + _NEW.format(n="dn") + "|" + _OLD.format(n="do") + "))"
    r"|(?P<doi>\b10\.\d{4,9}/[^\s\"'<>{}|\\^`]+)"
    r"|(?<![\w.])" + _NEW.format(n="new") + r"|(?<![\w.-])" + _OLD.format(n="old"),
    re.IGNORECASE,
)
_DOI_TRAILING = ".,;:!?'\""
_URLISH = re.compile(
    r"(?:https?://|www\.)\S*|(?<![\w.-])(?:[\w-]+\.)*(?:arxiv\.org|huggingface\.co|doi\.org)/\S*", re.I
)
_ARXIV_WORD = re.compile(r"\barxiv\s*:?", re.I)
_MARKDOWN = re.compile(r"[\[\]()<>*_`#|]+")
_EDGE = re.compile(r"^[\s\-–—•·:;,.>*+]+|[\s\-–—•·:;,]+$")
_LIST_MARK = re.compile(r"^\s*(?:\d+[.)]\s+|[-*+•]\s+)")


@dataclass(frozen=True)
class FoundId:
    """One identifier found in text: an arXiv id (maybe from its DOI) or another DOI."""

    kind: str  # "arxiv_id" or "doi"
    arxiv_id: str | None
    version: int | None
    doi: str | None
    start: int
    end: int


def _valid_new(ident: str) -> bool:
    yymm, number = ident.split(".")
    yy, mm = int(yymm[:2]), int(yymm[2:])
    if not 1 <= mm <= 12 or yy < 7 or (yy == 7 and mm < 4):
        return False
    return len(number) == (4 if int(yymm) <= 1412 else 5)


def _valid_old(number: str) -> bool:
    yy, mm = int(number[:2]), int(number[2:4])
    return 1 <= mm <= 12 and (yy >= 91 or yy <= 7)


def _trim_doi(doi: str) -> str:
    doi = doi.rstrip(_DOI_TRAILING)
    # A closing bracket belongs to the DOI only if the DOI opened it: "(see 10.1/x(1))".
    for opener, closer in ("()", "[]"):
        while doi.endswith(closer) and doi.count(closer) > doi.count(opener):
            doi = doi[:-1].rstrip(_DOI_TRAILING)
    return doi


def find_ids(text: str) -> list[FoundId]:
    """Every valid identifier in ``text``, in order of appearance."""
    found: list[FoundId] = []
    for m in _PATTERN.finditer(text):
        g = m.groupdict()
        if g["adoi"]:
            arxiv_id, version = _arxiv_from_groups(g, "dn", "do")
            if arxiv_id:
                found.append(FoundId("doi", arxiv_id, version, None, m.start(), m.end()))
        elif g["doi"]:
            doi = _trim_doi(g["doi"])
            found.append(FoundId("doi", None, None, doi, m.start(), m.start() + len(doi)))
        else:
            arxiv_id, version = _arxiv_from_groups(g, "new", "old")
            if arxiv_id:
                found.append(FoundId("arxiv_id", arxiv_id, version, None, m.start(), m.end()))
    return found


def _arxiv_from_groups(g: dict[str, Any], new: str, old: str) -> tuple[str | None, int | None]:
    if g[new]:
        if not _valid_new(g[new]):
            return None, None
        return g[new], _int(g[new + "v"])
    number = g[old + "num"]
    if not _valid_old(number):
        return None, None
    # The subject class ("math.GT/0309136") is not part of the canonical id ("math/0309136").
    return f"{g[old + 'arch'].lower()}/{number}", _int(g[old + "numv"])


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def leftover_title(line: str, found: list[FoundId]) -> str | None:
    """What remains of a line once its identifiers, URLs and list markup are removed, if it
    reads like a title (two words or more): ``- [Attention Is All You Need](https://arxiv.org/
    abs/1706.03762)`` keeps ``Attention Is All You Need``."""
    text = line
    for f in reversed(found):
        text = text[: f.start] + " " + text[f.end :]
    text = _URLISH.sub(" ", text)
    text = _ARXIV_WORD.sub(" ", text)
    text = _LIST_MARK.sub("", text)
    text = _MARKDOWN.sub(" ", text)
    text = _EDGE.sub("", clean_text(text))
    words = [w for w in text.split() if any(c.isalpha() for c in w)]
    return text if len(words) >= 2 else None


def paper_from_line(line: str, source: str, found: list[FoundId]) -> list[ListedPaper]:
    """The papers one line of text names: one per identifier; a title from the rest of the
    line when the line names exactly one paper."""
    title = leftover_title(line, found) if len(found) == 1 else None
    return [
        ListedPaper(
            source=source,
            kind=f.kind,
            title=title,
            arxiv_id=f.arxiv_id,
            arxiv_version=f.version,
            doi=f.doi,
        )
        for f in found
    ]


def read_ids(lines: Iterator[tuple[int, str]], name: str) -> Iterator[ListedPaper]:
    """Identifier listing: every identifier on every line; ``#`` comment lines and blank lines
    are ignored, other lines without an identifier are skipped with a warning."""
    skipped = 0
    for lineno, line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = find_ids(line)
        if found:
            yield from paper_from_line(line, f"{name}:{lineno}", found)
        else:
            skipped += 1
    if skipped:
        log.warning("%s: %d line(s) without an arXiv id or DOI were skipped", name, skipped)


def looks_like_ids(sample_lines: list[str]) -> bool:
    """At least half the content lines carry an arXiv id or a DOI."""
    content = [line for line in sample_lines if line.strip() and not line.lstrip().startswith("#")]
    return bool(content) and sum(1 for line in content if find_ids(line)) * 2 >= len(content)


def read(source: Source, options: ReadOptions) -> Iterator[ListedPaper]:
    return read_ids(source.lines(), source.name)


FORMAT = Format("ids", looks_like_ids, read)
