"""The emulators' PDFs and file storage, against what the real servers do.

arXiv: arxiv-browse (``browse/routes/dissemination.py``, ``browse/controllers/files``), via
docs/zotero.md. Zotero: zotero/dataserver ``controllers/ItemsController.php``,
``model/Storage.inc.php`` and ``tests/remote/tests/3/file.test.js``; the template from
``controllers/MappingsController.php``. Driven over real HTTP, partly with pyzotero 1.16 itself.
"""

import hashlib
import shutil
import subprocess

import httpx2
import pytest
import requests
from pyzotero import zotero

from zotbridge.sandbox.arxiv_pdf import paper_pdf

KEY = "KEYfiles01"


# --- arXiv /pdf/ ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_server(arxiv_seeds):
    return arxiv_seeds


def first_paper(server, versions=1):
    return next(p for p in server.corpus.papers.values() if len(p.versions) >= versions)


def test_a_versioned_pdf_is_a_real_pdf_with_the_papers_text(pdf_server):
    paper = first_paper(pdf_server)
    response = requests.get(f"{pdf_server.pdf_url}{paper.arxiv_id}v1", timeout=10)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="{paper.arxiv_id}v1.pdf"'
    assert response.headers["Link"] == f"<https://arxiv.org/pdf/{paper.arxiv_id}>; rel='canonical'"
    # streamed: chunked, no Content-Length on GET (dissemination.py); HEAD has one
    assert "Content-Length" not in response.headers and response.headers["Transfer-Encoding"] == "chunked"
    head = requests.head(f"{pdf_server.pdf_url}{paper.arxiv_id}v1", timeout=10)
    assert int(head.headers["Content-Length"]) == len(response.content) and head.content == b""
    assert len(response.content) > 100_000  # weighs like a paper, so quotas fill up


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_pdftotext_reads_the_title_and_abstract(tmp_path):
    data = paper_pdf(
        "2401.00001", 2, "Schrödinger (Bridges): A Study", ["Ana Núñez", "Bo Li"], "We ask why. " * 40
    )
    path = tmp_path / "p.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "arXiv:2401.00001v2" in text and "Schrödinger (Bridges): A Study" in text
    assert "Ana Núñez, Bo Li" in text and "We ask why." in text


def test_each_version_has_its_own_bytes_and_the_bare_id_is_the_latest(pdf_server):
    paper = first_paper(pdf_server, versions=2)
    latest = len(paper.versions)
    files = {
        v: requests.get(f"{pdf_server.pdf_url}{paper.arxiv_id}v{v}", timeout=10).content for v in (1, latest)
    }
    assert hashlib.md5(files[1]).digest() != hashlib.md5(files[latest]).digest()
    bare = requests.get(f"{pdf_server.pdf_url}{paper.arxiv_id}", timeout=10)
    assert bare.content == files[latest]  # article_store.py: an unversioned id serves the highest
    assert requests.get(f"{pdf_server.pdf_url}{paper.arxiv_id}v1", timeout=10).content == files[1]  # stable


def test_redirects_and_html_errors_as_arxiv_serves_them(pdf_server):
    paper = first_paper(pdf_server)
    for suffix in (".pdf", "?download=1"):
        moved = requests.get(
            f"{pdf_server.pdf_url}{paper.arxiv_id}v1{suffix}", allow_redirects=False, timeout=10
        )
        assert moved.status_code == 301 and moved.headers["Location"] == f"/pdf/{paper.arxiv_id}v1"
    for ident, status in ((f"{paper.arxiv_id}v{len(paper.versions) + 1}", 404), ("2912.99999v1", 404)):
        missing = requests.get(f"{pdf_server.pdf_url}{ident}", timeout=10)
        assert missing.status_code == status and missing.headers["Content-Type"].startswith("text/html")
    assert requests.get(f"{pdf_server.pdf_url}arxiv/{paper.arxiv_id}", timeout=10).status_code == 400


