"""What one word can be: its parts of speech, read from LemmInflect's English lexicon (installed
from PyPI with its data; docs/dependencies.md says why it won) and, for a word it does not know,
from its shape — acronyms and words with digits are nouns (``BERT``, ``GPT-4``), common adjective
endings are adjectives (``scalable``, ``multimodal``), the rest nouns. The words themselves are keyphrases.tokens().
A word's American spelling (``american``) is here too, since the lexicon decides it.

Context is nounphrases.py's business: whether a word that can be a verb is one where it stands.
"""

from __future__ import annotations

import re
from functools import lru_cache

from zotbridge.tags.keyphrases import STOPWORDS, lemmas, written_in_capitals

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
# Praise: never part of a tag ("remarkable zero-shot capacity"), and after a noun a verb is what
# stands before it ("deep learning yields great results"). "Valuable", "essential", "attractive",
# "vital" and "appealing" were in 255 candidates of 210 abstracts of the keyphrase sets and the
# listings ("valuable insights", a listing's tag `essential driver`), no gold key.
PRAISE = frozenset(
    """
remarkable impressive promising excellent superior good great greater outstanding notable considerable favorable
innovative powerful helpful significant strong better best state-of-the-art cutting-edge best-in-class
prominent sota hard-to-beat easy-to-use surprising successful potent valuable essential attractive vital appealing
""".split()
)
# Words never part of a tag, whatever the lexicon says: reporting and naming verbs ("an approach
# called SYNC-CLIP", "a regularization named dropout"; nounphrases._TERMS_OPENED keeps "named
# entity"), vague adjectives, praise, number words ("Millions of APIs" and "from scratch" gave
# shared listings the tags `million` and `scratch`; no gold key of the keyphrase sets holds one),
# comparatives ("nudges the pre-training distribution closer to", "unlike earlier work": of the 205
# abstracts whose candidates closer, earlier, later, tighter, worse… and "increasing", as
# "increased", change, no gold key holds one; "higher" and "lower" open gold keys, "higher
# education", "lower bound"), "sized", which follows an adverb or a vague word ("similarly sized
# open-source models"; no gold key holds it), reflexives, interjections, prepositions and
# conjunctions the lexicon calls adjectives or nouns or does not know ("dynamic modelling issues
# whilst", a keyphrase set's text, read "issues" as a verb; "newly-learnt skills reside inside the
# model" and "tasks outside the training set" gave shared listings the tags `inside` and `task
# outside`: no gold key of the keyphrase sets holds inside, outside, amid or atop, and 6 more are
# whole phrases without them, `sound pressure` in "the sound pressure inside"), and the -ing forms
# of verbs that relate a noun to what follows, which no noun before them can be the object of ("a
# foundation model consisting of", "tasks including").
BREAKS = (
    frozenset(
        """
propose proposed proposes present presented presents introduce introduced introduces show shown shows
demonstrate demonstrated achieve achieved outperform outperforms use used uses using based new novel
existing recent various different several effective efficient simple
extensive first second third further main key particular specific certain many much such other others
same whole overall general previous prior respective corresponding important given
themselves ourselves yourself yourselves himself herself myself anything everything something nothing ones
meets matters helps boosts
two three four five six seven eight nine ten hundred thousand million billion trillion today
eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen
twenty thirty forty fifty sixty seventy eighty ninety
hundreds thousands millions billions dozens scratch
accurate diverse immense massive vast predominant multiple little
additional conventional traditional subsequent latest increased increasing relevant typical distinct
fewer larger smaller bigger stronger weaker broader wider deeper richer finer longer shorter faster slower
cheaper easier harder simpler closer tighter clearer worse poorer newer stricter sharper coarser looser sparser denser
brighter shallower earlier later entire appropriate satisfying substantial useful comprehensive possible decent
similar major usual actual suitable sized
unlike despite besides whereas due whilst amongst amidst beneath underneath beside unto inside outside amid atop
hey hello
consisting containing comprising including involving requiring remaining depending relying belonging resulting
allowing arising enabling regarding concerning pertaining according excluding
called termed dubbed coined named
""".split()
    )
    | PRAISE
)
_NEVER = STOPWORDS | BREAKS
# Adverbs that say when or how widely something was done, not how: a participle after them is a
# verb's, no part of a phrase, and so is a compound of them ("Recently developed model merging
# techniques", "independently trained large language model experts", "widely-used visual
# encoders", "newly-learnt": shared listings' tags `developed model merging technique`, `trained
# large language model`, `widely-used visual encoder`). In the keyphrase sets' texts 72 abstracts
# change, no gold key goes. Manner adverbs are left out: their participle is a term's
# as often ("highly skewed class distribution", "dynamically modulated beam profile": gold keys).
WHEN_ADVERBS = frozenset(
    "recently newly widely commonly previously frequently originally independently separately".split()
)
# Adverbs that belong to the term they open: "weakly supervised learning", "fully connected
# networks", "partially observable". Other adverbs end a phrase ("significantly improved accuracy").
TERM_ADVERBS = frozenset("fully weakly densely sparsely partially locally".split())
# Adjectives LemmInflect's lexicon knows only as nouns (it inflects "responsibles"): "ensuring LLMs
# more responsible" gave the tag `responsible`. Found by reading the words of the keyphrase sets and
# the shared listings with an adjective's ending that the lexicon calls nouns and nothing else;
# "Bayesian" stays a noun, a tag of its own to citeulike180's users (docs/tags.md). And "left",
# which the lexicon also knows as a noun ("the left"): the 12 gold keys of the keyphrase sets that
# hold it hold it before its noun ("left ventricle"), while after one it is a participle ("No
# Detail Left Behind", "No Task Left Behind", two shared listings' titles, gave `detail left`).
# And "long", "short", "high" and "low", nouns only in other fields ("the highs and lows"): no gold
# key of the keyphrase sets ends in one, 737 candidates of their texts and the listings were one
# alone, and "with low computational cost" read "low" as a verb before an adjective (a gold key
# lost; `training long chain-of-thought model`, a listing's tag, kept its verb).
_ADJECTIVES_CALLED_NOUNS = frozenset("compatible responsible visible left long short high low".split())
# A count with its magnitude ("7B", "1.5B", "500GB", "100K", "53k hours") or a factor ("6.6x
# total training costs", "3x multilingual models", "500X fewer": shared listings' tags held `6.6x
# total training cost` and `53k hour`): a size, not an idea. No gold key of the keyphrase sets
# holds a factor or a count in thousands.
_SIZE = re.compile(r"\d+(?:\.\d+)?(?:[KMBT]|[KMGT]B|[xX]|k)")
NOUN, MODIFIER, GERUND, BREAK = "N", "M", "G", "B"


