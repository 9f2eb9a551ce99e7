"""The user's own mail system, from the ``mail.*`` settings: who sends, through what.

The SMTP password is never stored: it comes from ``mail.smtp.password_command`` (``pass
show smtp``), else ``ROLODEX_SMTP_PASSWORD``, else a prompt on a terminal, and only when
the server is reached, so a run with nothing to send asks for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rolodex.errors import InvalidInput
from rolodex.store.db import Database
from rolodex.store.settings import get

PASSWORD_ENV = "ROLODEX_SMTP_PASSWORD"
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


@dataclass(frozen=True)
class Sender:
    """From whom campaign mail goes, and where unsubscribing goes."""

    sender: str               # the From header as configured
    address: str              # its address, the envelope sender
    unsubscribe_line: str
    unsubscribe_url: str | None


def sender(db: Database) -> Sender:
    from email.utils import parseaddr

    configured = get(db, "mail.from")
    if not configured:
        raise InvalidInput("campaign mail needs a sender",
                           hint="rolodex config set mail.from \"Jane Doe <jane@acme.example>\"")
    return Sender(configured, parseaddr(configured)[1], get(db, "campaign.unsubscribe"),
                  get(db, "campaign.unsubscribe_url"))


def transport(db: Database, *, password_command: str | None = None) -> Any:
    """A transport for this run (not yet connected): sendmail when ``mail.sendmail`` is
    set, else the SMTP server of ``mail.smtp.*``."""
    from rolodex.campaigns.transport import SendmailTransport, SmtpSettings, SmtpTransport

    command = get(db, "mail.sendmail")
    if command:
        return SendmailTransport(command)
    host = get(db, "mail.smtp.host")
    if not host:
        raise InvalidInput("no way to send campaign mail is set",
                           hint="rolodex config set mail.smtp.host smtp.example.com (or "
                                "mail.sendmail msmtp)")
    security = get(db, "mail.smtp.security")
    user = get(db, "mail.smtp.user")
    command = password_command or get(db, "mail.smtp.password_command")
    return SmtpTransport(SmtpSettings(
        host=host, port=get(db, "mail.smtp.port") or DEFAULT_PORTS[security],
        security=security, user=user,
        password=(lambda: password(host, command)) if user else None))


def password(host: str, command: str | None) -> str:
    from rolodex.sync.credentials import obtain

    return obtain(f"the SMTP server {host}", command, (PASSWORD_ENV,),
                  hint="rolodex config set mail.smtp.password_command 'pass show smtp', "
                       f"or set {PASSWORD_ENV}")
