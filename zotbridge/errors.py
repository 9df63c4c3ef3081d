"""Every error zotbridge raises, in one tree, and the exit statuses they end a command with.

A user sees a :class:`ZotbridgeError` as one ``error:`` sentence and a ``hint:`` line, with the
exit status of its class (docs/cli.md); ``-v`` adds the traceback. The tree::

    ZotbridgeError                 exit 1  something the user can act on
    ├── InputError                 exit 2  the user's input or settings cannot be used as given
    │   ├── ConfigError                    a setting or the config file is wrong
    │   ├── BibSyntaxError                 a .bib file that cannot be read safely
    │   └── IndexMissing                   --offline without an offline index
    ├── ServiceError               exit 3  arXiv or Zotero could not be reached, or kept failing
    └── ZoteroError                exit 1  Zotero refused a request; a retry would not help
        └── AccessError            exit 2  the API key cannot read or write that library

Three exceptions are signals between modules, never shown to a user: :class:`QueryTooLong` (split
the batch), :class:`TransientFailure` (wait and ask arXiv again) and :class:`KeyConflict` (a .bib
key is someone else's). The emulators in ``sandbox/`` have their own, which stand for HTTP answers
of the services they imitate, not for zotbridge's errors.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class ExitStatus(IntEnum):
    """The exit statuses of the command line (docs/cli.md)."""

    OK = 0
    FAILURE = 1  # also: some papers failed (push, organize)
    BAD_INPUT = 2
    SERVICE = 3  # a service (arXiv, Zotero) could not be reached or kept failing
    INTERRUPTED = 130  # Ctrl-C


class ZotbridgeError(Exception):
    """A failure a user can act on: one sentence, a hint, an exit status."""

    exit_code = ExitStatus.FAILURE

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(ZotbridgeError):
    """The user's input (a listing file, stdin, an option) cannot be used as given."""

    exit_code = ExitStatus.BAD_INPUT


class ConfigError(InputError):
    """A setting (environment variable or config file) is missing, malformed or unsafe."""


class BibSyntaxError(InputError):
    """A .bib file zotbridge would have to rewrite cannot be read without losing something."""


class IndexMissing(InputError):
    """The offline arXiv index was asked for and has not been built."""


class ServiceError(ZotbridgeError):
    """arXiv or Zotero could not be reached, or kept failing after retries."""

    exit_code = ExitStatus.SERVICE


class ZoteroError(ZotbridgeError):
    """Zotero refused a request for a reason a retry does not fix (400, 404, a refused object)."""


class AccessError(ZoteroError):
    """The API key is unknown, or may not read or write the library: the user's settings to fix."""

    exit_code = ExitStatus.BAD_INPUT


class QueryTooLong(Exception):
    """arXiv refused a request as too long (414, or gunicorn's 400): split the batch and ask again."""


class TransientFailure(Exception):
    """A failure arXiv's users see come and go (429, 5xx, ``Rate exceeded.``, a blank answer):
    worth another try after a wait (``Retry-After`` when the server gave one)."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.reason, self.retry_after = reason, retry_after


class DownloadFailed(Exception):
    """One paper's PDF could not be had from arXiv (an HTML page, 403/404/500, a cut body): that
    paper's attachment fails, with ``reason`` as its one line; nothing else does."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class StorageRefused(Exception):
    """Zotero will not store more files for this library: its storage quota is full (413), or the
    API key has no file access (403). The remaining PDFs are linked instead."""

    def __init__(self, reason: str, used_mb: float | None = None, quota_mb: float | None = None):
        super().__init__(reason)
        self.reason, self.used_mb, self.quota_mb = reason, used_mb, quota_mb


class KeyConflict(Exception):
    """A citation key the store gave a paper is used in the .bib by another entry."""

    def __init__(self, key: str, arxiv_id: str, block: Any):
        super().__init__(key)
        self.key, self.arxiv_id, self.block = key, arxiv_id, block


class SourceFailed(Exception):
    """A published-version source (Semantic Scholar, DBLP) kept failing or was switched off for
    the run: the papers that needed it are ``incomplete``, never reported as unpublished."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source, self.reason = source, reason
