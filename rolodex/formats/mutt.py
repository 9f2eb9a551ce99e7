"""mutt's query_command format: a status line, then address<TAB>name<TAB>label lines.

Both ways into ``rolodex mutt-query`` (the Typer command and the lean path that mail
clients hit on every keystroke) write their output here, so the two cannot drift apart.
"""

from __future__ import annotations

from rolodex.normalize import CONTROL


def _clean(text: str) -> str:
    """Tabs and newlines would break the line format, and controls the terminal (a name
    stored before imports cleaned them): mail clients get spaces."""
    return " ".join(CONTROL.sub(" ", text).split())


def query_output(query: str, found: list[tuple[str, str, str]], *, plain: bool) -> str:
    """The text to print for ``found`` (address, name, label) lines; ``plain`` leaves out
    the status line (aerc, alot). Empty when nothing was found: mutt says so itself."""
    if not found:
        return ""
    lines = [] if plain else [f"rolodex: {len(found)} address(es) for '{_clean(query)}'"]
    lines += [f"{_clean(a)}\t{_clean(n)}\t{_clean(i)}" for a, n, i in found]
    return "\n".join(lines) + "\n"
