"""Zotero credentials: the API key in the system keyring, the library in the config file, the
environment over both (``ZOTERO_API_KEY``, ``ZOTERO_LIBRARY_ID``, ``ZOTERO_LIBRARY_TYPE``); and
the optional Semantic Scholar key, the same way (``ZOTBRIDGE_S2_API_KEY`` over the keyring).

The key is a secret: it lives only in the keyring or the environment, never in the config file,
the store, logs, errors or output; :class:`Credentials` hides it from ``repr``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import keyring
import keyring.errors
import keyring.util.platform_

from zotbridge.config import Settings, library_prefix, read_config
from zotbridge.errors import ConfigError

KEYRING_SERVICE = "zotbridge"
S2_KEYRING = "semanticscholar"  # the keyring entry of the optional Semantic Scholar API key
LIBRARY_TYPES = ("user", "group")
NO_KEYRING_HINT = (
    "install a keyring backend (GNOME Keyring, KWallet, macOS Keychain, Windows Credential Locker), "
    "or set ZOTERO_API_KEY and ZOTERO_LIBRARY_ID in the environment (e.g. from a secrets manager)"
)
# Backends that keep secrets in a readable file: never chosen for a user without their say-so.
PLAINTEXT_BACKENDS = frozenset(
    {"keyrings.alt.file.PlaintextKeyring", "keyrings.alt.Gnome.Keyring", "keyrings.alt.pyfs.PlaintextKeyring"}
)


def backend_name() -> str:
    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def plaintext_backend() -> bool:
    """Whether the keyring would keep the key in a plain file (keyrings.alt's PlaintextKeyring is
    picked automatically when nothing better is installed)."""
    return backend_name() in PLAINTEXT_BACKENDS


def backend_chosen_explicitly() -> bool:
    """The user named the backend (``PYTHON_KEYRING_BACKEND`` or keyring's own config file)."""
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return True
    config_root = getattr(keyring.util.platform_, "config_root", None)
    return bool(config_root and (Path(config_root()) / "keyringrc.cfg").exists())


@dataclass(frozen=True)
class Credentials:
    api_key: str = field(repr=False)
    library_id: int
    library_type: str = "user"

    @property
    def prefix(self) -> str:
        """The library's API path prefix, ``users/123`` or ``groups/456``."""
        return library_prefix(self.library_type, self.library_id)


def load_credentials(settings: Settings) -> Credentials:
    """Environment first, then config file + keyring; a clear error when neither has them."""
    env = settings.env
    config = read_config(settings.config_path).get("zotero", {})
    library_type = env.get("ZOTERO_LIBRARY_TYPE") or config.get("library_type") or "user"
    if library_type not in LIBRARY_TYPES:
        raise ConfigError(
            f"ZOTERO_LIBRARY_TYPE={library_type!r} is neither 'user' nor 'group'", "set it to user or group"
        )
    library_id = env.get("ZOTERO_LIBRARY_ID") or config.get("library_id")
    if library_id is None or not str(library_id).isdigit():
        raise ConfigError(
            "no Zotero library is configured"
            if library_id is None
            else f"the Zotero library id {library_id!r} is not a number",
            "run `zotbridge login`, or set ZOTERO_API_KEY and ZOTERO_LIBRARY_ID "
            "(your userID, shown at https://www.zotero.org/settings/keys)",
        )
    prefix = library_prefix(library_type, library_id)
    api_key = env.get("ZOTERO_API_KEY") or keyring_get(prefix)
    if not api_key:
        raise ConfigError(
            f"no API key for the Zotero library {prefix}", "run `zotbridge login`, or set ZOTERO_API_KEY"
        )
    return Credentials(api_key, int(library_id), library_type)


def keyring_get(prefix: str) -> str | None:
    try:
        return keyring.get_password(KEYRING_SERVICE, prefix)
    except keyring.errors.NoKeyringError as exc:
        raise ConfigError(
            "no system keyring is available to read the Zotero API key", NO_KEYRING_HINT
        ) from exc
    except keyring.errors.KeyringError as exc:
        raise ConfigError(f"the system keyring failed ({type(exc).__name__})", NO_KEYRING_HINT) from exc


def keyring_set(prefix: str, api_key: str) -> None:
    if plaintext_backend() and not backend_chosen_explicitly():
        raise ConfigError(
            f"the only keyring here ({backend_name()}) would keep the API key in a plain file",
            "set ZOTERO_API_KEY and ZOTERO_LIBRARY_ID in the environment instead, or install a "
            "system keyring; to accept the plain file, choose it: "
            f"PYTHON_KEYRING_BACKEND={backend_name()}",
        )
    try:
        keyring.set_password(KEYRING_SERVICE, prefix, api_key)
    except keyring.errors.NoKeyringError as exc:
        raise ConfigError(
            "no system keyring is available to keep the Zotero API key", NO_KEYRING_HINT
        ) from exc
    except keyring.errors.KeyringError as exc:
        raise ConfigError(
            f"the system keyring refused the key ({type(exc).__name__})", NO_KEYRING_HINT
        ) from exc


def keyring_delete(prefix: str) -> bool:
    try:
        keyring.delete_password(KEYRING_SERVICE, prefix)
        return True
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.NoKeyringError as exc:
        raise ConfigError("no system keyring is available", NO_KEYRING_HINT) from exc


def s2_api_key(settings: Settings) -> str | None:
    """The optional Semantic Scholar API key: ``ZOTBRIDGE_S2_API_KEY``, else the keyring (``zotbridge
    login --s2``); none when neither has one, or there is no keyring — S2 works without a key."""
    key = settings.env.get("ZOTBRIDGE_S2_API_KEY")
    if key:
        return key
    try:
        return keyring_get(S2_KEYRING)
    except ConfigError:
        return None
