"""Reading an email message (RFC 5322) from stdin: who, when, what about, which Message-ID,
and which messages it answers (In-Reply-To, References).

A message without a Message-ID (drafts, some bridges and old clients) is known instead by
a digest of its sender, date and subject, normalised so that the same message saved by
two programs (one keeps the encoded-words, one decodes them; one refolds the subject; one
rewrites the date in another zone) gives the same digest.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO

from rolodex.errors import FileError
from rolodex.formats.mail_headers import (
    MAX_NESTING,
    comment_depth,
    decode_words,
    display_name,
    header_fields,
    read_header_block,
)


@dataclass
class Message:
    sender: tuple[str, str] | None              # (display name, address)
    recipients: list[tuple[str, str]] = field(default_factory=list)  # To and Cc
    subject: str = ""
    date: datetime | None = None
    message_id: str | None = None
    replies_to: list[str] = field(default_factory=list)  # In-Reply-To, then References

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


def read_message(stream: BinaryIO) -> Message:
    """Parse the headers that matter from a message read from ``stream``, within the
    limits of ``mail_headers``; a message without any address is refused."""
    from email.utils import parsedate_to_datetime

    block = read_header_block(stream)
    if not block.strip():
        raise FileError("no message on stdin", hint="pipe a mail message into the command")
    fields = header_fields(block, _WANTED)
    senders = _addresses(fields, "from")
    recipients = _addresses(fields, "to") + _addresses(fields, "cc")
    date = None
    if raw_date := _first(fields, "date"):
        try:
            date = parsedate_to_datetime(raw_date)
        except (TypeError, ValueError, IndexError, OverflowError):
            date = None
    if date is not None and date.tzinfo is None:
        date = date.replace(tzinfo=UTC)
    if date is not None:
        try:  # 9999-12-31 23:00 -1200 is in year 10000 in UTC, where no date can be
            date.astimezone(UTC)
        except OverflowError:
            date = None
    subject = " ".join(decode_words(_first(fields, "subject")).split())
    message_id = _first(fields, "message-id").strip() or None
    if not senders and not recipients:
        raise FileError("the message has no From, To or Cc address")
    return Message(senders[0] if senders else None, recipients, subject, date, message_id,
                   _answered(fields))


_WANTED = frozenset({"from", "to", "cc", "subject", "date", "message-id", "in-reply-to",
                     "references"})
# A msg-id as RFC 5322 writes it, "<left@right>"; each match ends at the next ">", so the
# scan is linear in the field's length (itself capped by ``MAX_FIELD``).
_MSG_ID = re.compile(r"<[^<>\s]{1,250}>")
MAX_ANSWERED = 100  # message ids kept from In-Reply-To and References together


def _answered(fields: dict[str, list[str]]) -> list[str]:
    """The Message-IDs a reply names: its In-Reply-To first, then its References from
    the newest (the last written) back, each once, at most ``MAX_ANSWERED``."""
    parents = _MSG_ID.findall(" ".join(fields.get("in-reply-to", [])))
    thread = _MSG_ID.findall(" ".join(fields.get("references", [])))[::-1]
    return list(dict.fromkeys(parents + thread))[:MAX_ANSWERED]


def _first(fields: dict[str, list[str]], name: str) -> str:
    return fields[name][0] if fields.get(name) else ""


def _addresses(fields: dict[str, list[str]], name: str) -> list[tuple[str, str]]:
    """(display name, address) pairs of every occurrence of a field, names decoded after
    the list is split, so that an encoded comma or bracket can never make an address."""
    from email.utils import getaddresses

    values = fields.get(name, [])
    if not values:
        return []
    if any(comment_depth(v) > MAX_NESTING for v in values):
        raise FileError(f"the {display_name(name)} header is too deeply nested to read "
                        f"(comments inside comments, more than {MAX_NESTING} deep)")
    try:
        pairs = getaddresses(values)
    except RecursionError as exc:  # comment_depth counts generously; this is the backstop
        raise FileError(f"the {display_name(name)} header is too deeply nested to read"
                        ) from exc
    return [(decode_words(n), a) for n, a in pairs if "@" in a and not _NOT_IN_ADDRESS.search(a)]


# An address with a control character or a space in it is none (RFC 5321), and a NUL or an
# escape sequence must not reach the database as an email.
_NOT_IN_ADDRESS = re.compile("[\x00-\x20\x7f-\x9f]")
