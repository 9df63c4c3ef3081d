"""PDFs with `zotbridge push` and `zotbridge bib`: the real console script against the arXiv and
Zotero emulators; the library, the stored files and the PDF folder read back.

What is expected comes from the real services (docs/zotero.md): Zotero's arXiv translator saves a
"Preprint PDF" (imported_url, application/pdf, the versioned PDF URL) named "Author - Year -
Title.pdf"; the Web API's upload is authorize → storage → register; a full quota is a 413.
"""

import hashlib
import sys

import httpx2
import pexpect
import pytest
from pyzotero import zotero

from conftest import json_lines, run_zotbridge, service_env

KEY = "KEYpdfs123"
IDS = b"2311.05440\n2408.04498\n2410.10636\n"


@pytest.fixture
def arxiv(arxiv_seeds):
    arxiv_seeds.pdf_faults.clear()
    yield arxiv_seeds
    arxiv_seeds.pdf_faults.clear()


@pytest.fixture
def zot_server(zotero_emulator):
    server = zotero_emulator(42, "ada", KEY)
    server.add_user(43, "bob", "KEYother99")
    return server


@pytest.fixture
def env(tmp_path, arxiv, zot_server):
    return service_env(tmp_path / "home", arxiv, zot_server, KEY, 42)


def push(env, *args, listing=IDS):
    proc = run_zotbridge("push", "-", "--collection", "Reading", "--json", *args, input=listing, env=env)
    rows = json_lines(proc.stdout.decode())
    return proc, rows[:-1], rows[-1]["summary"] if rows else None


def library(server, user=42, key=KEY):
    zot = zotero.Zotero(
        user, "user", key, client=httpx2.Client(trust_env=False, timeout=10, follow_redirects=True)
    )
    zot.endpoint = server.url
    return zot


def attachments(server, user=42):
    return [i for i in server.library(f"users/{user}").items.values() if i["itemType"] == "attachment"]


def test_a_pushed_paper_gets_its_preprint_pdf_as_zotero_saves_it(env, arxiv, zot_server):
    proc, rows, summary = push(env)
    assert proc.returncode == 0, proc.stderr
    assert [r["pdf"] for r in rows] == ["create"] * 3 and summary["pdf"]["counts"] == {"create": 3}
    zot = library(zot_server)
    for row in rows:
        children = zot.children(row["item_key"])
        assert len(children) == 1
        data = children[0]["data"]
        record = arxiv.corpus.papers[row["arxiv_id"]]
        version = len(record.versions)
        assert {k: data[k] for k in ("itemType", "linkMode", "title", "contentType", "url")} == {
            "itemType": "attachment",
            "linkMode": "imported_url",
            "title": "Preprint PDF",
            "contentType": "application/pdf",
            "url": f"https://arxiv.org/pdf/{row['arxiv_id']}v{version}",
        }
        last = record.authors[0].split()[-1]
        assert data["filename"].startswith(f"{last} et al. - " if len(record.authors) > 2 else last)
        assert (
            data["filename"].endswith(".pdf") and "/" not in data["filename"] and ":" not in data["filename"]
        )
        stored = zot.file(children[0]["key"])
        assert stored == arxiv.pdf_bytes(row["arxiv_id"], version)  # the bytes are arXiv's
        assert data["md5"] == hashlib.md5(stored).hexdigest()


def test_a_second_push_asks_nothing_about_pdfs_and_downloads_nothing(env, arxiv, zot_server):
    push(env)
    pdf_requests, log_size = arxiv.stats.pdf_requests, len(zot_server.stats.log)
    proc, rows, summary = push(env)
    assert proc.returncode == 0 and [r["pdf"] for r in rows] == ["exists"] * 3
    assert arxiv.stats.pdf_requests == pdf_requests  # arXiv: one download per version, ever
    later = zot_server.stats.log[log_size:]
    assert not [
        r for r in later if r[1].endswith("/file") or r[0] != "GET"
    ]  # no attachment request, no write
    assert len(attachments(zot_server)) == 3


