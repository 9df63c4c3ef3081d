"""Crash-safe upgrades: `kill -9` of a real `zotbridge published --apply` after each Zotero request
it makes — the last one being the write, after which only the .bib is left to write — then a
re-run: every published paper is upgraded in both places, no entry or key is lost, no item is
doubled."""

from __future__ import annotations

import pytest

from conftest import killed_run, run_zotbridge
from zotbridge.sandbox.zotero_server import ZoteroEmulator

pytestmark = pytest.mark.slow

IDS = ["2302.90082", "1810.00826", "2206.90089", "2209.90103", "2408.04498"]
LISTING = ("\n".join(IDS) + "\n").encode()
PUBLISHED = {"2302.90082", "1810.00826", "2206.90089"}
APPLY = ("published", "-", "--apply", "--bib")


def _pushed(env, tmp_path, name):
    """A fresh library and .bib holding the papers as preprints: (zotero, env, bib)."""
    zotero = ZoteroEmulator(tmp_path / f"{name}.json").start()
    zotero.add_user(7, "reader", "readerkey")
    env = env | {"ZOTBRIDGE_ZOTERO_URL": zotero.url, "ZOTBRIDGE_HOME": str(tmp_path / f"home-{name}")}
    bib = tmp_path / f"{name}.bib"
    proc = run_zotbridge(
        "push", "-", "--collection", "R", "--bib", bib, "--pdf", "none", "-q", input=LISTING, env=env
    )
    assert proc.returncode == 0, proc.stderr
    return zotero, env, bib


def _check(zotero, bib, keys_before):
    everything = list(zotero.library("users/7").items.values())
    items = [i for i in everything if i["itemType"] not in ("note", "attachment")]
    assert len(items) == len(IDS)  # no item doubled
    links = sorted(i["parentItem"] for i in everything if i.get("linkMode") == "linked_url")
    assert links == sorted(i["key"] for i in items if i["itemType"] != "preprint")  # one arXiv link each
    upgraded = {i["extra"].split("arXiv:")[1].split()[0] for i in items if i["itemType"] != "preprint"}
    assert upgraded == PUBLISHED
    heads = [line for line in bib.read_text().splitlines() if line.startswith("@")]
    assert sorted(h.split("{", 1)[1] for h in heads) == keys_before  # no entry lost, no key changed
    assert sum(h.startswith(("@inproceedings", "@article")) for h in heads) == len(PUBLISHED)


def _keys(bib):
    return sorted(line.split("{", 1)[1] for line in bib.read_text().splitlines() if line.startswith("@"))


def test_killed_after_any_zotero_request_the_rerun_upgrades_both_and_loses_nothing(venue_services, tmp_path):
    env, _servers = venue_services
    zotero, clean_env, bib = _pushed(env, tmp_path, "clean")
    keys_before, start = _keys(bib), zotero.stats.requests
    proc = run_zotbridge(*APPLY, bib, "-q", input=LISTING, env=clean_env)
    assert proc.returncode == 0, proc.stderr
    requests = zotero.stats.requests - start
    _check(zotero, bib, keys_before)
    zotero.stop()
    assert requests >= 2  # at least the sync and the write
    for count in range(1, requests + 1):
        zotero, run_env, bib = _pushed(env, tmp_path, f"kill{count}")
        try:
            keys_before, begin = _keys(bib), zotero.stats.requests
            since = lambda z=zotero, b=begin: z.stats.requests - b  # noqa: E731 (binds this run's server)
            killed_run([*APPLY, bib, "-q"], LISTING, run_env, since, count)
            rerun = run_zotbridge(*APPLY, bib, "-q", input=LISTING, env=run_env)
            assert rerun.returncode == 0, (count, rerun.stderr)
            _check(zotero, bib, keys_before)
        finally:
            zotero.stop()
