"""From keyphrases to tags a researcher would type (docs/tags.md):

* one spelling per idea: lower case (acronyms keep their capitals: ``BERT``, ``GPT-4``, and names
  the listing capitalises theirs: ``Gaussian``; proper_names), the last
  word singular, hyphens, spaces and their absence the same (``pre-trained model`` = ``pretrained
  model`` = ``pre trained model``; the spelling shown is the one seen most);
* an acronym and its expansion are one tag, shown as the expansion: an abstract that writes
  "large language models (LLMs)" teaches that ``LLM`` means ``large language model``
  (Schwartz–Hearst: the letters of the short form start words of the long form, in order);
* generic phrases (``proposed method``, ``experimental results``, ``state of the art``, ``paper``)
  are never tags, nor single words that mean little alone (``model``, ``learning``, ``data``), nor
  one-word adjectives (``pre-trained``, ``zero-shot``, ``task-specific``: they describe, not group);
  but generic words that together name a field are (``representation learning``, ``world model``);
* 3–40 characters, at most 4 words as written (``text-to-image diffusion model`` is three), not
  just digits; a single word of four letters or more, or an acronym (``SVM``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from zotbridge.tags.keyphrases import (
    STOPWORDS,
    acronym_plural,
    capitalised,
    lemmas,
    phrase_key,
    porter_stem,
    singular,
    tokens,
    words_in,
    written_in_capitals,
)
from zotbridge.tags.lexicon import BREAK, MODIFIER, VERB_PREFIXES, american, word_class

MIN_CHARS, MAX_CHARS, MAX_WORDS = 3, 40, 4
GENERIC_WORDS = frozenset(
    """
paper approach method model framework system result experiment performance task problem work study analysis
technique algorithm solution application data dataset benchmark baseline evaluation training learning inference
network architecture module component design setting scenario challenge issue limitation advantage improvement
accuracy effectiveness efficiency robustness capability ability quality strategy process mechanism feature
information knowledge representation output input prediction property time cost number set way case example
domain lot kind sort type part term level order real-world world class parameter variable value
sample label generation environment objective step signal score benefit reason concern beginning comparison
multiple comparable similar capable future past affordable viable competitive reliable scalable alternative
large huge advanced suitable related improved customized effective unsurprising flexible economical entire
modest downstream systematic fair small standard starting point help subset real common original setup
role classic paradigm single question trained
""".split()
)
GENERIC = frozenset(
    p.strip()
    for p in """
state of the art, proposed method, proposed approach, proposed model, proposed framework, experimental result,
extensive experiment, empirical result, theoretical analysis, future work, related work, existing method,
previous work, prior work, recent work, recent advance, recent year, real world, real world application,
large scale, various task, downstream task, target task, target domain, source domain,
natural language, open source, code available, significant improvement, substantial improvement, new method,
new approach, novel approach, novel method, novel framework, comprehensive experiment, comprehensive evaluation,
extensive evaluation, main contribution, key insight, high quality, low quality, trade off, small scale,
empirical comparison, empirical study, empirical evaluation, empirical analysis, experimental setup,
deep dive, technical report
""".split(",")
)
# Made only of generic words, yet the name of a field or a concept: still tags. "representation
# learning" is a candidate of 35 of the shared listings' papers; "information system" and
# "knowledge representation" are gold keys of Inspec's indexers.
FIELDS = frozenset(
    p.strip()
    for p in """
