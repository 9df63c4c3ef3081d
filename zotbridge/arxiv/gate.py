"""One politeness gate for all arXiv traffic of a user: one request at a time, a delay between.

arXiv's terms ask for "no more than one request every three seconds" and "a single connection at
a time", for all of a user's machines together (docs/matching.md). A process-wide lock is not
enough: two zotbridge runs in two terminals would double the rate. So the gate is also a file
under ``ZOTBRIDGE_HOME`` (``arxiv-gate``): an exclusive lock on it is held for the whole
request, and it holds the wall-clock time at which the last request ended, whichever process
sent it. Where the platform has no ``fcntl`` (Windows), the gate is per process.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO, TypeVar

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")
GATE_FILE = "arxiv-gate"


class Gate:
    """``gate.run(delay, send)``: waits its turn, sends, and notes when the request ended."""

    def __init__(self, path: Path | None = None, sleep: Callable[[float], None] = time.sleep):
        self._path = path
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last_end = 0.0
        self.requests = 0

    def run(self, delay: float, send: Callable[[], T], on_wait: Callable[[float], None] | None = None) -> T:
        """``on_wait(seconds)`` hears of a wait before it starts (a progress bar shows it)."""
        with self._lock, self._shared() as stamp:
            last_end = max(self._last_end, _read(stamp))
            wait = min(delay, last_end + delay - time.time())  # never more, should the clock go back
            if wait > 0:
                if on_wait:
                    on_wait(wait)
                self._sleep(wait)
            try:
                self.requests += 1
                return send()
            finally:
                self._last_end = time.time()
                _write(stamp, self._last_end)

    @contextlib.contextmanager
    def _shared(self) -> Iterator[TextIO | None]:
        if self._path is None or fcntl is None:
            yield None
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with open(self._path, "a+", encoding="ascii") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield handle
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _read(handle: TextIO | None) -> float:
    if handle is None:
        return 0.0
    handle.seek(0)
    try:
        return float(handle.read().strip() or 0)
    except ValueError:  # a torn or foreign file: start afresh
        return 0.0


def _write(handle: TextIO | None, moment: float) -> None:
    if handle is None:
        return
    handle.seek(0)
    handle.truncate()
    handle.write(f"{moment:.6f}")
    handle.flush()


_GATES: dict[Path, Gate] = {}
_GATES_LOCK = threading.Lock()


def gate_for(home: Path, name: str = GATE_FILE) -> Gate:
    """The gate of a ``ZOTBRIDGE_HOME``: one object per process, one file per user. ``name`` gives
    another service its own gate (``dblp-gate``): each source has its own limit."""
    path = (Path(home) / name).resolve()
    with _GATES_LOCK:
        return _GATES.setdefault(path, Gate(path))
