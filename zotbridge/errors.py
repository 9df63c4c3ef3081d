"""Errors a user can act on.

Every foreseeable failure is raised as a :class:`ZotbridgeError` carrying one sentence, a hint
and an exit status; ``cli.py`` prints them without a traceback (``-v`` adds it).
"""

from __future__ import annotations

# Exit statuses (documented in docs/cli.md).
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_SERVICE = 3  # a service (arXiv, Zotero) could not be reached or kept failing


class ZotbridgeError(Exception):
    exit_code = EXIT_FAILURE

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(ZotbridgeError):
    """The user's input (a listing file, stdin) cannot be read as asked."""

    exit_code = EXIT_BAD_INPUT


class ServiceError(ZotbridgeError):
    """arXiv or Zotero could not be reached, or kept failing after retries."""

    exit_code = EXIT_SERVICE
