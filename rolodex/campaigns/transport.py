"""Handing a campaign mail to the user's own mail system: an SMTP server, or a
sendmail-compatible command (msmtp, sendmail).

What matters is telling apart three outcomes, since a mail cannot be taken back:
``Refused`` (this recipient will never take it: 5xx to RCPT or DATA; the send is failed
and the run goes on; a 5xx to MAIL FROM is about the sender and stops the run instead),
``Unavailable`` (nothing was handed over and the server or command cannot take mail now:
4xx, a dropped connection before the end of DATA; the run stops and the next one sends
it) and a crash after ``handing_over`` was called, which only the ledger can notice.
``handing_over`` is called just before the byte after which the mail is the server's:
the final ``.`` of DATA, or starting the sendmail command.
"""

from __future__ import annotations

import contextlib
import re
import shlex
import smtplib
import socket
import ssl
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

from rolodex.errors import AuthFailed, RolodexError, ServerError, Unreachable

TIMEOUT = 60  # seconds for the server's answer: it may scan the mail before saying 250
COMMAND_TIMEOUT = 120
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
_DOTS = re.compile(rb"(?m)^\.")
_SERVER_SAID = re.compile(r"server message: ([245])\d\d")  # msmtp quoting the server


class Refused(Exception):
    """The server refused this message for good: the send is recorded as failed."""


class Unavailable(ServerError):
    """Nothing was handed over; the server cannot take mail now: stop, retry next run."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str          # starttls | tls | none
    user: str | None
    password: Callable[[], str] | None  # asked only when the server is reached


class SmtpTransport:
    """One connection for a run, opened on the first mail and reused."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security == "none" and s.user and s.host not in LOCAL_HOSTS:
            raise RolodexError(f"refusing to send the SMTP password to {s.host} without TLS",
                               hint="rolodex config set mail.smtp.security starttls")
        try:
            if s.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=TIMEOUT, context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT)
            smtp.ehlo()
            if s.security == "starttls":
                _offers(smtp, "starttls", Unavailable(
                    f"{s.host} does not offer STARTTLS", hint="rolodex config set "
                    "mail.smtp.security tls (or none for a server on this machine)"))
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if s.user:
                _offers(smtp, "auth", AuthFailed(
                    f"the SMTP server {s.host} offers no login here", hint="leave "
                    "mail.smtp.user empty if it needs none; some servers offer it only "
                    "over TLS (mail.smtp.security starttls or tls)"))
                smtp.login(s.user, s.password() if s.password else "")
        except smtplib.SMTPAuthenticationError as exc:
            raise AuthFailed(f"the SMTP server {s.host} refused the login "
                             f"({exc.smtp_code})") from None
        except ssl.SSLError as exc:
            from rolodex.errors import TLSFailed

            raise TLSFailed(f"TLS with {s.host} failed: {exc.reason or exc}") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise Unreachable(f"cannot reach the SMTP server {s.host}:{s.port}: "
                              f"{_reason(exc)}") from None
        return smtp

    def open(self) -> None:
        """Connect and log in, if not already: before a send is claimed."""
        if self.smtp is None:
            self.smtp = self._connect()

    def _connected(self) -> smtplib.SMTP:
        self.open()
        assert self.smtp is not None
        return self.smtp

    def _mail_from(self, sender: str) -> smtplib.SMTP:
        """MAIL FROM on the run's connection. A server that hung up on it between mails
        (an idle timeout while the rate paused the run, a limit of mails per connection:
        a drop or 421) is connected to again, once: nothing was handed over yet."""
        smtp = self._connected()
        try:
            reply = smtp.mail(sender)
        except (OSError, smtplib.SMTPServerDisconnected):
            reply = (421, b"")
        if reply[0] == 421:
            with contextlib.suppress(OSError):
                smtp.close()
            self.smtp = None
            smtp = self._connected()
            reply = smtp.mail(sender)
        _answer(reply, "MAIL FROM", smtp)
        return smtp

    def send(self, sender: str, recipient: str, message: bytes,
             handing_over: Callable[[], None]) -> None:
        try:
            smtp = self._mail_from(sender)
            _answer(smtp.rcpt(recipient), f"RCPT TO {recipient}", smtp)
            smtp.putcmd("data")
            _answer(smtp.getreply(), "DATA", smtp, expect=354)
            data = _DOTS.sub(b"..", message)
            if not data.endswith(b"\r\n"):
                data += b"\r\n"
            smtp.send(data)  # all but the final dot: a drop here has handed nothing over
            handing_over()
            smtp.send(b".\r\n")
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            self.smtp = None
            raise Unavailable(f"the SMTP server {self.settings.host} dropped the connection: "
                              f"{_reason(exc)}") from None
        try:
            code, text = smtp.getreply()
        except (OSError, smtplib.SMTPServerDisconnected):
            self.smtp = None
            raise  # after handing over: the caller leaves the send unconfirmed
        _answer((code, text), "end of DATA", smtp, after_data=True)

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            self.smtp = None


