"""The trained keyphrase ranker: noun-phrase candidates (nounphrases.py) scored by boosted trees
over twenty-seven features, shipped in ``ranker.json`` with the keyphrase counts they use.

The trees are grown by ``bench/train_ranker.py`` from public keyphrase sets with gold labels, to
rank each document's candidates (a learning-to-rank objective): five rankers alike but for their
random seed, so that no one seed's draw decides a paper's tags. Their sum is calibrated into a
probability (docs/tags.md has the protocol and the figures); here they are only read — a plain
JSON file of feature names and the trees' nodes, no pickle and no training library at run time.

Features of a candidate in its document: how often it occurs (log), whether the title has it,
where it first appears and how far its occurrences spread, its length in words, how specific its
words are (mean and lowest IDF over the listing plus a shipped background of arXiv abstracts, and
frequency × IDF), how often it is a whole phrase rather than a piece of a longer one, how many
longer candidates contain it, whether its first word or its head can also be a verb, whether it starts with an
adjective, whether it holds an acronym, whether it appears in the first sentence, the score of
zotbridge's earlier unsupervised extractor (frequency × IDF × place × length bonus), how many
papers of the listing share it, its SingleRank and PositionRank scores (graph.py), and how often
people chose it, and keys ending in its head, in the training sets (keyphraseness.py).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

import numpy as np

from zotbridge.tags.graph import word_scores
from zotbridge.tags.keyphraseness import COLUMNS, Keyphraseness
from zotbridge.tags.keyphrases import DocumentFrequencies, Keyphrase, phrase_key
from zotbridge.tags.nounphrases import Candidate, first_sentence_end, noun_phrases

FEATURES = (
    "log_tf",
    "in_title",
    "first_position",
    "spread",
    "one_word",
    "two_words",
    "three_or_more_words",
    "mean_idf",
    "min_idf",
    "tf_idf",
    "whole_share",
    "log_containers",
    "head_can_be_verb",
    "first_can_be_verb",
    "starts_with_modifier",
    "has_capitals",
    "in_first_sentence",
    "log_tfidf_score",
    "listing_share",
    "singlerank",
    "positionrank",
    *COLUMNS,
)


Node = tuple[int, float, int, int, float]  # feature (-1: a leaf), threshold, left, right, leaf value


@dataclass(frozen=True)
class Trees:
    """Boosted regression trees over the features: a candidate's log-odds of being a keyphrase are
    ``init`` plus ``scale`` times the sum of the leaves it reaches, one per tree. A node goes left
    when the feature's value is at most its threshold (LightGBM's numerical splits)."""

    init: float
    scale: float
    trees: tuple[tuple[Node, ...], ...]

    def scores(self, vectors: list[list[float]]) -> list[float]:
        """Each vector's probability. All candidates of a paper walk all trees at once, one level
        per step (numpy), as many steps as the deepest tree has levels (a leaf leads to itself), and
        each vector's leaves are added tree by tree, in LightGBM's order."""
        if not vectors:
            return []
        forest = self._forest
        x = np.asarray(vectors, dtype=float)
        rows = np.arange(len(x))[:, None]
        node = np.repeat(forest.roots[None, :], len(x), axis=0)
        for _level in range(forest.depth):
            go_left = x[rows, forest.feature[node]] <= forest.threshold[node]
            node = np.where(go_left, forest.left[node], forest.right[node])
        # cumsum adds the leaves one tree after another, as LightGBM does (np.sum pairs them up,
        # and its last digits would differ from the scores the training script checks against)
        totals = np.cumsum(forest.value[node], axis=1)[:, -1].tolist()
        return [1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, self.init + self.scale * t)))) for t in totals]

    @cached_property
    def _forest(self) -> _Forest:
        return _Forest.of(self.trees)


@dataclass(frozen=True)
class _Forest:
    """The trees' nodes in flat arrays, children numbered across the whole forest, a leaf its own
    child both ways (feature 0, threshold +inf), and the deepest tree's levels: the form the walk
    in Trees.scores reads, which then needs no test for having reached a leaf."""

    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    depth: int

    @classmethod
    def of(cls, trees: tuple[tuple[Node, ...], ...]) -> _Forest:
        nodes: list[Node] = []
        roots = []
        for tree in trees:
            first = len(nodes)
            roots.append(first)
            nodes += [
                (f, t, left + first, right + first, v) if f >= 0 else (0, math.inf, k + first, k + first, v)
                for k, (f, t, left, right, v) in enumerate(tree)
            ]
        feature, threshold, left, right, value = zip(*nodes, strict=True)
        return cls(
            np.array(roots, dtype=np.intp),
            np.array(feature, dtype=np.intp),
            np.array(threshold, dtype=float),
            np.array(left, dtype=np.intp),
            np.array(right, dtype=np.intp),
            np.array(value, dtype=float),
            max(_depth(tree) for tree in trees),
        )


def _depth(tree: tuple[Node, ...]) -> int:
    """How many splits the longest path from the root (node 0) to a leaf passes."""
    levels, deepest = [(0, 0)], 0
    while levels:
        k, level = levels.pop()
        feature, _threshold, left, right, _value = tree[k]
        if feature < 0:
            deepest = max(deepest, level)
        else:
            levels += [(left, level + 1), (right, level + 1)]
    return deepest


@dataclass(frozen=True)
class Ranker:
    """The trees and the keyphrase counts they were trained with: one model, one file."""

    trees: Trees
    keyphraseness: Keyphraseness


@lru_cache(maxsize=1)
def shipped_model() -> Ranker:
    data = json.loads(resources.files("zotbridge.tags").joinpath("ranker.json").read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise RuntimeError("ranker.json was trained for other features: run bench/train_ranker.py")
    trees = Trees(
        data["init"],
        data["scale"],
        tuple(
            tuple((int(f), float(t), int(lo), int(hi), float(v)) for f, t, lo, hi, v in tree)
            for tree in data["trees"]
        ),
    )
    counts = {phrase: (int(gold), int(seen)) for phrase, (gold, seen) in data["keyphraseness"].items()}
    heads = {word: (int(gold), int(seen)) for word, (gold, seen) in data["heads"].items()}
    return Ranker(trees, Keyphraseness(counts, heads))


def feature_rows(
    title: str,
    abstract: str,
    frequencies: DocumentFrequencies,
    listing: Listing | None = None,
    keyphraseness: Keyphraseness | None = None,
) -> tuple[list[Candidate], list[list[float]]]:
    """The document's candidates and their feature vectors (in FEATURES order)."""
    keyphraseness = keyphraseness or Keyphraseness()
    found, words = listing.phrases(title, abstract) if listing else noun_phrases(title, abstract)
    length = len(words)
    share = listing.share if listing else (lambda key: 0.0)
    graphs = [word_scores(words, positional) for positional in (False, True)]
    tops = [max(g.values(), default=1.0) or 1.0 for g in graphs]
    candidates = list(found.values())
    first_sentence = first_sentence_end(title, abstract)
    padded = {c.key: f" {c.key} " for c in candidates}
    rows = []
    for c in candidates:
        tf = len(c.positions)
        idfs = [frequencies.idf(w) for w in c.key.split()]
        mean_idf = sum(idfs) / len(idfs)
        containers = sum(1 for other in candidates if other is not c and padded[c.key] in padded[other.key])
        rows.append(
            [
                math.log1p(tf),
                float(c.in_title),
                min(c.positions) / length,
                (max(c.positions) - min(c.positions)) / length,
                float(c.words == 1),
                float(c.words == 2),
                float(c.words >= 3),
                mean_idf,
                min(idfs),
                math.log1p(tf) * mean_idf,
                c.whole_runs / tf,
                math.log1p(containers),
                float(c.head_can_be_verb),
                float(c.first_can_be_verb),
                float(c.starts_with_modifier),
                float(c.has_capitals),
                float(min(c.positions) < first_sentence),
                math.log1p(
                    tf * (1.5 if c.in_title else 1.0) * mean_idf * (1.0, 2.5, 3.0)[min(c.words, 3) - 1]
                ),
                share(c.key),
                *(
                    sum(g.get(w, 0.0) for w in c.text.lower().split()) / top
                    for g, top in zip(graphs, tops, strict=True)
                ),
                *keyphraseness.columns(c.key),
            ]
        )
    return candidates, rows


