"""Candidate keyphrases: the noun phrases of a title and abstract, found by part of speech.

A tag should be a whole noun phrase — "lifelong instruction tuning", not "scalable lifelong
multimodal" or "harvesting rich". So a candidate is a run of up to four words, each of which may
modify a noun (an adjective, a noun, a participle), ending in a word that can be a noun; a word
that can only be a verb, an adverb, a stop word or punctuation ends the run. Which parts of speech
a word can have comes from LemmInflect's English lexicon (installed from PyPI with its data;
docs/dependencies.md says why it won); a word it does not know is judged by its shape: acronyms
and words with digits are nouns (``BERT``, ``GPT-4``), common adjective endings are adjectives
(``scalable``, ``multimodal``), the rest nouns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from lemminflect import getAllLemmas
from unidecode import unidecode

from zotbridge.tags.keyphrases import STOPWORDS, phrase_key, singular

MAX_WORDS = 4
# Words, hyphenated compounds and version numbers ("GPT-3.5-Turbo", "Yuan 2.0-M32"), or one mark.
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:(?:[-'’]|(?<=\d)\.(?=\d))[A-Za-z0-9]+)*|[^\sA-Za-z0-9]")
_ADJECTIVE_ENDINGS = (
    "al",
    "ive",
    "ous",
    "ic",
    "able",
    "ible",
    "ful",
    "less",
    "ary",
    "ory",
    "ular",
    "ent",
    "ant",
)
# Reporting verbs and vague words that are never part of a tag, whatever the lexicon says.
BREAKS = frozenset(
    """
propose proposed proposes present presented presents introduce introduced introduces show shown shows
demonstrate demonstrated achieve achieved outperform outperforms use used uses using based new novel
existing recent various different several significant effective efficient simple strong better best
extensive first second third further main key particular specific certain many much such other others
same whole overall general previous prior respective corresponding important given
themselves ourselves yourself yourselves himself herself myself anything everything something nothing
meets matters
two three four five six seven eight nine ten today
remarkable impressive promising excellent superior good great greater outstanding notable considerable favorable
fewer larger smaller bigger
unlike despite besides whereas
""".split()
)
_NEVER = STOPWORDS | BREAKS
NOUN, MODIFIER, GERUND, BREAK = "N", "M", "G", "B"


@dataclass
class Candidate:
    """One candidate phrase of a document: its normalised key and what the ranker looks at."""

    key: str  # lower case, hyphens as spaces, head singular
    text: str  # the first spelling seen
    words: int
    positions: list[int] = field(default_factory=list)  # token index of each occurrence
    in_title: bool = False
    whole_runs: int = 0  # occurrences that are a whole run (not part of a longer phrase)
    run_ends: int = 0  # occurrences that end their run: the head is this phrase's own
    head_can_be_verb: bool = False
    first_can_be_verb: bool = False
    starts_with_modifier: bool = False
    has_capitals: bool = False


@lru_cache(maxsize=65536)
def word_class(word: str) -> str:
    """N (can be a noun), M (can only modify one: adjective, participle), G (an -ing form the
    lexicon knows only as a verb: a head after a noun, "instruction tuning", never a phrase's first
    word, "improving accuracy") or B (ends a phrase)."""
    lower = word.lower()
    plain = lower.replace("’", "'")
    if plain.removesuffix("'s") in _NEVER or not re.search(r"[a-z]", lower) or len(word) == 1:
        return BREAK  # "today's"; a single letter is a variable: "N:M masks"
    if re.search(r"\d", word) or any(sum(c.isupper() for c in part) >= 2 for part in word.split("-")):
        return NOUN  # BERT, GPT-4, 3D, LLaMA; not the Title-Case compound "Multi-Head"
    parts = plain.split("-")
    last = parts[-1].split("'")[0]
    if plain.endswith("n't"):
        return BREAK  # "don't", "can't": the lexicon reads "don"
    if "the" in parts[1:-1]:
        return MODIFIER  # a phrase made an adjective: "off-the-shelf", "in-the-wild"
    forms = getAllLemmas(last) or getAllLemmas(lower)
    if len(parts) > 1 and _adjective_compound(parts, forms):
        return MODIFIER  # "long-horizon tasks", "multi-task learning", "open-set recognition"
    if not forms:
        if last.endswith(("ly", "ize")) and len(last) > 4:
            return BREAK  # an adverb or a verb: "integrally", "tokenize"
        return MODIFIER if last.endswith(_ADJECTIVE_ENDINGS) and len(last) > 4 else NOUN
    if "NOUN" in forms or "PROPN" in forms:
        return NOUN
    inflected = set(forms) == {"VERB"} and last not in forms["VERB"]  # "trained", not "exceed"
    if "ADJ" in forms or (inflected and last.endswith("ed")):
        return MODIFIER  # "trained model"
    if inflected and last.endswith("ing"):
        return GERUND
    return BREAK  # verbs, adverbs, determiners


_PLACES = frozenset("in on off out".split())
# Adjectives that make an adjective of the noun they join ("long-horizon tasks", "multi-task
# learning", "open-set recognition"). A list, not the lexicon's adjectives: "black-box",
# "quantum-state" and "video-camera" are nouns, and are gold keys of the keyphrase sets.
_ADJECTIVE_PREFIXES = frozenset(
    "multi long short high low large small open single dual few real full half wide".split()
)


def _adjective_compound(parts: list[str], forms: dict[str, tuple[str, ...]]) -> bool:
    """An adjective or a preposition joined to a noun ("long-horizon", "multi-task", "large-scale",
    "in-context") modifies the next word; a lone one ("new long-horizon, complex tasks", "learn
    in-context") is no noun phrase. "fine-tuning" and "in-painting" are nouns."""
    if parts[-1].endswith(("ing", "ed")):
        return False
    return parts[0] in _PLACES or (parts[0] in _ADJECTIVE_PREFIXES and "NOUN" in forms)


def can_be_verb(word: str) -> bool:
    return "VERB" in (getAllLemmas(word.lower().split("-")[-1]) or {})


def _may_be_verb(word: str) -> bool:
    """A verb by the lexicon, or an -ing form it does not know ("Kickstarting Deep RL")."""
    return can_be_verb(word) or (word.lower().endswith("ing") and not getAllLemmas(word.lower()))


_MATH = re.compile(r"\$[^$]*\$|\\\(.*?\\\)")  # $…$ and \(…\): no tag comes out of a formula
_MACRO = re.compile(r"\\[A-Za-z]+")  # \emph, \infty: markup, not words
_URL = re.compile(r"\b(?:https?://|www\.)\S+")  # "github.com/Yu-Fangxu/FoR" names no idea


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unidecode(_MACRO.sub(" ", _MATH.sub(" . ", _URL.sub(" . ", text)))))


