"""Merging into a user's .bib: their bytes survive, zotbridge's entries update, nothing is lost."""

import random
import signal
import subprocess
import sys
import time
from dataclasses import replace

import pytest
from test_bibtex_entries import make

from zotbridge.bibtex.bibfile import parse_bib
from zotbridge.bibtex.export import write_bibliography
from zotbridge.errors import InputError
from zotbridge.models import Match
from zotbridge.store import Store

USER_FILE = """% My bibliography, kept by hand
@string{neurips = "Advances in Neural Information Processing Systems"}
@preamble{ "\\newcommand{\\noopsort}[1]{}" }

@comment{jabref-meta: databaseType:bibtex;}

@InProceedings{ mine2020,
    author    = "Doe, Jane",
    title     = {My {Own} Paper},
    booktitle = neurips # " 33",
    year      = 2020
}

Free text between entries is a comment to BibTeX. Mail me@example.org.

@article{vaswani_user,
  title={Attention is all you need},
  author={Vaswani, Ashish and others},
  journal={arXiv preprint arXiv:1706.03762},
  year={2017}
}
"""
VASWANI = make()
DIFFUSION = make(
    arxiv_id="2006.11239",
    title="Denoising Diffusion Probabilistic Models",
    authors=["Jonathan Ho", "Ajay Jain", "Pieter Abbeel"],
    published="2020-06-19T17:24:44+00:00",
    primary_category="cs.LG",
)
BERT = make(
    arxiv_id="1810.04805",
    title="BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
    authors=["Jacob Devlin", "Ming-Wei Chang"],
    published="2018-10-11T00:50:01+00:00",
    updated="2019-05-24T20:37:26+00:00",
)


def matched(*records):
    return [Match(i, r.title, "matched", r.arxiv_id, 1.0, record=r) for i, r in enumerate(records)]


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "home")
    yield s
    s.close()


@pytest.fixture
def bib(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(USER_FILE, encoding="utf-8")
    return path


def test_new_entries_are_appended_and_the_users_bytes_are_untouched(bib, store):
    result = write_bibliography(matched(VASWANI, DIFFUSION), bib, store)
    text = bib.read_text(encoding="utf-8")
    assert text.startswith(USER_FILE)
    appended = text[len(USER_FILE) :]
    assert appended.startswith("\n@misc{hoDenoisingDiffusionProbabilistic2023,\n")
    assert appended.count("@") == 1  # Vaswani is already there (by its arXiv id): not added again
    assert result.outcomes["1706.03762"].action == "kept"
    assert result.outcomes["2006.11239"].action == "added"
    assert (bib.parent / "refs.bib.bak").read_text(encoding="utf-8") == USER_FILE
    # the user's key for the paper is now the paper's key (for Zotero later)
    assert store.citation_key("1706.03762") == "vaswani_user"


def test_a_rerun_with_nothing_new_leaves_the_file_byte_identical(bib, store):
    write_bibliography(matched(VASWANI, DIFFUSION, BERT), bib, store)
    before = bib.read_bytes()
    stat = bib.stat()
    result = write_bibliography(matched(BERT, DIFFUSION, VASWANI), bib, store)
    assert bib.read_bytes() == before
    assert bib.stat().st_mtime_ns == stat.st_mtime_ns and not result.written
    assert {o.action for o in result.outcomes.values()} == {"unchanged", "kept"}


def test_updates_keep_the_users_edits_in_zotbridges_entries(bib, store):
    write_bibliography(matched(DIFFUSION), bib, store)
    text = bib.read_text(encoding="utf-8")
    # the user edits the title, deletes howpublished and adds a field of their own
    text = text.replace(
        "  title = {Denoising Diffusion Probabilistic Models},",
        "  title = {Denoising Diffusion Probabilistic Models ({DDPM})},",
    )
    text = text.replace(",\n  howpublished = {arXiv:2006.11239 [cs.LG]}\n}", ",\n  keywords = {diffusion}\n}")
    assert "keywords" in text
    bib.write_text(text, encoding="utf-8")
    published = replace(DIFFUSION, journal_ref="NeurIPS 2020", title="Denoising Diffusion Models")
    result = write_bibliography(matched(published), bib, store)
    assert result.outcomes["2006.11239"].action == "updated"
    new = bib.read_text(encoding="utf-8")
    entry = next(
        b for b in parse_bib(new, "refs.bib").entries if b.key == "hoDenoisingDiffusionProbabilistic2023"
    )
    fields = {f.name: f.plain for f in entry.fields}
    assert fields["title"] == "Denoising Diffusion Probabilistic Models ({DDPM})"  # the user's edit wins
    assert "howpublished" not in fields  # deleted by the user: stays deleted
    assert fields["keywords"] == "diffusion"  # the user's field stays
    assert fields["note"] == "Published in NeurIPS 2020"  # zotbridge's new information arrives
    assert new.startswith(USER_FILE)


def test_a_style_change_rewrites_only_untouched_entries(bib, store):
    write_bibliography(matched(DIFFUSION, BERT), bib, store)
    text = bib.read_text(encoding="utf-8").replace("  year = {2019},", "  year = {2020},")
    bib.write_text(text, encoding="utf-8")
    write_bibliography(matched(DIFFUSION, BERT), bib, store, style="biblatex")
    entries = {b.key: b for b in parse_bib(bib.read_text(encoding="utf-8"), "x").entries}
    ddpm = entries["hoDenoisingDiffusionProbabilistic2023"]
    assert ddpm.entry_type == "online" and ddpm.field("eprinttype") and not ddpm.field("archivePrefix")
    bert = entries["devlinBERTPretrainingDeep2019"]  # Better BibTeX's key for it
    assert bert.field("year").plain == "2020"  # the user's edit is kept …
    assert bert.field("eprinttype")  # … and the rest follows the new style


def test_an_unreadable_file_stops_with_its_line_and_changes_nothing(tmp_path, store):
    path = tmp_path / "refs.bib"
    broken = USER_FILE.replace("    title     = {My {Own} Paper},", "    title     = {My {Own Paper},")
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(InputError) as err:
        write_bibliography(matched(DIFFUSION), path, store)
    assert "refs.bib:7:" in err.value.message  # the entry that never closes starts on line 7
    assert "changed nothing" in err.value.hint
    assert path.read_text(encoding="utf-8") == broken
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "refs.bib"]


