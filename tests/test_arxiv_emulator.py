"""The arXiv emulator, driven over HTTP by the real `arxiv` package (and raw HTTP where the
package hides what the server said)."""

import urllib.error
import urllib.request
from xml.etree import ElementTree as ET

import arxiv
import pytest
import requests

from conftest import SHARED
from zotbridge.sandbox.arxiv_corpus import Corpus, paper_from_row
from zotbridge.sandbox.arxiv_server import ArxivEmulator


def row(ident, title, abstract="An abstract about things.", authors="A. One, B. Two and C. Three", **extra):
    base = {"id": ident, "title": title, "abstract": abstract, "authors": authors, "categories": "cs.LG stat.ML",
            "versions": [{"version": "v1", "created": "Mon, 2 Apr 2024 10:00:00 GMT"},
                         {"version": "v2", "created": "Tue, 9 Jul 2024 12:30:00 GMT"}]}
    base.update(extra)
    return base


ROWS = [
    row("2401.00001", "Quantum criticality in graphene sheets", "We study quantum criticality. Quantum effects."),
    row("2401.00002", "Criticality of quantum walks", "Walks on graphs."),
    row("2401.00003", "Deep learning for graphene", "Graphene and deep learning.", doi="10.1000/xyz",
        comments="12 pages", **{"journal-ref": "J. Phys. 1 (2024)"}),
    *[row(f"2402.{i:05d}", f"Filler paper number {i}") for i in range(1, 21)],
    row("hep-th/9901001", "An old string theory paper", versions=[{"version": "v1", "created": "Fri, 1 Jan 1999 00:00:00 GMT"}]),
]


@pytest.fixture
def server():
    with ArxivEmulator(Corpus([paper_from_row(r) for r in ROWS])) as srv:
        yield srv


def client(server, page_size=100):
    c = arxiv.Client(page_size=page_size, delay_seconds=0, num_retries=0)
    c.query_url_format = server.url + "?{}"
    return c


def ids(results):
    return [r.get_short_id() for r in results]


def test_shared_snapshot_files_load_as_they_are():
    corpus = Corpus.from_jsonl(SHARED / "reference/arxiv-seed-records.jsonl",
                               SHARED / "reference/arxiv-snapshot-sample.jsonl")
    assert len(corpus.papers) == 250
    paper = corpus.papers["0704.0001"]
    assert paper.title.startswith("Calculation of prompt diphoton") and len(paper.versions) == 2


def test_id_list_with_and_without_versions_in_order(server):
    got = list(client(server).results(arxiv.Search(id_list=["2401.00003", "2401.00001v1", "hep-th/9901001", "2401.09999"])))
    assert ids(got) == ["2401.00003v2", "2401.00001v1", "hep-th/9901001v1"]  # unknown id absent
    latest, first = got[0], got[1]
    assert latest.published.isoformat() == "2024-04-02T10:00:00+00:00"  # v1
    assert latest.updated.isoformat() == "2024-07-09T12:30:00+00:00"  # served version
    assert first.updated.isoformat() == "2024-04-02T10:00:00+00:00"


def test_every_atom_element_of_an_entry(server):
    (r,) = client(server).results(arxiv.Search(id_list=["2401.00003"]))
    assert r.title == "Deep learning for graphene"
    assert [a.name for a in r.authors] == ["A. One", "B. Two", "C. Three"]
    assert (r.primary_category, r.categories) == ("cs.LG", ["cs.LG", "stat.ML"])
    assert (r.doi, r.comment, r.journal_ref) == ("10.1000/xyz", "12 pages", "J. Phys. 1 (2024)")
    assert r.entry_id == "http://arxiv.org/abs/2401.00003v2"
    assert r.pdf_url == "http://arxiv.org/pdf/2401.00003v2"
    assert {link.title for link in r.links} == {None, "pdf", "doi"}


def test_default_max_results_is_10_like_arxiv(server):
    wanted = [f"2402.{i:05d}" for i in range(1, 16)]
    body = urllib.request.urlopen(f"{server.url}?id_list={','.join(wanted)}").read()
    feed = ET.fromstring(body)
    ns = {"a": "http://www.w3.org/2005/Atom", "o": "http://a9.com/-/spec/opensearch/1.1/"}
    assert len(feed.findall("a:entry", ns)) == 10
    assert feed.find("o:totalResults", ns).text == "15"


def test_query_and_id_list_together_filter(server):
    got = client(server).results(arxiv.Search(query="ti:graphene", id_list=["2401.00002", "2401.00003", "2401.00001"]))
    assert ids(got) == ["2401.00003v2", "2401.00001v2"]