class Listing:
    """The papers tagged together: how many of them have each candidate phrase. A phrase several
    papers of a listing share is likelier to be a topic than one paper's wording."""

    def __init__(self, texts: list[tuple[str, str]]):
        self.papers = max(1, len(texts))
        self.df: Counter[str] = Counter()
        self._found: dict[tuple[str, str], tuple[dict[str, Candidate], list[str]]] = {}
        for title, abstract in texts:
            self.df.update(self.phrases(title, abstract)[0].keys())

    def phrases(self, title: str, abstract: str) -> tuple[dict[str, Candidate], list[str]]:
        """A paper's noun phrases and tokens, found once for the listing and the ranker."""
        key = (title, abstract)
        if key not in self._found:
            self._found[key] = noun_phrases(title, abstract)
        return self._found[key]

    def share(self, key: str) -> float:
        return math.log1p(self.df[key] - 1) / math.log1p(self.papers) if self.df[key] > 1 else 0.0


def rank(
    title: str,
    abstract: str,
    frequencies: DocumentFrequencies,
    top: int = 15,
    model: Ranker | None = None,
    listing: Listing | None = None,
) -> list[Keyphrase]:
    """The ``top`` best candidates, best first, each with its probability of being a keyphrase."""
    model = model or shipped_model()
    candidates, rows = feature_rows(title, abstract, frequencies, listing, model.keyphraseness)
    scored = zip(model.trees.scores(rows), candidates, strict=True)
    best = sorted(scored, key=lambda pair: (-pair[0], pair[1].key))[:top]
    # whether a candidate is whole is asked of the best only: it looks its phrases up
    return [
        Keyphrase(c.key, c.text, score, _whole(c, model.keyphraseness), c.only_an_example)
        for score, c in best
    ]


