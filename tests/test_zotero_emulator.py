"""The Zotero emulator, driven by pyzotero 1.16 itself, and by raw HTTP where pyzotero hides what
the server does. Expected texts and codes come from docs/zotero-api.md (the dataserver's)."""

import json
import threading
import time

import httpx2
import pytest
from pyzotero import zotero, zotero_errors

from zotbridge.sandbox.zotero_server import ZoteroEmulator

KEY, READONLY, OTHER = "KEYwrite1", "KEYread1", "KEYother1"


@pytest.fixture
def server(tmp_path):
    with ZoteroEmulator(tmp_path / "zotero.json") as s:
        s.add_user(101, "alice", KEY, groups={555: True})
        s.add_user(101, "alice", READONLY, write=False)
        s.add_user(202, "bob", OTHER)
        yield s


def zot_for(server, library_id=101, kind="user", key=KEY):
    zot = zotero.Zotero(library_id, kind, key, client=httpx2.Client(trust_env=False, timeout=10))
    zot.endpoint = server.url
    return zot


def raw(server, method, path, key=KEY, **kwargs):
    headers = kwargs.pop("headers", {})
    if key:
        headers["Zotero-API-Key"] = key
    return httpx2.request(method, server.url + path, headers=headers, trust_env=False, timeout=10, **kwargs)


def preprint(**fields):
    item = {
        "itemType": "preprint",
        "title": "A title",
        "creators": [{"creatorType": "author", "firstName": "Ada", "lastName": "Lovelace"}],
        "tags": [],
    }
    return item | fields


def test_authentication_in_all_three_ways_and_its_refusals(server):
    assert raw(server, "GET", "/users/101/items").status_code == 200
    bearer = raw(server, "GET", "/users/101/items", key=None, headers={"Authorization": f"Bearer {KEY}"})
    assert bearer.status_code == 200
    assert raw(server, "GET", f"/users/101/items?key={KEY}", key=None).status_code == 200
    bad = raw(server, "GET", "/users/101/items", key="NOPE123")
    assert (bad.status_code, bad.text, bad.headers["Content-Type"]) == (403, "Invalid key", "text/plain")
    assert raw(server, "GET", "/users/101/items", key=OTHER).status_code == 403  # not bob's library
    denied = raw(server, "POST", "/users/101/items", key=READONLY, json=[preprint()])
    assert (denied.status_code, denied.text) == (403, "Write access denied")
    nokey = raw(server, "POST", "/users/101/items", key=None, json=[preprint()])
    assert (nokey.status_code, nokey.text) == (403, "An API key is required for write requests.")
    assert raw(server, "GET", "/users/alice/items").status_code == 400


def test_key_info_on_both_endpoints(server):
    assert zot_for(server).key_info()["userID"] == 101  # pyzotero asks /keys/<key>
    current = raw(server, "GET", "/keys/current", key=READONLY).json()
    assert current["access"]["user"] == {"library": True, "files": True, "notes": True, "write": False}
    assert raw(server, "GET", "/keys/UNKNOWN1", key=None).status_code == 404


def test_create_returns_the_v3_result_shape_and_versions_per_object(server):
    zot = zot_for(server)
    result = zot.create_items([preprint(title="One"), preprint(title="Two")])
    assert set(result) == {"successful", "success", "unchanged", "failed"}
    saved = [result["successful"][i] for i in ("0", "1")]
    assert [s["data"]["title"] for s in saved] == ["One", "Two"]
    assert saved[1]["version"] == saved[0]["version"] + 1  # one library-version bump per object
    data = saved[0]["data"]
    # every preprint field is listed, empty ones as ""
    assert data["archiveID"] == "" and data["citationKey"] == "" and data["collections"] == []
    assert zot.item(saved[0]["key"])["meta"]["creatorSummary"] == "Lovelace"


