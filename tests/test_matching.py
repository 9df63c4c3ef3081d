"""The matcher end to end against the arXiv emulator serving the hard corpus (real `arxiv`
client, real HTTP): accuracy on the labelled set, traps, request budgets, cache and faults."""

import dataclasses
import json
import pytest

from conftest import LISTINGS, SHARED, read
from zotbridge.arxiv.client import ArxivClient, Gate
from zotbridge.arxiv.match import decide
from zotbridge.arxiv.resolve import resolve
from zotbridge.config import Settings
from zotbridge.errors import ServiceError
from zotbridge.models import ArxivRecord, ListedPaper
from zotbridge.sandbox import hard_corpus
from zotbridge.sandbox.arxiv_corpus import Corpus, paper_from_row
from zotbridge.sandbox.arxiv_server import ArxivEmulator
from zotbridge.store import Store

LABELS = [json.loads(line) for line in (SHARED / "reference/seed-labels.jsonl").open()]


@pytest.fixture(scope="module")
def rows():
    return hard_corpus.build(LISTINGS, SHARED / "reference/arxiv-seed-records.jsonl",
                             SHARED / "reference/seed-labels.jsonl")


@pytest.fixture(scope="module")
def server(rows):
    with ArxivEmulator(Corpus([paper_from_row(r) for r in rows])) as srv:
        yield srv


@pytest.fixture
def run(server, tmp_path):
    """resolve(papers) against the emulator with a fresh store; counts this test's requests."""
    server.faults.queue.clear()
    server.faults.max_url_length = 16000
    client = ArxivClient(Settings(home=tmp_path, arxiv_url=server.url, arxiv_delay=0), gate=Gate())
    store = Store(tmp_path)

    def _run(papers, refresh=False):
        before = server.stats.requests
        matches = resolve(papers, client, store, refresh=refresh)
        return matches, server.stats.requests - before

    return _run


@pytest.fixture(scope="module")
def listed():
    return read(*LISTINGS, listing_year=2025)




def test_corpus_holds_every_kind_of_trap(rows):
    kinds = {r.get("trap") for r in rows}
    assert kinds == {None, "same_title", "plusplus", "survey", "title_changed", "abstract_reworded"}
    assert len(rows) > 800


def test_labelled_set_precision_and_recall(run, listed):
    matches, requests = run(listed)
    pairs = hard_corpus.labelled_papers(listed, LABELS)
    wrong = [(p.title, truth, matches[p.index].arxiv_id) for p, truth in pairs
             if matches[p.index].status == "matched" and matches[p.index].arxiv_id != truth]
    right = sum(matches[p.index].arxiv_id == truth for p, truth in pairs)
    assert wrong == []  # precision 100%
    assert right / len(pairs) >= 0.98
    assert requests / len(listed) <= 0.1  # 822 entries
    # A re-run makes no request at all, and gives the same decisions.
    again, requests = run(listed)
    assert requests == 0
    assert [m.to_json() for m in again] == [m.to_json() for m in matches]


def test_title_only_same_title_traps_are_ambiguous(run, listed, rows):
    pairs = hard_corpus.labelled_papers(listed, LABELS)
    bare = [dataclasses.replace(p, abstract=None, authors_count=None, date=None, duplicate_of=None,
                                index=i) for i, (p, _) in enumerate(pairs)]
    # Repeated labelled titles are one paper: keep the first of each.
    seen, papers = set(), []
    for paper in bare:
        if paper.title not in seen:
            seen.add(paper.title)
            papers.append(dataclasses.replace(paper, index=len(papers)))
    matches, _ = run(papers)
    truth = {p.title: t for p, t in pairs}
    trapped = {r["trap_of"] for r in rows if r.get("trap") == "same_title"}
    for paper, match in zip(papers, matches):
        assert not (match.status == "matched" and match.arxiv_id != truth[paper.title]), paper.title
        if truth[paper.title] in trapped:
            assert match.status == "ambiguous", paper.title
            assert len(match.candidates) >= 2


def test_ids_take_one_request_per_200(run, rows):
    ids = [r["id"] for r in rows][:450]
    papers = [ListedPaper(source="x", kind="arxiv_id", arxiv_id=i, index=n) for n, i in enumerate(ids)]
    matches, requests = run(papers)
    assert all(m.status == "matched" and m.arxiv_id == i for m, i in zip(matches, ids))
    assert requests == 3  # ≤ 1 request per 100 ids


