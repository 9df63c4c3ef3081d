"""Offline index: build speed, peak memory, size, and titles resolved per second.

1. Generates a realistic synthetic snapshot of N rows (arXiv's JSON Lines format: new- and
   old-style ids with versions and RFC-822 dates, authors as a string and ``authors_parsed``,
   categories, titles and abstracts drawn from vocabularies, wrapped with "\\n  " like arXiv's),
   deterministic for a seed.
   Words come from a Zipf-weighted vocabulary of field words and pseudo-words (see
   ``vocabulary``).
2. Builds the index in a child process (``zotbridge index build``) and reads its peak resident
   memory (``ru_maxrss`` of the child).
3. Resolves a sample of the generated titles (as a listing of titles, the matcher's second-hardest
   input) with ``--offline`` and reports titles per second from a warm index.

Usage: python bench/offline_index.py --rows 500000 [--keep DIR]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

WORDS = (
    "learning neural network model graph diffusion transformer language vision reinforcement policy "
    "optimization gradient stochastic bayesian inference attention retrieval generation quantum field "
    "theory spin lattice magnetic topological phase transition galaxy cosmology dark matter stellar "
    "protein sequence genome cell dynamics control robust adaptive sparse kernel embedding contrastive "
    "self-supervised federated privacy adversarial causal temporal spatial multi-agent planning reasoning "
    "benchmark dataset evaluation scaling efficient hierarchical latent variational manifold geometry "
    "operator spectral entropy channel coding estimation sampling markov chain monte carlo"
).split()
CATEGORIES = (
    "cs.LG cs.CL cs.CV cs.AI stat.ML math.OC hep-th hep-ph quant-ph cond-mat.str-el astro-ph.CO "
    "q-bio.GN math.PR physics.optics eess.SP"
).split()
FIRST = "Ana Ben Chen Dmitri Eva Farid Grace Hiro Ines Jun Karl Lena Mei Nils Olga Priya Quan Rosa Sven Tara".split()
LAST = (
    "Smith Wang Müller Garcia Kim Rossi Novak Silva Tanaka Okafor Ivanova Nguyen Larsen Cohen Patel".split()
)
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def vocabulary(rng: random.Random, size: int = 30000) -> tuple[list[str], list[float]]:
    """Real field words plus pseudo-words, with Zipf weights: like real titles, a few words are
    everywhere and most are rare (a flat 100-word vocabulary would make every phrase common)."""
    syllables = "ka lo mi tra ven sor qui del pha gen ox ter bil um ris cto nar pel zy dro".split()
    words = list(WORDS)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words, list(itertools.accumulate(1.0 / (rank + 10) for rank in range(len(words))))


def synthetic_rows(count: int, seed: int = 0):
    rng = random.Random(seed)
    words, cumulative = vocabulary(rng)
    numbers: dict[str, int] = {}
    for n in range(count):
        year = 2007 + n * 19 // count
        month = rng.randint(1, 12)
        yymm = f"{year % 100:02d}{month:02d}"
        numbers[yymm] = numbers.get(yymm, 0) + 1
        number = numbers[yymm]
        ident = f"{yymm}.{number:05d}" if year >= 2015 or number >= 10000 else f"{yymm}.{number:04d}"
        if n % 50 == 0 and year < 2008:
            ident = f"hep-th/{yymm}{number % 1000:03d}"
        title = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(4, 12))).capitalize()
        abstract = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(80, 200)))
        authors = [(rng.choice(LAST), rng.choice(FIRST)) for _ in range(rng.randint(1, 8))]
        versions = [
            {
                "version": f"v{v}",
                "created": f"Mon, {rng.randint(1, 28)} {MONTHS[month - 1]} {year} 10:00:00 GMT",
            }
            for v in range(1, rng.randint(2, 4))
        ]
        wrapped = "\n  ".join(textwrap.wrap(title, 70))  # arXiv wraps long titles at spaces
        yield {
            "id": ident,
            "submitter": None,
            "authors": ", ".join(f"{f} {last}" for last, f in authors),
            "title": wrapped,
            "comments": f"{rng.randint(5, 40)} pages",
            "journal-ref": None,
            "doi": None,
            "report-no": None,
            "categories": " ".join(rng.sample(CATEGORIES, rng.randint(1, 3))),
            "license": None,
            "abstract": "  " + abstract,
            "versions": versions,
            "update_date": f"{year}-{month:02d}-15",
            "authors_parsed": [[last, f, ""] for last, f in authors],
        }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--titles", type=int, default=5000)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="zotbridge-index-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    snapshot = work / f"snapshot-{args.rows}.jsonl"
    started = time.perf_counter()
    titles = []
    rng = random.Random(1)
    with open(snapshot, "w", encoding="utf-8") as out:
        for row in synthetic_rows(args.rows):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            if rng.random() < args.titles / args.rows:
                titles.append(" ".join(row["title"].split()))
    print(
        f"snapshot: {args.rows:,} rows, {snapshot.stat().st_size / 2**20:,.0f} MiB, "
        f"written in {time.perf_counter() - started:.0f} s"
    )
    env = {**os.environ, "ZOTBRIDGE_HOME": str(work / "home")}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "zotbridge", "index", "build", str(snapshot)], env=env, check=True)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    size = (work / "home" / "arxiv-index.sqlite3").stat().st_size / 2**20
    print(
        f"build: {elapsed:.0f} s, {args.rows / elapsed:,.0f} rows/s, peak memory {peak:,.0f} MiB, "
        f"index {size:,.0f} MiB"
    )
    listing = work / "titles.txt"
    listing.write_text("\n".join(titles) + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "zotbridge", "match", "--offline", "-q", str(listing)],
        env=env,
        check=True,
        capture_output=True,
    )  # warm the page cache
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "zotbridge", "match", "--offline", "--refresh", "--json", str(listing)],
        env=env,
        check=True,
        capture_output=True,
    )
    elapsed = time.perf_counter() - started
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    matched = sum(r["status"] == "matched" for r in rows)
    print(
        f"resolve: {len(rows):,} titles in {elapsed:.1f} s = {len(rows) / elapsed:,.0f} titles/s "
        f"(process start included); {matched:,} matched"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
