"""`zotbridge bib --collection`: a Zotero collection's .bib from the web API, as Better BibTeX maps
the items (entry types and fields from BBT's translators, docs/bibtex.md), merged, incremental,
and compiling with bibtex (plainnat) and biber without a warning."""

import os
import re
import shutil

import httpx2
import pytest

from conftest import json_lines, run_zotbridge, service_env
from zotbridge.bibtex.bibfile import parse_bib

KEY = "KEYcoll1234"
AUTHORS = [
    {"creatorType": "author", "firstName": "Ana", "lastName": "Ruiz"},
    {"creatorType": "author", "firstName": "Geoffrey", "lastName": "Sayre-McCord"},
]
COMMON = {"tags": [{"tag": "survey"}, {"tag": "cs.LG", "type": 1}], "relations": {}}
ITEMS = [
    {
        "itemType": "journalArticle",
        "title": "Deep Learning for Protein Folding",
        "creators": AUTHORS,
        "publicationTitle": "Journal of Machine Learning Research",
        "volume": "21",
        "issue": "3",
        "pages": "1-42",
        "date": "2020-05-04",
        "DOI": "https://doi.org/10.5555/jmlr.2020.1",
        "ISSN": "1532-4435",
        "abstractNote": "We fold 90% of proteins & more.",
    },
    {
        "itemType": "conferencePaper",
        "title": "Faster Attention",
        "creators": AUTHORS[:1],
        "proceedingsTitle": "Proceedings of the 40th International Conference on Machine Learning",
        "conferenceName": "ICML 2023",
        "publisher": "PMLR",
        "place": "Honolulu",
        "pages": "100–110",
        "date": "July 2023",
    },
    {
        "itemType": "book",
        "title": "Pattern Recognition and Machine Learning",
        "creators": [{"creatorType": "author", "firstName": "Christopher M.", "lastName": "Bishop"}],
        "publisher": "Springer",
        "place": "New York",
        "edition": "2",
        "ISBN": "978-0-387-31073-2",
        "date": "2006",
    },
    {
        "itemType": "bookSection",
        "title": "Kernel Methods",
        "creators": [*AUTHORS[:1], {"creatorType": "editor", "firstName": "Bo", "lastName": "Li"}],
        "bookTitle": "Handbook of Learning",
        "publisher": "MIT Press",
        "pages": "5-9",
        "date": "2019-01",
    },
    {
        "itemType": "thesis",
        "title": "On Learning",
        "creators": AUTHORS[:1],
        "thesisType": "PhD thesis",
        "university": "University of Oslo",
        "date": "2018",
    },
    {
        "itemType": "thesis",
        "title": "On Learning Less",
        "creators": AUTHORS[1:],
        "thesisType": "Master's thesis",
        "university": "ETH Zürich",
        "date": "2017",
    },
    {
        "itemType": "report",
        "title": "Benchmarks Revisited",
        "creators": AUTHORS,
        "institution": "Allen Institute",
        "reportNumber": "TR-7",
        "reportType": "Technical report",
        "date": "2021-11-30",
    },
    {
        "itemType": "preprint",
        "title": "Attention Is All You Need",
        "creators": [{"creatorType": "author", "firstName": "Ashish", "lastName": "Vaswani"}],
        "repository": "arXiv",
        "archiveID": "arXiv:1706.03762",
        "DOI": "10.48550/arXiv.1706.03762",
        "url": "http://arxiv.org/abs/1706.03762",
        "extra": "arXiv:1706.03762 [cs.CL]",
        "date": "2017-06-12",
    },
    {
        "itemType": "webpage",
        "title": "The Annotated Transformer",
        "creators": AUTHORS[:1],
        "websiteTitle": "Harvard NLP",
        "url": "https://nlp.seas.harvard.edu/annotated-transformer/#model_arch",
        "accessDate": "2024-01-15T10:00:00Z",
        "date": "2018-04-03",
    },
    {
        "itemType": "computerProgram",
        "title": "scikit-learn",
        "creators": [{"creatorType": "programmer", "firstName": "Fabian", "lastName": "Pedregosa"}],
        "company": "INRIA",
        "versionNumber": "1.5",
        "date": "2024",
        "url": "https://scikit-learn.org",
    },
    {
        "itemType": "dataset",
        "title": "ImageNet",
        "creators": [{"creatorType": "author", "firstName": "Jia", "lastName": "Deng"}],
        "repository": "Stanford",
        "identifier": "ILSVRC2012",
        "date": "2012",
    },
]


