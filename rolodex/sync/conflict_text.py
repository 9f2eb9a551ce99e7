"""Sync conflicts as a text to settle in an editor (``rolodex sync conflicts --edit``):
one block per conflict with both values and a ``keep:`` line the user sets to ``local``
or ``remote``. A block left undecided (``keep: ?``) or deleted stays open. Reading the
text back is strict about what it understands and says which line it did not.
"""

from __future__ import annotations

import re
from typing import Any

from rolodex.errors import InvalidInput

HEADER = """\
# rolodex sync conflicts: a field changed differently here and on the far side.
# For each one, write 'keep: local' (your value, which the far side got already) or
# 'keep: remote' (the far side's value, sent on at the next sync). A block left
# undecided (?) or deleted stays open. Lines starting with # are ignored.
"""
_BLOCK = re.compile(r"^\[(\d+)\]")
_KEEP = re.compile(r"^keep:\s*(\S*)\s*$")


def render(conflicts: list[dict[str, Any]]) -> str:
    """The editor's text for these conflicts (``sync_state.conflicts``' shape)."""
    from rolodex.normalize import CONTROL

    def shown(value: Any) -> str:
        text = value if isinstance(value, str) else ", ".join(map(str, value)) \
            if isinstance(value, list) else "" if value is None else str(value)
        return CONTROL.sub("?", text.replace("\n", " / "))

    blocks = [HEADER]
    for row in conflicts:
        who = shown(row["name"] or row["uid"])
        blocks.append(f"[{row['id']}] {who} · {shown(row['field'])} ({shown(row['account'])})\n"
                      f"local:  {shown(row['local'])}\nremote: {shown(row['remote'])}\n"
                      "keep: ?\n")
    return "\n".join(blocks)


def choices(text: str, known: set[int]) -> dict[int, str]:
    """Conflict id -> 'local' or 'remote' for each block whose keep line was set.
    InvalidInput (naming the line) for a keep that is neither, or a block of no open
    conflict."""
    found: dict[int, str] = {}
    current: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if block := _BLOCK.match(line):
            current = int(block[1])
            if current not in known:
                raise InvalidInput(f"line {number}: there is no open conflict [{current}]")
            continue
        keep = _KEEP.match(line)
        if keep is None or current is None:
            continue  # the values shown: nothing to read
        value = keep[1].lower()
        if value in ("local", "remote"):
            found[current] = value
        elif value not in ("", "?"):
            raise InvalidInput(f"line {number}: keep is local or remote, not '{keep[1]}'",
                               hint="nothing was settled; run the command again")
    return found
