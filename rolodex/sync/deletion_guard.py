"""The deletion guards of a sync (as vdirsyncer's): a sync that would delete more than
half of a collection's items on either side, or finds one side empty and the other not,
stops before it changes anything, unless forced. A folder emptied by mistake, a wrong URL
or a disk not mounted must not take every record with it."""

from __future__ import annotations

from rolodex.errors import Aborted

MASS_DELETION_MIN = 5  # not for a handful of items


class TooManyDeletions(Aborted):
    """The guard stopped a sync: on a terminal ``rolodex sync`` asks whether to go on."""


def check_deletions(status: dict[str, dict], fetched: dict, remote_gone: set[str],
                    local_changed: dict[str, str], local_gone: set[str], *,
                    emptied: str | None, noun: str, where: str) -> None:
    """Aborted (exit 9) when the sync planned from these would delete too much;
    ``emptied``: the side found empty (None: neither), ``noun``: what the items are."""
    owned = {uid for uid, row in status.items() if row["local_id"] is not None}
    here = [u for u in remote_gone if u in owned and u not in local_changed
            and u not in local_gone]
    there = [u for u in local_gone if u not in fetched and u not in remote_gone]
    total = len(owned)
    worst = max(len(here), len(there))
    if not total:
        return
    if emptied is not None:
        raise TooManyDeletions(f"{emptied} is empty now: this sync would delete all {total} {noun}"
                      " on the other side",
                      hint="check the folder or server; --force syncs anyway")
    if total > MASS_DELETION_MIN and worst * 2 > total:
        side = "here" if len(here) >= len(there) else f"in {where}"
        raise TooManyDeletions(f"this sync would delete {worst} of {total} {noun} {side}",
                      hint="check the folder or server; --force syncs anyway")
