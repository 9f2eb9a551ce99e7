"""A real Radicale for the DAV tests: started on 127.0.0.1 at a free port with a temporary
folder and an htpasswd file (user ``jane``, password ``secret-pw``), stopped by PID; and
its twin ``xandikos(folder)``, a second server (no authentication: Xandikos leaves that to
a reverse proxy, and its own Basic auth wants HTTPS), for tests run against both.

Also ``make_addressbook`` / ``make_calendar`` for a fresh collection per test (extended
MKCOL, RFC 5689, which Radicale takes for both kinds), so tests sharing one server stay
independent; and ``hostile_server``, a tiny HTTP server on a thread whose answers a test
chooses, for what no honest server sends.
"""

from __future__ import annotations

import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import requests

USER, PASSWORD = "jane", "secret-pw"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Radicale:
    url: str  # the server's root, ending in /
    folder: Path
    pid: int

    name = "radicale"
    user = USER  # the user rolodex gives (None: the server wants none)

    @property
    def home(self) -> str:
        return f"{self.url}{USER}/"

    def home_of(self, kind: str) -> str:
        """Where new collections of ``kind`` (addressbook, calendar) go."""
        return self.home

    def auth(self) -> tuple[str, str] | None:
        return USER, PASSWORD


@contextmanager
def radicale(folder: Path) -> Iterator[Radicale]:
    """Radicale running until the block ends (also on failure), then stopped by PID."""
    with restartable_radicale(folder) as running:
        yield running


@dataclass
class RestartableRadicale(Radicale):
    """A Radicale a test may kill (SIGKILL, as a crash or the OOM killer would) and start
    again on the same folder and port."""

    process: subprocess.Popen | None = None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def start(self) -> None:
        self.kill()
        self.process = _start(self.folder)
        self.pid = self.process.pid
        _wait_until_it_answers(self.url, self.process, self.folder / "radicale.log")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


@contextmanager
def restartable_radicale(folder: Path) -> Iterator[RestartableRadicale]:
    """Radicale until the block ends, stopped by PID then; ``kill()`` and ``start()`` in
    between."""
    port = free_port()
    (folder / "users").write_text(f"{USER}:{PASSWORD}\n")
    (folder / "collections").mkdir()
    (folder / "config").write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
        f"[auth]\ntype = htpasswd\nhtpasswd_filename = {folder / 'users'}\n"
        "htpasswd_encryption = plain\ndelay = 0\n"
        "[rights]\ntype = owner_only\n"
        "[logging]\nlevel = warning\n")
    running = RestartableRadicale(f"http://127.0.0.1:{port}/", folder, 0)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def _start(folder: Path) -> subprocess.Popen:
    with (folder / "radicale.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(folder / "config")],
            stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONWARNINGS": "ignore"})


@dataclass
class Xandikos(Radicale):
    """A running Xandikos: one principal, ``/user/``, its books under ``/user/contacts/``."""

    name = "xandikos"
    user = None

    @property
    def home(self) -> str:
        return f"{self.url}user/"

    def home_of(self, kind: str) -> str:
        return f"{self.home}{'contacts' if kind == 'addressbook' else 'calendars'}/"

    def auth(self) -> None:
        return None


@contextmanager
def xandikos(folder: Path) -> Iterator[Xandikos]:
    """Xandikos serving ``folder`` until the block ends (also on failure), stopped by PID;
    ``--defaults`` makes the principal and its homes (with a first address book and
    calendar the tests do not use)."""
    port = free_port()
    with (folder / "xandikos.log").open("wb") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("xandikos")), "serve", "-d",
             str(folder / "data"), "-l", "127.0.0.1", "-p", str(port), "--defaults",
             "--no-detect-systemd"],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    running = Xandikos(f"http://127.0.0.1:{port}/", folder, process.pid)
    try:
        _wait_until_it_answers(running.url, process, folder / "xandikos.log")
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


SERVERS = {"radicale": radicale, "xandikos": xandikos}


def _wait_until_it_answers(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text()[-2000:]}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError(f"the server did not answer within 30 s: {log.read_text()[-2000:]}")


def make_collection(server: Radicale, kind: str, name: str | None = None,
                    components: tuple[str, ...] = ("VEVENT", "VTODO")) -> str:
    """A new, empty address book or calendar in the user's home; its URL."""
    name = name or f"{kind}-{uuid.uuid4().hex[:8]}"
    if kind == "addressbook":
        marks = '<C:addressbook/>'
        namespace = "urn:ietf:params:xml:ns:carddav"
        extra = ""
    else:
        marks = '<C:calendar/>'
        namespace = "urn:ietf:params:xml:ns:caldav"
        extra = ("<C:supported-calendar-component-set>" + "".join(
            f'<C:comp name="{c}"/>' for c in components) + "</C:supported-calendar-component-set>")
    body = (f'<?xml version="1.0" encoding="utf-8"?><D:mkcol xmlns:D="DAV:" xmlns:C="{namespace}">'
            f"<D:set><D:prop><D:resourcetype><D:collection/>{marks}</D:resourcetype>"
            f"<D:displayname>{name} shown</D:displayname>{extra}</D:prop></D:set></D:mkcol>")
    url = f"{server.home_of(kind)}{name}/"
    answer = requests.request("MKCOL", url, data=body.encode(), auth=server.auth(),
                              headers={"Content-Type": "application/xml"}, timeout=10)
    assert answer.status_code == 201, (answer.status_code, answer.text)
    return url


# -- a server that misbehaves on purpose ------------------------------------------------

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


@contextmanager
def hostile_server(answer: Handler) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 answering every request with ``answer(handler)``; its
    URL. Stopped (and its thread joined) when the block ends."""

    class Handle(http.server.BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            with suppress(BrokenPipeError, ConnectionResetError):
                answer(self)

        do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_OPTIONS = _any

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
