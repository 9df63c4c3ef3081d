"""Settings: command-line option > environment variable > config file > built-in default.

The config file is ``config.toml`` in ``ZOTBRIDGE_HOME`` when that is set, else in the platform's
config directory (``ZOTBRIDGE_CONFIG`` names another file). Its ``[arxiv]`` and ``[zotero]`` tables
hold endpoints and the arXiv delay (the environment variables of design.md override them), the
``[zotero]`` table the library that ``zotbridge login`` configured, and ``[defaults]`` the default
values of command options (docs/configuration.md). No secret is ever written to it.

Endpoints come only from here — tests and the sandbox point zotbridge at local emulators with
the same variables a user would set, never through test-only code paths. An endpoint that is not
on the loopback interface must use https: an API key or a query must not cross a network in clear.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from zotbridge.errors import ConfigError

DEFAULT_ARXIV_URL = "https://export.arxiv.org/api/query"
DEFAULT_ARXIV_PDF_URL = "https://arxiv.org/pdf/"  # + "<id>v<N>"
DEFAULT_ZOTERO_URL = "https://api.zotero.org"
DEFAULT_ARXIV_DELAY = 3.0
DEFAULT_ARXIV_TIMEOUT = 60.0
DEFAULT_KEY_FORMAT = "auth.lower + shorttitle(3,3) + year"  # Better BibTeX's default formula
DEFAULT_ZOTERO_TIMEOUT = 120.0  # a 50-object write is 50 transactions on the server
DEFAULT_ARXIV_MAX_BACKOFF = 600.0  # ten minutes: arXiv's 429s have lasted hours (docs/matching.md)
# Published-version sources (docs/published.md): their roots, and the spacing each one asks for.
DEFAULT_S2_URL = "https://api.semanticscholar.org/graph/v1"
DEFAULT_DBLP_URL = "https://dblp.org"
DEFAULT_CROSSREF_URL = "https://api.crossref.org"
DEFAULT_ACL_URL = "https://aclanthology.org"
DEFAULT_S2_DELAY = 1.1  # 1 request/s with a key, for all endpoints
DEFAULT_DBLP_DELAY = 2.0  # the dblp FAQ: "at least one or two second between two consecutive requests"
DEFAULT_CROSSREF_DELAY = 0.25  # Crossref's public pool: 5 requests a second since December 2025
DEFAULT_ACL_DELAY = 1.0  # the ACL Anthology publishes no limit: one request a second
DEFAULT_PUBLISHED_TTL_DAYS = (
    14.0  # papers get published later: a "preprint" verdict is asked again after this
)


@dataclass(frozen=True)
class Settings:
    home: Path
    arxiv_url: str = DEFAULT_ARXIV_URL
    arxiv_pdf_url: str = DEFAULT_ARXIV_PDF_URL
    arxiv_delay: float = DEFAULT_ARXIV_DELAY
    arxiv_timeout: float = DEFAULT_ARXIV_TIMEOUT
    arxiv_max_backoff: float = DEFAULT_ARXIV_MAX_BACKOFF
    contact: str | None = None  # an e-mail address or URL for the User-Agent arXiv asks blocked users for
    zotero_url: str = DEFAULT_ZOTERO_URL
    zotero_timeout: float = DEFAULT_ZOTERO_TIMEOUT
    s2_url: str = DEFAULT_S2_URL
    dblp_url: str = DEFAULT_DBLP_URL
    crossref_url: str = DEFAULT_CROSSREF_URL
    acl_url: str = DEFAULT_ACL_URL
    s2_delay: float = DEFAULT_S2_DELAY
    dblp_delay: float = DEFAULT_DBLP_DELAY
    crossref_delay: float = DEFAULT_CROSSREF_DELAY
    acl_delay: float = DEFAULT_ACL_DELAY
    published_ttl_days: float = DEFAULT_PUBLISHED_TTL_DAYS
    config_path: Path | None = None
    env: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        home = Path(env.get("ZOTBRIDGE_HOME") or platformdirs.user_data_dir("zotbridge", appauthor=False))
        path = config_file(env)
        config = read_config(path)
        arxiv, zotero = config.get("arxiv", {}), config.get("zotero", {})
        sources = config.get("published", {})
        durations = {
            name: _seconds(env, config.get(table, {}), variable, key, default, hint, zero_ok)
            for name, (table, variable, key, default, zero_ok, hint) in DURATIONS.items()
        }
        return cls(
            home=home,
            **durations,
            s2_url=_source_url(env, sources, "S2", DEFAULT_S2_URL),
            dblp_url=_source_url(env, sources, "DBLP", DEFAULT_DBLP_URL),
            crossref_url=_source_url(env, sources, "CROSSREF", DEFAULT_CROSSREF_URL),
            acl_url=_source_url(env, sources, "ACL", DEFAULT_ACL_URL),
            config_path=path,
            contact=_contact(env.get("ZOTBRIDGE_CONTACT") or config.get("contact")),
            env=dict(env),
            arxiv_url=_endpoint(
                "ZOTBRIDGE_ARXIV_URL", env.get("ZOTBRIDGE_ARXIV_URL") or arxiv.get("url") or DEFAULT_ARXIV_URL
            ),
            arxiv_pdf_url=_endpoint(
                "ZOTBRIDGE_ARXIV_PDF_URL",
                env.get("ZOTBRIDGE_ARXIV_PDF_URL") or arxiv.get("pdf_url") or DEFAULT_ARXIV_PDF_URL,
            ).rstrip("/")
            + "/",
            zotero_url=_endpoint(
                "ZOTBRIDGE_ZOTERO_URL",
                env.get("ZOTBRIDGE_ZOTERO_URL") or zotero.get("url") or DEFAULT_ZOTERO_URL,
            ),
        )


# Every duration setting: Settings field -> (config table, variable, table key, default, whether 0 is
# allowed, what to do when it is not a duration).
DURATIONS: dict[str, tuple[str, str, str, float, bool, str]] = {
    "arxiv_delay": (
        "arxiv",
        "ZOTBRIDGE_ARXIV_DELAY",
        "delay",
        DEFAULT_ARXIV_DELAY,
        True,
        "set it to 3 (arXiv's terms of use) or unset it",
    ),
    "arxiv_timeout": (
        "arxiv",
        "ZOTBRIDGE_ARXIV_TIMEOUT",
        "timeout",
        DEFAULT_ARXIV_TIMEOUT,
        False,
        "set it to 60 or unset it",
    ),
    "arxiv_max_backoff": (
        "arxiv",
        "ZOTBRIDGE_ARXIV_MAX_BACKOFF",
        "max_backoff",
        DEFAULT_ARXIV_MAX_BACKOFF,
        False,
        "set it to 600 (ten minutes) or unset it",
    ),
    "zotero_timeout": (
        "zotero",
        "ZOTBRIDGE_ZOTERO_TIMEOUT",
        "timeout",
        DEFAULT_ZOTERO_TIMEOUT,
        False,
        "set it to 120 or unset it",
    ),
    "s2_delay": (
        "published",
        "ZOTBRIDGE_S2_DELAY",
        "s2_delay",
        DEFAULT_S2_DELAY,
        True,
        "set it to 1.1 (Semantic Scholar's limit) or unset it",
    ),
    "dblp_delay": (
        "published",
        "ZOTBRIDGE_DBLP_DELAY",
        "dblp_delay",
        DEFAULT_DBLP_DELAY,
        True,
        "set it to 2 (the dblp FAQ) or unset it",
    ),
    "crossref_delay": (
        "published",
        "ZOTBRIDGE_CROSSREF_DELAY",
        "crossref_delay",
        DEFAULT_CROSSREF_DELAY,
        True,
        "set it to 0.25 (Crossref's public pool) or unset it",
    ),
    "acl_delay": (
        "published",
        "ZOTBRIDGE_ACL_DELAY",
        "acl_delay",
        DEFAULT_ACL_DELAY,
        True,
        "set it to 1 or unset it",
    ),
    "published_ttl_days": (
        "published",
        "ZOTBRIDGE_PUBLISHED_TTL_DAYS",
        "ttl_days",
        DEFAULT_PUBLISHED_TTL_DAYS,
        True,
        "set it to 14 (days) or unset it",
    ),
}

# [defaults] keys of the config file -> the commands whose option of that name they set.
OPTION_DEFAULTS = {
    "collection": ("push", "organize"),
    "tags": ("push", "tags"),
    "tag_prefix": ("push", "tags"),
    "key_format": ("push", "bib"),
    "style": ("push", "bib"),
    "category_tags": ("push",),
    "comment_notes": ("push",),
    "pdf": ("push",),
    "min_items": ("organize",),
    "max_collections": ("organize",),
}


def _seconds(
    env: Mapping[str, str],
    table: dict[str, Any],
    variable: str,
    key: str,
    default: float,
    hint: str,
    zero_ok: bool,
) -> float:
    """A duration from the environment or a table of the config file, validated."""
    text = str(env.get(variable, table.get(key, default)))
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (value >= 0 if zero_ok else value > 0) or value == float("inf"):
        kind = "a number of seconds" if zero_ok else "a positive number of seconds"
        raise ConfigError(f"{variable}={text!r} is not {kind}", hint)
    return value


def _contact(value: object) -> str | None:
    """The user's contact for arXiv's logs: an e-mail address or an http(s) URL, one line."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if (
        not text.isprintable()
        or " " in text
        or not ("@" in text or text.startswith(("https://", "http://", "mailto:")))
    ):
        raise ConfigError(
            f"contact {text!r} is not an e-mail address or a URL",
            'set `contact = "you@example.org"` in the config file, or unset it',
        )
    return text


