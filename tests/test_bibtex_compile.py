"""The generated .bib compiles: BibTeX with plainnat (pdfLaTeX) and biblatex with biber (LuaLaTeX),
citing every entry of the 50 shared records and the hard ones, with zero errors and zero warnings.

Needs TeX Live (Debian: texlive-latex-base texlive-latex-recommended texlive-bibtex-extra biber
texlive-luatex). Without it the tests skip, unless ZOTBRIDGE_REQUIRE_TEX=1 (set by .ci/run), which
makes a missing TeX a failure.
"""

import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import DATA, SHARED
from zotbridge.arxiv.snapshot import record_from_row
from zotbridge.bibtex.export import write_bibliography
from zotbridge.models import Match
from zotbridge.store import Store

pytestmark = pytest.mark.slow

TOOLS = ("pdflatex", "bibtex", "lualatex", "biber")
missing = [tool for tool in TOOLS if not shutil.which(tool)]
if missing and os.environ.get("ZOTBRIDGE_REQUIRE_TEX") != "1":
    pytest.skip(f"TeX tools not installed: {', '.join(missing)}", allow_module_level=True)

ROWS = [
    json.loads(line)
    for path in (SHARED / "reference/arxiv-seed-records.jsonl", DATA / "hard-records.jsonl")
    for line in path.open(encoding="utf-8")
]
DOCUMENTS = {
    "bibtex": (
        "pdflatex",
        "bibtex",
        "\\documentclass{article}\n\\usepackage[numbers]{natbib}\n\\usepackage{url}\n"
        "\\begin{document}\n\\nocite{*}\n\\bibliographystyle{plainnat}\n\\bibliography{refs}\n\\end{document}\n",
    ),
    "biblatex": (
        "lualatex",
        "biber",
        "\\documentclass{article}\n\\usepackage{fontspec}\n"
        "\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n"
        "\\begin{document}\n\\nocite{*}\n\\printbibliography\n\\end{document}\n",
    ),
}


def compiled_entries(directory, style):
    """Compile ``directory/refs.bib`` citing every entry (LaTeX, bibtex or biber, LaTeX twice),
    asserting no error and no warning anywhere; the number of entries in the bibliography."""
    engine, backend, document = DOCUMENTS[style]
    (directory / "t.tex").write_text(document, encoding="utf-8")
    latex = [engine, "-interaction=nonstopmode", "-halt-on-error", "t.tex"]
    first = run(latex, directory)
    assert first.returncode == 0, first.stdout[-3000:]
    bib = run([backend, "t"], directory)
    blg = (directory / "t.blg").read_text(errors="replace")
    if backend == "bibtex":
        assert "Warning--" not in blg and "error message" not in blg, blg
    else:
        assert not re.search(r"\b(WARN|ERROR)\b", blg), blg
    assert bib.returncode == 0, bib.stdout
    for _ in range(2):
        final = run(latex, directory)
    assert final.returncode == 0, final.stdout[-3000:]
    log = (directory / "t.log").read_text(errors="replace")
    assert not re.search(r"Citation .* undefined|Missing character|^! ", log, re.M), log[-3000:]
    bbl = (directory / "t.bbl").read_text(errors="replace")
    return len(re.findall(r"\\bibitem" if backend == "bibtex" else r"\\entry\{", bbl))


def run(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=300)


@pytest.mark.parametrize("style", ["bibtex", "biblatex"])
def test_every_entry_compiles_without_errors_or_warnings(tmp_path, style):
    records = [record_from_row(row) for row in ROWS]
    store = Store(tmp_path / "home")
    write_bibliography(
        [Match(i, r.title, "matched", r.arxiv_id, 1.0, record=r) for i, r in enumerate(records)],
        tmp_path / "refs.bib",
        store,
        style=style,
    )
    store.close()
    count = compiled_entries(tmp_path, style)
    assert count == len({r["id"] for r in ROWS})
