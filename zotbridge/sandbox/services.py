"""Every emulator together, as `zotbridge sandbox` and `zotbridge demo` run them.

The arXiv emulator serves a corpus (by default the shipped demo corpus); DBLP, Semantic Scholar, the ACL Anthology and Crossref
serve that corpus's preprint records plus the published versions of ``sandbox/data/venues.json``
(venue_records.py); the Zotero emulator keeps
its library in ``STATE/zotero.json`` and has one user whose API key is made on first start and kept
there. ``env()`` is what points zotbridge at them: the same variables a user sets for the real
services, so nothing in zotbridge knows it talks to an emulator.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from zotbridge.resource import Resource
from zotbridge.sandbox import PORTS
from zotbridge.sandbox.acl_server import AclEmulator
from zotbridge.sandbox.arxiv_corpus import Corpus, paper_from_row
from zotbridge.sandbox.arxiv_server import ArxivEmulator
from zotbridge.sandbox.crossref_server import CrossrefEmulator
from zotbridge.sandbox.dblp_server import DblpEmulator
from zotbridge.sandbox.hard_corpus import flood as flood_rows
from zotbridge.sandbox.s2_server import S2Emulator
from zotbridge.sandbox.venue_records import VenueData, demo_venues
from zotbridge.sandbox.zotero_server import ZoteroEmulator

SANDBOX_USER = 1
SANDBOX_USERNAME = "sandbox"


def example(name: str) -> Path:
    """A file shipped in ``zotbridge/examples`` (the demo listing, the demo corpus)."""
    return Path(str(resources.files("zotbridge.examples").joinpath(name)))


@dataclass
class Sandbox(Resource):
    """Every emulator, running; ``with start_sandbox(dir) as sandbox: …`` stops them."""

    arxiv: ArxivEmulator
    zotero: ZoteroEmulator
    api_key: str
    dblp: DblpEmulator
    s2: S2Emulator
    crossref: CrossrefEmulator
    acl: AclEmulator

    def env(self) -> dict[str, str]:
        return {
            "ZOTBRIDGE_ARXIV_URL": self.arxiv.url,
            "ZOTBRIDGE_ARXIV_PDF_URL": self.arxiv.pdf_url,
            "ZOTBRIDGE_ARXIV_DELAY": "0",
            "ZOTBRIDGE_ZOTERO_URL": self.zotero.url,
            "ZOTERO_API_KEY": self.api_key,
            "ZOTERO_LIBRARY_ID": str(SANDBOX_USER),
            "ZOTERO_LIBRARY_TYPE": "user",
            "ZOTBRIDGE_S2_URL": self.s2.url,
            "ZOTBRIDGE_DBLP_URL": self.dblp.url,
            "ZOTBRIDGE_CROSSREF_URL": self.crossref.url,
            "ZOTBRIDGE_ACL_URL": self.acl.url,
            "ZOTBRIDGE_S2_DELAY": "0",
            "ZOTBRIDGE_DBLP_DELAY": "0",
            "ZOTBRIDGE_CROSSREF_DELAY": "0",
            "ZOTBRIDGE_ACL_DELAY": "0",
        }

    def close(self) -> None:
        for server in (self.arxiv, self.zotero, self.dblp, self.s2, self.crossref, self.acl):
            server.stop()


def start_sandbox(
    state_dir: Path,
    corpus: Path | None = None,
    host: str = "127.0.0.1",
    ports: dict[str, int] | None = None,
    flood: int = 0,
    venues: Path | None = None,
) -> Sandbox:
    """Every emulator, on ``ports`` (keys of zotbridge.sandbox.PORTS; any free port for those not
    given); ``flood`` > 0 adds that many papers per short or common title phrase of the corpus (the
    large-corpus mode, hard_corpus.flood); ``venues`` replaces the demo's published versions (a file
    shaped like ``sandbox/data/venues.json``)."""
    port = {name: 0 for name in PORTS} | (ports or {})
    state_dir = Path(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    served = Corpus.from_jsonl(corpus or example("demo-corpus.jsonl"))
    if flood:
        papers = list(served.papers.values())
        for row in flood_rows([p.title for p in papers], [p.abstract for p in papers], flood):
            served.add(paper_from_row(row))
    arxiv = ArxivEmulator(served, host, port["arxiv"]).start()
    published = VenueData.build(served, venues or demo_venues())
    dblp = DblpEmulator(published, host, port["dblp"]).start()
    s2 = S2Emulator(published, host, port["s2"]).start()
    crossref = CrossrefEmulator(published, host, port["crossref"]).start()
    acl = AclEmulator(published, host, port["acl"]).start()
    zotero = ZoteroEmulator(state_dir / "zotero.json", host, port["zotero"]).start()
    key_file = state_dir / "sandbox-key.json"
    if key_file.exists():
        api_key = json.loads(key_file.read_text(encoding="utf-8"))["api_key"]
    else:
        api_key = "sandbox" + secrets.token_hex(8)
        zotero.add_user(SANDBOX_USER, SANDBOX_USERNAME, api_key)
        key_file.write_text(json.dumps({"api_key": api_key}), encoding="utf-8")
    return Sandbox(arxiv, zotero, api_key, dblp, s2, crossref, acl)
