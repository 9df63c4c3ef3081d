"""A deliberately hard arXiv corpus for measuring the matcher (tests, bench, demo).

Built from the shared material, deterministically (``seed``):

* the shared seed records (real ids, titles, authors) — the answers of the labelled set;
* every other paper of the listings as a distractor, with a synthetic id in a range real
  arXiv ids do not reach in a month (``YYMM.9NNNN``); a labelled paper without a seed record
  gets its labelled id;
* traps next to labelled papers: the **same title with another abstract**, an **X++**
  follow-up, **A Survey on X**; and on the true records themselves, a **title changed** in a
  later version and an **abstract reworded** in a later version (the listing keeps v1's text).

Each trap row carries ``"trap": kind`` (and ``"trap_of": id``) so tests can find them; the
emulator ignores unknown keys, like the real snapshot's extra columns.

:func:`flood` adds the **large-corpus mode**: on 2.7M real titles a short or common title phrase
(``World Models``, ``Learning without Forgetting``, ``large language models``) has thousands of
hits, so one ``max_results`` shared by a batch of phrases cuts answers short. The flood gives every
listing title of at most four words, and the listings' most common title phrases, ``per_phrase``
other papers whose titles contain them, under ids no real month reaches (``YYMM.8NNNN``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from zotbridge.listing import ReadOptions, read_listings
from zotbridge.models import ListedPaper
from zotbridge.normalize import normalize_title

_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _rfc822(year: int, month: int, day: int) -> str:
    return f"Mon, {day} {_MONTHS[month - 1]} {year} 10:00:00 GMT"


def _row(
    ident: str, title: str, abstract: str, authors: list[str], when: tuple[int, int, int], **extra: Any
) -> dict[str, Any]:
    row = {
        "id": ident,
        "submitter": None,
        "authors": ", ".join(authors),
        "title": title,
        "comments": None,
        "journal-ref": None,
        "doi": None,
        "report-no": None,
        "categories": "cs.LG",
        "license": None,
        "abstract": abstract,
        "versions": [{"version": "v1", "created": _rfc822(*when)}],
        "update_date": None,
    }
    row.update(extra)
    return row


def _names(rng: random.Random, count: int) -> list[str]:
    first = "Ana Bo Chen Dana Eli Femi Gita Hao Ines Jon Kai Lea Mo Nia Omar Pia".split()
    last = "Li Wang Smith Garcia Kim Müller Rossi Tanaka Okafor Novak Silva Khan Berg Dubois".split()
    return [f"{rng.choice(first)} {rng.choice(last)}" for _ in range(max(1, count))]


def _another_abstract(rng: random.Random, abstracts: list[str]) -> str:
    """A new abstract (sentences of several papers): no record of the corpus has this text."""
    return ". ".join(rng.choice(rng.choice(abstracts).split(". ")) for _ in range(6))


def _reword(rng: random.Random, abstract: str, other: str) -> str:
    """A later version's abstract: about a third of the sentences replaced or dropped."""
    sentences = [s for s in abstract.split(". ") if s]
    replacements = [s for s in other.split(". ") if s]
    for i in rng.sample(range(len(sentences)), k=max(1, len(sentences) // 3)):
        sentences[i] = rng.choice(replacements) if replacements else sentences[i]
    return ". ".join(sentences)


def labelled_papers(papers: list[ListedPaper], labels: list[dict[str, Any]]) -> list[tuple[ListedPaper, str]]:
    """(listed paper, true arXiv id) of each label of seed-labels.jsonl, whose ``entry`` is a
    0-based position in the listing file ``listing``."""
    by_position: dict[tuple[str, int], ListedPaper] = {}
    counters: dict[str, int] = {}
    for paper in papers:
        name = Path(paper.source.rsplit(":", 1)[0]).name
        by_position[(name, counters.get(name, 0))] = paper
        counters[name] = counters.get(name, 0) + 1
    return [(by_position[(label["listing"], label["entry"])], label["arxiv_id"]) for label in labels]


def build(listings: Iterable[Path], seed_records: Path, labels: Path, seed: int = 0) -> list[dict[str, Any]]:
    """Snapshot-format rows of the hard corpus."""
    rng = random.Random(seed)
    papers = list(read_listings([str(p) for p in listings], ReadOptions(listing_year=2025)))
    seeds = [json.loads(line) for line in open(seed_records, encoding="utf-8") if line.strip()]
    label_rows = [json.loads(line) for line in open(labels, encoding="utf-8") if line.strip()]
    rows = {r["id"]: r for r in seeds}
    labelled_titles = {}
    for paper, arxiv_id in labelled_papers(papers, label_rows):
        labelled_titles[normalize_title(paper.title or "")] = arxiv_id
        if arxiv_id not in rows:
            rows[arxiv_id] = _row(
                arxiv_id,
                paper.title or "",
                paper.abstract or "",
                _names(rng, paper.authors_count or 4),
                (2022, 7, 1),
            )
    seed_titles = {normalize_title(r["title"]) for r in rows.values()}
    abstracts = [p.abstract for p in papers if p.abstract]
    number = 90000
    for paper in papers:
        key = normalize_title(paper.title or "")
        if paper.duplicate_of is not None or key in labelled_titles or key in seed_titles:
            continue
        year, month, day = (
            (int(x) for x in paper.date.split("-")) if paper.date else (2023, rng.randint(1, 12), 1)
        )
        ident = f"{year % 100:02d}{month:02d}.{number}"
        number += 1
        rows[ident] = _row(
            ident,
            paper.title or "",
            paper.abstract or "",
            _names(rng, paper.authors_count or rng.randint(2, 9)),
            (year, month, day),
        )
    for i, true_id in enumerate(id for _, id in sorted(labelled_titles.items())):
        true = rows[true_id]
        other = _another_abstract(rng, abstracts)
        traps = [
            ("same_title", true["title"], other),
            ("plusplus", _plusplus(true["title"]), _reword(rng, other, true["abstract"])),
            ("survey", f"A Survey on {true['title']}", _another_abstract(rng, abstracts)),
        ]
        for kind, title, abstract in traps:
            ident = f"26{(number % 12) + 1:02d}.{number}"
            number += 1
            rows[ident] = _row(
                ident,
                title,
                abstract,
                _names(rng, 5),
                (2026, (number % 12) + 1, 2),
                trap=kind,
                trap_of=true_id,
            )
        if i % 5 == 1:  # later version with another title: the listing keeps v1's
            true["title"] = true["title"].split(":")[0] + ": Revisited and Extended"
            true["trap"] = "title_changed"
        elif i % 5 == 3:
            true["abstract"] = _reword(rng, true["abstract"], _another_abstract(rng, abstracts))
            true["trap"] = "abstract_reworded"
    return list(rows.values())


_TEMPLATES = (
    "{p} for {a} {b}",
    "Towards {p}",
    "{a} {p}: {b} and {c}",
    "On {p} in {a} {b}",
    "Revisiting {p} with {a} {b}",
    "{p} Meets {a}",
    "Scaling {p} for {a} {b} {c}",
)


def flood_phrases(titles: Iterable[str], common: int = 40) -> list[str]:
    """The phrases to flood: titles of at most four words, and the most common word pairs and
    triples of the titles (no stop-word edges)."""
    stop = {"a", "an", "and", "for", "of", "on", "the", "to", "with", "in", "via", "from", "is", "all", "you"}
    titles = sorted(set(titles))
    short = [t for t in titles if len(normalize_title(t).split()) <= 4]
    counts: dict[str, int] = {}
    for title in titles:
        words = normalize_title(title).split()
        for n in (2, 3):
            for i in range(len(words) - n + 1):
                gram = words[i : i + n]
                if gram[0] not in stop and gram[-1] not in stop:
                    counts[" ".join(gram)] = counts.get(" ".join(gram), 0) + 1
    frequent = sorted(counts, key=lambda g: (-counts[g], g))[:common]
    return short + frequent


def flood(titles: list[str], abstracts: list[str], per_phrase: int, seed: int = 0) -> list[dict[str, Any]]:
    """Snapshot-format rows of the large-corpus mode (see the module docstring), built from the
    titles and abstracts of a listing or a corpus."""
    rng = random.Random(seed)
    vocabulary = sorted({w for t in titles for w in normalize_title(t).split() if len(w) > 3})
    # abstracts of random words: a copied sentence would be a subset of a listed abstract
    lexicon = sorted({w for a in abstracts for w in a.split() if w.isalpha() and len(w) > 3}) or vocabulary
    rows, number = [], 0
    for phrase in flood_phrases(titles):
        for _ in range(per_phrase):
            a, b, c = (rng.choice(vocabulary).capitalize() for _ in range(3))
            title = rng.choice(_TEMPLATES).format(p=phrase, a=a, b=b, c=c)
            month = number // 10000
            ident = f"{19 + month // 12:02d}{month % 12 + 1:02d}.{80000 + number % 10000:05d}"
            number += 1
            abstract = " ".join(rng.choice(lexicon) for _ in range(rng.randint(12, 24))).capitalize() + "."
            rows.append(
                _row(
                    ident,
                    title,
                    abstract,
                    _names(rng, rng.randint(1, 6)),
                    (2019 + month // 12, month % 12 + 1, 1 + number % 27),
                    trap="flood",
                )
            )
    return rows


def _plusplus(title: str) -> str:
    head, sep, rest = title.partition(":")
    return f"{head}++{sep}{rest}" if sep else f"{title}++"


def write(rows: list[dict[str, Any]], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