@lru_cache(maxsize=65536)
def word_class(word: str) -> str:
    """N (can be a noun), M (can only modify one: adjective, participle), G (an -ing form the
    lexicon knows only as a verb: a head after a noun, "instruction tuning", never a phrase's first
    word, "improving accuracy") or B (ends a phrase)."""
    lower = word.lower()  # tokens are ASCII (keyphrases.tokens): apostrophes are "'"
    if lower.removesuffix("'s") in _NEVER or not re.search(r"[a-z]", lower) or len(word) == 1:
        return BREAK  # "today's"; a single letter is a variable: "N:M masks"
    if _SIZE.fullmatch(word):
        return BREAK  # a size is a number word: "20B parameters", "a 500GB subset", "a 3x reduction"
    if re.search(r"\d", word) or written_in_capitals(word):
        return NOUN  # BERT, GPT-4, 3D, LLaMA; not the Title-Case compound "Multi-Head"
    parts = lower.split("-")
    last = parts[-1].split("'")[0]
    if lower.endswith("n't"):
        return BREAK  # "don't", "can't": the lexicon reads "don"
    if len(parts) == 2 and parts[0] in WHEN_ADVERBS:
        return BREAK  # "widely-used", "newly-learnt": a participle of when or how widely
    if "the" in parts[1:-1]:
        return MODIFIER  # a phrase made an adjective: "off-the-shelf", "in-the-wild"
    if lower in TERM_ADVERBS:
        return MODIFIER
    if last in _ADJECTIVES_CALLED_NOUNS:
        return MODIFIER  # "visible light", "backward-compatible model"
    forms = lemmas(last) or lemmas(lower)
    if len(parts) > 1 and _adjective_compound(parts, forms):
        return MODIFIER  # "long-horizon tasks", "multi-task learning", "open-set recognition"
    if not forms:
        if last.endswith(("ly", "ize")) and len(last) > 4:
            return BREAK  # an adverb or a verb: "integrally", "tokenize"
        if last.endswith("ed") and len(last) > 4 and not _ends_in_a_noun(last):
            return MODIFIER  # a participle: "models pretrained on", "finetuned", "undirected"
        return MODIFIER if last.endswith(_ADJECTIVE_ENDINGS) and len(last) > 4 else NOUN
    if "NOUN" in forms or "PROPN" in forms:
        return NOUN
    inflected = set(forms) == {"VERB"} and last not in forms["VERB"]  # "trained", not "exceed"
    if "ADJ" in forms or (inflected and last.endswith("ed")):
        return MODIFIER  # "trained model"
    if inflected and last.endswith("ing"):
        return GERUND
    return BREAK  # verbs, adverbs, determiners


