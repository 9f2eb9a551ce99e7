"""Mail-client integration: ``rolodex mutt-query`` for mutt, neomutt, aerc and alot."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from rolodex.cli._context import state


def _clean(text: str) -> str:
    """Tabs and newlines would break the line format; mail clients get spaces."""
    return " ".join(text.split())


def mutt_query(
    query: Annotated[str, typer.Argument(help="Part of a name, email, nickname or company.")],
    plain: Annotated[bool, typer.Option("--plain", help="No status line (aerc, alot).")]
    = False,
) -> None:
    """Look up addresses in mutt's query_command format: a status line, then
    address<TAB>name<TAB>label lines; exit 1 when nothing matches.

    In ~/.muttrc: set query_command = "rolodex mutt-query %s"

    Example: rolodex mutt-query jane
    """
    from rolodex.store.mail_lookup import addresses

    found = addresses(state.db(), query)
    if not found:
        raise typer.Exit(1)  # mutt reports "no matches" itself
    lines = [] if plain else [f"rolodex: {len(found)} address(es) for '{_clean(query)}'"]
    lines += [f"{_clean(a)}\t{_clean(n)}\t{_clean(i)}" for a, n, i in found]
    sys.stdout.write("\n".join(lines) + "\n")