_SUBJECTS = frozenset(
    "we they it i you he she this these those which that to can could may might will would must "
    "not never don't doesn't didn't won't can't".split()
)
_PERFECT = frozenset("has have had".split())  # "has received considerable support"
_OBJECTS = frozenset("a an the your our their its my them anything everything whether how what".split())
# After a title's first word these join a noun to its complement ("Learning of Representations",
# "Reprompting: …"), so they say nothing about whether the first word is a verb.
_LINKS = frozenset("of for in on with from via by and or as at : - –".split())
_TITLE_PARTS = frozenset(", : ; ! ?".split())
_COORDINATORS = frozenset("and or , /".split())
# An -ing form after these opens a clause: "by scaling self-play", "without modifying models".
_CLAUSE_OPENERS = frozenset("by without while when after before towards toward".split())
# Prefixes that make a verb of a verb ("Pre-training LiDAR Perception"); "Early-Learning" is no verb.
_VERB_PREFIXES = frozenset("pre re co fine post over under".split())


def _opens_clause(word: str) -> bool:
    """An -ing form that can be a verb: where a clause may start, it is one ("Training Language
    Model Agents", "Learning Human Motion Representations")."""
    *prefixes, last = word.lower().split("-")
    return last.endswith("ing") and can_be_verb(last) and all(p in _VERB_PREFIXES for p in prefixes)


def _verb_here(previous: str, word: str, following: str, opens_title: bool = False) -> bool:
    """The lexicon knows no context, so a few cheap rules read one. A word that can be a verb is
    one after a pronoun, a modal, a negation or "to" ("we study", "to help", "Don't Stop") and, as
    a participle, after "has" ("has received support"), before an adjective ("harvesting
    rich supervision", "training large models") or an article or possessive ("practice the tasks",
    "tint your models"), and as the first word of a title or of a title's part before a word that
    is neither a phrase word nor a preposition ("Train Once, Answer All", "Reuse, Don't Retrain",
    "Learning to Rank"; "Pre-training of …" stays a noun); a base form that can be a verb is one
    after a plural noun ("models help", "methods improve"). An -ing form that can be a verb is one
    where a clause opens, at the start of a title's part or after "by", "without", "towards"… and
    before a phrase word ("Training Language Model Agents", "by scaling self-play"): in titles of
    the shared listings that reading was right in all but a handful of cases ("Embedding Structure
    Matters")."""
    if not _may_be_verb(word) or word.lower() in _DETACHED_PREFIXES:
        return False
    after_noun = following.lower().endswith("ed")  # "models trained on", "a model designed for"
    if word_class(following) == MODIFIER and word_class(word) != MODIFIER and not after_noun:
        return True
    if following.lower() in _OBJECTS:
        return True
    if opens_title and word_class(following) == BREAK and following.lower() not in _LINKS:
        return True
    opens_clause = opens_title or previous.lower() in _CLAUSE_OPENERS
    if opens_clause and _opens_clause(word) and word_class(following) != BREAK:
        return True
    before = previous.lower()
    if before in _SUBJECTS or (before in _PERFECT and word.lower().endswith("ed")):
        return True
    return (
        before.endswith("s")
        and not before.endswith("ss")
        and word_class(previous) == NOUN
        and not word.lower().endswith("s")
        and singular(before) != before
    )


