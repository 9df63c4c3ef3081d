"""How well the default tags group the papers of the five shared listings (822 entries, 760
distinct papers: some listings repeat a paper).

Prints, per listing (as `zotbridge tags page.txt --no-resolve` would tag it) and over all five at
once: abstracts per second, and the share of papers with at least one tag carried by ≥ 4 papers
(the paper and ≥ 3 others) — counted over entries, as bench/tags_eval.py does, and over distinct
papers (one entry per title, so that a paper's copies in other listings do not count as others),
next to the previous method's (bench/baselines.py) — then the 50 most used tags with their counts,
to check by eye that none is generic.

Usage: python bench/tags_coverage.py   (the previous method's figures need nothing more)
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baselines  # noqa: E402
from tags_eval import LISTINGS, grouped  # noqa: E402

from zotbridge.listing import ReadOptions, read_listings  # noqa: E402
from zotbridge.tags.select import Tagging, tag_papers  # noqa: E402


def distinct(texts: list[tuple[str, str]], tags: list[list[str]]) -> list[list[str]]:
    """One paper's tags per title: a paper's copies in other listings are no others."""
    return list(
        {title.strip().lower(): paper for (title, _), paper in zip(texts, tags, strict=True)}.values()
    )


def report(name: str, texts: list[tuple[str, str]]) -> Tagging:
    started = time.perf_counter()
    tagging = tag_papers(texts)
    elapsed = time.perf_counter() - started
    before = baselines.previous_tags(texts, 5)
    papers = distinct(texts, tagging.tags)
    print(
        f"{name}: {len(texts)} entries ({len(papers)} papers), {len(texts) / elapsed:.0f} papers/s; "
        f"sharing a tag with >= 3 others: {grouped(tagging.tags):.1f}% of entries, {grouped(papers):.1f}% "
        f"of papers (previous: {grouped(before):.1f}%, {grouped(distinct(texts, before)):.1f}%)"
    )
    return tagging


def main() -> None:
    everything = []
    for path in LISTINGS:
        papers = list(read_listings([str(path)], ReadOptions()))
        texts = [(p.title or "", p.abstract or "") for p in papers]
        everything += texts
        report(path.name, texts)
    tagging = report("all five listings", everything)
    print("top 50 tags:", ", ".join(f"{t} ({n})" for t, n in list(tagging.coverage.items())[:50]))


if __name__ == "__main__":
    main()
