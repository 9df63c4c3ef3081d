"""`zotbridge parse`: the design.md contract, human output, stdin, and every bad-input case."""

import pytest

from conftest import LISTINGS, json_lines, run_zotbridge

CONTRACT_KEYS = [
    "index",
    "source",
    "kind",
    "title",
    "abstract",
    "arxiv_id",
    "authors_count",
    "date",
    "duplicate_of",
]


def test_json_over_the_five_listings(cli):
    result = cli("parse", *LISTINGS, "--json", "--listing-year", "2025")
    assert result.exit_code == 0, result.stderr
    rows = json_lines(result.stdout)
    assert len(rows) == 822
    assert all(list(row)[: len(CONTRACT_KEYS)] == CONTRACT_KEYS for row in rows)
    assert [row["index"] for row in rows] == list(range(822))
    assert rows[0]["source"] == f"{LISTINGS[0]}:11" and rows[0]["kind"] == "hf_listing"
    assert (
        rows[71]["title"] == "4DRadar-GS: Self-Supervised Dynamic Driving Scene Reconstruction with 4D Radar"
    )
    assert (rows[71]["authors_count"], rows[71]["date"]) == (8, "2025-09-16")
    assert sum(row["duplicate_of"] is not None for row in rows) == 62
    assert "822 papers read from 5 inputs" in result.stderr


def test_table_is_the_default_and_summary_goes_to_stderr(cli):
    result = cli("parse", LISTINGS[1])
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["#", "kind", "arxiv", "id", "date", "repeats", "title"]
    assert len(lines) == 72
    assert "ACTRESS: Active Retraining for Semi-supervised Visual Grounding" in lines[1]
    assert "2024-07-03" in lines[1]
    assert result.stderr.strip() == "71 papers read from 1 input"
    assert cli("parse", "-q", LISTINGS[1]).stderr == ""


def test_stdin_through_the_real_console_script():
    proc = run_zotbridge(
        "parse", "-", "--json", input=b"arXiv:2410.10636\nhttps://arxiv.org/abs/2401.11237v2\n"
    )
    assert proc.returncode == 0, proc.stderr
    rows = json_lines(proc.stdout.decode())
    assert [(r["arxiv_id"], r["source"], r["kind"]) for r in rows] == [
        ("2410.10636", "<stdin>:1", "arxiv_id"),
        ("2401.11237", "<stdin>:2", "arxiv_id"),
    ]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.txt", None, "missing.txt: no such file"),
        ("empty.txt", b"", "empty.txt: is empty"),
        ("blank.txt", b" \n\n\t\n", "blank.txt: contains only white space"),
        ("binary.dat", b"\x01\x02\x00\x03abc", "binary.dat: looks like a binary file (NUL byte at offset 2)"),
        ("paper.pdf", b"%PDF-1.7\n...", "paper.pdf: is a PDF document, not a text listing"),
        (
            "latin1.txt",
            "Title one\nCaf\xe9 paper\n".encode("latin-1"),
            "latin1.txt: not valid utf-8: byte 0xE9 at line 2, column 4 (byte offset 13)",
        ),
        ("nothing.txt", b"# only comments\n# here\n", "nothing.txt: no papers recognised"),
        ("nothing.bib", b"@comment{nothing}\n", "nothing.bib: no papers recognised"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    proc = run_zotbridge("parse", path)
    stderr = proc.stderr.decode()
    assert proc.returncode == 2
    assert f"zotbridge: error: {tmp_path}/{message}" in stderr
    assert "hint:" in stderr
    assert "Traceback" not in stderr
    assert proc.stdout == b""  # nothing half-printed


def test_encoding_option_reads_a_legacy_file(write, cli):
    path = write("latin1.txt", "Café paper about things\n".encode("latin-1"))
    result = cli("parse", "--encoding", "latin-1", "--json", path)
    assert json_lines(result.stdout)[0]["title"] == "Café paper about things"
    assert cli("parse", "--encoding", "no-such-codec", path).exit_code == 2


def test_utf16_with_bom_is_read(write, cli):
    path = write("u16.txt", "Attention Is All You Need\n".encode("utf-16"))
    assert json_lines(cli("parse", "--json", path).stdout)[0]["title"] == "Attention Is All You Need"


def test_bad_file_among_good_ones_stops_before_output(write, cli):
    good = write("good.txt", "A Good Title\n")
    result = cli("parse", good, write("bad.txt", b"\xff\xfe\x00"[1:]))
    assert result.exit_code == 2 and result.stdout == ""


@pytest.mark.slow
def test_100k_identifiers_stream(tmp_path):
    path = tmp_path / "big.txt"
    with path.open("w") as out:
        for i in range(100_000):
            out.write(f"https://arxiv.org/abs/2401.{i:05d}\n")
    proc = run_zotbridge("parse", path, "--json")
    assert proc.returncode == 0, proc.stderr[-500:]
    lines = proc.stdout.splitlines()
    assert len(lines) == 100_000
    assert b'"arxiv_id": "2401.99999"' in lines[-1]


def test_verbose_shows_the_traceback_and_quiet_works_before_the_command(tmp_path):
    missing = tmp_path / "missing.txt"
    plain = run_zotbridge("parse", missing).stderr.decode()
    verbose = run_zotbridge("-v", "parse", missing).stderr.decode()
    assert "Traceback" not in plain and "Traceback" in verbose
    assert verbose.rstrip().endswith("hint: check the path (use - to read standard input)")
    good = tmp_path / "t.txt"
    good.write_text("A Good Title\n")
    assert run_zotbridge("-q", "parse", good).stderr == b""
