"""The arXiv client against the emulator: etiquette, soft failures, retries and the settings it
is built from. Each failure shape is one real users of today's API reported (docs/sandbox.md)."""

import logging
import re
import subprocess
import sys
import threading

import pytest

from zotbridge.arxiv.client import ID_BATCH, RETRIES, USER_AGENT, ArxivClient, user_agent
from zotbridge.arxiv.gate import Gate
from zotbridge.config import Settings
from zotbridge.errors import ConfigError, ExitStatus, QueryTooLong, ServiceError
from zotbridge.sandbox.arxiv_corpus import Corpus, paper_from_row
from zotbridge.sandbox.arxiv_server import ArxivEmulator


def row(i, versions=1):
    return {
        "id": f"2403.{i:05d}",
        "title": f"Paper {i}",
        "abstract": "Text.",
        "authors": "A. B",
        "categories": "cs.LG",
        "versions": [
            {"version": f"v{v}", "created": f"Mon, {v} Apr 2024 00:00:00 GMT"} for v in range(1, versions + 1)
        ],
    }


ROWS = [row(i, versions=1 + i % 3) for i in range(1, 501)]


@pytest.fixture(scope="module")
def server():
    with ArxivEmulator(Corpus([paper_from_row(r) for r in ROWS])) as srv:
        yield srv


@pytest.fixture
def emulator(server):
    server.faults.clear()
    yield server
    server.faults.clear()


class Waits:
    """Records the client's waits instead of sleeping them (the waits are what is checked)."""

    def __init__(self):
        self.seconds = []

    def __call__(self, seconds):
        self.seconds.append(round(seconds, 3))


def make(emulator, tmp_path, delay=0.0, **settings):
    waits = Waits()  # the client's backoffs; the gate's own waits (the delay) are not recorded
    client = ArxivClient(
        Settings(home=tmp_path, arxiv_url=emulator.url, arxiv_delay=delay, **settings),
        gate=Gate(sleep=Waits()),
        sleep=waits,
    )
    return client, waits


