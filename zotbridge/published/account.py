"""``zotbridge login --s2`` / ``logout``: the optional Semantic Scholar API key, checked with S2
and kept in the system keyring (never in the config file), like the Zotero key."""

from __future__ import annotations

from zotbridge.config import Settings
from zotbridge.credentials import S2_KEYRING, keyring_delete, keyring_set
from zotbridge.errors import AccessError, ConfigError, InputError, SourceFailed
from zotbridge.published.client import S2Client

KEY_FORM = "https://www.semanticscholar.org/product/api#api-key-form"


def s2_login(settings: Settings, api_key: str) -> None:
    """Check the key with one batch look-up (S2 answers 403 to an unknown key), then keep it."""
    api_key = api_key.strip()
    if not api_key or any(c.isspace() for c in api_key):
        raise InputError("that does not look like a Semantic Scholar API key", f"copy it from {KEY_FORM}")
    with S2Client(settings, api_key=api_key) as probe:
        try:
            probe.papers(["1706.03762"])
        except SourceFailed as exc:
            if "403" in exc.reason:
                raise AccessError(
                    "Semantic Scholar refused this API key", f"check it, or ask for one at {KEY_FORM}"
                ) from exc
            raise
    keyring_set(S2_KEYRING, api_key)


def s2_logout() -> bool:
    """Forget the Semantic Scholar key; whether there was one (none without a keyring)."""
    try:
        return keyring_delete(S2_KEYRING)
    except ConfigError:
        return False
