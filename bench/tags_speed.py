"""Tagging speed on one core: abstracts per second of `zotbridge tags` (the shipped ranker) on each
keyphrase set and on the shared listings, each set tagged as one listing, next to a yardstick run in
turn in the same process, so figures from noisy machines and different days compare
(docs/tags.md).

The yardstick is a fixed pure-Python pass over the same texts that owes nothing to zotbridge: each
text split into lower-case words by a regular expression and its word pairs counted, a hundred
times, so that it lasts about as long as tagging. Its cost grows with the length of the texts as
tagging's does, so the ratio (tagging's seconds over the yardstick's) compares across days and
machines.

Usage: python bench/tags_speed.py [--sets Inspec,kdd,...,listings] [--rounds 3]
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from keyphrase_sets import SETS, inspec_split, load  # noqa: E402
from tags_eval import listing_texts  # noqa: E402

import zotbridge.tags  # noqa: E402
from zotbridge.tags.select import TagOptions, tag_papers  # noqa: E402

_WORD = re.compile(r"[a-z0-9]+")
YARDSTICK_PASSES = 100


def yardstick(texts: list[tuple[str, str]]) -> int:
    """Word pairs of every text counted, YARDSTICK_PASSES times; the pair count, so no pass is idle."""
    pairs: Counter[tuple[str, str]] = Counter()
    for _ in range(YARDSTICK_PASSES):
        for title, abstract in texts:
            words = _WORD.findall(f"{title} {abstract}".lower())
            pairs.update(zip(words, words[1:]))
    return len(pairs)


def per_word_caches() -> list:
    """Every lru_cache of the tags package that holds more than one entry: the per-word ones
    (lemmas, word classes, stems, American spellings…), found rather than listed, so a new one is
    cleared too. The one-entry caches hold the data files (ranker, background), which a user's
    process loads once."""
    caches = {}  # by identity: a function imported elsewhere is one cache
    for info in pkgutil.iter_modules(zotbridge.tags.__path__, "zotbridge.tags."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)) and value.cache_parameters()["maxsize"] != 1:
                caches[id(value)] = value
    return list(caches.values())


def tags(texts: list[tuple[str, str]]) -> int:
    """What `zotbridge tags --tags 5` does with the texts in a new process; the number of tags
    given. The per-word caches start empty, as they do for a user; the data files stay loaded."""
    for cache in per_word_caches():
        cache.cache_clear()
    return sum(len(t) for t in tag_papers(texts, TagOptions(count=5)).tags)


def seconds(work, texts: list[tuple[str, str]]) -> float:
    started = time.perf_counter()
    work(texts)
    return time.perf_counter() - started


def texts_of(name: str) -> list[tuple[str, str]]:
    if name == "listings":
        return listing_texts()
    docs = inspec_split("test") if name == "Inspec" else load(name)
    return [(title, abstract) for title, abstract, _keys in docs]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sets", default=",".join((*SETS, "listings")))
    parser.add_argument(
        "--rounds", type=int, default=3, help="tagging and yardstick in turn, this many times"
    )
    args = parser.parse_args()
    tags(texts_of("Inspec")[:20])  # data files and caches loaded before any clock starts
    print(f"{'set':<13} {'texts':>5} {'words':>6} {'tags/s':>7} {'yardstick/s':>11} {'ratio':>6}")
    for name in args.sets.split(","):
        texts = texts_of(name)
        tagging, reading = [], []
        for _ in range(args.rounds):
            tagging.append(seconds(tags, texts))
            reading.append(seconds(yardstick, texts))
        tagged, read = statistics.median(tagging), statistics.median(reading)
        words = statistics.mean(len(f"{t} {a}".split()) for t, a in texts)
        print(
            f"{name:<13} {len(texts):>5} {words:>6.0f} {len(texts) / tagged:>7.1f} "
            f"{len(texts) / read:>11.0f} {tagged / read:>6.2f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