@pytest.mark.parametrize(
    ("fault", "status", "starts"),
    [
        ("404", 404, b"<!DOCTYPE html>"),
        ("denied", 403, b"<!DOCTYPE"),
        ("500", 500, b"<!DOCTYPE"),
        ("html", 200, b"<!DOCTYPE"),
    ],
)
def test_pdf_faults_answer_as_the_real_site_fails(pdf_server, fault, status, starts):
    paper = first_paper(pdf_server)
    pdf_server.plan_pdf_faults(fault)
    response = requests.get(f"{pdf_server.pdf_url}{paper.arxiv_id}v1", timeout=10)
    assert response.status_code == status and response.content.startswith(starts)


def test_a_cut_stream_is_an_error_for_the_client(pdf_server):
    paper = first_paper(pdf_server)
    pdf_server.plan_pdf_faults("truncated")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(f"{pdf_server.pdf_url}{paper.arxiv_id}v1", timeout=10)


# --- Zotero file storage ---------------------------------------------------------------------------


@pytest.fixture
def zot_server(zotero_emulator):
    return zotero_emulator(7, "ada", KEY)


def api(server, method, path, **kwargs):
    headers = {"Zotero-API-Key": KEY, "Zotero-API-Version": "3", **kwargs.pop("headers", {})}
    return httpx2.request(method, server.url + path, headers=headers, trust_env=False, timeout=10, **kwargs)


def make_parent_and_attachment(server, link_mode="imported_url", **extra):
    parent = {"itemType": "preprint", "title": "P", "key": "PARENT22", "version": 0}
    child = {
        "itemType": "attachment",
        "parentItem": "PARENT22",
        "linkMode": link_mode,
        "title": "Preprint PDF",
        "url": "https://arxiv.org/pdf/2401.00001v1",
        "contentType": "application/pdf",
        "key": "ATTACH22",
        "version": 0,
        **extra,
    }
    answer = api(server, "POST", "/users/7/items", json=[parent, child]).json()
    return answer


def authorize(server, data, headers=None, **form):
    fields = {
        "md5": hashlib.md5(data).hexdigest(),
        "filename": "P.pdf",
        "filesize": str(len(data)),
        "mtime": "1700000000000",
        **form,
    }
    return api(
        server,
        "POST",
        "/users/7/items/ATTACH22/file",
        data=fields,
        headers={"If-None-Match": "*"} if headers is None else headers,
    )


def test_the_attachment_template_needs_a_link_mode(zot_server):
    assert api(zot_server, "GET", "/items/new?itemType=attachment").status_code == 400
    assert (
        api(zot_server, "GET", "/items/new?itemType=attachment&linkMode=bogus").text
        == "Invalid linkMode 'bogus'"
    )
    imported = api(zot_server, "GET", "/items/new?itemType=attachment&linkMode=imported_url").json()
    assert imported["url"] == "" and imported["md5"] is None and imported["filename"] == ""
    linked = api(zot_server, "GET", "/items/new?itemType=attachment&linkMode=linked_url").json()
    assert "filename" not in linked and "md5" not in linked and linked["url"] == ""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"linkMode": "linked_url", "filename": "x.pdf"},
            "'filename' is valid only for imported and embedded-image attachments",
        ),
        (
            {"linkMode": "linked_url", "md5": "0" * 32},
            "'md5' is valid only for imported and embedded-image attachments",
        ),
        ({"filename": "dir/x.pdf"}, "Stored-file filename 'dir/x.pdf' cannot contain a directory path"),
        ({"linkMode": "shortcut"}, "'shortcut' is not a valid linkMode"),
        ({"collections": ["ABCD2345"]}, None),  # a child in a collection: refused (409 or 400)
    ],
)
def test_attachment_objects_are_checked_per_object(zot_server, extra, message):
    answer = make_parent_and_attachment(zot_server, **extra)
    assert "0" in answer["successful"] and "1" in answer["failed"]
    if message:
        assert answer["failed"]["1"]["message"] == message and answer["failed"]["1"]["code"] == 400


