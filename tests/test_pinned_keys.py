"""Keys the user pinned in Zotero — the ``citationKey`` field, or a ``Citation Key:`` line in Extra,
the two places Better BibTeX reads (docs/bibtex.md) — are the papers' keys in `push` and `bib`,
and no new key takes one of the library's keys."""

import httpx2
import pytest

from conftest import json_lines, run_zotbridge, service_env

KEY = "KEYpins1234"


@pytest.fixture
def zot_server(zotero_emulator):
    return zotero_emulator(42, "ada", KEY)


def connector_item(arxiv_id, title, **fields):
    """A paper saved by the Connector (or by hand), as Zotero stores it."""
    return {
        "itemType": "preprint",
        "title": title,
        "creators": [{"creatorType": "author", "firstName": "Ana", "lastName": "Ruiz"}],
        "archiveID": f"arXiv:{arxiv_id}",
        "url": f"http://arxiv.org/abs/{arxiv_id}",
        **fields,
    }


def save(server, items):
    response = httpx2.post(
        f"{server.url}/users/42/items",
        json=items,
        headers={"Zotero-API-Key": KEY},
        trust_env=False,
        timeout=10,
    )
    assert response.status_code == 200 and not response.json()["failed"], response.text


def test_push_and_bib_use_the_keys_pinned_in_zotero(tmp_path, arxiv_seeds, zot_server):
    save(
        zot_server,
        [
            connector_item("2408.04498", "Model-Based Transfer", citationKey="cho2024mbtl"),
            connector_item(
                "2410.10636", "Adapt", extra="arXiv:2410.10636 [cs.LG]\nCitation Key: maharana2024adapt"
            ),
        ],
    )
    env = service_env(tmp_path / "home", arxiv_seeds, zot_server, KEY, 42)
    listing = b"2408.04498\n2410.10636\n2311.05440\n"
    proc = run_zotbridge("bib", "-", "-o", tmp_path / "refs.bib", "--json", input=listing, env=env)
    assert proc.returncode == 0, proc.stderr
    keys = [row["key"] for row in json_lines(proc.stdout.decode())]
    assert keys[:2] == ["cho2024mbtl", "maharana2024adapt"]
    pushed = run_zotbridge(
        "push", "-", "--collection", "R", "--json", "--pdf", "none", input=listing, env=env
    )
    rows = json_lines(pushed.stdout.decode())[:-1]
    assert [r["citation_key"] for r in rows] == keys  # the same keys in Zotero and the .bib


def test_a_new_key_never_takes_one_the_library_holds(tmp_path, arxiv_seeds, zot_server):
    """Another item of the library (a book, say) holds the key the formula gives a new paper:
    the paper gets the next postfix, compared without case."""
    env = service_env(tmp_path / "probe", arxiv_seeds)
    probe = run_zotbridge("bib", "-", "-o", tmp_path / "probe.bib", "--json", input=b"2311.05440\n", env=env)
    bare = json_lines(probe.stdout.decode())[0]["key"]
    save(zot_server, [{"itemType": "book", "title": "Another Work", "citationKey": bare.upper()}])
    env = service_env(tmp_path / "home", arxiv_seeds, zot_server, KEY, 42)
    proc = run_zotbridge("bib", "-", "-o", tmp_path / "refs.bib", "--json", input=b"2311.05440\n", env=env)
    assert json_lines(proc.stdout.decode())[0]["key"] == bare + "a"


def test_bib_without_a_zotero_library_asks_no_one(tmp_path, arxiv_seeds):
    env = service_env(tmp_path / "home", arxiv_seeds)
    proc = run_zotbridge("bib", "-", "-o", tmp_path / "refs.bib", input=b"2311.05440\n", env=env)
    assert proc.returncode == 0 and b"warning" not in proc.stderr


def test_an_item_without_a_key_gets_the_key_better_bibtex_computes_from_it(tmp_path, arxiv_seeds, zot_server):
    """Saved by the Connector without a key: the key comes from the item as stored (its title,
    creators and date), not from arXiv's record — as BBT would give it — and is written to it."""
    save(zot_server, [connector_item("2408.04498", "Model-Based Transfer", date="2019-06-01")])
    env = service_env(tmp_path / "home", arxiv_seeds, zot_server, KEY, 42)
    proc = run_zotbridge(
        "push", "-", "--collection", "R", "--json", "--pdf", "none", input=b"2408.04498\n", env=env
    )
    row = json_lines(proc.stdout.decode())[0]
    assert row["action"] == "update" and row["citation_key"] == "ruizModelBasedTransfer2019"
    item = next(
        i for i in zot_server.library("users/42").items.values() if i.get("archiveID") == "arXiv:2408.04498"
    )
    assert item["citationKey"] == "ruizModelBasedTransfer2019"
