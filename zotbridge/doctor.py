"""``zotbridge doctor``: check what zotbridge needs, and say what to fix.

Each check gives ``ok``, ``warn`` (works, but something a user should know) or ``fail`` (a command
will not work), with the fix. The API key is never printed: only where it comes from.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import metadata

import keyring

from zotbridge.arxiv.client import ArxivClient
from zotbridge.config import Settings
from zotbridge.credentials import (
    Credentials,
    backend_chosen_explicitly,
    backend_name,
    load_credentials,
    plaintext_backend,
)
from zotbridge.errors import ZotbridgeError
from zotbridge.store import Store
from zotbridge.zotero.client import ZoteroClient

# distribution -> (what the version must start with, why)
DEPENDENCIES = {
    "pyzotero": ("1.16.", "pyzotero 1.16 is the Zotero client zotbridge drives"),
    "arxiv": ("4.", "arxiv 4.x is the arXiv client"),
    "bibtexparser": ("1.4", "pyzotero 1.16 needs bibtexparser 1.4"),
    "click": ("8.", ""),
    "keyring": ("", ""),
    "httpx2": ("2.", ""),
    "pylatexenc": ("2.", ""),
    "rapidfuzz": ("3.", ""),
    "unidecode": ("1.", ""),
    "platformdirs": ("4.", ""),
    "regex": ("", ""),
    "snowballstemmer": ("", ""),
}


@dataclass
class Check:
    name: str
    status: str  # "ok" | "warn" | "fail"
    detail: str
    fix: str = ""


def run_checks(settings: Settings) -> list[Check]:
    checks = [_python(), *_dependencies(), _keyring(), _store(settings)]
    credentials_check, credentials = _credentials(settings)
    checks.append(credentials_check)
    checks.append(_arxiv(settings))
    checks.append(_contact(settings))
    checks.append(_zotero(settings, credentials))
    return checks


def _python() -> Check:
    return Check("python", "ok", ".".join(map(str, sys.version_info[:3])))  # pip refuses anything below 3.11


def _dependencies() -> list[Check]:
    out = []
    for name, (prefix, why) in DEPENDENCIES.items():
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            out.append(Check(name, "fail", "not installed", "reinstall zotbridge: pip install -e ."))
            continue
        if not version.startswith(prefix):
            out.append(
                Check(name, "warn", f"{version} (tested with {prefix}x)", why or "reinstall zotbridge")
            )
        else:
            out.append(Check(name, "ok", version))
    return out


def _keyring() -> Check:
    backend = keyring.get_keyring()
    name = backend_name()
    if plaintext_backend():
        return Check(
            "keyring backend",
            "warn",
            f"{name} keeps secrets in a plain file",
            "install a system keyring, or set ZOTERO_API_KEY and ZOTERO_LIBRARY_ID in the environment"
            + ("" if backend_chosen_explicitly() else "; zotbridge login will not store the key there"),
        )
    if "fail" in name.lower() or getattr(backend, "priority", 1) <= 0:
        return Check(
            "keyring backend",
            "warn",
            f"no usable backend ({name})",
            "install a system keyring, or set ZOTERO_API_KEY and ZOTERO_LIBRARY_ID in the environment",
        )
    return Check("keyring backend", "ok", name)


def _store(settings: Settings) -> Check:
    try:
        with Store(settings.home) as store:
            result = store.integrity()
    except ZotbridgeError as exc:
        return Check("store", "fail", exc.message, exc.hint or "")
    if result != "ok":
        return Check(
            "store",
            "fail",
            f"{settings.home}: {result}",
            "move the file zotbridge.sqlite3 aside; zotbridge makes a new one (decisions are asked again)",
        )
    return Check("store", "ok", str(settings.home / "zotbridge.sqlite3"))


def _credentials(settings: Settings) -> tuple[Check, Credentials | None]:
    try:
        credentials = load_credentials(settings)
    except ZotbridgeError as exc:
        return Check("zotero credentials", "fail", exc.message, exc.hint or ""), None
    source = "ZOTERO_API_KEY" if settings.env.get("ZOTERO_API_KEY") else "the system keyring"
    return Check(
        "zotero credentials", "ok", f"library {credentials.prefix}, API key from {source}"
    ), credentials


def _arxiv(settings: Settings) -> Check:
    try:
        with ArxivClient(settings, retries=1) as client:  # a check, not a job: 2 tries
            client.search("ti:test", max_results=1)
    except ZotbridgeError as exc:
        return Check("arxiv", "fail", exc.message, exc.hint or "")
    return Check("arxiv", "ok", f"{settings.arxiv_url} answers (delay {settings.arxiv_delay:g} s)")


def _contact(settings: Settings) -> Check:
    if settings.contact:
        return Check("contact", "ok", f"sent to arXiv in the User-Agent: {settings.contact}")
    return Check(
        "contact",
        "warn",
        "arXiv does not know how to reach you if it blocks or throttles this client",
        'add `contact = "you@example.org"` (an e-mail address or a URL) at the top of '
        f"{settings.config_path}, or set ZOTBRIDGE_CONTACT",
    )


def _zotero(settings: Settings, credentials: Credentials | None) -> Check:
    if credentials is None:
        return Check(
            "zotero",
            "warn",
            f"{settings.zotero_url}: not checked without credentials",
            "run `zotbridge login`",
        )
    try:
        with ZoteroClient(settings, credentials) as client:
            info = client.key_info()
    except ZotbridgeError as exc:
        return Check("zotero", "fail", exc.message, exc.hint or "")
    access = info.get("access", {})
    grant = (
        access.get("user", {})
        if credentials.library_type == "user"
        else (
            access.get("groups", {}).get(str(credentials.library_id))
            or access.get("groups", {}).get("all")
            or {}
        )
    )
    if credentials.library_type == "user" and info.get("userID") != credentials.library_id:
        return Check(
            "zotero",
            "fail",
            f"the key belongs to user {info.get('userID')}, not {credentials.prefix}",
            "run `zotbridge login` again",
        )
    if not grant.get("write"):
        return Check(
            "zotero",
            "fail",
            f"the key cannot write {credentials.prefix}",
            "allow write access at https://www.zotero.org/settings/keys",
        )
    return Check("zotero", "ok", f"{settings.zotero_url}: key of {info.get('username', '?')}, write access")
