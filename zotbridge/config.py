"""Settings from the environment (design.md "Environment and state"), validated once.

Endpoints come only from here — tests and the sandbox point zotbridge at local emulators with
the same variables a user would set, never through test-only code paths. An endpoint that is not
on the loopback interface must use https: an API key or a query must not cross a network in clear.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from zotbridge.errors import ZotbridgeError

DEFAULT_ARXIV_URL = "https://export.arxiv.org/api/query"
DEFAULT_ZOTERO_URL = "https://api.zotero.org"
DEFAULT_ARXIV_DELAY = 3.0


class ConfigError(ZotbridgeError):
    exit_code = 2


@dataclass(frozen=True)
class Settings:
    home: Path
    arxiv_url: str = DEFAULT_ARXIV_URL
    arxiv_delay: float = DEFAULT_ARXIV_DELAY
    zotero_url: str = DEFAULT_ZOTERO_URL
    config_path: Path | None = None
    env: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        home = Path(env.get("ZOTBRIDGE_HOME") or platformdirs.user_data_dir("zotbridge", appauthor=False))
        delay_text = env.get("ZOTBRIDGE_ARXIV_DELAY", str(DEFAULT_ARXIV_DELAY))
        try:
            delay = float(delay_text)
        except ValueError:
            delay = -1.0
        if not delay >= 0:
            raise ConfigError(f"ZOTBRIDGE_ARXIV_DELAY={delay_text!r} is not a number of seconds",
                              "set it to 3 (arXiv's terms of use) or unset it")
        config_dir = Path(env["ZOTBRIDGE_HOME"]) if env.get("ZOTBRIDGE_HOME") else \
            Path(platformdirs.user_config_dir("zotbridge", appauthor=False))
        return cls(
            home=home,
            config_path=config_dir / "config.toml",
            env=dict(env),
            arxiv_url=_endpoint("ZOTBRIDGE_ARXIV_URL", env.get("ZOTBRIDGE_ARXIV_URL") or DEFAULT_ARXIV_URL),
            arxiv_delay=delay,
            zotero_url=_endpoint("ZOTBRIDGE_ZOTERO_URL", env.get("ZOTBRIDGE_ZOTERO_URL") or DEFAULT_ZOTERO_URL),
        )


def _endpoint(variable: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{variable}={url!r} is not an http(s) URL", f"unset {variable} to use the default")
    if parts.scheme == "http" and not _is_loopback(parts.hostname or ""):
        raise ConfigError(f"{variable}={url!r} uses plain http to another machine",
                          "use https (plain http is only allowed to 127.0.0.1/localhost)")
    return url.rstrip("/")


def is_loopback_url(url: str) -> bool:
    """True for an endpoint on this machine: such requests never go through a proxy."""
    return _is_loopback(urlsplit(url).hostname or "")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
