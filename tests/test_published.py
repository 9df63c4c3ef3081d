"""`zotbridge published`: verdicts with their evidence, and --apply upgrading the .bib entry and the
Zotero item together (docs/published.md), against the arXiv, Semantic Scholar, DBLP and Zotero
emulators over real HTTP."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import json_lines, run_zotbridge

CASES = {
    "2302.90082": ("published", "ICML", "conference-main"),  # S2 gives the DBLP key
    "1706.03762": ("published", "NIPS", "conference-main"),  # S2: NeurIPS venue, CoRR key -> DBLP search
    "1810.00826": ("published", "ICLR", "conference-main"),  # a real DBLP record
    "1412.6980": (
        "published",
        "ICLR (Poster)",
        "conference-main",
    ),  # a conference record under journals/corr/
    "1405.9010": ("preprint", None, None),  # "Deep Learning": the KDD talk shares only the title
    "2209.90103": ("suggested", "CVPR (Workshop)", "workshop"),
    "2305.90106": ("suggested", "ICLR", "conference-main"),  # the camera-ready title changed two words
    "2202.90076": ("published", "NeurIPS", "conference-main"),  # one word added: allowed
    "2310.90088": ("published", "EMNLP (Findings)", "findings"),
    "2208.90087": ("published", "NeurIPS (Datasets and Benchmarks)", "datasets-track"),
    "2307.90002": ("published", "ICLR", "conference-main"),  # conference + later journal: the conference
    "2206.90089": ("published", "IEEE Trans. Neural Networks Learn. Syst.", "journal"),
    "2312.90075": ("preprint", None, None),  # S2: "Submitted to ICLR 2024" is no acceptance
    "2603.90794": ("preprint", None, None),  # too recent: unknown to S2, DBLP not asked
    "2301.90201": ("published", "Phys. Rev. E", "journal"),  # arXiv's journal DOI: only Crossref has it
    "2306.90301": ("published", "ACL", "conference-main"),  # S2's ACL id: only the Anthology has it yet
}


def published(env, *args, listing=None):
    proc = run_zotbridge("published", *(["-"] if listing else []), *args, input=listing, env=env)
    return proc, json_lines(proc.stdout.decode())


def ids_listing(ids):
    return ("\n".join(ids) + "\n").encode()


def test_every_case_gets_its_verdict_with_evidence(venue_services):
    env, servers = venue_services
    proc, rows = published(env, "--json", listing=ids_listing(CASES))
    assert proc.returncode == 0, proc.stderr
    *papers, summary = rows
    assert [r["arxiv_id"] for r in papers] == list(CASES)
    for row in papers:
        verdict, venue, kind = CASES[row["arxiv_id"]]
        assert (row["verdict"], row["venue_class"] if venue else None) == (verdict, kind), row
        assert set(row) >= {
            "index",
            "arxiv_id",
            "verdict",
            "venue",
            "year",
            "entry_type",
            "doi",
            "sources",
            "reason",
        }
        assert row["reason"]
        if verdict == "published":
            assert row["venue"] == venue
            assert any(s["source"] in ("dblp", "acl", "crossref") for s in row["sources"])
            assert row["entry_type"] == ("article" if kind == "journal" else "inproceedings")
        if verdict == "preprint":
            assert row["entry_type"] is None and row["doi"] is None
    by_id = {r["arxiv_id"]: r for r in papers}
    assert by_id["2206.90089"]["doi"] == "10.1109/TNNLS.2023.3270981"
    assert by_id["1706.03762"]["year"] == 2017 and by_id["1706.03762"]["pages"] == "5998--6008"
    assert "workshop" in by_id["2209.90103"]["reason"]
    assert "more than one word" in by_id["2305.90106"]["reason"]
    assert "later" in by_id["2307.90002"]["reason"]  # the TMLR extension is named, not taken
    assert summary["summary"]["published"] == 11 and summary["summary"]["requests"]["s2"] == 1
    physics = by_id["2301.90201"]
    assert physics["sources"][-1] == {"source": "crossref", "id": "10.5555/zotbridge.2023.014601"}
    assert physics["entry_type"] == "article" and physics["pages"] == "014601"
    assert summary["summary"]["requests"]["crossref"] == 1  # asked only about the DOI DBLP lacks
    nlp = by_id["2306.90301"]
    assert nlp["sources"][-1] == {"source": "acl", "id": "2023.acl-long.901"}
    assert nlp["doi"] == "10.18653/v1/2023.acl-long.901" and "61st Annual Meeting" in nlp["container"]
    assert summary["summary"]["requests"]["acl"] == 1
    # the recent paper cost no DBLP request
    assert not any("90794" in r or "Predictions" in r for r in servers["dblp"].requests)


def test_workshops_only_when_allowed_and_never_renamed_to_the_main_conference(venue_services):
    env, _servers = venue_services
    _proc, rows = published(env, "--json", "--allow-workshop", listing=ids_listing(["2209.90103"]))
    assert rows[0]["verdict"] == "published"
    assert "Workshops" in rows[0]["container"] and rows[0]["venue_class"] == "workshop"


def test_verdicts_are_kept_and_a_rerun_asks_no_source(venue_services):
    env, servers = venue_services
    published(env, "--json", listing=ids_listing(["1810.00826", "2408.04498"]))
    before = (len(servers["s2"].requests), len(servers["dblp"].requests))
    _proc, rows = published(env, "--json", listing=ids_listing(["1810.00826", "2408.04498"]))
    assert (len(servers["s2"].requests), len(servers["dblp"].requests)) == before
    assert [r["verdict"] for r in rows[:2]] == ["published", "preprint"]
    # a preprint is asked again once its interval is over; a published version never is
    published(env, "--json", listing=ids_listing(["1810.00826", "2408.04498"]), **{})
    stale = env | {"ZOTBRIDGE_PUBLISHED_TTL_DAYS": "0"}
    _proc, rows = published(stale, "--json", listing=ids_listing(["1810.00826", "2408.04498"]))
    assert servers["s2"].bodies[-1] == ["ARXIV:2408.04498"]


def test_a_failed_source_leaves_papers_incomplete_never_unpublished_and_nothing_is_kept(venue_services):
    env, servers = venue_services
    servers["s2"].faults.plan("429", "429", "429", "429")  # S2 sends no Retry-After
    servers["dblp"].faults.plan("500", "500", "500", "500")  # dblp throttles with a 500 page
    proc, rows = published(env, "--json", listing=ids_listing(["1810.00826", "2603.90794"]))
    assert proc.returncode == 1
    assert [r["verdict"] for r in rows[:2]] == ["incomplete", "incomplete"]
    assert "Semantic Scholar failed" in rows[0]["reason"] and "DBLP failed" in rows[0]["reason"]
    # the sources answer again: nothing from the failed run was kept
    proc, rows = published(env, "--json", listing=ids_listing(["1810.00826", "2603.90794"]))
    assert proc.returncode == 0
    assert [r["verdict"] for r in rows[:2]] == ["published", "preprint"]


def test_without_semantic_scholar_dblp_still_finds_what_is_published(venue_services):
    env, servers = venue_services
    servers["s2"].faults.plan("429", "429", "429", "429")
    _proc, rows = published(env, "--json", listing=ids_listing(["1810.00826"]))
    assert rows[0]["verdict"] == "published" and rows[0]["venue"] == "ICLR"


def test_dblp_retry_after_is_waited_for(venue_services):
    env, servers = venue_services
    servers["dblp"].faults.plan("429:1")
    _proc, rows = published(env, "--json", listing=ids_listing(["1706.03762"]))
    assert rows[0]["verdict"] == "published"
    assert len(servers["dblp"].requests) == 3  # the 429, the search again, the record's .bib


@pytest.fixture
def pushed(venue_services, tmp_path):
    """The cases pushed into Zotero with their .bib, as a user has them before upgrading."""
    env, servers = venue_services
    bib = tmp_path / "refs.bib"
    listing = ids_listing(CASES)
    proc = run_zotbridge(
        "push", "-", "--collection", "Reading", "--bib", bib, "--pdf", "none", "-q", input=listing, env=env
    )
    assert proc.returncode == 0, proc.stderr
    return env, servers, bib, listing


def _items(servers):
    items = [i for i in servers["zotero"].library("users/7").items.values() if i["itemType"] != "attachment"]
    return {i["archiveID"].removeprefix("arXiv:") if i.get("archiveID") else _arxiv_of(i): i for i in items}


def _keys(text):
    return sorted(line.split("{", 1)[1].rstrip(",") for line in text.splitlines() if line.startswith("@"))


def _arxiv_of(item):
    for line in (item.get("extra") or "").splitlines():
        if line.startswith("arXiv:"):
            return line.split()[0].removeprefix("arXiv:")
    return None


def test_apply_upgrades_the_entry_and_the_item_together(pushed):
    env, servers, bib, listing = pushed
    before = _items(servers)
    text_before = bib.read_text()
    proc, rows = published(env, "--json", "--apply", "--bib", bib, listing=listing)
    assert proc.returncode == 0, proc.stderr
    by_id = {r["arxiv_id"]: r for r in rows[:-1]}
    assert {i for i, r in by_id.items() if r["bib"] == "upgraded"} == {
        i for i, c in CASES.items() if c[0] == "published"
    }
    assert all(r["zotero"] == "upgraded" for r in by_id.values() if r["verdict"] == "published")
    text = bib.read_text()
    entry = text.split("@inproceedings{", 1)[1].split("\n}", 1)[0]
    assert "eprint = {" in entry and "archivePrefix = {arXiv}" in entry and "booktitle = {" in entry
    assert "10.48550" not in entry and "howpublished" not in entry
    # keys never change: every key of the file before is there after
    assert _keys(text) == _keys(text_before)
    after = _items(servers)
    icml = after["2302.90082"]
    assert icml["key"] == before["2302.90082"]["key"] and icml["itemType"] == "conferencePaper"
    assert icml["proceedingsTitle"].startswith("International Conference on Machine Learning, ICML 2023")
    assert icml["publisher"] == "PMLR"  # not "arXiv", which setType would have moved there
    assert icml.get("DOI", "") == "" and "arxiv.org" not in icml["url"]
    assert (
        icml["collections"] == before["2302.90082"]["collections"]
        and icml["tags"] == before["2302.90082"]["tags"]
    )
    assert icml["citationKey"] == before["2302.90082"]["citationKey"]
    assert (
        "arXiv:2302.90082" in icml["extra"]
        and "zotbridge-published: dblp conf/icml/GarciaSKS23" in icml["extra"]
    )
    journal = after["2206.90089"]
    assert journal["itemType"] == "journalArticle" and journal["DOI"] == "10.1109/TNNLS.2023.3270981"
    assert after["2209.90103"]["itemType"] == "preprint"  # suggested: shown, never applied
    links = [
        i
        for i in servers["zotero"].library("users/7").items.values()
        if i.get("parentItem") == icml["key"] and i.get("linkMode") == "linked_url"
    ]
    assert [(link["title"], link["url"]) for link in links] == [
        ("Preprint (arXiv)", "https://arxiv.org/abs/2302.90082")
    ]
    # a re-run changes nothing: no Zotero write, not a byte of the .bib
    writes = servers["zotero"].stats.writes
    proc, rows = published(env, "--json", "--apply", "--bib", bib, listing=listing)
    assert servers["zotero"].stats.writes == writes and bib.read_text() == text
    assert {r["bib"] for r in rows[:-1] if r["verdict"] == "published"} == {"unchanged"}
    # nor does a later `bib` of the same listing: the applied papers stay published
    proc = run_zotbridge("bib", "-", "-o", bib, "-q", input=listing, env=env)
    assert proc.returncode == 0 and bib.read_text() == text


def test_dry_run_shows_the_diff_and_writes_nothing(pushed):
    env, servers, bib, listing = pushed
    text, writes = bib.read_text(), servers["zotero"].stats.writes
    proc = run_zotbridge("published", "-", "--bib", bib, "--dry-run", input=listing, env=env)
    out = proc.stdout.decode()
    assert (
        "-@misc{garciaRandomTeachersAre2023," in out and "+@inproceedings{garciaRandomTeachersAre2023," in out
    )
    assert bib.read_text() == text and servers["zotero"].stats.writes == writes


def test_the_bib_alone_is_enough_to_name_the_papers(pushed):
    env, _servers, bib, _listing = pushed
    proc, rows = published(env, "--json", "--apply", "--no-zotero", "--bib", bib)
    assert proc.returncode == 0, proc.stderr
    assert sum(r["bib"] == "upgraded" for r in rows[:-1]) == 11


def test_a_users_own_entry_keeps_its_fields_and_one_already_published_is_left_alone(venue_services, tmp_path):
    env, _servers = venue_services
    bib = tmp_path / "mine.bib"
    bib.write_text(
        "@article{xu2018gin,\n  title={How Powerful are Graph Neural Networks?},\n  author={Xu, Keyulu and Hu, Weihua"
        " and Leskovec, Jure and Jegelka, Stefanie},\n  journal={arXiv preprint arXiv:1810.00826},\n  year={2018},\n"
        "  keywords={gnn}\n}\n\n@inproceedings{vaswani2017,\n  title={Attention is all you need},\n  author={Vaswani,"
        " Ashish and others},\n  booktitle={NeurIPS},\n  eprint={1706.03762},\n  year={2017}\n}\n"
    )
    proc, rows = published(env, "--json", "--apply", "--no-zotero", "--bib", bib)
    assert proc.returncode == 0, proc.stderr
    text = bib.read_text()
    assert text.startswith("@inproceedings{xu2018gin,")
    assert "keywords = {gnn}" in text and "journal" not in text.split("@inproceedings{vaswani2017")[0]
    assert "publisher = {OpenReview.net}" in text and "year = {2019}" in text
    assert text.endswith(
        "@inproceedings{vaswani2017,\n  title={Attention is all you need},\n  author={Vaswani,"
        " Ashish and others},\n  booktitle={NeurIPS},\n  eprint={1706.03762},\n  year={2017}\n}\n"
    )
    assert {r["arxiv_id"]: r["bib"] for r in rows[:-1]} == {
        "1810.00826": "upgraded",
        "1706.03762": "unchanged",
    }


def test_a_stale_item_is_read_again_and_upgraded(pushed):
    env, servers, bib, listing = pushed
    servers["zotero"].faults.plan("write:412")
    proc, rows = published(env, "--json", "--apply", "--bib", bib, listing=listing)
    assert proc.returncode == 0, proc.stderr
    assert _items(servers)["1810.00826"]["itemType"] == "conferencePaper"


def test_push_and_bib_with_published_cite_the_published_version(venue_services, tmp_path):
    env, servers = venue_services
    listing = ids_listing(["1810.00826", "2408.04498"])
    proc = run_zotbridge(
        "push",
        "-",
        "--collection",
        "R",
        "--pdf",
        "none",
        "--published",
        "--bib",
        tmp_path / "a.bib",
        "--json",
        input=listing,
        env=env,
    )
    rows = json_lines(proc.stdout.decode())
    assert [r["published"] for r in rows[:2]] == ["published", "preprint"]
    assert _items(servers)["1810.00826"]["itemType"] == "conferencePaper"
    assert "@inproceedings{xuHowPowerfulAre2018," in (tmp_path / "a.bib").read_text()
    proc = run_zotbridge("bib", "-", "-o", tmp_path / "b.bib", "--published", "-q", input=listing, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "@inproceedings{xuHowPowerfulAre2018," in (tmp_path / "b.bib").read_text()


@pytest.mark.slow
@pytest.mark.skipif(
    any(not shutil.which(t) for t in ("pdflatex", "bibtex", "lualatex", "biber"))
    and os.environ.get("ZOTBRIDGE_REQUIRE_TEX") != "1",
    reason="TeX Live is not installed",
)
@pytest.mark.parametrize("style", ["bibtex", "biblatex"])
def test_upgraded_entries_compile_without_a_warning(venue_services, tmp_path, style):
    from test_bibtex_compile import compiled_entries

    env, _servers = venue_services
    bib = tmp_path / "refs.bib"
    listing = ids_listing(CASES)
    proc = run_zotbridge("bib", "-", "-o", bib, "--style", style, "-q", input=listing, env=env)
    assert proc.returncode == 0, proc.stderr
    proc, rows = published(env, "--json", "--apply", "--no-zotero", "--bib", bib, listing=listing)
    assert sum(r["bib"] == "upgraded" for r in rows[:-1]) == 11
    assert compiled_entries(tmp_path, style) == len(CASES)


def test_a_zotero_collection_is_checked_and_upgraded_in_place(venue_services):
    env, servers = venue_services
    listing = ids_listing(["1810.00826", "2209.90103"])
    proc = run_zotbridge(
        "push", "-", "--collection", "Lab/GNN", "--pdf", "none", "-q", input=listing, env=env
    )
    assert proc.returncode == 0, proc.stderr
    proc, rows = published(env, "--collection", "Lab", "--json")
    assert rows[-1]["summary"]["papers"] == 0  # not recursive: Lab itself holds nothing
    proc, rows = published(env, "--collection", "Lab", "--recursive", "--apply", "--json")
    assert proc.returncode == 0, proc.stderr
    assert {r["arxiv_id"]: (r["verdict"], r["zotero"]) for r in rows[:-1]} == {
        "1810.00826": ("published", "upgraded"),
        "2209.90103": ("suggested", None),
    }
    assert _items(servers)["1810.00826"]["itemType"] == "conferencePaper"


def test_the_semantic_scholar_key_is_sent_and_never_shown_or_kept(venue_services):
    env, servers = venue_services
    secret = "s2-secret-5f1e9a"
    servers["s2"].api_keys = frozenset({secret})
    env = env | {"ZOTBRIDGE_S2_API_KEY": secret}
    proc, rows = published(env, "--json", "-v", listing=ids_listing(["1810.00826"]))
    assert rows[0]["verdict"] == "published"
    assert servers["s2"].keys_seen[-1] == secret
    assert secret.encode() not in proc.stdout + proc.stderr
    home = env["ZOTBRIDGE_HOME"]
    for path in Path(home).rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    shown = run_zotbridge("config", "show", env=env)
    assert b"s2 api key" in shown.stdout and secret.encode() not in shown.stdout
    # a wrong key is S2's 403: one line, and the papers are incomplete, not unpublished
    proc, rows = published(
        env | {"ZOTBRIDGE_S2_API_KEY": "wrong"}, "--json", "--refresh", listing=ids_listing(["2603.90794"])
    )
    assert rows[0]["verdict"] == "incomplete" and "ZOTBRIDGE_S2_API_KEY" in rows[0]["reason"]


def test_a_paper_beyond_the_first_page_of_hits_is_found_by_paging(venue_services):
    """dblp sends at most `h` hits (capped at 100) and says how many it found: page by @sent."""
    import copy

    from zotbridge.sandbox.venue_records import DblpRecord

    env, servers = venue_services
    data = copy.deepcopy(servers["dblp"].data)
    for n in range(45):  # newer papers of the same author with the same words rank first
        data.dblp[f"conf/x/V{n}"] = DblpRecord(
            f"conf/x/V{n}",
            "Conference and Workshop Papers",
            f"Attention Need Study {n}",
            ["Ashish Vaswani", "Someone Else"],
            "X",
            2024,
            {},
        )
    servers["dblp"].data = data
    _proc, rows = published(env, "--json", listing=ids_listing(["1706.03762"]))
    assert rows[0]["verdict"] == "published" and rows[0]["venue"] == "NIPS"
    pages = [r for r in servers["dblp"].requests if r.startswith("/search/")]
    assert len(pages) == 2 and "f=30" in pages[1]


def test_login_s2_checks_the_key_and_keeps_it_in_the_keyring(venue_services, tmp_path):
    env, servers = venue_services
    secret = "s2-keyring-77aa"
    servers["s2"].api_keys = frozenset({secret})
    env = env | {
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    wrong = run_zotbridge("login", "--s2", input=b"not-the-key\n", env=env)
    assert wrong.returncode == 2 and b"refused" in wrong.stderr
    done = run_zotbridge("login", "--s2", input=(secret + "\n").encode(), env=env)
    assert done.returncode == 0, done.stderr
    assert secret.encode() not in done.stdout + done.stderr
    published(env, "--json", listing=ids_listing(["1810.00826"]))
    assert servers["s2"].keys_seen[-1] == secret  # read from the keyring
    out = run_zotbridge("logout", env=env)
    assert b"Semantic Scholar key is removed" in out.stderr
    published(env, "--json", "--refresh", listing=ids_listing(["1810.00826"]))
    assert servers["s2"].keys_seen[-1] is None


def test_a_failed_crossref_leaves_the_paper_incomplete_and_it_is_asked_again(venue_services):
    env, servers = venue_services
    servers["crossref"].faults.plan("500", "500", "500", "500")
    proc, rows = published(env, "--json", listing=ids_listing(["2301.90201"]))
    assert (
        proc.returncode == 1 and rows[0]["verdict"] == "incomplete" and "Crossref failed" in rows[0]["reason"]
    )
    proc, rows = published(env, "--json", listing=ids_listing(["2301.90201"]))
    assert rows[0]["verdict"] == "published" and rows[0]["venue_class"] == "journal"
