"""``rolodex campaign ...``: plan campaigns on a marketing calendar and send what is due."""

from __future__ import annotations

from typing import Annotated

import typer

from rolodex.cli._context import confirm, say, state
from rolodex.cli._help import HelpGroup
from rolodex.cli._options import ColumnsOption, RowsFormatOption, YesOption
from rolodex.cli._output import Column, Format, emit, emit_one
from rolodex.cli.completion import complete_campaign, complete_contact, complete_saved_search

app = typer.Typer(help="Campaigns: a segment, templates and dates; sent, logged, measured.",
                  no_args_is_help=True, cls=HelpGroup)

NameArg = Annotated[str, typer.Argument(metavar="NAME", help="Campaign name.",
                                        autocompletion=complete_campaign)]
ToOpt = Annotated[str | None, typer.Option(
    "--to", metavar="QUERY", help="Who: a saved search (@lapsed) or any search query "
    "(tag:customer -tag:active), run afresh at each 'campaign run'.",
    autocompletion=complete_saved_search)]
TagOpt = Annotated[list[str] | None, typer.Option(
    "--tag", "-t", help="Who: contacts with this tag (repeatable: all of them).")]
OnOpt = Annotated[str | None, typer.Option(
    "--on", metavar="DATE", help="The day steps count from (2026-12-15, next monday); "
    "without it, from the day each person enters the audience.")]
StepOpt = Annotated[list[str] | None, typer.Option(
    "--step", metavar="SPEC", help="A step: \"0d mail welcome.md\", \"7d task 'call {{ "
    "first_name }}'\", \"21d letter offer.md\", \"2w mail f.md 'Subject'\" (repeatable, in "
    "order).")]
PurposeOpt = Annotated[str | None, typer.Option(
    "--purpose", help="The consent purpose it serves (default: marketing).")]
BasisOpt = Annotated[str | None, typer.Option(
    "--basis", metavar="consent|legitimate-interest", help="consent (default): only people "
    "who granted the purpose; legitimate-interest: everyone who has not withdrawn it.")]

CAMPAIGN_COLUMNS = (
    Column("name", "Name", priority=0), Column("status", "Status"), Column("audience", "Audience"),
    Column("start", "Start"), Column("steps", "Steps"),
    Column("members", "Members"), Column("sent", "Sent"),
    Column("purpose", "Purpose"), Column("basis", "Basis"))
RUN_COLUMNS = (
    Column("campaign", "Campaign"), Column("step", "Step"),
    Column("kind", "Kind"), Column("contact", "Contact"), Column("address", "Address"),
    Column("status", "Status"), Column("detail", "Detail"))


def _campaign(name: str):
    from rolodex.store.campaigns.definitions import get_row

    return get_row(state.db(), name)


@app.command("add")
def add(
    name: NameArg,
    to: ToOpt = None,
    tag: TagOpt = None,
    template: Annotated[str | None, typer.Option(
        "--template", metavar="FILE", help="One mail from this template (the same as "
        "--step \"0d mail FILE\").")] = None,
    on: OnOpt = None,
    subject: Annotated[str | None, typer.Option(
        "--subject", help="Subject of mails whose template has no 'Subject:' line; "
        "{{ field }} blanks allowed.")] = None,
    step: StepOpt = None,
    purpose: PurposeOpt = None,
    basis: BasisOpt = None,
    only_new: Annotated[bool, typer.Option(
        "--only-new", help="Only people who enter the audience from now on (a welcome "
        "series), not those in it today.")] = False,
) -> None:
    """Plan a campaign: whom, which steps, from when.

    Each step is a mail (sent through your SMTP server or sendmail), a letter (a file per
    person) or a task (for you, on the person). Templates are merge-letter templates
    ({{ first_name }}, {{ company }}... see 'rolodex merge-letter --help', plus {{ campaign
    }} and {{ unsubscribe }}); a mail template may start with 'Subject: ...' and a blank
    line. Every template is read and checked now and kept in the database: a typo fails
    here, not in tonight's cron run ('campaign edit --reload' reads the files again).

    \b
    Example: rolodex campaign add winter-offer --to @customers --template offer.md --on 2026-12-15
    Example: rolodex campaign add welcome --tag prospect --only-new \\
      --step "0d mail welcome.md" --step "7d task 'call {{ first_name }}'" \\
      --step "21d mail followup.md"
    """
    from rolodex.campaigns import plan
    from rolodex.errors import InvalidInput

    drafts = [plan.parse_step(s) for s in step or []]
    if template:
        drafts.insert(0, plan.Draft(0, "mail", template))
    if not drafts:
        raise InvalidInput("a campaign needs --template FILE or --step SPEC",
                           hint="rolodex campaign add winter-offer --to @customers "
                                "--template offer.md --on 2026-12-15")
    db = state.db()
    row = plan.add(db, name, audience=plan.audience_query(to, tag or []), drafts=drafts,
                   start=state.day(on) if on else None, subject=subject,
                   purpose=purpose or "marketing", basis=basis or "consent",
                   only_new=only_new, today=state.today())
    print(row["id"])
    when = f"from {row['start']}" if row["start"] else "from the day each person enters"
    say(f"planned campaign {row['name']}: {len(drafts)} step(s) {when}; "
        "'rolodex campaign run --dry-run' shows what is due")


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option(
        "--status", metavar="active|paused", help="Only campaigns in this state.")] = None,
    format: RowsFormatOption = Format.table, columns: ColumnsOption = None,
) -> None:
    """List campaigns with their audience, start, steps, members and mails sent.

    \b
    Example: rolodex campaign list --format json
    """
    from rolodex.store.campaigns.definitions import KEYS, list_rows

    rows = list_rows(state.db(), status=status)
    emit(rows, format, CAMPAIGN_COLUMNS, keys=KEYS, empty="no campaigns", pick=columns)


