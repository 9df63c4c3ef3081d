"""Candidate keyphrases: the noun phrases of a title and abstract, found by part of speech.

A tag should be a whole noun phrase — "lifelong instruction tuning", not "scalable lifelong
multimodal" or "harvesting rich". So a candidate is a run of up to four words, each of which may
modify a noun (an adjective, a noun, a participle), ending in a word that can be a noun; a word
that can only be a verb, an adverb, a stop word or punctuation ends the run. What a word can be
comes from lexicon.py; here a few cheap rules read its context, since a lexicon knows none: where a
word that can be a verb is one ("we study", "Training Language Model Agents") and where it is not,
inside a name the abstract writes ("we design Graph Contrastive Coding"), where a vague word is
part of a name ("New Zealand"), where a phrase cannot start ("Self Supervised Learning").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from zotbridge.tags.keyphrases import (
    STOPWORDS,
    capitalised,
    lemmas,
    phrase_key,
    singular,
    tokens,
    written_in_capitals,
)
from zotbridge.tags.lexicon import (
    BREAK,
    BREAKS,
    COUNTS,
    GERUND,
    MODIFIER,
    NOUN,
    PRAISE,
    TERM_ADVERBS,
    VERB_PREFIXES,
    WHEN_ADVERBS,
    can_be_verb,
    is_english,
    made_like_a_verb,
    may_be_verb,
    unknown,
    verb_ing,
    word_class,
)
from zotbridge.tags.vocabulary import bracketed_acronym, long_form

MAX_WORDS = 4
# Terms that hold "of" or "on" and name one idea, read as one word, as if written with hyphens
# ("Chain of Thought" as "Chain-of-Thought"): else "supervised chain" and "thought" stand for them
# ("Supervised Chain of Thought", a shared listing's title). The ones the shared listings and the
# keyphrase sets write with spaces (docs/tags.md; the gold keys hold "quality of service" ten
# times). Their keys are the same either way (phrase_key reads hyphens as spaces). And "state of the
# art", which joined is the praise "state-of-the-art": "State of the art reinforcement learning"
# gave "art reinforcement learning"; and "point of view", joined a manner (vocabulary.is_generic):
# "A Generalisation Point of View" gave `generalisation point`. And "human in the loop" and its
# kin, which modify as one ("model in the loop data collection", a shared listing's
# `loop data collection`; in the keyphrase sets' texts "in the loop" follows no such word).
_JOINED_TERMS = re.compile(
    r"\b(?:(?:chain|tree|graph)s?\s+of\s+thoughts?|mixtures?\s+of\s+experts?|theory\s+of\s+mind"
    r"|bags?\s+of\s+(?:visual\s+)?words|quality\s+of\s+service|degrees?\s+of\s+freedom"
    r"|(?:region|point)s?\s+of\s+interest|internet\s+of\s+things|proofs?\s+of\s+concept"
    r"|analysis\s+of\s+variance|method\s+of\s+moments|price\s+of\s+anarchy|denial\s+of\s+service"
    r"|time\s+of\s+flight|fields?\s+of\s+view|video\s+on\s+demand|return\s+on\s+investment"
    r"|points?\s+of\s+views?|state\s+of\s+the\s+art"
    r"|(?:human|model|hardware|software|simulation|robot)s?\s+in\s+the\s+loop)\b",
    re.IGNORECASE,
)


@dataclass
class Candidate:
    """One candidate phrase of a document: its normalised key and what the ranker looks at."""

    key: str  # lower case, hyphens as spaces, head singular
    text: str  # the first spelling seen
    words: int
    positions: list[int] = field(default_factory=list)  # token index of each occurrence
    # at each occurrence, the word before it in its noun phrase and its own first word, as written
    # there (empty where it opens the phrase): "space model" in "state space models" opens
    # ("state", "space") (ranker._starts_inside_a_known_key)
    openings: list[tuple[str, ...]] = field(default_factory=list)
    in_title: bool = False
    whole_runs: int = 0  # occurrences that are a whole run (not part of a longer phrase)
    run_ends: int = 0  # occurrences that end their run: the head is this phrase's own
    head_can_be_verb: bool = False
    first_can_be_verb: bool = False
    starts_with_modifier: bool = False
    has_capitals: bool = False
    example_mentions: int = 0  # occurrences in a list of examples (in_examples)

    @property
    def only_an_example(self) -> bool:
        """Named only in passing, as an example of something else, and not in the title: "shown
        in, e.g., classification and recommendation systems" in a paper on machine unlearning."""
        return not self.in_title and self.example_mentions == len(self.positions)


