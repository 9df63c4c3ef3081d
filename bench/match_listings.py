"""Resolve the five shared listings (822 entries) against the arXiv emulator serving the hard
corpus; print requests per paper, local seconds per paper, accuracy on the labelled set, and
the similarity separations that set the matcher's thresholds (docs/matching.md).

Run: python bench/match_listings.py [--seeds N]   (from the repository root)
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from zotbridge.arxiv.client import ArxivClient, Gate
from zotbridge.arxiv.match import score
from zotbridge.arxiv.resolve import resolve
from zotbridge.config import Settings
from zotbridge.listing import ReadOptions, read_listings
from zotbridge.models import ListedPaper
from zotbridge.sandbox import hard_corpus
from zotbridge.sandbox.arxiv_corpus import Corpus, paper_from_row
from zotbridge.sandbox.arxiv_server import ArxivEmulator
from zotbridge.store import Store

SHARED = Path(__file__).resolve().parent.parent / "tests/data/shared"
LISTINGS = sorted((SHARED / "listings").glob("*.txt"))
LABELS = [json.loads(line) for line in (SHARED / "reference/seed-labels.jsonl").open()]




def run(seed: int) -> dict:
    rows = hard_corpus.build(LISTINGS, SHARED / "reference/arxiv-seed-records.jsonl",
                             SHARED / "reference/seed-labels.jsonl", seed=seed)
    papers = list(read_listings([str(p) for p in LISTINGS], ReadOptions(listing_year=2025)))
    with ArxivEmulator(Corpus([paper_from_row(r) for r in rows])) as server, tempfile.TemporaryDirectory() as home:
        client = ArxivClient(Settings(home=Path(home), arxiv_url=server.url, arxiv_delay=0), gate=Gate())
        store = Store(Path(home))
        start = time.perf_counter()
        matches = resolve(papers, client, store)
        seconds = time.perf_counter() - start
        first = server.stats.requests
        resolve(papers, client, store)
        rerun = server.stats.requests - first
        ids = [r["id"] for r in rows[:1000]]
        before = server.stats.requests
        resolve([ListedPaper("b", "arxiv_id", arxiv_id=i, index=n) for n, i in enumerate(ids)], client, store,
                refresh=True)
        id_requests = server.stats.requests - before
        records = client.fetch_ids([r["id"] for r in rows])
    pairs = hard_corpus.labelled_papers(papers, LABELS)
    right = sum(matches[p.index].arxiv_id == t for p, t in pairs)
    wrong = sum(matches[p.index].status == "matched" and matches[p.index].arxiv_id != t for p, t in pairs)
    return {"rows": rows, "papers": papers, "pairs": pairs, "records": records, "requests": first,
            "seconds": seconds, "rerun": rerun, "id_requests": id_requests, "right": right, "wrong": wrong,
            "statuses": {s: sum(m.status == s for m in matches) for s in ("matched", "ambiguous", "unmatched")}}


def evidence(result: dict, seed: int) -> dict:
    rows, records, pairs = result["rows"], result["records"], result["pairs"]
    traps_of = {}
    for r in rows:
        if r.get("trap_of"):
            traps_of.setdefault(r["trap_of"], []).append(r)
    true_abs, true_title, trap_abs_close_title, trap_abs = [], [], [], []
    for paper, truth in pairs:
        c = score(paper, records[truth])
        true_abs.append(c.abstract_similarity)
        true_title.append(c.title_similarity)
        for trap in traps_of.get(truth, []):
            t = score(paper, records[trap["id"]])
            trap_abs.append(t.abstract_similarity)
            if t.title_similarity >= 0.97:
                trap_abs_close_title.append(t.abstract_similarity)
    rng = random.Random(seed)
    ids = list(records)
    unrelated = []
    for paper in rng.sample(result["papers"], 400):
        other = records[rng.choice(ids)]
        if score(paper, other).title_similarity < 0.8:  # not the paper itself or one of its traps
            unrelated.append(score(paper, other).abstract_similarity)
    return {"true_abs_min": min(true_abs), "true_title_min": min(true_title), "trap_abs_max": max(trap_abs),
            "trap_same_title_abs_max": max(trap_abs_close_title), "unrelated_abs_max": max(unrelated)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    for seed in range(args.seeds):
        result = run(seed)
        n = len(result["papers"])
        ev = evidence(result, seed)
        print(f"seed {seed}: {n} entries, {len(result['rows'])} corpus rows")
        print(f"  arXiv requests: {result['requests']} ({result['requests'] / n:.3f} per paper); "
              f"re-run: {result['rerun']}; 1000 ids: {result['id_requests']} requests")
        print(f"  local time: {result['seconds']:.2f} s ({1000 * result['seconds'] / n:.1f} ms per paper, delay 0)")
        print(f"  decisions: {result['statuses']}")
        print(f"  labelled: {result['right']}/{len(result['pairs'])} right, {result['wrong']} wrong")
        print("  abstract similarity: true record min {true_abs_min:.3f}; traps max {trap_abs_max:.3f}; "
              "traps with a title >= 0.97 max {trap_same_title_abs_max:.3f}; unrelated pairs max "
              "{unrelated_abs_max:.3f}; true title min {true_title_min:.3f}".format(**ev))


if __name__ == "__main__":
    main()
