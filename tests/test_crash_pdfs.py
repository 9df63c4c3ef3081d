"""Crash-safe PDFs: `kill -9` of a real `zotbridge push` after each request it makes — to Zotero
(items, authorizations, storage, registrations) and to arXiv (the downloads) — then a re-run:
every paper has exactly one PDF, no attachment is left without its file, no item is doubled, and
the stored bytes are arXiv's."""

import pytest

from conftest import SHARED, killed_run, run_zotbridge, service_env
from zotbridge.sandbox.arxiv_corpus import Corpus
from zotbridge.sandbox.arxiv_server import ArxivEmulator
from zotbridge.sandbox.zotero_server import ZoteroEmulator

pytestmark = pytest.mark.slow

KEY = "KEYcrashpdf1"
SEEDS = SHARED / "reference/arxiv-seed-records.jsonl"
IDS = [line.split('"id": "')[1].split('"')[0] for line in SEEDS.read_text().splitlines()][:5]
LISTING = ("\n".join(IDS) + "\n").encode()
PUSH = ("push", "-", "--collection", "Lab", "-q")


@pytest.fixture(scope="module")
def arxiv():
    with ArxivEmulator(Corpus.from_jsonl(SEEDS)) as server:
        yield server


def check_library(server, arxiv):
    """One item per paper, one PDF per item, each with arXiv's bytes."""
    items = server.library("users/9").items.values()
    parents = [i for i in items if i["itemType"] != "attachment"]
    children = [i for i in items if i["itemType"] == "attachment"]
    assert sorted(p["archiveID"] for p in parents) == sorted(f"arXiv:{i}" for i in IDS)
    assert sorted(c["parentItem"] for c in children) == sorted(p["key"] for p in parents)
    by_key = {p["key"]: p["archiveID"].removeprefix("arXiv:") for p in parents}
    for child in children:
        arxiv_id = by_key[child["parentItem"]]
        version = len(arxiv.corpus.papers[arxiv_id].versions)
        assert child.get("md5"), "an attachment without its file"
        assert server.file_bytes("users/9", child["key"]) == arxiv.pdf_bytes(arxiv_id, version)


def run_and_kill(tmp_path, arxiv, name, counter, count):
    """A push killed once ``counter()`` reaches ``count``, then a re-run; the library it leaves."""
    server = ZoteroEmulator(tmp_path / f"{name}.json").start()
    server.add_user(9, "kim", KEY)
    env = service_env(tmp_path / f"home-{name}", arxiv, server, KEY, 9)
    start = counter(server)
    killed_run(PUSH, LISTING, env, lambda: counter(server) - start, count)
    rerun = run_zotbridge(*PUSH, input=LISTING, env=env)
    return server, rerun


def test_kill_at_every_request_then_every_paper_has_one_pdf(tmp_path, arxiv):
    with ZoteroEmulator(tmp_path / "clean.json") as clean:
        clean.add_user(9, "kim", KEY)
        downloads = arxiv.stats.pdf_requests
        proc = run_zotbridge(
            *PUSH, input=LISTING, env=service_env(tmp_path / "clean-home", arxiv, clean, KEY, 9)
        )
        assert proc.returncode == 0, proc.stderr
        check_library(clean, arxiv)
        zotero_requests = clean.stats.requests
        pdf_requests = arxiv.stats.pdf_requests - downloads
    assert pdf_requests == len(IDS) and zotero_requests >= 3 * len(IDS)
    points = [("zotero", lambda s: s.stats.requests, n) for n in range(1, zotero_requests + 1)]
    points += [("arxiv", lambda s: arxiv.stats.pdf_requests, n) for n in range(1, pdf_requests + 1)]
    for where, counter, count in points:
        server, rerun = run_and_kill(tmp_path, arxiv, f"{where}{count}", counter, count)
        try:
            assert rerun.returncode == 0, (where, count, rerun.stderr)
            check_library(server, arxiv)
        finally:
            server.stop()
