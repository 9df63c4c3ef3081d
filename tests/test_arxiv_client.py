"""The arXiv client's etiquette and the settings it is built from."""

import re
import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from zotbridge.arxiv.client import ID_BATCH, USER_AGENT, ArxivClient, Gate
from zotbridge.config import ConfigError, Settings
from zotbridge.sandbox.arxiv_corpus import Corpus, paper_from_row
from zotbridge.sandbox.arxiv_server import ArxivEmulator

ROWS = [{"id": f"2403.{i:05d}", "title": f"Paper {i}", "abstract": "Text.", "authors": "A. B",
         "categories": "cs.LG", "versions": [{"version": "v1", "created": "Mon, 1 Apr 2024 00:00:00 GMT"}]}
        for i in range(1, 501)]


@pytest.fixture(scope="module")
def server():
    with ArxivEmulator(Corpus([paper_from_row(r) for r in ROWS])) as srv:
        yield srv


def test_one_gate_spaces_requests_of_every_client_and_thread(server, tmp_path):
    delay = 0.25
    gate = Gate()
    settings = Settings(home=tmp_path, arxiv_url=server.url, arxiv_delay=delay)
    clients = [ArxivClient(settings, gate=gate) for _ in range(3)]
    start = len(server.stats.arrivals)
    threads = [threading.Thread(target=c.search, args=(f"ti:paper AND ti:{i}", 5)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    arrivals = server.stats.arrivals[start:]
    assert len(arrivals) == 3
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
    assert min(gaps) >= delay * 0.95  # a lower bound: never closer than the delay


def test_user_agent_and_max_results_are_set(server, tmp_path):
    client = ArxivClient(Settings(home=tmp_path, arxiv_url=server.url, arxiv_delay=0), gate=Gate())
    before = len(server.stats.urls)
    found = client.fetch_ids([r["id"] for r in ROWS[:250]])
    assert len(found) == 250
    urls = server.stats.urls[before:]
    assert len(urls) == 2  # 200 + 50
    first = parse_qs(urlsplit(urls[0]).query)
    assert first["max_results"] == [str(ID_BATCH)]  # not arXiv's default of 10
    assert USER_AGENT in server.stats.user_agents and USER_AGENT.startswith("zotbridge/")


@pytest.mark.parametrize("env, message", [
    ({"ZOTBRIDGE_ARXIV_URL": "http://export.arxiv.org/api/query"}, "plain http to another machine"),
    ({"ZOTBRIDGE_ARXIV_URL": "ftp://x"}, "is not an http(s) URL"),
    ({"ZOTBRIDGE_ARXIV_DELAY": "soon"}, "is not a number of seconds"),
    ({"ZOTBRIDGE_ARXIV_DELAY": "-1"}, "is not a number of seconds"),
])
def test_settings_refuse_unsafe_or_broken_values(env, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        Settings.from_env(env)


def test_settings_defaults_and_loopback():
    s = Settings.from_env({"ZOTBRIDGE_HOME": "/tmp/zb", "ZOTBRIDGE_ARXIV_URL": "http://localhost:1/api/query"})
    assert (str(s.home), s.arxiv_url, s.arxiv_delay) == ("/tmp/zb", "http://localhost:1/api/query", 3.0)
    assert Settings.from_env({}).arxiv_url == "https://export.arxiv.org/api/query"