def test_listed_id_with_another_title_is_not_taken(run, rows):
    true = rows[0]
    papers = [
        ListedPaper(source="x", kind="arxiv_id", arxiv_id=true["id"], title="Cooking Pasta With Lasers", index=0),
        ListedPaper(source="x", kind="arxiv_id", arxiv_id="2501.99999", index=1),
    ]
    matches, _ = run(papers)
    assert matches[0].status == "ambiguous" and "not the listed title" in matches[0].reason
    assert matches[1].status == "unmatched" and "2501.99999" in matches[1].reason


def test_refresh_asks_again(run, listed):
    papers = listed[:30]
    _, first = run(papers)
    _, cached = run(papers)
    _, refreshed = run(papers, refresh=True)
    assert first > 0 and cached == 0 and refreshed == first


def test_faults_are_retried_and_everything_resolves(run, listed, server):
    papers = listed[100:160]
    clean, clean_requests = run(papers)
    server.faults.plan("503", "empty", "ok", "429", "reset", "ok", "503")
    faulty, requests = run(papers, refresh=True)
    assert [m.to_json() for m in faulty] == [m.to_json() for m in clean]
    assert requests == clean_requests + 5  # the retries, nothing more


def test_a_service_that_keeps_failing_stops_with_a_clear_error_and_a_rerun_completes(run, listed, server):
    papers = listed[300:320]
    server.faults.plan(*["503"] * 5)
    with pytest.raises(ServiceError, match=r"arXiv did not answer after 5 tries \(HTTP 503\)"):
        run(papers)
    matches, _ = run(papers)
    assert all(m.status == "matched" for m in matches)


def test_url_too_long_halves_the_batch(run, listed, server):
    papers = listed[200:240]
    clean, clean_requests = run(papers)
    server.faults.max_url_length = 900
    split, requests = run(papers, refresh=True)
    assert [m.to_json() for m in split] == [m.to_json() for m in clean]
    assert requests > clean_requests


def record(arxiv_id, title, abstract="", authors=3, published="2024-01-10T00:00:00+00:00"):
    return ArxivRecord(arxiv_id, 1, title, abstract, [f"A{i}" for i in range(authors)], published, published, "cs.LG")


ABSTRACT = ("We introduce a benchmark for tabular reasoning with large language models and show that "
            "retrieval of relevant rows improves accuracy across twelve datasets by a wide margin.")


@pytest.mark.parametrize("listed_title, records, status, arxiv_id", [
    # LaTeX, accents, case and dashes do not matter.
    ("Adapt-infty: Scalable Lifelong Tuning", [record("2410.10636", r"Adapt-$\infty$: Scalable Lifelong Tuning")],
     "matched", "2410.10636"),
    ("Schrödinger Bridges -- A Survey", [record("2401.00001", r"Schr\"odinger bridges - a survey")],
     "matched", "2401.00001"),
    # X++ is another paper: a listed X++ is matched; a bare X next to an X++ whose title contains
    # it cannot be told apart without an abstract.
    ("MetaFormer++: A Unified View Again", [record("2401.00002", "MetaFormer: A Unified View"),
                                            record("2401.00003", "MetaFormer++: A Unified View Again")],
     "matched", "2401.00003"),
    ("MetaFormer: A Unified View", [record("2401.00002", "MetaFormer: A Unified View"),
                                    record("2401.00003", "MetaFormer++: A Unified View Again")], "ambiguous", None),
    ("MetaFormer: A Unified View", [record("2401.00002", "MetaFormer: A Unified View"),
                                    record("2401.00003", "PoolFormer: Another View")], "matched", "2401.00002"),
    # Same title twice and no abstract: never a guess.
    ("Random Teachers are Good Teachers", [record("2302.12091", "Random Teachers are Good Teachers"),
                                           record("2501.00004", "Random teachers are good teachers")],
     "ambiguous", None),
    ("Something Nobody Wrote", [record("2401.00005", "Quantum Chromodynamics on a Lattice")], "unmatched", None),
])
def test_title_only_decisions(listed_title, records, status, arxiv_id):
    match = decide(ListedPaper(source="x", kind="title", title=listed_title, index=0), records)
    assert (match.status, match.arxiv_id) == (status, arxiv_id)


def test_abstract_decides_between_same_titles():
    paper = ListedPaper(source="x", kind="hf_listing", title="Tabular Reasoning", abstract=ABSTRACT, index=0)
    other = "We study protein folding with diffusion models and report gains on three benchmarks of structure."
    match = decide(paper, [record("2401.00006", "Tabular Reasoning", other),
                           record("2401.00007", "Tabular reasoning", ABSTRACT)])
    assert (match.status, match.arxiv_id) == ("matched", "2401.00007")
    assert [c.arxiv_id for c in match.candidates][0] == "2401.00007"