_SUBJECTS = frozenset(
    "we they it i you he she this these those which that to can could may might will would must "
    "not never don't doesn't didn't won't can't "
    # adverbs of frequency stand before a verb: "applications often face streaming data"
    "often usually typically commonly frequently rarely sometimes always".split()
)
# How well something works, after a word in -s that can be a verb: the word is one ("unlabeled
# data transfers well to downstream tasks", a shared listing's `unlabeled data transfer`; "scales
# poorly", "compares favorably"). At the 88 such places of the listings' and the seven keyphrase
# sets' texts no gold key ends at the word; after a possessive it is a noun ("perform their tasks
# well"). Not "consistently" or "reliably", which stand before a verb as often ("Extensive
# experiments consistently validate").
_HOW_WELL = frozenset("well poorly badly favorably favourably".split())
# After these a participle is a verb's: "has received considerable support", "recently developed
# model merging techniques" (lexicon.WHEN_ADVERBS).
_BEFORE_PARTICIPLES = frozenset("has have had".split()) | WHEN_ADVERBS
# "helps" and "helped" take a verb's base form: "helps exploit long arguments", "helped increase
# feedback"; not "help", whose object comes as often: "help graduate students", a gold key.
_HELP = frozenset("helps helped".split())
_OBJECTS = frozenset("a an the your our their its my them anything everything whether how what".split())
# Pronouns and quantifiers that take an -ing word before them as a verb ("LMs trained utilizing
# some of the layers", "private data raising both legal and ethical concerns", "a system prompt
# stating it is"): in the seven keyphrase sets' texts a gold key ends at such an -ing word after a
# phrase word at 4 of 108 sites ("knowledge sharing many …").
_ING_OBJECTS = _OBJECTS | frozenset(
    "it us this these those some both all each any many several "
    # counts in the plural: "a learnware dock system housing millions of models" (two
    # abstracts of the keyphrase sets change, no gold key)
    "dozens hundreds thousands millions billions".split()
)
# After a title's first word these join a noun to its complement ("Learning of Representations",
# "Reprompting: …"), so they say nothing about whether the first word is a verb.
_LINKS = frozenset("of for in on with from via by and or as at : - –".split())
_TITLE_PARTS = frozenset(", : ; ! ?".split())
_COORDINATORS = frozenset("and or , /".split())
# An -ing form after these opens a clause: "by scaling self-play", "without modifying models",
# "for training language models". After "for" the -ing form and what follows are a gold key of
# the seven keyphrase sets 16 times in 631 ("for welding distortion"), its object 282 times;
# after "about" ("decisions about designing SMoE architectures", a shared listing's tag) no gold
# key starts at the -ing form or its object in 100. Not "of", "in" or "on", where the -ing form
# opens a gold key as often as its object does ("of building management systems").
_CLAUSE_OPENERS = frozenset("by for without while when after before towards toward about".split())
_SENTENCE_ENDS = frozenset(". ! ? : ;".split())
# Verbs by the preposition that follows them. "to": "Open-Ended Learning Leads to Capable Agents",
# "machine unlearning aims to remove", "a single prompt struggles to capture". "from", verbs of
# origin: "such failure stems from model pretraining", "directed exploration emerging from a simple
# RL algorithm" (shared listings' tags `failure stem`, `directed exploration emerging`; seven
# abstracts of the keyphrase sets change, no gold key).
_VERBS_BEFORE = {
    "to": frozenset(
        "lead leads led aim aims attempt attempts try tries struggle struggles need needs seek seeks strive "
        "strives fail fails tend tends".split()
    ),
    "from": frozenset(
        "stem stems arise arises arising emerge emerges emerging originate originates originating".split()
    ),
}
# Verbs that praise follows as an adverb, whatever comes next: "the particle filter works better
# than", "works best in", "the sampler scales better than". Before other praise a word is a verb
# only where the praise opens a phrase.
_PRAISED_VERBS = frozenset({"works", "scales"})
# Adjectives no tag holds that open a verb's object ("comparing different LLMs", "utilizing larger
# LMs", "spanning several domains"): a word that can be a verb is one before one, even after a
# noun, where an -ing word could have been a compound's head; so is a base or -s form ("the
# dataset's structure tests specific types", "Smart SRA produce similar results": 153 abstracts of
# the listings and the keyphrase sets lose candidates such as `offer`, `exhibit`, `support`). In
# the seven keyphrase sets' texts neither reading removes a candidate that is a gold key; a
# capitalised word ("Data mining General Terms", a full paper's ACM heading) and "based"
# ("machine learning based approach") are left out.
_OBJECT_ADJECTIVES = frozenset(w for w in BREAKS if "ADJ" in lemmas(w)) - frozenset(
    "based due unlike used given present first second further".split()
)
# Prefixes sometimes written apart ("Self Supervised"): never verbs, and no phrase starts after one.
_DETACHED_PREFIXES = frozenset("self semi non multi pre co un meta cross anti post".split())
_NO_START_AFTER = _DETACHED_PREFIXES | TERM_ADVERBS  # "Self Supervised", "weakly supervised"


def _opens_clause(word: str) -> bool:
    """An -ing form that can be a verb: where a clause may start, it is one ("Training Language
    Model Agents", "Learning Human Motion Representations"), and so is one the lexicon does not know
    if it is made like a verb's ("Decoupling Weighing and Selecting", "for finetuning language
    models", "Anonymizing transaction databases"; lexicon.verb_ing)."""
    *prefixes, last = word.lower().split("-")
    return verb_ing(last) and all(p in VERB_PREFIXES for p in prefixes)