representation learning, feature learning, parameter learning, competitive learning, knowledge representation,
world model, world knowledge, sample efficiency, data efficiency, data quality, information system, type system
""".split(",")
)
# A way of doing something is no topic: "in a zero-shot manner", "in a self-supervised fashion",
# "in a sparsely activated way", "from a causal perspective", "from a legal standpoint", "A
# Generalisation Point of View" (a shared listing's title; nounphrases reads "point of view" as
# one word). Not "viewpoint", a camera's in vision: "camera viewpoint" is a gold key of Inspec.
_MANNERS = tuple(  # as a key ends, a word or words whole: "way", not "pathway"
    f" {m}"
    for m in ("manner", "fashion", "way", "perspective", "standpoint", "point of view", "points of view")
)
# How much of something, not what: "a wide variety of", "large amounts of", "a limited number of"
# (shared listings' tags `wide variety`, `large amount`): 183 candidates of the keyphrase sets'
# texts and the listings, none a gold key, where "copy number" and "array" are.
_QUANTITIES = frozenset("amount number variety plethora multitude majority array deal range".split())
_SIZES_OF_QUANTITIES = frozenset(
    "large small wide broad huge enormous total limited tremendous vast sufficient reasonable high "
    "great considerable significant diverse".split()
)
# Heads that add nothing to the idea before them: "supervised pre-training method" is the paper's
# "supervised pre-training", "speech emotion recognition task" its "speech emotion recognition".
GENERIC_HEADS = frozenset(
    "method approach model framework task setting problem technique algorithm system paradigm strategy "
    "scheme mechanism procedure".split()
)
# A one-word tag that is an adjective describes, it does not group: "pre-trained", "zero-shot".
ADJECTIVE_ENDINGS = (
    "ed",
    "shot",
    "specific",
    "source",
    "modal",
    "lingual",
    "based",
    "aware",
    "free",
    "level",
    "scale",
    "wise",
    "like",
    "oriented",
    "agnostic",
    "efficient",
    "invariant",
    "dependent",
    "al",
    "ive",
    "ous",
    "ic",
)


def tag_key(phrase: str) -> str:
    """The comparison form of a tag: ASCII, lower case, hyphen = space, singular last word; a
    version number is one word ("GPT-3.5-Turbo": gpt 3.5 turbo). The words are the ones
    candidates are made of (keyphrases.words_in), so a tag and a candidate of one spelling compare equal."""
    return phrase_key(words_in(phrase))


def merge_key(key: str) -> str:
    """Identity of a tag across spellings and word forms: ``pre-trained model`` = ``pretrained
    model``; ``fine-tuned model`` = ``finetuned model``; ``fine-tuning`` = ``fine-tune``;
    ``continual pre-training`` = ``continued pretraining``; ``generalisation`` =
    ``generalization`` (lexicon.american)."""
    return "".join(_stem(american(w)) for w in key.split())


def shown_key(key: str) -> str:
    """Identity of a tag as a listing shows it: merge_key's, but a last word in -ing stays apart
    from its base, a noun of its own: a paper on "language modeling" is not shown `language
    model`, nor one on "human ratings" `rate`, nor one on "skill clusters" `clustering`, however
    many of the listing's papers write the other. 22 of the shared listings' 822 papers were shown
    such a first-five tag in a form they never write (`language model` for "language modeling",
    `medical image`, `pseudo-label`). The base is the verb LemmInflect reads the word as, and a
    noun of its own where it also knows it as a noun ("image", "rate", "code", "reason"); not
    "understand", "embed" or "pretrain", nor a verb after a prefix written apart ("pre-train"):
    "pre-training" and "pretraining" are shown as the listing writes them most, "continued
    pretraining" as "continual pre-training"."""
    *before, head = key.split() or [""]
    prefixed = bool(before) and before[-1] in VERB_PREFIXES
    own_noun = head.endswith("ing") and any("NOUN" in lemmas(verb) for verb in lemmas(head).get("VERB", ()))
    return merge_key(key) + (" -ing" if own_noun and not prefixed else "")


def spelling_key(key: str) -> str:
    """Identity of a tag across spellings of the same words, not across word forms: hyphens,
    spaces and British endings (``pre-trained model`` = ``pretrained model``, ``unlabelled data`` =
    ``unlabeled data``; ``clustering`` is no ``cluster``, as it is for merge_key)."""
    return "".join(american(w) for w in key.split())


def form_key(key: str) -> str:
    """A coarser identity, for two tags of one paper: each word cut to its first seven letters
    after Porter's stemmer, so "non-stationary" = "non-stationarity" and "robust" = "robustness"."""
    return " ".join(porter_stem(w)[:7] for w in key.replace("-", " ").split())


# What "-al" makes an adjective of, so that "continual" = "continued" and "convolutional" =
# "convolution", "structural" = "structure", "behavioral" = "behavior". Any other word before "-al"
# is a word of its own: "signal" is no "sign" (a shared listing's TIES-Merging paper, on parameter
# signs, was shown the tag `signal`), nor "normal" a "norm", "digital" a "digit", "original" an
# "origin", "modal" a "mode". Read off the 132 words of the shared listings and the keyphrase sets
# that "-al" joined to another: 84 still join, all adjectives of their partner but *virtual*
# (*virtue*), and 48 no longer: other words (*signal*, *marginal*, *modal*, *moral*), nouns of
# verbs (*retrieval*, *removal*: a tag seldom holds the verb) and a few adjectives of a noun that
# ends otherwise (*neuronal*, *polygonal*), which a tag seldom writes both ways.
_AL_BASES = ("ion", "ic", "ment", "ur", "u", "or")


