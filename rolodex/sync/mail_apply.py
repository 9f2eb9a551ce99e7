"""A received mail applied to the store: its people added (``add-from-mail``) or the message
logged in their history (``log-mail``).

The message is read, within its size limits, by ``formats/mailmsg.py``; what is here is
the matching against the address book, so that the command line only reads and prints.
Your own addresses (the ``my.emails`` setting) are never added nor logged as a contact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rolodex.dates import now
from rolodex.errors import NotFound
from rolodex.formats.mailmsg import Message
from rolodex.models import Email
from rolodex.store.activity import history
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


def _own(db: Database) -> set[str]:
    return {a.lower() for a in get(db, "my.emails")}


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
    entry = history.log(db, people, "email", at=msg.date or now(),
                        text=msg.subject or "(no subject)", direction=direction,
                        message_id=msg.key, check=False)
    return LoggedMail(entry, already=False, people=len(people), unknown=unknown)