def _verb_here(previous: str, word: str, following: str, after: str, opens_title: bool = False) -> bool:
    """The lexicon knows no context, so a few cheap rules read one. A word that can be a verb is
    one after a pronoun, a modal, a negation or "to" ("we study", "to help", "Don't Stop") and, as
    a participle, after "has" or an adverb of when ("has received support", "recently developed"), before an adjective that opens a phrase
    ("harvesting rich supervision", "training large models"; not "models available in", "results
    similar to", where the adjective follows its noun; in the third person before praise that opens a
    phrase, "learning yields great results", but not "Making Language Models Great on …", and
    "works" before any praise, "works best in") or an article or possessive ("practice the tasks",
    "tint your models"; an -ing form also before a pronoun or a quantifier, "data raising both
    legal and ethical concerns"), "lead", "aim", "struggle"… before "to" ("learning leads to"),
    "stem", "arise", "emerge"… before "from" ("failure stems from"), after an
    adverb of frequency ("applications often face"), and as the first word of a title or of a
    title's part before a word that is neither a phrase word nor a preposition ("Train Once,
    Answer All", "Reuse, Don't Retrain", "Learning to Rank"; "Pre-training of …" stays a noun); a
    base form that can be a verb is one after a plural noun ("models help", "methods improve"; not
    after a possessive, "the model's training dynamics"). An
    -ing form that can be a verb is one where a clause opens, at the start of a title's part or of
    a sentence or after "by", "without", "towards"… and before a phrase word ("Training Language
    Model Agents", "Training giant models from scratch is …", "by scaling self-play"): in titles
    of the shared listings that reading was right in all but a handful of cases ("Embedding
    Structure Matters"), and at the 340 such sentence starts of the keyphrase sets' texts gold keys
    start at the object 36 times, at the -ing word 15 ("Programming languages are …"); after an
    adverb in -ly it is one anyway ("Continually Learning Language Agent"), and so is any form
    before a vague adjective that opens its object ("research comparing different LLMs", "the
    dataset's structure tests specific types"). A base form after "helps" or "helped" is a verb
    ("helps exploit long arguments"), and so is a word the lexicon does not know after "we" or
    "they" (_unknown_word). ``after`` is the word after ``following``, or after the adjective
    ``following`` joins by "and" or "or" (_after_adjectives)."""
    if previous.lower() in ("we", "they") and _unknown_word(word):
        return True  # "We instantiate this framework"
    if previous.lower() in _VERB_OPENERS and _verb_form(word) in ("", "s") and made_like_a_verb(word):
        return True  # "to pretrain representations"
    if not may_be_verb(word) or word.lower() in _DETACHED_PREFIXES:
        return False
    after_noun = following.lower().endswith("ed")  # "models trained on", "a model designed for"
    adjective_opens_phrase = word_class(following) == MODIFIER and word_class(after) != BREAK
    if adjective_opens_phrase and word_class(word) != MODIFIER and not after_noun:
        return True  # "harvesting rich supervision"; but "models available in", "results similar to"
    if following in _OBJECT_ADJECTIVES and word_class(after) != BREAK:
        return True  # "research comparing different LLMs", "structure tests specific types"
    third_person = _third_person(word)
    praise_opens_phrase = word_class(after) != BREAK or word.lower() in _PRAISED_VERBS
    if following.lower() in PRAISE and third_person and can_be_verb(word) and praise_opens_phrase:
        return True  # "deep learning yields great results"
    # A count after a word in -s that can be a verb makes it one: "parameter sharing trains one or
    # more task-specific layers" (a shared listing's `parameter sharing train`), "LIBERO highlights
    # five key research topics". Of the 126 such words in the listings' and the seven keyphrase sets'
    # texts, one ends a gold key, before a relative clause ("attenuation correction factors one can
    # try"). Not after a base form ("stage one", "level two"), nor before a range ("columnar borders
    # one to two cells", "one by one").
    if third_person and following.lower() in COUNTS and after not in ("to", "by") and can_be_verb(word):
        return True  # "parameter sharing trains one or more layers"
    if (
        third_person
        and following.lower() in _HOW_WELL
        and previous.lower() not in _OBJECTS
        and can_be_verb(word)
    ):
        return True  # "unlabeled data transfers well to downstream tasks"
    objects = _ING_OBJECTS if word.lower().endswith("ing") else _OBJECTS
    if following.lower() in objects or word.lower() in _VERBS_BEFORE.get(following.lower(), ()):
        return True  # "learning leads to", "such failure stems from"
    if opens_title and word_class(following) == BREAK and following.lower() not in _LINKS:
        return True
    if _manner_adverb(previous) and _opens_clause(word):
        return True  # "a Continually Learning Language Agent", "Reliably Re-Acting to"
    opens_clause = opens_title or previous.lower() in _CLAUSE_OPENERS or previous in _SENTENCE_ENDS
    if opens_clause and _opens_clause(word) and word_class(following) != BREAK:
        return True
    before = previous.lower()
    if before in _SUBJECTS or (before in _BEFORE_PARTICIPLES and word.lower().endswith("ed")):
        return True  # "we study", "has received support", "recently developed model merging techniques"
    if before in _HELP and _verb_form(word) == "":
        return True  # "helps exploit long arguments"
    return _plural_noun(previous) and not word.lower().endswith("s")


def _unknown_word(word: str) -> bool:
    """A word in lower case the lexicon does not know: after "we" or "they" it is a verb ("We
    instantiate this framework", "they correlate": five places in the shared listings' abstracts;
    in the keyphrase sets' texts two, neither a gold key)."""
    return word.isalpha() and word.islower() and unknown(word)


def _verb_after_its_subject(two_back: str, previous: str, word: str, following: str) -> bool:
    """Where a word that can be a verb follows its subject one word back in an abstract: after
    "we" or "they" and an adverb ("We also draw connections", "we then train"; of 111 such places
    in the seven keyphrase sets' texts, a gold key starts at the word once), after "to" and an
    adverb in -ly, in its base form ("to jointly measure calibration", "to progressively forge
    agent's functions": shared listings' tags; the candidates of 85 abstracts of the listings and
    the keyphrase sets change, and one gold key goes, itself a verb: "to accurately crowd-source
    other types"), likewise after a plural noun and such an adverb ("humans continuously forge
    tools", a listing's `forge tool`: 20 abstracts of the keyphrase sets change, and one gold key
    goes, again a verb: "archivists blindly crawl"), likewise after "that", "which" or "who" and
    such an adverb ("models that specifically target transfer learning", a listing's `target
    transfer learning`; "approaches that effectively tune models": 11 abstracts of the listings and
    the sets change, each losing only phrases read from a verb, no gold key), or after a name
    opening a sentence (_verb_after_a_name)."""
    if (
        two_back.lower() in ("we", "they")
        and word_class(previous) == BREAK
        and "ADV" in lemmas(previous.lower())
    ):
        return may_be_verb(word)
    subject = two_back.lower() in ("to", "that", "which", "who") or _plural_noun(two_back)
    if subject and _manner_adverb(previous) and _verb_form(word) == "":
        return may_be_verb(word)
    return _verb_after_a_name(two_back, previous, word, following)


def _verb_after_a_name(opening: str, name: str, word: str, following: str) -> bool:
    """A word in -s that can be a verb is one after a name that opens a sentence, before a phrase
    word: "SlidesBench supports evaluations", "LongPO harnesses LLMs", "LLaDA models
    distributions" (tags of the shared listings). Not before a word that can be a verb but no
    plural, nor before a participle: there the word is the name's noun ("MaLLaM models mark", "VL
    models trained on"). A name here
    is written in capitals ("BTS", "LongPO"): a capital opening a sentence says nothing
    ("Domain-specific languages hold", "Landcover changes affect", "Mathematica programs
    developed"). It changes the candidates of five listing abstracts and three of the seven
    keyphrase sets' ("APOLO helps users", "CTR impacts publisher revenue"); no gold key is lost."""
    return (
        opening in _SENTENCE_ENDS
        and written_in_capitals(name)
        and not _plural_noun(name)
        and _plural_noun(word)
        and can_be_verb(word)
        and word_class(following) != BREAK
        and not following.lower().endswith("ed")
        and (_plural_noun(following) or not can_be_verb(following))
    )


