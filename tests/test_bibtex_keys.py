"""Citation keys: Better BibTeX's default formula, templates, collisions, and stability."""

import pytest
from test_bibtex_entries import make

from zotbridge.bibtex.keys import DEFAULT_TEMPLATE, KeyTemplate, key_for, short_title
from zotbridge.errors import InputError
from zotbridge.store import Store

DEFAULT = KeyTemplate.parse(DEFAULT_TEMPLATE)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "home")
    yield s
    s.close()


def never(_key):
    return False


@pytest.mark.parametrize(
    ("record", "key"),
    [
        # Better BibTeX's documented example
        (make(), "vaswaniAttentionAllYou2017"),
        # skip words (of, the, for, a, with) are not title words; digits stay
        (
            make(title="A Study of the Effect of GPT-4 on Code", authors=["Ana Müller"]),
            "mullerStudyEffectGPT2017",
        ),
        # particles are not part of the family name (Zotero stores the last word)
        (make(title="Symphony", authors=["Ludwig van Beethoven"]), "beethovenSymphony2017"),
        # LaTeX is read as text; non-ASCII folds to ASCII
        (
            make(title="Adapt-$\\infty$: Schrödinger's Élan", authors=["Zoë Ødegård"]),
            "odegardAdaptSchrodingersElan2017",
        ),
        (make(authors=[]), "AttentionAllYou2017"),
    ],
)
def test_default_formula(store, record, key):
    assert key_for(record, DEFAULT, store, never) == key


def test_templates():
    record = make()
    assert KeyTemplate.parse("auth + year").stem(record) == "Vaswani2017"
    assert KeyTemplate.parse('auth.upper + ":" + eprint').stem(record) == "VASWANI:170603762"
    assert KeyTemplate.parse("auth.lower + veryshorttitle + year").stem(record) == "vaswaniAttention2017"
    assert KeyTemplate.parse("shorttitle(2,1).lower").stem(record) == "attentionall"
    assert KeyTemplate.parse("auth.lower+shorttitle(4,0)").stem(record) == "vaswaniAttentionAllYouNeed"
    assert short_title("Attention Is All You Need", 3, 0) == "AttentionAllYou"
    assert short_title("attention is all you need", 3, 1) == "Attentionallyou"


@pytest.mark.parametrize("bad", ["auth +", "author", "shorttitle(3,x)", "auth.title", "'x'"])
def test_bad_templates_are_refused_with_the_terms_listed(bad):
    with pytest.raises(InputError) as err:
        KeyTemplate.parse(bad)
    assert "shorttitle" in err.value.hint


def test_collisions_get_letters_and_the_first_paper_keeps_the_bare_stem(store):
    first = make(
        arxiv_id="2401.00001", title="Scaling Laws", authors=["Wei Chen"], published="2024-01-01T00:00:00"
    )
    second = make(
        arxiv_id="2401.00002", title="Scaling Laws", authors=["Li Chen"], published="2024-02-01T00:00:00"
    )
    third = make(
        arxiv_id="2401.00003", title="Scaling laws", authors=["Chen"], published="2024-03-01T00:00:00"
    )
    assert key_for(first, DEFAULT, store, never) == "chenScalingLaws2024"
    assert key_for(second, DEFAULT, store, never) == "chenScalingLaws2024a"
    assert key_for(third, DEFAULT, store, never) == "chenScalingLaws2024b"
    # asked again, in any order: the same keys
    assert key_for(second, DEFAULT, store, never) == "chenScalingLaws2024a"
    assert key_for(first, DEFAULT, store, never) == "chenScalingLaws2024"


def test_a_key_used_in_the_target_file_is_skipped_without_case(store):
    record = make()
    taken = {"vaswaniattentionallyou2017", "vaswaniattentionallyou2017a"}
    assert key_for(record, DEFAULT, store, lambda k: k.lower() in taken) == "vaswaniAttentionAllYou2017b"


def test_a_key_survives_a_title_change_a_new_template_and_a_new_store_handle(tmp_path):
    store = Store(tmp_path)
    assert key_for(make(), DEFAULT, store, never) == "vaswaniAttentionAllYou2017"
    store.close()
    store = Store(tmp_path)
    renamed = make(title="Transformers: Attention Is Everything", authors=["A. Other"])
    assert key_for(renamed, KeyTemplate.parse("eprint"), store, never) == "vaswaniAttentionAllYou2017"
    store.close()


def test_keys_are_ascii_and_safe_for_bibtex(store):
    record = make(title='{Ünïcødé} & «quotes», commas; "q" #hash %pct', authors=["Jürgen O'Neil-Ærø"])
    key = key_for(record, DEFAULT, store, never)
    assert key.isascii()
    assert not set(key) & set(" ,{}()\"#%'~=\\")
    assert key == "oneilaeroUnicodeQuotesCommas2017"
