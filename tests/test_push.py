"""`zotbridge push` end to end: the real console script against the arXiv and Zotero emulators,
the library read back with pyzotero 1.16."""

import json
import math

import httpx2
import pytest
from pyzotero import zotero

from conftest import SHARED, json_lines, run_zotbridge, service_env
from zotbridge.config import Settings
from zotbridge.credentials import Credentials
from zotbridge.sandbox.arxiv_corpus import Corpus, paper_from_row
from zotbridge.sandbox.arxiv_server import ArxivEmulator
from zotbridge.zotero.client import ZoteroClient
from zotbridge.zotero.writes import apply_updates

KEY = "KEYpush123"
EXAMPLE = SHARED / "listings" / "hf-papers-001.txt"
IDS = b"2311.05440\n2408.04498\n2410.10636\nhep-th/9901001\n2311.05440\narXiv:2501.99999\n"


@pytest.fixture
def arxiv(arxiv_seeds):
    return arxiv_seeds


@pytest.fixture
def zot_server(zotero_emulator):
    return zotero_emulator(42, "ada", KEY, groups={900: True})


@pytest.fixture
def env(tmp_path, arxiv, zot_server):
    return service_env(tmp_path / "home", arxiv, zot_server, KEY, 42)


def library(server, library_id=42, kind="user"):
    zot = zotero.Zotero(library_id, kind, KEY, client=httpx2.Client(trust_env=False, timeout=10))
    zot.endpoint = server.url
    return zot


def push(env, *args, listing=IDS):
    proc = run_zotbridge("push", "-", *args, input=listing, env=env)
    return proc, proc.stdout.decode(), proc.stderr.decode()


def by_arxiv(zot):
    out = {}
    for item in zot.everything(zot.top()):
        lines = item["data"]["extra"].splitlines() + [item["data"].get("archiveID", "")]
        ids = [line.split()[0][len("arXiv:") :] for line in lines if line.startswith("arXiv:")]
        out.setdefault(ids[0] if ids else None, []).append(item)
    return out


def test_push_files_papers_like_zoteros_arxiv_import(env, zot_server, tmp_path):
    proc, out, err = push(env, "--collection", "Reading/LLMs", "--bib", tmp_path / "refs.bib", "--json")
    assert proc.returncode == 0, err
    rows = json_lines(out)
    summary = rows.pop()["summary"]
    assert [r["action"] for r in rows] == ["create", "create", "create", "create", "create", "skip"]
    assert summary["new_collections"] == ["Reading", "LLMs"] and summary["counts"] == {"create": 4, "skip": 1}
    zot = library(zot_server)
    top = [c for c in zot.collections() if c["data"]["name"] == "Reading"][0]
    llms = zot.collections_sub(top["key"])[0]
    assert llms["data"]["name"] == "LLMs" and llms["meta"]["numItems"] == 4
    items = by_arxiv(zot)
    assert sorted(items) == ["2311.05440", "2408.04498", "2410.10636", "hep-th/9901001"]
    assert all(len(v) == 1 for v in items.values())  # the repeated id made one item
    data = items["2311.05440"][0]["data"]
    assert {
        k: data[k]
        for k in (
            "itemType",
            "title",
            "date",
            "url",
            "repository",
            "archiveID",
            "DOI",
            "extra",
            "libraryCatalog",
            "collections",
        )
    } == {
        "itemType": "preprint",
        "title": "A Practical Approach to Novel Class Discovery in Tabular Data",
        "date": "2023-11-01",
        "url": "http://arxiv.org/abs/2311.05440",
        "repository": "arXiv",
        "archiveID": "arXiv:2311.05440",
        "DOI": "10.48550/arXiv.2311.05440",
        "extra": "arXiv:2311.05440 [cs.LG]",
        "libraryCatalog": "arXiv.org",
        "collections": [llms["key"]],
    }
    assert data["creators"][2] == {"creatorType": "author", "firstName": "Stéphane", "lastName": "Gosselin"}
    assert len(data["creators"]) == 5 and data["abstractNote"].startswith(
        "The problem of Novel Class Discovery"
    )
    automatic = [t for t in data["tags"] if t.get("type") == 1]
    keywords = [t["tag"] for t in data["tags"] if not t.get("type")]
    assert automatic == [{"tag": "Computer Science - Machine Learning", "type": 1}]
    assert 1 <= len(keywords) <= 5 and "novel class discovery" in keywords
    assert data["accessDate"].endswith("Z")
    # the published paper (journal DOI) is a journal article, as Zotero saves it
    published = items["hep-th/9901001"][0]["data"]
    assert published["itemType"] == "journalArticle" and published["DOI"] == "10.1103/PhysRevD.60.046001"
    assert published["extra"].splitlines()[0] == "arXiv:hep-th/9901001"
    # citationKey equals the key of the .bib entry for the same paper
    bib = (tmp_path / "refs.bib").read_text(encoding="utf-8")
    for arxiv_id, (item,) in items.items():
        key = item["data"]["citationKey"]
        assert (
            f"@misc{{{key},\n" in bib
            and f"eprint = {{{arxiv_id}}}" in bib.split(f"@misc{{{key},")[1].split("}\n")[0] + "}"
        )


