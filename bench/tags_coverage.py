"""How well the default tags group the papers of the five shared listings (822 entries).

Prints: abstracts per second, the share of papers with at least one tag carried by ≥ 4 papers (the
paper and ≥ 3 others), and the 50 most used tags with their counts — to check by eye that none is
generic. Tags are computed per listing (as `zotbridge tags page.txt --no-resolve` would), and over
all five at once.

Usage: python bench/tags_coverage.py
"""

import time
from pathlib import Path

from zotbridge.listing import ReadOptions, read_listings
from zotbridge.tags.select import tag_papers

LISTINGS = sorted(
    (Path(__file__).resolve().parents[1] / "tests" / "data" / "shared" / "listings").glob("*.txt")
)


def report(name: str, texts) -> None:
    started = time.perf_counter()
    tagging = tag_papers(texts)
    elapsed = time.perf_counter() - started
    grouped = sum(1 for tags in tagging.tags if any(tagging.coverage[t] >= 4 for t in tags))
    print(
        f"{name}: {len(texts)} papers, {len(texts) / elapsed:.0f} papers/s, "
        f"{100 * grouped / len(texts):.1f}% share a tag with >= 3 others"
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