def test_phrases_booleans_and_parentheses(server):
    def search(q):
        return sorted(i[:10] for i in ids(client(server).results(arxiv.Search(query=q, max_results=50))))

    assert search('ti:"quantum criticality"') == ["2401.00001"]  # adjacent tokens only
    assert search("ti:quantum AND ti:criticality") == ["2401.00001", "2401.00002"]
    assert search("ti:graphene ANDNOT ti:deep") == ["2401.00001"]
    assert search("ti:walks OR ti:deep") == ["2401.00002", "2401.00003"]
    assert search("(ti:walks OR ti:deep) AND abs:graphs") == ["2401.00002"]
    assert search("au:three AND ti:old") == ["hep-th/990"]
    assert search("cat:stat.ML AND ti:criticality") == ["2401.00001", "2401.00002"]
    assert search("submittedDate:[199801010000 TO 200001010000]") == ["hep-th/990"]
    assert search("graphene") == ["2401.00001", "2401.00003"]  # bare term: all fields
    assert search("ti:Graphène") == ["2401.00001", "2401.00003"]  # case and accents folded


def test_relevance_ranks_by_tokens_matched(server):
    got = ids(client(server).results(arxiv.Search(query="all:quantum OR all:criticality OR all:graphene")))
    assert got[0].startswith("2401.00001")  # matches all three, twice in the abstract


def test_paging_with_start(server):
    search = arxiv.Search(query="ti:filler", max_results=20)
    got = ids(client(server, page_size=7).results(search))
    assert len(got) == 20 and len(set(got)) == 20
    assert server.stats.requests == 3


@pytest.mark.parametrize("query, message", [
    ("id_list=1234.1234", "incorrect id format for 1234.1234"),
    ("search_query=ti:x&max_results=2001", "exceeds maximum allowed (2000)"),
    ("search_query=ti:x&start=-1", "start must be a non-negative integer"),
    ("search_query=ti:x&start=29990&max_results=20", "may not exceed 30000"),
    ("search_query=(ti:x", "unbalanced parentheses"),
])
def test_errors_are_400_with_an_error_feed(server, query, message):
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{server.url}?{query}")
    assert caught.value.code == 400
    feed = ET.fromstring(caught.value.read())
    entry = feed.find("{http://www.w3.org/2005/Atom}entry")
    assert entry.find("{http://www.w3.org/2005/Atom}title").text == "Error"
    assert message in entry.find("{http://www.w3.org/2005/Atom}summary").text
    assert entry.find("{http://www.w3.org/2005/Atom}id").text.startswith("http://arxiv.org/api/errors#")


def test_faults_reach_the_real_client(server):
    c = client(server)
    server.faults.plan("503")
    with pytest.raises(arxiv.HTTPError) as caught:
        list(c.results(arxiv.Search(id_list=["2401.00001"])))
    assert caught.value.status == 503
    server.faults.plan("429")
    with pytest.raises(arxiv.HTTPError):
        list(c.results(arxiv.Search(id_list=["2401.00001"])))
    # An empty first page looks like "no results" to the package: totalResults tells the truth.
    server.faults.plan("empty")
    assert list(c.results(arxiv.Search(id_list=["2401.00001"]))) == []
    server.faults.max_url_length = 100
    with pytest.raises(arxiv.HTTPError) as caught:
        list(c.results(arxiv.Search(query=" OR ".join(f'ti:"filler paper number {i}"' for i in range(9)))))
    assert caught.value.status == 414
    server.faults.max_url_length = 16000
    server.faults.plan("slow:0.3", "reset")
    assert ids(c.results(arxiv.Search(id_list=["2401.00001"]))) == ["2401.00001v2"]
    with pytest.raises(requests.exceptions.ConnectionError):  # closed without an answer
        list(c.results(arxiv.Search(id_list=["2401.00001"])))
    assert list(c.results(arxiv.Search(id_list=["2401.00001"])))  # back to normal
    assert server.stats.requests == 7 and server.stats.answered == 2  # 5 faults, slow and normal answered


def test_control_endpoints(server):
    base = server.url.rsplit("/api/query", 1)[0]
    request = urllib.request.Request(f"{base}/_sandbox/faults", data=b'{"queue": ["503"]}', method="POST")
    urllib.request.urlopen(request)
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{server.url}?id_list=2401.00001")
    stats = urllib.request.urlopen(f"{base}/_sandbox/stats").read()
    assert b'"requests": 1' in stats
