"""Build zotbridge/examples/demo-corpus.jsonl: the arXiv corpus `zotbridge demo` and
`zotbridge sandbox` serve by default.

It is the hard corpus of zotbridge/sandbox/hard_corpus.py over the five shared listings: the 50
real seed records, every other listed paper with a synthetic id (``YYMM.9NNNN``, a range real
arXiv ids do not reach), and the traps (same title with another abstract, "X++", "A Survey on
X", titles changed in a later version), so the demo shows ambiguous papers too.

Usage: python bench/build_demo_corpus.py
"""

from pathlib import Path

from zotbridge.sandbox import hard_corpus

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / "tests" / "data" / "shared"


def main() -> None:
    rows = hard_corpus.build(
        sorted((SHARED / "listings").glob("*.txt")),
        SHARED / "reference" / "arxiv-seed-records.jsonl",
        SHARED / "reference" / "seed-labels.jsonl",
    )
    out = ROOT / "zotbridge" / "examples" / "demo-corpus.jsonl"
    hard_corpus.write(rows, out)
    print(f"{len(rows)} rows -> {out} ({out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
