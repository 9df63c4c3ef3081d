"""What every step of tagging shares: the words of a text, stop words, the normal form of a
phrase (lower case, hyphens as spaces, the head singular), a keyphrase, and word document
frequencies for IDF (the listing's own merged with a background of arXiv abstracts shipped with
zotbridge)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from lemminflect import getAllLemmas
from unidecode import unidecode

# Words, hyphenated compounds and version numbers ("GPT-3.5-Turbo", "Yuan 2.0-M32"), or one mark.
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:(?:[-']|(?<=\d)\.(?=\d))[A-Za-z0-9]+)*|[^\sA-Za-z0-9]")  # on ASCII
_MATH = re.compile(r"\$[^$]*\$|\\\(.*?\\\)")  # $…$ and \(…\): no tag comes out of a formula
_MACRO = re.compile(r"\\[A-Za-z]+")  # \emph, \infty: markup, not words
# LaTeX that lost its backslashes on the way into a listing ("mathcal{O}(mathcal{C_{Phi circ
# Psi}/n})"): a command's name or a capitalised Greek letter standing alone ("latent variable
# models Phi", "C_Psi", "Phicirc") is a formula too. Lower-case Greek letters stay words (Inspec's
# gold keys hold "omega-automata" and "theta functions"), and so do names holding one: "Phi-2",
# "Adapt-infty".
_BARE_MATH = re.compile(
    r"(?<![-'A-Za-z0-9])(?:mathcal|mathbb|mathbf|mathrm|mathit|frac|circ|cdot|leq|geq|neq|infty|sqrt"
    r"|varepsilon|varphi|gg|ll|Phi|Psi|Theta|Omega|Xi|Upsilon)+(?![-'A-Za-z0-9])"
)
_BRACES = re.compile(r"[{}]")  # TeX's groups, kept when the rest went: "{SkillNet}", "Wukong{ViT-B}"
# "LLMs", "GPUs", "A100s", and acronyms in mixed case: "ViTs", "MoEs", "LLaMAs" (not "ResNets")
_ACRONYM_PLURAL = re.compile(r"[A-Z][A-Za-z0-9]*[A-Z0-9]s")
_URL = re.compile(r"\b(?:https?://|www\.)\S+")  # "github.com/Yu-Fangxu/FoR" names no idea


@lru_cache(maxsize=65536)
def lemmas(word: str) -> dict[str, tuple[str, ...]]:
    """LemmInflect's lemmas of a word by part of speech (``{"NOUN": ("model",)}`` for "models"; empty
    for a word it does not know), remembered: LemmInflect deep-copies every answer, and tagging asks
    about the same words again and again (a fifth of its time went there). Read, never changed."""
    found: dict[str, tuple[str, ...]] = getAllLemmas(word)
    return found


_PORTER = snowballstemmer.stemmer("porter")


@lru_cache(maxsize=65536)
def porter_stem(word: str) -> str:
    """Porter's stem of a word (snowballstemmer's "porter": the keyphrase sets are compared by it),
    remembered: phrases differ, their words repeat (stemming was a fifth of tagging's time)."""
    stem: str = _PORTER.stemWord(word)
    return stem


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


@dataclass
class Keyphrase:
    key: str  # normalised: lower case, singular head, single spaces ("large language model")
    text: str  # first spelling seen in the text ("Large Language Models")
    score: float
    whole: bool = True  # it can be a tag on its own ("multi-task" only ever modifies: False)
    only_an_example: bool = False  # named only in passing ("e.g., recommendation systems")


def tokens(text: str) -> list[str]:
    """The words and marks of a text, in ASCII; a formula or a web address is a full stop."""
    text = _BARE_MATH.sub(" . ", _MATH.sub(" . ", _URL.sub(" . ", text)))
    return _TOKEN.findall(unidecode(_BRACES.sub(" ", _MACRO.sub(" ", text))))


def words_in(text: str) -> list[str]:
    """The words of a text, as tokens() reads them: every tag, candidate and count is made of these."""
    return [t for t in tokens(text) if t[0].isalnum()]


def phrase_key(words: Iterable[str]) -> str:
    """Normalised form: lower case, hyphens as spaces, possessives dropped, an acronym for its plural
    ("GPUs" is "gpu"), last word singular."""
    written = [w.removesuffix("'s") for w in words]
    written = [w.removesuffix("s") if acronym_plural(w) else w for w in written]
    parts = " ".join(w.lower().replace("-", " ") for w in written).replace("'s", "").split()
    if parts:
        parts[-1] = singular(parts[-1])
    return " ".join(parts)


def acronym_plural(word: str) -> bool:
    """An acronym with a plural "s": "LLMs", "GPUs", "ViTs", "Vision-LLMs". Read in lower case, "gpus"
    would keep its "s" ("no English plural ends in -us")."""
    return _ACRONYM_PLURAL.fullmatch(word.rsplit("-", 1)[-1]) is not None


def written_in_capitals(word: str) -> bool:
    """Two capitals or more in one hyphen part: an acronym or a name written like one (``BERT``,
    ``GPT-4``, ``LLaMA``, ``ViTs``); not the Title-Case compound ``Multi-Head``. Such a word keeps
    its capitals and is read as a noun, never as an adjective or a verb."""
    return any(sum(c.isupper() for c in part) >= 2 for part in word.split("-"))


def capitalised(word: str) -> bool:
    """A capital, then lower-case letters: ``Gaussian``, ``Adam-v2``; not ``BERT`` or ``LLaMA``.
    Inside a sentence such a word is a name, or part of one."""
    rest = word[1:]
    return word[:1].isupper() and rest == rest.lower() and any(c.isalpha() for c in rest)


_KEEP_S = frozenset(
    "bayes gibbs bias class gas lens loss mass news process series species status "
    "its corpus virus radius calculus consensus graphics clothes".split()
)
# Latin and Greek plurals whose singular the endings below would miss ("task matrices", "domain
# corpora"; "crises" is no plural of "crise").
_IRREGULAR = {
    "matrices": "matrix",
    "indices": "index",
    "vertices": "vertex",
    "simplices": "simplex",
    "appendices": "appendix",
    "axes": "axis",
    "corpora": "corpus",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "spectra": "spectrum",
    "schemata": "schema",
    "formulae": "formula",
    "stimuli": "stimulus",
    "nuclei": "nucleus",
    "foci": "focus",
    "crises": "crisis",
}


def _field_or_plural(word: str) -> str:
    """A word in -ics is a field, singular as it is ("robotics", "bioinformatics", "analytics"),
    unless LemmInflect's lexicon knows it only as the plural of an -ic noun ("metrics",
    "heuristics", "topics"). A word it does not know is a field: made-up -ics words name fields
    ("radiomics", "cheminformatics")."""
    nouns = lemmas(word).get("NOUN", ())
    return word if not nouns or word in nouns else nouns[0]


def singular(word: str) -> str:
    """English plural → singular for the head noun (models → model, strategies → strategy); a
    hyphenated word by its last part (time-series stays)."""
    head, dash, last = word.rpartition("-")
    if dash and last:
        return head + dash + singular(last)
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if (
        len(word) <= 3
        or word in _KEEP_S
        or not word.endswith("s")
        or word.endswith(("ss", "us", "is"))  # no English plural ends in -is: analysis, mastitis
    ):
        return word
    if word.endswith("ics"):
        return _field_or_plural(word)
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("yses", "eses")):  # analyses, hypotheses, theses
        return word[:-2] + "is"
    if word.endswith("es") and word[:-2] in _KEEP_S:  # biases, lenses, gases
        return word[:-2]
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    return word[:-1]


class DocumentFrequencies:
    """Word document frequencies of a collection (plus an optional background), for IDF."""

    def __init__(self, background: dict[str, int] | None = None, background_docs: int = 0):
        self.df: Counter[str] = Counter(background or {})
        self.docs = background_docs

    def add(self, texts: Iterable[str]) -> DocumentFrequencies:
        for text in texts:
            self.docs += 1
            self.df.update({w.lower() for w in words_in(text)})
        return self

    def idf(self, word: str) -> float:
        return math.log((self.docs + 1) / (self.df.get(word, 0) + 1)) + 1.0
