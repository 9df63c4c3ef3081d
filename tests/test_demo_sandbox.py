"""`zotbridge demo` and `zotbridge sandbox`: offline, right after installation."""

import os
import re
import signal
import subprocess
import sys

from conftest import json_lines, run_zotbridge
from zotbridge.bibtex.bibfile import parse_bib


def test_demo_runs_the_whole_job_offline(tmp_path):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "ZOTBRIDGE_HOME": str(tmp_path / "user-home"),
           "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}  # no network, proxies dead
    proc = run_zotbridge("demo", "--dir", tmp_path / "demo", env=env)
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert re.search(r"arXiv\s+71 matched, 0 ambiguous, 0 unmatched", out)
    assert "71 items created in 'Demo/Self-supervised learning'" in out
    assert "└─ self-supervised learning" in out
    bib = tmp_path / "demo" / "refs.bib"
    assert f"BibTeX    {bib}" in out
    assert len(parse_bib(bib.read_text(encoding="utf-8"), "refs.bib").entries) == 71
    assert not (tmp_path / "user-home").exists()  # the user's store is not touched


def test_sandbox_serves_both_apis_until_stopped(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "zotbridge", "sandbox", "--arxiv-port", "0", "--zotero-port", "0",
                             "--state", str(tmp_path / "state")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "ZOTBRIDGE_HOME": str(tmp_path / "home")})
    try:
        lines = [proc.stdout.readline().decode() for _ in range(7)]
        exports = dict(line[len("export "):].strip().split("=", 1) for line in lines if line.startswith("export "))
        assert set(exports) == {"ZOTBRIDGE_ARXIV_URL", "ZOTBRIDGE_ARXIV_DELAY", "ZOTBRIDGE_ZOTERO_URL",
                                "ZOTERO_API_KEY", "ZOTERO_LIBRARY_ID", "ZOTERO_LIBRARY_TYPE"}
        env = {**os.environ, **exports, "ZOTBRIDGE_HOME": str(tmp_path / "client")}
        push = run_zotbridge("push", "-", "--collection", "Tried", "--json", input=b"2311.05440\n", env=env)
        assert push.returncode == 0, push.stderr
        assert json_lines(push.stdout.decode())[0]["action"] == "create"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    # the library outlives the sandbox: a restart on the same state serves it, with the same key
    again = subprocess.Popen([sys.executable, "-m", "zotbridge", "sandbox", "--arxiv-port", "0", "--zotero-port", "0",
                              "--state", str(tmp_path / "state")], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        lines = [again.stdout.readline().decode() for _ in range(7)]
        assert f"export ZOTERO_API_KEY={exports['ZOTERO_API_KEY']}\n" in lines
    finally:
        again.send_signal(signal.SIGTERM)
        again.wait(timeout=10)
