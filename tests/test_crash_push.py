"""Crash-safe push: `kill -9` of a real `zotbridge push` at many points (after each Zotero request),
then a re-run, gives exactly the library a clean run gives — no duplicate, nothing missing."""

import json

import httpx2
import pytest
from pyzotero import zotero

from conftest import SHARED, killed_run, run_zotbridge, service_env
from zotbridge.sandbox.arxiv_corpus import Corpus
from zotbridge.sandbox.arxiv_server import ArxivEmulator
from zotbridge.sandbox.zotero_server import Stats, ZoteroEmulator

pytestmark = pytest.mark.slow

KEY = "KEYcrash1234"
SEEDS = SHARED / "reference/arxiv-seed-records.jsonl"
IDS = [line.split('"id": "')[1].split('"')[0] for line in SEEDS.read_text().splitlines()]
LISTING = ("\n".join(IDS) + "\n").encode()


@pytest.fixture(scope="module", params=["plain", "comment-notes", "user-states"])
def arxiv(request, tmp_path_factory):
    """The seed records; for the comment-notes run each has an author comment, and push adds
    the notes (a new item and its note travel in one request). For the user-states run the
    library starts as users leave theirs (see :func:`prepare_user_states`)."""
    rows = [json.loads(line) for line in SEEDS.read_text().splitlines()]
    if request.param == "comment-notes":
        for n, row in enumerate(rows):
            row["comments"] = f"{n + 5} pages"
    path = tmp_path_factory.mktemp("corpus") / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with ArxivEmulator(Corpus.from_jsonl(path)) as server:
        # PDFs have their own crash test (test_crash_pdfs.py): here, the items alone
        server.push_options = ["--pdf", "none"] + (
            ["--comment-notes"] if request.param == "comment-notes" else []
        )
        server.prepare = prepare_user_states if request.param == "user-states" else (lambda *args: None)
        yield server


def prepare_user_states(server, env):
    """A library as a user leaves it (zotero/dataserver): three papers pushed into "Old", then
    "Old" deleted (its items keep their versions, so the synced store still names it), one of
    them trashed (invisible without includeTrashed), and a "Lab" collection in the trash (still
    listed, flagged deleted). The requests of this setup are not counted."""
    assert (
        run_zotbridge(
            "push", "-", "--collection", "Old", input=("\n".join(IDS[:3]) + "\n").encode(), env=env
        ).returncode
        == 0
    )
    zot = zotero.Zotero(9, "user", KEY, client=httpx2.Client(trust_env=False, timeout=10))
    zot.endpoint = server.url
    old = zot.collections()[0]
    trashed = next(i for i in zot.top() if i["data"]["archiveID"] == f"arXiv:{IDS[1]}")

    def send(method, path, body=None, **headers):
        response = httpx2.request(
            method,
            f"{server.url}/users/9{path}",
            json=body,
            trust_env=False,
            timeout=10,
            headers={"Zotero-API-Key": KEY, **headers},
        )
        assert response.status_code in (200, 204), response.text
        return response.json() if response.status_code == 200 else None

    send(
        "DELETE",
        f"/collections?collectionKey={old['key']}",
        **{"If-Unmodified-Since-Version": str(zot.last_modified_version())},
    )
    send("POST", "/items", [{"key": trashed["key"], "version": trashed["version"], "deleted": 1}])
    lab = send("POST", "/collections", [{"name": "Lab"}])["successful"]["0"]
    send("POST", "/collections", [{"key": lab["key"], "version": lab["version"], "deleted": True}])
    server.stats = Stats()


def library_view(server):
    zot = zotero.Zotero(9, "user", KEY, client=httpx2.Client(trust_env=False, timeout=10))
    zot.endpoint = server.url
    items = zot.everything(zot.top())
    paper_of = {i["key"]: i["data"]["archiveID"] for i in items}
    notes = sorted(
        (paper_of[n["data"]["parentItem"]], n["data"]["note"])
        for n in zot.everything(zot.items(itemType="note"))
    )
    names = {c["key"]: c["data"]["name"] for c in zot.collections()}
    return (
        sorted(
            (
                i["data"]["archiveID"] or i["data"]["extra"],
                i["data"]["citationKey"],
                tuple(sorted(names[c] for c in i["data"]["collections"])),
                tuple(sorted(t["tag"] for t in i["data"]["tags"])),
            )
            for i in items
        ),
        sorted(names.values()),
        notes,
    )


def env_for(tmp_path, arxiv, zotero, name):
    return service_env(tmp_path / name, arxiv, zotero, KEY, 9)


def test_kill_at_every_request_then_rerun_equals_a_clean_run(tmp_path, arxiv):
    with ZoteroEmulator(tmp_path / "clean.json") as clean:
        clean.add_user(9, "kim", KEY)
        arxiv.prepare(clean, env_for(tmp_path, arxiv, clean, "clean-home"))
        proc = run_zotbridge(
            "push",
            "-",
            "--collection",
            "Lab/Reading",
            *arxiv.push_options,
            input=LISTING,
            env=env_for(tmp_path, arxiv, clean, "clean-home"),
        )
        assert proc.returncode == 0, proc.stderr
        requests_of_a_run = clean.stats.requests
        expected = library_view(clean)
    assert len(expected[0]) == 50 and len(expected[2]) == (
        50 if "--comment-notes" in arxiv.push_options else 0
    )
    for kill_after in range(1, requests_of_a_run + 1):
        with ZoteroEmulator(tmp_path / f"z{kill_after}.json") as server:
            server.add_user(9, "kim", KEY)
            env = env_for(tmp_path, arxiv, server, f"home{kill_after}")
            arxiv.prepare(server, env)
            push = ["push", "-", "--collection", "Lab/Reading", "-q", *arxiv.push_options]
            killed_run(push, LISTING, env, lambda s=server: s.stats.requests, kill_after)
            rerun = run_zotbridge(
                "push", "-", "--collection", "Lab/Reading", *arxiv.push_options, input=LISTING, env=env
            )
            assert rerun.returncode == 0, (kill_after, rerun.stderr)
            assert library_view(server) == expected, kill_after
