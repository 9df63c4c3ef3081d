"""Property tests: the readers never raise on arbitrary text, whatever format is forced."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import read
from zotbridge.errors import InputError
from zotbridge.listing import FORMATS
from zotbridge.listing.ids import find_ids
from zotbridge.normalize import normalize_title

# Text biased towards what the readers look for: ids, dates, braces, chrome words, separators.
FRAGMENTS = st.sampled_from(
    [
        "2410.10636",
        "v2",
        "hep-th/9901001",
        "arXiv:",
        "10.48550/arXiv.",
        "https://arxiv.org/abs/",
        "@article{",
        "@misc(",
        "}",
        "{",
        "title = ",
        ",",
        ";",
        "\t",
        "\n",
        "\r\n",
        "\n\n",
        "Subscribe",
        "• 4 authors",
        "·",
        "Jul 3, 2024",
        "Sep 16 2",
        "Feb 30",
        '{"title": ',
        '"',
        "#",
        "$\\infty$",
        '\\"o',
        "title,abstract,id",
        "\x00",
        "\u202e",
        "\u200b",
        "é",
        "𝔘",
    ]
)
TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=30)), max_size=40).map("".join)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT, fmt=st.sampled_from(FORMATS))
def test_readers_never_raise_anything_but_input_error(write, text, fmt):
    path = write("fuzz.txt", text.encode("utf-8", "surrogatepass"))
    try:
        papers = read(path, format=fmt)
    except InputError:
        return
    for paper in papers:
        assert paper.title or paper.arxiv_id or paper.doi
        assert paper.title is None or (paper.title == paper.title.strip() and "\n" not in paper.title)


@given(st.text(alphabet=string.digits + ".v/-:abcdehmprstxAXiv", max_size=60))
def test_found_ids_are_found_again_in_canonical_form(text):
    for found in find_ids(text):
        if found.arxiv_id:
            (again,) = find_ids(found.arxiv_id)
            assert again.arxiv_id == found.arxiv_id


@given(st.text())
def test_title_key_is_stable_ascii(text):
    key = normalize_title(text)
    assert key.isascii() and key == key.strip() and "  " not in key
    assert normalize_title(key) == key
