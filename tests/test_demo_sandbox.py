"""`zotbridge demo` and `zotbridge sandbox`: offline, right after installation."""

import json
import os
import re
import signal
import subprocess
import urllib.request

import pytest

from conftest import json_lines, run_zotbridge, sandbox_command
from zotbridge.bibtex.bibfile import parse_bib

pytestmark = pytest.mark.slow


def test_demo_runs_the_whole_job_offline(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "ZOTBRIDGE_HOME": str(tmp_path / "user-home"),
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
    }  # no network, proxies dead
    proc = run_zotbridge("demo", "--dir", tmp_path / "demo", env=env)
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert re.search(r"arXiv\s+71 matched, 0 ambiguous, 0 unmatched", out)
    assert "71 items created in 'Demo/Self-supervised learning'" in out
    assert "└─ self-supervised learning" in out
    bib = tmp_path / "demo" / "refs.bib"
    assert f"BibTeX    {bib}" in out
    entries = parse_bib(bib.read_text(encoding="utf-8"), "refs.bib").entries
    assert len(entries) == 71
    # the published step: the papers the DBLP and S2 emulators know as published, upgraded in both places
    assert re.search(r"Published .*7 published", out) and "7 upgraded in place" in out
    assert sum(e.entry_type in ("inproceedings", "article") for e in entries) == 7
    assert not (tmp_path / "user-home").exists()  # the user's store is not touched


def test_sandbox_serves_both_apis_until_stopped(tmp_path):
    proc = subprocess.Popen(
        sandbox_command(tmp_path / "state"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "ZOTBRIDGE_HOME": str(tmp_path / "home")},
    )
    try:
        lines = [proc.stdout.readline().decode() for _ in range(16)]
        exports = dict(
            line[len("export ") :].strip().split("=", 1) for line in lines if line.startswith("export ")
        )
        assert set(exports) == {
            "ZOTBRIDGE_ARXIV_URL",
            "ZOTBRIDGE_ARXIV_PDF_URL",
            "ZOTBRIDGE_ARXIV_DELAY",
            "ZOTBRIDGE_ZOTERO_URL",
            "ZOTERO_API_KEY",
            "ZOTERO_LIBRARY_ID",
            "ZOTERO_LIBRARY_TYPE",
            "ZOTBRIDGE_S2_URL",
            "ZOTBRIDGE_DBLP_URL",
            "ZOTBRIDGE_CROSSREF_URL",
            "ZOTBRIDGE_ACL_URL",
            "ZOTBRIDGE_S2_DELAY",
            "ZOTBRIDGE_DBLP_DELAY",
            "ZOTBRIDGE_CROSSREF_DELAY",
            "ZOTBRIDGE_ACL_DELAY",
        }
        env = {**os.environ, **exports, "ZOTBRIDGE_HOME": str(tmp_path / "client")}
        push = run_zotbridge("push", "-", "--collection", "Tried", "--json", input=b"2311.05440\n", env=env)
        assert push.returncode == 0, push.stderr
        assert json_lines(push.stdout.decode())[0]["action"] == "create"
        published = run_zotbridge("published", "-", "--json", input=b"2302.90082\n", env=env)
        assert json_lines(published.stdout.decode())[0]["verdict"] == "published", published.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    # the library outlives the sandbox: a restart on the same state serves it, with the same key
    again = subprocess.Popen(
        sandbox_command(tmp_path / "state"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        lines = [again.stdout.readline().decode() for _ in range(8)]
        assert f"export ZOTERO_API_KEY={exports['ZOTERO_API_KEY']}\n" in lines
    finally:
        again.send_signal(signal.SIGTERM)
        again.wait(timeout=30)


def test_sandbox_large_corpus_and_soft_faults(tmp_path):
    """`zotbridge sandbox --flood N --soft-faults R`: short titles have N more hits, and a share of
    requests fail softly; zotbridge still resolves a title through them."""
    proc = subprocess.Popen(
        sandbox_command(tmp_path / "state", "--flood", "50", "--soft-faults", "0.5"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "ZOTBRIDGE_HOME": str(tmp_path / "home")},
    )
    try:
        lines = [proc.stdout.readline().decode() for _ in range(16)]
        exports = dict(
            line[len("export ") :].strip().split("=", 1) for line in lines if line.startswith("export ")
        )
        url = exports["ZOTBRIDGE_ARXIV_URL"]
        base = url.rsplit("/api/query", 1)[0]
        urllib.request.urlopen(
            urllib.request.Request(f"{base}/_sandbox/faults", data=b'{"random": {"rate": 0}}', method="POST")
        )
        body = (
            urllib.request.urlopen(f"{url}?search_query=ti:%22world%20models%22&max_results=1")
            .read()
            .decode()
        )
        assert int(re.search(r"totalResults[^>]*>(\d+)<", body)[1]) >= 50
        urllib.request.urlopen(
            urllib.request.Request(
                f"{base}/_sandbox/faults", data=b'{"random": {"rate": 0.5, "seed": 2}}', method="POST"
            )
        )
        env = {**os.environ, **exports, "ZOTBRIDGE_HOME": str(tmp_path / "client")}
        match = run_zotbridge("match", "-", "--json", input=b"World Models\n", env=env)
        assert match.returncode == 0, match.stderr
        assert json_lines(match.stdout.decode())[0]["status"] == "matched"
        stats = json.loads(urllib.request.urlopen(f"{base}/_sandbox/stats").read())
        assert stats["faults"] >= 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
