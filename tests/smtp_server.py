"""A real SMTP server for the campaign tests: aiosmtpd on 127.0.0.1 at a free port, in a
thread of the test process (the ``rolodex`` script run as a subprocess reaches it as any
client would), recording every message and misbehaving on cue.

``smtp_server()`` starts one and stops it when the block ends. ``server.messages`` holds
every message whose data arrived (envelope, bytes, arrival time, the answer given), in
order; ``server.delivered()`` those answered 250. A test scripts a fault with
``server.fail(reply, nth=3)`` (the third mail transaction from now) or
``server.fail(reply, recipient="jane@acme.example")`` (every mail to her, until
``clear()``), at a stage of the transaction:

- ``at="end"`` (the default): the answer to the end of DATA, when the data has arrived;
- ``at="data"``: the answer to the DATA command itself, before any of the message;
- ``at="rcpt"``, ``at="mail"``: the answer to RCPT TO, to MAIL FROM.

The reply is an SMTP answer (``"451 4.3.0 try again later"``, ``"550 5.1.1 no such
user"``), or ``DROP`` (the connection closed without an answer: at ``"data"`` before the
message is sent, at ``"end"`` after it arrived), or ``HOLD`` (the answer held until
``release()``, then given as usual; at ``"end"`` the data is recorded first).
``wait_for(n)`` tells the test when the n-th message has arrived, ``wait_held(n)`` when
the n-th answer is being held. ``password=`` makes the server require AUTH (PLAIN or
LOGIN; without TLS unless it has a certificate) with that password for any user;
``logins`` records each attempt's user and whether it passed. ``certificate=`` makes it
offer STARTTLS (and require it), or with ``tls="tls"`` speak TLS from the start.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

DROP, HOLD = "drop", "hold"
STAGES = ("mail", "rcpt", "data", "end")
HOLD_LIMIT = 60.0  # seconds an answer is held at most, should a test forget to release it


@dataclass
class Received:
    """One message as the server got it."""

    number: int            # its mail transaction, counted from the server's start
    sender: str            # MAIL FROM
    recipients: list[str]  # RCPT TO
    data: bytes            # the message as sent, dot-unstuffed
    began: float           # time.monotonic() at MAIL FROM
    arrived: float         # time.monotonic() when its final "." came
    answer: str = ""       # what the server said to it ("" while held, DROP)

    def parsed(self) -> EmailMessage:
        """The message read by the standard library's parser (modern policy: encoded
        words decoded)."""
        return email.message_from_bytes(self.data, policy=email.policy.default)


@dataclass
class _Rule:
    reply: str
    at: str
    first: int | None          # the transaction number it starts at (nth), or
    recipient: str | None      # every transaction to this address
    times: int | None          # how many transactions it applies to (None: all)

    def matches(self, number: int, recipients: list[str]) -> bool:
        if self.recipient is not None:
            return self.recipient in recipients
        assert self.first is not None
        return number >= self.first and (self.times is None
                                         or number < self.first + self.times)


@dataclass
class SmtpServer:
    """The running server; ``host`` and ``port`` to point rolodex at."""

    host: str
    port: int
    password: str | None = None
    messages: list[Received] = field(default_factory=list)
    logins: list[tuple[str, bool]] = field(default_factory=list)
    _rules: list[_Rule] = field(default_factory=list)
    _transactions: int = 0
    _held: int = 0
    _released: threading.Event = field(default_factory=threading.Event)
    _changed: threading.Condition = field(default_factory=threading.Condition)

    # -- what a test calls --

    def fail(self, reply: str, *, nth: int | None = None, recipient: str | None = None,
             at: str = "end", times: int | None = 1) -> None:
        """Answer ``reply`` at stage ``at`` to the ``nth`` mail transaction from now (and
        the ``times - 1`` after it), or to every transaction naming ``recipient``."""
        if at not in STAGES or (nth is None) == (recipient is None):
            raise ValueError("give a known stage and one of nth or recipient")
        if reply == HOLD and at == "data":
            raise ValueError("the answer to the DATA command cannot be held")
        with self._changed:
            first = self._transactions + nth if nth is not None else None
            self._rules.append(_Rule(reply, at, first, recipient and recipient.lower(),
                                     times if recipient is None else None))
            self._released.clear()

    def clear(self) -> None:
        """No more faults: every message is taken."""
        with self._changed:
            self._rules.clear()

    def release(self) -> None:
        """Answer the held message(s) now (250)."""
        self._released.set()

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        """Block until ``count`` messages have arrived (held ones included)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(f"the server got {len(self.messages)} message(s), "
                                     f"not {count}, in {timeout} s")
            return list(self.messages)

    def wait_held(self, count: int, timeout: float = 20.0) -> None:
        """Block until the server has held ``count`` answers."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._held >= count, timeout):
                raise AssertionError(f"the server held {self._held} answer(s), not {count}")

    def delivered(self) -> list[Received]:
        """The messages the server took (answered 250)."""
        with self._changed:
            return [m for m in self.messages if m.answer.startswith("250")]

    def forget(self) -> None:
        """Start the record afresh (rules stay)."""
        with self._changed:
            self.messages.clear()

    # -- what the handler calls, on the server's thread --

    def _begin(self) -> int:
        with self._changed:
            self._transactions += 1
            return self._transactions

    def _rule(self, at: str, number: int, recipients: list[str]) -> str | None:
        with self._changed:
            for rule in self._rules:
                if rule.at == at and rule.matches(number, [r.lower() for r in recipients]):
                    return rule.reply
        return None

    def _record(self, message: Received) -> None:
        with self._changed:
            self.messages.append(message)
            self._changed.notify_all()

    async def _hold(self) -> None:
        with self._changed:
            self._held += 1
            self._changed.notify_all()
        deadline = time.monotonic() + HOLD_LIMIT
        while not self._released.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    def _answered(self, message: Received, answer: str) -> None:
        with self._changed:
            message.answer = answer
            self._changed.notify_all()


async def _hang_up(smtp: SMTP) -> str:
    """Close the connection without an answer. aiosmtpd cancels the handler when the
    connection is lost, so the sleep never ends and nothing is written after the close."""
    smtp.transport.close()
    await asyncio.sleep(HOLD_LIMIT)
    return "421 closing"


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_MAIL(self, smtp, _session, envelope, address, options):
        envelope.number = self.server._begin()
        envelope.began = time.monotonic()
        reply = self.server._rule("mail", envelope.number, [])
        if reply == DROP:
            return await _hang_up(smtp)
        if reply == HOLD:
            await self.server._hold()
        elif reply:
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, smtp, _session, envelope, address, options):
        reply = self.server._rule("rcpt", envelope.number, [address])
        if reply == DROP:
            return await _hang_up(smtp)
        if reply == HOLD:
            await self.server._hold()
        elif reply:
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, smtp, _session, envelope):
        server = self.server
        message = Received(envelope.number, envelope.mail_from, list(envelope.rcpt_tos),
                           bytes(envelope.original_content), envelope.began,
                           time.monotonic())
        server._record(message)
        reply = server._rule("end", envelope.number, envelope.rcpt_tos)
        if reply == DROP:
            server._answered(message, DROP)
            return await _hang_up(smtp)
        if reply == HOLD:
            await server._hold()
            reply = None
        answer = reply or "250 Message accepted for delivery"
        server._answered(message, answer)
        return answer


class _Session(SMTP):
    """aiosmtpd's SMTP with a hook at the DATA command (before the data), which its
    handler API does not offer."""

    async def smtp_DATA(self, arg: str) -> None:
        envelope = self.envelope
        if envelope is not None and envelope.rcpt_tos and hasattr(envelope, "number"):
            reply = self.event_handler.server._rule("data", envelope.number,
                                                    envelope.rcpt_tos)
            if reply == DROP:
                self.transport.close()
                return
            if reply:
                await self.push(reply)
                return
        await super().smtp_DATA(arg)


class _Controller(Controller):
    def factory(self) -> SMTP:
        with warnings.catch_warnings():  # AUTH without TLS: on 127.0.0.1, on purpose
            warnings.simplefilter("ignore", UserWarning)
            return _Session(self.handler, **self.SMTP_kwargs)


def _authenticator(server: SmtpServer):
    def check(_session, _smtp_session, _envelope, _mechanism, auth_data) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user = auth_data.login.decode("utf-8", "replace")
        ok = auth_data.password.decode("utf-8", "replace") == server.password
        server.logins.append((user, ok))
        return AuthResult(success=ok, handled=False)
    return check


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(*, password: str | None = None, certificate: tuple[Path, Path] | None = None,
                tls: str = "starttls") -> Iterator[SmtpServer]:
    """A server on 127.0.0.1 for the block; ``password`` makes it require AUTH;
    ``certificate`` (cert and key files) makes it speak TLS: ``tls="starttls"`` (offered,
    and required before MAIL and AUTH) or ``"tls"`` (from the first byte)."""
    import ssl

    server = SmtpServer("127.0.0.1", free_port(), password)
    options: dict = {}
    if password is not None:
        # aiosmtpd counts only STARTTLS as TLS: "tls" (from the first byte) is TLS too
        options = {"auth_required": True,
                   "auth_require_tls": certificate is not None and tls == "starttls",
                   "authenticator": _authenticator(server)}
    if certificate is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*certificate)
        options.update({"tls_context": context, "require_starttls": True}
                       if tls == "starttls" else {"ssl_context": context})
    controller = _Controller(_Handler(server), hostname=server.host, port=server.port,
                             ready_timeout=10.0, **options)
    controller.start()
    try:
        yield server
    finally:
        server.release()
        controller.stop()
