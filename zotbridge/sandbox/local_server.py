"""What the emulators share: a threaded HTTP server on loopback, started in the background or in
the foreground, usable as a context manager; a handler base every emulator's handler builds on; and,
for the published-version sources, a service emulator with planned faults and a request log."""

from __future__ import annotations

import json
import sys
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self
from urllib.parse import urlsplit


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a timeout, a killed process) is no server error."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class LocalServer:
    def __init__(self, handler_class: type[BaseHTTPRequestHandler], host: str, port: int):
        # headers and body leave in separate writes: without TCP_NODELAY, Nagle's algorithm and the
        # client's delayed ACK hold every answer ~40 ms, which no real server does
        handler_class.disable_nagle_algorithm = True
        self._httpd = _Server((host, port), handler_class)
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        # a short poll: stopping waits for it (tests start and stop hundreds of servers)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FaultQueue:
    """The faults the next requests should suffer, in order: names from ``known`` (a fault's
    argument follows a colon: ``"429:3"``)."""

    def __init__(self, known: dict[str, str]):
        self.known = known
        self._queue: deque[str] = deque()
        self._lock = threading.Lock()

    def plan(self, *faults: str) -> None:
        for fault in faults:
            if fault.split(":")[0] not in self.known:
                raise ValueError(f"unknown fault {fault!r}; known: {', '.join(self.known)}")
        with self._lock:
            self._queue.extend(faults)

    def next(self) -> str | None:
        with self._lock:
            return self._queue.popleft() if self._queue else None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()


class ServiceEmulator(LocalServer):
    """A web service's emulator: the faults its next requests suffer (FAULTS names them), the paths
    it was asked for, in order, and a lock for its counters. Subclasses give their handler."""

    FAULTS: ClassVar[dict[str, str]] = {}

    def __init__(self, host: str, port: int):
        self.faults = FaultQueue(self.FAULTS)
        self.requests: list[str] = []
        self._lock = threading.Lock()
        super().__init__(self._handler_class(), host, port)

    @property
    def url(self) -> str:
        """The root the client's URL setting takes."""
        return self.address

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError


class ServiceHandler(BaseHTTPRequestHandler):
    """What every service emulator's handler does alike: HTTP/1.1 keep-alive, a sized answer, no
    console log (tests read the emulator's ``requests``), and the sandbox's fault planning."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, Any] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def planned(self, faults: FaultQueue, raw: bytes) -> bool:
        """Whether this is the sandbox's ``POST /_sandbox/faults {"queue": [...]}``; if so, the
        faults are planned."""
        if urlsplit(self.path).path != "/_sandbox/faults":
            return False
        faults.plan(*json.loads(raw or b"{}").get("queue", []))
        return True