@pytest.mark.slow
def test_a_second_push_writes_nothing(env, zot_server):
    push(env, "--collection", "Reading")
    writes = zot_server.stats.writes
    proc, out, err = push(env, "--collection", "Reading", "--json")
    summary = json_lines(out)[-1]["summary"]
    assert proc.returncode == 0 and zot_server.stats.writes == writes
    assert summary["writes"] == 0 and summary["counts"] == {"unchanged": 4, "skip": 1}
    assert "4 unchanged" in err and "0 Zotero writes" in err
    before = zot_server.stats.requests
    push(env, "--collection", "Reading")
    assert zot_server.stats.requests - before == 1  # the sync's one 304 answer


def test_a_connector_saved_journal_article_is_updated_not_duplicated(env, zot_server):
    zot = library(zot_server)
    saved = zot.create_items(
        [
            {
                "itemType": "journalArticle",
                "title": "A Practical Approach to Novel Class Discovery in Tabular Data",
                "DOI": "10.1000/journal.1",
                "url": "https://arxiv.org/pdf/2311.05440v1",
                "extra": "arXiv:2311.05440",
                "tags": [{"tag": "to-read"}],
                "creators": [],
            }
        ]
    )["successful"]["0"]
    proc, out, _ = push(env, "--collection", "Reading", "--json")
    actions = {r["arxiv_id"]: r for r in json_lines(out)[:-1] if r["arxiv_id"]}
    assert actions["2311.05440"]["action"] == "update" and actions["2311.05440"]["item_key"] == saved["key"]
    assert len(by_arxiv(zot)["2311.05440"]) == 1
    data = zot.item(saved["key"])["data"]
    assert data["itemType"] == "journalArticle" and data["title"] == saved["data"]["title"]  # not rewritten
    tags = {t["tag"] for t in data["tags"]}
    assert {
        "to-read",
        "Computer Science - Machine Learning",
        "novel class discovery",
    } <= tags  # merged, none lost
    assert data["collections"] and data["citationKey"] == actions["2311.05440"]["citation_key"]


def test_dry_run_prints_the_plan_and_writes_nothing(env, zot_server):
    proc, out, err = push(env, "--collection", "New/Place", "--dry-run")
    assert proc.returncode == 0 and zot_server.stats.writes == 0
    assert "dry run, nothing written" in err and "would create 'New', 'Place'" in err
    assert "create in the collection" in out


def test_two_sibling_collections_with_the_same_name_are_an_error(env, zot_server):
    zot = library(zot_server)
    result = zot.create_collections([{"name": "Reading"}, {"name": "Reading"}])
    proc, _, err = push(env, "--collection", "Reading/LLMs")
    assert proc.returncode == 2 and "two collections are called 'Reading'" in err
    for key in result["success"].values():
        assert key in err
    assert zot_server.stats.writes == 1  # only the test's own write