def _stem(word: str) -> str:
    """The word without one ending of a word form, but a prefix written apart stays whole, as it
    is inside a word ("fine" in "fine-tuned", as in "finetuned")."""
    if word in VERB_PREFIXES:
        return word
    for suffix in ("ing", "ed", "al", "e"):
        if not word.endswith(suffix):
            continue
        base = word[: -len(suffix)]
        adjective_of = suffix != "al" or (len(base) >= 4 and base.endswith(_AL_BASES))  # not "moral"
        if len(base) >= 3 and adjective_of:
            return base
    return word


def is_generic(key: str, text: str = "") -> bool:
    words = key.split()
    if key in FIELDS:
        return False
    if key in GENERIC or all(w in GENERIC_WORDS for w in words) or f" {key}".endswith(_MANNERS):
        return True
    if len(words) == 2 and words[0] in _SIZES_OF_QUANTITIES and words[1] in _QUANTITIES:
        return True
    single = len(text.split()) <= 1 if text else len(words) == 1
    short = len(key) < 4 and not _acronym_like(text)  # "use", "way"; but "SVM", "PCA", "GAN" name ideas
    return single and (key.endswith(ADJECTIVE_ENDINGS) or short)


def adjective_alone(text: str) -> bool:
    """One word the lexicon reads as an adjective compound: never a candidate by itself, but an
    acronym's expansion can be one ("OOD" shown as "out-of-distribution")."""
    return len(text.split()) == 1 and word_class(text) == MODIFIER


def without_generic_head(key: str, text: str) -> str:
    """``key`` without a last word from GENERIC_HEADS, if two words or more remain, or one that is
    written as an acronym ("BERT models" is "BERT"; "diffusion model" stays), its new last word
    singular as in every key ("mixture-of-experts models" is "mixture of expert")."""
    words, shown = key.split(), text.split()
    if len(words) < 2 or words[-1] not in GENERIC_HEADS:
        return key
    named = len(words) == 2 and len(shown) == 2 and _acronym_like(shown[0])
    return " ".join([*words[:-2], singular(words[-2])]) if len(words) > 2 or named else key


def acceptable(key: str, text: str) -> bool:
    return (
        MIN_CHARS <= len(text)
        and not too_long(text)
        and not key.replace(" ", "").isdigit()
        and not is_generic(key, text)
    )


def too_long(text: str) -> bool:
    """Longer than a tag: more than MAX_WORDS words as written (a hyphenated compound is one word:
    "Text-to-Image Diffusion Models" is three) or MAX_CHARS characters."""
    return len(words_in(text)) > MAX_WORDS or len(text) > MAX_CHARS


def definitions(text: str) -> Iterator[tuple[str, list[str]]]:
    """(short form key, long form's words as written) for every "long form (SHORT)" in ``text``:
    ("llm", ["Large", "Language", "Models"]). The candidates read acronyms in brackets by the same
    rule (bracketed_acronym, long_form), so a tag and its candidates agree on them."""
    words = tokens(text)
    before: list[str] = []  # the words before ``at``, as words_in reads them
    for at, token in enumerate(words):
        letters = bracketed_acronym(words, at)
        long_words = long_form(before, letters) if letters else None
        if long_words and long_words[0].lower().split("'")[0] not in STOPWORDS:
            yield tag_key(words[at + 1]), long_words  # "Who's Harry Potter (WHP)" names no idea
        if token[0].isalnum():
            before.append(token)


def bracketed_acronym(words: list[str], at: int) -> list[str]:
    """The letters of an acronym alone in brackets opening at ``at`` in ``words``, tokens() of a
    text ("( LLMs )": l, l, m; "( P2P )": p, p), or none. It opens with a letter: a long form is
    looked for by its first letter, and "presents a Two-Phase Sampling (2PS)" would give one
    starting at "presents"."""
    inside = words[at + 1 : at + 3]
    alone = words[at] == "(" and inside[1:] == [")"] and inside[0][:1].isalpha()
    return acronym_letters(inside[0], digits=True) if alone else []


def abbreviates(short: str, long: str) -> bool:
    """Whether the tag ``short`` is an acronym of the tag ``long`` ("LLMs", "large language
    model"): one acronym-like word whose letters the long form's words spell by their initials, by
    the rule definitions() reads abstracts with. For tags that were never seen side by side."""
    letters = acronym_letters(short)
    return bool(letters) and spelled_by(letters, long)


