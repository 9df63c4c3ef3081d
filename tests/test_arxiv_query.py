"""Queries built from words as arXiv's index splits them (zotbridge/arxiv/query.py), checked by
properties and, end to end, against the emulator's index (docs/sandbox.md)."""

from urllib.parse import unquote_plus

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from zotbridge.arxiv.client import ArxivClient
from zotbridge.arxiv.gate import Gate
from zotbridge.arxiv.query import (
    ARXIV_STOP_WORDS,
    WINDOW,
    abstract_windows,
    distinctive_title_words,
    title_phrases,
    word_query,
    words,
)
from zotbridge.arxiv.resolve import resolve
from zotbridge.config import Settings
from zotbridge.models import ListedPaper
from zotbridge.normalize import latex_to_unicode
from zotbridge.sandbox.arxiv_corpus import Corpus, paper_from_row
from zotbridge.sandbox.arxiv_server import ArxivEmulator
from zotbridge.store import Store

PHRASE = regex.compile(r'^ti:"[^"()\s][^"()]*"$')
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


@given(text)
def test_a_title_phrase_is_never_empty_nor_breaks_the_query(title):
    """``ti:""`` is match_all on today's server (docs/sandbox.md): never sent."""
    phrases = title_phrases(title)
    assert all(PHRASE.match(p) for p in phrases)
    assert (phrases == []) == (words(latex_to_unicode(title)) == [])
    assert len(phrases) <= 2


@given(text)
def test_no_words_means_no_phrase(title):
    if not regex.search(r"[\p{L}\p{N}]", title):
        assert title_phrases(title) == []


@given(
    st.lists(
        st.sampled_from(
            [
                "model",
                "the",
                "learning",
                "of",
                "x²",
                "qwen2.5",
                "let's",
                "1,000",
                "$\\alpha$",
                "(LLMs)",
                "e.g.",
                "it",
                "schrödinger",
                "--",
                "deep-learning",
                "will",
                "there",
            ]
        ),
        max_size=120,
    )
)
def test_abstract_windows_are_whole_consecutive_words(tokens):
    abstract = " ".join(tokens)
    all_words = words(abstract)
    for window in abstract_windows(abstract):
        parts = window.split(" ")
        assert len(parts) == WINDOW
        assert any(all_words[i : i + WINDOW] == parts for i in range(len(all_words)))  # never a cut word
        assert all(regex.fullmatch(r"[\p{L}\p{N}\p{M}]+", w) for w in parts)  # clean words only


@given(text)
def test_and_groups_never_hold_a_stop_word(title):
    """A stop word analyses to nothing and may void the AND group around it (docs/sandbox.md)."""
    assert not set(distinctive_title_words(title)) & ARXIV_STOP_WORDS
    for word in distinctive_title_words(title):
        assert regex.fullmatch(r"[\p{L}\p{N}\p{M}]+", word)


def test_words_as_arxiv_splits_them():
    assert words("Let's Verify Step-by-Step") == ["let's", "verify", "step", "by", "step"]
    assert words("Qwen2.5 and BitNet b1.58 on 1,000 GPUs: TaskMatrix.AI") == [
        "qwen2.5",
        "and",
        "bitnet",
        "b1.58",
        "on",
        "1,000",
        "gpus",
        "taskmatrix.ai",
    ]
    assert title_phrases('Schr\\"odinger Bridges') == ['ti:"schrödinger bridges"', 'ti:"schrodinger bridges"']
    assert word_query("But Then There Were Such Things", None) == "(ti:things ti:were)".replace(" ", " AND ")


ROWS = [
    ("2305.20050", "Let's Verify Step by Step"),
    ("2412.15115", "Qwen2.5 Technical Report"),
    ("2504.12285", "BitNet b1.58 2B4T Technical Report"),
    ("2303.11111", "Schrödinger Bridges Beat Diffusion Models on Text-to-Speech Synthesis"),
    ("2303.16434", "TaskMatrix.AI: Completing Tasks by Connecting Foundation Models with Millions of APIs"),
    ("2401.01000", "Scaling to 1,000 Layers"),
    ("2401.02000", "Verify Step by Step Again"),
]


@pytest.fixture(scope="module")
def server():
    rows = [
        {
            "id": i,
            "title": t,
            "abstract": f"The abstract of {t}.",
            "authors": "A. B",
            "categories": "cs.LG",
            "versions": [{"version": "v1", "created": "Mon, 1 Apr 2024 00:00:00 GMT"}],
        }
        for i, t in ROWS
    ]
    with ArxivEmulator(Corpus([paper_from_row(r) for r in rows])) as srv:
        yield srv


@pytest.mark.parametrize(
    "listed, arxiv_id",
    [
        ("Let's Verify Step by Step", "2305.20050"),
        ("Let’s Verify Step by Step", "2305.20050"),  # a typographic apostrophe: the folded spelling finds it
        ("Qwen2.5 Technical Report", "2412.15115"),
        ("BitNet b1.58 2B4T Technical Report", "2504.12285"),
        ("Schrödinger Bridges Beat Diffusion Models on Text-to-Speech Synthesis", "2303.11111"),
        ('Schr\\"odinger Bridges Beat Diffusion Models on Text-to-Speech Synthesis', "2303.11111"),
        (
            "TaskMatrix.AI: Completing Tasks by Connecting Foundation Models with Millions of APIs",
            "2303.16434",
        ),
        ("Scaling to 1,000 Layers", "2401.01000"),
    ],
)
def test_such_titles_find_themselves_in_the_first_pass(server, tmp_path, listed, arxiv_id):
    """20 of the 760 listing titles missed arXiv's analyzers when built from ASCII words
    (docs/sandbox.md): built from UAX #29 words, each is found by its phrase, in one request."""
    client = ArxivClient(Settings(home=tmp_path, arxiv_url=server.url, arxiv_delay=0), gate=Gate())
    before = server.stats.requests
    (match,) = resolve([ListedPaper("x", "title", title=listed, index=0)], client, Store(tmp_path))
    assert (match.status, match.arxiv_id) == ("matched", arxiv_id)
    assert server.stats.requests - before == 1


def test_a_title_without_a_word_goes_to_the_second_pass_alone(server, tmp_path):
    client = ArxivClient(Settings(home=tmp_path, arxiv_url=server.url, arxiv_delay=0), gate=Gate())
    before = len(server.stats.urls)
    papers = [
        ListedPaper("x", "title", title="???", index=0),
        ListedPaper(
            "x",
            "title",
            title="🚀 ∞",
            abstract="We verify step by step with millions of apis "
            "and text to speech synthesis, again and again.",
            index=1,
        ),
        ListedPaper("x", "title", title="Qwen2.5 Technical Report", index=2),
    ]
    matches = resolve(papers, client, Store(tmp_path))
    sent = [unquote_plus(u) for u in server.stats.urls[before:]]
    assert not any('ti:""' in u for u in sent)
    assert matches[0].status == "unmatched" and "no word arXiv can search for" in matches[0].reason
    assert matches[2].status == "matched"
    # the first pass holds the one title with words; the rest goes by the abstract
    assert "qwen2.5" in sent[0] and all('abs:"' in u and "qwen2.5" not in u for u in sent[1:])
