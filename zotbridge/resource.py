"""The one form of everything that holds a connection or an open file: a context manager.

``with Store(home) as store, ZoteroClient(settings, credentials) as client: …`` closes both
whatever happens; no command or stage closes a resource by hand.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self


class Resource:
    """Subclasses implement :meth:`close`; ``with`` calls it on the way out."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