def acronym_letters(short: str, digits: bool = False) -> list[str]:
    """The letters of a tag that can be an acronym of a longer one ("LLMs": l, l, m), or none: a
    name with a digit is one model, not a family ("GPT-4"), unless ``digits`` (a short form that
    its long form defines in brackets: "peer-to-peer (P2P)")."""
    if len(short.split()) != 1 or not _acronym_like(short) or (re.search(r"\d", short) and not digits):
        return []
    letters = [c.lower() for c in re.sub(r"(?<=[A-Z])s$", "", short) if c.isalpha()]
    return letters if len(letters) >= 2 else []


def spelled_by(letters: list[str], long: str) -> bool:
    """Whether the words of ``long`` spell ``letters`` by their initials, all of them used."""
    long_words = words_in(long)
    if any(_acronym_like(w) for w in long_words):
        return False  # an expansion spells its letters out: "QA agents" is no long form of "QA"
    return len(long_words) >= 2 and long_form(long_words, letters) == long_words


def expand(key: str, expansions: dict[str, str]) -> str:
    """``key`` with every word that is a known short form replaced by its long form: "ncd
    problem" → "novel class discovery problem", so it is seen to be inside "novel class discovery"."""
    if key in expansions:
        return expansions[key]
    words = key.split()
    out = [expansions.get(w) or expansions.get(singular(w)) or w for w in words]
    return phrase_key(" ".join(out).split()) if out != words else key


def written_as_acronyms(text: str) -> set[str]:
    """The keys of the words, or hyphen parts, that ``text`` writes as acronyms ("LLM-based agents":
    llm): only these are expanded. The MemGEN paper's "pi decimals" are digits of pi, yet another
    paper of its listing defines PI as Perceptual-Initialization, and the key "pi" expanded to it."""
    words = words_in(text)
    parts = [part for word in words for part in (word, *word.split("-"))]
    return {tag_key(part) for part in parts if _acronym_like(part)}


def long_form(words: list[str], letters: list[str]) -> list[str] | None:
    """The shortest run of trailing words whose initials (hyphen parts included) spell the letters."""
    for size in range(1, min(len(letters) + 2, len(words)) + 1):
        window = words[-size:]
        initials = [part[0].lower() for w in window for part in w.split("-") if part]
        if _spells(initials, letters) and window[0][0].lower() == letters[0]:
            return window
    return None


def _spells(initials: list[str], letters: list[str]) -> bool:
    """Letters in order, each the initial of a distinct word part (extra small words allowed)."""
    i = 0
    for initial in initials:
        if i < len(letters) and initial == letters[i]:
            i += 1
    return i == len(letters)


def display(key: str, spellings: dict[str, int], names: dict[str, str] | None = None) -> str:
    """The tag as shown: the most common spelling seen; words with two or more capitals (``BERT``,
    ``GPT-4``, ``LLaMA``) keep them, and so do the listing's ``names`` (proper_names: ``Gaussian``,
    ``Iran``) and a word that lower case would make a formula (``Ll``: "ll" is TeX's "much less
    than", keyphrases.tokens); the rest is lower case; the last word is singular.

    The spellings are the listing's, of every word form one shown key joins ("cluster",
    "clusters"; "clustering" apart: shown_key), so the single spelling used most wins, and among
    equals the alphabetically last. organize names its groups otherwise (_group_name: forms counted together,
    then American, then shorter), since its tags are already normalised; given the listing's
    spellings that rule showed `cluster` for `clustering`, `sign` for `signal` and `probe` for
    `probing` (23 tags of 22 shared-listing papers at ``--tags 10``), so the two stay apart."""
    names = names or {}
    best = max(spellings, key=lambda s: (spellings[s], s)) if spellings else key
    words = [_shown(word, names) for word in best.split()]
    if words:
        last = words[-1]
        if acronym_plural(last):  # LLMs -> LLM, Vision-LLMs -> Vision-LLM
            words[-1] = last[:-1]
        elif last.islower() and not last.endswith("'s") and _ends_in_its_head(words):
            words[-1] = singular(last)
    return " ".join(words) or key


def _shown(word: str, names: dict[str, str]) -> str:
    """One word of a tag as shown: without a possessive, in lower case unless an acronym or a name,
    but as written where that would make it a formula ("Ll", "gg's": "ll" and "gg" are TeX's)."""
    bare = word.replace("'s", "")
    if _acronym_like(bare):
        return bare
    lower = bare.lower()
    return word if words_in(lower) != [lower] else _named(lower, names)


def _named(word: str, names: dict[str, str]) -> str:
    """A lower-case word as shown: a name as the listing writes it, whole or as part of a compound
    (``non-English``)."""
    if word in names:
        return names[word]
    return "-".join(names.get(part, part) for part in word.split("-"))