@pytest.mark.parametrize(
    ("bad", "code", "message"),
    [
        (preprint(pages="3"), 400, "'pages' is not a valid field for type 'preprint'"),
        (preprint(itemType="paper"), 400, "'paper' is not a valid itemType"),
        (preprint(foo="x"), 400, "Invalid property 'foo'"),
        (
            preprint(creators=[{"creatorType": "author", "firstName": "A"}]),
            400,
            "'lastName' creator field must be set if 'firstName' is set",
        ),
        (
            preprint(creators=[{"creatorType": "author", "name": "X", "lastName": "Y"}]),
            400,
            "'firstName' and 'name' creator fields are mutually exclusive",
        ),
        (
            preprint(creators=[{"firstName": "A", "lastName": "B"}]),
            400,
            "creator object must contain 'creatorType'",
        ),
        (preprint(tags=["plain"]), 400, "Tag must be an object"),
        (preprint(tags=[{"tag": "x", "colour": 1}]), 400, "Invalid tag property 'colour'"),
        (preprint(tags=[{"tag": "t" * 256}]), 413, "Tag '" + "t" * 50 + "…' too long"),
        (preprint(collections=["ABCD2345"]), 409, "Collection ABCD2345 not found"),
        (preprint(relations="x"), 400, "'relations' property must be an object"),
        ({"title": "no type"}, 400, "'itemType' property not provided"),
        (
            preprint(key="ABCD2345"),
            428,
            "Either If-Unmodified-Since-Version or 'version' property must be provided "
            "for 'key'-based writes",
        ),
    ],
)
def test_invalid_objects_fail_alone_without_failing_the_request(server, bad, code, message):
    result = zot_for(server).create_items([preprint(title="fine"), bad])
    assert list(result["successful"]) == ["0"]
    assert result["failed"]["1"]["code"] == code
    assert result["failed"]["1"]["message"] == message.replace("&", "&amp;")


def test_request_level_limits(server):
    too_many = raw(server, "POST", "/users/101/items", json=[preprint()] * 51)
    assert (too_many.status_code, too_many.text) == (413, "Cannot add more than 50 items at a time")
    not_array = raw(server, "POST", "/users/101/items", json=preprint())
    assert (not_array.status_code, not_array.text) == (400, "Uploaded data must be a JSON array")
    with pytest.raises(zotero_errors.TooManyItemsError):
        zot_for(server).create_items([preprint()] * 51)  # pyzotero refuses before sending


def test_write_token_replay_is_refused_and_commits_nothing(server):
    headers = {"Zotero-Write-Token": "a" * 32}
    first = raw(server, "POST", "/users/101/items", json=[preprint()], headers=dict(headers))
    assert first.status_code == 200
    again = raw(server, "POST", "/users/101/items", json=[preprint()], headers=dict(headers))
    assert (again.status_code, again.text) == (412, "Write token already used")
    assert len(server.library("users/101").items) == 1
    assert (
        raw(
            server, "POST", "/users/101/items", json=[preprint()], headers={"Zotero-Write-Token": "abc"}
        ).status_code
        == 400
    )


def test_versions_incremental_sync_and_304(server):
    zot = zot_for(server)
    zot.create_items([preprint(title="a")])
    version = zot.last_modified_version()
    zot.create_items([preprint(title="b")])
    changed = zot.item_versions(since=version)
    assert len(changed) == 1
    keys = raw(server, "GET", "/users/101/items?format=keys")
    assert keys.headers["Content-Type"] == "text/plain" and len(keys.text.splitlines()) == 2
    latest = zot.last_modified_version()
    unchanged = raw(server, "GET", "/users/101/items", headers={"If-Modified-Since-Version": str(latest)})
    assert unchanged.status_code == 304


