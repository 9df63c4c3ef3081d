"""Hostile input never reaches the user as a traceback: deeply nested and huge BibTeX, 1 MB lines,
control characters and right-to-left text, through the real command line."""

import pytest

from conftest import json_lines, run_zotbridge

NESTED = "@article{deep,\n  title = {" + "{" * 20000 + "x" + "}" * 20000 + "},\n}\n"
CASES = {
    "nested.bib": NESTED.encode(),
    "unclosed.bib": ("@article{a,\n  title = {" + "{" * 5000 + "\n").encode(),
    "huge-line.txt": ("A title " + "word " * 200_000 + "\n").encode(),
    "control.txt": "Attention\x00 Is\x07 All\x1b[31m You Need\u202e\u200b\n2410.10636\n".encode(),
    "rtl.txt": "\u05d4\u05d9\u05d9 \u05e2\u05d5\u05dc\u05dd: a Hebrew title\n\u0645\u0631\u062d\u0628\u0627 arabic title\n".encode(),
    "binary.txt": bytes(range(256)) * 20,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_parse_survives(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(CASES[name])
    proc = run_zotbridge("parse", "--json", path, env={"ZOTBRIDGE_HOME": str(tmp_path), "PATH": "/usr/bin"})
    assert proc.returncode in (0, 2), proc.stderr
    assert b"Traceback" not in proc.stderr
    if proc.returncode == 0:
        for row in json_lines(proc.stdout.decode()):
            assert "\x00" not in (row["title"] or "") and "\x1b" not in (row["title"] or "")


def test_merging_into_a_deeply_nested_bib_keeps_it_byte_for_byte(tmp_path):
    from zotbridge.bibtex.bibfile import parse_bib

    bib = parse_bib(NESTED, "deep.bib")
    assert "".join(NESTED[b.start : b.end] for b in bib.blocks) == NESTED and bib.entries[0].key == "deep"
