"""BibTeX files as input: fields, identifiers from every field, broken entries."""

import logging

from conftest import read

BIB = r"""% a comment line
@string{neurips = "Advances in Neural Information Processing Systems"}

@article{vaswani2017,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and others},
  journal = {arXiv preprint arXiv:1706.03762},
  year = 2017
}

@misc{adapt,
  title = {Adapt-$\infty$: Scalable Continual Multimodal Instruction Tuning},
  author = {Maharana, Adyasha and Yoon, Jaehong},
  eprint = {2410.10636v2}, archivePrefix = {arXiv}, primaryClass = {cs.LG},
  year = {2024}
}

@inproceedings{schr,
  title = {{BERT} for Schr{\"o}dinger Equations},
  author = {M{\"u}ller, J{\"o}rg and van der Berg, Jan},
  booktitle = neurips,
  doi = {10.48550/arXiv.2401.11237},
  date = {2024-01-20}
}

@article{journal, title = "A Journal Paper", author = "Jane Doe", doi = {10.1103/PhysRevD.76.013009},
  url = {https://arxiv.org/abs/0704.0001}, year = {2007}}

@online{hal, title = {From HAL}, eprint = {hal-01234567}, eprinttype = {hal}, year = 2021}

@misc{noted, title = {Noted}, note = {arXiv:hep-th/9901001}, howpublished = {somewhere}}

@misc{mendeley, title = {Mendeley Export}, arxivId = {1912.07768}}

@article(parens, title = {Paren Delimited}, year = 1999)
"""


def test_entries_fields_and_identifiers(write):
    papers = read(write("refs.bib", BIB))
    got = [(p.citation_key, p.kind, p.title, p.arxiv_id, p.arxiv_version, p.doi, p.year) for p in papers]
    assert got == [
        ("vaswani2017", "bibtex", "Attention Is All You Need", "1706.03762", None, None, 2017),  # journal
        (
            "adapt",
            "bibtex",
            r"Adapt-$\infty$: Scalable Continual Multimodal Instruction Tuning",
            "2410.10636",
            2,
            None,
            2024,
        ),  # eprint; math kept for the matcher
        ("schr", "bibtex", "BERT for Schrödinger Equations", "2401.11237", None, None, 2024),  # arXiv DOI
        (
            "journal",
            "bibtex",
            "A Journal Paper",
            "0704.0001",
            None,
            "10.1103/PhysRevD.76.013009",
            2007,
        ),  # url
        ("hal", "bibtex", "From HAL", None, None, None, 2021),  # eprint of another archive ignored
        ("noted", "bibtex", "Noted", "hep-th/9901001", None, None, None),  # note
        ("mendeley", "bibtex", "Mendeley Export", "1912.07768", None, None, None),
        ("parens", "bibtex", "Paren Delimited", None, None, None, 1999),
    ]
    assert papers[0].authors == ["Vaswani, Ashish", "Shazeer, Noam", "Parmar, Niki"]
    assert papers[0].authors_count is None  # "and others": the count is unknown
    assert papers[2].authors == ["Müller, Jörg", "van der Berg, Jan"]
    assert papers[2].date == "2024-01-20"
    assert [p.source.rsplit(":", 1)[1] for p in papers[:3]] == ["4", "11", "18"]


def test_broken_entry_is_reported_and_the_rest_kept(write, caplog):
    caplog.set_level(logging.WARNING, logger="zotbridge")
    text = (
        "@article{good1, title = {Good One}}\n"
        "@article{broken, title = {Never closed,\n"
        "  year = 2020,\n"
        "@article{good2,\n  title = {Good Two}\n}\n"
        "@article{bad syntax here}\n"
        "@misc{good3, title={Good Three}}\n"
    )
    papers = read(write("refs.bib", text))
    assert [p.title for p in papers] == ["Good One", "Good Two", "Good Three"]
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "refs.bib:2: entry is not closed" in messages
    assert "refs.bib:7: entry could not be parsed" in messages


def test_unclosed_last_entry_is_reported(write, caplog):
    caplog.set_level(logging.WARNING, logger="zotbridge")
    papers = read(write("refs.bib", "@misc{a, title={A}}\n@misc{b, title={B}\n"))
    assert [p.title for p in papers] == ["A"]
    assert "refs.bib:2: entry is not closed at the end of the file" in caplog.text


def test_deeply_nested_braces_do_not_crash(write):
    title = "{" * 500 + "Deep" + "}" * 500
    papers = read(write("refs.bib", f"@misc{{deep, title = {{{title}}}}}\n@misc{{b, title={{B}}}}\n"))
    assert [p.title for p in papers][-1] == "B"
