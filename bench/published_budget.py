"""What finding published versions costs: Semantic Scholar and DBLP requests for the demo listing
(71 papers) with `zotbridge published`, in both search modes, a re-run, and the Zotero writes of
`--apply` after a push (docs/published.md, "Measured").

Every run is the real console script against the shipped emulators (zotbridge sandbox's), with
DBLP spaced one second apart (the emulator's limit, 10 requests in 10 s, is then never hit; the
real DBLP asks for one or two seconds).

Run: python bench/published_budget.py   (from the repository root)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from zotbridge.sandbox.services import example, start_sandbox

LISTING = example("hf-papers-self-supervised.txt").read_bytes()


def run(env: dict[str, str], *args: str) -> list[dict[str, object]]:
    proc = subprocess.run(
        [sys.executable, "-m", "zotbridge", *args],
        input=LISTING,
        capture_output=True,
        env={**os.environ, **env},
    )
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr.decode())
    return [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]


def main() -> None:
    print(f"{'run':<44} {'S2':>4} {'DBLP':>5} {'Zotero writes':>14}  verdicts")
    with tempfile.TemporaryDirectory() as tmp:
        with start_sandbox(Path(tmp) / "sandbox") as sandbox:
            for mode in ("all", "nominated"):
                env = sandbox.env() | {
                    "ZOTBRIDGE_HOME": str(Path(tmp) / f"home-{mode}"),
                    "ZOTBRIDGE_DBLP_DELAY": "1",
                }
                runs = [
                    (f"published --search {mode}", ("published", "-", "--json", "--search", mode)),
                    (f"the same again (--search {mode})", ("published", "-", "--json", "--search", mode)),
                ]
                if mode == "all":
                    run(
                        env,
                        "push",
                        "-",
                        "--collection",
                        "Bench",
                        "--pdf",
                        "none",
                        "--json",
                        "--bib",
                        f"{tmp}/refs.bib",
                    )
                    runs.append(
                        (
                            "published --apply --bib (after a push)",
                            ("published", "-", "--json", "--apply", "--bib", f"{tmp}/refs.bib"),
                        )
                    )
                    runs.append(
                        (
                            "the same again",
                            ("published", "-", "--json", "--apply", "--bib", f"{tmp}/refs.bib"),
                        )
                    )
                for name, args in runs:
                    s2, dblp, writes = (
                        len(sandbox.s2.requests),
                        len(sandbox.dblp.requests),
                        sandbox.zotero.stats.writes,
                    )
                    rows = run(env, *args)
                    verdicts = Counter(str(r["verdict"]) for r in rows if "verdict" in r)
                    print(
                        f"{name:<44} {len(sandbox.s2.requests) - s2:>4} {len(sandbox.dblp.requests) - dblp:>5} "
                        f"{sandbox.zotero.stats.writes - writes:>14}  {dict(sorted(verdicts.items()))}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