_ALTERNATIVES = frozenset({("instead", "of"), ("rather", "than")})


def _opens_an_alternative(two_back: str, previous: str, word: str, following: str) -> bool:
    """An -ing form that can be a verb opens a clause after "instead of" or "rather than", before
    a phrase word: "instead of designing complex modules" (a shared listing's tag `designing
    complex module`), "rather than compressing models". Of the 82 such -ing words in the
    listings' and the seven keyphrase sets' texts one is a gold key, alone before a preposition,
    where the rule does not act ("instead of searching in exponential weight space")."""
    return (
        (two_back.lower(), previous.lower()) in _ALTERNATIVES
        and _opens_clause(word)
        and word_class(following) != BREAK
    )


def _verb_between_nouns(padded: list[str], i: int) -> bool:
    """A plural that can be a verb, after a singular noun and before a phrase whose head is
    plural, is a verb: "harmful knowledge poses risks of", "Linear evaluation freezes
    parameters", "Our method extracts LLM rationales" (tags of the shared listings). English
    writes a plural inside a compound before a singular head ("web services technology", "open
    archives initiative": gold keys), so a singular head says nothing. Not before an -ing word,
    which the plural's noun governs ("type classes simulating datatypes"), nor before a name in
    Title Case ("communication protocols Categories and Subject Descriptors"), nor before a base
    form that can be a verb ("table triggers pose difficulties"). Where the object is one plural
    that can be a verb, the second plural is the verb ("cloud drops leads to", "social networks
    poses the") unless "of" follows it, which follows nouns ("oversight studies methods of")."""
    previous, word = padded[i - 1], padded[i]
    if not (previous.islower() and word.islower() and word_class(previous) == NOUN):
        return False
    if _plural_noun(previous) or not (_plural_noun(word) and can_be_verb(word)):
        return False
    obj = list(itertools.takewhile(lambda w: word_class(w) != BREAK, padded[i + 1 : i + 1 + MAX_WORDS]))
    if not obj or capitalised(obj[0]) or not _plural_noun(obj[-1]):
        return False
    if any(word_class(w) == GERUND for w in obj) or (
        len(obj) > 1 and _verb_form(obj[0]) == "" and can_be_verb(obj[0])
    ):
        return False
    return len(obj) > 1 or not can_be_verb(obj[0]) or padded[i + 2].lower() == "of"


# Words after which an -ing word modifies a noun or ends a term, so it is no verb before a name:
# an article ("the planning CT scan", an Inspec gold key), "of" ("a system of interacting FSM"),
# "in", "on" (where -ing words open gold keys as often as their objects do, _CLAUSE_OPENERS).
_BEFORE_ING_NOUNS = _OBJECTS | frozenset("of in on".split())


def _verb_before_a_name(previous: str, word: str, following: str) -> bool:
    """An -ing word in lower case inside a sentence, before a name (a word with a capital), is the
    name's verb: "we then consider pre-training Conservative Q-Learning (CQL)" (a shared listing's
    first-five tag `pre-training conservative Q-Learning`), "Since training MoE models from scratch
    …", "mapping XACML to description logics". Only after a word no phrase holds or a plural noun:
    after an article or "of" the -ing word modifies, after a singular noun or a participle it ends
    or modifies a term ("automated theorem proving System Competitions", kdd's "personalized
    advertising" where the text runs on into its title), and an -ing word the lexicon knows as an
    adjective modifies ("existing LLMs", "the underlying RL algorithm"). With _gerund_subject it
    changes the candidates of six abstracts of the listings and six of the keyphrase sets, each
    losing only phrases read from the verb; no gold key goes."""
    after_break = word_class(previous) == BREAK and previous.lower() not in _BEFORE_ING_NOUNS
    return (
        (after_break or _plural_noun(previous))
        and previous not in _SENTENCE_ENDS
        and word.islower()
        and _opens_clause(word)
        and "ADJ" not in lemmas(word)
        and following[:1].isupper()
        and word_class(following) != BREAK
    )


# Verbs in the third person singular that a clause as subject takes ("training language models is
# out of reach"), and the words after which such a clause may open.
_SINGULAR_VERBS = frozenset("is was has remains requires becomes seems appears makes poses".split())
_SUBJECT_CLAUSE_OPENERS = frozenset("that where whereas because while since if although though when".split())


def _gerund_subject(padded: list[str], i: int) -> bool:
    """An -ing word that opens a clause, before a phrase whose head is plural and then a verb in
    the singular, is the clause's verb, for the clause is the subject: "an environment where
    training language models is out of reach" (a shared listing's `training language model`),
    "however, finding domain-independent language-based signals has …" (www). Only where a clause
    may open: after a comma, a sentence's end or a word such as "that", "while" or "since". After
    "and" the -ing word may end a list of nouns ("common-mode voltage and bearing currents is", an
    Inspec gold key)."""
    word, opener = padded[i], padded[i - 1]
    if not (word.islower() and _opens_clause(word)):
        return False
    if not (opener in _SENTENCE_ENDS or opener == "," or opener.lower() in _SUBJECT_CLAUSE_OPENERS):
        return False
    obj = list(itertools.takewhile(lambda w: word_class(w) != BREAK, padded[i + 1 : i + 1 + MAX_WORDS]))
    return bool(obj) and _plural_noun(obj[-1]) and padded[i + 1 + len(obj)].lower() in _SINGULAR_VERBS


def _after_adjectives(padded: list[str], at: int) -> str:
    """The word after the one at ``at``, or, where that word is an adjective joined by "and" or
    "or" to a second one, the word after the second: "How connectivity structure shapes rich and
    lazy learning" (a shared listing's tag `connectivity structure shape`) reads "shapes" as it
    reads "shapes rich learning"."""
    joined = word_class(padded[at]) == MODIFIER and padded[at + 1].lower() in ("and", "or")
    return padded[at + 3] if joined and word_class(padded[at + 2]) == MODIFIER else padded[at + 1]


