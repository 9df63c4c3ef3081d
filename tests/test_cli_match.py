"""`zotbridge match` through the real console script, pointed at the emulator by environment."""

import os

import pytest

from conftest import json_lines, run_zotbridge, service_env
from zotbridge.sandbox.arxiv_corpus import Corpus, paper_from_row
from zotbridge.sandbox.arxiv_server import ArxivEmulator

ROWS = [
    {
        "id": "2401.10815",
        "title": "Exploring scalable medical image encoders beyond text supervision",
        "abstract": "Language-supervised pre-training has proven to be a valuable method for extracting "
        "semantically meaningful features from images, serving as a foundational element.",
        "authors": "Fernando Pérez-García, Harshita Sharma",
        "categories": "cs.CV",
        "versions": [{"version": "v1", "created": "Fri, 19 Jan 2024 00:00:00 GMT"}],
    },
    {
        "id": "2302.12091",
        "title": "Random Teachers are Good Teachers",
        "abstract": "One.",
        "authors": "F. Sarnthein",
        "categories": "cs.LG",
        "versions": [{"version": "v1", "created": "Thu, 23 Feb 2023 00:00:00 GMT"}],
    },
    {
        "id": "2501.00004",
        "title": "Random teachers are good teachers",
        "abstract": "Two.",
        "authors": "X. Y",
        "categories": "cs.LG",
        "versions": [{"version": "v1", "created": "Wed, 1 Jan 2025 00:00:00 GMT"}],
    },
]


@pytest.fixture
def env(tmp_path):
    with ArxivEmulator(Corpus([paper_from_row(r) for r in ROWS])) as server:
        yield (
            server,
            service_env(tmp_path / "home", server),
        )


def zb(environment, *args, input=None):
    return run_zotbridge(*args, input=input, env=environment)


def test_match_json_contract_and_summary(env):
    server, environment = env
    listing = (
        b"Exploring Scalable Medical Image Encoders Beyond Text Supervision\nRandom Teachers are Good Teachers\n"
        b"https://arxiv.org/abs/2302.12091\nNothing Like This Exists Anywhere\n"
    )
    proc = zb(environment, "match", "-", "--json", input=listing)
    assert proc.returncode == 0, proc.stderr
    rows = json_lines(proc.stdout.decode())
    assert [list(r) for r in rows][0] == [
        "index",
        "title",
        "status",
        "arxiv_id",
        "score",
        "candidates",
        "reason",
    ]
    assert [(r["index"], r["status"], r["arxiv_id"]) for r in rows] == [
        (0, "matched", "2401.10815"),
        (1, "ambiguous", None),
        (2, "matched", "2302.12091"),
        (3, "unmatched", None),
    ]
    assert {c["arxiv_id"] for c in rows[1]["candidates"]} == {"2302.12091", "2501.00004"}
    assert rows[1]["reason"] and rows[3]["reason"]
    assert "4 papers: 2 matched, 1 ambiguous, 1 unmatched" in proc.stderr.decode()
    # Re-run: no request; --refresh asks again.
    before = server.stats.requests
    assert zb(environment, "match", "-", "--json", input=listing).stdout == proc.stdout
    assert server.stats.requests == before
    zb(environment, "match", "-", "--refresh", input=listing)
    assert server.stats.requests > before


def test_unreachable_arxiv_is_one_clear_error_with_exit_3(tmp_path):
    environment = {
        **os.environ,
        "ZOTBRIDGE_HOME": str(tmp_path),
        "ZOTBRIDGE_ARXIV_URL": "http://127.0.0.1:9/api/query",
        "ZOTBRIDGE_ARXIV_DELAY": "0",
    }
    proc = zb(environment, "match", "-", input=b"Some Title Of A Paper\n")
    stderr = proc.stderr.decode()
    assert proc.returncode == 3
    assert (
        "arXiv did not answer after 9 tries" in stderr
        and "1 of 1 papers are not settled yet" in stderr
        and "Traceback" not in stderr
    )
