"""``rolodex report NAME``: read-only reports over the whole database."""

from __future__ import annotations

import typer

app = typer.Typer(help="Reports: pipeline, activity, follow-ups, relationships, birthdays, "
                  "sources, segments, one contact or company.", no_args_is_help=True)