def _third_person(word: str) -> bool:
    """A verb's third person singular, if the word is a verb: in -s but not -ss ("shapes", not
    "class")."""
    lower = word.lower()
    return lower.endswith("s") and not lower.endswith("ss")


def _plural_noun(word: str) -> bool:
    """A noun in the plural ("models", "costs"; not "class", "user's")."""
    lower = word.lower()
    return _third_person(lower) and "'" not in lower and word_class(word) == NOUN and singular(lower) != lower


def _after_its_noun(previous: str, word: str, following: str) -> bool:
    """An adjective the lexicon also knows as a noun, after a plural noun and before "to", follows
    that noun as its complement ("models equivalent to those", "annotation costs necessary to
    enable", "networks subject to"): it ends the phrase. Of the 44 such places in the seven
    keyphrase sets' texts no gold key ends at the word; a possessive before it makes it a noun
    ("the user's right to")."""
    return (
        following.lower() == "to"
        and {"ADJ", "NOUN"} <= lemmas(word.lower()).keys()
        and _plural_noun(previous)
    )


def _manner_adverb(word: str) -> bool:
    """An adverb in -ly that is no part of a term ("continually", not "weakly"): an -ing word after
    it is a verb or a participle. In the keyphrase sets 4 of 491 such -ing words open a gold key."""
    lower = word.lower()
    known = lemmas(lower)
    adverb = "ADV" in known or not known  # "imply", "apply", "rely" are verbs
    return lower.endswith("ly") and lower not in TERM_ADVERBS and word_class(word) == BREAK and adverb


# Words that end a phrase (lexicon.BREAKS) except where they open a term of their own, before
# these: "multiple" is vague ("multiple experts") but opens "multiple instance learning", "multiple
# kernel learning", "multiple sequence alignment"; "named" names ("a regularization named dropout")
# but opens "named entity recognition".
_TERMS_OPENED = {
    "multiple": frozenset(
        "instance kernel sequence testing comparison comparisons hypothesis hypotheses regression "
        "imputation access choice sclerosis".split()
    ),
    "named": frozenset({"entity", "entities"}),
}


def _opens_a_term(word: str, following: str) -> bool:
    """Whether a word that ends phrases is the first word of a term here ("multiple" before
    "instance", "named" before "entity")."""
    return following.lower() in _TERMS_OPENED.get(word.lower(), ())


def _in_a_name(previous: str, word: str, following: str) -> bool:
    """A vague word in Title Case inside a sentence of the abstract, before another word in Title
    Case, is part of a name: "New Zealand", "Novel View Synthesis (NVS)" — the Title Case that
    _written_names reads names by; an acronym after it makes no name ("Many CEOs")."""
    return (
        word.lower() in BREAKS
        and previous not in _SENTENCE_ENDS
        and _title_case(word)
        and _title_case(following)
    )


def _name_after_a_noun(previous: str, word: str, following: str) -> bool:
    """Whether a name in Title Case starts here, inside a sentence, after a noun in lower case that
    the lexicon knows as no adjective: the name is a phrase of its own ("We call this paradigm
    Continual Active Learning (CAL)", a shared listing's `paradigm continual active learning`;
    "Retrieval models General Terms Algorithms", the ACM headings of full papers). Not after a
    hyphenated word or an adjective, which modify the name ("the first Turkish
    sequence-to-sequence Large Language Models", "post-hoc Temperature Scaling"). The candidates of
    204 abstracts of the listings and the keyphrase sets change; one gold key goes ("nonlinear
    Boundary Value Problems"), none comes."""
    return (
        previous.isalpha()
        and previous.islower()
        and word_class(previous) == NOUN
        and "ADJ" not in lemmas(previous)
        and capitalised(word)
        and capitalised(following)
    )


def _owned(previous: str) -> bool:
    """Whether what follows belongs to a thing written in lower case just before: "the user's search
    intent" names `search intent`, and "a Reinforcement Learning agent's learning" (a shared
    listing's `reinforcement learning agent learning`) no phrase across the possessive. A name's
    possessive stays inside its phrase: "Newton's method", "Alzheimer's disease". Of the candidates
    holding a possessive in lower case in the seven keyphrase sets' texts, 1.8 % are gold keys (10
    of 550: "teacher's instructional method"), against 8.2 % of all candidates. Plural possessives
    ("users' preferences") end the phrase already: the apostrophe is a mark of its own."""
    return previous.endswith("'s") and previous[0].islower()


def _continues(previous: str, previous_class: str, word: str) -> bool:
    """Whether ``word`` only continues what ``previous`` began, so no phrase starts at it: a prefix
    written apart ("Self Supervised"), an adverb of a term ("weakly supervised"), or a version after
    a name ("Yuan 2.0-M32", "Llama 2"), or a term a vague word opens ("multiple instance learning")."""
    return (
        previous.lower() in _NO_START_AFTER
        or _opens_a_term(previous, word)
        or (word[:1].isdigit() and previous[:1].isupper() and previous_class == NOUN)
    )


