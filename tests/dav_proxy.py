"""A fault-injecting HTTP proxy in front of a real DAV server, for the sync fault tests.

``fault_proxy(upstream)`` runs a threaded proxy on 127.0.0.1 that passes every request on to
``upstream`` (Radicale), unless a test scripted a fault for it:

- ``"500"`` / ``"412"``: answered so by the proxy; the server never sees the request;
- ``"hang"``: never answered (the server never sees it) until the client gives up on its
  timeout (``ROLODEX_DAV_TIMEOUT``) or the proxy stops;
- ``"cut"``: passed on, and the server's answer cut off half-way, the connection closed;
- ``"lose"``: passed on (a write happens), and the connection closed before any answer: the
  client cannot know the write was made.

A fault is scripted by method (or any method) and by count: ``proxy.fail("PUT", "500",
nth=3)`` fails the third PUT from now, ``times=2`` it and the next one. A callable instead
of a fault's name is called when that request arrives, which then goes on (a test kills a
process at a known point so). A server that does not answer (killed) closes the client's
connection, as a dead server's would. ``proxy.log`` holds
``(method, path, fault)`` for every request seen, so a test can check that a fault fired.
"""

from __future__ import annotations

import http.client
import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

FAULTS = ("500", "412", "hang", "cut", "lose")
HANG_LIMIT = 60.0  # seconds a hung request is held at most (the client gives up long before)
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te",
               "upgrade", "content-length"}


@dataclass
class _Rule:
    fault: str | Callable[[], None]
    method: str | None
    skip: int  # matching requests still to let through before the first fault
    left: int  # faults still to inject


@dataclass
class FaultProxy:
    """The running proxy: its ``url`` (same paths as the upstream server's)."""

    url: str
    upstream: str
    log: list[tuple[str, str, str]] = field(default_factory=list)
    _rules: list[_Rule] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)

    def fail(self, method: str | None, fault: str | Callable[[], None], *, nth: int = 1,
             times: int = 1) -> None:
        """Inject ``fault`` into the ``nth`` request from now with ``method`` (None: any),
        and into the ``times - 1`` such requests after it."""
        if not callable(fault) and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}")
        with self._lock:
            self._rules.append(_Rule(fault, method and method.upper(), nth - 1, times))

    def clear(self) -> None:
        """No more faults: every request passes."""
        with self._lock:
            self._rules.clear()

    def faults(self) -> list[tuple[str, str, str]]:
        """The requests a fault was injected into (or a call made at)."""
        return [entry for entry in self.log if entry[2] != "pass"]

    def locate(self, url: str) -> str:
        """``url`` (on the upstream server) as reached through the proxy."""
        return self.url.rstrip("/") + urlsplit(url).path

    def _decide(self, method: str, path: str) -> str:
        with self._lock:
            fault = "pass"
            for rule in self._rules:
                if rule.left <= 0 or rule.method not in (None, method):
                    continue
                if rule.skip > 0:
                    rule.skip -= 1
                    continue
                rule.left -= 1
                if callable(rule.fault):
                    self.log.append((method, path, "called"))
                    rule.fault()
                    return "pass"
                fault = rule.fault
                break
            self.log.append((method, path, fault))
            return fault


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as requests' pool expects
    proxy: FaultProxy  # set on the subclass made per proxy

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        fault = self.proxy._decide(self.command, self.path)
        with suppress(BrokenPipeError, ConnectionResetError):
            if fault in ("500", "412"):
                self._answer(int(fault), {"Content-Type": "text/plain"}, b"injected fault\n")
            elif fault == "hang":
                self.proxy._stopping.wait(HANG_LIMIT)
                self.close_connection = True
            else:
                try:
                    status, headers, answer = self._forward(body)
                except OSError:  # the server is down: so is the client's connection
                    self.close_connection = True
                    return
                if fault == "pass":
                    self._answer(status, headers, answer)
                elif fault == "cut":
                    whole = self._encode(status, headers, answer)
                    self.wfile.write(whole[: max(1, len(whole) // 2)])
                    self.wfile.flush()
                    self.close_connection = True
                else:  # "lose": the server did it, the client hears nothing
                    self.close_connection = True

    do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_OPTIONS = do_MKCOL = _any
    do_HEAD = do_POST = do_PROPPATCH = _any

    def _forward(self, body: bytes | None) -> tuple[int, dict[str, str], bytes]:
        target = urlsplit(self.proxy.upstream)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            kept = {k: v for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP}
            return response.status, kept, answer
        finally:
            connection.close()

    def _encode(self, status: int, headers: dict[str, str], body: bytes) -> bytes:
        reason = http.client.responses.get(status, "")
        lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers.items()),
                 f"Content-Length: {len(body)}", "", ""]
        return "\r\n".join(lines).encode("latin-1") + body

    def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.wfile.write(self._encode(status, headers, body))
        self.wfile.flush()

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def fault_proxy(upstream: str) -> Iterator[FaultProxy]:
    """A proxy to ``upstream`` (a server's root URL) until the block ends; then stopped,
    hung requests released and its thread joined."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    proxy = FaultProxy(f"http://127.0.0.1:{server.server_address[1]}/", upstream)
    server.RequestHandlerClass = type("Handler", (_Handler,), {"proxy": proxy})
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy._stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