def proper_names(texts: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The words a listing writes as names, lower case -> as written: ``Gaussian``, ``Lyapunov``,
    ``Japanese``, ``Iran``, ``Edinburgh``, ``Mamba``. A word is one where some abstract capitalises
    it inside a sentence between words that are not capitalised ("mixture models, Gaussian
    processes", "situated in Iran"), and no title or abstract of the listing writes it in lower
    case. A capital after a full stop, a bracket or a quote may only open a sentence or an item, and
    one inside a run of capitalised words may be Title Case ("Multi-Domain Recommender (MDR)"), so
    neither counts. Before, every tag was lower case but for acronyms (``gaussian process``,
    ``iran cultural heritage building``); the comparison keys are lower case either way."""
    in_lower_case: set[str] = set()
    mid_sentence: dict[str, Counter[str]] = defaultdict(Counter)
    for title, abstract in texts:
        in_lower_case.update(w.removesuffix("'s") for w in words_in(title) if w.islower())
        words = tokens(abstract)
        for i, token in enumerate(words):
            word = token.removesuffix("'s")
            if word.islower():
                in_lower_case.add(word)
            elif _name_shape(words, i) and len(word) > 2 and _between_uncapitalised(words, i):
                mid_sentence[word.lower()][word] += 1
    return {
        lower: max(spelled, key=lambda s: (spelled[s], s))
        for lower, spelled in mid_sentence.items()
        if lower not in in_lower_case
    }


def _name_shape(words: list[str], i: int) -> bool:
    """Whether the ``i``-th token is shaped like a name: a capital, then lower case (``Gaussian``),
    or a compound of such parts that stands for a thing of its own, not before a phrase word it
    modifies ("we introduce Diff-Transfer, a …", "an online data sampling algorithm, Skill-It, over"; not "a
    Criss-Cross attention network", "a dataset Diversity-Aware prompting strategy", where the
    writer's Title Case is a term's, "diversity-aware meta visual prompting"). Before, the shared
    listings' tags showed `diff-transfer`, `skill-it`, `drop-upcycling` and `self-translate-train`
    for methods their abstracts only ever write in capitals."""
    word = words[i].removesuffix("'s")
    if capitalised(word):
        return True
    parts = word.split("-")
    compound = len(parts) > 1 and all(capitalised(p) for p in parts)
    after = words[i + 1] if i + 1 < len(words) else "."
    return compound and (after in _CLAUSE_MARKS or word_class(after) == BREAK)


def _between_uncapitalised(words: list[str], i: int) -> bool:
    """Whether the ``i``-th token stands inside a sentence, after a word (or a comma after one) and
    before a word or the end of a clause or an item, neither word beginning with a capital, nor
    followed by one: "such as Tree of Thought", "the Decompose, Critique and Refine (DeCRIM)" are
    Title Case, not names."""
    j = i - 1 - (i >= 1 and words[i - 1] == ",")
    before = words[j] if j >= 0 else "."
    after, then = (words[i + 1 : i + 3] + [".", "."])[:2]
    in_title_case = (after in STOPWORDS or after == ",") and then[:1].isupper()
    return (
        _uncapitalised_word(before)
        and (_uncapitalised_word(after) or after in _CLAUSE_MARKS)
        and not in_title_case
    )


_CLAUSE_MARKS = frozenset(", . ; : ! ? )".split())  # not "/": "a Resume/JD matching purpose"


def _uncapitalised_word(token: str) -> bool:
    return token[:1].isalnum() and not token[:1].isupper()


def long_form_inside(words: list[str]) -> str:
    """An acronym's long form as written, to stand for it inside a longer phrase: the head singular,
    other words lower case unless they are acronyms ("Large Language Models" in "LLM agents" is
    "large language model"; "Mixture-of-Experts" stays as it is)."""
    words = [w if _acronym_like(w) else w.lower() for w in words]
    if words and _ends_in_its_head(words):
        words[-1] = singular(words[-1])
    return " ".join(words)


def _ends_in_its_head(words: list[str]) -> bool:
    """Whether a phrase's last word is its head: not in "mixture-of-experts" or "mixture of
    experts", whose head is "mixture"."""
    return "-of-" not in words[-1] and words[-2:-1] != ["of"]


def _acronym_like(word: str) -> bool:
    """BERT, GPT-4, LLaMA, LLMs, 3D, A100, Yuan 2.0-M32, U-Net — but not the Title-Case compound
    Multi-Task."""
    parts = word.split("-")
    return written_in_capitals(word) or any(
        (any(c.isdigit() for c in part) and any(c.isupper() for c in part))
        or (len(parts) > 1 and len(part) == 1 and part.isupper())
        for part in parts
    )
