"""Build zotbridge/tags/background.json: word document frequencies of arXiv-like abstracts.

The background keeps IDF meaningful when a run tags only a few papers ("model" is common in any
abstract, "diffusion" is not). Sources: the five shared listing pages (822 titles + abstracts), the
50 seed records and the 200 snapshot sample rows (tests/data/shared). Words seen in one document
only are dropped to keep the file small.

Usage: python bench/build_background.py
"""

import json
from pathlib import Path

from zotbridge.listing import ReadOptions, read_listings
from zotbridge.tags.keyphrases import DocumentFrequencies

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / "tests" / "data" / "shared"


def main() -> None:
    texts = [
        f"{p.title or ''} {p.abstract or ''}"
        for p in read_listings([str(p) for p in sorted((SHARED / "listings").glob("*.txt"))], ReadOptions())
        if p.abstract
    ]
    for name in ("arxiv-seed-records.jsonl", "arxiv-snapshot-sample.jsonl"):
        for line in (SHARED / "reference" / name).open(encoding="utf-8"):
            row = json.loads(line)
            texts.append(f"{row.get('title', '')} {row.get('abstract', '')}")
    frequencies = DocumentFrequencies().add(texts)
    df = {w: n for w, n in sorted(frequencies.df.items()) if n >= 2}
    out = ROOT / "zotbridge" / "tags" / "background.json"
    out.write_text(json.dumps({"docs": frequencies.docs, "df": df}, separators=(",", ":")), encoding="utf-8")
    print(f"{frequencies.docs} documents, {len(df)} words -> {out} ({out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
