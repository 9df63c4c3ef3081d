"""Plain title lists, CSV/TSV and JSON Lines."""

import json
import logging

import pytest

from conftest import read
from zotbridge.errors import InputError


def test_title_list_skips_blanks_and_comments(write):
    path = write(
        "titles.txt",
        "# my reading list\n\nAttention Is All You Need\n  \n"
        "   Deep  Residual\tLearning for Image Recognition  \n# done\n",
    )
    papers = read(path)
    assert [(p.kind, p.title, p.source.rsplit(":", 1)[1]) for p in papers] == [
        ("title", "Attention Is All You Need", "3"),
        ("title", "Deep Residual Learning for Image Recognition", "5"),
    ]


def test_title_with_an_identifier_keeps_both(write):
    path = write(
        "titles.txt",
        "Attention Is All You Need\nBERT: Pre-training of Deep Bidirectional Transformers"
        " arXiv:1810.04805\nAnother Good Title\n",
    )
    papers = read(path, format="titles")
    assert [(p.kind, p.title, p.arxiv_id) for p in papers] == [
        ("title", "Attention Is All You Need", None),
        ("arxiv_id", "BERT: Pre-training of Deep Bidirectional Transformers", "1810.04805"),
        ("title", "Another Good Title", None),
    ]


def test_csv_with_quoted_multiline_abstract(write):
    path = write(
        "papers.csv",
        "Title,Abstract,Authors,Year,URL,DOI,notes\n"
        '"Attention Is All You Need","We propose\na new network, the Transformer.",'
        '"Vaswani, Ashish; Shazeer, Noam",2017,https://arxiv.org/abs/1706.03762v5,,x\n'
        "Some Journal Paper,,A. Author and B. Author,2020,,10.1000/j.1,\n"
        ",,,,,,only notes\n",
    )
    papers = read(path)
    assert [
        (p.kind, p.title, p.arxiv_id, p.arxiv_version, p.year, p.doi, p.source.rsplit(":", 1)[1])
        for p in papers
    ] == [
        ("csv", "Attention Is All You Need", "1706.03762", 5, 2017, None, "2"),
        ("csv", "Some Journal Paper", None, None, 2020, "10.1000/j.1", "4"),
    ]
    assert papers[0].abstract == "We propose a new network, the Transformer."
    assert papers[0].authors == ["Vaswani, Ashish", "Shazeer, Noam"]
    assert papers[1].authors == ["A. Author", "B. Author"]


def test_tsv_and_semicolon_csv(write):
    tsv = write("papers.tsv", "arxiv_id\ttitle\n2410.10636\tAdapt-infty\n")
    assert [(p.kind, p.arxiv_id, p.title) for p in read(tsv)] == [("tsv", "2410.10636", "Adapt-infty")]
    semi = write("export.txt", "title;id;year\nA Paper Title;2401.11237;2024\n")
    assert [(p.kind, p.arxiv_id, p.year) for p in read(semi)] == [("csv", "2401.11237", 2024)]


def test_csv_without_known_columns_is_a_clear_error(write):
    path = write("papers.csv", "name,comment\nfoo,bar\n")
    with pytest.raises(InputError, match="header row names no column"):
        read(path)


def test_jsonl_objects_and_bad_lines(write, caplog):
    caplog.set_level(logging.WARNING, logger="zotbridge")
    rows = [
        {
            "title": "Attention Is All You Need",
            "arxiv_id": "1706.03762",
            "authors": ["Vaswani, A.", "Shazeer, N."],
            "year": 2017,
        },
        {"url": "https://huggingface.co/papers/2410.10636", "abstract": "An abstract."},
        {"doi": "10.48550/arXiv.2401.11237", "date": "2024-01-20"},
    ]
    text = (
        "\n".join(json.dumps(r) for r in rows[:2]) + "\nnot json\n[1, 2]\n{}\n" + json.dumps(rows[2]) + "\n"
    )
    papers = read(write("papers.jsonl", text))
    assert [(p.kind, p.arxiv_id, p.title, p.authors_count, p.year, p.date) for p in papers] == [
        ("jsonl", "1706.03762", "Attention Is All You Need", 2, 2017, None),
        ("jsonl", "2410.10636", None, None, None, None),
        ("jsonl", "2401.11237", None, None, 2024, "2024-01-20"),
    ]
    assert papers[2].source.endswith(":6")
    warnings = " ".join(r.getMessage() for r in caplog.records)
    assert ":3: not valid JSON" in warnings and ":4: not a JSON object" in warnings
