"""A received mail applied to the store: its people added (``add-from-mail``) or the message
logged in their history (``log-mail``), with what it means for campaigns: a reply to a
campaign mail is that send's response, and a mail whose subject starts with the word
"unsubscribe" (what a campaign mail's List-Unsubscribe link writes) is an opt-out.

The message is read, within its size limits, by ``formats/mailmsg.py``; what is here is
the matching against the address book, so that the command line only reads and prints.
Your own addresses (the ``my.emails`` setting) are never added nor logged as a contact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rolodex.dates import now, to_utc_iso
from rolodex.errors import NotFound
from rolodex.formats.mailmsg import Message
from rolodex.models import Email
from rolodex.store.activity import history
from rolodex.store.campaigns import members
from rolodex.store.campaigns.responses import confirm_copy, record_replies
from rolodex.store.db import Database
from rolodex.store.lookups import contacts_by_email
from rolodex.store.people import contacts
from rolodex.store.settings import get


@dataclass
class AddedPeople:
    added: list[tuple[int, str]] = field(default_factory=list)  # (id, name shown)
    known: int = 0  # addresses some contact already has


@dataclass
class LoggedMail:
    entry: int          # the history entry, new or the one that already records it
    already: bool       # the message was logged before: nothing written
    people: int = 0
    unknown: list[str] = field(default_factory=list)  # addresses no contact has
    replied_to: list[str] = field(default_factory=list)  # campaigns it answers, by name
    opted_out: str | None = None  # the sender's name, when it unsubscribed them
    already_out: bool = False  # it asked to unsubscribe someone already opted out
    confirmed: str | None = None  # the campaign whose unconfirmed mail this copy is


UNSUBSCRIBE = re.compile(r"unsubscribe\b", re.IGNORECASE)
OPT_OUT_SOURCE = "unsubscribe by mail"


def _own(db: Database) -> set[str]:
    """Your addresses: ``my.emails``, and the From of campaign mail (``mail.from``)."""
    from email.utils import parseaddr

    own = {a.lower() for a in get(db, "my.emails")}
    sender = get(db, "mail.from")
    return own | {parseaddr(sender)[1].lower()} if sender else own


def add_people(db: Database, msg: Message, *, recipients: bool) -> AddedPeople:
    """Add the sender (and the To and Cc people) whose address no contact has, in one
    operation; someone known by an address is left as they are."""
    people = ([msg.sender] if msg.sender else []) + (msg.recipients if recipients else [])
    own = _own(db)
    result = AddedPeople()
    with db.write("add from mail"):
        for name, address in dict.fromkeys(people):
            if address.lower() in own:
                continue
            if contacts_by_email(db, address):
                result.known += 1
                continue
            shown = name.strip() or address.split("@")[0] or address
            result.added.append((contacts.add_contact(db, shown, details=[Email(address)]),
                                 shown))
    return result


def log_message(db: Database, msg: Message) -> LoggedMail:
    """An email interaction on every contact among the sender and recipients, 'out' when
    you sent it; a message already logged (by Message-ID, else digest) is not again."""
    if msg.key and (entry := history.logged_message(db, msg.key)):
        return LoggedMail(entry, already=True)
    own = _own(db)
    addresses = [a for _, a in ([msg.sender] if msg.sender else []) + msg.recipients
                 if a.lower() not in own]
    people: list[int] = []
    unknown: list[str] = []
    for address in dict.fromkeys(addresses):
        found = contacts_by_email(db, address)
        if found:
            people.append(found[0])
        else:
            unknown.append(address)
    if not people:
        raise NotFound("no contact has any of the message's addresses",
                       hint="'rolodex add-from-mail' adds the sender first")
    direction = "out" if msg.sender and msg.sender[1].lower() in own else "in"
    people = list(dict.fromkeys(people))
    with db.write("log email"):
        entry = history.log(db, people, "email", at=msg.date or now(),
                            text=msg.subject or "(no subject)", direction=direction,
                            message_id=msg.key, check=False)
        logged = LoggedMail(entry, already=False, people=len(people), unknown=unknown)
        if msg.message_id:  # the sent copy of a mail a killed campaign run left unconfirmed
            logged.confirmed = confirm_copy(db, msg.message_id, entry)
        if direction == "in":  # your own mail in a thread is no response
            logged.replied_to = record_replies(db, msg.replies_to, entry,
                                               to_utc_iso(msg.date or now()))
            _unsubscribe(db, msg, logged)
    return logged


def _unsubscribe(db: Database, msg: Message, logged: LoggedMail) -> None:
    """A subject starting with the word unsubscribe, from a contact: an opt-out of
    marketing, with the message as its evidence, at the message's date (now, if that
    is in the future)."""
    if msg.sender is None or not UNSUBSCRIBE.match(msg.subject):
        return
    found = contacts_by_email(db, msg.sender[1])
    if not found:
        return
    current = now()
    at = min(msg.date, current) if msg.date else current
    if members.opt_out(db, found[0], OPT_OUT_SOURCE, msg.message_id or msg.key,
                       at=at) is None:
        logged.already_out = True
        return
    logged.opted_out = contacts.get_row(db, found[0])["display_name"]
