"""Foreseeable failures end in one error line and a hint with a documented exit status — through
click's runner and through a real subprocess; -v adds the traceback."""

import os

import pytest

from conftest import run_zotbridge


@pytest.fixture
def home(tmp_path, monkeypatch):
    for name in list(os.environ):
        if name.startswith(("ZOTBRIDGE_", "ZOTERO_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ZOTBRIDGE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ZOTBRIDGE_ARXIV_URL", "http://127.0.0.1:9/api/query")
    monkeypatch.setenv("ZOTBRIDGE_ARXIV_DELAY", "0")
    return tmp_path


CASES = [
    (["parse", "missing.txt"], 2, "no such file"),
    (["push", "-", "--collection", "A"], 2, "no Zotero library is configured"),
    (["organize", "--collection", "A"], 2, "no Zotero library is configured"),
    (["match", "-"], 3, "arXiv did not answer"),
    (["bib", "-", "-o", "no/such/dir/refs.bib"], 2, "does not exist"),
]


@pytest.mark.parametrize(("args", "code", "message"), CASES)
def test_errors_through_the_runner(cli, home, args, code, message):
    result = cli(*args, input="2401.10815\n")
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[-2].startswith("zotbridge: error: ") and message in lines[-2]
    assert lines[-1].startswith("  hint: ") and "Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "code", "message"), CASES[:2])
def test_errors_through_a_subprocess_and_verbose_traceback(home, args, code, message):
    proc = run_zotbridge(*args, input=b"2401.10815\n", env=dict(os.environ))
    stderr = proc.stderr.decode()
    assert proc.returncode == code and message in stderr and "Traceback" not in stderr
    verbose = run_zotbridge("-v", *args, input=b"2401.10815\n", env=dict(os.environ))
    assert verbose.returncode == code and "Traceback" in verbose.stderr.decode()