def test_group_library(env, zot_server):
    group_env = env | {"ZOTERO_LIBRARY_TYPE": "group", "ZOTERO_LIBRARY_ID": "900"}
    proc, _, err = push(group_env, "--collection", "Lab")
    assert proc.returncode == 0, err
    assert len(library(zot_server, 900, "group").top()) == 4
    assert library(zot_server).top() == []


def test_requests_for_new_papers_stay_within_the_budget(env, zot_server):
    """Metadata alone: ⌈n/50⌉ creates and a few requests besides (PDFs: tests/test_pdfs.py)."""
    proc, out, _ = push(env, "--collection", "A/B", "--json", "--pdf", "none")
    summary = json_lines(out)[-1]["summary"]
    new = summary["counts"]["create"]
    assert summary["requests"] <= math.ceil(new / 50) + 3


@pytest.mark.slow
@pytest.mark.parametrize(
    "fault",
    [
        "429",
        "429-bare",
        "503",
        "500",
        "backoff:1",
        "reset",
        "write:lost",
        "write:429",
        "write:503",
        "write:409",
        "write:reset",
        "write:object500:0",
        "write:object503:2",
        "write:slowwrite:0.5",
    ],
)
def test_faults_lose_nothing_and_duplicate_nothing(env, zot_server, fault):
    zot_server.faults.plan("ok", fault)  # the second request suffers (and the first write, for write: faults)
    proc, _, err = push(env, "--collection", "Reading")
    assert proc.returncode == 0, err
    items = by_arxiv(library(zot_server))
    assert sorted(items) == ["2311.05440", "2408.04498", "2410.10636", "hep-th/9901001"]
    assert all(len(v) == 1 for v in items.values())
    writes = zot_server.stats.writes
    again, _, _ = push(env, "--collection", "Reading")
    assert again.returncode == 0 and zot_server.stats.writes == writes


def test_a_stale_version_is_read_again(env, zot_server):
    zot = library(zot_server)
    zot.create_items([{"itemType": "preprint", "title": "x", "archiveID": "arXiv:2408.04498", "tags": []}])
    zot.create_collections([{"name": "Reading"}])
    zot_server.faults.plan("write:ok", "write:412")  # the creates pass; the update meets a 412
    proc, out, err = push(env, "--collection", "Reading", "--json")
    assert proc.returncode == 0, err
    assert len(by_arxiv(zot)["2408.04498"]) == 1
    item = by_arxiv(zot)["2408.04498"][0]["data"]
    assert item["collections"] and item["citationKey"]  # the update went through after reading again


def test_not_logged_in_is_a_clear_error(env):
    bare = {k: v for k, v in env.items() if not k.startswith("ZOTERO_")}
    proc, _, err = push(bare, "--collection", "Reading")
    assert proc.returncode == 2 and "no Zotero library is configured" in err and "zotbridge login" in err
    wrong = env | {"ZOTERO_API_KEY": "WRONGKEY1"}
    proc, _, err = push(wrong, "--collection", "Reading")
    assert proc.returncode != 0 and "Invalid key" in err and "WRONGKEY1" not in err and "Traceback" not in err


@pytest.fixture
def commented(tmp_path):
    """The seed records, the first 30 with an author comment (one with HTML-special characters)."""
    rows = [
        json.loads(line) for line in (SHARED / "reference/arxiv-seed-records.jsonl").read_text().splitlines()
    ]
    for n, row in enumerate(rows[:30]):
        row["comments"] = (
            f"{n + 10} pages,\n  5 figures" if n else "Accepted at <b>ICML</b> & NeurIPS; error <5%"
        )
    path = tmp_path / "commented.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with ArxivEmulator(Corpus.from_jsonl(path)) as server:
        yield server, [r["id"] for r in rows[:30]]


