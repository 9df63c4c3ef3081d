"""What PDFs cost: requests to Zotero and arXiv for a push of the demo listing (71 papers) with
stored PDFs, a second push, and a push of the same listing into a second library; and the time of
a push with PDFs as a ratio to the same push without them (docs/zotero.md, "Attachments").

Every run is the real console script against the shipped emulators (zotbridge sandbox's), each
with a fresh home and library.

Run: python bench/pdf_budget.py   (from the repository root)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from zotbridge.sandbox.services import SANDBOX_USER, example, start_sandbox

LISTING = example("hf-papers-self-supervised.txt").read_bytes()


def push(env: dict[str, str], *options: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "zotbridge", "push", "-", "--collection", "Bench", "-q", *options],
        input=LISTING,
        capture_output=True,
        env={**os.environ, **env},
    )
    if proc.returncode:
        raise SystemExit(proc.stderr.decode())
    return time.perf_counter() - start


def kind(method: str, path: str) -> str:
    if path.startswith("/_storage/"):
        return "storage"
    if path.endswith("/file"):
        return "file"  # authorization or registration
    if method == "POST" and path.split("?")[0].endswith("/items"):
        return "item writes"
    return "reads" if method == "GET" else f"{method} other"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        with start_sandbox(Path(tmp) / "sandbox") as sandbox:
            env = sandbox.env() | {"ZOTBRIDGE_HOME": str(Path(tmp) / "home")}
            sandbox.arxiv.stats.pdf_requests = 0
            first = push(env, "--pdf", "stored")
            log = list(sandbox.zotero.stats.log)
            kinds = Counter(kind(m, p) for m, p, _ in log)
            library = sandbox.zotero.library(f"users/{SANDBOX_USER}")
            papers = sum(1 for i in library.items.values() if i["itemType"] != "attachment")
            files = sum(1 for i in library.items.values() if i["itemType"] == "attachment" and i.get("md5"))
            downloads = sandbox.arxiv.stats.pdf_requests
            print(f"first push, {papers} papers, {files} stored PDFs")
            for name, count in sorted(kinds.items()):
                print(f"  Zotero {name:<12} {count:4d}")
            print(
                f"  item-write requests per paper        {kinds['item writes'] / papers:.3f}  (items and PDFs together)"
            )
            print(
                f"  requests per stored file             {(kinds['file'] + kinds['storage']) / files:.2f}  (at most 3)"
            )
            print(f"  arXiv PDF downloads                  {downloads}")
            size = len(log)
            push(env)
            again = [kind(m, p) for m, p, _ in sandbox.zotero.stats.log[size:]]
            print(
                f"second push: {len(again)} Zotero requests, {again.count('file') + again.count('storage')} about files, "
                f"{sum(k != 'reads' for k in again)} writes; {sandbox.arxiv.stats.pdf_requests - downloads} downloads"
            )
            sandbox.zotero.add_user(SANDBOX_USER + 1, "second", "KEYsecond001")
            size = len(sandbox.zotero.stats.log)
            push(env | {"ZOTERO_API_KEY": "KEYsecond001", "ZOTERO_LIBRARY_ID": str(SANDBOX_USER + 1)})
            second = Counter(kind(m, p) for m, p, _ in sandbox.zotero.stats.log[size:])
            print(
                f"second library: {second['file']} file requests, {second['storage']} uploads, "
                f"{sandbox.arxiv.stats.pdf_requests - downloads} downloads (Zotero and the cache had the bytes)"
            )
        with start_sandbox(Path(tmp) / "plain") as plain:
            bare = push(plain.env() | {"ZOTBRIDGE_HOME": str(Path(tmp) / "home-plain")}, "--pdf", "none")
        print(
            f"time: push with PDFs {first:.1f} s, without {bare:.1f} s, ratio {first / bare:.2f} "
            "(downloads at ZOTBRIDGE_ARXIV_DELAY=0 here; 3 s each against arXiv)"
        )


if __name__ == "__main__":
    main()
