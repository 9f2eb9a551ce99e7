"""``rolodex campaign run`` and ``campaign confirm``: sending what is due, from cron, and
settling what a killed run left unconfirmed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rolodex.cli._context import say, state
from rolodex.cli._options import DryRunOption, RowsFormatOption
from rolodex.cli._output import Format, emit, emit_rows
from rolodex.cli.completion import complete_contact


def run(
    names: Annotated[list[str] | None, typer.Argument(
        metavar="[NAME]...", help="Only these campaigns (default: every active one).")]
    = None,
    dry_run: DryRunOption = False,
    limit: Annotated[int | None, typer.Option(
        "--limit", "-n", min=0, help="Send at most this many mails in this run.")] = None,
    rate: Annotated[int | None, typer.Option(
        "--rate", min=0, metavar="N", help="Mails per minute at most (default: config "
        "mail.rate, 60); 0 for no limit.")] = None,
    letters: Annotated[str | None, typer.Option(
        "--letters", metavar="DIR", help="Where letters go (default: config "
        "campaign.letters, else letters/ beside the database).")] = None,
    password_command: Annotated[str | None, typer.Option(
        "--password-command", metavar="CMD", help="A command printing the SMTP password "
        "(default: config mail.smtp.password_command, else $ROLODEX_SMTP_PASSWORD).")]
    = None,
    resend_unconfirmed: Annotated[bool, typer.Option(
        "--resend-unconfirmed", help="Send again, with the same Message-ID, the mails a "
        "killed run handed over without hearing back.")] = False,
    retry_failed: Annotated[bool, typer.Option(
        "--retry-failed", help="Try again the sends that failed (a refused address, no "
        "email).")] = False,
    format: RowsFormatOption = Format.table,
) -> None:
    """Send what is due today: mails, letters and tasks, each person each step once.

    For cron: safe to repeat and to kill. A mail is recorded before it is handed to the
    server and confirmed in the same transaction as its history entry, so a repeated run
    never sends a step twice; a mail handed over just as a run was killed is reported as
    unconfirmed (settle it with 'campaign confirm' or --resend-unconfirmed). A server
    that cannot take mail now (4xx, dropped connection) stops the run with exit 14 or 15
    and the next run sends exactly the rest; an address it refuses for good (5xx) is a
    failed send and the run goes on. Only people who granted the campaign's purpose (or,
    on legitimate interest, did not withdraw it) and did not opt out are reached.

    Mail goes through config mail.smtp.* or mail.sendmail, from mail.from; see
    docs/campaigns.md. Output: one row per person and step (json, jsonl, csv, tsv for
    scripts); the table on a terminal sums up.

    \b
    Example: rolodex campaign run --dry-run
    Example (crontab): 0 9 * * * rolodex campaign run --format jsonl >> ~/campaign.log
    """
    from rolodex.campaigns import mailer
    from rolodex.campaigns.outcome import KEYS
    from rolodex.campaigns.run import Options, Runner
    from rolodex.store.campaigns import definitions, ledger
    from rolodex.store.settings import get

    db = state.db()
    rows = [definitions.get_row(db, n) for n in names] if names else \
        definitions.all_rows(db)
    if retry_failed and not dry_run:
        for row in rows:
            ledger.retry_failed(db, row["id"])
    folder = letters or get(db, "campaign.letters")
    options = Options(
        today=state.today(), zone=state.zone(),
        letters=Path(folder).expanduser() if folder else state.db_path().parent / "letters",
        dry_run=dry_run, rate=get(db, "mail.rate") if rate is None else rate, limit=limit,
        resend_unconfirmed=resend_unconfirmed,
        transport=lambda: mailer.transport(db, password_command=password_command),
        sender=lambda: mailer.sender(db))
    runner = Runner(db, options)
    outcomes = (o.row() for o in runner.run(list(rows)))
    if format is Format.table:
        _summary(list(outcomes))
    else:
        emit_rows(outcomes, format, KEYS)
    _closing(runner.totals, dry_run)


def _summary(rows: list[dict]) -> None:
    """A line per campaign, step and outcome on a terminal; failures and unconfirmed
    sends one by one (they need the user)."""
    from rolodex.cli._output import Column

    counts: dict[tuple, int] = {}
    for row in rows:
        key = (row["campaign"], row["step"], row["kind"], row["status"])
        counts[key] = counts.get(key, 0) + 1
    summary = [{"campaign": c, "step": s, "kind": k, "status": st, "people": n}
               for (c, s, k, st), n in counts.items()]
    emit(summary, Format.table, (
        Column("campaign", "Campaign"), Column("step", "Step"),
        Column("kind", "Kind"), Column("status", "Status"),
        Column("people", "People")), empty="nothing due")
    trouble = [r for r in rows if r["status"] in ("failed", "unconfirmed")]
    if trouble:
        emit(trouble, Format.table, (
            Column("campaign", "Campaign"), Column("step", "Step"),
            Column("contact", "Contact"), Column("address", "Address"),
            Column("status", "Status"), Column("detail", "Detail")))


def _closing(totals, dry_run: bool) -> None:
    for name, count in totals.waiting.items():
        say(f"{name}: {count} member(s) not reached: no consent granted for its purpose")
    if totals.error is not None:
        raise totals.error
    if totals.stopped:
        say(f"stopped: {totals.stopped}")
    elif dry_run:
        say("dry run: nothing sent, nothing recorded")


def confirm(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Campaign name.")],
    refs: Annotated[list[str] | None, typer.Argument(
        metavar="[REF]...", help="Only these people (default: every unconfirmed send).",
        autocompletion=complete_contact)] = None,
    not_sent: Annotated[bool, typer.Option(
        "--not-sent", help="They did not get it: the next run sends it again.")] = False,
) -> None:
    """Settle the mails a killed run handed over without hearing back: sent, or not.

    Check the server's log or your Sent folder first; confirmed sends count as sent in
    the report. --not-sent releases them for the next run instead.

    \b
    Example: rolodex campaign confirm winter-offer
    """
    from rolodex.cli._context import expand_refs
    from rolodex.store.campaigns import ledger
    from rolodex.store.campaigns.definitions import get_row
    from rolodex.store.people.contact_refs import resolve_contact

    db = state.db()
    row = get_row(db, name)
    people = {resolve_contact(db, r) for r in expand_refs(refs)} if refs else None
    _, sending = ledger.leftovers(db, row["id"])
    chosen = [s for s in sending if people is None or s["contact_id"] in people]
    for send in chosen:
        ledger.settle(db, send, sent=not not_sent, text=f"Mail of campaign {row['name']}"
                      " (confirmed by hand)")
    if not chosen:
        say(f"campaign {row['name']} has no unconfirmed sends"
            + (" for these people" if people else ""))
        return
    say(f"{len(chosen)} send(s) of {row['name']} "
        + ("released for the next run" if not_sent else "confirmed as sent"))
