"""Tags against public gold keyphrases: F1@5 and F1@10 of what `zotbridge tags` gives, next to
baselines, on every keyphrase set; abstracts per second; and how well tags group the shared
listings (docs/tags.md).

Protocol (the one of the project's keyphrase notes, so the figures compare with published tables):
input = title + abstract (full papers cut as bench/keyphrase_sets.py says); each set is tagged as
one listing; both sides lower-cased, hyphens as spaces, every token Porter-stemmed (snowballstemmer's
``porter``); exact match; P@k = matches / k (fewer than k predictions still divide by k), R@k =
matches / gold keys, per document then averaged; F1 from the mean P and R. Inspec: the 500-document
test sample (random.Random(0).sample), which no model was trained on. Every other set is
**held out**: the ranker used for it is trained by bench/train_ranker.py on all the other sets.

Methods:
  tags           what `zotbridge tags --tags k` gives (zotbridge/tags/select.py)
  previous       what it gave before the trained ranker (bench/baselines.py)
  phrase-tfidf   the previous extractor alone, its k best phrases
  singlerank     SingleRank (bench/baselines.py)
  positionrank   PositionRank (bench/baselines.py)
  yake           YAKE 0.7 (n=3), if installed (pip install -e '.[eval]')
  oracle         the ceiling of any ranking of zotbridge's candidates: every candidate that is a
                 gold key first (a perfect ranker; tag rules not applied)
  oracle-tags    the ceiling of the tags: what `zotbridge tags` gives when its ranker puts every
                 candidate that is a gold key first (a perfect ranker through the tag rules)

Usage: python bench/tags_eval.py [--sets Inspec,kdd,...] [--methods tags,previous,...] [--seed N]
       [--ensemble K]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from unittest.mock import patch

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baselines  # noqa: E402
from keyphrase_sets import SETS, inspec_split, load  # noqa: E402
from train_ranker import ENSEMBLE, TRAINING_SETS, frequencies_for, train  # noqa: E402

from zotbridge.listing import ReadOptions, read_listings  # noqa: E402
from zotbridge.tags import ranker, select  # noqa: E402
from zotbridge.tags.keyphraseness import stem_phrase  # noqa: E402
from zotbridge.tags.nounphrases import noun_phrases  # noqa: E402
from zotbridge.tags.select import TagOptions, tag_papers  # noqa: E402

LISTINGS = sorted((Path(__file__).resolve().parents[1] / "tests/data/shared/listings").glob("*.txt"))
METHODS = ("tags", "previous", "phrase-tfidf", "singlerank", "positionrank", "yake", "oracle", "oracle-tags")


_MODELS: dict[tuple[str, int, int], object] = {}


def held_out_model(name: str, seed: int = 0, ensemble: int = ENSEMBLE):
    """The ranker that never saw ``name``: the shipped one for Inspec (trained without its test
    sample; with other LightGBM seeds or another number of rankers added, one trained the same
    way), else one trained on every other set."""
    if (name, seed, ensemble) not in _MODELS:
        if name != "Inspec":
            model = train([s for s in TRAINING_SETS if s != name], seed, ensemble)
        elif seed or ensemble != ENSEMBLE:
            model = train(list(TRAINING_SETS), seed, ensemble)
        else:
            model = None
        _MODELS[name, seed, ensemble] = model
    return _MODELS[name, seed, ensemble]


def predictions(method: str, docs, k: int, held_out: str, seed: int = 0, ensemble: int = ENSEMBLE):
    texts = [(t, a) for t, a, _ in docs]
    if method == "tags":
        model = held_out_model(held_out, seed, ensemble)
        return tag_papers(texts, TagOptions(count=k), model=model).tags
    if method == "previous":
        return baselines.previous_tags(texts, k)
    if method == "phrase-tfidf":
        frequencies = frequencies_for(docs)
        return [[p.key for p in baselines.extract(t, a, frequencies, top=k)] for t, a in texts]
    if method == "oracle":
        return [_perfect_ranking(t, a, gold) for t, a, gold in docs]
    if method == "oracle-tags":
        return _perfect_tags(docs, k, held_out_model(held_out, seed, ensemble))
    if method in ("singlerank", "positionrank"):
        return [baselines.graph_rank(t, a, method == "positionrank", k) for t, a in texts]
    import yake

    extractor = yake.KeywordExtractor(lan="en", n=3, top=k)
    return [[w for w, _ in extractor.extract_keywords(f"{t}. {a}")] for t, a in texts]


def _perfect_ranking(title: str, abstract: str, gold: list[str]) -> list[str]:
    """The document's candidates, the gold keys among them first."""
    gold_stems = {stem_phrase(g) for g in gold}
    keys = list(noun_phrases(title, abstract)[0])
    return sorted(keys, key=lambda k: stem_phrase(k) not in gold_stems)