def test_a_second_library_reuses_the_cache_and_zoteros_copy(tmp_path, arxiv, zot_server):
    first = service_env(tmp_path / "home", arxiv, zot_server, KEY, 42)
    push(first)
    downloads = arxiv.stats.pdf_requests
    second = service_env(tmp_path / "home", arxiv, zot_server, "KEYother99", 43)
    log_size = len(zot_server.stats.log)
    proc, rows, summary = push(second)
    assert proc.returncode == 0 and arxiv.stats.pdf_requests == downloads
    # Zotero's storage is deduplicated: the same bytes are linked with one request, no upload
    assert [r["pdf"] for r in rows] == ["exists"] * 3 and summary["pdf"]["storage"]["deduplicated"] == 3
    files = [r for r in zot_server.stats.log[log_size:] if r[1].endswith("/file")]
    assert len(files) == 3 and not [r for r in zot_server.stats.log[log_size:] if "_storage" in r[1]]


def test_linked_mode_links_without_downloading(env, arxiv, zot_server):
    before = arxiv.stats.pdf_requests
    proc, rows, summary = push(env, "--pdf", "linked")
    assert proc.returncode == 0 and [r["pdf"] for r in rows] == ["linked"] * 3
    assert arxiv.stats.pdf_requests == before and zot_server.files.usage(zot_server.library("users/42")) == 0
    found = attachments(zot_server)
    assert {a["linkMode"] for a in found} == {"linked_url"} and all("filename" not in a for a in found)
    again, rows, _ = push(env)  # stored now: the link is a PDF already, never a second one
    assert [r["pdf"] for r in rows] == ["exists"] * 3 and len(attachments(zot_server)) == 3


def test_none_mode_and_the_config_default(env, zot_server, tmp_path):
    proc, rows, summary = push(env, "--pdf", "none")
    assert [r["pdf"] for r in rows] == ["skip"] * 3 and attachments(zot_server) == []
    config = tmp_path / "config.toml"
    config.write_text('[defaults]\npdf = "linked"\n')
    proc, rows, _ = push(env | {"ZOTBRIDGE_CONFIG": str(config)})
    assert [r["pdf"] for r in rows] == ["linked"] * 3


def test_an_item_that_has_a_pdf_gets_none(env, zot_server):
    """Saved by the Connector before: the paper's item already has its PDF (any link mode)."""
    push(env, "--pdf", "none", listing=b"2311.05440\n")
    parent = next(i for i in zot_server.library("users/42").items.values() if i["itemType"] != "attachment")
    connector_pdf = {
        "itemType": "attachment",
        "parentItem": parent["key"],
        "linkMode": "imported_url",
        "title": "Full Text PDF",
        "url": "https://arxiv.org/pdf/2311.05440",
        "contentType": "application/pdf",
    }
    library(zot_server).create_items([connector_pdf])
    proc, rows, _ = push(env, listing=b"2311.05440\n")
    assert rows[0]["pdf"] == "exists" and len(attachments(zot_server)) == 1


