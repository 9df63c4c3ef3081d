"""arXiv identifiers in every form arXiv writes them, and text that only looks like one."""

import pytest

from conftest import read
from zotbridge.listing.ids import find_ids

FORMS = [
    ("2410.10636", "2410.10636", None, "arxiv_id"),
    ("2410.10636v2", "2410.10636", 2, "arxiv_id"),
    ("arXiv:2410.10636", "2410.10636", None, "arxiv_id"),
    ("arxiv: 2410.10636v1", "2410.10636", 1, "arxiv_id"),
    ("https://arxiv.org/abs/2410.10636v2", "2410.10636", 2, "arxiv_id"),
    ("http://arxiv.org/abs/2410.10636", "2410.10636", None, "arxiv_id"),
    ("https://arxiv.org/pdf/2410.10636", "2410.10636", None, "arxiv_id"),
    ("https://arxiv.org/pdf/2410.10636.pdf", "2410.10636", None, "arxiv_id"),
    ("https://arxiv.org/pdf/2410.10636v3.pdf", "2410.10636", 3, "arxiv_id"),
    ("arxiv.org/html/2410.10636v2", "2410.10636", 2, "arxiv_id"),
    ("https://export.arxiv.org/abs/2410.10636", "2410.10636", None, "arxiv_id"),
    ("https://huggingface.co/papers/2410.10636", "2410.10636", None, "arxiv_id"),
    ("10.48550/arXiv.2410.10636", "2410.10636", None, "doi"),
    ("https://doi.org/10.48550/arXiv.2410.10636", "2410.10636", None, "doi"),
    ("doi:10.48550/ARXIV.2410.10636", "2410.10636", None, "doi"),
    ("0704.0001", "0704.0001", None, "arxiv_id"),  # the first new-style id
    ("1412.8999v4", "1412.8999", 4, "arxiv_id"),  # last month of 4-digit numbers
    ("1501.00001", "1501.00001", None, "arxiv_id"),  # first month of 5-digit numbers
    ("hep-th/9901001", "hep-th/9901001", None, "arxiv_id"),
    ("hep-th/9901001v3", "hep-th/9901001", 3, "arxiv_id"),
    ("arXiv:cond-mat/0102536", "cond-mat/0102536", None, "arxiv_id"),
    ("math.GT/0309136", "math/0309136", None, "arxiv_id"),  # subject class is not part of the id
    ("https://arxiv.org/abs/astro-ph/0701001v1", "astro-ph/0701001", 1, "arxiv_id"),
    ("10.48550/arXiv.hep-th/9901001", "hep-th/9901001", None, "doi"),
]


@pytest.mark.parametrize("text, arxiv_id, version, kind", FORMS)
def test_every_identifier_form(text, arxiv_id, version, kind):
    (found,) = find_ids(text)
    assert (found.arxiv_id, found.version, found.kind) == (arxiv_id, version, kind)
    # The same inside a sentence, between punctuation.
    (found,) = find_ids(f"See ({text}), it is good.")
    assert found.arxiv_id == arxiv_id


@pytest.mark.parametrize(
    "text",
    [
        "pi is 3.14159",
        "revenue was 2024.12345 dollars",  # month 24
        "0703.1234",  # before the new scheme (April 2007)
        "1412.12345",  # five digits before 2015
        "1501.1234",  # four digits from 2015
        "2413.00001",  # month 13
        "version 12410.10636",
        "hep-th/99010011",  # eight digits
        "foo/9901001",  # not an archive
        "hep-th/9913001",  # month 13
    ],
)
def test_lookalikes_are_not_identifiers(text):
    assert [f for f in find_ids(text) if f.arxiv_id] == []


def test_journal_doi_is_kept_as_doi_and_trailing_punctuation_dropped():
    (found,) = find_ids("Published as doi:10.1103/PhysRevD.76.013009.")
    assert (found.kind, found.arxiv_id, found.doi) == ("doi", None, "10.1103/PhysRevD.76.013009")
    (found,) = find_ids("(see 10.1000/xyz(1))")
    assert found.doi == "10.1000/xyz(1)"


def test_many_per_line_mixed_with_text(write):
    path = write(
        "ids.txt",
        "Read 2410.10636 and arXiv:2401.11237v2, also https://arxiv.org/abs/hep-th/9901001\n"
        "nothing here\n"
        "# 1706.03762 commented out\n"
        "https://doi.org/10.48550/arXiv.1912.07768 1706.03762\n",
    )
    papers = read(path, format="ids")
    assert [(p.arxiv_id, p.arxiv_version, p.kind, p.source.rsplit(":", 1)[1]) for p in papers] == [
        ("2410.10636", None, "arxiv_id", "1"),
        ("2401.11237", 2, "arxiv_id", "1"),
        ("hep-th/9901001", None, "arxiv_id", "1"),
        ("1912.07768", None, "doi", "4"),
        ("1706.03762", None, "arxiv_id", "4"),
    ]
    assert all(p.title is None for p in papers[:3])  # several ids on a line: no title guessed


def test_markdown_reading_list_keeps_titles(write):
    path = write(
        "list.md",
        "- [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n"
        "1. BERT: Pre-training of Deep Bidirectional Transformers -- arXiv:1810.04805\n"
        "* https://huggingface.co/papers/2410.10636\n",
    )
    papers = read(path)
    assert [(p.arxiv_id, p.title) for p in papers] == [
        ("1706.03762", "Attention Is All You Need"),
        ("1810.04805", "BERT: Pre-training of Deep Bidirectional Transformers"),
        ("2410.10636", None),
    ]