def test_pagination_keeps_filters_for_pyzotero_everything(server):
    zot = zot_for(server)
    for start in range(0, 120, 50):
        zot.create_items(
            [
                preprint(title=f"Graph {i}" if i % 2 else f"Other {i}")
                for i in range(start, min(start + 50, 120))
            ]
        )
    graphs = zot.everything(zot.items(q="graph", limit=25))
    assert len(graphs) == 60 and all(i["data"]["title"].startswith("Graph") for i in graphs)
    page = raw(server, "GET", "/users/101/items?q=graph&limit=500")
    assert page.headers["Total-Results"] == "60" and len(page.json()) == 60  # limit clamps to 100
    first = raw(server, "GET", "/users/101/items?q=graph&limit=10")
    assert (
        '<https://api.zotero.org/users/101/items?limit=10&q=graph&start=10>; rel="next"'
        in first.headers["Link"]
    )


def test_updates_need_versions_and_reject_stale_ones(server):
    zot = zot_for(server)
    saved = zot.create_items([preprint()])["successful"]["0"]
    key, version = saved["key"], saved["version"]
    missing = raw(server, "PATCH", f"/users/101/items/{key}", json={"title": "x"})
    assert missing.status_code == 428
    ok = raw(
        server,
        "PATCH",
        f"/users/101/items/{key}",
        json={"title": "new"},
        headers={"If-Unmodified-Since-Version": str(version)},
    )
    assert ok.status_code == 204 and int(ok.headers["Last-Modified-Version"]) > version
    stale = raw(
        server,
        "PATCH",
        f"/users/101/items/{key}",
        json={"title": "older"},
        headers={"If-Unmodified-Since-Version": str(version)},
    )
    assert stale.status_code == 412 and "expected" in stale.text
    item = zot.item(key)
    assert item["data"]["title"] == "new"
    assert zot.update_item(item["data"] | {"title": "via pyzotero"})  # fetches /itemFields, then PATCH
    assert zot.item(key)["data"]["title"] == "via pyzotero"


def test_collections_duplicates_meta_and_membership(server):
    zot = zot_for(server)
    top = zot.create_collections([{"name": "Reading"}])["successful"]["0"]["key"]
    twins = zot.create_collections(
        [{"name": "LLMs", "parentCollection": top}, {"name": "LLMs", "parentCollection": top}]
    )
    assert len(twins["successful"]) == 2  # Zotero allows duplicate names
    bad = zot.create_collections([{"name": "x", "parentCollection": "ZZZZ2222"}])
    assert bad["failed"]["0"]["code"] == 409
    item = zot.create_items([preprint(collections=[top])])["successful"]["0"]
    assert zot.collection(top)["meta"] == {"numCollections": 2, "numItems": 1}
    assert [i["key"] for i in zot.collection_items(top)] == [item["key"]]
    assert len(zot.collections_sub(top)) == 2


def test_a_parent_and_its_note_in_one_request(server):
    """zotero-api.md §1.3: a child after its (client-keyed) parent in the same POST is saved; a
    child may not be filed in a collection; /items/<key>/children lists it and /items/top not."""
    zot = zot_for(server)
    top = zot.create_collections([{"name": "Reading"}])["successful"]["0"]["key"]
    result = zot.create_items(
        [
            preprint(key="PARENT23", version=0, collections=[top]),
            {
                "itemType": "note",
                "parentItem": "PARENT23",
                "note": "Comment: 9 pages",
                "tags": [],
                "relations": {},
                "key": "CHILD234",
                "version": 0,
            },
            {"itemType": "note", "parentItem": "PARENT23", "note": "filed", "collections": [top], "tags": []},
            {"itemType": "note", "parentItem": "NOPARENT", "note": "orphan", "tags": []},
        ]
    )
    assert sorted(result["successful"]) == ["0", "1"]
    assert result["failed"]["2"]["message"] == "Child items cannot be assigned to collections"
    assert result["failed"]["3"]["code"] == 409
    assert [c["key"] for c in zot.children("PARENT23")] == ["CHILD234"]
    assert zot.item("PARENT23")["meta"]["numChildren"] == 1
    assert [i["key"] for i in zot.top()] == ["PARENT23"]
    assert raw(server, "GET", "/users/101/items/MISSING2/children").status_code == 404


