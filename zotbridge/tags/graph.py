"""Word scores from the document's co-occurrence graph: SingleRank (Wan and Xiao, 2008) and
PositionRank (Florescu and Caragea, 2017), written from their papers.

The graph's nodes are the words that may be in a noun phrase (nouns and adjectives); two are
linked when they occur within ``WINDOW`` words of each other, weighted by how often. PageRank
(damping 0.85) scores the words. SingleRank's random jump goes to any word alike (TextRank's
PageRank, as its paper and pke have it); PositionRank's favours early words (the sum of
1/position over a word's occurrences). A phrase's graph score is the sum of its words'. The
ranker uses both as features; bench/tags_eval.py uses them alone as baselines.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from zotbridge.tags.lexicon import BREAK, word_class

WINDOW = 10
DAMPING = 0.85
ROUNDS = 100


def word_scores(words: list[str], positional: bool) -> dict[str, float]:
    """PageRank of each (lower-case) phrase word of ``words``."""
    kept = [(i, w.lower()) for i, w in enumerate(words) if word_class(w) != BREAK]
    edges: dict[str, Counter[str]] = defaultdict(Counter)
    for a in range(len(kept)):
        for b in range(a + 1, len(kept)):
            if kept[b][0] - kept[a][0] >= WINDOW:
                break
            if kept[a][1] != kept[b][1]:
                edges[kept[a][1]][kept[b][1]] += 1
                edges[kept[b][1]][kept[a][1]] += 1
    nodes = sorted(edges)
    if not nodes:
        return {}
    index = {word: i for i, word in enumerate(nodes)}
    if positional:
        bias = np.zeros(len(nodes))
        for position, word in kept:
            if word in index:  # a word linked to no other has no node
                bias[index[word]] += 1.0 / (position + 1)
    else:
        bias = np.ones(len(nodes))
    jump = bias / bias.sum()
    # links[n, m]: the share of m's edge weight that goes to n, so a round is one product
    links = np.zeros((len(nodes), len(nodes)))
    for word, neighbours in edges.items():
        for neighbour, weight in neighbours.items():
            links[index[neighbour], index[word]] = weight
    links /= links.sum(axis=0)
    score = np.full(len(nodes), 1.0 / len(nodes))
    for _ in range(ROUNDS):
        new = (1 - DAMPING) * jump + DAMPING * (links @ score)
        done = bool(np.abs(new - score).max() < 1e-6)
        score = new
        if done:
            break
    return dict(zip(nodes, score.tolist(), strict=True))