_SENTENCE_ENDS = frozenset(". ! ? : ;".split())
# Prefixes sometimes written apart: the word after one is not where a phrase starts.
_DETACHED_PREFIXES = frozenset("self semi non multi pre co un meta cross anti post".split())


def _in_a_name(previous: str, word: str, following: str) -> bool:
    """A vague word capitalised inside a sentence of the abstract, before another capitalised word,
    is part of a name: "New Zealand", "Novel View Synthesis (NVS)"."""
    return (
        word.lower() in BREAKS
        and word[:1].isupper()
        and word[1:].islower()
        and previous not in _SENTENCE_ENDS
        and following[:1].isupper()
    )


def _continues(previous: str, previous_class: str, word: str) -> bool:
    """Whether ``word`` only continues what ``previous`` began, so no phrase starts at it: a prefix
    written apart ("Self Supervised"), or a version after a name ("Yuan 2.0-M32", "Llama 2")."""
    return previous.lower() in _DETACHED_PREFIXES or (
        word[:1].isdigit() and previous[:1].isupper() and previous_class == NOUN
    )


def runs(words: list[str], title_words: int = 0) -> Iterator[tuple[int, list[str]]]:
    """(start, words) of each maximal run of phrase words; the first ``title_words`` words are a
    title, whose parts may open with a verb ("Train Once, Answer All")."""
    start, run = 0, list[str]()
    padded = words + [".", ".", "."]
    for i, word in enumerate(words + ["."]):
        previous = words[i - 1] if i else "."
        if i > title_words and _in_a_name(previous, word, padded[i + 1]):
            run.append(word)
            continue
        opens_title = i < title_words and (i == 0 or previous in _TITLE_PARTS)
        # "long- and short-context": half of a compound
        dangling = padded[i + 1] == "-" and padded[i + 2].lower() in _COORDINATORS
        if dangling or word_class(word) == BREAK or _verb_here(previous, word, padded[i + 1], opens_title):
            if run:
                yield start, run
            run = []
            start = i + 1
            if word_class(word) != BREAK:
                continue  # the verb itself is no phrase word
        else:
            run.append(word)


def _shouted(title: str) -> bool:
    """A title in capitals made mostly of English words ("THE ROLE OF TRUST"), not of acronyms."""
    words = re.findall(r"[A-Za-z]+", title)
    english = sum(1 for w in words if w.lower() in _NEVER or getAllLemmas(w.lower()))
    return len(words) >= 3 and title.isupper() and english >= 0.75 * len(words)


def noun_phrases(title: str, abstract: str) -> tuple[dict[str, Candidate], list[str]]:
    """The candidates of a document by key, and its tokens (title, ".", abstract). A title in
    capitals is read in lower case: its words are no acronyms."""
    if _shouted(title):
        title = title.lower()
    title_words = tokens(title)
    words = title_words + ["."] + tokens(abstract)
    found: dict[str, Candidate] = {}
    for start, run in runs(words, len(title_words)):
        # trailing modifiers cannot end a phrase: "scalable lifelong multimodal" keeps nothing
        classes = [word_class(w) for w in run]
        # where the run's last phrase ends: a trailing participle modifies nothing ("a model
        # trained on", "scalable lifelong multimodal")
        end = 1 + max((k for k, c in enumerate(classes) if c == NOUN or (c == GERUND and k)), default=-1)
        for i in range(len(run)):
            if classes[i] == GERUND or (i and _continues(run[i - 1], classes[i - 1], run[i])):
                continue  # "improving accuracy"; "Self Supervised Learning" holds no "supervised learning"
            for j in range(i + 1, min(len(run), i + MAX_WORDS) + 1):
                if classes[j - 1] != NOUN and not (classes[j - 1] == GERUND and j - 1 > i):
                    continue
                phrase = run[i:j]
                key = phrase_key(phrase)
                if not key:
                    continue
                candidate = found.get(key)
                if candidate is None:
                    candidate = found[key] = Candidate(
                        key,
                        " ".join(phrase),
                        len(key.split()),
                        head_can_be_verb=can_be_verb(phrase[-1]),
                        first_can_be_verb=can_be_verb(phrase[0]),
                        starts_with_modifier=classes[i] == MODIFIER,
                        has_capitals=any(sum(c.isupper() for c in w) >= 2 for w in phrase),
                    )
                candidate.positions.append(start + i)
                candidate.in_title = candidate.in_title or start + i < len(title_words)
                candidate.whole_runs += i == 0 and j == end
                candidate.run_ends += j == end
    return found, words
