"""How a sync reads on a terminal: a progress bar for long ones, and each collection's
summary (counts, notes, conflicts, what was skipped) on stderr."""

from __future__ import annotations

import sys

from rolodex.cli._context import say
from rolodex.cli._output import Column, one_line
from rolodex.cli._views import when_text

RUN_COLUMNS = (
    Column("account", "Account", priority=0), Column("kind", "Kind", priority=0),
    Column("downloaded", "In", priority=1), Column("updated_here", "Upd. here", priority=2),
    Column("deleted_here", "Del. here", priority=2), Column("uploaded", "Out", priority=1),
    Column("updated_there", "Upd. there", priority=2),
    Column("deleted_there", "Del. there", priority=2), Column("merged", "Merged", priority=3),
    Column("conflicts", "Conflicts", show=lambda r: str(len(r["conflicts"])), priority=1),
)
LIST_COLUMNS = (
    Column("name", "Name", priority=0), Column("kind", "Kind", priority=2),
    Column("location", "Where", priority=1),
    Column("collections", "Syncs", show=lambda r: ", ".join(r["collections"]), priority=3))
LIST_KEYS = ("name", "kind", "location", "username", "password_command", "insecure",
             "collections", "created")
STATUS_COLUMNS = (
    Column("account", "Account", priority=0), Column("kind", "Kind", priority=0),
    Column("location", "Where", priority=4),
    Column("last_sync", "Last sync", show=lambda r: when_text(r["last_sync"]), no_wrap=True,
           priority=1),
    Column("items", "Items", priority=2), Column("pending", "Changed here", priority=2),
    Column("conflicts", "Conflicts", priority=1))
STATUS_KEYS = ("account", "kind", "location", "last_sync", "items", "pending", "conflicts")
CONFLICT_COLUMNS = (
    Column("id", "#", priority=0), Column("account", "Account", priority=3),
    Column("name", "Record", priority=0), Column("field", "Field", priority=1),
    Column("local", "Kept here", priority=1), Column("remote", "The other side", priority=1),
    Column("at", "At", show=lambda r: when_text(r["at"]), no_wrap=True, priority=4))
CONFLICT_KEYS = ("id", "account", "uid", "contact_id", "name", "field", "local", "remote", "at")


class ProgressBar:
    """A Rich progress bar on stderr for a long sync at a terminal; otherwise nothing."""

    AT = 500  # items from which a terminal gets one

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, total: int):
        self.close()
        if total < self.AT or not sys.stderr.isatty():
            return None
        from rich.progress import Progress

        from rolodex.cli._output import console

        self.bar = Progress(console=console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task("syncing", total=total)
        return lambda: self.bar.advance(task)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def say_report(report) -> None:
    """The summary of one collection's sync on stderr: counts, notes, conflicts, skips."""
    counts = report.counts()
    done = ", ".join(f"{n} {a.replace('_', ' ')}" for a, n in counts.items() if n)
    would = "would be " if report.dry_run else ""
    which = "" if report.kind == "contacts" else f" {report.kind}"
    if report.kind in ("companies", "groups") and not (done or report.skipped):
        return  # the address book's line says it already: "nothing to do"
    say(f"{report.account}{which}: {would + done if done else 'nothing to do'}"
        + (f", {len(report.conflicts)} conflicts (rolodex sync conflicts)"
           if report.conflicts else ""))
    for item in report.items:
        if item["note"]:
            say(f"  {item['action'].replace('_', ' ')}: {item['name'] or item['uid']}: "
                f"{item['note']}")
    for conflict in report.conflicts:
        say(f"  conflict: {conflict['name']}: {conflict['field']}: kept "
            f"{one_line(str(conflict['local']))}, the other side says "
            f"{one_line(str(conflict['remote']))}")
    for skipped in report.skipped:
        say(f"  skipped {skipped['href']}: {skipped['reason']}")
