"""``rolodex db path``: where the data lives."""

from __future__ import annotations

import typer

from rolodex.cli._context import state
from rolodex.cli._help import HelpGroup

app = typer.Typer(help="The database file itself.", no_args_is_help=True,
                  cls=HelpGroup)


@app.command("path")
def path() -> None:
    """Print the path of the database file in use (--db, else $ROLODEX_DB, else the default).

    \b
    Example: cp "$(rolodex db path)" ~/backup/
    """
    print(state.db_path())