def test_the_library_survives_a_restart(tmp_path):
    state = tmp_path / "state.json"
    with ZoteroEmulator(state) as first:
        first.add_user(7, "carol", KEY)
        key = zot_for(first, 7).create_items([preprint(title="kept")])["success"]["0"]
    with ZoteroEmulator(state) as second:
        assert zot_for(second, 7).item(key)["data"]["title"] == "kept"


def test_group_libraries(server):
    group = zot_for(server, 555, "group")
    saved = group.create_items([preprint()])["successful"]["0"]
    assert saved["library"]["type"] == "group" and saved["library"]["id"] == 555
    assert raw(server, "GET", "/groups/556/items").status_code == 403


def test_metadata_endpoints(server):
    zot = zot_for(server)
    assert {"itemType": "preprint", "localized": "Preprint"} in zot.item_types()
    fields = [f["field"] for f in zot.item_type_fields("preprint")]
    assert fields[:5] == ["title", "abstractNote", "genre", "repository", "archiveID"]
    template = zot.item_template("preprint")
    assert template["creators"] == [{"creatorType": "author", "firstName": "", "lastName": ""}]
    assert raw(server, "GET", "/itemTypeFields?itemType=nope").status_code == 400


def test_fault_switches(server):
    zot = zot_for(server)
    server.faults.plan("429")
    response = raw(server, "GET", "/users/101/items")
    assert (response.status_code, response.headers["Retry-After"]) == (429, "1")
    server.faults.plan("429")
    with pytest.raises(json.JSONDecodeError):  # pyzotero's create_items does not retry (§4)
        zot.create_items([preprint()])
    server.faults.plan("backoff:0")
    assert raw(server, "GET", "/users/101/items").headers["Backoff"] == "0"
    server.faults.plan("write:lost")
    assert raw(server, "GET", "/users/101/items").status_code == 200  # reads pass a write-only fault
    with pytest.raises(httpx2.TransportError):
        raw(server, "POST", "/users/101/items", json=[preprint(title="committed")])
    assert [i["title"] for i in server.library("users/101").items.values()] == ["committed"]
    for fault in ("500", "503", "412"):
        server.faults.plan(fault)
        assert raw(server, "GET", "/users/101/items").status_code == int(fault)


# --- what users do in Zotero every day, as the real server records it (zotero/dataserver) ---------


def post(server, kind, objects, **headers):
    return raw(server, "POST", f"/users/101/{kind}", json=objects, headers=headers)


def test_deleting_a_collection_leaves_its_items_versions_alone(server):
    """ "Deleting a collection removes items from it without bumping their versions"
    (model/Item.inc.php): an incremental sync never re-reads them; /deleted lists the collection."""
    coll = post(server, "collections", [{"name": "LLMs"}]).json()["successful"]["0"]["key"]
    item = post(server, "items", [preprint(collections=[coll])]).json()["successful"]["0"]
    before = raw(server, "GET", "/users/101/items?format=versions").json()
    library_version = int(
        raw(server, "GET", "/users/101/items?format=versions").headers["Last-Modified-Version"]
    )
    assert (
        raw(
            server,
            "DELETE",
            f"/users/101/collections?collectionKey={coll}",
            headers={"If-Unmodified-Since-Version": str(library_version)},
        ).status_code
        == 204
    )
    assert raw(server, "GET", "/users/101/items?format=versions").json() == before  # no item version moved
    assert raw(server, "GET", f"/users/101/items?since={library_version}&format=versions").json() == {}
    assert raw(server, "GET", f"/users/101/deleted?since={library_version}").json()["collections"] == [coll]
    assert raw(server, "GET", f"/users/101/items/{item['key']}").json()["data"]["collections"] == []


def test_a_collection_in_the_trash_is_listed_with_deleted_true(server):
    """Trashing writes ``deleted: true`` (Collections::updateFromJSON); /collections has no trash
    filter and Collection::toJSON adds ``"deleted": true`` (model/Collection.inc.php)."""
    saved = post(server, "collections", [{"name": "Reading"}]).json()["successful"]["0"]
    trashed = post(
        server, "collections", [{"key": saved["key"], "version": saved["version"], "deleted": True}]
    )
    assert list(trashed.json()["successful"]) == ["0"]
    (listed,) = raw(server, "GET", "/users/101/collections").json()
    assert listed["data"]["deleted"] is True and listed["data"]["name"] == "Reading"


