"""The marketing calendar: which campaign steps fall on which day, and for how many people.

Read only, and counted by SQL (a campaign may have 100,000 members): nothing here walks
the members in Python. Days before today show what the ledger recorded as sent that day
(its ``at``, as a local day); today and later show whom each step will be due for, the
way ``ledger.due`` picks them at a run (a start-anchored step on start + offset, an
entry-anchored one on each member's entry + offset), less those it was already sent to.
What is due but was not sent (a run that has not happened yet, a paused campaign) is
shown on today, as the agenda shows an overdue task.

It lives in the store, beside ``activity/anniversaries`` and ``activity/cadence``, because
both the agenda (``reports/``) and the iCalendar export (``sync/``) read it, and those two
floors do not import each other.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from rolodex.dates import to_utc_iso
from rolodex.store.db import Database

KEYS = ("date", "campaign_id", "campaign", "uid", "step", "kind", "label", "people",
        "paused")

# Sends grouped by step and UTC minute: every zone's offset is whole minutes, so each
# group falls on one local day, and a run's thousands of mails make a few groups.
_SENT = """
SELECT step_id, substr(at, 1, 16), count(*) FROM campaign_sends
WHERE status = 'sent' AND at IS NOT NULL AND at >= ? AND at < ?
GROUP BY step_id, substr(at, 1, 16)"""

# The members each step is still due for, by the day it is due (never before today).
_DUE = """
SELECT step_id, day, count(*) FROM (
  SELECT s.id AS step_id,
         max(date(coalesce(c.start, m.entered), '+' || s.offset_days || ' days'), :today)
           AS day
  FROM campaigns c
  JOIN campaign_steps s ON s.campaign_id = c.id
  JOIN campaign_members m ON m.campaign_id = c.id AND m.left IS NULL
  WHERE (c.start IS NULL OR m.entered <= max(date(c.start, '+' || s.offset_days || ' days'),
                                              substr(c.created, 1, 10)))
    AND NOT EXISTS (SELECT 1 FROM campaign_sends d
                    WHERE d.step_id = s.id AND d.contact_id = m.contact_id))
WHERE day >= :first AND (:last IS NULL OR day <= :last)
GROUP BY step_id, day"""

_STEPS = """
SELECT s.id, s.position, s.kind, s.subject, s.body, s.source, c.id AS campaign_id,
       c.name, c.uid, c.status
FROM campaign_steps s JOIN campaigns c ON c.id = s.campaign_id"""


def planned(db: Database, first: date | None, last: date | None, tz: tzinfo,
            today: date) -> list[dict[str, Any]]:
    """One item per (day, campaign, step) from ``first`` to ``last`` (either may be open),
    with every key of ``KEYS``: ``people`` sent to (past days) or still to reach (today
    and later), ``paused`` for a paused campaign's, ``label`` the mail's subject, the
    task's title or the letter's file. Ordered by day, campaign name, step."""
    if first is not None and last is not None and last < first:
        return []
    counts: dict[tuple[str, int], int] = {}
    if first is None or first < today:
        end = today if last is None else min(last + timedelta(days=1), today)
        _count_sent(db, counts, first, end, tz)
    if last is None or last >= today:
        start = today if first is None else max(first, today)
        for step_id, day, people in db.execute(_DUE, {
                "today": today.isoformat(), "first": start.isoformat(),
                "last": last.isoformat() if last else None}):
            counts[(day, step_id)] = counts.get((day, step_id), 0) + people
    if not counts:
        return []
    steps = {row["id"]: row for row in db.query(_STEPS)}
    items = [_item(day, steps[step_id], people)
             for (day, step_id), people in counts.items() if step_id in steps]
    items.sort(key=lambda i: (i["date"], i["campaign"].casefold(), i["step"]))
    return items


def _count_sent(db: Database, counts: dict[tuple[str, int], int], first: date | None,
                end: date, tz: tzinfo) -> None:
    """Add the sends of local days ``first`` (open: the first ever) to before ``end``."""
    lo = to_utc_iso(datetime.combine(first, time(), tz)) if first else ""
    hi = to_utc_iso(datetime.combine(end, time(), tz))
    for step_id, minute, people in db.execute(_SENT, (lo, hi)):
        try:
            moment = datetime.fromisoformat(minute).replace(tzinfo=UTC)
        except ValueError:  # not a time rolodex wrote: not on any day
            continue
        day = moment.astimezone(tz).date().isoformat()
        counts[(day, step_id)] = counts.get((day, step_id), 0) + people


def _item(day: str, step: Any, people: int) -> dict[str, Any]:
    label = {"mail": step["subject"] or step["source"], "task": step["body"],
             "letter": step["source"]}.get(step["kind"])
    return {"date": day, "campaign_id": step["campaign_id"], "campaign": step["name"],
            "uid": step["uid"], "step": step["position"], "kind": step["kind"],
            "label": label or step["kind"], "people": people,
            "paused": step["status"] == "paused"}


def title(item: dict[str, Any]) -> str:
    """How the agenda, the grid and a calendar app show the item, in one line:
    ``winter-offer step 1: mail 'Winter offer' to 120 people (paused)``."""
    label = " ".join(str(item["label"]).split())[:80]
    people = f"{item['people']} {'person' if item['people'] == 1 else 'people'}"
    return (f"{item['campaign']} step {item['step']}: {item['kind']} '{label}' to {people}"
            + (" (paused)" if item["paused"] else ""))