def api(server, method, path, body=None, **headers):
    response = httpx2.request(
        method,
        f"{server.url}/users/42{path}",
        json=body,
        trust_env=False,
        timeout=10,
        headers={"Zotero-API-Key": KEY, **headers},
    )
    assert response.status_code in (200, 204), response.text
    return response.json() if response.status_code == 200 and response.content else None


@pytest.fixture
def library(zotero_emulator):
    server = zotero_emulator(42, "ada", KEY)
    reading = api(server, "POST", "/collections", [{"name": "Reading"}])["successful"]["0"]["key"]
    sub = api(server, "POST", "/collections", [{"name": "Sub", "parentCollection": reading}])["successful"][
        "0"
    ]["key"]
    items = [{**COMMON, **item, "collections": [reading]} for item in ITEMS]
    items.append(
        {
            **COMMON,
            "itemType": "journalArticle",
            "title": "Deeper",
            "creators": AUTHORS[:1],
            "publicationTitle": "Nature",
            "date": "2022",
            "collections": [sub],
        }
    )
    saved = api(server, "POST", "/items", items)
    assert not saved["failed"], saved["failed"]
    keys = [saved["successful"][str(i)]["key"] for i in range(len(items))]
    api(
        server, "POST", "/items", [{"itemType": "note", "parentItem": keys[0], "note": "a note"}]
    )  # not an entry
    return server, keys


def bib(env, out, *args):
    proc = run_zotbridge("bib", "--collection", "Reading", "-o", out, "--json", *args, env=env)
    return proc, json_lines(proc.stdout.decode())


def test_every_item_type_as_better_bibtex_maps_it(tmp_path, library):
    server, _keys = library
    env = service_env(tmp_path / "home", None, server, KEY, 42)
    out = tmp_path / "refs.bib"
    proc, rows = bib(env, out)
    assert proc.returncode == 0, proc.stderr
    assert len(rows) == len(ITEMS) and {r["action"] for r in rows} == {"added"}  # the note is no entry
    entries = {b.key: b for b in parse_bib(out.read_text(encoding="utf-8"), "refs.bib").entries}
    by_type = {
        r["item_type"] + (r["title"] if r["item_type"] == "thesis" else ""): entries[r["key"]] for r in rows
    }
    kinds = {name: e.entry_type for name, e in by_type.items()}
    assert kinds == {
        "journalArticle": "article",
        "conferencePaper": "inproceedings",
        "book": "book",
        "bookSection": "incollection",
        "thesisOn Learning": "phdthesis",
        "thesisOn Learning Less": "mastersthesis",
        "report": "techreport",
        "preprint": "misc",
        "webpage": "misc",
        "computerProgram": "misc",
        "dataset": "misc",
    }
    article = by_type["journalArticle"]
    assert article.key == "ruizDeepLearningProtein2020"  # Better BibTeX's formula on the item
    assert article.field("journal").plain == "Journal of Machine Learning Research"
    assert article.field("pages").plain == "1--42" and article.field("number").plain == "3"
    assert article.field("doi").plain == "10.5555/jmlr.2020.1"  # without the resolver
    assert (
        article.field("author").plain == "Ruiz, Ana and {Sayre-McCord}, Geoffrey"
    )  # a hyphenated family braced
    assert article.field("keywords").plain == "cs.LG,survey" and article.field("url") is None
    assert "90\\%" in article.field("abstract").value and "\\&" in article.field("abstract").value
    assert by_type["conferencePaper"].field("month").plain == "jul"
    assert by_type["conferencePaper"].field("booktitle") is not None
    assert by_type["thesisOn Learning"].field("school").plain == "University of Oslo"
    assert by_type["report"].field("institution").plain == "Allen Institute"
    preprint = by_type["preprint"]
    assert (preprint.field("eprint").plain, preprint.field("archiveprefix").plain) == ("1706.03762", "arXiv")
    assert (
        preprint.field("primaryclass").plain == "cs.CL"
        and preprint.field("number").plain == "arXiv:1706.03762"
    )
    assert "\\url{" in by_type["webpage"].field("howpublished").value
    assert by_type["computerProgram"].field("howpublished").plain == "INRIA"