def test_items_in_the_trash_are_left_out_unless_include_trashed(server):
    """includeTrashed defaults to 0 for since and itemKey reads; trashed items carry ``deleted: 1``
    (tests/remote/tests/3/item.test.js "should return items in trash with includeTrashed")."""
    saved = post(server, "items", [preprint()]).json()["successful"]["0"]
    version = saved["version"]
    post(server, "items", [{"key": saved["key"], "version": version, "deleted": 1}])
    assert raw(server, "GET", f"/users/101/items/top?since={version - 1}&format=versions").json() == {}
    assert raw(server, "GET", f"/users/101/items?itemKey={saved['key']}").json() == []
    (found,) = raw(server, "GET", f"/users/101/items?itemKey={saved['key']}&includeTrashed=1").json()
    assert found["data"]["deleted"] == 1
    versions = raw(
        server, "GET", f"/users/101/items/top?since={version - 1}&format=versions&includeTrashed=1"
    ).json()
    assert list(versions) == [saved["key"]]
    assert (
        raw(server, "GET", f"/users/101/deleted?since={version - 1}").json()["items"] == []
    )  # not deleted yet


@pytest.mark.parametrize("code", [500, 503])
def test_one_object_can_fail_with_5xx_inside_a_200(server, code):
    """An exception while saving one object is caught per object and becomes failed[i] with 500
    "An error occurred" (or 503 on a read-only shard) — the request is still a 200
    (model/DataObjects.inc.php, Errors.inc.php)."""
    server.faults.plan(f"write:object{code}:1")
    response = post(server, "items", [preprint(title="a"), preprint(title="b"), preprint(title="c")])
    assert response.status_code == 200
    result = response.json()
    assert sorted(result["successful"]) == ["0", "2"] and result["failed"]["1"]["code"] == code
    assert len(server.library("users/101").items) == 2  # the failed one was not saved


def test_a_creator_name_over_255_bytes_fails_that_object_with_413(server):
    """ "The creator name … is too long to sync" — counted in bytes (model/Creator.inc.php)."""
    fits = "Ω" * 127  # 254 bytes
    too_long = "Ω" * 128  # 128 characters, 256 bytes
    result = post(
        server,
        "items",
        [
            preprint(creators=[{"creatorType": "author", "name": fits}]),
            preprint(creators=[{"creatorType": "author", "name": too_long}]),
        ],
    ).json()
    assert list(result["successful"]) == ["0"]
    assert result["failed"]["1"]["code"] == 413 and "is too long to sync" in result["failed"]["1"]["message"]


def test_failed_entries_carry_no_key(server):
    """v3 ``failed`` entries never carry ``key`` (model/DataObjects.inc.php reads a v2 property;
    Results.inc.php drops the empty key): failures are matched by index."""
    result = post(server, "items", [preprint(key="ABCD2345")]).json()  # 428: no version
    assert "key" not in result["failed"]["0"] and result["failed"]["0"]["code"] == 428


def test_an_unchanged_object_still_bumps_the_library_version(server):
    """ "each item bumps the version, even if unchanged" (tests/remote/tests/3/collection.test.js);
    a re-POST of an item's own data is ``unchanged``."""
    saved = post(server, "items", [preprint()]).json()["successful"]["0"]
    data = raw(server, "GET", f"/users/101/items/{saved['key']}").json()["data"]
    before = int(raw(server, "GET", "/users/101/items?format=versions").headers["Last-Modified-Version"])
    again = post(server, "items", [data, data])
    assert again.json()["unchanged"] == {"0": saved["key"], "1": saved["key"]}
    assert int(again.headers["Last-Modified-Version"]) == before + 2


