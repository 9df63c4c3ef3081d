"""Per-file format detection, and repeated papers across inputs."""

import pytest

from conftest import LISTINGS, read
from zotbridge.listing.registry import detect_format


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("refs.txt", "% exported\n\n@article{a, title={T}}\n", "bibtex"),
        ("x.txt", '{"title": "A"}\n', "jsonl"),
        ("x.txt", "title,year\nA,2020\n", "csv"),
        ("x.txt", "arxiv_id\ttitle\n2410.10636\tA\n", "tsv"),
        ("x.txt", "Get trending papers in your email inbox!\nSubscribeA Title\n", "hf"),
        ("x.txt", "A Title\n\n" + "Long abstract text. " * 30 + "\n", "hf"),
        ("x.txt", "2410.10636\nhttps://arxiv.org/abs/2401.11237\nsome note\n", "ids"),
        ("x.txt", "Attention Is All You Need\nDeep Residual Learning\n", "titles"),
        ("x.txt", "Title one, with a comma\nTitle two\n", "titles"),  # a comma is not a CSV header
        ("refs.bib", "anything", "bibtex"),
        ("papers.CSV", "anything", "csv"),
        ("p.ndjson", "anything", "jsonl"),
    ],
)
def test_detect_format(name, text, expected):
    assert detect_format(name, text) == expected


def test_format_option_overrides_detection(write):
    path = write("x.txt", "2410.10636 is a paper id used as a title here\n")
    assert read(path)[0].kind == "arxiv_id"
    (paper,) = read(path, format="titles")
    assert paper.title == "is a paper id used as a title here"  # titles keep the id too
    assert paper.arxiv_id == "2410.10636"


def test_shared_listings_repeat_52_titles():
    papers = read(*LISTINGS)
    assert [p.index for p in papers] == list(range(822))
    repeats = [p for p in papers if p.duplicate_of is not None]
    assert len({papers[p.duplicate_of].title for p in repeats}) == 52
    for p in repeats:
        first = papers[p.duplicate_of]
        assert first.duplicate_of is None and first.index < p.index
        assert first.title.lower() == p.title.lower()
    # "Unsupervised Learning under Latent Label Shift" is entry 26 of 000 and entry 61 of 001.
    assert papers[70 + 61].duplicate_of == 26


def test_duplicates_by_id_and_by_normalised_title(write):
    path = write(
        "x.txt",
        "Adapt-$\\infty$: Scalable Continual Tuning arXiv:2410.10636\n"
        "https://arxiv.org/abs/2410.10636v2\n"
        "adapt infty -- scalable continual tuning\n"
        "Attention Models\n"
        "Attention Models arXiv:1706.03762\n"
        "Attention Models arXiv:2501.00001\n",
    )
    assert [p.duplicate_of for p in read(path, format="titles")] == [None, 0, 0, None, 3, None]


def test_same_title_different_abstracts_are_different_papers(write):
    a = "We study graphs with spectral methods and prove bounds. " * 8
    b = "A benchmark of image classifiers under distribution shift is introduced. " * 8
    path = write("x.txt", f"Introduction\n\n{a}\n\nIntroduction\n\n{b}\n\nIntroduction\n\n{a}\n")
    assert [p.duplicate_of for p in read(path, format="hf")] == [None, None, 0]


def test_every_format_is_in_the_registry_once():
    """One registry of listing formats: what --format offers is exactly what can be read."""
    from zotbridge.listing.registry import REGISTRY
    from zotbridge.models import FORMATS

    names = [f.name for f in REGISTRY]
    assert sorted(names) == sorted(set(FORMATS) - {"auto"}) and len(names) == len(set(names))
    assert REGISTRY[-1].name == "titles" and REGISTRY[-1].detect([])  # the fallback comes last
