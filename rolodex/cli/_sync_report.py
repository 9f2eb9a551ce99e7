"""How a sync reads on a terminal: a progress bar for long ones, and each collection's
summary (counts, notes, conflicts, what was skipped) on stderr."""

from __future__ import annotations

import sys

from rolodex.cli._context import say
from rolodex.cli._output import one_line


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
