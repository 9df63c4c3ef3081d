"""Train zotbridge's keyphrase ranker and write its trees to zotbridge/tags/ranker.json.

Reproducible: python bench/train_ranker.py   (from the repository root; needs the `eval` extra
for LightGBM and scikit-learn; the Porter stemmer is snowballstemmer's, zotbridge/tags/keyphrases.py)

Data: the public keyphrase sets of bench/keyphrase_sets.py. The shipped model is trained on every
set — of Inspec, only the documents outside its 500-document test sample, which no model ever sees
(features and settings were chosen on Inspec's dev split). Each document's candidates (zotbridge/tags/nounphrases.py) are
labelled 1 when their Porter-stemmed form is one of the document's stemmed gold keys.

Keyphraseness (zotbridge/tags/keyphraseness.py) is counted from the sets' gold keys, and so that
the trees learn what it is worth on text it has never seen, each set's rows get the counts of the
*other* training sets only; the shipped counts are those of every training set, phrases that were a
gold key in at least MIN_GOLD documents.
``--without NAME`` leaves one more set out, for the held-out figures of bench/tags_eval.py.

The model: LightGBM's LGBMRanker with the XE-NDCG objective (``rank_xendcg``: Bruch, "An
Alternative Cross Entropy Loss for Learning-to-Rank", WWW 2021), which learns to order each
document's candidates rather than to classify them one by one; TREES trees of LEAVES leaves,
learning rate LEARNING_RATE, subsample 0.8, one thread (reproducible), each set weighing the same.
It beat scikit-learn's GradientBoostingClassifier (150 trees of depth 3), which beat the logistic
regression before it, on the held-out sets (docs/tags-history.md, *Learning to rank*). ENSEMBLE
such rankers, alike but for LightGBM's seed (0 to 4), are grown, and a candidate's scores from all
of them added; that sum is calibrated into a probability (Platt scaling: a logistic regression on
the sum), so that the tag rules' boosts keep their meaning. Only numbers are shipped — the calibration's intercept and scale
and each tree's nodes — in JSON; zotbridge walks the trees itself, and this script checks that its
walk gives LightGBM's scores.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from keyphrase_sets import SETS, Document, inspec_split, load  # noqa: E402

from zotbridge.tags.keyphraseness import COLUMNS, Keyphraseness, head, stem_phrase  # noqa: E402
from zotbridge.tags.keyphrases import DocumentFrequencies  # noqa: E402
from zotbridge.tags.ranker import FEATURES, Listing, Node, Ranker, Trees, feature_rows  # noqa: E402
from zotbridge.tags.select import background  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "zotbridge" / "tags" / "ranker.json"
TRAINING_SETS = SETS  # Inspec: only the documents outside its test sample (inspec_split("train"))


def documents(name: str) -> list[Document]:
    return inspec_split("train") if name == "Inspec" else load(name)


def frequencies_for(docs: list[Document]) -> DocumentFrequencies:
    """IDF as a listing of these documents gets it: the shipped background plus the documents."""
    df, count = background()
    return DocumentFrequencies(df, count).add(f"{t} {a}" for t, a, _ in docs)


@dataclass
class Examples:
    """A set's candidates as training rows: features without keyphraseness (its columns are filled
    per training run), labels, stemmed candidates, and per document the stemmed gold keys and
    candidates that keyphraseness is counted from."""

    rows: list[list[float]]
    labels: list[int]
    stems: list[str]
    documents: list[tuple[set[str], set[str]]]
    sizes: list[int]  # rows per document, in order: the groups the ranking objective orders


def examples(docs: list[Document]) -> Examples:
    frequencies = frequencies_for(docs)
    listing = Listing([(t, a) for t, a, _ in docs])
    out = Examples([], [], [], [], [])
    for title, abstract, gold in docs:
        gold_stems = {stem_phrase(g) for g in gold}
        candidates, vectors = feature_rows(title, abstract, frequencies, listing)
        stems = [stem_phrase(c.key) for c in candidates]
        out.rows += vectors
        out.labels += [int(s in gold_stems) for s in stems]
        out.stems += stems
        out.documents.append((gold_stems, set(stems)))
        out.sizes.append(len(stems))
    return out


TREES, LEAVES, LEARNING_RATE, MIN_GOLD = 150, 8, 0.1, 1
ENSEMBLE = 5  # rankers per model, each with its own LightGBM seed
SEED = 0  # the shipped model's seeds are 0-4; bench/tags_eval.py --seed N takes 5N to 5N+4, to
# show how much a retrain alone moves F1
_EXAMPLES: dict[str, Examples] = {}


def set_examples(name: str) -> Examples:
    """A set's examples, computed once per process (the held-out runs reuse them)."""
    if name not in _EXAMPLES:
        _EXAMPLES[name] = examples(documents(name))
    return _EXAMPLES[name]