def test_the_three_step_upload_then_the_file_is_served(zot_server):
    make_parent_and_attachment(zot_server)
    item = api(zot_server, "GET", "/users/7/items/ATTACH22").json()["data"]
    assert item["md5"] is None and item["mtime"] is None and item["filename"] == ""  # toJSON(includeEmpty)
    data = b"%PDF-1.4 hello %%EOF"
    assert authorize(zot_server, data, headers={}).status_code == 428
    grant = authorize(zot_server, data, contentType="application/pdf")
    assert grant.status_code == 200 and set(grant.json()) == {
        "url",
        "contentType",
        "prefix",
        "suffix",
        "uploadKey",
    }
    up = grant.json()
    wrong = httpx2.post(
        up["url"],
        content=up["prefix"].encode() + data[:-1] + b"X" + up["suffix"].encode(),
        headers={"Content-Type": up["contentType"]},
        trust_env=False,
    )
    assert wrong.status_code == 400 and b"Content-MD5 you specified did not match" in wrong.content
    short = httpx2.post(
        up["url"],
        content=up["prefix"].encode() + data[:5] + up["suffix"].encode(),
        headers={"Content-Type": up["contentType"]},
        trust_env=False,
    )
    assert short.status_code == 400
    early = api(
        zot_server,
        "POST",
        "/users/7/items/ATTACH22/file",
        data={"upload": up["uploadKey"]},
        headers={"If-None-Match": "*"},
    )
    assert early.status_code == 400 and early.text == "Remote file not found"
    stored = httpx2.post(
        up["url"],
        content=up["prefix"].encode() + data + up["suffix"].encode(),
        headers={"Content-Type": up["contentType"]},
        trust_env=False,
    )
    assert stored.status_code == 201
    register = api(
        zot_server,
        "POST",
        "/users/7/items/ATTACH22/file",
        data={"upload": up["uploadKey"]},
        headers={"If-None-Match": "*"},
    )
    assert register.status_code == 204 and "Last-Modified-Version" in register.headers
    again = api(
        zot_server,
        "POST",
        "/users/7/items/ATTACH22/file",
        data={"upload": up["uploadKey"]},
        headers={"If-None-Match": "*"},
    )
    assert again.status_code == 412 and again.text == "If-None-Match: * set but file exists"
    item = api(zot_server, "GET", "/users/7/items/ATTACH22").json()["data"]
    assert item["md5"] == hashlib.md5(data).hexdigest() and item["filename"] == "P.pdf"
    assert item["mtime"] == 1700000000000
    download = api(zot_server, "GET", "/users/7/items/ATTACH22/file", follow_redirects=False)
    assert download.status_code == 302 and download.headers["Zotero-File-MD5"] == item["md5"]
    assert api(zot_server, "GET", "/users/7/items/ATTACH22/file", follow_redirects=True).content == data


def test_preconditions_and_parameters_fail_as_on_the_server(zot_server):
    make_parent_and_attachment(zot_server)
    data = b"%PDF-1.4 x %%EOF"
    missing = authorize(zot_server, data, headers={"If-Match": "0" * 32})
    assert missing.status_code == 412 and "Last-Modified-Version" not in missing.headers
    assert authorize(zot_server, data, headers={"If-Match": "zz"}).text == "Invalid ETag in If-Match header"
    assert authorize(zot_server, data, headers={"If-None-Match": "abc"}).status_code == 400
    assert authorize(zot_server, data, md5="").text == "MD5 hash not provided"
    assert authorize(zot_server, data, filesize="x").text == "Invalid file size"
    assert (
        api(
            zot_server, "POST", "/users/7/items/NOSUCH22/file", data={}, headers={"If-None-Match": "*"}
        ).status_code
        == 404
    )


