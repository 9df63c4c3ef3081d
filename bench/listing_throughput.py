"""How fast the listing readers stream big inputs (numbers for docs/listings.md).

Generates a Hugging Face page, an id list and a BibTeX file of N entries in a temporary
directory and times `read_listings` over each. Run: python bench/listing_throughput.py [N]
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from zotbridge.listing import read_listings

ABSTRACT = ("We propose a method for learning representations from unlabeled data. " * 20).strip()


def generate(directory: Path, n: int) -> dict[str, Path]:
    files = {"hf": directory / "page.txt", "ids": directory / "ids.txt", "bibtex": directory / "refs.bib"}
    with files["hf"].open("w") as out:
        out.write("Get trending papers in your email inbox!\nSubscribe")
        for i in range(n):
            out.write(f"Paper {i}: Learning Representations at Scale {i * 7919 % 100003}\n{ABSTRACT} {i}\n")
    with files["ids"].open("w") as out:
        for i in range(n):
            out.write(f"https://arxiv.org/abs/{2401 + i // 99999 % 12}.{i % 99999:05d}v1\n")
    with files["bibtex"].open("w") as out:
        for i in range(n):
            out.write(
                f"@misc{{key{i},\n  title = {{Paper {i} on {{BERT}}}},\n  author = {{Doe, Jane and "
                f'M{{\\"u}}ller, J.}},\n  eprint = {{2401.{i % 99999:05d}}}, archivePrefix = {{arXiv}},\n'
                f"  year = 2024\n}}\n\n"
            )
    return files


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, path in generate(Path(tmp), n).items():
            start = time.perf_counter()
            count = sum(1 for _ in read_listings([str(path)]))
            seconds = time.perf_counter() - start
            size = path.stat().st_size / 1e6
            print(
                f"{fmt:7} {count:>7} entries  {size:7.1f} MB  {seconds:6.2f} s  {count / seconds:9.0f} entries/s"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (whole run): {peak:.0f} MB")


if __name__ == "__main__":
    main()
