"""Candidate keyphrases of a title + abstract, ranked: the default extractor (``phrase-tfidf``).

Pure Python, no model and no download, ~1 ms per abstract. Candidates are runs of up to three
content words inside a clause (stop words, common verbs and vague adjectives break runs, as in
RAKE), normalised (lower case, last word singular, hyphen = space). A candidate's score is

    frequency in the text × specificity × where it first appears × length bonus

* specificity: mean inverse document frequency of its words, from document frequencies of the
  collection being tagged (the listing, or the evaluation corpus) merged with a small background
  table shipped with zotbridge — so "model" and "learning" weigh little and "diffusion" a lot;
* a phrase in the title counts double, and earlier in the abstract beats later;
* two- and three-word phrases get a bonus (×2.5, ×3; chosen on a dev split of Inspec disjoint from
  the test sample: tags people type are mostly noun phrases).

docs/tags.md compares it with YAKE and an embedding method on Inspec.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from unidecode import unidecode

MAX_WORDS = 3
_TOKEN = re.compile(r"\d*[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*|\d+(?:\.\d+)?|[.,;:!?()\[\]{}\"/]")
_CLAUSE_BREAK = set('.,;:!?()[]{}"/')

STOPWORDS = frozenset(
    """
a about above across after again against all almost along already also although always am among an and another
any are around as at be because vs versus toward towards behind beyond et al been before being below between both but by can cannot could did do does doing
done down during each either else enough etc even ever every few for from further had has have having he her here
hers him his how however i if in into is it its itself just least less like made make makes making many may me
might more most much must my neither no nor not now of off often on once one only onto or other others otherwise
our ours out over own per perhaps quite rather same several she should since so some such than that the their them
then there these they this those though through thus to too under until up upon us very via was we well were what
when where whether which while who whom whose why will with within without would yet you your
""".split()
)
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


@dataclass
class Keyphrase:
    key: str  # normalised: lower case, singular head, single spaces ("large language model")
    text: str  # first spelling seen in the text ("Large Language Models")
    score: float
    whole: bool = True  # it ends a noun phrase somewhere ("multi-task" only ever modifies: False)


def words_of(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(unidecode(text)) if t not in _CLAUSE_BREAK]


def phrase_key(words: Iterable[str]) -> str:
    """Normalised form: lower case, hyphens as spaces, possessives dropped, last word singular."""
    parts = " ".join(w.lower().replace("-", " ") for w in words).replace("'s", "").split()
    if parts:
        parts[-1] = singular(parts[-1])
    return " ".join(parts)


_KEEP_S = frozenset(
    "analysis basis bayes bias class gas lens loss mass news physics process series species status thesis "
    "this its corpus virus radius calculus consensus axis genesis hypothesis diagnosis synthesis "
    "emphasis crisis dynamics kinetics mathematics statistics robotics linguistics ethics semantics "
    "graphics economics genomics proteomics electronics optics mechanics".split()
)


def singular(word: str) -> str:
    """English plural → singular for the head noun (models → model, strategies → strategy)."""
    if (
        len(word) <= 3
        or word in _KEEP_S
        or not word.endswith("s")
        or word.endswith("ss")
        or word.endswith("us")
    ):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    return word[:-1]


def runs(text: str) -> list[list[str]]:
    """The runs of content words of ``text``: what stop words, weak words and punctuation leave."""
    out: list[list[str]] = []
    run: list[str] = []
    for token in _TOKEN.findall(unidecode(text or "")) + ["."]:
        lower = token.lower()
        if (
            token in _CLAUSE_BREAK
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


class DocumentFrequencies:
    """Word document frequencies of a collection (plus an optional background), for IDF."""

    def __init__(self, background: dict[str, int] | None = None, background_docs: int = 0):
        self.df: Counter[str] = Counter(background or {})
        self.docs = background_docs

    def add(self, texts: Iterable[str]) -> DocumentFrequencies:
        for text in texts:
            self.docs += 1
            self.df.update({w.lower() for w in words_of(text)})
        return self

    def idf(self, word: str) -> float:
        return math.log((self.docs + 1) / (self.df.get(word, 0) + 1)) + 1.0


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
    length = max(1, len(words_of(abstract or "")) + len(words_of(title or "")))
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
