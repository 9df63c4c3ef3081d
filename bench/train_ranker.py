"""Train zotbridge's keyphrase ranker and write its trees to zotbridge/tags/ranker.json.

Reproducible: python bench/train_ranker.py   (from the repository root; needs the `eval` extra
for scikit-learn; the Porter stemmer is snowballstemmer's, zotbridge/tags/keyphraseness.py)

Data: the public keyphrase sets of bench/keyphrase_sets.py. The shipped model is trained on every
set — of Inspec, only the documents outside its 500-document test sample, which no model ever sees
(features and settings were chosen on Inspec's dev split). Each document's candidates (zotbridge/tags/nounphrases.py) are
labelled 1 when their Porter-stemmed form is one of the document's stemmed gold keys.

Keyphraseness (zotbridge/tags/keyphraseness.py) is counted from the sets' gold keys, and so that
the trees learn what it is worth on text it has never seen, each set's rows get the counts of the
*other* training sets only; the shipped counts are those of every training set, phrases that were a
gold key in at least MIN_GOLD documents.
``--without NAME`` leaves one more set out, for the held-out figures of bench/tags_eval.py.

The model: scikit-learn's GradientBoostingClassifier (150 trees of depth 3, learning rate 0.1,
subsample 0.8, seed 0), each set weighing the same. It beat the logistic regression it replaced on
every held-out set measured (docs/tags.md). Only its numbers are shipped — the initial log-odds,
the learning rate and each tree's nodes — in JSON; zotbridge walks the trees itself.
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

from zotbridge.tags.keyphraseness import COLUMNS, Keyphraseness, stem_phrase  # noqa: E402
from zotbridge.tags.keyphrases import DocumentFrequencies  # noqa: E402
from zotbridge.tags.ranker import FEATURES, Listing, Ranker, Trees, feature_rows  # noqa: E402
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


def examples(docs: list[Document]) -> Examples:
    frequencies = frequencies_for(docs)
    listing = Listing([(t, a) for t, a, _ in docs])
    out = Examples([], [], [], [])
    for title, abstract, gold in docs:
        gold_stems = {stem_phrase(g) for g in gold}
        candidates, vectors = feature_rows(title, abstract, frequencies, listing)
        stems = [stem_phrase(c.key) for c in candidates]
        out.rows += vectors
        out.labels += [int(s in gold_stems) for s in stems]
        out.stems += stems
        out.documents.append((gold_stems, set(stems)))
    return out


TREES, DEPTH, LEARNING_RATE, MIN_GOLD = 150, 3, 0.1, 1
_EXAMPLES: dict[str, Examples] = {}


def set_examples(name: str) -> Examples:
    """A set's examples, computed once per process (the held-out runs reuse them)."""
    if name not in _EXAMPLES:
        _EXAMPLES[name] = examples(documents(name))
    return _EXAMPLES[name]


def keyphraseness(sets: list[str], min_gold: int = 1) -> Keyphraseness:
    """The sets' counts: per stemmed phrase, documents where it was a gold key and documents where
    it was a candidate; only phrases that were a gold key at least ``min_gold`` times."""
    gold: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for name in sets:
        for gold_stems, candidate_stems in set_examples(name).documents:
            gold.update(gold_stems)
            seen.update(candidate_stems)
    return Keyphraseness({p: (n, seen[p]) for p, n in gold.items() if n >= min_gold})


def train(sets: list[str]) -> Ranker:
    import numpy as np
    from sklearn.ensemble import GradientBoostingClassifier

    rows: list[list[float]] = []
    labels: list[int] = []
    weights: list[float] = []
    first = len(FEATURES) - len(COLUMNS)
    for name in sets:
        data = set_examples(name)
        others = keyphraseness([s for s in sets if s != name], MIN_GOLD)
        rows += [r[:first] + others.columns(p) for r, p in zip(data.rows, data.stems, strict=True)]
        labels += data.labels
        weights += [1.0 / len(data.rows)] * len(data.rows)  # every set weighs the same, whatever its size
    x = np.array(rows)
    model = GradientBoostingClassifier(
        n_estimators=TREES, max_depth=DEPTH, learning_rate=LEARNING_RATE, subsample=0.8, random_state=0
    )
    model.fit(x, np.array(labels), sample_weight=np.array(weights) * len(weights))
    init = float(model._raw_predict_init(x[:1])[0][0])
    trees = []
    for estimator in model.estimators_[:, 0]:
        t = estimator.tree_
        trees.append(
            tuple(
                (
                    int(t.feature[n]) if t.children_left[n] != -1 else -1,
                    float(t.threshold[n]),
                    int(t.children_left[n]),
                    int(t.children_right[n]),
                    float(t.value[n, 0, 0]),
                )
                for n in range(t.node_count)
            )
        )
    return Ranker(Trees(init, LEARNING_RATE, tuple(trees)), keyphraseness(sets, MIN_GOLD))


def save(model: Ranker, sets: list[str], path: Path = OUT) -> None:
    data = {
        "features": list(FEATURES),
        "trained_on": sets,
        "model": f"gradient-boosted trees ({TREES} trees of depth {DEPTH})",
        "init": model.trees.init,
        "learning_rate": model.trees.learning_rate,
        "trees": [[list(node) for node in tree] for tree in model.trees.trees],
        "keyphraseness": {p: list(c) for p, c in sorted(model.keyphraseness.counts.items())},
    }
    path.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--without", action="append", default=[], help="leave this set out too")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    sets = [s for s in TRAINING_SETS if s not in args.without]
    model = train(sets)
    save(model, sets, args.out)
    print(f"trained on {', '.join(sets)}; {len(model.trees.trees)} trees in {args.out}")
    used = Counter(FEATURES[node[0]] for tree in model.trees.trees for node in tree if node[0] >= 0)
    for name, count in used.most_common():
        print(f"  {name:<22} {count} splits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
