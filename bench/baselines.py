"""Keyphrase baselines for bench/tags_eval.py and the previous method of zotbridge, kept runnable
so that the figures of docs/tags.md can be measured again.

* ``phrase-tfidf``: zotbridge's extractor until issue 18 — runs of up to three content words inside
  a clause (stop words, reporting verbs, vague adjectives and adverbs break runs), scored
  frequency × mean IDF × where it first appears × a length bonus;
* ``previous tags``: what `zotbridge tags` gave until issue 18 — phrase-tfidf's 25 best per paper,
  re-ranked by how many papers of the listing share each, with single words halved;
* ``SingleRank`` (Wan and Xiao, 2008) and ``PositionRank`` (Florescu and Caragea, 2017), written
  from their papers (zotbridge/tags/graph.py, which the ranker also uses for two of its
  features): a candidate phrase (a maximal run of adjectives and nouns ending in a noun) scored by
  the sum of its words' scores.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from unidecode import unidecode

from zotbridge.tags.graph import word_scores
from zotbridge.tags.keyphrases import (
    STOPWORDS,
    DocumentFrequencies,
    Keyphrase,
    phrase_key,
    singular,
    tokens,
)
from zotbridge.tags.lexicon import NOUN, word_class
from zotbridge.tags.nounphrases import runs as noun_runs
from zotbridge.tags.vocabulary import FIELDS, acceptable, definitions, display, expand, tag_key

MAX_WORDS = 3
# The previous method's own words: a hyphenated word is one word, "3.5" a number, and these break runs.
_TOKEN = re.compile(r"\d*[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*|\d+(?:\.\d+)?|[.,;:!?()\[\]{}\"/]")
CLAUSE_BREAK = set('.,;:!?()[]{}"/')

# Words that are rarely part of a tag: reporting verbs, vague adjectives, generic nouns on their own.
WEAK = frozenset(
    """
