"""Train zotbridge's keyphrase ranker and write its weights to zotbridge/tags/ranker.json.

Reproducible: python bench/train_ranker.py   (from the repository root; needs the `eval` extra
for scikit-learn; the Porter stemmer is snowballstemmer's)

Data: the public keyphrase sets of bench/keyphrase_sets.py. The shipped model is trained on every
set — of Inspec, only the documents outside its 500-document test sample, which no model ever sees
(features and settings were chosen on Inspec's dev split). Each document's candidates (zotbridge/tags/nounphrases.py) are
labelled 1 when their Porter-stemmed form is one of the document's stemmed gold keys.
``--without NAME`` leaves one more set out, for the held-out figures of bench/tags_eval.py.

The model: scikit-learn's LogisticRegression (L2, C=1) on standardised features, each set
weighing the same. Only its numbers
are shipped — means, scales, coefficients, intercept — in JSON; zotbridge computes the score itself.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from keyphrase_sets import SETS, Document, inspec_split, load  # noqa: E402

from zotbridge.tags.keyphrases import DocumentFrequencies  # noqa: E402
from zotbridge.tags.ranker import FEATURES, Listing, Weights, feature_rows  # noqa: E402
from zotbridge.tags.select import background  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "zotbridge" / "tags" / "ranker.json"
TRAINING_SETS = SETS  # Inspec: only the documents outside its test sample (inspec_split("train"))


def documents(name: str) -> list[Document]:
    return inspec_split("train") if name == "Inspec" else load(name)


def stemmer():
    """Porter's algorithm (snowballstemmer's ``porter``, a zotbridge dependency already)."""
    import snowballstemmer

    porter = snowballstemmer.stemmer("porter")

    def stem(phrase: str) -> str:
        return " ".join(porter.stemWords([w for w in re.split(r"[\s\-]+", phrase.lower()) if w]))

    return stem


def frequencies_for(docs: list[Document]) -> DocumentFrequencies:
    """IDF as a listing of these documents gets it: the shipped background plus the documents."""
    df, count = background()
    return DocumentFrequencies(df, count).add(f"{t} {a}" for t, a, _ in docs)


def examples(docs: list[Document], stem) -> tuple[list[list[float]], list[int]]:
    frequencies = frequencies_for(docs)
    listing = Listing([(t, a) for t, a, _ in docs])
    rows: list[list[float]] = []
    labels: list[int] = []
    for title, abstract, gold in docs:
        gold_stems = {stem(g) for g in gold}
        candidates, vectors = feature_rows(title, abstract, frequencies, listing)
        for candidate, vector in zip(candidates, vectors, strict=True):
            rows.append(vector)
            labels.append(int(stem(candidate.key) in gold_stems))
    return rows, labels


def train(sets: list[str]) -> Weights:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    stem = stemmer()
    rows: list[list[float]] = []
    labels: list[int] = []
    weights: list[float] = []
    for name in sets:
        r, y = examples(documents(name), stem)
        rows += r
        labels += y
        weights += [1.0 / len(r)] * len(r)  # every set weighs the same, whatever its size
    x = np.array(rows)
    means, scales = x.mean(axis=0), x.std(axis=0)
    scales[scales == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit((x - means) / scales, np.array(labels), sample_weight=np.array(weights) * len(weights))
    return Weights(
        tuple(float(v) for v in means),
        tuple(float(v) for v in scales),
        tuple(float(v) for v in model.coef_[0]),
        float(model.intercept_[0]),
    )


def save(weights: Weights, sets: list[str], path: Path = OUT) -> None:
    data = {
        "features": list(FEATURES),
        "trained_on": sets,
        "means": [round(v, 6) for v in weights.means],
        "scales": [round(v, 6) for v in weights.scales],
        "coefficients": [round(v, 6) for v in weights.coefficients],
        "intercept": round(weights.intercept, 6),
    }
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--without", action="append", default=[], help="leave this set out too")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    sets = [s for s in TRAINING_SETS if s not in args.without]
    weights = train(sets)
    save(weights, sets, args.out)
    print(f"trained on {', '.join(sets)}; weights in {args.out}")
    for name, c in sorted(zip(FEATURES, weights.coefficients, strict=True), key=lambda p: -abs(p[1])):
        print(f"  {name:<22} {c:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