def _perfect_tags(docs, k: int, model) -> list[list[str]]:
    """The tags of a perfect ranker: select.py's rules fed each document's candidates with every
    gold key scored above any other candidate (the held-out ranker orders each group), so what the
    rules drop or merge (generic phrases, modifiers, acronyms shown expanded) is all they lose."""
    gold = {(t, a): {stem_phrase(g) for g in keys} for t, a, keys in docs}

    def perfect_rank(title, abstract, frequencies, top=15, model=None, listing=None):
        ranked = ranker.rank(title, abstract, frequencies, 10**6, model, listing)
        for phrase in ranked:  # a candidate's score, boosts included, stays below 10
            phrase.score += 10.0 if stem_phrase(phrase.key) in gold[title, abstract] else 0.0
        return sorted(ranked, key=lambda p: -p.score)[:top]

    with patch.object(select, "rank", perfect_rank):
        return tag_papers([(t, a) for t, a, _ in docs], TagOptions(count=k), model=model).tags


def f1(docs, predicted, k: int, stem) -> float:
    p = r = 0.0
    for (_t, _a, gold), tags in zip(docs, predicted, strict=True):
        gold_stems = {stem(g) for g in gold}
        unique = list(dict.fromkeys(stem(x) for x in tags))[:k]
        hits = sum(1 for x in unique if x in gold_stems)
        p += hits / k
        r += hits / len(gold_stems)
    p, r = p / len(docs), r / len(docs)
    return 100 * 2 * p * r / (p + r) if p + r else 0.0


def listing_texts() -> list[tuple[str, str]]:
    """The shared listings' 822 papers as (title, abstract): the five listings as one run."""
    papers = read_listings([str(p) for p in LISTINGS], ReadOptions())
    return [(p.title or "", p.abstract or "") for p in papers]


def grouped(tags: list[list[str]]) -> float:
    """Share (%) of the papers carrying a tag that at least 3 other papers carry."""
    counts = Counter(tag for paper in tags for tag in paper)
    return 100 * sum(1 for paper in tags if any(counts[t] >= 4 for t in paper)) / len(tags)


def grouping() -> tuple[float, float]:
    """Share of the shared listings' papers (822) carrying a tag ≥ 3 others carry: now, before."""
    texts = listing_texts()
    return grouped(tag_papers(texts).tags), grouped(baselines.previous_tags(texts, 5))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="LightGBM's seeds for the rankers (N gives N×K to N×K+K-1): how much a retrain alone moves F1",
    )
    parser.add_argument(
        "--ensemble",
        type=int,
        default=ENSEMBLE,
        help=f"rankers added together per model (K; shipped: {ENSEMBLE}); 1 measures a single ranker",
    )
    args = parser.parse_args()
    print(f"{'set':<13} {'method':<13} {'F1@5':>6} {'F1@10':>6} {'docs/s':>7}")
    for name in args.sets.split(","):
        docs = inspec_split("test") if name == "Inspec" else load(name)
        for method in args.methods.split(","):
            try:
                if method in ("tags", "oracle-tags"):
                    held_out_model(name, args.seed, args.ensemble)  # trained before the clock starts
                started = time.perf_counter()
                at5 = predictions(method, docs, 5, name, args.seed, args.ensemble)
                seconds = time.perf_counter() - started
                at10 = predictions(method, docs, 10, name, args.seed, args.ensemble)
            except ImportError as exc:
                print(f"{name:<13} {method:<13} skipped: {exc}")
                continue
            rate = len(docs) / seconds
            print(
                f"{name:<13} {method:<13} {f1(docs, at5, 5, stem_phrase):6.1f} {f1(docs, at10, 10, stem_phrase):6.1f} {rate:7.0f}",
                flush=True,
            )
    now, before = grouping()
    print(
        f"shared listings: {now:.1f}% of papers carry a tag shared with >= 3 others (before: {before:.1f}%)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
