"""The bench scripts the docs tell users to run (`python bench/tags_eval.py`, …) still import
against the library. They need the `eval` extra only once they run (LightGBM, YAKE are imported
inside their functions), so a library change that removes a name a bench uses shows here, not only
the next time someone measures: `vocabulary.acronyms()` went once while `bench/baselines.py` still
imported it."""

import importlib
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
HELPERS = {"baselines", "keyphrase_sets"}  # shared by the scripts, not run on their own


@pytest.mark.parametrize("name", sorted(p.stem for p in BENCH.glob("*.py")))
def test_every_bench_script_imports_and_has_a_main(name, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    try:
        module = importlib.import_module(name)
        assert name in HELPERS or callable(getattr(module, "main", None)), f"bench/{name}.py has no main()"
    finally:  # the scripts' modules go with the test
        for loaded in [
            n for n, m in sys.modules.items() if Path(getattr(m, "__file__", None) or "/").parent == BENCH
        ]:
            del sys.modules[loaded]