def test_biblatex_shapes(tmp_path, library):
    server, _keys = library
    env = service_env(tmp_path / "home", None, server, KEY, 42)
    out = tmp_path / "refs.bib"
    proc, rows = bib(env, out, "--style", "biblatex")
    assert proc.returncode == 0, proc.stderr
    entries = {b.key: b for b in parse_bib(out.read_text(encoding="utf-8"), "refs.bib").entries}
    types = {r["item_type"]: entries[r["key"]].entry_type for r in rows}
    assert types["preprint"] == "online" and types["computerProgram"] == "software"
    assert types["dataset"] == "dataset" and types["thesis"] == "thesis" and types["report"] == "report"
    preprint = next(entries[r["key"]] for r in rows if r["item_type"] == "preprint")
    assert (
        preprint.field("pubstate").plain == "prepublished" and preprint.field("eprinttype").plain == "arxiv"
    )
    assert preprint.field("number") is None and preprint.field("date").plain == "2017-06-12"
    web = next(entries[r["key"]] for r in rows if r["item_type"] == "webpage")
    assert web.field("urldate").plain == "2024-01-15" and web.field("organization").plain == "Harvard NLP"


def test_a_second_run_costs_one_request_and_changes_no_byte(tmp_path, library):
    server, keys = library
    env = service_env(tmp_path / "home", None, server, KEY, 42)
    out = tmp_path / "refs.bib"
    bib(env, out)
    before, requests = out.read_bytes(), server.stats.requests
    proc, rows = bib(env, out)
    assert proc.returncode == 0 and out.read_bytes() == before
    assert server.stats.requests - requests == 1  # the sync's 304
    assert {r["action"] for r in rows} == {"unchanged"}
    item = api(server, "GET", f"/items/{keys[2]}")
    api(server, "POST", "/items", [{"key": keys[2], "version": item["version"], "edition": "3"}])
    log_size = len(server.stats.log)
    proc, rows = bib(env, out)
    fetched = [r for r in server.stats.log[log_size:] if "itemKey=" in r[1]]
    assert len(fetched) == 1 and keys[2] in fetched[0][1] and keys[0] not in fetched[0][1]
    assert [r["action"] for r in rows].count("updated") == 1 and "edition = {3}" in out.read_text(
        encoding="utf-8"
    )


def test_recursive_dry_run_and_no_duplicate_with_a_listing(tmp_path, library, arxiv_seeds):
    server, _keys = library
    env = service_env(tmp_path / "home", arxiv_seeds, server, KEY, 42)
    out = tmp_path / "refs.bib"
    proc, rows = bib(env, out, "--dry-run", "--recursive")
    assert proc.returncode == 0 and len(rows) == len(ITEMS) + 1 and not out.exists()
    bib(env, out)
    listed = run_zotbridge("bib", "-", "-o", out, "--json", input=b"1706.03762\n", env=env)
    assert listed.returncode == 0, listed.stderr
    text = out.read_text(encoding="utf-8")
    assert len(re.findall(r"1706\.03762", text)) >= 1
    assert (
        sum(
            1
            for b in parse_bib(text, "x").entries
            if b.field("eprint") and b.field("eprint").plain == "1706.03762"
        )
        == 1
    )


def test_a_collection_that_is_not_there_and_a_listing_with_a_collection_are_clear_errors(tmp_path, library):
    server, _keys = library
    env = service_env(tmp_path / "home", None, server, KEY, 42)
    proc = run_zotbridge("bib", "--collection", "Nope", "-o", tmp_path / "r.bib", env=env)
    assert proc.returncode == 2 and b"there is no collection 'Nope'" in proc.stderr
    proc = run_zotbridge(
        "bib", "-", "--collection", "Reading", "-o", tmp_path / "r.bib", input=b"x\n", env=env
    )
    assert proc.returncode == 2 and b"one of the two" in proc.stderr


TOOLS = ("pdflatex", "bibtex", "lualatex", "biber")


@pytest.mark.slow
@pytest.mark.skipif(
    any(not shutil.which(t) for t in TOOLS) and os.environ.get("ZOTBRIDGE_REQUIRE_TEX") != "1",
    reason="TeX Live is not installed",
)
@pytest.mark.parametrize("style", ["bibtex", "biblatex"])
def test_every_item_type_compiles_without_a_warning(tmp_path, library, style):
    from test_bibtex_compile import compiled_entries

    server, _keys = library
    env = service_env(tmp_path / "home", None, server, KEY, 42)
    proc, rows = bib(env, tmp_path / "refs.bib", "--style", style, "--recursive")
    assert proc.returncode == 0, proc.stderr
    assert compiled_entries(tmp_path, style) == len(rows)
