"""``rolodex cadence``: stay-in-touch cadences per tag."""

from __future__ import annotations

from typing import Annotated

import typer

from rolodex.cli._context import say, state
from rolodex.cli._help import HelpGroup
from rolodex.cli._options import ColumnsOption, FormatOption
from rolodex.cli._output import Column, Format, emit
from rolodex.store import settings

app = typer.Typer(help="Stay-in-touch cadences per tag.", no_args_is_help=True,
                  cls=HelpGroup)


@app.command("set")
def cadence_set(tag: Annotated[str, typer.Argument(help="Tag name.")],
                every: Annotated[str, typer.Argument(metavar="EVERY", help="90d, 2w, 3m...")]
                ) -> None:
    """Keep in touch with everyone tagged TAG at least this often.

    \b
    Example: rolodex cadence set vip 30d
    """
    days = settings.set_value(state.db(), settings.CADENCE_PREFIX + tag.lower(), every)
    say(f"contacts tagged {tag}: every {days} days")


@app.command("rm")
def cadence_rm(tag: Annotated[str, typer.Argument(help="Tag name.")]) -> None:
    """Stop the cadence of a tag.

    \b
    Example: rolodex cadence rm vip
    """
    from rolodex.errors import NotFound
    from rolodex.store.activity.cadence import tag_cadences

    db = state.db()
    days = tag_cadences(db).get(tag.lower())
    if days is None:
        raise NotFound(f"tag {tag} has no cadence", hint="rolodex cadence list shows them")
    settings.set_value(db, settings.CADENCE_PREFIX + tag.lower(), "")
    say(f"stopped the cadence of {tag} (was every {days} days)")


@app.command("list")
def cadence_list(format: FormatOption = Format.table, columns: ColumnsOption = None) -> None:
    """List the cadence of every tag that has one.

    \b
    Example: rolodex cadence list --format json
    """
    from rolodex.store.activity.cadence import tag_cadences

    rows = [{"tag": t, "days": d} for t, d in sorted(tag_cadences(state.db()).items())]
    emit(rows, format, (Column("tag", "Tag"), Column("days", "Every (days)")),
         empty="no cadences", pick=columns)
