"""`zotbridge bib` through the real console script against the arXiv emulator."""

import json

import pytest

from conftest import json_lines, run_zotbridge, service_env

LISTING = (
    b"https://arxiv.org/abs/2408.04498\narXiv:2410.10636v2\nhep-th/9901001\narXiv:2501.99999\n2408.04498\n"
)


@pytest.fixture
def env(tmp_path, arxiv_seeds):
    return arxiv_seeds, service_env(tmp_path / "home", arxiv_seeds)


def test_bib_writes_matched_papers_reports_the_rest_and_reruns_for_free(env, tmp_path):
    server, environment = env
    out = tmp_path / "refs.bib"
    proc = run_zotbridge("bib", "-", "-o", out, "--json", input=LISTING, env=environment)
    assert proc.returncode == 0, proc.stderr
    rows = json_lines(proc.stdout.decode())
    assert [(r["index"], r["action"], r["key"]) for r in rows] == [
        (0, "added", "choModelBasedTransferLearning2024"),
        (1, "added", "maharanaAdapt$infty$ScalableLifelong2025"),  # TeX kept raw, as BBT does
        (2, "added", "maldacenaStringsEmphAntideSitter2025"),  # TeX is not interpreted
        (3, "skipped", None),
        (4, "added", "choModelBasedTransferLearning2024"),  # a repeat: the same entry, written once
    ]
    text = out.read_text(encoding="utf-8")
    assert text.count("@misc{") == 3 and "@misc{choModelBasedTransferLearning2024," in text
    stderr = proc.stderr.decode()
    assert "3 added" in stderr and "1 not written (1 unmatched" in stderr and "new file" in stderr

    before, requests = out.read_bytes(), server.stats.requests
    again = run_zotbridge("bib", "-", "-o", out, input=LISTING, env=environment)
    assert again.returncode == 0 and out.read_bytes() == before and server.stats.requests == requests
    assert "3 unchanged" in again.stderr.decode() and "file unchanged" in again.stderr.decode()
    assert not (tmp_path / "refs.bib.bak").exists()  # nothing was replaced, so no backup either


def test_keys_are_shared_across_files_and_styles(env, tmp_path):
    _server, environment = env
    run_zotbridge("bib", "-", "-o", tmp_path / "a.bib", input=b"2408.04498\n", env=environment)
    proc = run_zotbridge(
        "bib",
        "-",
        "-o",
        tmp_path / "b.bib",
        "--style",
        "biblatex",
        "--json",
        "--key-format",
        "auth.lower + year",
        input=b"2408.04498\n2410.10636\n",
        env=environment,
    )
    rows = json_lines(proc.stdout.decode())
    # the first paper keeps the key it was given; only the new one follows the new template
    assert [r["key"] for r in rows] == ["choModelBasedTransferLearning2024", "maharana2025"]
    assert "@online{maharana2025," in (tmp_path / "b.bib").read_text(encoding="utf-8")


def test_dry_run_and_comment_block(env, tmp_path):
    _server, environment = env
    out = tmp_path / "refs.bib"
    proc = run_zotbridge("bib", "-", "-o", out, "--dry-run", input=LISTING, env=environment)
    assert proc.returncode == 0 and not out.exists()
    assert "dry run, nothing written" in proc.stderr.decode()
    run_zotbridge("bib", "-", "-o", out, "--comment-unresolved", input=LISTING, env=environment)
    text = out.read_text(encoding="utf-8")
    assert "@comment{zotbridge: not resolved" in text
    assert "unmatched: (no title) (arXiv has no paper 2501.99999)" in text


def test_errors_are_one_line_with_a_hint_and_change_nothing(env, tmp_path):
    _server, environment = env
    proc = run_zotbridge(
        "bib",
        "-",
        "-o",
        tmp_path / "x.bib",
        "--key-format",
        "auth + nonsense",
        input=LISTING,
        env=environment,
    )
    assert proc.returncode == 2
    assert b"'nonsense' is not a function zotbridge knows" in proc.stderr and b"hint:" in proc.stderr
    broken = tmp_path / "broken.bib"
    broken.write_text("@article{a,\n  title = {Open\n}\n\n@misc{b,\n  title = {Fine}\n}\n", encoding="utf-8")
    before = broken.read_bytes()
    proc = run_zotbridge("bib", "-", "-o", broken, input=LISTING, env=environment)
    stderr = proc.stderr.decode()
    assert proc.returncode == 2 and "broken.bib:1:" in stderr and "Traceback" not in stderr
    assert broken.read_bytes() == before


def test_human_table_lists_each_paper(env, tmp_path):
    _server, environment = env
    proc = run_zotbridge("bib", "-", "-o", tmp_path / "r.bib", input=LISTING, env=environment)
    lines = proc.stdout.decode().splitlines()
    assert lines[0].split() == ["#", "entry", "key", "title"]
    assert any(line.split()[:3] == ["3", "skipped", "(unmatched)"] for line in lines)
    assert json.dumps  # stdout is a table, not JSON