def note_of(zot, parent_key):
    """The child note of an item (its PDF is a child too)."""
    return next(c["data"] for c in zot.children(parent_key) if c["data"]["itemType"] == "note")


@pytest.mark.slow
@pytest.mark.parametrize("fault", [None, "write:lost"])
def test_the_authors_comment_becomes_one_child_note(env, zot_server, commented, fault):
    server, ids = commented
    env = env | {"ZOTBRIDGE_ARXIV_URL": server.url}
    if fault:
        zot_server.faults.plan("ok", fault)
    listing = "\n".join(ids).encode() + b"\n"
    proc, out, err = push(env, "--collection", "Reading", "--json", "--comment-notes", listing=listing)
    assert proc.returncode == 0, err
    assert all(r["reason"] == "" for r in json_lines(out)[:-1])
    zot = library(zot_server)
    items = {arxiv_id: found[0] for arxiv_id, found in by_arxiv(zot).items()}
    notes = [n["data"] for n in zot.everything(zot.items(itemType="note"))]
    assert sorted(n["parentItem"] for n in notes) == sorted(items[i]["key"] for i in ids)  # one each
    first = note_of(zot, items[ids[0]]["key"])
    assert first["note"] == "Comment: Accepted at &lt;b&gt;ICML&lt;/b&gt; &amp; NeurIPS; error &lt;5%"
    assert note_of(zot, items[ids[1]]["key"])["note"] == "Comment: 11 pages, 5 figures"
    assert "collections" not in first  # a child is never filed itself (Zotero refuses that)
    writes = zot_server.stats.writes
    again, _, _ = push(env, "--collection", "Reading", "--comment-notes", listing=listing)
    assert again.returncode == 0 and zot_server.stats.writes == writes
    assert len(zot.everything(zot.items(itemType="note"))) == 30


def test_comment_notes_are_opt_in(env, zot_server, commented):
    """Without --comment-notes a push keeps the ⌈n/50⌉ + 3 budget whatever the comments."""
    server, ids = commented
    proc, out, _ = push(
        env | {"ZOTBRIDGE_ARXIV_URL": server.url},
        "--collection",
        "A",
        "--json",
        "--pdf",
        "none",
        listing="\n".join(ids).encode() + b"\n",
    )
    assert proc.returncode == 0 and json_lines(out)[-1]["summary"]["requests"] <= 1 + 3
    zot = library(zot_server)
    assert zot.items(itemType="note") == [] and len(zot.top()) == 30


def test_items_their_notes_and_pdfs_share_requests(env, zot_server, commented, tmp_path):
    """30 papers with a comment and a PDF are 90 objects: two creates (≤ 50 each, no child apart
    from its item), then at most 3 requests per file. Notes turned on in the config file's
    [defaults]."""
    server, ids = commented
    config = tmp_path / "config.toml"
    config.write_text("[defaults]\ncomment_notes = true\n")
    proc, out, _ = push(
        env
        | {
            "ZOTBRIDGE_ARXIV_URL": server.url,
            "ZOTBRIDGE_ARXIV_PDF_URL": server.pdf_url,
            "ZOTBRIDGE_CONFIG": str(config),
        },
        "--collection",
        "A",
        "--json",
        listing="\n".join(ids).encode() + b"\n",
    )
    summary = json_lines(out)[-1]["summary"]
    assert summary["counts"] == {"create": 30} and summary["pdf"]["counts"] == {"create": 30}
    creates = [r for r in zot_server.stats.log if r[0] == "POST" and r[1] == "/users/42/items"]
    files = [r for r in zot_server.stats.log if r[1].endswith("/file")]
    assert len(creates) == 2 and len(files) <= 2 * 30  # authorize + register; the bytes go to storage
    zot = library(zot_server)
    assert len(zot.everything(zot.items(itemType="note"))) == 30
    assert len(zot.everything(zot.items(itemType="attachment"))) == 30


# --- the library a user really has (zotero/dataserver; docs/zotero.md) ------------------------------

