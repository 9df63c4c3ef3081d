"""How much the tags of the five shared listings (822 papers) hang on LightGBM's seed.

The shipped model is trained twice, with two groups of seeds (``--seed 0`` and ``--seed 1`` of
bench/train_ranker.py), and the five listings tagged with both, as one run. Printed: the share of
papers whose five tags differ (as a set), how many of a paper's five tags differ on average, and
for each model the share of papers carrying a tag that at least 3 other papers carry.
``--ensemble 1`` measures single rankers (seeds 0 and 1), ``--ensemble 5`` the shipped ensembles
(seeds 0-4 and 5-9). Needs the `eval` extra; about a minute per model.

Usage: python bench/tags_stability.py [--ensemble K]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tags_eval import grouped, listing_texts  # noqa: E402
from train_ranker import ENSEMBLE, TRAINING_SETS, train  # noqa: E402

from zotbridge.tags.select import TagOptions, tag_papers  # noqa: E402


def listing_tags(model) -> tuple[list[set[str]], float]:
    """Each listing paper's tags, the five listings tagged as one run (as bench/tags_eval.py's
    grouping figure has it), and the share of papers (%) carrying a tag ≥ 3 others carry."""
    tags = tag_papers(listing_texts(), TagOptions(count=5), model=model).tags
    return [set(paper) for paper in tags], grouped(tags)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ensemble", type=int, default=ENSEMBLE, help="rankers added together")
    args = parser.parse_args()
    (first, grouped_first), (second, grouped_second) = (
        listing_tags(train(list(TRAINING_SETS), seed, args.ensemble)) for seed in (0, 1)
    )
    changed = sum(1 for a, b in zip(first, second, strict=True) if a != b)
    differing = sum(len(a - b) for a, b in zip(first, second, strict=True)) / len(first)
    print(
        f"{args.ensemble} ranker(s) per model, seeds 0 and 1: {100 * changed / len(first):.1f}% of "
        f"{len(first)} listing papers get other tags; {differing:.2f} of a paper's tags differ on average; "
        f"{grouped_first:.1f}% and {grouped_second:.1f}% of papers share a tag with >= 3 others"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
