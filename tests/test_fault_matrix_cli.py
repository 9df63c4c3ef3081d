"""arXiv faults end to end through the command line: `zotbridge bib` under each fault writes the
same .bib as a clean run (nothing lost, nothing duplicated, the file whole); a re-run writes nothing."""

import pytest

from conftest import SHARED, run_zotbridge, service_env
from zotbridge.arxiv.client import RETRIES
from zotbridge.sandbox.arxiv_corpus import Corpus
from zotbridge.sandbox.arxiv_server import ArxivEmulator

pytestmark = pytest.mark.slow

SEEDS = SHARED / "reference/arxiv-seed-records.jsonl"
LISTING = b"2311.05440\n2408.04498\nModel-Based Transfer Learning for Contextual Reinforcement Learning\n"


@pytest.fixture(scope="module")
def server():
    with ArxivEmulator(Corpus.from_jsonl(SEEDS)) as emulator:
        yield emulator


def bib(server, tmp_path, name):
    env = service_env(tmp_path / f"home-{name}", server)
    out = tmp_path / f"{name}.bib"
    proc = run_zotbridge("bib", "-", "-o", out, input=LISTING, env=env)
    return proc, out, env


@pytest.mark.parametrize(
    "fault", ["503", "429", "429:1", "rate200", "blank", "zero", "empty", "reset", "slow:0.5"]
)
def test_arxiv_faults_through_the_cli(server, tmp_path, fault):
    clean, clean_out, _ = bib(server, tmp_path, "clean")
    assert clean.returncode == 0, clean.stderr
    server.faults.plan(fault)
    proc, out, env = bib(server, tmp_path, "faulty")
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == clean_out.read_bytes()
    if fault == "429:1":  # a wait the user sees
        assert b"waiting for arXiv (rate limited), retry in 1 s" in proc.stderr
    again = run_zotbridge("bib", "-", "-o", out, input=LISTING, env=env)
    assert again.returncode == 0 and b"file unchanged" in again.stderr


def test_arxiv_that_keeps_failing_leaves_the_bib_untouched(server, tmp_path):
    out = tmp_path / "refs.bib"
    out.write_text("@misc{mine,\n  title = {Mine}\n}\n", encoding="utf-8")
    server.faults.plan(*["503"] * (RETRIES + 1))
    env = service_env(tmp_path / "home", server)
    proc = run_zotbridge("bib", "-", "-o", out, input=LISTING, env=env)
    assert proc.returncode == 3 and f"arXiv did not answer after {RETRIES + 1} tries".encode() in proc.stderr
    assert out.read_text(encoding="utf-8") == "@misc{mine,\n  title = {Mine}\n}\n"
    assert run_zotbridge("bib", "-", "-o", out, input=LISTING, env=env).returncode == 0  # a re-run completes
    assert out.read_text(encoding="utf-8").startswith("@misc{mine,")


def test_a_timeout_is_retried(server, tmp_path):
    clean, clean_out, _ = bib(server, tmp_path, "clean")
    server.faults.plan("slow:2")
    env = service_env(tmp_path / "home-t", server, ZOTBRIDGE_ARXIV_TIMEOUT="0.5")
    out = tmp_path / "t.bib"
    proc = run_zotbridge("bib", "-", "-o", out, "-v", input=LISTING, env=env)
    assert proc.returncode == 0, proc.stderr
    assert b"Timeout" in proc.stderr  # -v shows the retry
    assert out.read_bytes() == clean_out.read_bytes()


def test_url_too_long_through_the_cli(server, tmp_path):
    clean, clean_out, _ = bib(server, tmp_path, "clean")
    server.faults.plan("414")
    proc, out, _env = bib(server, tmp_path, "short-urls")
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == clean_out.read_bytes()
