"""Word scores from the document's co-occurrence graph: SingleRank (Wan and Xiao, 2008) and
PositionRank (Florescu and Caragea, 2017), written from their papers.

The graph's nodes are the words that may be in a noun phrase (nouns and adjectives); two are
linked when they occur within ``WINDOW`` words of each other, weighted by how often. PageRank
(damping 0.85) scores the words; PositionRank biases the random jump towards early words (the sum
of 1/position over a word's occurrences). A phrase's graph score is the sum of its words'. The
ranker uses both as features; bench/tags_eval.py uses them alone as baselines.
"""

from __future__ import annotations

from collections import Counter, defaultdict

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
    bias: dict[str, float] = defaultdict(float)
    for position, word in kept:
        bias[word] += 1.0 / (position + 1) if positional else 1.0
    total = sum(bias[n] for n in nodes)
    jump = {n: bias[n] / total for n in nodes}
    out_weight = {n: sum(edges[n].values()) for n in nodes}
    score = dict.fromkeys(nodes, 1.0 / len(nodes))
    for _ in range(ROUNDS):
        new = {
            n: (1 - DAMPING) * jump[n]
            + DAMPING * sum(score[m] * w / out_weight[m] for m, w in edges[n].items())
            for n in nodes
        }
        done = max(abs(new[n] - score[n]) for n in nodes) < 1e-6
        score = new
        if done:
            break
    return score
