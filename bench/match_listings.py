"""Resolve the five shared listings (822 entries) against the arXiv emulator; print requests per
paper and where they go, local seconds per paper, accuracy on the labelled set, and the
similarity separations that set the matcher's thresholds (docs/matching.md).

Three settings:

* the hard corpus (910 rows: seed records, distractors, traps), per seed;
* the large-corpus mode (the hard corpus plus ``--flood`` papers per short or common title
  phrase, so phrases have thousands of hits and answers are cut at ``max_results``), clean and
  with one request in five answered by a soft failure;
* ``--sweep``: the large corpus again for a grid of first-pass batch sizes and results per
  title, to choose them (requests per paper against re-asks of cut answers).

Run: python bench/match_listings.py [--seeds N] [--flood N] [--sweep]   (from the repository root)
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from zotbridge.arxiv import resolve as resolver
from zotbridge.arxiv.client import ArxivClient
from zotbridge.arxiv.gate import Gate
from zotbridge.arxiv.match import score
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


def hard_rows(seed: int) -> list[dict]:
    return hard_corpus.build(
        LISTINGS,
        SHARED / "reference/arxiv-seed-records.jsonl",
        SHARED / "reference/seed-labels.jsonl",
        seed=seed,
    )


def kind_of(url: str) -> str:
    """Which step of the resolver sent a request (from its parameters)."""
    params = parse_qs(urlsplit(url).query)
    if "id_list" in params and params["id_list"][0]:
        return "ids"
    query = params.get("search_query", [""])[0]
    if "abs:" in query and "ti:" not in query:
        return "papers asked alone"
    return "second pass" if "abs:" in query or " AND " in query else "titles"


def resolve_listings(corpus: Corpus, papers: list[ListedPaper], fault_rate: float = 0.0) -> dict:
    with ArxivEmulator(corpus) as server, tempfile.TemporaryDirectory() as home:
        if fault_rate:
            server.faults.at_random(fault_rate, seed=1)
        client = ArxivClient(Settings(home=Path(home), arxiv_url=server.url, arxiv_delay=0), gate=Gate())
        store = Store(Path(home))
        start = time.perf_counter()
        matches = resolver.resolve(papers, client, store)
        seconds = time.perf_counter() - start
        first = server.stats.requests
        kinds = Counter(kind_of(u) for u in server.stats.urls)
        faults = server.stats.faults
        resolver.resolve(papers, client, store)
        rerun = server.stats.requests - first
    pairs = hard_corpus.labelled_papers(papers, LABELS)
    return {
        "matches": matches,
        "requests": first,
        "kinds": kinds,
        "faults": faults,
        "rerun": rerun,
        "seconds": seconds,
        "right": sum(matches[p.index].arxiv_id == t for p, t in pairs),
        "wrong": sum(
            matches[p.index].status == "matched" and matches[p.index].arxiv_id != t for p, t in pairs
        ),
        "pairs": len(pairs),
        "statuses": {s: sum(m.status == s for m in matches) for s in ("matched", "ambiguous", "unmatched")},
    }


def report(name: str, result: dict, n: int) -> None:
    print(
        f"  {name}: {result['requests']} requests ({result['requests'] / n:.4f} per paper; "
        f"{dict(sorted(result['kinds'].items()))}; {result['faults']} soft faults); re-run: {result['rerun']}"
    )
    print(
        f"    decisions {result['statuses']}; labelled {result['right']}/{result['pairs']} right, "
        f"{result['wrong']} wrong; local {1000 * result['seconds'] / n:.1f} ms per paper"
    )


def evidence(rows: list[dict], papers: list[ListedPaper], records: dict, seed: int) -> dict:
    traps_of: dict[str, list[dict]] = {}
    for r in rows:
        if r.get("trap_of"):
            traps_of.setdefault(r["trap_of"], []).append(r)
    true_abs, true_title, trap_abs_close_title, trap_abs = [], [], [], []
    for paper, truth in hard_corpus.labelled_papers(papers, LABELS):
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
    for paper in rng.sample(papers, 400):
        other = records[rng.choice(ids)]
        if score(paper, other).title_similarity < 0.8:  # not the paper itself or one of its traps
            unrelated.append(score(paper, other).abstract_similarity)
    return {
        "true_abs_min": min(true_abs),
        "true_title_min": min(true_title),
        "trap_abs_max": max(trap_abs),
        "trap_same_title_abs_max": max(trap_abs_close_title),
        "unrelated_abs_max": max(unrelated),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--flood", type=int, default=2000, help="papers per flooded phrase (0: skip)")
    parser.add_argument("--sweep", action="store_true", help="also try a grid of batch sizes")
    args = parser.parse_args()
    papers = list(read_listings([str(p) for p in LISTINGS], ReadOptions(listing_year=2025)))
    n = len(papers)
    for seed in range(args.seeds):
        rows = hard_rows(seed)
        corpus = Corpus([paper_from_row(r) for r in rows])
        print(f"seed {seed}: {n} entries, {len(rows)} corpus rows")
        report("hard corpus", resolve_listings(corpus, papers), n)
        with ArxivEmulator(corpus) as server:
            client = ArxivClient(
                Settings(home=Path(tempfile.mkdtemp()), arxiv_url=server.url, arxiv_delay=0), gate=Gate()
            )
            ids = [r["id"] for r in rows[:1000]]
            resolver.resolve(
                [ListedPaper("b", "arxiv_id", arxiv_id=i, index=k) for k, i in enumerate(ids)],
                client,
                Store(Path(tempfile.mkdtemp())),
            )
            print(f"  1000 ids: {server.stats.requests} requests")
            records = client.fetch_ids([r["id"] for r in rows]).found
        print(
            "  abstract similarity: true record min {true_abs_min:.3f}; traps max {trap_abs_max:.3f}; "
            "traps with a title >= 0.97 max {trap_same_title_abs_max:.3f}; unrelated pairs max "
            "{unrelated_abs_max:.3f}; true title min {true_title_min:.3f}".format(
                **evidence(rows, papers, records, seed)
            )
        )
    if not args.flood:
        return
    titles = [p.title for p in papers if p.title]
    abstracts = [p.abstract for p in papers if p.abstract]
    flood = hard_corpus.flood(titles, abstracts, args.flood)
    start = time.perf_counter()
    corpus = Corpus([paper_from_row(r) for r in hard_rows(0) + flood])
    print(
        f"large corpus: {len(corpus.papers)} rows ({args.flood} per flooded phrase, "
        f"{len(hard_corpus.flood_phrases(titles))} phrases), indexed in {time.perf_counter() - start:.0f} s"
    )
    report("clean", resolve_listings(corpus, papers), n)
    report("1 request in 5 a soft fault", resolve_listings(corpus, papers, 0.2), n)
    if args.sweep:
        chosen = (
            resolver.TITLE_BATCH,
            resolver.RESULTS_PER_TITLE,
            resolver.WORDS_BATCH,
            resolver.RESULTS_PER_WORD_QUERY,
        )
        for batch in (20, 50, 100, 200):
            for per_title in (1, 3, 5, 10):
                resolver.TITLE_BATCH, resolver.RESULTS_PER_TITLE = batch, per_title
                report(f"titles: batch {batch}, {per_title} per title", resolve_listings(corpus, papers), n)
        resolver.TITLE_BATCH, resolver.RESULTS_PER_TITLE = chosen[:2]
        for batch in (5, 10, 20, 40):
            for per_paper in (10, 20):
                resolver.WORDS_BATCH, resolver.RESULTS_PER_WORD_QUERY = batch, per_paper
                report(
                    f"second pass: batch {batch}, {per_paper} per paper", resolve_listings(corpus, papers), n
                )
        (
            resolver.TITLE_BATCH,
            resolver.RESULTS_PER_TITLE,
            resolver.WORDS_BATCH,
            resolver.RESULTS_PER_WORD_QUERY,
        ) = chosen


if __name__ == "__main__":
    main()