def _ends_in_a_noun(word: str) -> bool:
    """Whether a word the lexicon does not know ends in one it knows as a noun: "testbed" (a gold
    key of the keyphrase sets) is a bed, "pretrained" holds none."""
    return any(word[i:] in lemmas(word[i:]).get("NOUN", ()) for i in range(1, len(word) - 2))


_PLACES = frozenset("in on off out".split())
# The number words a count is written in ("five key research topics"; nounphrases reads a verb
# before one), which also make an adjective of the noun they join ("two-stage").
COUNTS = frozenset("one two three four five six seven eight nine ten".split())
# Adjectives that make an adjective of the noun they join ("long-horizon tasks", "multi-task
# learning", "open-set recognition"). A list, not the lexicon's adjectives: "black-box",
# "quantum-state" and "video-camera" are nouns, and are gold keys of the keyphrase sets. Number
# words too ("two-stage", "zero-shot", "three-phase"): the 178 gold keys of the sets that hold one
# hold it before a noun; read so, the candidates of 169 of the sets' texts and of 122 listing
# papers change (`transductive zero-shot`, `two step` go; docs/tags-history.md, *A twenty-sixth
# look*).
_ADJECTIVE_PREFIXES = (
    frozenset("multi long short high low large small open single dual few real full half wide zero".split())
    | COUNTS
)


def _adjective_compound(parts: list[str], forms: dict[str, tuple[str, ...]]) -> bool:
    """An adjective or a preposition joined to a noun ("long-horizon", "multi-task", "large-scale",
    "in-context") modifies the next word; a lone one ("new long-horizon, complex tasks", "learn
    in-context") is no noun phrase. "fine-tuning" and "in-painting" are nouns."""
    if parts[-1].endswith(("ing", "ed")):
        return False
    return parts[0] in _PLACES or (parts[0] in _ADJECTIVE_PREFIXES and "NOUN" in forms)


# Small words that join a compound's parts into a phrase: "quality-of-service", "peer-to-peer",
# "trial-and-error" are never verbs, whatever their last part can be ("service", "peer").
_COMPOUND_LINKS = frozenset("of on to and by the in".split())


def unknown(word: str) -> bool:
    """A word the lexicon has no reading of in any word class ("instantiate", "pretrain",
    "decoupling"): the rules that read such a word by its shape or its neighbours start here."""
    return not lemmas(word.lower())


def can_be_verb(word: str) -> bool:
    parts = word.lower().split("-")
    if _COMPOUND_LINKS.intersection(parts[1:-1]):
        return False
    return "VERB" in (lemmas(parts[-1]) or {})