def runs(
    words: list[str],
    title_words: int = 0,
    names: list[list[str]] | None = None,
    long_forms: set[int] | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """(start, words) of each maximal run of phrase words; the first ``title_words`` words are a
    title, whose parts may open with a verb ("Train Once, Answer All"). If ``words`` are a reading
    of a text without its asides in brackets (_without_asides): ``names``, the names the text
    writes, and ``long_forms``, where the acronyms' long forms stand, which hold no verb."""
    start, run = 0, list[str]()
    padded = words + [".", ".", "."]
    # two words of a name the abstract writes: no verb, in the abstract or the title ("GCC: Graph
    # Contrastive Coding for …", "we design Graph Contrastive Coding")
    names = _written_names(words, title_words) if names is None else names
    in_names = {(a.lower(), b.lower()) for name in names for a, b in zip(name, name[1:])}
    # -ing words the title reads as verbs of an object ("Designing Structured …")
    title_verbs: set[str] = set()
    verb_at = -9  # the last word read as a verb
    verbs_opener = "."  # the word before the first verb of the list verb_at ends
    for i, word in enumerate(words + ["."]):
        previous = words[i - 1] if i else "."
        if run and (
            _owned(previous) or (i > title_words and _name_after_a_noun(previous, word, padded[i + 1]))
        ):
            yield start, run
            start, run = i, []
        if _opens_a_term(word, padded[i + 1]) or (
            i > title_words and _in_a_name(previous, word, padded[i + 1])
        ):
            run.append(word)
            continue
        opens_title = i < title_words and (i == 0 or previous in _TITLE_PARTS or _paired_opening(words, i))
        # a paper reads a word one way: a sentence of the abstract that opens with an -ing word the
        # title reads as a verb opens with that verb, even before a word that ends the phrase
        # ("Learning Transferable Visual Models …", "Learning directly from raw text …"); before a
        # phrase word any sentence's opening -ing word is a verb (_verb_here)
        opens_with_title_verb = i > title_words and previous in _SENTENCE_ENDS and word.lower() in title_verbs
        # "long- and short-context": half of a compound
        dangling = padded[i + 1] == "-" and padded[i + 2].lower() in _COORDINATORS
        ends_run = dangling or word_class(word) == BREAK or _after_its_noun(previous, word, padded[i + 1])
        named = (word.lower(), padded[i + 1].lower()) in in_names
        paired = i - 3 <= verb_at and _paired_verb(
            verbs_opener, words[verb_at], words[verb_at + 1 : i], word, padded[i + 1]
        )
        verb = (
            not ends_run
            and not named
            and i not in (long_forms or ())
            and (
                _verb_here(
                    previous,
                    word,
                    padded[i + 1],
                    _after_adjectives(padded, i + 1),
                    opens_title or opens_with_title_verb,
                )
                or (
                    i > title_words + 1
                    and _verb_after_its_subject(padded[i - 2], previous, word, padded[i + 1])
                )
                or paired
                or (i > title_words and _verb_between_nouns(padded, i))
                or (i > title_words and _verb_before_a_name(previous, word, padded[i + 1]))
                or (i > title_words and _gerund_subject(padded, i))
                or (i >= 2 and _opens_an_alternative(words[i - 2], previous, word, padded[i + 1]))
            )
        )
        if verb or (ends_run and can_be_verb(word)):
            # read as a verb here, or a verb the lexicon knows as nothing else ("debug")
            verbs_opener = verbs_opener if verb and paired else previous
            verb_at = i
        if verb and opens_title and _opens_clause(word) and word_class(padded[i + 1]) != BREAK:
            title_verbs.add(word.lower())  # with an object: "Streaming, disruptive …" names a topic
        if ends_run or verb:
            if run:
                yield start, run
            run = []
            start = i + 1
            if word_class(word) != BREAK:
                continue  # the verb itself is no phrase word
        else:
            run.append(word)


# Words after which a verb comes for certain: "to debug", "we train", "can store".
_VERB_OPENERS = frozenset("to we they i you can could may might will would must should".split())


def _paired_verb(opener: str, verb: str, joint: list[str], word: str, following: str) -> bool:
    """A word joined by "and" or "or" to a verb that follows "to", "we" or a modal, in the same
    form, base or third person, and before a phrase word, is a verb too: "to debug and repair
    code" ("debug" a verb the lexicon knows as nothing else), "we train and save models"; in the
    listings' and keyphrase sets' texts it changes 33 abstracts' candidates, and loses one gold
    key where "to" was a preposition ("to hover and forward flight models"). Not an -ing or -ed
    form, which modifies the noun as often ("training and testing data", "trained and distilled
    diffusion models"), and not after a verb read from a weaker cue, whose error it would repeat
    ("from which word or phrase translations", "that exact and stable reconstruction").

    So is a base form in a list of them, joined by commas ("to Generate, Recognize, and Reframe
    Unhelpful Thoughts", "to store, index, and query RDF"), before a phrase word or the list's
    next comma or "and"."""
    form = _verb_form(word)
    joined = " ".join(joint).lower()
    continued = following.lower() in _COORDINATORS  # the list goes on: "to store, index, and query"
    in_list = form == "" and (joined in (", and", ", or") or (joined == "," and continued))
    return (
        opener.lower() in _VERB_OPENERS
        and (joined in ("and", "or") or in_list)
        and form in ("", "s")
        and form == _verb_form(verb)
        and may_be_verb(word)
        and (word_class(following) != BREAK or (in_list and continued))
    )


def _verb_form(word: str) -> str:
    """A verb's ending: "ing", "ed", "s" or none (a base form)."""
    lower = word.lower()
    return next((end for end in ("ing", "ed", "s") if lower.endswith(end)), "")


def _paired_opening(words: list[str], i: int) -> bool:
    """An -ing word paired by "and" or "or" with the -ing word opening a title's part or a clause
    opens it too: "Eliciting and Understanding Cross-Task Skills", "A Framework for Understanding
    and Training Language Models" (nine titles of the shared listings open with
    such a pair of verbs; "Understanding" is the one second word the lexicon knows as a noun)."""
    return (
        i >= 2
        and words[i].lower().endswith("ing")
        and words[i - 1].lower() in ("and", "or")
        and words[i - 2].lower().endswith("ing")
        and (i == 2 or words[i - 3] in _TITLE_PARTS or words[i - 3].lower() in _CLAUSE_OPENERS)
    )


def _shouted(title: str) -> bool:
    """A title in capitals made mostly of English words ("THE ROLE OF TRUST"), not of acronyms.
    Its words are runs of letters, not tokens(): the lexicon knows a compound's parts ("VIRTUE AND
    SELF-INTEREST", a theses100 title), not the compound."""
    words = re.findall(r"[A-Za-z]+", title)
    english = sum(1 for w in words if is_english(w))
    return len(words) >= 3 and title.isupper() and english >= 0.75 * len(words)


def _joined_terms(text: str) -> str:
    return _JOINED_TERMS.sub(lambda term: "-".join(term.group().split()), text)


def noun_phrases(title: str, abstract: str) -> tuple[dict[str, Candidate], list[str]]:
    """The candidates of a document by key, and its tokens (title, ".", abstract). A title in
    capitals is read in lower case: its words are no acronyms."""
    if _shouted(title):
        title = title.lower()
    title_words = tokens(_joined_terms(title))
    words = title_words + ["."] + tokens(_joined_terms(abstract))
    found: dict[str, Candidate] = {}
    examples = in_examples(words)
    padded = [*words, ".", "."]
    reading = _without_asides(words, len(title_words))
    read = reading.read
    names = _written_names(words, len(title_words))
    found_runs = [
        (read[start : start + len(run)], run)
        for start, run in runs([words[k] for k in read], len(title_words), names, reading.long_forms)
    ]
    for aside in reading.asides:  # read on its own, with the names the whole text writes
        found_runs += [
            (aside[start : start + len(run)], run)
            for start, run in runs([words[k] for k in aside], names=names)
        ]
    # each run with the token index of each of its words
    for at, run in sorted(found_runs + [([k], [words[k]]) for k in reading.acronyms]):
        # trailing modifiers cannot end a phrase: "scalable lifelong multimodal" keeps nothing
        classes = [word_class(w) for w in run]
        # where the run's last phrase ends: a trailing participle modifies nothing ("a model
        # trained on", "scalable lifelong multimodal")
        end = 1 + max((k for k, c in enumerate(classes) if c == NOUN or (c == GERUND and k)), default=-1)
        # a phrase may end where brackets stood: "Monte Carlo Tree Search (MCTS) framework" names
        # `monte carlo tree search`, five words being no candidate
        ends = {end} | {k for k in range(1, len(run)) if at[k] - at[k - 1] > 1}
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
                        has_capitals=any(written_in_capitals(w) for w in phrase),
                    )
                candidate.positions.append(at[i])
                candidate.openings.append((run[i - 1], run[i]) if i else ())
                candidate.in_title = candidate.in_title or at[i] < len(title_words)
                candidate.whole_runs += i == 0 and j in ends
                # a lone word's end counts unless an adjective stands there; asked only at an end
                candidate.run_ends += j in ends and (
                    j - i > 1 or not _adjective_here(padded, at[0], len(run), at[i])
                )
                candidate.example_mentions += examples[at[i]]
    return found, words


