"""Configuration precedence (option > environment > config file > default), `zotbridge config`,
and `zotbridge doctor` — through a real subprocess."""

import os

import pytest

from conftest import LISTINGS, json_lines, run_zotbridge
from zotbridge.config import Settings
from zotbridge.sandbox.services import start_sandbox


def env_for(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZOTBRIDGE_", "ZOTERO_"))}
    return env | {"ZOTBRIDGE_HOME": str(tmp_path)} | extra


def write_config(tmp_path, text):
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")


def test_settings_precedence(tmp_path):
    write_config(tmp_path, '[arxiv]\ndelay = 5\nurl = "http://127.0.0.1:7/api/query"\n')
    assert Settings.from_env(env_for(tmp_path)).arxiv_delay == 5
    assert Settings.from_env(env_for(tmp_path)).arxiv_url == "http://127.0.0.1:7/api/query"
    overridden = Settings.from_env(env_for(tmp_path, ZOTBRIDGE_ARXIV_DELAY="4"))
    assert overridden.arxiv_delay == 4 and Settings.from_env(env_for(tmp_path / "none")).arxiv_delay == 3


def test_option_defaults_from_the_config_file_and_options_win(tmp_path):
    write_config(tmp_path, '[defaults]\ntags = 1\ntag_prefix = "kw:"\n')
    listing = LISTINGS[1]
    rows = json_lines(
        run_zotbridge("tags", "--no-resolve", "--json", listing, env=env_for(tmp_path)).stdout.decode()
    )
    assert all(len(r["tags"]) <= 1 and all(t.startswith("kw:") for t in r["tags"]) for r in rows)
    rows = json_lines(
        run_zotbridge(
            "tags", "--no-resolve", "--json", "--tags", "4", listing, env=env_for(tmp_path)
        ).stdout.decode()
    )
    assert max(len(r["tags"]) for r in rows) == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[defaults]\ncolour = 1\n", "unknown [defaults] key 'colour'"),
        ("[defaults\n", "cannot read the config file"),
        ('[arxiv]\ndelay = "soon"\n', "is not a number of seconds"),
    ],
)
def test_bad_config_is_one_clear_error(tmp_path, text, message):
    write_config(tmp_path, text)
    proc = run_zotbridge("parse", LISTINGS[1], env=env_for(tmp_path))
    assert proc.returncode == 2 and message in proc.stderr.decode() and b"Traceback" not in proc.stderr


def test_config_path_and_show(tmp_path):
    proc = run_zotbridge("config", "path", env=env_for(tmp_path))
    assert proc.stdout.decode().strip() == str(tmp_path / "config.toml")
    other = tmp_path / "elsewhere.toml"
    assert run_zotbridge(
        "config", "path", env=env_for(tmp_path, ZOTBRIDGE_CONFIG=str(other))
    ).stdout.decode().strip() == str(other)
    write_config(tmp_path, '[defaults]\ncollection = "Inbox"\n')
    shown = run_zotbridge(
        "config", "show", env=env_for(tmp_path, ZOTERO_API_KEY="SECRETKEY99", ZOTERO_LIBRARY_ID="7")
    ).stdout.decode()
    assert "default --collection  Inbox  (config file [defaults])" in shown
    assert "users/7" in shown and "SECRETKEY99" not in shown


@pytest.mark.slow
def test_doctor_reports_what_to_fix_and_passes_on_a_sandbox(tmp_path):
    proc = run_zotbridge(
        "doctor",
        env=env_for(tmp_path, ZOTBRIDGE_ARXIV_URL="http://127.0.0.1:9/api/query", ZOTBRIDGE_ARXIV_DELAY="0"),
    )
    out = proc.stdout.decode()
    assert proc.returncode == 1
    assert "FAIL  zotero credentials" in out and "fix: run `zotbridge login`" in out
    assert "FAIL  arxiv" in out and "ok    store" in out
    assert "warn  contact" in out and 'contact = "you@example.org"' in out  # a User-Agent arXiv can reply to
    sandbox = start_sandbox(tmp_path / "sandbox")
    try:
        proc = run_zotbridge(
            "doctor", env=env_for(tmp_path, ZOTBRIDGE_CONTACT="me@uni.example", **sandbox.env())
        )
    finally:
        sandbox.close()
    out = proc.stdout.decode()
    assert proc.returncode == 0, out
    assert "ok    contact" in out and "me@uni.example" in out
    assert "key of sandbox, write access" in out and sandbox.api_key not in out + proc.stderr.decode()
