"""``zotbridge demo``: the whole job on a shipped listing, against a throw-away sandbox.

Reads the shipped Hugging Face page (a copy of a shared listing), resolves it against the local
arXiv emulator serving the shipped demo corpus, pushes the matched papers with tags into a Zotero
emulator's library, writes the ``.bib``, organises the collection by tag, and reports what happened.
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
from zotbridge.zotero.organize import OrganizeResult, organize_library
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


def run_demo(workdir: Path, progress: Progress | None = None) -> DemoResult:
    workdir = Path(workdir)
    with start_sandbox(workdir / "sandbox") as sandbox:
        settings = Settings.from_env({"ZOTBRIDGE_HOME": str(workdir / "home"), **sandbox.env()})
        listing = example("hf-papers-self-supervised.txt")
        matches, requests = match_listings([str(listing)], ReadOptions(), settings, progress=progress)
        pushed, bib = push_matches(matches, settings, COLLECTION, PushOptions(bib_path=workdir / "refs.bib"))
        organized = organize_library(settings, COLLECTION, min_items=3, max_collections=8)
        library = sandbox.zotero.library(load_credentials(settings).prefix)
        tags = {
            item["title"]: [t["tag"] for t in item.get("tags", []) if not t.get("type")]
            for item in sorted(library.items.values(), key=lambda i: i["title"])[:3]
        }
    return DemoResult(listing, workdir, matches, requests, pushed, bib, organized, tags)
