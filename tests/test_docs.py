"""The documentation builds with `mkdocs build --strict` (broken links and missing pages fail)."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_docs_build_strict(tmp_path):
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or "mkdocs"
    proc = subprocess.run([mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env={"NO_MKDOCS_2_WARNING": "1",
                                                                            "PATH": str(Path(sys.executable).parent)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (tmp_path / "site" / "zotero" / "index.html").exists()
