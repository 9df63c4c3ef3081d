"""Record → Zotero item, checked field by field against what Zotero's arXiv translator stores
(docs/zotero-api.md §3), and against the schema through the emulator's validation."""

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st
from test_bibtex_entries import make

from zotbridge.sandbox.zotero_library import Library, LibraryStore
from zotbridge.sandbox.zotero_schema import Schema
from zotbridge.zotero.collections import resolve, split_path
from zotbridge.zotero.items import MAX_CREATOR_BYTES, creator, fit_name, item_for, short_title
from zotbridge.zotero.sync import arxiv_id_of

BERT = make(
    arxiv_id="1810.04805",
    version=2,
    title="BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
    authors=["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"],
    published="2018-10-11T00:50:01+00:00",
    updated="2019-05-24T20:37:26+00:00",
    primary_category="cs.CL",
    categories=["cs.CL"],
    abstract="We introduce a new language representation model.",
)


def test_preprint_item_matches_zoteros_arxiv_import():
    item = item_for(BERT, "devlinBERTPreTraining2018", ["COLL2345"])
    assert item == {
        "itemType": "preprint",
        "title": "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        "creators": [
            {"creatorType": "author", "firstName": "Jacob", "lastName": "Devlin"},
            {"creatorType": "author", "firstName": "Ming-Wei", "lastName": "Chang"},
            {"creatorType": "author", "firstName": "Kenton", "lastName": "Lee"},
            {"creatorType": "author", "firstName": "Kristina", "lastName": "Toutanova"},
        ],
        "abstractNote": "We introduce a new language representation model.",
        "date": "2019-05-24",  # Zotero takes <updated>: the served version's date
        "url": "http://arxiv.org/abs/1810.04805",
        "accessDate": "CURRENT_TIMESTAMP",
        "libraryCatalog": "arXiv.org",
        "shortTitle": "BERT",
        "citationKey": "devlinBERTPreTraining2018",
        "tags": [{"tag": "Computer Science - Computation and Language", "type": 1}],
        "collections": ["COLL2345"],
        "relations": {},
        "repository": "arXiv",
        "archiveID": "arXiv:1810.04805",
        "DOI": "10.48550/arXiv.1810.04805",
        "extra": "arXiv:1810.04805 [cs.CL]",
    }


def test_published_papers_and_old_ids():
    record = replace(
        BERT, arxiv_id="hep-th/9901001", doi="10.1103/PhysRevD.60.046001", journal_ref="Phys. Rev. D 60"
    )
    item = item_for(record, "k", [], keyword_tags=["string theory"], with_category_tags=False)
    assert item["itemType"] == "journalArticle" and item["DOI"] == "10.1103/PhysRevD.60.046001"
    assert "archiveID" not in item and "repository" not in item
    assert item["extra"] == "arXiv:hep-th/9901001\nJournal reference: Phys. Rev. D 60"
    assert item["tags"] == [{"tag": "string theory"}]


def test_every_mapped_item_is_valid_for_the_schema():
    store = LibraryStore(Schema.load())
    library = Library("user", 1, "u")
    library.collections["COLL2345"] = {
        "key": "COLL2345",
        "name": "c",
        "parentCollection": False,
        "version": 1,
    }
    for record in (
        BERT,
        replace(BERT, doi="10.1/x", journal_ref="J"),
        replace(BERT, authors=["OpenAI", "Gemini Team"]),
    ):
        outcome, saved = store.write_item(library, item_for(record, "k", ["COLL2345"], key="ABCD2345"), None)
        assert outcome == "successful" and saved["key"] == "ABCD2345"
        library.items.clear()


def test_creators_short_titles_and_ids():
    # as the translator's ZU.cleanAuthor splits: the last word is the family name, organisations too
    assert creator("Kalidasa") == {"creatorType": "author", "firstName": "", "lastName": "Kalidasa"}
    assert creator("Gemini Team") == {"creatorType": "author", "firstName": "Gemini", "lastName": "Team"}
    assert creator("Ludwig van Beethoven") == {
        "creatorType": "author",
        "firstName": "Ludwig van",
        "lastName": "Beethoven",
    }
    assert short_title("What Is Learned? A Study") == "What Is Learned?"
    assert short_title("No colon here") == ""
    assert arxiv_id_of({"url": "https://arxiv.org/pdf/2311.05440v2"}) == "2311.05440"
    assert arxiv_id_of({"extra": "tex.x: y\narXiv:hep-th/9901001"}) == "hep-th/9901001"
    assert arxiv_id_of({"DOI": "10.48550/arXiv.1810.04805"}) == "1810.04805"
    assert arxiv_id_of({"DOI": "10.1000/other", "url": "https://example.org"}) is None


def test_collection_paths():
    existing = [
        {"key": "AAAA2222", "name": "Reading", "parentCollection": False},
        {"key": "BBBB2222", "name": "LLMs", "parentCollection": "AAAA2222"},
        {"key": "CCCC2222", "name": "llms", "parentCollection": "AAAA2222"},
    ]
    assert resolve("Reading/LLMs", existing) == ("BBBB2222", [], [])
    key, planned, _ = resolve("Reading/LLMs/New", existing)
    assert [(p["name"], p["parentCollection"]) for p in planned] == [("New", "BBBB2222")] and key == planned[
        0
    ]["key"]
    key, planned, _ = resolve("reading", existing)  # case-sensitive: a new top-level collection
    assert planned[0]["parentCollection"] is False


def test_a_collection_in_the_trash_is_no_target():
    """The API lists a trashed collection with ``data.deleted: true`` (Collection::toJSON,
    model/Collection.inc.php): papers filed there would not show in the user's tree."""
    existing = [
        {"key": "AAAA2222", "name": "Reading", "parentCollection": False, "deleted": True},
        {"key": "BBBB2222", "name": "LLMs", "parentCollection": "AAAA2222", "deleted": True},
    ]
    key, planned, notes = resolve("Reading/LLMs", existing)
    assert [(p["name"], p["parentCollection"]) for p in planned] == [
        ("Reading", False),
        ("LLMs", planned[0]["key"]),
    ]
    assert notes == ["the collection 'Reading' is in Zotero's trash: a new one is made"]
    existing.append({"key": "DDDD2222", "name": "Reading", "parentCollection": False})  # a live namesake
    assert resolve("Reading", existing) == ("DDDD2222", [], [])
    assert split_path(" A / B\\/C ") == ["A", "B/C"]


@given(st.text(min_size=1, max_size=400))
def test_an_author_name_fits_zoteros_255_bytes_cut_at_a_character(name):
    """Zotero refuses a creator name over 255 bytes with 413 (model/Creator.inc.php): the name is
    cut at a character boundary, never inside a UTF-8 sequence, and marked with an ellipsis."""
    fitted = fit_name(name)
    assert len(fitted.encode("utf-8")) <= MAX_CREATOR_BYTES
    if len(name.encode("utf-8")) <= MAX_CREATOR_BYTES:
        assert fitted == name
    else:
        assert fitted.endswith("…") and name.startswith(fitted[:-1])
