"""Hugging Face papers pages copied as text (docs/listings.md).

The reader does not count lines in pairs: it classifies each line, so a paper without an
abstract, a multi-paragraph abstract or two pages pasted one after the other do not shift every
later paper. A line is

* page chrome (``new``, ``Subscribe``, ``Daily Papers``, ``byAK and …``, ``Get trending …``),
* paper metadata (``• 4 authors``, ``·``, a date such as ``Jul 3, 2024`` or ``Sep 16 2`` with an
  upvote count, a bare number),
* an abstract: long (≥ 300 characters), or at least 150 characters ending in a full stop or
  holding several sentences (a title such as ``Is Prompt All You Need? No. A Comprehensive …``
  has sentences too, but is short),
* otherwise a title, which starts a new paper.

On the shared pages titles are at most 153 characters and abstracts at least 485, so the
300-character line is far from both. The first title may be glued to the header word
``Subscribe`` (``SubscribeTokens-to-Token ViT…``); it is split off while still in the header.

**Dates without a year.** Hugging Face writes the year only for dates outside the current year.
The page's year is therefore taken as one more than the latest year written on the page (never
later than today's year; today's year if the page writes none), or ``--listing-year``. A
yearless date later in the year than the page's own date (the ``Nov 5`` under the header), or
than today when the page has no date, belongs to the year before. Such dates are flagged
``year_inferred``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from zotbridge.listing.format import Format
from zotbridge.listing.source import Source
from zotbridge.models import ListedPaper, ReadOptions
from zotbridge.normalize import clean_text

CHROME = {
    "new",
    "subscribe",
    "daily papers",
    "trending papers",
    "byak and the research community",
    "get trending papers in your email inbox!",
    "get trending papers in your email inbox once a day!",
    "upvote",
}
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
DATE_RE = re.compile(
    r"^(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<day>\d{1,2})"
    r"(?:,\s*(?P<year>\d{4}))?(?:\s+(?P<upvotes>\d+))?$",
    re.IGNORECASE,
)
AUTHORS_RE = re.compile(r"^[•·*\-–]?\s*(?P<n>\d+)\s+authors?$", re.IGNORECASE)
_SEPARATOR_OR_NUMBER = re.compile(r"^(?:[·•\-–—|]+|\d+)$")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]")
ABSTRACT_MIN_CHARS = 300
SHORT_ABSTRACT_MIN_CHARS = 150  # below this, even "Is X All You Need? No. A …" is a title
HF_MARKERS = ("get trending papers", "byak and the research community")


def is_abstract(line: str) -> bool:
    """True for a line that reads as an abstract (see the module docstring)."""
    if len(line) >= ABSTRACT_MIN_CHARS:
        return True
    if len(line) < SHORT_ABSTRACT_MIN_CHARS:
        return False
    return line.endswith(".") or len(_SENTENCE_BREAK.findall(line)) >= 2


def looks_like_hf_listing(sample_lines: list[str]) -> bool:
    """Detection: Hugging Face page chrome, or at least one abstract-like paragraph."""
    for line in sample_lines:
        low = line.strip().lower()
        if any(marker in low for marker in HF_MARKERS) or is_abstract(line.strip()):
            return True
    return False


@dataclass
class _Date:
    month: int
    day: int
    year: int | None


def _parse_date(line: str) -> tuple[_Date, int | None] | None:
    m = DATE_RE.match(line)
    if not m:
        return None
    month, day = _MONTHS[m["mon"][:3].lower()], int(m["day"])
    year = int(m["year"]) if m["year"] else None
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: Feb 29 stays valid
    except ValueError:
        return None
    return _Date(month, day, year), (int(m["upvotes"]) if m["upvotes"] else None)


def _split_glued_header(line: str) -> str | None:
    """``SubscribeTokens-to-Token ViT…`` -> ``Tokens-to-Token ViT…`` (None if not glued)."""
    if line.startswith("Subscribe") and len(line) > len("Subscribe"):
        rest = line[len("Subscribe") :]
        if rest[0].isupper() or rest[0].isdigit():
            return rest
    return None


class _YearRule:
    """Fills the year of dates the page printed without one (module docstring)."""

    def __init__(
        self, explicit_years: list[int], page_date: _Date | None, listing_year: int | None, today: dt.date
    ):
        if listing_year is not None:
            year = listing_year
        elif explicit_years:
            year = min(max(explicit_years) + 1, today.year)
        else:
            year = today.year
        self.page_year = year
        if page_date is not None:
            self.cutoff = (page_date.month, page_date.day)
        elif year == today.year:
            self.cutoff = (today.month, today.day)
        else:
            self.cutoff = (12, 31)

    def year_of(self, date: _Date) -> int:
        return self.page_year if (date.month, date.day) <= self.cutoff else self.page_year - 1


def read_hf_listing(
    lines: Callable[[], Iterator[tuple[int, str]]],
    name: str,
    listing_year: int | None = None,
    today: dt.date | None = None,
) -> Iterator[ListedPaper]:
    """Papers of a Hugging Face page. ``lines`` is called twice: a first pass collects the
    years the page writes (for the year rule), the second yields papers as it goes."""
    explicit = []
    for _, line in lines():
        if len(line) < 40 and (found := _parse_date(line.strip())) and found[0].year:
            explicit.append(found[0].year)
    page_date: list[_Date] = []  # filled while reading the header
    rule: _YearRule | None = None

    def year_rule() -> _YearRule:
        nonlocal rule
        if rule is None:
            rule = _YearRule(
                explicit, page_date[0] if page_date else None, listing_year, today or dt.date.today()
            )
        return rule

    current: ListedPaper | None = None
    in_header = True
    meta_seen = False
    for lineno, raw in lines():
        line = clean_text(raw)
        if not line:
            continue
        low = line.lower()
        if low in CHROME or low.startswith("get trending papers"):
            if current is not None:  # a second page pasted after the first
                yield current
                current = None
            in_header = True
            continue
        if in_header and (glued := _split_glued_header(line)):
            line = glued
        date = _parse_date(line)
        if date is not None:
            parsed, upvotes = date
            if in_header or current is None:
                if not page_date:
                    page_date.append(parsed)
            elif current.date is None:
                year = parsed.year or year_rule().year_of(parsed)
                current.date = dt.date(year, parsed.month, parsed.day).isoformat()
                current.year = year
                current.year_inferred = parsed.year is None
                current.upvotes = upvotes
                meta_seen = True
            continue
        if (m := AUTHORS_RE.match(line)) and current is not None:
            current.authors_count = int(m["n"])
            meta_seen = True
            continue
        if _SEPARATOR_OR_NUMBER.match(line):
            continue
        if is_abstract(line):
            if current is not None and not meta_seen:
                current.abstract = f"{current.abstract} {line}" if current.abstract else line
            continue
        in_header = False
        if current is not None:
            yield current
        current = ListedPaper(source=f"{name}:{lineno}", kind="hf_listing", title=line)
        meta_seen = False
    if current is not None:
        yield current


def read(source: Source, options: ReadOptions) -> Iterator[ListedPaper]:
    return read_hf_listing(source.lines, source.name, options.listing_year, options.today)


FORMAT = Format("hf", looks_like_hf_listing, read)