def test_dry_run_shows_the_plan_and_changes_nothing(env, arxiv, zot_server):
    push(env, "--pdf", "none", listing=b"2311.05440\n")
    before = arxiv.stats.pdf_requests
    proc, rows, summary = push(env, "--dry-run")
    assert [r["pdf"] for r in rows] == ["create"] * 3 and summary["dry_run"]
    assert arxiv.stats.pdf_requests == before and attachments(zot_server) == []
    _, rows, _ = push(env, "--dry-run", "--pdf", "linked")
    assert [r["pdf"] for r in rows] == ["linked"] * 3


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("404", "arXiv has no PDF for it (HTTP 404)"),
        ("denied", "arXiv denied access (HTTP 403"),
        (["500"] * 4, "HTTP 500, 4 tries"),
        (["html"] * 4, "arXiv answered an HTML page instead of the PDF"),
        (["truncated"] * 4, "the download broke off"),
        (["empty"] * 4, "an empty answer"),
    ],
)
def test_a_pdf_arxiv_will_not_give_fails_that_paper_alone(env, arxiv, zot_server, fault, reason):
    arxiv.plan_pdf_faults(*([fault] if isinstance(fault, str) else fault))
    proc, rows, summary = push(env)
    assert proc.returncode == 1  # something failed: scripts notice
    failed = [r for r in rows if r["pdf"] == "failed"]
    assert len(failed) == (3 if fault == "denied" else 1) and reason in failed[0]["pdf_reason"]
    assert [r["action"] for r in rows] == ["create"] * 3  # the items are saved all the same
    assert len(attachments(zot_server)) == 3 - len(failed)  # no attachment without its file
    assert all(a.get("md5") for a in attachments(zot_server))
    proc, rows, _ = push(env)  # the next run tries again (arXiv fine now)
    assert proc.returncode == 0 and sorted(r["pdf"] for r in rows) == sorted(
        ["exists"] * (3 - len(failed)) + ["create"] * len(failed)
    )


def test_a_retried_500_still_gets_the_pdf(env, arxiv, zot_server):
    arxiv.plan_pdf_faults("500", "html", "truncated")
    proc, rows, _ = push(env, listing=b"2311.05440\n")
    assert proc.returncode == 0 and rows[0]["pdf"] == "create"


def test_a_full_quota_links_the_rest_and_leaves_no_empty_attachment(env, arxiv, zot_server):
    first = arxiv.corpus.papers["2311.05440"]
    size = len(arxiv.pdf_bytes(first.arxiv_id, len(first.versions))) / (1024 * 1024)
    quota = max(0.1, round(size, 1))
    zot_server.set_quota("users/42", quota)  # room for the first paper alone (MB, rounded to 0.1)
    proc, rows, summary = push(env)
    assert proc.returncode == 0
    assert [r["pdf"] for r in rows] == ["create", "linked", "linked"]
    storage = summary["pdf"]["storage"]
    assert storage["quota_mb"] == quota and storage["used_mb"] is not None and storage["needed_mb"] > 0
    assert any("storage is full" in note and "MB more were needed" in note for note in summary["notes"])
    found = attachments(zot_server)
    assert len(found) == 3  # one PDF per paper
    for attachment in found:
        assert attachment["linkMode"] == "linked_url" or attachment.get("md5")  # never an empty stored one


@pytest.mark.slow
@pytest.mark.parametrize(
    "fault",
    [
        "authorize:500",
        "storage:500",
        "storage:reset",
        "register:500",
        "register:lost",
        "authorize:queued:400:1",
        "authorize:queued:429:1",
        "write:lost",
    ],
)
def test_upload_faults_end_with_exactly_one_pdf(env, arxiv, zot_server, fault):
    zot_server.faults.plan(fault)
    proc, rows, _ = push(env, listing=b"2311.05440\n2408.04498\n")
    if proc.returncode != 0:  # a fault the client could not get over in the run: the next run does
        proc, rows, _ = push(env, listing=b"2311.05440\n2408.04498\n")
    assert proc.returncode == 0, proc.stderr
    found = attachments(zot_server)
    assert len(found) == 2 and all(a.get("md5") for a in found)
    for row in rows:
        child = next(a for a in found if a["parentItem"] == row["item_key"])
        version = len(arxiv.corpus.papers[row["arxiv_id"]].versions)
        assert zot_server.file_bytes("users/42", child["key"]) == arxiv.pdf_bytes(row["arxiv_id"], version)