class NotTaken(ServerError):
    """Not delivered after all, though ``handing_over`` was called (4xx at the end of
    DATA, a sendmail command that cannot send now or does not run): the caller releases
    the send for the next run and stops this one (exit 15)."""


def _answer(reply: tuple[int, bytes], what: str, smtp: smtplib.SMTP, *, expect: int = 250,
            after_data: bool = False) -> None:
    code, text = reply
    if code == expect or (expect == 250 and code in (250, 251)):
        return
    said = f"{code} {text.decode('utf-8', 'replace')[:200]}".strip()
    if not after_data:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.rset()
    if 500 <= code < 600 and what == "MAIL FROM":
        _sender_refused(code, said)
    if 500 <= code < 600:
        raise Refused(f"{what}: {said}")
    if after_data:
        raise NotTaken(f"the SMTP server cannot take mail now ({what}: {said})")
    raise Unavailable(f"the SMTP server cannot take mail now ({what}: {said})")


def _offers(smtp: smtplib.SMTP, extension: str, missing: RolodexError) -> None:
    """Raise ``missing`` (the connection closed) when the server's EHLO lacks it."""
    if not smtp.has_extn(extension):
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
        raise missing


def _sender_refused(code: int, said: str) -> None:
    """A 5xx to MAIL FROM is about the sender, the same for every recipient: the run
    stops with nothing recorded (not a failed send per person)."""
    if code == 530:
        raise AuthFailed(f"the SMTP server wants a login before it takes mail ({said})",
                         hint="rolodex config set mail.smtp.user NAME (and "
                              "mail.smtp.password_command)")
    raise ServerError(f"the SMTP server refuses mail from this sender (MAIL FROM: {said})",
                      hint="check mail.from: a server may take mail only from your own "
                           "address")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout):
        return "no answer in time"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


class SendmailTransport:
    """``msmtp``, ``sendmail -oi``...: the message on stdin, the recipient as the last
    argument. Exit 0 means handed over; only the codes that name the address (65
    EX_DATAERR, msmtp's refused recipient; 67 EX_NOUSER), or msmtp's 69 when the server's
    answer it quotes is a 5xx, refuse the send for good. Every other code (75 EX_TEMPFAIL,
    68 for a mail server that cannot be found, a 4xx, a broken configuration) stops the
    run with the send released: a network down at night must not fail a whole campaign
    one person at a time."""

    def __init__(self, command: str) -> None:
        self.argv = shlex.split(command)
        if not self.argv:
            raise RolodexError("mail.sendmail is empty")

    def open(self) -> None:
        """Nothing to connect: the command runs once per mail."""

    def send(self, sender: str, recipient: str, message: bytes,
             handing_over: Callable[[], None]) -> None:
        if recipient.startswith("-"):
            raise Refused(f"refusing the address {recipient}: it reads as an option")
        handing_over()
        try:
            done = subprocess.run([*self.argv, recipient], input=message.replace(b"\r\n", b"\n"),
                                  capture_output=True, timeout=COMMAND_TIMEOUT, check=False)
        except OSError as exc:
            raise NotTaken(f"cannot run {self.argv[0]}: {exc.strerror}") from None
        except subprocess.TimeoutExpired:
            raise  # it may have queued the mail: left unconfirmed by the caller
        if done.returncode == 0:
            return
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        quoted = [line for line in said if _SERVER_SAID.search(line)]
        line = (quoted or said or [""])[-1]
        reason = f"{self.argv[0]} exited with {done.returncode}" + (
            f": {line[:200]}" if line else "")
        server = _SERVER_SAID.search(line)
        if done.returncode in (65, 67) or (done.returncode == 69 and server is not None
                                           and server.group(1) == "5"):
            raise Refused(reason)
        raise NotTaken(reason)

    def close(self) -> None:
        pass