THREE = b"2311.05440\n2408.04498\n2410.10636\n"
COLLABORATION = "The " + "Very Large Hadron Collider Physics Collaboration Working Group " * 5 + "Team"


def user(zot_server, method, path, body=None, **headers):
    """What the user does in Zotero, sent as the Zotero client sends it."""
    response = httpx2.request(
        method,
        zot_server.url + "/users/42" + path,
        json=body,
        trust_env=False,
        timeout=10,
        headers={"Zotero-API-Key": KEY, **headers},
    )
    assert response.status_code in (200, 204), response.text
    return response


@pytest.mark.slow
def test_a_library_with_a_deleted_collection_a_trashed_collection_and_a_trashed_item(env, zot_server, arxiv):
    """Three ordinary library states that broke real pushes (zotero/dataserver): a deleted
    collection leaves its items' versions alone (model/Item.inc.php), so its key stayed in the
    items zotbridge had synced and every later update failed with 409 "Collection … not found"; a
    trashed collection is still listed, with ``deleted: true`` (Collection::toJSON); a trashed item
    is invisible without ``includeTrashed=1`` (item.test.js). And a per-object 500 inside a 200
    (DataObjects.inc.php), and an author name over Zotero's 255 bytes (Creator.inc.php)."""
    arxiv.corpus.add(
        paper_from_row(
            {
                "id": "2502.00777",
                "title": "A Measurement by a Very Large Team",
                "authors": f"Ada Lovelace, {COLLABORATION}",
                "abstract": "We measure.",
                "categories": "hep-ex",
                "versions": [{"version": "v1", "created": "Mon, 3 Feb 2025 10:00:00 GMT"}],
            }
        )
    )
    assert push(env, "--collection", "Reading/LLMs", listing=THREE)[0].returncode == 0
    assert push(env, "--collection", "Reading/Other", listing=THREE)[0].returncode == 0  # synced: in both
    zot = library(zot_server)
    collections = {c["data"]["name"]: c for c in zot.collections()}
    items = {arxiv_id: copies[0] for arxiv_id, copies in by_arxiv(zot).items()}
    version = zot.last_modified_version()
    user(
        zot_server,
        "DELETE",
        f"/collections?collectionKey={collections['LLMs']['key']}",
        **{"If-Unmodified-Since-Version": str(version)},
    )
    other = collections["Other"]
    user(
        zot_server,
        "POST",
        "/collections",
        [{"key": other["key"], "version": other["version"], "deleted": True}],
    )
    trashed = items["2408.04498"]
    user(zot_server, "POST", "/items", [{"key": trashed["key"], "version": trashed["version"], "deleted": 1}])

    zot_server.faults.plan("write:ok", "write:object500:0")  # the new collection; then the new item's write
    proc, out, err = push(env, "--collection", "Reading/Other", "--json", listing=THREE + b"2502.00777\n")
    assert proc.returncode == 0, err
    rows = json_lines(out)
    summary = rows.pop()["summary"]
    assert [r["action"] for r in rows] == ["update", "restored", "update", "create"]
    assert summary["notes"] == ["the collection 'Reading/Other' is in Zotero's trash: a new one is made"]
    assert any("author name shortened" in c for c in rows[3]["changes"])

    zot = library(zot_server)
    new_other = [
        c for c in zot.collections() if c["data"]["name"] == "Other" and not c["data"].get("deleted")
    ]
    assert len(new_other) == 1 and new_other[0]["key"] != other["key"]
    everything = zot.everything(zot.top(includeTrashed=1))
    copies = by_arxiv(zot)
    assert sorted(copies) == ["2311.05440", "2408.04498", "2410.10636", "2502.00777"]
    assert all(len(v) == 1 for v in copies.values()) and len(everything) == 4  # no duplicate, trash included
    for item in everything:
        assert not item["data"].get("deleted")
        assert new_other[0]["key"] in item["data"]["collections"]  # visible in a collection not in the trash
    team = copies["2502.00777"][0]["data"]["creators"][1]
    assert len((team.get("name") or team["lastName"]).encode()) <= 255 and "Collaboration" in str(team)
    again = push(env, "--collection", "Reading/Other", "--json", listing=THREE + b"2502.00777\n")
    assert [r["action"] for r in json_lines(again[1])[:-1]] == ["unchanged"] * 4