def option_defaults(settings: Settings) -> dict[str, dict[str, Any]]:
    """click's ``default_map`` from the ``[defaults]`` table: option defaults per command."""
    table = read_config(settings.config_path).get("defaults", {})
    unknown = sorted(set(table) - set(OPTION_DEFAULTS))
    if unknown:
        raise ConfigError(
            f"{settings.config_path}: unknown [defaults] key {unknown[0]!r}",
            f"known keys: {', '.join(OPTION_DEFAULTS)}",
        )
    out: dict[str, dict[str, Any]] = {}
    for name, value in table.items():
        for command in OPTION_DEFAULTS[name]:
            out.setdefault(command, {})[name] = value
    return out


def describe_settings(settings: Settings) -> list[tuple[str, str, str]]:
    """(name, value, source) of every setting, for ``zotbridge config show``. The API key is only
    said to be set, and where."""
    env, config = settings.env, read_config(settings.config_path)

    def source(variable: str | None, table: str, key: str) -> str:
        if variable and env.get(variable):
            return f"environment ({variable})"
        if key in config.get(table, {}):
            return f"config file [{table}]"
        return "default"

    rows = [
        (
            "config file",
            str(settings.config_path),
            "exists" if settings.config_path and settings.config_path.exists() else "not created yet",
        ),
        ("home (store, locks)", str(settings.home), source("ZOTBRIDGE_HOME", "-", "-")),
        ("arxiv url", settings.arxiv_url, source("ZOTBRIDGE_ARXIV_URL", "arxiv", "url")),
        ("arxiv pdf url", settings.arxiv_pdf_url, source("ZOTBRIDGE_ARXIV_PDF_URL", "arxiv", "pdf_url")),
        ("arxiv delay", f"{settings.arxiv_delay:g} s", source("ZOTBRIDGE_ARXIV_DELAY", "arxiv", "delay")),
        (
            "arxiv timeout",
            f"{settings.arxiv_timeout:g} s",
            source("ZOTBRIDGE_ARXIV_TIMEOUT", "arxiv", "timeout"),
        ),
        (
            "arxiv max backoff",
            f"{settings.arxiv_max_backoff:g} s",
            source("ZOTBRIDGE_ARXIV_MAX_BACKOFF", "arxiv", "max_backoff"),
        ),
        (
            "contact",
            settings.contact or "not set",
            "environment (ZOTBRIDGE_CONTACT)"
            if env.get("ZOTBRIDGE_CONTACT")
            else ("config file" if "contact" in config else "default"),
        ),
        ("zotero url", settings.zotero_url, source("ZOTBRIDGE_ZOTERO_URL", "zotero", "url")),
        (
            "zotero timeout",
            f"{settings.zotero_timeout:g} s",
            source("ZOTBRIDGE_ZOTERO_TIMEOUT", "zotero", "timeout"),
        ),
        ("s2 url", settings.s2_url, source("ZOTBRIDGE_S2_URL", "published", "s2_url")),
        ("dblp url", settings.dblp_url, source("ZOTBRIDGE_DBLP_URL", "published", "dblp_url")),
        (
            "crossref url",
            settings.crossref_url,
            source("ZOTBRIDGE_CROSSREF_URL", "published", "crossref_url"),
        ),
        ("acl url", settings.acl_url, source("ZOTBRIDGE_ACL_URL", "published", "acl_url")),
        ("s2 delay", f"{settings.s2_delay:g} s", source("ZOTBRIDGE_S2_DELAY", "published", "s2_delay")),
        (
            "dblp delay",
            f"{settings.dblp_delay:g} s",
            source("ZOTBRIDGE_DBLP_DELAY", "published", "dblp_delay"),
        ),
        (
            "crossref delay",
            f"{settings.crossref_delay:g} s",
            source("ZOTBRIDGE_CROSSREF_DELAY", "published", "crossref_delay"),
        ),
        ("acl delay", f"{settings.acl_delay:g} s", source("ZOTBRIDGE_ACL_DELAY", "published", "acl_delay")),
        (
            "published ttl",
            f"{settings.published_ttl_days:g} days",
            source("ZOTBRIDGE_PUBLISHED_TTL_DAYS", "published", "ttl_days"),
        ),
        (
            "s2 api key",
            "set" if env.get("ZOTBRIDGE_S2_API_KEY") else "not in the environment (optional)",
            "environment (ZOTBRIDGE_S2_API_KEY)"
            if env.get("ZOTBRIDGE_S2_API_KEY")
            else "zotbridge login --s2 keeps one in the keyring",
        ),
    ]
    zotero = config.get("zotero", {})
    library_id = env.get("ZOTERO_LIBRARY_ID") or zotero.get("library_id")
    library_type = env.get("ZOTERO_LIBRARY_TYPE") or zotero.get("library_type") or "user"
    rows.append(
        (
            "zotero library",
            library_prefix(library_type, library_id) if library_id else "not configured (zotbridge login)",
            source("ZOTERO_LIBRARY_ID", "zotero", "library_id"),
        )
    )
    rows.append(
        (
            "zotero api key",
            "set" if env.get("ZOTERO_API_KEY") else "in the keyring if logged in",
            "environment (ZOTERO_API_KEY)" if env.get("ZOTERO_API_KEY") else "system keyring",
        )
    )
    for name, value in config.get("defaults", {}).items():
        rows.append((f"default --{name.replace('_', '-')}", str(value), "config file [defaults]"))
    return rows


