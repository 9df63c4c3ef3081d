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
    base = {
        "id": ident,
        "title": title,
        "abstract": abstract,
        "authors": authors,
        "categories": "cs.LG stat.ML",
        "versions": [
            {"version": "v1", "created": "Mon, 2 Apr 2024 10:00:00 GMT"},
            {"version": "v2", "created": "Tue, 9 Jul 2024 12:30:00 GMT"},
        ],
    }
    base.update(extra)
    return base


ROWS = [
    row(
        "2401.00001",
        "Quantum criticality in graphene sheets",
        "We study quantum criticality. Quantum effects.",
    ),
    row("2401.00002", "Criticality of quantum walks", "Walks on graphs."),
    row(
        "2401.00003",
        "Deep learning for graphene",
        "Graphene and deep learning.",
        doi="10.1000/xyz",
        comments="12 pages",
        **{"journal-ref": "J. Phys. 1 (2024)"},
    ),
    *[row(f"2402.{i:05d}", f"Filler paper number {i}") for i in range(1, 21)],
    row(
        "hep-th/9901001",
        "An old string theory paper",
        versions=[{"version": "v1", "created": "Fri, 1 Jan 1999 00:00:00 GMT"}],
    ),
    row("2401.00004", "Two DOIs", doi="10.1000/a 10.2000/b"),
    row("2401.00005", "Let's Verify Step by Step"),
    row("2401.00006", "Qwen2.5 Technical Report"),
    row("2401.00007", "The Era of 1-bit LLMs: BitNet b1.58"),
    row("2401.00008", "TaskMatrix.AI: Completing Tasks by Connecting Models"),
    row("2401.00009", "Training 1,000 Layer Networks"),
    row("2401.00010", "Schrödinger Bridges Beat Diffusion Models"),
    row("2401.00011", "Transformers Are Graph Networks"),
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
    corpus = Corpus.from_jsonl(
        SHARED / "reference/arxiv-seed-records.jsonl", SHARED / "reference/arxiv-snapshot-sample.jsonl"
    )
    assert len(corpus.papers) == 250
    paper = corpus.papers["0704.0001"]
    assert paper.title.startswith("Calculation of prompt diphoton") and len(paper.versions) == 2


def test_id_list_with_and_without_versions(server):
    """A bare id is the latest version, ``…vN`` that version; a well-formed id that does not exist
    is left out with 200 (arxiv-search ``parse_arxiv_id``; arxiv.py's live fixture for ``0808.05394``)."""
    got = list(
        client(server).results(
            arxiv.Search(id_list=["2401.00003", "2401.00001v1", "hep-th/9901001", "2401.09999", "1234.12345"])
        )
    )
    assert sorted(ids(got)) == ["2401.00001v1", "2401.00003v2", "hep-th/9901001v1"]
    by_id = {r.get_short_id(): r for r in got}
    latest, first = by_id["2401.00003v2"], by_id["2401.00001v1"]
    assert latest.published.isoformat() == "2024-04-02T10:00:00+00:00"  # v1
    assert latest.updated.isoformat() == "2024-07-09T12:30:00+00:00"  # served version
    assert first.updated.isoformat() == "2024-04-02T10:00:00+00:00"


def test_id_list_results_do_not_come_in_request_order(server):
    """arxiv-search returns ``id_list`` results in ``_score`` order, all scores equal: not the
    request's order (docs/sandbox.md)."""
    wanted = [f"2402.{i:05d}" for i in range(1, 21)]
    got = [i[:10] for i in ids(client(server).results(arxiv.Search(id_list=wanted, max_results=20)))]
    assert sorted(got) == sorted(wanted) and got != wanted


def test_every_atom_element_of_an_entry(server):
    """As arxiv-search's serializer writes an entry (search/serialize/atom.py): https links, one
    ``<arxiv:doi>`` per DOI, ``primary_category`` without a scheme."""
    (r,) = client(server).results(arxiv.Search(id_list=["2401.00003"]))
    assert r.title == "Deep learning for graphene"
    assert [a.name for a in r.authors] == ["A. One", "B. Two", "C. Three"]
    assert (r.primary_category, r.categories) == ("cs.LG", ["cs.LG", "stat.ML"])
    assert (r.doi, r.comment, r.journal_ref) == ("10.1000/xyz", "12 pages", "J. Phys. 1 (2024)")
    assert r.entry_id == "http://arxiv.org/abs/2401.00003v2"
    assert r.pdf_url == "https://arxiv.org/pdf/2401.00003v2"
    assert {link.title for link in r.links} == {None, "pdf", "doi"}
    body = urllib.request.urlopen(f"{server.url}?id_list=2401.00004&max_results=7").read()
    feed = ET.fromstring(body)
    assert [d.text for d in feed.iter("{http://arxiv.org/schemas/atom}doi")] == ["10.1000/a", "10.2000/b"]
    assert feed.find("{http://a9.com/-/spec/opensearch/1.1/}itemsPerPage").text == "7"  # as requested
    assert "scheme" not in next(feed.iter("{http://arxiv.org/schemas/atom}primary_category")).attrib


def test_default_max_results_is_10_like_arxiv(server):
    wanted = [f"2402.{i:05d}" for i in range(1, 16)]
    body = urllib.request.urlopen(f"{server.url}?id_list={','.join(wanted)}").read()
    feed = ET.fromstring(body)
    ns = {"a": "http://www.w3.org/2005/Atom", "o": "http://a9.com/-/spec/opensearch/1.1/"}
    assert len(feed.findall("a:entry", ns)) == 10
    assert feed.find("o:totalResults", ns).text == "15"


def test_query_and_id_list_together_filter(server):
    got = client(server).results(
        arxiv.Search(query="ti:graphene", id_list=["2401.00002", "2401.00003", "2401.00001"])
    )
    assert sorted(ids(got)) == ["2401.00001v2", "2401.00003v2"]


def search(server, query, raw=False):
    """Sorted short ids of every hit; ``raw`` sends the query as it is (the package would too)."""
    return sorted(i[:10] for i in ids(client(server).results(arxiv.Search(query=query, max_results=50))))


def test_phrases_booleans_and_parentheses(server):
    assert search(server, 'ti:"quantum criticality"') == ["2401.00001"]  # adjacent words only
    assert search(server, "ti:quantum AND ti:criticality") == ["2401.00001", "2401.00002"]
    assert search(server, "ti:graphene ANDNOT ti:deep") == ["2401.00001"]
    assert search(server, "ti:walks OR ti:deep") == ["2401.00002", "2401.00003"]
    assert search(server, "(ti:walks OR ti:deep) AND abs:graphs") == ["2401.00002"]
    assert search(server, "au:three AND ti:old") == ["hep-th/990"]
    assert search(server, "cat:stat.ML AND ti:criticality") == ["2401.00001", "2401.00002"]
    assert search(server, "submittedDate:[199801010000 TO 200001010000]") == ["hep-th/990"]
    assert search(server, "graphene") == ["2401.00001", "2401.00003"]  # bare term: all fields


def test_grammar_of_todays_parser(server):
    """arxiv-search's classic_api grammar (query_parser.py, classic_search_query.py), as run in
    docs/sandbox.md: a space is OR, no precedence (right-associative), NOT is ANDNOT, only upper
    case operators, ``field:(a b)`` distributes, ``ti:""`` matches everything."""
    assert search(server, "ti:walks ti:deep") == ["2401.00002", "2401.00003"]  # space = OR
    # ti:walks AND (ti:deep OR ti:quantum), not (ti:walks AND ti:deep) OR ti:quantum
    assert search(server, "ti:walks AND ti:deep OR ti:quantum") == ["2401.00002"]
    assert search(server, "ti:quantum OR ti:deep AND ti:graphene") == [
        "2401.00001",
        "2401.00002",
        "2401.00003",
    ]
    assert search(server, "ti:graphene NOT ti:deep") == ["2401.00001"]
    assert search(server, "ti:graphene and ti:deep") == ["2401.00001", "2401.00003"]  # `and` is a word: OR
    assert search(server, "ti:(walks deep)") == ["2401.00002", "2401.00003"]
    every = search(server, 'ti:""')
    assert len(every) == len(ROWS) and search(server, 'ti:"" OR ti:walks') == every


def test_words_as_arxivs_index_splits_them(server):
    """UAX #29 segmentation, lower case, English stop words and Porter stems, no accent folding
    on ti:/abs: (mappings/DocumentMapping.json; docs/sandbox.md). A phrase of ASCII words does
    not find these titles; only ``all:`` folds accents."""
    assert search(server, 'ti:"let\'s verify step by step"') == ["2401.00005"]
    assert search(server, 'ti:"let s verify step by step"') == []
    assert search(server, 'ti:"qwen2.5 technical report"') == ["2401.00006"]
    assert search(server, 'ti:"qwen2 5 technical report"') == []
    assert search(server, 'ti:"bitnet b1.58"') == ["2401.00007"]
    assert search(server, 'ti:"taskmatrix.ai"') == ["2401.00008"]
    assert search(server, 'ti:"1,000 layer networks"') == ["2401.00009"]
    assert search(server, 'ti:"schrödinger bridges"') == ["2401.00010"]
    assert search(server, 'ti:"schrodinger bridges"') == []
    assert search(server, "all:schrodinger") == ["2401.00010"]
    assert search(server, "ti:transformer") == ["2401.00011"]  # stemmed: "Transformers"
    assert search(server, 'ti:"criticality in graphene"') == ["2401.00001"]
    assert search(server, 'ti:"criticality of graphene"') == ["2401.00001"]  # a stop word leaves a gap


def test_relevance_ranks_by_words_matched(server):
    got = ids(client(server).results(arxiv.Search(query="all:quantum OR all:criticality OR all:graphene")))
    assert got[0].startswith("2401.00001")  # matches all three, twice in the abstract


def test_paging_with_start(server):
    search = arxiv.Search(query="ti:filler", max_results=20)
    got = ids(client(server, page_size=7).results(search))
    assert len(got) == 20 and len(set(got)) == 20
    assert server.stats.requests == 3


def test_post_is_answered_like_get(server):
    """The API accepts POST (arXiv user manual §3; arxiv-search commit 9ab8d32)."""
    form = {"search_query": 'ti:"quantum criticality"', "max_results": "5"}
    posted = requests.post(server.url, data=form)
    got = requests.get(server.url, params=form)
    assert posted.status_code == 200 and posted.text.count("<entry>") == got.text.count("<entry>") == 1


def test_a_request_line_over_4094_bytes_is_a_400_page(server):
    """gunicorn 20.1.0's default limit_request_line, with arXiv's container command line:
    "Request Line is too large", HTTP 400 text/html, not 414 (docs/sandbox.md; andycasey/ads #75)."""

    def line_of(query):
        return len(f"GET /api/query?{query} HTTP/1.1")

    query = "search_query=" + "+OR+".join(f"ti:{i}" for i in range(700))
    query = query[: len(query) - (line_of(query) - 4094)]
    assert line_of(query) == 4094 and requests.get(f"{server.url}?{query}").status_code == 200
    too_long = requests.get(f"{server.url}?{query}5")
    assert too_long.status_code == 400 and too_long.headers["Content-Type"].startswith("text/html")
    assert "Request Line is too large (4095 &gt; 4094)" in too_long.text


@pytest.mark.parametrize(
    "query, message",
    [
        ("id_list=abc", "incorrect id format for abc"),
        ("search_query=ti:x&start=-1", "start must be a non-negative integer"),
        ("search_query=ti:x&max_results=ten", "max_results must be a non-negative integer"),
        ("search_query=ti:x&start=9990&max_results=20", "may not exceed 10000"),
        ("search_query=(ti:x", "unbalanced parentheses"),
        ("search_query=ti:x AND AND ti:y", "unexpected"),
    ],
)
def test_errors_are_400_with_an_error_feed(server, query, message):
    """Validation errors and unparsable queries: HTTP 400, feed titled "arXiv Search Results", an
    entry without <published> (routes/classic_api/exceptions.py; arxiv.py's live fixture for abc)."""
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{server.url}?{query.replace(' ', '+')}")
    assert caught.value.code == 400
    feed = ET.fromstring(caught.value.read())
    assert feed.find("{http://www.w3.org/2005/Atom}title").text == "arXiv Search Results"
    entry = feed.find("{http://www.w3.org/2005/Atom}entry")
    assert entry.find("{http://www.w3.org/2005/Atom}title").text == "Error"
    assert entry.find("{http://www.w3.org/2005/Atom}published") is None
    assert message in entry.find("{http://www.w3.org/2005/Atom}summary").text
    assert entry.find("{http://www.w3.org/2005/Atom}id").text.startswith("http://arxiv.org/api/errors#")


@pytest.mark.parametrize(
    "fault, status, body",
    [
        ("rate200", 200, b"Rate exceeded."),  # openags/paper-search-mcp PR #81
        ("429", 429, b"Rate exceeded."),  # third-party captures, docs/sandbox.md
        ("503", 503, b"Error 503 first byte timeout"),  # arXiv API group, 6cU-pUjuUAo
        ("blank", 200, b""),  # ropensci/aRxiv #66
    ],
)
def test_soft_faults_look_as_users_reported_them(server, fault, status, body):
    server.faults.plan(fault)
    answer = requests.get(f"{server.url}?search_query=ti:graphene")
    assert (answer.status_code, answer.content) == (status, body)
    if fault == "503":
        assert answer.headers["Retry-After"] == "0"
    server.faults.plan("429:7")
    assert requests.get(f"{server.url}?search_query=ti:graphene").headers["Retry-After"] == "7"


def test_faults_reach_the_real_client(server):
    c = client(server)
    server.faults.plan("503")
    with pytest.raises(arxiv.HTTPError) as caught:
        list(c.results(arxiv.Search(id_list=["2401.00001"])))
    assert caught.value.status == 503
    # A feed with no entries and totalResults 0 looks like "no results" to the package
    # (Lukas Schwab on the arXiv API list, DYHxWrtBgbo: "indistinguishable from a truly-empty result set").
    server.faults.plan("zero")
    assert list(c.results(arxiv.Search(id_list=["2401.00001"]))) == []
    server.faults.plan("empty")
    assert list(c.results(arxiv.Search(id_list=["2401.00001"]))) == []
    server.faults.plan("slow:0.3", "reset")
    assert ids(c.results(arxiv.Search(id_list=["2401.00001"]))) == ["2401.00001v2"]
    with pytest.raises(requests.exceptions.ConnectionError):  # closed without an answer
        list(c.results(arxiv.Search(id_list=["2401.00001"])))
    assert list(c.results(arxiv.Search(id_list=["2401.00001"])))  # back to normal
    assert server.stats.requests == 6 and server.stats.answered == 2


def test_random_soft_faults_at_a_rate(server):
    server.faults.at_random(0.5, seed=3)
    statuses = [requests.get(f"{server.url}?search_query=ti:graphene").status_code for _ in range(40)]
    assert 10 <= server.stats.faults <= 30 and 200 in statuses
    server.faults.clear()


def test_control_endpoints(server):
    base = server.url.rsplit("/api/query", 1)[0]
    request = urllib.request.Request(f"{base}/_sandbox/faults", data=b'{"queue": ["503"]}', method="POST")
    urllib.request.urlopen(request)
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{server.url}?id_list=2401.00001")
    stats = urllib.request.urlopen(f"{base}/_sandbox/stats").read()
    assert b'"requests": 1' in stats
