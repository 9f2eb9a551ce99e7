"""``rolodex demo``: a sample database and a Rich overview of it, away from the user's data."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from rolodex.cli._context import say, state
from rolodex.errors import InvalidInput


def demo(
    db: Annotated[str | None, typer.Option(
        "--db", metavar="PATH",
        help="Where to write the sample database (default: a new temporary file).")] = None,
) -> None:
    """Create a sample database with invented people and show an overview of it.

    Your own database is never touched: the sample goes to a new temporary file unless
    you name one with --db.

    \b
    Example: rolodex demo && rolodex --db "$(ls -t /tmp/rolodex-demo-*.db | head -1)" contact list
    """
    from rolodex.store.opening import open_db
    from rolodex.store.sample import populate

    if db is None:
        folder = Path(tempfile.mkdtemp(prefix="rolodex-demo-"))
        path = folder / "demo.db"
    else:
        path = Path(db).expanduser()
        if path.exists() and path.stat().st_size > 0:
            raise InvalidInput(f"{path} already exists; the demo only writes a new file")
    database = open_db(path)
    database.command = state.command
    try:
        populate(database)
        _overview(database, path)
    finally:
        database.close()
    say(f"sample database: {path}\ntry: rolodex --db {path} contact list")


def _overview(db, path: Path) -> None:
    from rich.columns import Columns
    from rich.panel import Panel

    from rolodex.cli._output import console
    from rolodex.cli._views import CONTACT_COLUMNS
    from rolodex.store.lookups import count
    from rolodex.store.people import contact_queries

    out = console()
    contacts = contact_queries.fetch(db, contact_queries.list_ids(db))
    stats = (f"[bold]{len(contacts)}[/] contacts\n[bold]{count(db, 'companies')}"
             f"[/] companies\n[bold]{count(db, 'tags')}[/] tags")
    by_status: dict[str, int] = {}
    for c in contacts:
        by_status[c["status"] or "none"] = by_status.get(c["status"] or "none", 0) + 1
    status = "\n".join(f"{k:<10} {'█' * v} {v}" for k, v in sorted(by_status.items()))
    out.print(Columns([Panel(stats, title="rolodex demo"), Panel(status, title="by status")]))
    from rolodex.cli._output import table

    table(contacts, CONTACT_COLUMNS, title=f"Contacts in {path}")