@app.command("show")
def show(name: NameArg, format: RowsFormatOption = Format.table) -> None:
    """A campaign: its audience, basis, steps with their days, and what each has sent.

    \b
    Example: rolodex campaign show winter-offer
    """
    from rolodex.cli._campaign_views import campaign_card
    from rolodex.store.campaigns.definitions import detail

    emit_one(detail(state.db(), _campaign(name)["id"]), format, campaign_card)


@app.command("edit")
def edit(
    name: NameArg,
    to: ToOpt = None,
    tag: TagOpt = None,
    on: OnOpt = None,
    from_entry: Annotated[bool, typer.Option(
        "--from-entry", help="Count steps from the day each person enters, not a date.")]
    = False,
    purpose: PurposeOpt = None,
    basis: BasisOpt = None,
    rename: Annotated[str | None, typer.Option("--rename", metavar="NEW",
                                               help="A new name.")] = None,
    add_step: Annotated[list[str] | None, typer.Option(
        "--add-step", metavar="SPEC", help="Append a step (as --step of 'campaign add').")]
    = None,
    drop_step: Annotated[list[int] | None, typer.Option(
        "--drop-step", metavar="N", help="Remove step N, if nobody was sent it yet.")]
    = None,
    reload: Annotated[bool, typer.Option(
        "--reload", help="Read every step's template file again.")] = False,
) -> None:
    """Change a campaign: audience, start, purpose, basis, name, steps, templates.

    What was sent stays sent: a step nobody got yet can be dropped, one that went out stays
    for the report. People the new audience leaves out leave at the next run.

    \b
    Example: rolodex campaign edit welcome --add-step "42d mail last-call.md" --reload
    """
    from rolodex.campaigns import plan
    from rolodex.errors import InvalidInput

    if on and from_entry:
        raise InvalidInput("--on and --from-entry contradict each other")
    start: object = plan.KEEP
    if on:
        start = state.day(on)
    elif from_entry:
        start = None
    row, changed = plan.edit(
        state.db(), _campaign(name), audience=plan.audience_query(to, tag or [])
        if to or tag else None, start=start, purpose=purpose, basis=basis, rename=rename,
        add_steps=[plan.parse_step(s) for s in add_step or []], drop_steps=drop_step or [],
        reload=reload)
    say(f"changed campaign {row['name']}"
        + (f"; templates of step(s) {', '.join(map(str, changed))} re-read" if changed else ""))


def _set_status(name: str, status: str) -> None:
    from rolodex.store.campaigns import definitions

    row = _campaign(name)
    definitions.update(state.db(), row["id"], {"status": status})
    say(f"campaign {row['name']} is {status}")


@app.command("pause")
def pause(name: NameArg) -> None:
    """Stop sending a campaign's steps until 'campaign resume'.

    \b
    Example: rolodex campaign pause winter-offer
    """
    _set_status(name, "paused")


@app.command("resume")
def resume(name: NameArg) -> None:
    """Send a paused campaign's steps again; what fell due meanwhile goes at the next run.

    \b
    Example: rolodex campaign resume winter-offer
    """
    _set_status(name, "active")


@app.command("rm")
def rm(name: NameArg, yes: YesOption = False) -> None:
    """Remove a campaign and its record of who got what (undo brings both back).

    The history entries and tasks it created stay: they happened.

    \b
    Example: rolodex campaign rm winter-offer --yes
    """
    from rolodex.store.campaigns import definitions

    row = _campaign(name)
    confirm(f"remove campaign {row['name']} and its record of what was sent?", yes)
    definitions.remove(state.db(), row["id"])
    say(f"removed campaign {row['name']}")


@app.command("optout")
def optout(
    refs: Annotated[list[str], typer.Argument(
        metavar="REF...", help="Contacts: ids, names, emails; - reads them from stdin.",
        autocompletion=complete_contact)],
    evidence: Annotated[str | None, typer.Option(
        "--evidence", help="How they asked (a message, a call...).")] = None,
) -> None:
    """Take people out of every campaign for good: a withdrawn consent for marketing.

    It is kept in their consent history ('rolodex privacy consent REF'); a later grant
    brings them back.

    \b
    Example: rolodex campaign optout jane --evidence "asked on the phone"
    """
    from rolodex.campaigns import plan
    from rolodex.cli._context import expand_refs
    from rolodex.store.people.contact_refs import resolve_contact

    db = state.db()
    ids = list(dict.fromkeys(resolve_contact(db, r) for r in expand_refs(refs)))
    count = plan.opt_out(db, ids, source="campaign optout", evidence=evidence)
    say(f"{count} contact(s) opted out of every campaign"
        + (f"; {len(ids) - count} had opted out already" if count < len(ids) else ""))


def _register() -> None:
    """``run`` and ``confirm`` live in their own module (sending is its own subject)."""
    from rolodex.cli import campaign_run

    app.command("run")(campaign_run.run)
    app.command("confirm")(campaign_run.confirm)


_register()
