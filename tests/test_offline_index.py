"""The offline arXiv index: build (plain, gz, zip, stdin), malformed rows, status, update,
interrupted build, and offline decisions equal to online ones on the labelled set."""

import gzip
import json
import os
import zipfile

import pytest

from conftest import LISTINGS, SHARED, json_lines, read, run_zotbridge
from zotbridge.arxiv import index as offline
from zotbridge.arxiv.client import ArxivClient
from zotbridge.arxiv.resolve import resolve
from zotbridge.config import Settings
from zotbridge.sandbox import hard_corpus
from zotbridge.sandbox.arxiv_corpus import Corpus
from zotbridge.sandbox.arxiv_server import ArxivEmulator
from zotbridge.sandbox.services import example
from zotbridge.store import Store

SAMPLE = SHARED / "reference" / "arxiv-snapshot-sample.jsonl"
SEEDS = SHARED / "reference" / "arxiv-seed-records.jsonl"


def lines(path):
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_build_status_and_lookup(tmp_path):
    report = offline.build(str(SAMPLE), tmp_path)
    assert (report.rows, report.malformed) == (200, 0)
    info = offline.status(tmp_path)
    assert info["rows"] == "200" and info["size_bytes"] > 0 and info["snapshot_date"] >= "2007"
    index = offline.ArxivIndex(tmp_path)
    record = index.fetch_ids(["0704.0001v2"]).found["0704.0001v2"]
    assert (
        record.title
        == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert record.authors[0] == "C. Balázs" and record.primary_category == "hep-ph"
    hits = index.search('ti:"prompt diphoton production" OR (ti:tevatron AND abs:"perturbative quantum")', 5)
    assert hits.records[0].arxiv_id == "0704.0001"
    index.close()


@pytest.mark.parametrize("kind", ["gz", "zip", "stdin"])
def test_compressed_and_stdin_snapshots(tmp_path, kind):
    data = SEEDS.read_bytes()
    if kind == "gz":
        source = tmp_path / "snap.json.gz"
        source.write_bytes(gzip.compress(data))
        proc = run_zotbridge("index", "build", source, env={**os.environ, "ZOTBRIDGE_HOME": str(tmp_path)})
    elif kind == "zip":
        source = tmp_path / "snap.zip"
        with zipfile.ZipFile(source, "w") as z:
            z.writestr("arxiv-metadata-oai-snapshot.json", data)
        proc = run_zotbridge("index", "build", source, env={**os.environ, "ZOTBRIDGE_HOME": str(tmp_path)})
    else:
        proc = run_zotbridge(
            "index", "build", "-", input=data, env={**os.environ, "ZOTBRIDGE_HOME": str(tmp_path)}
        )
    assert proc.returncode == 0, proc.stderr
    assert "index built: 50 rows" in proc.stderr.decode()


def test_malformed_rows_are_counted_not_fatal(tmp_path):
    snapshot = tmp_path / "snap.jsonl"
    good = lines(SEEDS)[:5]
    snapshot.write_text("\n".join([good[0], "{not json", '{"title": "no id"}', *good[1:], "[1, 2]"]) + "\n")
    report = offline.build(str(snapshot), tmp_path)
    assert (report.rows, report.malformed) == (5, 3) and report.first_malformed.startswith("line 2")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("garbage\n")
    proc = run_zotbridge("index", "build", empty, env={**os.environ, "ZOTBRIDGE_HOME": str(tmp_path)})
    assert proc.returncode == 2 and b"no snapshot row could be read" in proc.stderr
    assert offline.status(tmp_path)["rows"] == "5"  # the failed build left the index alone


def test_an_interrupted_build_leaves_the_old_index_usable(tmp_path):
    offline.build(str(SEEDS), tmp_path)

    def interrupt(_count):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        offline.build(str(SAMPLE), tmp_path, progress=interrupt)
    assert offline.status(tmp_path)["rows"] == "50"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arxiv-index.sqlite3"]
    index = offline.ArxivIndex(tmp_path)
    assert index.fetch_ids(["2408.04498"]).found  # still answers
    index.close()


def test_update_rewrites_only_changed_rows(tmp_path):
    offline.build(str(SEEDS), tmp_path)
    rows = [json.loads(line) for line in lines(SEEDS)]
    rows[0]["title"] = "A Completely New Title For Testing Updates"
    rows.append(json.loads(lines(SAMPLE)[0]))
    newer = tmp_path / "newer.jsonl"
    newer.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = offline.update(str(newer), tmp_path)
    assert (report.rows, report.changed) == (51, 2)
    index = offline.ArxivIndex(tmp_path)
    assert [r.arxiv_id for r in index.search('ti:"completely new title"', 5).records] == [rows[0]["id"]]
    assert (
        index.search('ti:"model based transfer learning for contextual"', 5).records == []
    )  # the old title is gone
    index.close()
    assert offline.status(tmp_path)["rows"] == "51"


@pytest.mark.slow
def test_offline_decisions_equal_online_ones_on_the_labelled_set(tmp_path):
    """The same scoring and decisions whichever source: the emulator (online) and the index built
    from the same corpus, on the labelled entries of the five listings."""
    corpus_path = example("demo-corpus.jsonl")
    offline.build(str(corpus_path), tmp_path / "offline")
    papers = read(*LISTINGS)
    labels = [json.loads(line) for line in lines(SHARED / "reference" / "seed-labels.jsonl")]
    labelled = hard_corpus.labelled_papers(papers, labels)
    targets = [p for p, _ in labelled]
    index = offline.ArxivIndex(tmp_path / "offline")
    offline_matches = resolve(targets, index, Store(tmp_path / "offline"))
    with ArxivEmulator(Corpus.from_jsonl(corpus_path)) as server:
        settings = Settings.from_env(
            {
                "ZOTBRIDGE_HOME": str(tmp_path / "online"),
                "ZOTBRIDGE_ARXIV_URL": server.url,
                "ZOTBRIDGE_ARXIV_DELAY": "0",
            }
        )
        online_matches = resolve(targets, ArxivClient(settings), Store(tmp_path / "online"))
    index.close()
    offline_view = [(m.status, m.arxiv_id) for m in offline_matches]
    assert offline_view == [(m.status, m.arxiv_id) for m in online_matches]
    assert sum(
        1 for (status, got), (_, truth) in zip(offline_view, labelled) if status == "matched" and got == truth
    ) >= 50 and not any(
        status == "matched" and got != truth for (status, got), (_, truth) in zip(offline_view, labelled)
    )


def test_offline_flag_needs_an_index_and_makes_no_requests(tmp_path):
    env = {
        **os.environ,
        "ZOTBRIDGE_HOME": str(tmp_path),
        "ZOTBRIDGE_ARXIV_URL": "http://127.0.0.1:9/api/query",
    }
    proc = run_zotbridge("match", "--offline", "-", input=b"2408.04498\n", env=env)
    assert proc.returncode == 2 and b"there is no offline arXiv index" in proc.stderr
    offline.build(str(SEEDS), tmp_path)
    proc = run_zotbridge("match", "--offline", "--json", "-", input=b"2408.04498\n", env=env)
    assert proc.returncode == 0 and json_lines(proc.stdout.decode())[0]["status"] == "matched"
    assert b"0 arXiv requests" in proc.stderr
    # auto (the default) uses a present index first, so the dead API is not needed either
    proc = run_zotbridge("match", "--json", "--refresh", "-", input=b"2408.04498\n", env=env)
    assert proc.returncode == 0 and json_lines(proc.stdout.decode())[0]["arxiv_id"] == "2408.04498"