def test_a_key_held_by_another_entry_of_the_file_is_a_clear_error(tmp_path, store):
    first = tmp_path / "a.bib"
    write_bibliography(matched(DIFFUSION), first, store)
    second = tmp_path / "b.bib"
    second.write_text(
        "@book{hoDenoisingDiffusionProbabilistic2023,\n  title = {A book},\n}\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        write_bibliography(matched(DIFFUSION), second, store)
    assert "b.bib:1" in err.value.message and "keys never change" in err.value.message


def test_crlf_files_stay_crlf(tmp_path, store):
    path = tmp_path / "refs.bib"
    path.write_bytes(USER_FILE.replace("\n", "\r\n").encode())
    write_bibliography(matched(DIFFUSION), path, store)
    data = path.read_bytes()
    assert data.startswith(USER_FILE.replace("\n", "\r\n").encode())
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_dry_run_writes_nothing(bib, store):
    result = write_bibliography(matched(DIFFUSION), bib, store, dry_run=True)
    assert result.outcomes["2006.11239"].action == "added" and not result.written
    assert bib.read_text(encoding="utf-8") == USER_FILE
    assert not (bib.parent / "refs.bib.bak").exists()


WRITER = """
import sys
from pathlib import Path
from zotbridge.bibtex.export import write_bibliography
from zotbridge.models import ArxivRecord, Match
from zotbridge.store import Store
records = [ArxivRecord(f"2401.{i:05d}", 1, f"Paper number {i} on topic {i % 97}", "", [f"Ann Author{i}"],
                       "2024-01-02T00:00:00", "2024-01-02T00:00:00", "cs.LG") for i in range(int(sys.argv[3]))]
write_bibliography([Match(i, r.title, "matched", r.arxiv_id, 1.0, record=r) for i, r in enumerate(records)],
                   Path(sys.argv[1]), Store(Path(sys.argv[2])))
"""


@pytest.mark.slow
def test_killing_a_write_at_any_moment_leaves_the_old_or_the_new_file(tmp_path):
    """kill -9 of a real process at random moments: the file is always whole, old or new."""
    big_user_file = USER_FILE + "".join(f"@misc{{user{i},\n  title = {{Note {i}}}\n}}\n" for i in range(5000))
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    reference = tmp_path / "reference.bib"
    reference.write_text(big_user_file, encoding="utf-8")
    started = time.monotonic()
    subprocess.run([sys.executable, script, reference, tmp_path / "ref-home", "1000"], check=True)
    duration = time.monotonic() - started
    new_text = reference.read_text(encoding="utf-8")
    rng = random.Random(4)
    outcomes = set()
    for trial in range(8):
        path = tmp_path / f"t{trial}" / "refs.bib"
        path.parent.mkdir()
        path.write_text(big_user_file, encoding="utf-8")
        proc = subprocess.Popen([sys.executable, script, path, tmp_path / f"home{trial}", "1000"])
        time.sleep(rng.uniform(0.5, 1.1) * duration)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        text = path.read_text(encoding="utf-8")
        assert text in (big_user_file, new_text)
        outcomes.add("new" if text == new_text else "old")
        # a re-run completes the job
        subprocess.run([sys.executable, script, path, tmp_path / f"home{trial}", "1000"], check=True)
        assert path.read_text(encoding="utf-8") == new_text
    print(f"kill test: one run takes {duration:.2f}s; states seen after kills: {sorted(outcomes)}")
