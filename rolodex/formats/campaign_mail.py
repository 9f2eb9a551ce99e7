"""A campaign mail as bytes: headers a mail server and a mail client expect, the body
rendered from the step's template, and a way out (RFC 2369 / RFC 8058 unsubscribing).

Names and subjects come from the address book, which strangers' cards fill: every header
value is one line of printable text (a line break in a name must not become a header of
its own), non-ASCII names and subjects are encoded words, and the body keeps only line
breaks and tabs among control characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

SUBJECT_LINE = re.compile(r"Subject:[ \t]*(.*)\r?\n(?:\r?\n)?", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MAX_HEADER = 900  # characters of a subject or name: far past any real one, within RFC 5322


@dataclass(frozen=True)
class Mail:
    sender: str            # "Jane Doe <jane@acme.example>" as configured
    to_name: str
    to_address: str
    subject: str
    body: str
    message_id: str        # "<...@domain>"
    date: datetime
    unsubscribe_address: str
    unsubscribe_url: str | None = None
    campaign: str = ""


def split_subject(text: str) -> tuple[str | None, str]:
    """A template may start with ``Subject: ...`` and a blank line: (subject, body)."""
    match = SUBJECT_LINE.match(text)
    if not match:
        return None, text
    return match.group(1).strip() or None, text[match.end():]


def one_line(text: str) -> str:
    """Header text: every run of whitespace or control characters one space, capped."""
    return " ".join(_CONTROL.sub(" ", text).split())[:MAX_HEADER]


def body_text(text: str) -> str:
    """Body text without control characters other than line breaks and tabs."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def new_message_id(sender: str, token: str) -> str:
    """``<token@domain of the sender>``: unique per send, known before it is sent."""
    from email.utils import parseaddr

    domain = parseaddr(sender)[1].rpartition("@")[2] or "rolodex.invalid"
    return f"<{token}@{domain}>"


def unsubscribe_mailto(address: str, campaign: str) -> str:
    """The link a reader follows to unsubscribe: a mail to ``address`` whose subject
    names the campaign (``log-mail`` reads it as an opt-out)."""
    from urllib.parse import quote

    return f"mailto:{address}?subject={quote('unsubscribe ' + campaign)}"


def build(mail: Mail) -> bytes:
    """The message as bytes for SMTP: CRLF line ends, UTF-8 body (quoted-printable when
    needed), encoded-word headers."""
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.policy import SMTP
    from email.utils import format_datetime, parseaddr

    msg = EmailMessage(policy=SMTP)
    sender_name, sender_address = parseaddr(mail.sender)
    msg["From"] = _address(Address, one_line(sender_name), sender_address)
    msg["To"] = _address(Address, one_line(mail.to_name), mail.to_address)
    msg["Subject"] = one_line(mail.subject)
    msg["Date"] = format_datetime(mail.date)
    msg["Message-ID"] = mail.message_id
    links = [f"<{unsubscribe_mailto(mail.unsubscribe_address, mail.campaign)}>"]
    if mail.unsubscribe_url:
        links.insert(0, f"<{mail.unsubscribe_url}>")
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["List-Unsubscribe"] = ", ".join(links)
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Rolodex-Campaign"] = one_line(mail.campaign)
    text = body_text(mail.body)
    msg.set_content(text if text.endswith("\n") else text + "\n", charset="utf-8")
    return msg.as_bytes()


def _address(address_class, name: str, address: str):
    local, _, domain = address.rpartition("@")
    return address_class(display_name=name, username=local, domain=domain)
