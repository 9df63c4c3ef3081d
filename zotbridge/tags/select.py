"""Choose each paper's tags so that they group papers (docs/tags.md).

For the papers of one run (a listing), every paper's 25 best keyphrases are normalised into tag
keys (tags/vocabulary.py, acronyms learnt from all abstracts of the run). A candidate's score in
its paper is then multiplied by

* ``1 + 2·log2(papers having it)`` — a keyword shared by several papers of the listing is what a
  tag is for, a keyword of one paper only describes it;
* ``2`` when the user's library already has that tag (compared by key), whose exact spelling is
  then used — the library's vocabulary wins over a new spelling.

The best ``count`` tags per paper are kept (default 5), each with an optional prefix.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from zotbridge.models import ArxivRecord
from zotbridge.tags.keyphrases import DocumentFrequencies, HeadWords, extract
from zotbridge.tags.vocabulary import acceptable, acronyms, display, expand, merge_key, tag_key

CANDIDATES_PER_PAPER = 25
SHARED_BOOST = 2.0
LIBRARY_BOOST = 2.0
SINGLE_WORD = 0.5  # one word alone ("image", "transfer") groups widely but says little


@dataclass
class TagOptions:
    count: int = 5
    prefix: str = ""
    library_tags: list[str] = field(default_factory=list)


@dataclass
class Tagging:
    tags: list[list[str]]  # per paper, best first
    coverage: dict[str, int]  # tag -> number of papers carrying it


@lru_cache(maxsize=1)
def background() -> tuple[dict[str, int], int]:
    """Word document frequencies of ~1,000 arXiv abstracts (bench/build_background.py)."""
    data = json.loads(
        resources.files("zotbridge.tags").joinpath("background.json").read_text(encoding="utf-8")
    )
    return data["df"], data["docs"]


def tag_papers(texts: list[tuple[str, str]], options: TagOptions | None = None) -> Tagging:
    """Tags for each (title, abstract)."""
    options = options or TagOptions()
    if options.count <= 0 or not texts:
        return Tagging([[] for _ in texts], {})
    df, docs = background()
    frequencies = DocumentFrequencies(df, docs).add(f"{t} {a}" for t, a in texts)
    heads = HeadWords().add(f"{t}. {a}" for t, a in texts)
    expansions: dict[str, str] = {}
    for title, abstract in texts:
        expansions.update(acronyms(f"{title}. {abstract}"))
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    per_paper: list[dict[str, float]] = []
    for title, abstract in texts:
        found = extract(title, abstract, frequencies, top=CANDIDATES_PER_PAPER, drop_contained=False)
        best = found[0].score if found else 1.0
        scores: dict[str, float] = {}
        for phrase in found:
            key = expand(phrase.key, expansions)
            text = phrase.text if key == phrase.key else key
            if not acceptable(key, text) or not heads.ends_phrases(phrase.text.split()[-1]):
                continue  # generic, too long, or cut off before its head ("pre-trained language")
            merged = merge_key(key)
            spellings[merged][text] += 1
            scores[merged] = max(scores.get(merged, 0.0), phrase.score / best)
        per_paper.append(scores)
    shared = Counter(key for scores in per_paper for key in scores)
    n_words = {k: len(v.most_common(1)[0][0].replace("-", " ").split()) for k, v in spellings.items()}
    library = {merge_key(tag_key(t)): t for t in options.library_tags}
    chosen_tags = []
    for scores in per_paper:
        ranked = sorted(scores, key=lambda k: (-_final(k, scores[k], shared, library, n_words[k]), k))
        chosen = _diverse(ranked, {k: display(k, spellings[k]) for k in ranked}, options.count)
        chosen_tags.append([options.prefix + (library.get(k) or display(k, spellings[k])) for k in chosen])
    coverage = Counter(tag for tags in chosen_tags for tag in tags)
    return Tagging(chosen_tags, dict(coverage.most_common()))


def _diverse(ranked: list[str], shown: dict[str, str], count: int) -> list[str]:
    """The best ``count`` tags, skipping one whose words contain, or are contained in, a better
    one's ("user embedding" after "instruction-aware user embedding")."""
    chosen: list[str] = []
    for key in ranked:
        if any(_nested(shown[key], shown[c]) for c in chosen):
            continue
        chosen.append(key)
        if len(chosen) == count:
            break
    return chosen


def _nested(a: str, b: str) -> bool:
    """Whether the words of one tag are all words of the other, with hyphenated words taken
    apart ("supervised learning" is in "self-supervised learning") or whole ("pre-trained
    language" is in "pretrained language model")."""
    readings: tuple[Callable[[str], set[str]], ...] = (
        lambda t: set(tag_key(t).split()),
        lambda t: {merge_key(tag_key(w)) for w in t.split()},
    )
    for words in readings:
        x, y = words(a), words(b)
        if x <= y or x >= y:
            return True
    return False


def _final(key: str, score: float, shared: Counter[str], library: dict[str, str], words: int = 2) -> float:
    value = score * (1 + SHARED_BOOST * math.log2(shared[key])) * (SINGLE_WORD if words == 1 else 1.0)
    return value * LIBRARY_BOOST if key in library else value


def tag_records(records: Iterable[ArxivRecord], options: TagOptions | None = None) -> dict[str, list[str]]:
    """Tags per arXiv id for resolved records (their own title and abstract)."""
    unique = list({r.arxiv_id: r for r in records}.values())
    tagging = tag_papers([(r.title, r.abstract) for r in unique], options)
    return {r.arxiv_id: tags for r, tags in zip(unique, tagging.tags)}