def test_a_linked_url_has_no_file(zot_server):
    make_parent_and_attachment(zot_server, link_mode="linked_url")
    refused = authorize(zot_server, b"%PDF-")
    assert (
        refused.status_code == 400
        and refused.text == "Cannot upload file for linked file/URL attachment item"
    )
    assert api(zot_server, "GET", "/users/7/items/ATTACH22/file").status_code == 404


def test_quota_is_checked_before_dedupe_with_the_real_headers(zot_server):
    make_parent_and_attachment(zot_server)
    zot_server.set_quota("users/7", 0.1)
    data = b"%PDF-" + b"x" * 200_000 + b"%%EOF"
    full = authorize(zot_server, data)
    assert full.status_code == 413 and full.text == "File would exceed quota (0.2 > 0.1)"
    assert full.headers["Zotero-Storage-Usage"] == "0" and full.headers["Zotero-Storage-Quota"] == "0.1"
    assert full.headers["Zotero-Storage-UserID"] == "7"


def test_bytes_the_server_has_are_not_uploaded_again(zot_server):
    make_parent_and_attachment(zot_server)
    data = b"%PDF-1.4 shared %%EOF"
    zot_server.files.put(hashlib.md5(data).hexdigest(), data)  # uploaded by someone, somewhere
    exists = authorize(zot_server, data)
    assert (
        exists.status_code == 200
        and exists.json() == {"exists": 1}
        and "Last-Modified-Version" in exists.headers
    )
    assert (
        api(zot_server, "GET", "/users/7/items/ATTACH22").json()["data"]["md5"]
        == hashlib.md5(data).hexdigest()
    )
    wrong_size = authorize(
        zot_server, data, headers={"If-Match": hashlib.md5(data).hexdigest()}, filesize="3"
    )
    assert wrong_size.status_code == 400 and wrong_size.text == "Specified file size incorrect for known file"


def test_too_many_unfinished_uploads_are_refused_with_retry_after(zot_server):
    parent = {"itemType": "preprint", "title": "P", "key": "PARENT22", "version": 0}
    children = [
        {
            "itemType": "attachment",
            "parentItem": "PARENT22",
            "linkMode": "imported_file",
            "key": "ATTA" + "BCDEFGHIJKL"[n] * 4,
            "version": 0,
        }
        for n in range(11)
    ]
    api(zot_server, "POST", "/users/7/items", json=[parent, *children])
    answers = []
    for n in range(11):
        data = f"%PDF-{n}".encode()
        answers.append(
            api(
                zot_server,
                "POST",
                f"/users/7/items/ATTA{'BCDEFGHIJKL'[n] * 4}/file",
                headers={"If-None-Match": "*"},
                data={
                    "md5": hashlib.md5(data).hexdigest(),
                    "filename": "f.pdf",
                    "filesize": len(data),
                    "mtime": 1,
                },
            )
        )
    assert [a.status_code for a in answers[:10]] == [200] * 10
    assert answers[10].status_code in (429, 400, 503) and answers[10].text == "Too many queued uploads"
    assert answers[10].headers["Retry-After"] == "300"


def test_pyzotero_uploads_to_the_emulator_as_to_zotero(zot_server, tmp_path):
    """pyzotero 1.16's own upload (params=1, every field as a file part) works here as it does
    against the real storage."""
    zot = zotero.Zotero(
        7, "user", KEY, client=httpx2.Client(trust_env=False, timeout=10, follow_redirects=True)
    )
    zot.endpoint = zot_server.url
    parent = zot.create_items(
        [{"itemType": "preprint", "title": "P", "tags": [], "collections": [], "relations": {}}]
    )
    parent_key = parent["success"]["0"]
    path = tmp_path / "paper.pdf"
    path.write_bytes(b"%PDF-1.4 pyzotero %%EOF")
    result = zot.attachment_both([("Preprint PDF", str(path))], parentid=parent_key)
    assert len(result["success"]) == 1
    key = result["success"][0]["key"]
    assert zot.file(key) == path.read_bytes()