def test_preconditions_conflict_only_when_the_server_is_newer(server):
    """``obj.version > version`` and ``library > header`` (controllers/ApiController.php,
    model/API.inc.php): a higher version is accepted; PATCH with version 0 creates a missing
    object (tests/remote/tests/3/version.test.js)."""
    saved = post(server, "items", [preprint()]).json()["successful"]["0"]
    higher = post(server, "items", [{"key": saved["key"], "version": saved["version"] + 5, "title": "newer"}])
    assert list(higher.json()["successful"]) == ["0"]
    library = int(higher.headers["Last-Modified-Version"])
    ahead = post(server, "items", [preprint(title="x")], **{"If-Unmodified-Since-Version": str(library + 3)})
    assert ahead.status_code == 200
    behind = post(server, "items", [preprint(title="y")], **{"If-Unmodified-Since-Version": str(library - 1)})
    assert behind.status_code == 412
    created = raw(
        server,
        "PATCH",
        "/users/101/items/WXYZ2345",
        json=preprint(title="made by PATCH"),
        headers={"If-Unmodified-Since-Version": "0"},
    )
    assert created.status_code == 204
    assert raw(server, "GET", "/users/101/items/WXYZ2345").json()["data"]["title"] == "made by PATCH"


def test_what_the_server_accepts_silently(server):
    """Empty tags dropped (Item::setTags), "" for a field the type lacks ignored and a non-empty
    value refused (Item::setField), strings trimmed, control characters stripped
    (ApiController::jsonDecode; general.test.js "should filter invalid characters"), notes up to
    500,000 characters (Notes::$MAX_NOTE_LENGTH)."""
    result = post(
        server,
        "items",
        [preprint(title="  Spaced\x07 title  ", tags=[{"tag": ""}, {"tag": "kept"}], pages="")],
    ).json()
    data = result["successful"]["0"]["data"]
    assert data["title"] == "Spaced title" and data["tags"] == [{"tag": "kept"}] and "pages" not in data
    parent = result["successful"]["0"]["key"]
    note = {"itemType": "note", "parentItem": parent, "note": "x" * 400_000, "tags": [], "relations": {}}
    assert list(post(server, "items", [note]).json()["successful"]) == ["0"]
    assert post(server, "items", [note | {"note": "x" * 500_001}]).json()["failed"]["0"]["code"] == 413


def test_a_304_carries_no_last_modified_version(server):
    """The If-Modified-Since-Version check runs before the version is set (ApiController.php)."""
    post(server, "items", [preprint()])
    latest = raw(server, "GET", "/users/101/items?format=versions").headers["Last-Modified-Version"]
    unchanged = raw(server, "GET", "/users/101/items", headers={"If-Modified-Since-Version": latest})
    assert unchanged.status_code == 304 and "Last-Modified-Version" not in unchanged.headers


@pytest.mark.slow
def test_a_slow_write_lets_a_retry_through_before_its_token_is_stored(server):
    """Each object of a multi-object POST is its own transaction and the write token is stored only
    at the end (DataObjects.inc.php, ItemsController.php; pyzotero #316): a retry sent while the
    first request still runs is processed, and the objects the first one already committed come
    back to it as per-object 412 (version 0 on an existing key)."""
    objects = [preprint(title=f"p{i}", key=f"SLWA{i}{i}{i}{i}", version=0) for i in range(2, 6)]
    token = {"Zotero-Write-Token": "t" * 32}
    server.faults.plan("write:slowwrite:1.5")
    first = threading.Thread(target=lambda: post(server, "items", objects, **token))
    first.start()
    time.sleep(0.5)  # the first request has committed objects 0 and 1 and is pausing
    retry = post(server, "items", objects, **token).json()
    first.join()
    assert sorted(retry["failed"]) == ["0", "1"] and {f["code"] for f in retry["failed"].values()} == {412}
    assert sorted(retry["successful"]) == ["2", "3"]
    assert len(server.library("users/101").items) == 4  # nothing twice
