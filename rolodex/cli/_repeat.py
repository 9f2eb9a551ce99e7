"""What ``event`` and ``task`` say about a repeat rule as it is typed."""

from __future__ import annotations

from datetime import date, datetime

from rolodex.cli._output import message


def warn_short_months(rule: str | None, start: date | datetime | None) -> None:
    """A line on stderr when the series skips months (or years) that lack its day, with
    the --repeat that does what was probably meant: never a silent gap."""
    if rule and start is not None:
        from rolodex.recurrence_gaps import short_month_warning

        warning = short_month_warning(rule, start)
        if warning:
            message(f"warning: {warning}")
