"""The iCalendar side of ``import``, ``export --format ical`` and ``calendar feed``."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from rolodex.cli._context import state
from rolodex.cli._output import message
from rolodex.errors import InvalidInput

FEED_DAYS = 90  # how far ahead a subscribed feed looks
GROUPED = 3  # more components skipped for one reason than this: one line says how many


def show_calendar(report) -> None:
    """The calendar part of an import's messages (``CalendarReport``)."""
    dry_run = report.dry_run
    reasons = Counter(problem.reason for problem in report.skipped)
    for problem in report.skipped:
        if reasons[problem.reason] <= GROUPED:
            message(f"  not imported {problem.source}: component {problem.index}, line "
                    f"{problem.line}: {problem.reason}")
    for reason, count in reasons.items():
        if count > GROUPED:  # a round trip skips every birthday: one line, not hundreds
            message(f"  not imported {count} components: {reason}")
    for problem in report.warnings:
        message(f"  warning {problem.source}: component {problem.index}, line "
                f"{problem.line}: {problem.reason}")
    for clash in report.conflicts:
        message(f"  conflict {clash['kind']} {clash['title']} ({clash['source']}, component "
                f"{clash['index']}): {clash['field']}: kept {clash['local']!r}, file says "
                f"{clash['value']!r}")
    for problem in report.failed:
        message(f"  skipped {problem.source}: component {problem.index}, line {problem.line}: "
                f"{problem.reason}")
    if report.unknown_people:
        message(f"  not in rolodex (use --create-contacts): {', '.join(report.unknown_people)}")
    for person in report.new_contacts:
        message(f"  added contact #{person['id']} {person['name']} <{person['email']}>")
    for dupe in report.duplicates:
        message(f"  {dupe['name']}: new #{dupe['id']} looks like #{dupe['duplicate_id']} "
                f"{dupe['duplicate_name']} ({dupe['why']})")
    message(("would import" if dry_run else "imported") + " calendar: "
            f"{report.events_new} new, {report.events_updated} updated, "
            f"{report.events_unchanged} unchanged event(s); {report.tasks_new} new, "
            f"{report.tasks_updated} updated, {report.tasks_unchanged} unchanged task(s); "
            + (f"{report.history_new} new, {report.history_updated} updated, "
               f"{report.history_unchanged} unchanged history entries; "
               if report.history_new + report.history_updated + report.history_unchanged
               else "")
            + (f"{len(report.new_contacts)} new contact(s); " if report.new_contacts else "")
            + f"{len(report.skipped)} skipped, {len(report.failed)} failed"
            + (f", {len(report.conflicts)} conflict(s) kept as they were"
               if report.conflicts else "")
            + (" (dry run: nothing written)" if dry_run else ""))


def export_calendar(output: str, what: str, first: str | None, last: str | None) -> None:
    from rolodex.sync.calendar_components import WHAT
    from rolodex.sync.calendar_export import write_calendar

    chosen = {w.strip() for w in what.split(",") if w.strip()}
    unknown = chosen - set(WHAT)
    if unknown or not chosen:
        raise InvalidInput(f"--what takes {', '.join(WHAT)}, not '{what}'")
    start = state.day(first) if first else None
    end = state.day(last) if last else None
    if start and end and end < start:
        raise InvalidInput("--to is before --from")
    left_out: list[str] = []
    count = write_calendar(state.db(), output, what=chosen, first=start, last=end,
                           tz=state.zone(), left_out=left_out)
    for reason in left_out:
        message(f"  warning: {reason}")
    message(f"exported {count} calendar item(s)" + (f" to {output}" if output != "-" else ""))


def feed(output: str) -> None:
    """One .ics of what is coming up, for a calendar app to subscribe to."""
    today = state.today()
    export_calendar(output, "events,tasks,birthdays,followups,campaigns", today.isoformat(),
                    (today + timedelta(days=FEED_DAYS)).isoformat())