@dataclass
class _Reading:
    """A text read without what it puts in brackets inside its phrases: the indices of the tokens
    read, of the acronyms it defines in brackets, the places in the reading of their long forms'
    words, and the indices of the tokens of each other aside, which are read on their own."""

    read: list[int] = field(default_factory=list)
    acronyms: list[int] = field(default_factory=list)
    long_forms: set[int] = field(default_factory=set)
    asides: list[list[int]] = field(default_factory=list)


def _without_asides(words: list[str], title_words: int) -> _Reading:
    """The abstract read without what it puts in brackets inside its phrases. First the acronyms
    it defines: "Out-of-distribution (OOD) detection is critical" names `out-of-distribution
    detection`, not `detection`; in "Large language models (LLMs) struggle with" a verb follows its
    plural noun, and `struggle` is no tag (shared listings' tags). An acronym defines a long form
    where the words before it spell it, by the rule of vocabulary.definitions; it stays a candidate
    of its own, and no word of its long form is a verb ("electronic medical records (EMR) systems").

    Then every other aside in brackets between two phrase words (_aside_end):
    "text-to-image (T2I) generation models", "an online (multiple-choice) knapsack problem", "the
    Cohen-Grossberg (1983) neural network", "the MPI (message passing interface) parallel
    implementation" hold gold keys of the keyphrase sets (`online knapsack problem`). In their
    texts 271 abstracts and in the listings' 62 change: 36 gold keys are gained, and one is lost
    where a title cut short runs into its abstract (*weak values Hardy's (1992) paradox*). An aside
    is read on its own; a phrase may still end before it, as before an acronym."""
    reading = _Reading()
    k = 0
    while k < len(words):
        letters = bracketed_acronym(words, k) if k > title_words else []
        before = [words[r] for r in reading.read[-len(letters) - 1 :]] if letters else []
        spelled = long_form(before, letters) if letters and word_class(words[k + 1]) != BREAK else None
        if spelled:
            reading.acronyms.append(k + 1)
            reading.long_forms.update(range(len(reading.read) - len(spelled), len(reading.read)))
            k += 3
            continue
        after_a_phrase_word = (
            k > title_words and reading.read[-1:] == [k - 1] and word_class(words[k - 1]) != BREAK
        )
        close = _aside_end(words, k) if after_a_phrase_word else None
        if close is not None:
            reading.asides.append(list(range(k + 1, close)))
            k = close + 1
            continue
        reading.read.append(k)
        k += 1
    return reading


# Verbs whose object an adjective may follow: "we make reprogramming lightweight by …".
_MAKING = frozenset(
    "make makes made making render renders rendered rendering keep keeps kept keeping".split()
)
_COPULAS = frozenset("is are was were be been being become becomes became remain remains seem seems".split())


