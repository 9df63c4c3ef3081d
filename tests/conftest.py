"""Shared test helpers.

The project's reference data is vendored in tests/data/shared (CI runs on a clean clone);
tests/data/README.md says where it comes from.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from zotbridge.cli import main
from zotbridge.listing import ReadOptions, read_listings
from zotbridge.sandbox.arxiv_corpus import Corpus
from zotbridge.sandbox.arxiv_server import ArxivEmulator
from zotbridge.sandbox.zotero_server import ZoteroEmulator

# Property tests: 200 examples each in CI; ZOTBRIDGE_HYPOTHESIS=thorough runs 10,000 (docs/development.md).
settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile(
    "thorough", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("ZOTBRIDGE_HYPOTHESIS", "ci"))

DATA = Path(__file__).parent / "data"
SHARED = DATA / "shared"
LISTINGS = sorted((SHARED / "listings").glob("*.txt"))
# The day the acceptance data was written against; the HF year rule caps at "today".
TODAY = dt.date(2026, 11, 22)


def read(*paths, **options):
    options.setdefault("today", TODAY)
    return list(read_listings([str(p) for p in paths], ReadOptions(**options)))


@pytest.fixture
def write(tmp_path):
    """write("name.txt", text_or_bytes) -> path of a new file in a temporary directory."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def cli():
    """Run the CLI in-process; returns click's Result (stdout, stderr and exit code apart)."""
    runner = CliRunner()

    def _run(*args, input=None):
        return runner.invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)

    return _run


def run_zotbridge(*args, input: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """The installed console script in a real subprocess (stdin, pipes, exit status)."""
    return subprocess.run(
        [sys.executable, "-m", "zotbridge", *map(str, args)],
        input=input,
        capture_output=True,
        timeout=300,
        env=env,
    )


def sandbox_command(state: Path, *options: str) -> list[str]:
    """`zotbridge sandbox` with every emulator on a free port and its library in ``state``."""
    from zotbridge.sandbox import PORTS

    ports = [arg for name in PORTS for arg in (f"--{name}-port", "0")]
    return [sys.executable, "-m", "zotbridge", "sandbox", *ports, "--state", str(state), *options]


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def service_env(
    home: Path,
    arxiv=None,
    zotero=None,
    api_key: str | None = None,
    library_id: int | None = None,
    **extra: str,
) -> dict[str, str]:
    """The environment of a zotbridge process pointed at the emulators — the same variables a user
    sets for the real services (docs/configuration.md). ``arxiv``/``zotero``: running emulators."""
    env = {**os.environ, "ZOTBRIDGE_HOME": str(home)}
    if arxiv is not None:
        env |= {
            "ZOTBRIDGE_ARXIV_URL": arxiv.url,
            "ZOTBRIDGE_ARXIV_PDF_URL": arxiv.pdf_url,
            "ZOTBRIDGE_ARXIV_DELAY": "0",
        }
    if zotero is not None:
        env["ZOTBRIDGE_ZOTERO_URL"] = zotero.url
    if api_key is not None:
        env |= {
            "ZOTERO_API_KEY": api_key,
            "ZOTERO_LIBRARY_ID": str(library_id),
            "ZOTERO_LIBRARY_TYPE": "user",
        }
    return env | extra


SEED_RECORDS = SHARED / "reference/arxiv-seed-records.jsonl"
HARD_RECORDS = DATA / "hard-records.jsonl"


@pytest.fixture(scope="module")
def arxiv_seeds():
    """The arXiv emulator over the shared seed records and the hand-made hard records, for the
    tests of one module (a test may add papers to ``arxiv_seeds.corpus``)."""
    with ArxivEmulator(Corpus.from_jsonl(SEED_RECORDS, HARD_RECORDS)) as server:
        yield server


@pytest.fixture
def zotero_emulator(tmp_path):
    """``zotero_emulator(user_id, name, key, **access)``: a Zotero emulator with that user, its
    library kept in this test's temporary directory (a second call adds a user to the same one)."""
    with ZoteroEmulator(tmp_path / "zotero.json") as server:

        def with_user(user_id: int, name: str, key: str, **access):
            server.add_user(user_id, name, key, **access)
            return server

        yield with_user


PUBLISHED_DATA = DATA / "published"


@pytest.fixture(scope="session")
def venue_corpus():
    """The demo corpus with the real arXiv rows of tests/data/published, and what DBLP and Semantic
    Scholar know of it (built once: the corpus's index takes a second)."""
    from zotbridge.sandbox.services import example
    from zotbridge.sandbox.venue_records import VenueData, demo_venues

    corpus = Corpus.from_jsonl(example("demo-corpus.jsonl"), PUBLISHED_DATA / "arxiv-rows.jsonl")
    return corpus, VenueData.build(corpus, demo_venues(), PUBLISHED_DATA / "dblp-records.json")


@pytest.fixture
def venue_services(tmp_path, venue_corpus):
    """arXiv, DBLP, Semantic Scholar and Zotero emulators over :func:`venue_corpus` (the demo
    corpus's published versions of sandbox/data/venues.json and the real DBLP records of
    tests/data/published); yields ``(env, servers)``, ``env`` pointing zotbridge at all of them."""
    from zotbridge.sandbox.acl_server import AclEmulator
    from zotbridge.sandbox.crossref_server import CrossrefEmulator
    from zotbridge.sandbox.dblp_server import DblpEmulator
    from zotbridge.sandbox.s2_server import S2Emulator

    corpus, data = venue_corpus
    with (
        ArxivEmulator(corpus) as arxiv,
        DblpEmulator(data, burst=1000) as dblp,  # its 429 limiter has its own test
        S2Emulator(data) as s2,
        CrossrefEmulator(data) as crossref,
        AclEmulator(data) as acl,
        ZoteroEmulator(tmp_path / "zotero.json") as zotero,
    ):
        zotero.add_user(7, "reader", "readerkey")
        env = service_env(tmp_path / "home", arxiv, zotero, "readerkey", 7) | {
            "ZOTBRIDGE_S2_URL": s2.url,
            "ZOTBRIDGE_DBLP_URL": dblp.url,
            "ZOTBRIDGE_CROSSREF_URL": crossref.url,
            "ZOTBRIDGE_ACL_URL": acl.url,
            "ZOTBRIDGE_S2_DELAY": "0",
            "ZOTBRIDGE_DBLP_DELAY": "0",
            "ZOTBRIDGE_CROSSREF_DELAY": "0",
            "ZOTBRIDGE_ACL_DELAY": "0",
        }
        yield (
            env,
            {"arxiv": arxiv, "dblp": dblp, "s2": s2, "crossref": crossref, "acl": acl, "zotero": zotero},
        )


def killed_run(args, listing: bytes, env: dict, progress, count: int) -> None:
    """`zotbridge ARGS` with ``listing`` on stdin, ``kill -9``-ed once ``progress()`` reaches
    ``count`` (the crash tests: a kill after each request a run makes)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "zotbridge", *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    killer = threading.Thread(target=kill_when, args=(progress, count, child))
    killer.start()
    child.stdin.write(listing)
    child.stdin.close()
    child.wait(timeout=120)
    killer.join()


def kill_when(progress, count, child):
    """``kill -9`` the child process once ``progress()`` reaches ``count`` (the crash tests)."""
    while child.poll() is None:
        if progress() >= count:
            child.send_signal(signal.SIGKILL)
            return
        time.sleep(0.0005)
