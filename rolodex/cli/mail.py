"""Mail-client integration: ``rolodex mutt-query`` for mutt, neomutt, aerc and alot."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from rolodex.cli._context import say, state


def mutt_query(
    query: Annotated[str, typer.Argument(help="Part of a name, email, nickname or company.")],
    plain: Annotated[bool, typer.Option("--plain", help="No status line (aerc, alot).")]
    = False,
) -> None:
    """Look up addresses for mutt, neomutt, aerc and alot.

    mutt's query_command format: a status line, then address<TAB>name<TAB>label lines;
    exit 1 when nothing matches.

    In ~/.muttrc: set query_command = "rolodex mutt-query %s"

    \b
    Example: rolodex mutt-query jane
    """
    # Usually answered by the lean path (rolodex.cli._lean) without reaching Typer at all.
    from rolodex.cli._lean import answer_mutt_query

    code = answer_mutt_query(query, plain=plain)
    if code:
        raise typer.Exit(code)


def _read_stdin_message():
    from rolodex.formats.mailmsg import read_message

    return read_message(sys.stdin.buffer)


def _own(db) -> set[str]:
    from rolodex.store.settings import get

    return {a.lower() for a in get(db, "my.emails")}


def add_from_mail(
    all_: Annotated[bool, typer.Option("--all", help="Also the To and Cc recipients.")]
    = False,
) -> None:
    """Add the sender (and with --all the recipients) of a message read from stdin.

    People already known by their address are left as they are. Prints the new ids.

    In mutt: macro index,pager A "<pipe-message>rolodex add-from-mail<enter>"

    \b
    Example: rolodex add-from-mail < message.eml
    """
    from rolodex.models import Email
    from rolodex.store import contacts

    db = state.db()
    msg = _read_stdin_message()
    people = ([msg.sender] if msg.sender else []) + (msg.recipients if all_ else [])
    own = _own(db)
    added: list[tuple[int, str]] = []
    known = 0
    with db.write("add from mail"):
        for name, address in dict.fromkeys(people):
            if address.lower() in own:
                continue
            row = db.execute("SELECT contact_id FROM contact_emails WHERE address = ?"
                             " COLLATE NOCASE", (address,)).fetchone()
            if row:
                known += 1
                continue
            shown = name.strip() or address.split("@")[0]
            contact_id = contacts.add_contact(db, shown, details=[Email(address)])
            print(contact_id)
            added.append((contact_id, shown))
    say(f"added {len(added)} contact(s); {known} already known")
    from rolodex.cli.dupes import warn_if_duplicate

    for contact_id, shown in added:  # as 'rolodex add' does
        warn_if_duplicate(contact_id, who=f"#{contact_id} {shown} ")


def log_mail() -> None:
    """Record a message read from stdin in the history of its people.

    An email interaction on every contact among its sender and recipients; the same
    message is never logged twice: known by its Message-ID, or without one by its
    sender, date and subject. The direction is 'out' when you sent it (the my.emails
    setting).

    \b
    Example: rolodex log-mail < message.eml
    """
    from rolodex.dates import now
    from rolodex.errors import NotFound
    from rolodex.store import history

    db = state.db()
    msg = _read_stdin_message()
    if msg.key and (entry := history.logged_message(db, msg.key)):
        say(f"already logged as history #{entry}")
        return
    own = _own(db)
    addresses = [a for _, a in ([msg.sender] if msg.sender else []) + msg.recipients
                 if a.lower() not in own]
    people, unknown = [], []
    for address in dict.fromkeys(addresses):
        row = db.execute("SELECT contact_id FROM contact_emails WHERE address = ?"
                         " COLLATE NOCASE", (address,)).fetchone()
        (people if row else unknown).append(row[0] if row else address)
    if not people:
        raise NotFound("no contact has any of the message's addresses",
                       hint="'rolodex add-from-mail' adds the sender first")
    direction = "out" if msg.sender and msg.sender[1].lower() in own else "in"
    entry = history.log(db, list(dict.fromkeys(people)), "email", at=msg.date or now(),
                        text=msg.subject or "(no subject)", direction=direction,
                        message_id=msg.key, check=False)
    print(entry)
    say(f"logged email #{entry} with {len(set(people))} contact(s)"
        + (f"; not in rolodex: {', '.join(unknown)}" if unknown else ""))