def test_one_gate_spaces_requests_of_every_client_and_thread(emulator, tmp_path):
    delay = 0.25
    gate = Gate()
    settings = Settings(home=tmp_path, arxiv_url=emulator.url, arxiv_delay=delay)
    clients = [ArxivClient(settings, gate=gate) for _ in range(3)]
    start = len(emulator.stats.arrivals)
    threads = [
        threading.Thread(target=c.search, args=(f"ti:paper AND ti:{i + 1}", 5)) for i, c in enumerate(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    arrivals = emulator.stats.arrivals[start:]
    assert len(arrivals) == 3
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
    assert min(gaps) >= delay * 0.95  # a lower bound: never closer than the delay


SEARCHES = """
import sys
from pathlib import Path
from zotbridge.arxiv.client import ArxivClient
from zotbridge.config import Settings
client = ArxivClient(Settings(home=Path(sys.argv[1]), arxiv_url=sys.argv[2], arxiv_delay=float(sys.argv[3])))
for i in range(4):
    client.search(f"ti:paper AND ti:{i + 1}", 1)
"""


@pytest.mark.slow
def test_two_processes_of_one_user_share_the_gate(emulator, tmp_path):
    """arXiv's terms: one request every three seconds, one connection, "for all of the machines
    under your control as a whole" (docs/help/api/tou.md): two runs must not double the rate."""
    delay = 0.3
    start = len(emulator.stats.arrivals)
    runs = [
        subprocess.Popen([sys.executable, "-c", SEARCHES, str(tmp_path), emulator.url, str(delay)])
        for _ in range(2)
    ]
    assert [r.wait(timeout=60) for r in runs] == [0, 0]
    arrivals = sorted(emulator.stats.arrivals[start:])
    assert len(arrivals) == 8
    assert min(b - a for a, b in zip(arrivals, arrivals[1:])) >= delay * 0.95


def test_ids_by_post_with_max_results_matched_by_id(emulator, tmp_path):
    """``id_list`` answers come in no particular order and a bare id is the latest version
    (docs/sandbox.md): records are matched by id, never by position."""
    client, _ = make(emulator, tmp_path)
    before = len(emulator.stats.urls)
    asked = [r["id"] for r in ROWS[:250]] + ["2403.00002v1", "2403.00005v2"]
    answer = client.fetch_ids(asked)
    assert len(emulator.stats.urls) - before == 2  # 200 + 52
    assert set(emulator.stats.methods[before:]) == {"POST"}
    assert f"max_results={ID_BATCH}" in emulator.stats.urls[before]  # not arXiv's default of 10
    assert all(answer.found[i].arxiv_id == i for i in asked if "v" not in i)
    assert answer.found["2403.00002"].version == 3 and answer.found["2403.00002v1"].version == 1
    assert answer.found["2403.00005v2"].version == 2 and answer.found["2403.00005"].version == 3
    assert USER_AGENT in emulator.stats.user_agents and USER_AGENT.startswith("zotbridge/")


def test_unknown_well_formed_ids_are_absent_not_errors(emulator, tmp_path):
    """``0000.0000`` and ``1234.12345`` are accepted and left out with 200 (arxiv.py live fixtures)."""
    client, _ = make(emulator, tmp_path)
    answer = client.fetch_ids(["2403.00001", "1234.12345", "0000.0000"])
    assert set(answer.found) == {"2403.00001"} and not answer.unsure


def test_the_contact_goes_into_the_user_agent(emulator, tmp_path):
    client, _ = make(emulator, tmp_path, contact="me@uni.example")
    client.search('ti:"paper 7"', 1)
    assert user_agent("me@uni.example") in emulator.stats.user_agents
    assert user_agent("me@uni.example").endswith("; +mailto:me@uni.example)")


@pytest.mark.parametrize("fault", ["rate200", "429", "503", "blank", "zero", "empty", "reset"])
def test_a_soft_failure_is_retried_never_an_empty_answer(emulator, tmp_path, fault):
    """200 'Rate exceeded.' (openags/paper-search-mcp PR #81), 429 'Rate exceeded.', 503 first
    byte timeout (arXiv API group 6cU-pUjuUAo), a blank 200 (ropensci/aRxiv #66), a feed with no
    entries and totalResults 0 (arXiv API group DYHxWrtBgbo), an empty page, a dropped connection."""
    client, _ = make(emulator, tmp_path)
    clean = client.search('ti:"paper 7"', 3)
    before = emulator.stats.requests
    emulator.faults.plan(fault)
    page = client.search('ti:"paper 7"', 3)
    assert [r.arxiv_id for r in page.records] == [r.arxiv_id for r in clean.records] == ["2403.00007"]
    assert not page.suspect
    assert emulator.stats.requests - before == 2
    # the second ask is another request: a caching layer in front of arXiv may repeat a bad answer
    assert emulator.stats.urls[-1] != emulator.stats.urls[-2]


def test_an_answer_empty_twice_is_suspect(emulator, tmp_path):
    client, _ = make(emulator, tmp_path)
    emulator.faults.plan("zero", "zero")
    page = client.search('ti:"paper 7"', 3)
    assert page.records == [] and page.suspect
    ids_answer = (emulator.faults.plan("zero", "zero"), client.fetch_ids(["2403.00007"]))[1]
    assert ids_answer.found == {} and ids_answer.unsure == {"2403.00007"}


def test_retry_after_is_honoured(emulator, tmp_path, caplog):
    client, waits = make(emulator, tmp_path)
    emulator.faults.plan("429:7")
    with caplog.at_level(logging.WARNING):
        client.search('ti:"paper 7"', 3)
    assert waits.seconds == [7.0]
    assert "waiting for arXiv (rate limited), retry in 7 s" in caplog.text


def test_backoff_doubles_from_the_delay_up_to_the_cap(emulator, tmp_path):
    client, waits = make(emulator, tmp_path, delay=3.0, arxiv_max_backoff=20.0)
    emulator.faults.plan("429", "rate200", "blank", "429", "reset", "503")
    client.search('ti:"paper 7"', 3)
    assert waits.seconds == [3.0, 6.0, 12.0, 20.0, 20.0, 0.0]  # the 503's Retry-After: 0 is honoured


def test_without_a_delay_only_retry_after_makes_it_wait(emulator, tmp_path):
    client, waits = make(emulator, tmp_path, delay=0.0)
    emulator.faults.plan("429", "503", "rate200")
    client.search('ti:"paper 7"', 3)
    assert all(w == 0 for w in waits.seconds)


def test_it_gives_up_with_exit_3_after_the_retries(emulator, tmp_path):
    client, _ = make(emulator, tmp_path)
    emulator.faults.plan(*["rate200"] * (RETRIES + 1))
    with pytest.raises(ServiceError, match=rf"after {RETRIES + 1} tries \(rate limited\)") as caught:
        client.search('ti:"paper 7"', 3)
    assert caught.value.exit_code == ExitStatus.SERVICE


def test_request_too_long_means_split(emulator, tmp_path):
    """gunicorn answers a request line over its limit with 400 text/html (docs/sandbox.md); the
    old Apache front end with 414 (lukasschwab/arxiv.py #15)."""
    client, _ = make(emulator, tmp_path)
    emulator.faults.request_line_limit = 10
    with pytest.raises(QueryTooLong):
        client.search('ti:"paper 7"', 3)
    emulator.faults.clear()
    emulator.faults.plan("414")
    with pytest.raises(QueryTooLong):
        client.search('ti:"paper 7"', 3)


def test_a_refused_query_and_robot_detection_stop_at_once(emulator, tmp_path):
    client, _ = make(emulator, tmp_path)
    before = emulator.stats.requests
    with pytest.raises(ServiceError, match="refused the query"):
        client.search("ti:x AND AND ti:y", 3)
    emulator.faults.plan("denied")
    with pytest.raises(ServiceError, match="denied access"):
        client.search('ti:"paper 7"', 3)
    assert emulator.stats.requests - before == 2  # neither is retried


@pytest.mark.parametrize(
    "env, message",
    [
        ({"ZOTBRIDGE_ARXIV_URL": "http://export.arxiv.org/api/query"}, "plain http to another machine"),
        ({"ZOTBRIDGE_ARXIV_URL": "ftp://x"}, "is not an http(s) URL"),
        ({"ZOTBRIDGE_ARXIV_DELAY": "soon"}, "is not a number of seconds"),
        ({"ZOTBRIDGE_ARXIV_DELAY": "-1"}, "is not a number of seconds"),
        ({"ZOTBRIDGE_ARXIV_MAX_BACKOFF": "0"}, "is not a positive number of seconds"),
        ({"ZOTBRIDGE_CONTACT": "me at home"}, "is not an e-mail address or a URL"),
        ({"ZOTBRIDGE_CONTACT": "me@x\r\nX-Evil: 1"}, "is not an e-mail address or a URL"),
    ],
)
def test_settings_refuse_unsafe_or_broken_values(env, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        Settings.from_env(env)


def test_settings_defaults_and_loopback(tmp_path):
    s = Settings.from_env(
        {"ZOTBRIDGE_HOME": "/tmp/zb", "ZOTBRIDGE_ARXIV_URL": "http://localhost:1/api/query"}
    )
    assert (str(s.home), s.arxiv_url, s.arxiv_delay) == ("/tmp/zb", "http://localhost:1/api/query", 3.0)
    assert (s.arxiv_max_backoff, s.contact) == (600.0, None)
    assert Settings.from_env({}).arxiv_url == "https://export.arxiv.org/api/query"
    (tmp_path / "config.toml").write_text('contact = "me@uni.example"\n[arxiv]\nmax_backoff = 120\n')
    s = Settings.from_env({"ZOTBRIDGE_HOME": str(tmp_path)})
    assert (s.contact, s.arxiv_max_backoff) == ("me@uni.example", 120.0)


def test_ids_refused_as_too_long_even_one_by_one_are_a_clear_error(emulator, tmp_path):
    client, _ = make(emulator, tmp_path)
    emulator.faults.plan(*["414"] * 3)  # 2 ids → 414; then the first alone → 414
    with pytest.raises(ServiceError, match="refused even a single id"):
        client.fetch_ids(["2403.00001", "2403.00002"])