def _whole(candidate: Candidate, keyphraseness: Keyphraseness) -> bool:
    """Whether the candidate can be a tag on its own: it ends a noun phrase somewhere in the paper
    ("multi-task" only ever modifies "learning": no), or it is a phrase of several words people
    chose as a keyphrase elsewhere ("machine learning" in "machine learning models": yes; "large
    language" in "large language models": no). A phrase no one chose is no tag either where it
    only ever starts inside one ("language understanding" in "natural language understanding")."""
    if candidate.run_ends > 0 and not _starts_inside_a_known_key(candidate, keyphraseness):
        return True  # asked first: most candidates open their phrase somewhere, and are answered at once
    return (candidate.words > 1 or candidate.run_ends > 0) and keyphraseness.known_key(candidate.key)


def _starts_inside_a_known_key(candidate: Candidate, keyphraseness: Keyphraseness) -> bool:
    """Whether, at every place, the word before the candidate and its first word, as written there,
    make a phrase people chose as a keyphrase: "space model" in "state space models", "learning
    agent" in "reinforcement learning agents". At the places of the keyphrase sets' texts where a
    candidate starts so, it is a gold key at 2.0 %, against 8.2 % for all candidates
    (docs/tags-history.md, *A twenty-fifth look*)."""
    # each pair is read as a key is, plural and all: "logic syntheses" is *logic synthesis*
    return all(opening and keyphraseness.known_key(phrase_key(opening)) for opening in candidate.openings)