@pytest.mark.slow
def test_organize_makes_more_than_50_sub_collections(env, zot_server, tmp_path):
    """Zotero takes at most 50 objects per write (DataObjects.inc.php: 413 "Cannot add more than
    50 … at a time"): 55 new sub-collections are two requests, not an error."""
    assert push(env, "--collection", "Many", listing=THREE)[0].returncode == 0
    rules = tmp_path / "rules.toml"
    rules.write_text("".join(f'[[group]]\nname = "Group {i:02d}"\ntags = ["*"]\n' for i in range(55)))
    proc = run_zotbridge("organize", "--collection", "Many", "--rules", rules, "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    subs = [c for c in library(zot_server).collections() if c["data"]["name"].startswith("Group ")]
    assert len(subs) == 55


@pytest.mark.slow
def test_a_timeout_on_a_big_write_does_not_multiply_requests(env, zot_server):
    """A 50-object POST is 50 transactions and its write token is stored only at the end
    (DataObjects.inc.php, ItemsController.php); pyzotero #316 saw read timeouts where "the write
    request may succeed". The retry, sent while the first still runs, gets per-object 412s for what
    the first committed: adopted with one read, not one per item — and nothing twice."""
    ids = [json.loads(line)["id"] for line in (SHARED / "reference/arxiv-seed-records.jsonl").open()][:40]
    env = {**env, "ZOTBRIDGE_ZOTERO_TIMEOUT": "1"}
    assert push(env, "--collection", "Warm", listing=b"2311.05440\n")[0].returncode == 0  # collection exists
    zot_server.faults.plan("write:slowwrite:2.5")
    proc, out, err = push(
        env, "--collection", "Warm", "--json", "--tags", "0", "--pdf", "none", listing="\n".join(ids).encode()
    )
    assert proc.returncode == 0, err
    summary = json_lines(out)[-1]["summary"]
    # the POST that timed out, its retry, one read of the items the retry found saved
    assert summary["requests"] == 3, summary
    copies = by_arxiv(library(zot_server))
    assert len(copies) == 40 and all(len(v) == 1 for v in copies.values())


def test_an_update_naming_a_collection_deleted_meanwhile_is_read_again(zot_server, tmp_path):
    """Between zotbridge's sync and its write the user deletes a collection the item is in: the
    server answers that object with 409 "Collection … not found" and ``data.collection``
    (model/Item.inc.php, Errors.inc.php). The item is read again — without the gone collection —
    and the change is sent again."""
    zot = library(zot_server)
    keep, gone, new = (
        zot.create_collections([{"name": n}])["successful"]["0"]["key"] for n in ("Keep", "Gone", "New")
    )
    item = zot.create_items(
        [{"itemType": "preprint", "title": "x", "collections": [keep, gone], "tags": []}]
    )["successful"]["0"]
    stale = item["data"]  # what a sync stored before the user deleted "Gone"
    httpx2.request(
        "DELETE",
        f"{zot_server.url}/users/42/collections?collectionKey={gone}",
        trust_env=False,
        headers={"Zotero-API-Key": KEY, "If-Unmodified-Since-Version": str(zot.last_modified_version())},
    )
    client = ZoteroClient(Settings(home=tmp_path, zotero_url=zot_server.url), Credentials(KEY, 42))
    before = zot_server.stats.requests
    failures = apply_updates(client, [stale], lambda data: {"collections": [*data["collections"], new]})
    assert failures == {}
    assert zot_server.stats.requests - before == 3  # the 409, one read, the update again
    assert zot.item(item["key"])["data"]["collections"] == [keep, new]