def may_be_verb(word: str) -> bool:
    """A verb by the lexicon, or a word it does not know made like one: any -ing form
    ("Kickstarting Deep RL"), or a prefix before a verb in its base or -s form ("we reframe
    seagrass classification", "to finetune robot models", "deep networks overfit", "to debias",
    "decouples"). Looser than verb_ing on purpose: it gates the rules that also need a cue around
    the word (a pronoun before, an adjective opening the object after), while verb_ing answers
    where the -ing form alone decides (a clause's first word), so an unknown one must be made like
    a verb's there.

    The prefixed forms change the candidates of 52 abstracts of the shared listings and the
    keyphrase sets (`overfit`, `finetune`, `underperform`, `decouple` … no longer tags) and take
    one gold key, a verb ("to reRank web retrieved results"). Not *pre-*: *preterm* and
    *preservice* open gold keys before an adjective ("preterm pathological infants"), where a
    verb would be read as in "harvesting rich supervision"; *pretrain* is read only after a
    pronoun, a modal or "to" (made_like_a_verb)."""
    lower = word.lower()
    if not unknown(lower) or can_be_verb(lower):
        return can_be_verb(lower)
    if lower.endswith("ing"):
        return True
    return (
        not lower.endswith("ed") and "-" not in lower and _prefixed_verb(lower, _PREFIXES_OF_VERBS - {"pre"})
    )


def _prefixed_verb(lower: str, prefixes: frozenset[str]) -> bool:
    """A prefix before a word that can be a verb: "reframe", "decoupling", "finetunes"."""
    return any(lower.startswith(p) and can_be_verb(lower[len(p) :]) for p in prefixes)


def made_like_a_verb(word: str) -> bool:
    """A word the lexicon does not know made of any verb prefix, "pre-" too, and a verb
    ("pretrain", "reframe"): where a pronoun, a modal or "to" stands before it, it is a verb ("to
    pretrain representations", "we pretrain"); may_be_verb leaves "pre-" out, for the weaker cues.
    After "to", "we", "they" or a modal it changes seven abstracts of the listings and the
    keyphrase sets, no gold key; after "that" too it took "that preservice secondary science
    teachers", a gold key."""
    lower = word.lower()
    return unknown(lower) and "-" not in lower and _prefixed_verb(lower, _PREFIXES_OF_VERBS)


# Prefixes that make a verb of a verb written with a hyphen ("Pre-training LiDAR Perception");
# "Early-Learning" is no verb.
VERB_PREFIXES = frozenset("pre re co fine post over under".split())
# An -ing word the lexicon does not know is a verb's when it is made like one: a verb suffix
# ("anonymizing", "sparsifying", "correlating") or a prefix before a verb's -ing, written as one
# word ("decoupling", "reranking", "finetuning"), where a few more prefixes occur. Not
# "crowdsourcing", "sensemaking", "supercomputing": nouns of a field.
_VERB_ING_SUFFIXES = ("izing", "ising", "ifying", "ating")
_PREFIXES_OF_VERBS = VERB_PREFIXES | frozenset("de un mis dis up".split())


def verb_ing(word: str) -> bool:
    """An -ing form of a verb: one the lexicon reads as a verb, or an unknown one made like one."""
    lower = word.lower()
    if not lower.endswith("ing"):
        return False
    if not unknown(lower):
        return can_be_verb(lower)
    return lower.endswith(_VERB_ING_SUFFIXES) or _prefixed_verb(lower, _PREFIXES_OF_VERBS)


# British endings and their American spellings: "generalisation", "analyse", "behaviour",
# "modelling", "labelled" (Oxford -ize aside, the -ise, -our and -elled forms of British English).
_BRITISH = (
    (re.compile(r"(?<=\w{3})is(e|es|ed|ing|er|ers|ation|ations)$"), r"iz\1"),
    (re.compile(r"(?<=\w{2})ys(e|es|ed|ing|er|ers)$"), r"yz\1"),
    (re.compile(r"(?<=\w{3})our(s?)$"), r"or\1"),
    (re.compile(r"(?<=\w{2})ell(ed|ing|er|ers)$"), r"el\1"),
)


@lru_cache(maxsize=16384)
def american(word: str) -> str:
    """A lower-case word in its American spelling, so "generalisation" and "generalization" are
    one tag. The British form is respelled where the lexicon knows the American one (it knows
    variants too: "exercize"), or knows neither ("tokenisation"); "noise", "promise", "detour" and
    "compelled" are no British forms of anything and stay."""
    for british, us in _BRITISH:
        respelled = british.sub(us, word, count=1)
        if respelled != word:
            return respelled if lemmas(respelled) or not lemmas(word) else word
    return word


def is_english(word: str) -> bool:
    """A stop word, a vague word or a word the lexicon knows ("THE", "ROLE"; not "BERT")."""
    return word.lower() in _NEVER or bool(lemmas(word.lower()))