def config_file(env: Mapping[str, str]) -> Path:
    if env.get("ZOTBRIDGE_CONFIG"):
        return Path(env["ZOTBRIDGE_CONFIG"])
    directory = (
        Path(env["ZOTBRIDGE_HOME"])
        if env.get("ZOTBRIDGE_HOME")
        else Path(platformdirs.user_config_dir("zotbridge", appauthor=False))
    )
    return directory / "config.toml"


def read_config(path: Path | None) -> dict[str, Any]:
    if path is None or not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read the config file {path} ({exc})", "fix or delete the file") from exc


def write_config(path: Path, data: dict[str, Any]) -> None:
    """Write ``{table: {name: str|int|float|bool}}`` as TOML (no secrets ever go here)."""
    lines = []
    for table, values in data.items():
        if not values:
            continue
        lines.append(f"[{table}]")
        for name, value in values.items():
            lines.append(f"{name} = {_toml_value(value)}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    tmp.replace(path)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _source_url(env: Mapping[str, str], table: dict[str, Any], name: str, default: str) -> str:
    """A published-version source's root (``ZOTBRIDGE_<NAME>_URL`` or ``[published] <name>_url``):
    the doc's paths are appended to it."""
    variable = f"ZOTBRIDGE_{name}_URL"
    return _endpoint(variable, env.get(variable) or table.get(f"{name.lower()}_url") or default).rstrip("/")


def _endpoint(variable: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{variable}={url!r} is not an http(s) URL", f"unset {variable} to use the default")
    if parts.scheme == "http" and not _is_loopback(parts.hostname or ""):
        raise ConfigError(
            f"{variable}={url!r} uses plain http to another machine",
            "use https (plain http is only allowed to 127.0.0.1/localhost)",
        )
    return url.rstrip("/")


def library_prefix(library_type: str, library_id: object) -> str:
    """A Zotero library's API path prefix, ``users/123`` or ``groups/456``: built here only."""
    return f"{library_type}s/{library_id}"


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
