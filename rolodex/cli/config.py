"""``rolodex config list|get|set``: settings stored in the database itself."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from rolodex.cli._context import say, state
from rolodex.cli._help import HelpGroup
from rolodex.cli._options import ColumnsOption, FormatOption
from rolodex.cli._output import Column, Format, emit, json_safe
from rolodex.store import settings

app = typer.Typer(help="Settings kept in the database (time zone, vCard version, stages...).",
                  no_args_is_help=True,
                  cls=HelpGroup)
KeyArg = Annotated[str, typer.Argument(help="Setting name, e.g. timezone or cadence.vip.")]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


@app.command("list")
def list_(format: FormatOption = Format.table, columns: ColumnsOption = None) -> None:
    """List every setting with its value and what it is for.

    \b
    Example: rolodex config list --format json
    """
    rows = settings.list_all(state.db())
    emit(rows, format, (Column("key", "Key", style="bold"),
                        Column("value", "Value", show=lambda r: _text(r["value"])),
                        Column("description", "Description", style="dim")), pick=columns)


@app.command("get")
def get(key: KeyArg,
        json_: Annotated[bool, typer.Option("--json", help="Print the value as JSON.")] = False,
        ) -> None:
    """Print one setting's value (lists comma-separated, or JSON with --json).

    \b
    Example: rolodex config get pipeline.stages
    """
    value = settings.get(state.db(), key)
    print(json_safe(json.dumps(value, ensure_ascii=False)) if json_ else _text(value))


@app.command("set")
def set_(key: KeyArg,
         value: Annotated[str, typer.Argument(help="New value; lists comma-separated; "
                                              "'' restores the default.")]) -> None:
    """Change a setting; the value is checked before it is stored.

    \b
    Example: rolodex config set timezone Europe/Berlin
    """
    stored = settings.set_value(state.db(), key, value)
    say(f"{key} = {_text(stored)}")
