"""Settling ambiguous papers: the decisions file, the interactive terminal review (a real
pseudo-terminal, driven by pexpect), and evidence reports."""

import json
import sys

import pexpect
import pytest
from test_cli_match import ROWS

from conftest import json_lines, run_zotbridge, service_env
from zotbridge.sandbox.arxiv_corpus import Corpus, paper_from_row
from zotbridge.sandbox.arxiv_server import ArxivEmulator

LISTING = (
    b"Random Teachers are Good Teachers\nExploring Scalable Medical Image Encoders Beyond Text Supervision\n"
)


@pytest.fixture
def env(tmp_path):
    with ArxivEmulator(Corpus([paper_from_row(r) for r in ROWS])) as server:
        (tmp_path / "listing.txt").write_bytes(LISTING)
        yield (
            service_env(tmp_path / "home", server),
            tmp_path,
        )


def statuses(env, *args):
    proc = run_zotbridge("match", env[1] / "listing.txt", "--json", *args, env=env[0])
    assert proc.returncode == 0, proc.stderr
    return [(r["status"], r["arxiv_id"]) for r in json_lines(proc.stdout.decode())], proc


def test_decisions_file_round_trip_and_the_store_remembers(env):
    decisions = env[1] / "review.jsonl"
    rows, proc = statuses(env, "--decisions", decisions)
    assert rows[0] == ("ambiguous", None) and "1 ambiguous papers are waiting" in proc.stderr.decode()
    (line,) = [json.loads(x) for x in decisions.read_text().splitlines()]
    assert line["choose"] is None and {c["arxiv_id"] for c in line["candidates"]} == {
        "2302.12091",
        "2501.00004",
    }
    line["choose"] = "2302.12091"
    decisions.write_text(json.dumps(line) + "\n")
    rows, _ = statuses(env, "--decisions", decisions)
    assert rows[0] == ("matched", "2302.12091") and decisions.read_text() == ""
    rows, _ = statuses(env)  # no file: the decision is stored
    assert rows[0] == ("matched", "2302.12091")


def test_none_means_not_on_arxiv_and_bad_choices_are_refused(env):
    decisions = env[1] / "review.jsonl"
    statuses(env, "--decisions", decisions)
    line = json.loads(decisions.read_text())
    decisions.write_text(json.dumps(line | {"choose": "1234.56789"}) + "\n")
    proc = run_zotbridge("match", env[1] / "listing.txt", "--decisions", decisions, env=env[0])
    assert proc.returncode == 2 and b"is not a candidate of paper #0" in proc.stderr
    decisions.write_text(json.dumps(line | {"choose": "none"}) + "\n")
    rows, _ = statuses(env, "--decisions", decisions)
    assert rows[0] == ("unmatched", None)


def test_interactive_review_on_a_terminal(env):
    child = pexpect.spawn(
        sys.executable,
        ["-m", "zotbridge", "match", str(env[1] / "listing.txt"), "--interactive"],
        env=env[0],
        timeout=60,
        encoding="utf-8",
    )
    child.expect(r"#0 Random Teachers are Good Teachers")
    child.expect(r"which one\?")
    child.sendline("7")  # not a candidate number
    child.expect("please type a candidate's number")
    child.expect(r"which one\?")
    child.sendline("2")
    child.expect("2 papers: 2 matched")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    rows, _ = statuses(env)
    assert rows[0][0] == "matched"


def test_interactive_needs_a_terminal(env):
    proc = run_zotbridge("match", env[1] / "listing.txt", "--interactive", env=env[0])
    assert proc.returncode == 2 and b"--interactive needs a terminal" in proc.stderr


@pytest.mark.parametrize("name", ["report.md", "report.html"])
def test_evidence_report_lists_candidates_and_why(env, name):
    report = env[1] / name
    statuses(env, "--report", report)
    text = report.read_text(encoding="utf-8")
    assert text.index("ambiguous") < text.index("matched: arXiv:2401.10815")  # review first
    assert "arXiv:2302.12091" in text and "arXiv:2501.00004" in text
    assert ("<table>" in text) == name.endswith(".html")
