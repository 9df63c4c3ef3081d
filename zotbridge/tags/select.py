"""Each paper's tags: its own best keyphrases, as whole noun phrases, one spelling per idea.

For each paper of a run (a listing), the trained ranker (tags/ranker.py) orders its noun-phrase
candidates; the best ``count`` that make good tags are kept, normalised into tag keys
(tags/vocabulary.py: case, singular head, hyphen spellings, acronyms expanded — by the paper's own
definition, else by the one most abstracts of the run give: "NCD" and "novel class discovery" are
one tag —, and so are those a paper uses without any definition next to the one phrase of it they
spell: "LMs" and "language models"), skipping

* generic phrases ("proposed method", "experimental result") and phrases too long to be tags;
* an acronym whose long form only modifies ("OOD": "out-of-distribution");
* math and TeX residue (a word from a formula);
* another form of a better phrase of the same paper ("non-stationarity" after "non-stationary").

A phrase that only adds a generic head to another phrase of the paper is that phrase ("supervised
pre-training method" is "supervised pre-training"), and an acronym's expansion is spelled as the
listing writes it ("multi-head latent attention", not its key "multi head latent attention").

A phrase is a tag only where it is a whole noun phrase somewhere in the paper ("multi-task" only
ever modifies "learning": no tag), or a phrase of several words people chose as a keyphrase
elsewhere ("machine learning" in "machine learning models"; ranker._whole). A tag the user's
library already has (compared by key) is ranked as if twice as likely, and its exact spelling is
used: the library's vocabulary wins over a new spelling. A phrase other papers of the listing
share is ranked somewhat higher (SHARED_BOOST), one the paper names only as an example of something
else lower (EXAMPLE_WEIGHT): only the paper's own candidates compete, so a
paper never gets a phrase it does not have; grouping into sub-collections is organize's job
(zotero/organize.py), from the tags papers carry. docs/tags.md has the measurements.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from zotbridge.models import ArxivRecord
from zotbridge.tags.keyphrases import DocumentFrequencies, Keyphrase, phrase_key, words_in
from zotbridge.tags.ranker import Listing, Ranker, rank
from zotbridge.tags.vocabulary import (
    acceptable,
    acronym_letters,
    adjective_alone,
    definitions,
    display,
    expand,
    form_key,
    long_form_inside,
    merge_key,
    proper_names,
    shown_key,
    spelled_by,
    spelling_key,
    tag_key,
    too_long,
    without_generic_head,
    written_as_acronyms,
)

CANDIDATES_PER_PAPER = 30
LIBRARY_BOOST = 2.0
# A phrase other papers of the listing share ranks somewhat higher: × (1 + 0.5 × share), share in
# [0, 1] on a log scale of how many papers have it. Measured held out (docs/tags-history.md): with the
# earlier classifier it took the shared listings from 81% to 86% of papers carrying a tag shared
# with ≥ 3 others, for 0.8 points of F1@5 on Inspec, and raised kdd and www, whose gold keys are
# topics papers share; with the ranking model, × 0.25 and × 1 stay within 0.5 points of it.
SHARED_BOOST = 0.5
# A phrase the paper names only as an example of something else ("shown in, e.g., classification
# and recommendation systems", in a paper on machine unlearning; nounphrases.in_examples) ranks as if
# a quarter as likely: it is a tag only where the paper has few better. Of the keyphrase sets' such
# candidates, authors chose 0.3 to 0.8 times as many as of the others (docs/tags.md).
EXAMPLE_WEIGHT = 0.25


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


def tag_papers(
    texts: list[tuple[str, str]], options: TagOptions | None = None, model: Ranker | None = None
) -> Tagging:
    """Tags for each (title, abstract); ``model`` replaces the shipped ranker (bench only)."""
    options = options or TagOptions()
    if options.count <= 0 or not texts:
        return Tagging([[] for _ in texts], {})
    df, docs = background()
    frequencies = DocumentFrequencies(df, docs).add(f"{t} {a}" for t, a in texts)
    defined = [_defined(title, abstract) for title, abstract in texts]
    expansions, long_forms = _listing_acronyms(defined)
    listing = Listing(texts)
    candidates = [rank(t, a, frequencies, CANDIDATES_PER_PAPER, model, listing) for t, a in texts]
    written: dict[str, Counter[str]] = defaultdict(Counter)  # key -> spellings in the listing
    for phrase in (p for phrases in candidates for p in phrases):
        written[phrase.key][phrase.text] += 1
    choice = _Choice(options, expansions, long_forms, listing, written)
    per_paper = [choice.tags(phrases, own) for phrases, own in zip(candidates, defined, strict=True)]
    # each chosen spelling's shown_key ("language modeling" apart from "language model")
    shown = {text: shown_key(tag_key(text)) for chosen in per_paper for text in chosen.values()}
    spellings: dict[str, Counter[str]] = defaultdict(Counter)  # of the tags chosen, as chosen
    for chosen in per_paper:
        for text in chosen.values():
            spellings[shown[text]][text] += 1
    for key, seen in written.items():  # and as the listing's papers write them: no coin toss for a tie
        if (key_shown := shown_key(key)) in spellings:
            spellings[key_shown].update(seen)
    names = proper_names(texts)
    written_by_papers = _spellings_written(texts, listing)
    chosen_tags = [
        [
            options.prefix
            + (
                choice.library.get(merged)
                or display(merged, _most_written(spellings[shown[text]], written_by_papers), names)
            )
            for merged, text in chosen.items()
        ]
        for chosen in per_paper
    ]
    coverage = Counter(tag for tags in chosen_tags for tag in tags)
    return Tagging(chosen_tags, dict(coverage.most_common()))


def _spellings_written(texts: list[tuple[str, str]], listing: Listing) -> dict[str, Counter[str]]:
    """Every noun phrase of the listing by its spelling_key: how many papers write each spelling."""
    written: dict[str, Counter[str]] = defaultdict(Counter)
    for title, abstract in texts:
        for candidate in listing.phrases(title, abstract)[0].values():
            written[spelling_key(candidate.key)][candidate.text] += 1
    return written


def _most_written(seen: Counter[str], written: dict[str, Counter[str]]) -> Counter[str]:
    """The spellings to show a tag by. Its words are the word form the listing's choice prefers
    (``seen``: "continual" or "continued", "sample" or "samples"); their spelling, hyphens and
    British endings (`pre-trained language model` or `pretrained language model`), is the one most
    papers of the listing write, counted over all their noun phrases, not only those ranked high:
    so it depends on the listing alone, not on the ranker. Counting only the ranked ones, a retrain
    changed the spelling of 24 tags of the shared listings (15 `pre-trained language model` to
    `pretrained language model`). Case does not split the count ("Pre-trained Language Models" in
    a title). Names and acronyms ("ReID", "GPT-4", "Neuro-GPT") are shown as before: papers
    write them alike for other things ("reid", "GPT4", "NeuroGPT")."""
    if not seen:
        return seen
    best = max(seen, key=lambda s: (seen[s], s))
    if _has_a_name(best):
        return seen
    variants = written.get(spelling_key(tag_key(best)), Counter())
    by_case = Counter[str]()
    for text, papers in variants.items():
        if not _has_a_name(text):  # not a name written alike: "ConceptVectors", "TaskMatrix"
            by_case[text.lower()] += papers
    if not by_case:
        return seen
    chosen = Counter[str]()
    for text, papers in seen.items():
        chosen[text.lower()] += papers
    top = max(by_case, key=lambda s: (by_case[s], chosen[s], s))  # a tie: the spelling chosen
    return Counter({text: papers for text, papers in variants.items() if text.lower() == top})


def _has_a_name(text: str) -> bool:
    """A word with two capitals or more: an acronym or a name ("ReID", "GPT-4", "ConceptVectors")."""
    return any(sum(c.isupper() for c in word) > 1 for word in text.split())


Definitions = dict[str, tuple[str, str]]  # short form key -> (long form key, long form as written)


def _defined(title: str, abstract: str) -> Definitions:
    """The acronyms a paper defines ("self-supervised learning (SSL)")."""
    return {
        short: (phrase_key(long_words), long_form_inside(long_words))
        for short, long_words in definitions(f"{title}. {abstract}")
    }


def _listing_acronyms(defined: list[Definitions]) -> tuple[dict[str, str], dict[str, str]]:
    """For papers that use an acronym without defining it: the long form most papers of the
    listing define it by, the first seen among equals (short form key -> long form key, and -> long
    form as written). Papers disagree: in one shared listing five define "SSL" as self-supervised
    learning and one as semi-supervised learning, "MLP" is a multi-layer perceptron to three papers
    and a machine learning potential to one; a paper's own definition always wins
    (_Choice._acronyms)."""
    counts: Counter[tuple[str, str]] = Counter()  # by key: "self-supervised" = "self supervised"
    spelled: dict[tuple[str, str], str] = {}  # the first spelling seen
    for paper in defined:
        for short, (key, written) in paper.items():
            counts[short, key] += 1
            spelled.setdefault((short, key), written)
    expansions: dict[str, str] = {}
    long_forms: dict[str, str] = {}
    for (short, key), _count in counts.most_common():
        if short not in expansions:
            expansions[short], long_forms[short] = key, spelled[short, key]
    return expansions, long_forms


@dataclass
class _Choice:
    """What one paper's tags are chosen with: the options, the acronyms and spellings of the whole
    listing, and how many of its papers share each phrase."""

    options: TagOptions
    expansions: dict[str, str]
    long_forms: dict[str, str]
    listing: Listing
    written: dict[str, Counter[str]]
    library: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.library = {merge_key(tag_key(t)): t for t in self.options.library_tags}

    def tags(self, phrases: list[Keyphrase], defined: Definitions) -> dict[str, str]:
        """The paper's best tags, best first: merge key -> spelling. ``defined``: the acronyms the
        paper defines itself."""
        ranked: list[tuple[float, str, str]] = []
        expansions, long_forms = self._acronyms(phrases, defined)
        usable = [_written_expansions(phrase.text, expansions) for phrase in phrases]
        named = [
            (phrase, written, *self._named(phrase, written, long_forms))
            for phrase, written in zip(phrases, usable, strict=True)
        ]
        wholes = {key: (text, phrase.key) for phrase, _, key, text in named if phrase.whole}
        for phrase, written, key, text in named:
            source = phrase.key  # the candidate as the paper writes it, which the listing shares
            # "supervised pre-training method" is "supervised pre-training"; with the acronym
            # expanded first, "SSL methods" is "self-supervised learning"; "DSMTL model", kept as
            # written since its expansion is too long, is "DSMTL" read as its long form
            core = without_generic_head(key, text)
            if core != key:
                whole = next((k for k in (core, expand(core, written)) if k in wholes), None)
                if whole:
                    key, (text, source) = whole, wholes[whole]
            if phrase.whole and acceptable(key, text) and not adjective_alone(text):
                boost = LIBRARY_BOOST if merge_key(key) in self.library else 1.0
                boost *= 1 + SHARED_BOOST * self.listing.share(source)
                boost *= EXAMPLE_WEIGHT if phrase.only_an_example else 1.0
                ranked.append((phrase.score * boost, key, text))
        ranked.sort(key=lambda r: (-r[0], r[1]))
        chosen: dict[str, str] = {}
        forms: set[str] = set()  # of the tags chosen: "non-stationarity" after "non-stationary"
        for _score, key, text in ranked:
            merged = merge_key(key)
            if merged in chosen or form_key(key) in forms:
                continue
            chosen[merged] = text
            forms.add(form_key(tag_key(text)))
            if len(chosen) == self.options.count:
                break
        return chosen

    def _acronyms(
        self, phrases: list[Keyphrase], defined: Definitions
    ) -> tuple[dict[str, str], dict[str, str]]:
        """The paper's acronyms (short form key -> long form key, and -> long form as written): the
        ones it defines, else the listing's, and those it uses without any definition where exactly
        one of its candidates is spelled by their initials: "LMs" next to "language models" is one
        tag; "RL" next to both "reinforcement learning" and "representation learning" stays itself."""
        expansions, long_forms = dict(self.expansions), dict(self.long_forms)
        for acronym, (key, written) in defined.items():
            expansions[acronym], long_forms[acronym] = key, written
        for short in phrases:
            letters = acronym_letters(short.text)
            if " " in short.key or short.key in expansions or not letters:
                continue
            longs = {p.key: p.text for p in phrases if spelled_by(letters, p.text)}
            if len(longs) == 1:
                [(long_key, long_text)] = longs.items()
                expansions[short.key] = long_key
                long_forms[short.key] = long_form_inside(words_in(long_text))
        return expansions, long_forms

    def _named(
        self, phrase: Keyphrase, expansions: dict[str, str], long_forms: dict[str, str]
    ) -> tuple[str, str]:
        """The phrase's key with the acronyms it writes expanded ("SSL method" → "self supervised
        learning method"), and how it is shown. An expansion too long for a tag leaves the phrase
        as written: "BERT" stays `BERT` ("bidirectional encoder representations from
        transformers" is five words); before, such phrases were dropped."""
        key = expand(phrase.key, expansions)
        if key == phrase.key:
            return key, phrase.text
        text = self._spelling(key, phrase.text, long_forms)
        return (phrase.key, phrase.text) if too_long(text) else (key, text)

    def _spelling(self, key: str, text: str, long_forms: dict[str, str]) -> str:
        """How the listing writes an acronym's expansion: as a candidate of some paper ("Multi-Head
        Latent Attention" for MLA), or else the phrase with each short form replaced by its long
        form as written ("OOD detection" is "out-of-distribution detection", not its key "out of
        distribution detection")."""
        seen = self.written.get(key)
        if seen:
            return max(seen, key=lambda s: (seen[s], s))
        return " ".join(long_forms.get(tag_key(w), w) for w in words_in(text))


def _written_expansions(text: str, expansions: dict[str, str]) -> dict[str, str]:
    """The expansions of the short forms ``text`` writes as acronyms: "pi" is not "PI"."""
    return {short: expansions[short] for short in written_as_acronyms(text) if short in expansions}


def tag_records(records: Iterable[ArxivRecord], options: TagOptions | None = None) -> dict[str, list[str]]:
    """Tags per arXiv id for resolved records (their own title and abstract)."""
    unique = list({r.arxiv_id: r for r in records}.values())
    tagging = tag_papers([(r.title, r.abstract) for r in unique], options)
    return {r.arxiv_id: tags for r, tags in zip(unique, tagging.tags)}