def keyphraseness(sets: list[str], min_gold: int = 1) -> Keyphraseness:
    """The sets' counts: per stemmed phrase, documents where it was a gold key and documents where
    it was a candidate (only phrases that were a gold key at least ``min_gold`` times), and the
    same per head word."""
    gold: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    gold_heads: Counter[str] = Counter()
    seen_heads: Counter[str] = Counter()
    for name in sets:
        for gold_stems, candidate_stems in set_examples(name).documents:
            gold.update(gold_stems)
            seen.update(candidate_stems)
            gold_heads.update({head(g) for g in gold_stems})
            seen_heads.update({head(c) for c in candidate_stems})
    return Keyphraseness(
        {p: (n, seen[p]) for p, n in gold.items() if n >= min_gold},
        {w: (n, seen_heads[w]) for w, n in gold_heads.items() if n >= min_gold},
    )


def train(sets: list[str], seed: int = SEED, ensemble: int = ENSEMBLE) -> Ranker:
    """``ensemble`` rankers grown alike but for LightGBM's seed (seed × ensemble onwards), their
    scores added and calibrated as one: what the shipped model says no longer hangs on one seed's
    draw of rows (docs/tags.md, *Seeds*; docs/tags-history.md: the spread at each step)."""
    import lightgbm
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rows: list[list[float]] = []
    labels: list[int] = []
    weights: list[float] = []
    sizes: list[int] = []
    first = len(FEATURES) - len(COLUMNS)
    for name in sets:
        data = set_examples(name)
        others = keyphraseness([s for s in sets if s != name], MIN_GOLD)
        rows += [r[:first] + others.columns(p) for r, p in zip(data.rows, data.stems, strict=True)]
        labels += data.labels
        weights += [1.0 / len(data.sizes)] * len(data.rows)  # every set weighs the same, whatever its size
        sizes += data.sizes
    x, y, w = np.array(rows), np.array(labels), np.array(weights) * len(weights)
    models = []
    for member in range(seed * ensemble, (seed + 1) * ensemble):
        model = lightgbm.LGBMRanker(
            objective="rank_xendcg",
            n_estimators=TREES,
            num_leaves=LEAVES,
            learning_rate=LEARNING_RATE,
            min_child_samples=50,
            subsample=0.8,
            subsample_freq=1,
            random_state=member,
            n_jobs=1,
            verbose=-1,
        )
        models.append(model.fit(x, y, group=sizes, sample_weight=w))
    raw = sum(model.predict(x) for model in models)
    platt = LogisticRegression(C=1e6).fit(raw.reshape(-1, 1), y, sample_weight=w)
    trees = Trees(
        _rounded(platt.intercept_[0]),
        _rounded(platt.coef_[0][0]),
        tuple(
            _nodes(tree["tree_structure"])
            for model in models
            for tree in model.booster_.dump_model()["tree_info"]
        ),
    )
    expected = 1 / (1 + np.exp(-(trees.init + trees.scale * raw[:2000])))
    walked = np.array(trees.scores(x[:2000].tolist()))
    if not np.allclose(walked, expected, atol=1e-9):
        raise RuntimeError("zotbridge's walk of the trees disagrees with LightGBM's scores")
    return Ranker(trees, keyphraseness(sets, MIN_GOLD))


def _rounded(value: float) -> float:
    """The calibration to 12 significant digits: its last bits differ between numpy and
    scikit-learn releases (1.505063489057291 or …907), and ranker.json must rebuild byte-equal."""
    return float(f"{value:.12g}")


def _nodes(root: dict) -> tuple[Node, ...]:
    """LightGBM's nested tree as zotbridge's flat node list (ranker.Node), root first."""
    nodes: list[Node] = []

    def add(node: dict) -> int:
        index = len(nodes)
        nodes.append((-1, 0.0, -1, -1, float(node.get("leaf_value", 0.0))))
        if "split_feature" in node:
            if node["decision_type"] != "<=":
                raise RuntimeError(f"unexpected split {node['decision_type']}")
            left, right = add(node["left_child"]), add(node["right_child"])
            nodes[index] = (int(node["split_feature"]), float(node["threshold"]), left, right, 0.0)
        return index

    add(root)
    return tuple(nodes)


def save(model: Ranker, sets: list[str], path: Path = OUT) -> None:
    data = {
        "features": list(FEATURES),
        "trained_on": sets,
        "model": f"LightGBM rank_xendcg, {len(model.trees.trees) // TREES} seeds × {TREES} trees of {LEAVES} leaves, Platt-calibrated",
        "init": model.trees.init,
        "scale": model.trees.scale,
        "trees": [[list(node) for node in tree] for tree in model.trees.trees],
        "keyphraseness": {p: list(c) for p, c in sorted(model.keyphraseness.counts.items())},
        "heads": {w: list(c) for w, c in sorted(model.keyphraseness.heads.items())},
    }
    path.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--without", action="append", default=[], help="leave this set out too")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=SEED, help="LightGBM's seeds: N gives N×K to N×K+K-1")
    parser.add_argument("--ensemble", type=int, default=ENSEMBLE, help="rankers added together (K)")
    args = parser.parse_args()
    sets = [s for s in TRAINING_SETS if s not in args.without]
    model = train(sets, args.seed, args.ensemble)
    save(model, sets, args.out)
    print(f"trained on {', '.join(sets)}; {len(model.trees.trees)} trees in {args.out}")
    used = Counter(FEATURES[node[0]] for tree in model.trees.trees for node in tree if node[0] >= 0)
    for name, count in used.most_common():
        print(f"  {name:<22} {count} splits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
