"""Property tests for the BibTeX writer, keys and the .bib reader.

* every entry zotbridge writes, whatever the title and names hold, parses back (bibtexparser
  1.4 and zotbridge's own strict reader) to the same fields, with balanced braces;
* keys are never empty, ASCII and free of characters BibTeX treats specially;
* the reader either refuses a file with a line number or cuts it into blocks that add up to the
  exact original text, and a merge keeps every original byte in front of what it appends.
"""

import re
from itertools import accumulate

import bibtexparser
import pytest
from bibtexparser.bparser import BibTexParser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bibtex_entries import make

from zotbridge.bibtex.bibfile import parse_bib
from zotbridge.bibtex.entries import entry_for, render_entry
from zotbridge.bibtex.keys import DEFAULT_TEMPLATE, Formula, stem
from zotbridge.bibtex.merge import Work, merge
from zotbridge.errors import BibSyntaxError

TRICKY = st.sampled_from(
    [
        "$",
        "$x$",
        "$\\infty$",
        "\\",
        "\\emph{",
        "\\'e",
        '\\"{o}',
        "{",
        "}",
        "{BERT}",
        "&",
        "%",
        "#",
        "_",
        "~",
        "^",
        "<",
        ">",
        "|",
        '"',
        ",",
        "=",
        "@",
        " and ",
        "GPT-4",
        "LLaMA",
        "é",
        "ß",
        "Ł",
        "ễ",
        "α",
        "∞",
        "张",
        "\u200b",
        "\\alpha",
        "\\foo",
        "\\textbf{x}",
        "--",
        " ",
        ":",
        "Q-Learning",
        "@misc{x,",
    ]
)
TEXT = st.lists(st.one_of(TRICKY, st.text(min_size=1, max_size=12)), min_size=1, max_size=25).map("".join)
NAME = st.lists(
    st.one_of(
        TRICKY, st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=10)
    ),
    min_size=1,
    max_size=5,
).map(" ".join)
KEY_CHARS = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no white space
UNSAFE = set("\\\"#%'(),={}~")


def braces_balance(text: str) -> bool:
    """As BibTeX counts: every brace, escaped or not; never below zero, zero at the end."""
    depths = list(accumulate((ch == "{") - (ch == "}") for ch in text))
    return not depths or (min(depths) >= 0 and depths[-1] == 0)


@pytest.mark.slow
@settings(deadline=None)
@given(
    title=TEXT,
    authors=st.lists(NAME, max_size=4),
    style=st.sampled_from(["bibtex", "biblatex"]),
    journal=st.none() | TEXT,
)
def test_written_entries_parse_back_to_the_same_fields(title, authors, style, journal):
    title = " ".join(title.split()) or "x"
    record = make(
        title=title, authors=[a for a in (" ".join(n.split()) for n in authors) if a], journal_ref=journal
    )
    entry = entry_for(record, "k1", style)
    text = render_entry(entry)
    for value in entry.fields.values():
        assert braces_balance(value), value
    blocks = parse_bib(text, "t.bib").entries
    assert len(blocks) == 1 and {f.name: f.plain for f in blocks[0].fields} == entry.fields
    parsed = bibtexparser.loads(
        text, BibTexParser(ignore_nonstandard_types=False, common_strings=True)
    ).entries
    assert len(parsed) == 1
    assert parsed[0]["title"] == entry.fields["title"]
    if "author" in entry.fields:
        assert parsed[0]["author"] == entry.fields["author"]


@settings(deadline=None)
@given(
    title=TEXT,
    first_author=NAME,
    template=st.sampled_from(
        [DEFAULT_TEMPLATE, "auth + year", "shorttitle(2,0)", 'auth.upper + ":" + eprint', "veryshorttitle"]
    ),
)
def test_keys_are_ascii_and_safe(title, first_author, template):
    """Whatever the title and author, a key is ASCII without Better BibTeX's unsafe characters
    (\\ " # % ' ( ) , = { } ~) or white space: BibTeX and biber read it as one key."""
    key = stem(make(title=title, authors=[first_author]), Formula.parse(template))
    assert KEY_CHARS.match(key) and not set(key) & UNSAFE, key


@settings(deadline=None)
@given(
    st.lists(
        st.one_of(
            TRICKY,
            st.sampled_from(
                [
                    "@article{a,",
                    "title = {x}",
                    "}",
                    "\n",
                    '@string{s = "v"}',
                    "@comment{c}",
                    "year = 2020",
                    "(",
                    ")",
                    "@misc(b, t=1)",
                ]
            ),
            st.text(max_size=8),
        ),
        max_size=30,
    ).map("".join)
)
def test_reader_is_lossless_or_names_a_line(text):
    try:
        bib = parse_bib(text, "t.bib")
    except BibSyntaxError as err:
        assert re.match(r"t\.bib:\d+: ", err.message)
        return
    assert "".join(text[b.start : b.end] for b in bib.blocks) == text


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    user=st.lists(
        st.tuples(
            st.sampled_from(["article", "misc", "book"]),
            st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True),
            TEXT,
        ),
        max_size=5,
        unique_by=lambda t: t[1],
    ),
    gap=st.sampled_from(["\n", "\n\n", "% comment\n", "", "\r\n"]),
)
def test_merge_keeps_every_byte_of_the_users_file(user, gap):
    text = "".join(
        f"@{kind}{{{key},\n  note = {{{re.sub('[{}]', '', value)}}}\n}}{gap}" for kind, key, value in user
    )
    bib = parse_bib(text, "t.bib")
    records = {
        r.arxiv_id: r
        for r in [make(), make(arxiv_id="2006.11239", title="Denoising Diffusion", authors=["Jonathan Ho"])]
    }
    merged = merge(
        bib,
        [Work(a, a) for a in records],
        {},
        lambda work, block: block.key if block else "z" + work.ident,
        lambda work, key: entry_for(records[work.ident], key),
        None,
    )
    assert merged.text.startswith(text)
    assert len(parse_bib(merged.text, "t.bib").entries) == len(user) + 2