def _adjective_here(words: list[str], start: int, length: int, at: int) -> bool:
    """Whether the word at ``at``, alone in its run, stands where an adjective stands: after a
    copula inside a sentence ("are complementary in"; not "Is Prompt All You Need?") or before
    "and", "or" or a comma and another adjective ("a fast and scalable algorithm"; not "image,
    video and code") — for a word the lexicon knows as an adjective. There it ends no noun phrase,
    so it is no tag alone unless it does elsewhere: in the seven keyphrase sets' texts 869 single
    words lose that standing (`social`, `necessary`, `current`, `essential`), 9 of them gold keys
    (`plastic`, `invariant`).

    Nor does such a word end a noun phrase alone at the end of a longer run, before an aside in
    brackets after which the phrase goes on (_aside_end): it modifies what follows the aside ("a
    hybrid (composite) classifier", "our proposed lightweight (very cheap) reprogramming
    parameter", "a novel Foundation Tactile (FoTa) dataset": shared listings' tags `lightweight`
    and `tactile`). In the keyphrase sets' texts 47 abstracts and in the listings 6 lose such a
    single word as a whole phrase (`complex`, `static`, `single`, `independent`), one a gold key
    (*doubly invariant (DI) equilibria*).

    Nor at the end of a run that follows "make", "render" or "keep" and ends before a preposition
    or a punctuation mark: there it is the object's complement ("we make reprogramming
    lightweight by …", a shared listing's tag `lightweight`; "make this error equal at", "keep
    coming back"). In the keyphrase sets' texts 7 abstracts lose such a single word as a whole
    phrase (`necessary`, `private`, `clear`), none a gold key."""
    word = words[at]
    if "ADJ" not in lemmas(word.lower()) or written_in_capitals(word):
        return False
    if _aside_end(words, at + 1) is not None:
        return True
    if (
        start >= 1
        and words[start - 1].lower() in _MAKING
        and at == start + length - 1
        and _complement_ends(words[at + 1])
    ):
        return True
    if length != 1:
        return False
    following, after = words[at + 1], words[at + 2]
    predicative = (
        start >= 2 and words[start - 1].lower() in _COPULAS and words[start - 2] not in _SENTENCE_ENDS
    )
    adjective_after = word_class(after) == MODIFIER or (
        word_class(after) == BREAK and "ADJ" in lemmas(after.lower())
    )
    return predicative or (following.lower() in ("and", "or", ",") and adjective_after)


_DEGREES = frozenset("more less most least so too very as quite rather".split())


def _complement_ends(word: str) -> bool:
    """Whether an adjective after a verb's object can end there: before a preposition, a
    conjunction or a punctuation mark, not before a degree ("make Web content more accessible",
    where the word before is the object's noun)."""
    lower = word.lower()
    return (lower in STOPWORDS or not lower.isalnum()) and lower not in _DEGREES


_ASIDE_REACH = 8  # tokens inside the brackets at most: "lightweight (very cheap) reprogramming"


def _aside_end(words: list[str], at: int) -> int | None:
    """Where the brackets opening at ``at`` close, if they close within _ASIDE_REACH tokens, with
    no other bracket and no full stop inside, before a phrase word: an aside inside a phrase."""
    if words[at] != "(":
        return None
    for k in range(at + 1, min(at + 2 + _ASIDE_REACH, len(words) - 1)):
        if words[k] in ("(", "."):
            return None
        if words[k] == ")":
            return k if word_class(words[k + 1]) != BREAK else None
    return None


def _written_names(words: list[str], title_words: int) -> list[list[str]]:
    """The names an abstract writes: two or more Title Case words in a row ("we design Graph
    Contrastive Coding (GCC)", "the Monte Carlo Tree Search (MCTS) framework"); ``words`` are
    noun_phrases' tokens, the first ``title_words`` a title, which is Title Case throughout.
    Before an acronym in brackets a name is the words the acronym spells: "Finetuning Pretrained
    Language Models (PLM) for IR has been …" and "Post-training Large Language Models (LLMs) with
    …" open with a verb (shared listings' tags `finetuning pretrained language model`, `post
    training large language model`; in the keyphrase sets' texts two abstracts change, no gold key)."""
    found: list[list[str]] = []
    name: list[str] = []
    text = [*words[title_words + 1 :], ".", "."]
    for i, word in enumerate(text[:-1]):
        if _title_case(word):
            name.append(word)
            continue
        if letters := bracketed_acronym(text, i):
            name = long_form(name, letters) or name
        if len(name) > 1:
            found.append(name)
        name = []
    return found


def _title_case(word: str) -> bool:
    """A word as a name or a title writes it: a capital first, and some lower case ("Memory",
    "Multi-Head", "ColD", "LLaMA"; not "GPT-4")."""
    return word[:1].isupper() and any(c.islower() for c in word)


# What introduces examples. "i.e." restates, "like" compares as often as it lists: neither.
_EXAMPLE_MARKERS = (
    ("e", ".", "g", "."),
    ("such", "as"),
    ("for", "example"),
    ("for", "instance"),
    ("including",),
)
_MARKER_OPENINGS = frozenset(marker[0] for marker in _EXAMPLE_MARKERS)
_CLAUSE_ENDS = frozenset(".;:()[]")
_LIST_REACH = 12  # tokens after the marker at most: "such as A, B, and C"


def in_examples(words: list[str]) -> list[bool]:
    """For each of noun_phrases' tokens, whether it stands in a list of examples: after *e.g.*,
    *such as*, *for example*, *for instance* or *including*, up to the end of the clause."""
    lowered = [w.lower() for w in words]
    marked = [False] * len(words)
    i = 0
    while i < len(words):
        marker = lowered[i] in _MARKER_OPENINGS and next(
            (m for m in _EXAMPLE_MARKERS if tuple(lowered[i : i + len(m)]) == m), None
        )
        if not marker:
            i += 1
            continue
        i += len(marker)
        i += lowered[i : i + 1] == [","]  # "e.g., classification"
        reach = min(len(words), i + _LIST_REACH)
        while i < reach and words[i] not in _CLAUSE_ENDS and not _ends_list(lowered, i):
            marked[i] = True
            i += 1
    return marked


def _ends_list(lowered: list[str], i: int) -> bool:
    """A comma before a word that opens no item ends the list ("e.g., A and B, its potential in");
    one before "and", "or" or another item does not ("such as A, B, and C")."""
    following = lowered[i + 1] if i + 1 < len(lowered) else "."
    return lowered[i] == "," and following not in ("and", "or") and word_class(following) == BREAK


def first_sentence_end(title: str, abstract: str) -> int:
    """Where the abstract's first sentence ends among noun_phrases' tokens (the title, ".", the
    abstract): a candidate at a smaller position is in the title or the first sentence."""
    first = abstract.split(". ")[0]
    return len(tokens(_joined_terms(title))) + 1 + len(tokens(_joined_terms(first)))
