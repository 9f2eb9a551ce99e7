"""The agenda: events, tasks, follow-ups, birthdays, anniversaries and campaign steps,
day by day."""

from __future__ import annotations

from datetime import date, timedelta, tzinfo
from typing import Any

from rolodex.dates import from_utc_iso, now
from rolodex.store.activity import events, tasks
from rolodex.store.activity.anniversaries import anniversaries
from rolodex.store.activity.cadence import due_rows
from rolodex.store.campaigns.calendar_days import planned
from rolodex.store.campaigns.calendar_days import title as campaign_title
from rolodex.store.db import Database

TYPE_ORDER = {"birthday": 0, "anniversary": 1, "event": 2, "task": 3, "followup": 4,
              "campaign": 5}
# Every item carries every key (null where it does not apply), so the JSON shape is fixed.
KEYS = ("type", "date", "time", "title", "id", "contacts", "start", "end", "location", "due",
        "overdue", "priority", "days_overdue", "years", "campaign", "step", "step_kind",
        "people", "paused")


def _local(text: str, tz: tzinfo) -> tuple[date, str | None]:
    """A stored date or instant as a local day and 'HH:MM' (None for all-day)."""
    if len(text) == 10:
        return date.fromisoformat(text), None
    moment = from_utc_iso(text).astimezone(tz)
    return moment.date(), moment.strftime("%H:%M")


def _event_days(occ: dict, tz: tzinfo) -> list[tuple[date, str | None]]:
    """Each local day an occurrence covers: the first with its start time, later ones
    (a multi-day event) as all-day."""
    day, clock = _local(occ["start"], tz)
    if len(occ["end"]) == 10:
        last = date.fromisoformat(occ["end"]) - timedelta(days=1)  # all-day end is exclusive
    else:
        end = from_utc_iso(occ["end"]).astimezone(tz) - timedelta(microseconds=1)
        last = max(end.date(), day)
    return [(d, clock if d == day else None) for d in _days(day, last)]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def agenda(db: Database, first: date, last: date, tz: tzinfo, today: date) -> list[dict]:
    """Every agenda item from ``first`` to ``last``; overdue tasks and follow-ups are shown
    on ``today`` (with how late they are) when the window includes it.

    Each item is built with every key of ``KEYS`` in order (tens of thousands of them at
    100,000 contacts: no second pass to reshape them)."""
    return _agenda(db, first, last, tz, today, None)[0]


def agenda_for_people(db: Database, first: date, last: date, tz: tzinfo, today: date,
                      most_late: int) -> tuple[list[dict], int]:
    """``agenda`` as a person reads it: of the tasks and people already late, only the
    ``most_late`` most urgent (as ``followups`` orders them; 0: no follow-ups at all, nor
    late tasks); returns the items and how many late ones were left out."""
    return _agenda(db, first, last, tz, today, most_late)


def _late(db: Database, today: date, tz: tzinfo, most: int, people: list[tuple]
          ) -> tuple[set, set, int]:
    """The ids of the ``most`` most urgent late tasks and people (``people``: the
    agenda's ``due_rows``), and how many late ones there are beyond them."""
    from rolodex.reports.followups import most_urgent

    if most == 0:  # none wanted (the dashboard's agenda): nothing to work out
        return set(), set(), 0
    yesterday = today - timedelta(days=1)
    items, total = most_urgent(db, yesterday, tz, most, people)
    tasks_kept = {i["id"] for i in items if i["type"] == "task"}
    people_kept = {i["id"] for i in items if i["type"] == "followup"}
    return tasks_kept, people_kept, total - len(items)


def _agenda(db: Database, first: date, last: date, tz: tzinfo, today: date,
            most_late: int | None) -> tuple[list[dict], int]:
    items: list[dict[str, Any]] = []
    for occ in events.occurrences(db, first, last, tz):
        for day, clock in _event_days(occ, tz):
            if first <= day <= last:
                items.append(_item("event", day.isoformat(), clock, occ["title"], occ["id"],
                                   occ["contacts"], start=occ["start"], end=occ["end"],
                                   location=occ["location"]))
    overdue_first = first <= today <= last
    today_text = today.isoformat()
    hidden = 0
    late_tasks: set[int] | None = None
    late_people: set[int] | None = None
    # most_late 0: no follow-ups at all (the dashboard lists them in a section of its own)
    people = list(due_rows(db, last, tz)) if most_late != 0 else []
    if overdue_first and most_late is not None:
        late_tasks, late_people, hidden = _late(db, today, tz, most_late, people)
    window = today if late_tasks is not None else (None if overdue_first else first)
    late = tasks.due_brief(db, first=None, last=today - timedelta(days=1), tz=tz,
                           most=most_late) if late_tasks is not None else []
    for task in [t for t in late if t["id"] in late_tasks] + \
            tasks.due_brief(db, first=window, last=last, tz=tz):
        if len(task["due"]) == 10:  # a day, 'YYYY-MM-DD': its text orders as the day does
            clock, text = None, max(task["due"], today_text) if overdue_first else task["due"]
        else:
            day, clock = _local(task["due"], tz)
            text = (max(day, today) if overdue_first else day).isoformat()
        items.append({"type": "task", "date": text, "time": clock, "title": task["title"],
                      "id": task["id"], "contacts": task["contacts"], "start": None,
                      "end": None, "location": None, "due": task["due"],
                      "overdue": task["overdue"], "priority": task["priority"],
                      "days_overdue": None, "years": None, "campaign": None, "step": None,
                      "step_kind": None, "people": None, "paused": None})
    current = now().astimezone(tz).date()  # how late: as of now, whatever ``today`` says
    for contact_id, name, _last, _every, day in people:
        if day < first and not overdue_first:
            continue
        if late_people is not None and day < today and contact_id not in late_people:
            continue
        due = day.isoformat()
        shown = (today_text if day < today else due) if overdue_first else due
        items.append({"type": "followup", "date": shown, "time": None,
                      "title": f"Get in touch with {name}", "id": contact_id,
                      "contacts": [{"id": contact_id, "name": name}], "start": None,
                      "end": None, "location": None, "due": due, "overdue": None,
                      "priority": None, "days_overdue": (current - day).days, "years": None,
                      "campaign": None, "step": None, "step_kind": None, "people": None,
                      "paused": None})
    items += [_item(a["type"], a["date"], None, a["title"], a["id"], a["contacts"],
                    years=a["years"]) for a in anniversaries(db, first, last)]
    items += [_item("campaign", c["date"], None, campaign_title(c), c["campaign_id"], [],
                    campaign=c["campaign"], step=c["step"], step_kind=c["kind"],
                    people=c["people"], paused=c["paused"])
              for c in planned(db, first, last, tz, today)]
    items.sort(key=lambda i: (i["date"], i["time"] is not None, i["time"] or "",
                              TYPE_ORDER[i["type"]], i["title"].casefold()))
    return items, hidden


def _item(kind: str, day: str, clock: str | None, title: str, item_id: int,
          contacts: list[dict], **extra: Any) -> dict[str, Any]:
    """An agenda item with every key of ``KEYS``, null where it does not apply."""
    item = dict.fromkeys(KEYS)
    item.update(type=kind, date=day, time=clock, title=title, id=item_id, contacts=contacts,
                **extra)
    return item
