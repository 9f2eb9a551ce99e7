"""The root command: global options and one sub-app per noun, nothing else."""

from __future__ import annotations

from typing import Annotated

import typer

from rolodex import __version__
from rolodex.cli import (
    backups,
    company,
    config,
    contact,
    dbcmd,
    deal,
    demo,
    dupes,
    event,
    history,
    journal,
    letters,
    mail,
    planner,
    privacy,
    report,
    sales,
    search,
    task,
    transfer,
)
from rolodex.cli._context import state
from rolodex.cli._help import HelpGroup

app = typer.Typer(
    name="rolodex",
    help="A terminal-native personal CRM: contacts, companies and their history in one "
         "SQLite file.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # see cli/_help.py
    cls=HelpGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"rolodex {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[str | None, typer.Option(
        "--db", metavar="PATH", help="Database file (default: $ROLODEX_DB, else the user "
        "data directory; see 'rolodex db path').", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No confirmations on stderr (errors are still shown).")] = False,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")]
    = False,
) -> None:
    """A terminal-native personal CRM over one SQLite file.

    \b
    Example: rolodex add "Jane Doe" --email jane@acme.example --company "Acme Ltd"
    """
    state.db_option = db
    state.quiet = quiet


app.add_typer(contact.app, name="contact")
app.add_typer(company.app, name="company")
app.add_typer(task.app, name="task")
app.add_typer(deal.app, name="deal")
app.add_typer(event.app, name="event")
app.add_typer(planner.cadence_app, name="cadence")
app.add_typer(report.app, name="report")
app.add_typer(config.app, name="config")
app.add_typer(dbcmd.app, name="db")
app.add_typer(privacy.app, name="privacy")
app.command("add", help=contact.add.__doc__)(contact.add)
app.command("search")(search.search)
app.command("log")(history.log)
app.command("history")(history.history_)
app.command("followups")(planner.followups)
app.command("agenda")(planner.agenda)
app.command("calendar")(planner.calendar)
app.command("import")(transfer.import_)
app.command("export")(transfer.export)
app.command("mutt-query")(mail.mutt_query)
app.command("add-from-mail")(mail.add_from_mail)
app.command("log-mail")(mail.log_mail)
app.command("merge-letter")(letters.merge_letter)
app.command("demo")(demo.demo)
app.command("dashboard")(sales.dashboard)
app.command("undo")(journal.undo)
app.command("redo")(journal.redo)
app.command("changes")(journal.changes)
contact.app.command("restore")(journal.restore_contact)
app.command("backup")(backups.backup)
app.command("restore")(backups.restore)
app.command("doctor")(backups.doctor)
app.command("dupes")(dupes.dupes)
app.command("merge")(dupes.merge)
report.app.command("pipeline")(sales.pipeline)
report.app.command("sources")(sales.sources)
