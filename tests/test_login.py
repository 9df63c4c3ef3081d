"""`zotbridge login` / `logout` with a file-backed keyring (keyrings.alt), against the Zotero
emulator; the key never lands in output, the config file or the store."""

import base64
import subprocess
import sys

import pytest

from conftest import DATA, run_zotbridge, service_env
from zotbridge.sandbox.arxiv_corpus import Corpus
from zotbridge.sandbox.arxiv_server import ArxivEmulator

KEY, READONLY = "KEYlogin77", "KEYreadonly7"
ENCODED = base64.b64encode(KEY.encode()).decode()


@pytest.fixture
def env(tmp_path, zotero_emulator):
    server = zotero_emulator(42, "ada", KEY, groups={900: True})
    zotero_emulator(43, "bea", READONLY, write=False)
    with ArxivEmulator(Corpus.from_jsonl(DATA / "hard-records.jsonl")) as arxiv:
        # no credentials from the environment: login keeps them in a file keyring chosen explicitly
        environment = {
            k: v
            for k, v in service_env(
                tmp_path / "home",
                arxiv,
                server,
                PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
                XDG_DATA_HOME=str(tmp_path / "data"),
            ).items()
            if not k.startswith("ZOTERO_")
        }
        yield server, environment, tmp_path


def zb(environment, *args, key=None, listing=b"2410.10636\n"):
    stdin = (key + "\n").encode() if key is not None else listing
    proc = run_zotbridge(*args, input=stdin, env=environment)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def all_files_text(root) -> str:
    return "".join(p.read_bytes().decode("utf-8", "replace") for p in root.rglob("*") if p.is_file())


def test_login_keeps_the_key_in_the_keyring_and_push_finds_it(env):
    server, environment, tmp_path = env
    code, out, err = zb(environment, "login", key=KEY)
    assert code == 0, err
    assert "logged in: library users/42 (ada)" in err and KEY not in out + err
    config = (tmp_path / "home" / "config.toml").read_text()
    assert "library_id = 42" in config and 'library_type = "user"' in config and KEY not in config
    keyring_file = next((tmp_path / "data").rglob("*.cfg"))
    assert ENCODED in keyring_file.read_text()  # where the (file-backed) keyring keeps it, base64
    code, out, err = zb(environment, "push", "-", "--collection", "Reading", "--dry-run")
    assert code == 0, err  # credentials come from config + keyring
    assert "create" in out and KEY not in out + err
    store_and_config = all_files_text(tmp_path / "home")
    assert KEY not in store_and_config


@pytest.mark.slow
def test_logout_forgets_key_and_library(env):
    _server, environment, tmp_path = env
    zb(environment, "login", key=KEY)
    code, _, err = zb(environment, "logout")
    assert code == 0 and "logged out of users/42" in err
    assert ENCODED not in all_files_text(tmp_path / "data")
    code, _, err = zb(environment, "push", "-", "--collection", "Reading")
    assert code == 2 and "no Zotero library is configured" in err
    assert "not logged in" in zb(environment, "logout")[2]


def test_group_login(env):
    _server, environment, tmp_path = env
    code, _, err = zb(environment, "login", "--group", "900", key=KEY)
    assert code == 0 and "groups/900" in err
    assert 'library_type = "group"' in (tmp_path / "home" / "config.toml").read_text()
    code, _, err = zb(environment, "login", "--group", "901", key=KEY)
    assert code == 2 and "no access to the library groups/901" in err


def test_refusals_are_clear(env):
    _server, environment, tmp_path = env
    code, _, err = zb(environment, "login", key="WRONGKEY99")
    assert code == 2 and "Zotero does not know this API key" in err and "WRONGKEY99" not in err
    code, _, err = zb(environment, "login", key=READONLY)
    assert code == 2 and "can read but not write" in err and "Allow write access" in err
    assert not (tmp_path / "home" / "config.toml").exists()


def test_no_keyring_backend_says_what_to_do(env):
    _server, environment, _tmp = env
    code, _, err = zb(
        environment | {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}, "login", key=KEY
    )
    assert code == 2 and "no system keyring is available" in err
    assert "ZOTERO_API_KEY" in err and "Traceback" not in err


def test_a_plaintext_keyring_is_never_chosen_silently(env):
    """With nothing better installed, keyring picks keyrings.alt's PlaintextKeyring on its own: the
    key would sit in a readable file. login refuses, says how to go on, and writes nothing."""
    _server, environment, tmp_path = env
    automatic = {k: v for k, v in environment.items() if k != "PYTHON_KEYRING_BACKEND"}
    automatic |= {"XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path)}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import keyring; b = keyring.get_keyring(); print(type(b).__module__ + '.' + type(b).__name__)",
        ],
        env=automatic,
        capture_output=True,
        text=True,
    )
    if probe.stdout.strip() != "keyrings.alt.file.PlaintextKeyring":
        pytest.skip(f"this machine has a real keyring ({probe.stdout.strip()})")
    code, _, err = zb(automatic, "login", key=KEY)
    assert code == 2 and "would keep the API key in a plain file" in err and "ZOTERO_API_KEY" in err
    written = "".join(
        all_files_text(tmp_path / d) for d in ("home", "data", "config", ".local") if (tmp_path / d).exists()
    )
    assert KEY not in written and ENCODED not in written  # (the emulator's own state file holds its keys)
    doctor = run_zotbridge("doctor", env=automatic).stdout.decode()
    assert "warn  keyring backend" in doctor and "plain file" in doctor