def test_pdf_dir_keeps_the_pdfs_named_by_citation_key(env, arxiv, zot_server, tmp_path):
    folder = tmp_path / "papers"
    proc, rows, summary = push(env, "--pdf-dir", folder)
    assert proc.returncode == 0 and summary["pdf"]["pdf_dir"]["written"] == 3
    for row in rows:
        version = len(arxiv.corpus.papers[row["arxiv_id"]].versions)
        assert (folder / f"{row['citation_key']}.pdf").read_bytes() == arxiv.pdf_bytes(
            row["arxiv_id"], version
        )
    mine = folder / f"{rows[0]['citation_key']}.pdf"
    mine.write_bytes(b"%PDF- my annotations")
    downloads = arxiv.stats.pdf_requests
    bib = run_zotbridge("bib", "-", "-o", tmp_path / "refs.bib", "--pdf-dir", folder, input=IDS, env=env)
    assert bib.returncode == 0 and arxiv.stats.pdf_requests == downloads  # from the cache
    assert mine.read_bytes() == b"%PDF- my annotations"  # the user's copy is never overwritten
    assert "left as it is" in bib.stderr.decode()


def test_bib_pdf_dir_alone_downloads_through_the_gate(tmp_path, arxiv):
    env = service_env(tmp_path / "home", arxiv)
    folder = tmp_path / "pdfs"
    proc = run_zotbridge(
        "bib", "-", "-o", tmp_path / "refs.bib", "--pdf-dir", folder, "--json", input=IDS, env=env
    )
    assert proc.returncode == 0, proc.stderr
    keys = [row["key"] for row in json_lines(proc.stdout.decode())]
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{k}.pdf" for k in keys)


def test_storage_that_keeps_failing_fails_the_pdf_and_leaves_no_empty_attachment(env, arxiv, zot_server):
    zot_server.faults.plan(*["storage:500"] * 5)  # Zotero's own client gives up after 5 too
    proc, rows, _ = push(env, listing=b"2311.05440\n2408.04498\n")
    assert proc.returncode == 1
    assert rows[0]["pdf"] == "failed" and "storage did not accept the upload" in rows[0]["pdf_reason"]
    assert rows[1]["pdf"] == "create"
    assert [a["parentItem"] for a in attachments(zot_server)] == [rows[1]["item_key"]]  # no empty one
    proc, rows, _ = push(env, listing=b"2311.05440\n2408.04498\n")
    assert proc.returncode == 0 and [r["pdf"] for r in rows] == ["create", "exists"]


def test_downloads_share_the_gate_with_the_api(tmp_path, arxiv):
    """One request at a time, the delay between any two, API and PDFs alike; zotbridge's
    User-Agent on both."""
    env = service_env(tmp_path / "home", arxiv, ZOTBRIDGE_ARXIV_DELAY="0.25")
    arxiv.stats.arrivals.clear()
    proc = run_zotbridge(
        "bib", "-", "-o", tmp_path / "refs.bib", "--pdf-dir", tmp_path / "pdfs", input=IDS, env=env
    )
    assert proc.returncode == 0, proc.stderr
    arrivals = arxiv.stats.arrivals
    assert len(arrivals) >= 4  # the API, then three PDFs
    assert min(b - a for a, b in zip(arrivals, arrivals[1:])) >= 0.24
    assert all(agent.startswith("zotbridge/") for agent in arxiv.stats.user_agents if agent)


def test_a_terminal_sees_the_papers_the_bytes_and_the_wait(tmp_path, arxiv, zot_server):
    """On a terminal, the downloads have a bar: papers done, megabytes, and arXiv's delay."""
    env = service_env(tmp_path / "home", arxiv, zot_server, KEY, 42, ZOTBRIDGE_ARXIV_DELAY="0.4")
    listing = tmp_path / "ids.txt"
    listing.write_bytes(IDS)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "zotbridge", "push", str(listing), "--collection", "Reading"],
        env=env,
        timeout=60,
        encoding="utf-8",
    )
    child.expect(r"Downloading PDFs")
    child.expect(r"\d+\.\d MB, waiting 0\.\d s for arXiv")
    child.expect(r"Uploading PDFs")
    child.expect(r"PDFs: 3 stored")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
