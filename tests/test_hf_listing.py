"""Hugging Face pages: the five shared listings and the layout variations users paste."""

import json

import pytest

from conftest import LISTINGS, SHARED, read
from zotbridge.listing.hf import AUTHORS_RE, CHROME, DATE_RE

# Counts, first and last titles, copied by hand from the five pages.
EXPECTED = [
    (
        70,
        "Design of Negative Sampling Strategies for Distantly Supervised Skill Extraction",
        "Knowledge Unlearning for LLMs: Tasks, Methods, and Challenges",
    ),
    (
        71,
        "ACTRESS: Active Retraining for Semi-supervised Visual Grounding",
        "Early-Learning Regularization Prevents Memorization of Noisy Labels",
    ),
    (
        67,
        "Label-Agnostic Forgetting: A Supervision-Free Unlearning in Deep Models",
        "Distilling Step-by-Step! Outperforming Larger Language Models with Less Training Data and "
        "Smaller Model Sizes",
    ),
    (
        379,
        "Tokens-to-Token ViT: Training Vision Transformers from Scratch on ImageNet",
        "DreamCoder: Growing generalizable, interpretable knowledge with wake-sleep Bayesian program "
        "learning",
    ),
    (
        235,
        "Rethinking Supervised Pre-training for Better Downstream Transferring",
        "Instruction Tuned Models are Quick Learners",
    ),
]


@pytest.mark.parametrize("path, expected", list(zip(LISTINGS, EXPECTED)), ids=[p.name[:3] for p in LISTINGS])
def test_shared_listing_counts_and_ends(path, expected):
    count, first, last = expected
    papers = read(path)
    assert len(papers) == count
    assert papers[0].title == first
    assert papers[-1].title == last
    assert all(p.kind == "hf_listing" for p in papers)


@pytest.mark.parametrize("path", LISTINGS, ids=[p.name[:3] for p in LISTINGS])
def test_titles_and_abstracts_are_whole_lines_never_chrome_or_metadata(path):
    lines = {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
    lines |= {line[len("Subscribe") :] for line in lines if line.startswith("Subscribe")}
    for paper in read(path):
        assert paper.title in lines, paper.title
        assert paper.abstract in lines, paper.title  # whole, not cut at a wrap or sentence
        low = paper.title.lower()
        assert low not in CHROME and not DATE_RE.match(paper.title) and not AUTHORS_RE.match(paper.title)
        assert paper.title not in ("·", "•") and not paper.title.isdigit()
        assert len(paper.abstract) > 400


def test_order_agrees_with_the_labelled_set():
    """seed-labels.jsonl names entries by position: the reader must put the same title there."""
    by_name = {p.name: read(p) for p in LISTINGS}
    labels = [json.loads(line) for line in (SHARED / "reference/seed-labels.jsonl").open()]
    assert len(labels) == 53
    for label in labels:
        assert by_name[label["listing"]][label["entry"]].title == label["listed_title"]


def test_authors_dates_and_upvotes_of_the_dated_layout():
    papers = read(LISTINGS[1])
    assert all(p.authors_count for p in papers)
    got = [(p.authors_count, p.date, p.year_inferred, p.upvotes) for p in papers]
    # Lines "• N authors" / date of entries 0, 1, 6, 8, 67 and 70 of 001, read off the file.
    assert got[0] == (4, "2024-07-03", False, None)  # Jul 3, 2024
    assert got[1] == (8, "2025-09-16", True, None)  # Sep 16  (page year 2025, see below)
    assert got[6] == (3, "2025-04-09", True, 2)  # Apr 9 2
    assert got[8] == (8, "2024-08-20", False, 2)  # Aug 20, 2024 2
    assert got[67][1:3] == ("2025-10-13", True)  # Oct 13: arXiv 2510.11016, so 2025 is right
    assert got[70] == (4, "2020-06-30", False, None)  # Jun 30, 2020
    # Layouts without metadata have none.
    assert all(p.date is None and p.authors_count is None for p in read(LISTINGS[0]))


HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\n"
ABSTRACT = "We study a problem. " * 20


def paper(title, date, authors=3):
    return f"{title}\n\n{ABSTRACT}\n\n  • {authors} authors\n·\n{date}\n\n"


def test_year_rule_uses_latest_written_year_and_page_date(write):
    text = (
        HEADER
        + "Nov 5\n\n"
        + paper("Alpha Paper", "Oct 13")
        + paper("Beta Paper", "Dec 26")
        + paper("Gamma Paper", "Mar 1, 2023")
    )
    got = [(p.title, p.date, p.year_inferred) for p in read(write("p.txt", text))]
    # Latest written year 2023 -> page year 2024; Dec 26 is after the page's Nov 5 -> 2023.
    assert got == [
        ("Alpha Paper", "2024-10-13", True),
        ("Beta Paper", "2023-12-26", True),
        ("Gamma Paper", "2023-03-01", False),
    ]


def test_year_rule_override_and_no_written_year(write):
    text = HEADER + paper("Alpha Paper", "Oct 13") + paper("Beta Paper", "Dec 26")
    path = write("p.txt", text)
    assert [p.date for p in read(path, listing_year=2022)] == ["2022-10-13", "2022-12-26"]
    # No year on the page, no page date: today's year, unless that puts the date in the future.
    assert [p.date for p in read(path)] == ["2026-10-13", "2025-12-26"]


def test_paper_without_abstract_does_not_shift_the_rest(write):
    text = HEADER + "First Title\n\n" + ABSTRACT + "\n\nTitle Without Abstract\n\nThird Title\n\n" + ABSTRACT
    papers = read(write("p.txt", text), format="hf")
    assert [(p.title, bool(p.abstract)) for p in papers] == [
        ("First Title", True),
        ("Title Without Abstract", False),
        ("Third Title", True),
    ]


def test_consecutive_layout_crlf_and_two_pages_pasted(write):
    page = (
        "Get trending papers in your email inbox!\nSubscribeFirst Title\n"
        + ABSTRACT
        + "\nSecond Title\n"
        + ABSTRACT
        + "\n"
    )
    papers = read(
        write(
            "p.txt", (page + page.replace("First", "Third").replace("Second", "Fourth")).replace("\n", "\r\n")
        )
    )
    assert [p.title for p in papers] == ["First Title", "Second Title", "Third Title", "Fourth Title"]
    assert papers[2].source.endswith(":7")  # line 6 is the second page's header


def test_multi_paragraph_abstract_is_joined(write):
    text = "Some Title\n\n" + ABSTRACT + "\n\n" + ABSTRACT + "\n\nOther Title\n\n" + ABSTRACT
    first = read(write("p.txt", text), format="hf")[0]
    assert first.abstract == f"{ABSTRACT.strip()} {ABSTRACT.strip()}"


def test_short_question_title_with_sentences_stays_a_title(write):
    title = "Is Prompt All You Need? No. A Comprehensive and Broader View of Instruction Learning"
    papers = read(write("p.txt", f"Subscribe{title}\n{ABSTRACT}\n"))
    assert [p.title for p in papers] == [title]
