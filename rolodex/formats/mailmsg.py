"""Reading an email message (RFC 5322) from stdin: who, when, what about, which Message-ID.

A message without a Message-ID (drafts, some bridges and old clients) is known instead by
a digest of its sender, date and subject, normalised so that the same message saved by
two programs (one keeps the encoded-words, one decodes them; one refolds the subject; one
rewrites the date in another zone) gives the same digest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rolodex.errors import FileError


@dataclass
class Message:
    sender: tuple[str, str] | None              # (display name, address)
    recipients: list[tuple[str, str]] = field(default_factory=list)  # To and Cc
    subject: str = ""
    date: datetime | None = None
    message_id: str | None = None

    @property
    def digest(self) -> str | None:
        """``sha256:`` and the hash of sender address, UTC date and subject; None without
        a date, when two messages of one subject from one person cannot be told apart."""
        if self.date is None:
            return None
        sender = self.sender[1].lower() if self.sender else ""
        when = self.date.astimezone(UTC).isoformat()
        text = "\n".join((sender, when, self.subject))
        return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def key(self) -> str | None:
        """What tells this message apart from every other: its Message-ID, else its digest."""
        return self.message_id or self.digest


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
            date = date.replace(tzinfo=UTC)
        subject = " ".join(str(msg.get("Subject", "")).split())
        message_id = str(msg.get("Message-ID", "")).strip() or None
    except Exception as exc:  # the email package raises many kinds on broken headers
        raise FileError(f"cannot read the message: {exc}") from exc
    if not senders and not recipients:
        raise FileError("the message has no From, To or Cc address")
    return Message(senders[0] if senders else None, recipients, subject, date, message_id)
