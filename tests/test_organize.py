"""`zotbridge organize` against the Zotero emulator: the tree it builds, idempotence, prune, rules."""

import httpx2
import pytest
from pyzotero import zotero

from conftest import json_lines, run_zotbridge, service_env

KEY = "KEYorganize1"


@pytest.fixture
def env(tmp_path, zotero_emulator):
    server = zotero_emulator(5, "eve", KEY)
    zot = zotero.Zotero(5, "user", KEY, client=httpx2.Client(trust_env=False, timeout=10))
    zot.endpoint = server.url
    top = zot.create_collections([{"name": "Reading"}])["success"]["0"]
    other = zot.create_collections([{"name": "Elsewhere"}])["success"]["0"]
    tags = {
        "a": ["diffusion model", "video generation", "vector"],
        "b": ["diffusion models", "vector"],  # another spelling of the same tag
        "c": ["diffusion model", "video generation"],
        "d": ["video generation", "robot learning", "vector"],
        "e": ["robot learning", "token"],
        "f": ["diffusion model", "robot learning", "video generation", "token"],
        "g": ["token"],
        "h": ["token"],
        "i": ["token"],
    }
    items = [
        {
            "itemType": "preprint",
            "title": f"Paper {name}",
            "collections": [top],
            "tags": [{"tag": t} for t in ts] + [{"tag": "Computer Science - Machine Learning", "type": 1}],
        }
        for name, ts in tags.items()
    ]
    items.append(
        {
            "itemType": "preprint",
            "title": "Not in Reading",
            "collections": [other],
            "tags": [{"tag": "video generation"}],
        }
    )
    zot.create_items(items)
    environment = service_env(tmp_path / "home", zotero=server, api_key=KEY, library_id=5)
    yield server, zot, environment, top


def organize(environment, *args):
    proc = run_zotbridge("organize", "--collection", "Reading", *args, env=environment)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def members(zot, parent):
    return {
        c["data"]["name"]: sorted(i["data"]["title"][-1] for i in zot.collection_items(c["key"]))
        for c in zot.collections_sub(parent)
    }


def organized(env, collection, tags):
    """Files an item per name into a new top collection, tagged as given, organizes it by tags with
    groups of two or more, and gives the sub-collections it made: name -> item names."""
    server, zot, environment, top = env
    key = zot.create_collections([{"name": collection}])["success"]["0"]
    zot.create_items(
        [
            {
                "itemType": "preprint",
                "title": f"Paper {name}",
                "collections": [key],
                "tags": [{"tag": t} for t in ts],
            }
            for name, ts in tags.items()
        ]
    )
    proc = run_zotbridge("organize", "--collection", collection, "--min-items", "2", env=environment)
    assert proc.returncode == 0, proc.stderr.decode()
    return members(zot, key)


def test_builds_the_tree_and_a_second_run_changes_nothing(env):
    server, zot, environment, top = env
    code, out, err = organize(environment, "--json")
    assert code == 0, err
    groups = {g["collection"]: g for g in json_lines(out)[:-1]}
    # robot learning has 3 items (kept, min 3); "diffusion models" is the same tag as "diffusion
    # model"; the broad word "vector" groups no item the phrases left out, so it is no group, but
    # "token" is the only tag of g, h and i; the automatic category tag is never a group
    assert set(groups) == {"diffusion model", "video generation", "robot learning", "token"}
    assert members(zot, top) == {
        "diffusion model": ["a", "b", "c", "f"],
        "video generation": ["a", "c", "d", "f"],
        "robot learning": ["d", "e", "f"],
        "token": ["e", "f", "g", "h", "i"],
    }
    assert all(g["created"] for g in groups.values())
    writes = server.stats.writes
    code, out, err = organize(environment)
    assert code == 0 and server.stats.writes == writes
    assert "0 new" in err and "0 items filed" in err
    assert "└─ diffusion model  (4 items)" in out


def test_dry_run_min_items_and_max_collections(env):
    server, zot, environment, top = env
    before = server.stats.writes  # the fixture's own
    code, out, err = organize(environment, "--dry-run", "--min-items", "4", "--max-collections", "1")
    assert code == 0 and server.stats.writes == before and "dry run" in err
    assert "diffusion model" in out and "video generation" not in out  # both have 4; ties go by name
    assert zot.collections_sub(top) == []


@pytest.mark.slow
def test_prune_removes_only_from_group_collections(env):
    server, zot, environment, top = env
    organize(environment)
    item = next(i for i in zot.top() if i["data"]["title"] == "Paper a")
    data = item["data"]
    data["tags"] = [t for t in data["tags"] if t["tag"] != "video generation"]
    zot.update_item(data)
    code, _, err = organize(environment)
    assert "a" in members(zot, top)["video generation"]  # without --prune nothing is removed
    code, _, err = organize(environment, "--prune")
    assert code == 0 and "1 removed" in err
    assert members(zot, top)["video generation"] == ["c", "d", "f"]


def test_rules_file(env, tmp_path):
    _server, zot, environment, top = env
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[group]]\nname = "Generative"\ntags = ["diffusion*"]\n\n'
        '[[group]]\nname = "Embodied"\ntags = ["ROBOT*", "video generation"]\n',
        encoding="utf-8",
    )
    code, _, err = organize(environment, "--rules", rules)
    assert code == 0, err
    assert members(zot, top) == {"Generative": ["a", "b", "c", "f"], "Embodied": ["a", "c", "d", "e", "f"]}
    rules.write_text("name = 1\n", encoding="utf-8")
    code, _, err = organize(environment, "--rules", rules)
    assert code == 2 and "no [[group]] entries" in err


def test_unknown_collection(env):
    _server, _zot, environment, _top = env
    proc = run_zotbridge("organize", "--collection", "Nope/Deeper", env=environment)
    assert proc.returncode == 2 and b"there is no collection 'Nope/Deeper'" in proc.stderr


def test_an_acronym_joins_its_only_expansion(env):
    """Items filed at different times can carry "LLMs" and "large language model": one group, named
    by the expansion, as tags are (docs/tags.md). "ML" next to two expansions joins neither."""
    tags = {
        "j": ["LLMs", "ML"],
        "k": ["large language model", "machine learning"],
        "l": ["large language model", "metric learning", "ML"],
        "m": ["machine learning", "metric learning", "ML"],
        "n": ["metric learning", "GPT-4"],
    }
    assert organized(env, "Acronyms", tags) == {
        "large language model": ["j", "k", "l"],
        "metric learning": ["l", "m", "n"],
        "machine learning": ["k", "m"],  # not "ML"'s items: it could as well be metric learning
    }  # and "ML", one word, groups nothing the phrases left out


def test_british_and_american_spellings_are_one_group(env):
    """Items tagged at different times, or from listings that spell differently, carry
    "systematic generalisation" and "… generalization", "fine-tuned models" and "finetuned model": one group
    each (docs/tags.md, One spelling per idea), named by the spelling most items use, forms of one
    spelling counted together, and among equals by the American spelling."""
    tags = {
        "p": ["systematic generalisation", "fine-tuned models"],
        "q": ["systematic generalization", "finetuned model"],
        "r": ["fine-tuned model"],
        "s": ["behaviour modelling"],
        "t": ["behavior modeling"],
    }
    assert organized(env, "Spellings", tags) == {
        "fine-tuned model": ["p", "q", "r"],  # two items write it so, in two forms
        "systematic generalization": ["p", "q"],  # one item each: the American spelling
        "behavior modeling": ["s", "t"],
    }
