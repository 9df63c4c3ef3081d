"""The documentation builds with `mkdocs build --strict` (broken links and missing pages fail)."""

import shutil
import subprocess
import sys
from pathlib import Path

import click

from zotbridge.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_docs_build_strict(tmp_path):
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or "mkdocs"
    proc = subprocess.run(
        [mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": str(Path(sys.executable).parent)},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (tmp_path / "site" / "zotero" / "index.html").exists()


def _commands(command, path):
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, [*path, name])
    else:
        yield path, command


def test_every_command_and_option_is_in_cli_md_with_its_help():
    """docs/cli.md lists every command, and every option of it with its --help text: a new option
    without documentation (or without help) fails here."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for path, command in _commands(main, ["zotbridge"]):
        heading = f"### `{' '.join(path)}`"
        assert heading in text, f"docs/cli.md has no section {heading}"
        section = text.split(heading, 1)[1].split("\n### ", 1)[0]
        assert " ".join((command.help or "").split()) in section, f"{heading}: the command's help"
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            assert param.help, f"{' '.join(path)} {param.opts[0]} has no --help text"
            for name in param.opts + param.secondary_opts:
                assert f"`{name}`" in section, f"{heading}: option {name} is not documented"
            assert " ".join(param.help.split()).replace("|", "\\|") in section, (
                f"{heading}: help of {param.opts[0]}"
            )


def test_no_pointer_outside_the_repository():
    """Docs and code point at pages of this repository, never at a sibling checkout."""
    for path in [
        *ROOT.glob("docs/*.md"),
        *ROOT.glob("zotbridge/**/*.py"),
        *ROOT.glob("bench/*.py"),
        ROOT / "README.md",
    ]:
        assert "../shared" not in path.read_text(encoding="utf-8"), path
