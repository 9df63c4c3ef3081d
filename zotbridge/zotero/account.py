"""``zotbridge login`` / ``logout``: check an API key with Zotero, keep it in the keyring.

The key is checked against ``/keys/current`` (never put in a URL): Zotero says whose it is and what
it may do. A user library is the key's own (its ``userID``); a group library must be granted to the
key. push needs write access, so a read-only key is refused at login rather than at the first push.
"""

from __future__ import annotations

from dataclasses import dataclass

from zotbridge.config import Settings, config_file, library_prefix, read_config, write_config
from zotbridge.credentials import Credentials, keyring_delete, keyring_set
from zotbridge.errors import AccessError, InputError
from zotbridge.zotero.client import KEYS_PAGE, ZoteroClient


@dataclass
class Login:
    credentials: Credentials
    username: str


def login(settings: Settings, api_key: str, group: int | None = None) -> Login:
    api_key = api_key.strip()
    if not api_key.isalnum():
        raise InputError(
            "that does not look like a Zotero API key (letters and digits only)",
            f"copy the key from {KEYS_PAGE}",
        )
    with ZoteroClient(settings, Credentials(api_key, group or 0, "group" if group else "user")) as probe:
        response = probe.request("GET", "/keys/current")
    if response.status_code == 403:
        raise AccessError("Zotero does not know this API key", f"copy it again from {KEYS_PAGE}")
    info = probe.check(response, "the API key").json()
    if group is None:
        user = info.get("access", {}).get("user", {})
        credentials = Credentials(api_key, int(info["userID"]), "user")
        can_read, can_write = user.get("library", False), user.get("write", False)
    else:
        groups = info.get("access", {}).get("groups", {})
        grant = groups.get(str(group)) or groups.get("all") or {}
        credentials = Credentials(api_key, group, "group")
        can_read, can_write = grant.get("library", False), grant.get("write", False)
    if not can_read:
        raise AccessError(
            f"this API key has no access to the library {credentials.prefix}",
            f"edit the key at {KEYS_PAGE} to allow it, then log in again",
        )
    if not can_write:
        raise AccessError(
            f"this API key can read but not write the library {credentials.prefix}",
            f"zotbridge push needs write access: edit the key at {KEYS_PAGE} "
            '("Allow write access"), then log in again',
        )
    keyring_set(credentials.prefix, api_key)
    config = read_config(settings.config_path)
    config["zotero"] = {
        "library_type": credentials.library_type,
        "library_id": credentials.library_id,
        "username": info.get("username", ""),
    }
    write_config(settings.config_path or config_file(settings.env), config)
    return Login(credentials, info.get("username", ""))


def logout(settings: Settings) -> str | None:
    """Forget the configured library's key and the library; the library's prefix, or None."""
    config = read_config(settings.config_path)
    zotero = config.get("zotero", {})
    if not zotero.get("library_id"):
        return None
    prefix = library_prefix(zotero.get("library_type", "user"), zotero["library_id"])
    keyring_delete(prefix)
    config.pop("zotero")
    write_config(settings.config_path or config_file(settings.env), config)
    return prefix
