"""Reading an email message (RFC 5322) from stdin: who, when, what about, which Message-ID."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rolodex.errors import FileError


@dataclass
class Message:
    sender: tuple[str, str] | None              # (display name, address)
    recipients: list[tuple[str, str]] = field(default_factory=list)  # To and Cc
    subject: str = ""
    date: datetime | None = None
    message_id: str | None = None


def read_message(data: bytes) -> Message:
    """Parse the headers that matter; a message without any address is refused."""
    from email import policy
    from email.parser import BytesParser
    from email.utils import getaddresses, parsedate_to_datetime

    if not data.strip():
        raise FileError("no message on stdin", hint="pipe a mail message into the command")
    try:
        msg = BytesParser(policy=policy.default).parsebytes(data, headersonly=True)
        senders = [a for a in getaddresses([str(msg.get("From", ""))]) if "@" in a[1]]
        recipients = [a for h in ("To", "Cc") for a in
                      getaddresses([str(v) for v in msg.get_all(h, [])]) if "@" in a[1]]
        date = None
        if msg.get("Date"):
            try:
                date = parsedate_to_datetime(str(msg["Date"]))
            except (TypeError, ValueError):
                date = None
        if date is not None and date.tzinfo is None:
            from datetime import UTC

            date = date.replace(tzinfo=UTC)
        subject = " ".join(str(msg.get("Subject", "")).split())
        message_id = str(msg.get("Message-ID", "")).strip() or None
    except Exception as exc:  # the email package raises many kinds on broken headers
        raise FileError(f"cannot read the message: {exc}") from exc
    if not senders and not recipients:
        raise FileError("the message has no From, To or Cc address")
    return Message(senders[0] if senders else None, recipients, subject, date, message_id)
