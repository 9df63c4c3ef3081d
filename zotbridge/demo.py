"""``zotbridge demo``: the whole job on a shipped listing, against a throw-away sandbox.

Reads the shipped Hugging Face page (a copy of a shared listing), resolves it against the local
arXiv emulator serving the shipped demo corpus, pushes the matched papers with tags into a Zotero
emulator's library, writes the ``.bib``, organises the collection by tag, upgrades the papers the
DBLP and Semantic Scholar emulators know as published (``published --apply --search nominated``:
the papers a source points at), and reports what happened.
Offline, right after installation; nothing outside the demo's own directory is touched (not your
store, not your Zotero credentials).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zotbridge.arxiv.resolve import match_listings
from zotbridge.bibtex.export import BibResult
from zotbridge.config import Settings
from zotbridge.credentials import load_credentials
from zotbridge.listing import ReadOptions
from zotbridge.models import Match, Progress
from zotbridge.sandbox.services import example, start_sandbox
from zotbridge.store import Store
from zotbridge.zotero.organize import OrganizeResult, organize_library
from zotbridge.zotero.published import apply_published, check_published, published_versions
from zotbridge.zotero.push import PushOptions, PushResult, push_matches

COLLECTION = "Demo/Self-supervised learning"


@dataclass
class DemoResult:
    listing: Path
    workdir: Path
    matches: list[Match]
    arxiv_requests: int
    push: PushResult
    bib: BibResult | None  # None only if the demo wrote no .bib
    organized: OrganizeResult
    tags: dict[str, list[str]]  # item title -> keyword tags, for the first papers
    verdicts: dict[str, int]  # published-version verdict -> papers
    upgraded: int  # papers upgraded in Zotero and the .bib together
    source_requests: dict[str, int]  # Semantic Scholar and DBLP requests


def run_demo(workdir: Path, progress: Progress | None = None) -> DemoResult:
    workdir = Path(workdir)
    with start_sandbox(workdir / "sandbox") as sandbox:
        settings = Settings.from_env({"ZOTBRIDGE_HOME": str(workdir / "home"), **sandbox.env()})
        listing = example("hf-papers-self-supervised.txt")
        matches, requests = match_listings([str(listing)], ReadOptions(), settings, progress=progress)
        pushed, bib = push_matches(matches, settings, COLLECTION, PushOptions(bib_path=workdir / "refs.bib"))
        organized = organize_library(settings, COLLECTION, min_items=3, max_collections=8)
        records = {m.record.arxiv_id: m.record for m in matches if m.status == "matched" and m.record}
        with Store(settings.home) as store:
            checks, source_requests = check_published(records, settings, store, search_all=False)
            applied = apply_published(
                published_versions(records, checks), settings, store, workdir / "refs.bib"
            )
        verdicts: dict[str, int] = {}
        for check in checks.values():
            verdicts[check.verdict] = verdicts.get(check.verdict, 0) + 1
        upgraded = sum(1 for outcome, _key in applied.zotero.values() if outcome == "upgraded")
        library = sandbox.zotero.library(load_credentials(settings).prefix)
        tags = {
            item["title"]: [t["tag"] for t in item.get("tags", []) if not t.get("type")]
            for item in sorted(library.items.values(), key=lambda i: i["title"])[:3]
        }
    return DemoResult(
        listing, workdir, matches, requests, pushed, bib, organized, tags, verdicts, upgraded, source_requests
    )
