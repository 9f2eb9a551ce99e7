"""``rolodex mutt-query``, ``add-from-mail`` and ``log-mail``: mail clients (mutt, neomutt,
aerc, alot) look people up, add senders and log messages."""

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
    from rolodex.cli.dupes import warn_if_duplicate
    from rolodex.sync.mail_apply import add_people

    db = state.db()
    result = add_people(db, _read_stdin_message(), recipients=all_)
    for contact_id, _ in result.added:
        print(contact_id)
    say(f"added {len(result.added)} contact(s); {result.known} already known")
    for contact_id, shown in result.added:  # as 'rolodex add' does
        warn_if_duplicate(contact_id, who=f"#{contact_id} {shown} ")


def log_mail() -> None:
    """Record a message read from stdin in the history of its people.

    An email interaction on every contact among its sender and recipients; the same
    message is never logged twice: known by its Message-ID, or without one by its
    sender, date and subject. The direction is 'out' when you sent it (the my.emails
    setting). A reply to a campaign mail (In-Reply-To, References) counts as its
    response; a subject starting with 'unsubscribe' from a contact opts them out of
    marketing, and so out of every campaign.

    \b
    Example: rolodex log-mail < message.eml
    """
    from rolodex.sync.mail_apply import log_message

    logged = log_message(state.db(), _read_stdin_message())
    if logged.already:
        say(f"already logged as history #{logged.entry}")
        return
    print(logged.entry)
    say(f"logged email #{logged.entry} with {logged.people} contact(s)"
        + (f"; not in rolodex: {', '.join(logged.unknown)}" if logged.unknown else ""))
    for name in logged.replied_to:
        say(f"a reply to campaign {name}")
    if logged.confirmed:
        say(f"the copy of an unconfirmed mail of campaign {logged.confirmed}: it left, "
            "and counts as sent")
    if logged.opted_out:
        say(f"{logged.opted_out} unsubscribed: opted out of marketing, out of every "
            "campaign from its next run")
    elif logged.already_out:
        say("asks to unsubscribe: already opted out of marketing")