propose proposed proposes present presents presented introduce introduces introduced show shows shown showed
demonstrate demonstrates demonstrated achieve achieves achieved outperform outperforms outperformed use uses used
using based new novel existing recent recently various different several significant significantly effective
effectively efficient efficiently simple simply strong better best extensive extensively state-of-the-art first
second third finally furthermore moreover specifically particular particularly key main
able allow allows enable enables enabling provide provides provided including include includes given find found
remains remain address addresses obtain obtained improve improves improved improving typically often however
study studies work works paper approach approaches method methods result results experiment experiments
""".split()
)

# "-ly" endings of adverbs ("accurately partition" is no phrase), not of nouns or adjectives that
# name things ("anomaly", "family", "assembly", "early stopping").
_ADVERB_ENDINGS = (
    "ally",
    "ively",
    "ately",
    "ously",
    "ently",
    "antly",
    "ingly",
    "edly",
    "fully",
    "ibly",
    "ably",
    "ctly",
    "tly",
    "ely",
)


def runs(text: str) -> list[list[str]]:
    """The runs of content words of ``text``: what stop words, weak words and punctuation leave."""
    out: list[list[str]] = []
    run: list[str] = []
    for token in _TOKEN.findall(unidecode(text or "")) + ["."]:
        lower = token.lower()
        if (
            token in CLAUSE_BREAK
            or lower in STOPWORDS
            or lower in WEAK
            or token.isdigit()
            or len(token) < 2
            or lower.endswith(_ADVERB_ENDINGS)
        ):
            out.append(run)
            run = []
        else:
            run.append(token)
    return out


def candidates(title: str, abstract: str) -> list[tuple[str, str, int, bool]]:
    """(key, text, position, in_title) of every candidate occurrence."""
    out: list[tuple[str, str, int, bool]] = []
    position = 0
    for in_title, text in ((True, title), (False, abstract)):
        for run in runs(text):
            out.extend(_ngrams(run, position, in_title))
            position += len(run) + 1
    return out


def _ngrams(run: list[str], start: int, in_title: bool) -> Iterator[tuple[str, str, int, bool]]:
    for n in range(1, MAX_WORDS + 1):
        for i in range(len(run) - n + 1):
            words = run[i : i + n]
            if any(_verb_like(w) for w in words[:-1]):
                continue  # "regularization prevents memorization": a clause, not a noun phrase
            yield phrase_key(words), " ".join(words), start + i, in_title


def _verb_like(word: str) -> bool:
    """A word (not an acronym) ending in a single s inside a phrase is mostly a verb (prevents)."""
    return (
        word[1:].islower()
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is", "ics"))
        and len(word) > 3
    )


class HeadWords:
    """How often each word ends its run of content words in a collection.

    A phrase's last word should be a head noun. "language" in a listing about language models
    is almost always followed by "model(s)", so "pre-trained language" is a cut-off phrase, not a
    tag; "multi-task" and "vision-language" are almost always followed by a noun too (they modify
    it). Words seen fewer than ``MIN_SEEN`` times are not judged.
    """

    MIN_SEEN = 5

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()
        self.final: Counter[str] = Counter()

    def add(self, texts: Iterable[str]) -> HeadWords:
        for text in texts:
            for run in runs(text):
                for i, token in enumerate(run):
                    word = singular(token.lower())
                    self.seen[word] += 1
                    self.final[word] += i == len(run) - 1
        return self

    def ends_phrases(self, word: str, share: float = 0.25) -> bool:
        """False when ``word`` was seen often and ended its run less than ``share`` of the time."""
        word = singular(word.lower())
        seen = self.seen[word]
        return seen < self.MIN_SEEN or self.final[word] >= share * seen


def extract(
    title: str, abstract: str, frequencies: DocumentFrequencies, top: int = 15, drop_contained: bool = True
) -> list[Keyphrase]:
    """The ``top`` best candidates, best first; a candidate contained in a better one is dropped
    unless ``drop_contained`` is False (tag selection decides that itself, after reuse of the
    library's tags)."""
    seen: dict[str, list[Any]] = {}
    length = max(1, len(_words_of(abstract or "")) + len(_words_of(title or "")))
    for key, text, position, in_title in candidates(title, abstract):
        entry = seen.setdefault(key, [text, 0.0, position, False])
        entry[1] += 2.0 if in_title else 1.0
        entry[3] = entry[3] or in_title
    scored = []
    for key, (text, count, first, in_title) in seen.items():
        words = key.split()
        specificity = sum(frequencies.idf(w) for w in words) / len(words)
        place = 1.5 if in_title else 1.0 + 0.5 * (1 - first / length)
        bonus = (1.0, 2.5, 3.0)[min(len(words), 3) - 1]  # chosen on Inspec's dev split (docs/tags.md)
        scored.append(Keyphrase(key, text, count * specificity * place * bonus))
    scored.sort(key=lambda k: (-k.score, k.key))
    chosen: list[Keyphrase] = []
    for phrase in scored:
        padded = f" {phrase.key} "
        if drop_contained and any(padded in f" {c.key} " for c in chosen):
            continue  # "diffusion" after "diffusion model"
        chosen.append(phrase)
        if len(chosen) == top:
            break
    return chosen


def _words_of(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(unidecode(text)) if t not in CLAUSE_BREAK]


# --- the previous tag selection (zotbridge/tags/select.py until issue 18) ------------------------


def _previously_acceptable(key: str, text: str) -> bool:
    """The tag filter as the previous method had it, so its figures stay what they were: no single
    word under four letters, acronyms included ("SVM"), no phrase of more than four words counting
    a hyphenated compound's parts, and no phrase made only of generic words, fields included
    ("representation learning"); zotbridge's tags accept all three now."""
    short = len(text.split()) <= 1 and len(key) < 4
    long = len(key.split()) > 4  # words of the key, hyphen parts counted apart
    return acceptable(key, text) and not short and not long and key not in FIELDS


def _merge_key(key: str) -> str:
    """A tag's identity as the previous method had it, so its figures stay what they were: each
    word without one ending ("pre-trained model" = "pretrained model"), but British spellings
    apart, and "fine" of "fine-tuned" cut as a word of its own (vocabulary.merge_key now joins
    both)."""
    return "".join(
        next((w[: -len(s)] for s in ("ing", "ed", "al", "e") if w.endswith(s) and len(w) - len(s) >= 3), w)
        for w in key.split()
    )


def previous_tags(texts: list[tuple[str, str]], count: int = 5) -> list[list[str]]:
    """Per paper: phrase-tfidf's 25 best, × (1 + 2·log2(papers sharing it)), single words × 0.5,
    a tag inside a better one skipped."""
    from zotbridge.tags.select import background

    df, docs = background()
    frequencies = DocumentFrequencies(df, docs).add(f"{t} {a}" for t, a in texts)
    heads = HeadWords().add(f"{t}. {a}" for t, a in texts)
    expansions: dict[str, str] = {}  # the listing's last definition of each acronym, as it was
    for title, abstract in texts:
        expansions.update(
            (short, phrase_key(long_words)) for short, long_words in definitions(f"{title}. {abstract}")
        )
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    per_paper: list[dict[str, float]] = []
    for title, abstract in texts:
        found = extract(title, abstract, frequencies, top=25, drop_contained=False)
        best = found[0].score if found else 1.0
        scores: dict[str, float] = {}
        for phrase in found:
            key = expand(phrase.key, expansions)
            text = phrase.text if key == phrase.key else key
            if not _previously_acceptable(key, text) or not heads.ends_phrases(phrase.text.split()[-1]):
                continue
            merged = _merge_key(key)
            spellings[merged][text] += 1
            scores[merged] = max(scores.get(merged, 0.0), phrase.score / best)
        per_paper.append(scores)
    shared = Counter(key for scores in per_paper for key in scores)
    words = {k: len(v.most_common(1)[0][0].replace("-", " ").split()) for k, v in spellings.items()}
    out = []
    for scores in per_paper:
        final = {
            k: v * (1 + 2 * math.log2(shared[k])) * (0.5 if words[k] == 1 else 1.0) for k, v in scores.items()
        }
        ranked = sorted(final, key=lambda k: (-final[k], k))
        chosen: list[str] = []
        for key in ranked:
            shown = display(key, spellings[key])
            if any(_nested(shown, display(c, spellings[c])) for c in chosen):
                continue
            chosen.append(key)
            if len(chosen) == count:
                break
        out.append([display(k, spellings[k]) for k in chosen])
    return out


def _nested(a: str, b: str) -> bool:
    for read in (lambda t: set(tag_key(t).split()), lambda t: {_merge_key(tag_key(w)) for w in t.split()}):
        x, y = read(a), read(b)
        if x <= y or x >= y:
            return True
    return False


# --- graph baselines ------------------------------------------------------------------------------


def graph_rank(title: str, abstract: str, positional: bool, top: int = 10) -> list[str]:
    """SingleRank (``positional=False``) or PositionRank: the ``top`` candidate phrases."""
    words = tokens(title) + ["."] + tokens(abstract)
    score = word_scores(words, positional)
    phrases: dict[str, float] = {}
    for _start, run in noun_runs(words):
        while run and word_class(run[-1]) != NOUN:
            run = run[:-1]
        if run:
            key = phrase_key(run)
            phrases[key] = sum(score.get(w.lower(), 0.0) for w in run)
    return [k for k, _ in sorted(phrases.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
