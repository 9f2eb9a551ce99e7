"""Record sheets (ACT!'s contact report): everything about one contact or one company.

A sheet is a report whose sections are the record's parts. ``contact_sections`` and
``company_sections`` build the list in order; a new part (deals) is one more section
appended there, and every renderer shows it without further changes.
"""

from __future__ import annotations

from datetime import date, timedelta, tzinfo
from typing import Any

from rolodex.report_model import Report, Section
from rolodex.store.db import Database

EVENT_DAYS = 90  # how far ahead "upcoming events" looks

FIELD_COLUMNS = [("field", "Field"), ("value", "Value")]
HISTORY_COLUMNS = [("id", "ID"), ("at", "When"), ("kind", "Kind"), ("direction", "Direction"),
                   ("text", "What"), ("outcome", "Outcome"), ("contacts", "With"),
                   ("user", "Logged by")]
OPEN_TASK_COLUMNS = [("id", "ID"), ("title", "Task"), ("kind", "Kind"), ("due", "Due"),
                     ("priority", "Priority"), ("owner", "Owner"), ("contacts", "With")]
DONE_TASK_COLUMNS = [("id", "ID"), ("title", "Task"), ("kind", "Kind"), ("due", "Due"),
                     ("completed", "Completed"), ("owner", "Owner"), ("contacts", "With")]
EVENT_COLUMNS = [("id", "ID"), ("title", "Event"), ("start", "Start"), ("end", "End"),
                 ("location", "Where"), ("contacts", "With")]
CONTACT_FIELDS = ("id", "uid", "name", "prefix", "first_name", "middle_name", "last_name",
                  "suffix", "nickname", "company", "company_id", "title", "department",
                  "email", "phone", "birthday", "anniversary", "status", "source", "owner",
                  "cadence_days", "notes", "last_contacted", "created", "updated")
COMPANY_FIELDS = ("id", "uid", "name", "domain", "industry", "kind", "phone", "email",
                  "address", "website", "notes", "contacts", "created", "updated")


def contact_sheet(db: Database, contact_id: int, *, tz: tzinfo, today: date) -> Report:
    """The whole record of one contact, with its history, tasks and coming events."""
    name = db.execute("SELECT display_name FROM contacts WHERE id = ?",
                      (contact_id,)).fetchone()[0]
    return Report("contact", f"Contact: {name}",
                  contact_sections(db, contact_id, tz=tz, today=today),
                  notes=[f"events: the next {EVENT_DAYS} days"])


def contact_sections(db: Database, contact_id: int, *, tz: tzinfo, today: date
                     ) -> list[Section]:
    """The sections of a contact sheet, in order: the place to append more parts of a
    contact (a ``deals`` section)."""
    from rolodex.store.activity import deals, history, tasks
    from rolodex.store.people.contact_queries import fetch

    record = fetch(db, [contact_id])[0]
    open_ids = tasks.list_ids(db, status="open", contact_id=contact_id, tz=tz)
    done_ids = tasks.list_ids(db, status="done", contact_id=contact_id, tz=tz)
    return [
        _fields(record, CONTACT_FIELDS),
        _table("emails", "Emails", [("address", "Address"), ("label", "Label"),
                                    ("preferred", "Preferred")], record["emails"]),
        _table("phones", "Phones", [("number", "Number"), ("label", "Label"),
                                    ("preferred", "Preferred")], record["phones"]),
        _table("addresses", "Addresses", [
            ("street", "Street"), ("locality", "City"), ("region", "Region"),
            ("postcode", "Postcode"), ("country", "Country"), ("label", "Label"),
            ("preferred", "Preferred")], record["addresses"]),
        _table("urls", "Web addresses", [("url", "URL"), ("label", "Label"),
                                          ("preferred", "Preferred")], record["urls"]),
        _tags(record["tags"]),
        _custom(record["custom"]),
        _table("relationships", "Relationships", [("kind", "Kind"), ("contact_id", "ID"),
                                                  ("name", "Name")], record["relationships"]),
        _history(history.list_entries(db, contact_ids=[contact_id])),
        _open_tasks(tasks.fetch(db, open_ids, tz=tz)),
        _done_tasks(tasks.fetch(db, done_ids, tz=tz)),
        _events(db, {contact_id}, tz, today),
        _deals(db, deals.list_ids(db, status=None, contact_id=contact_id)),
    ]


def company_sheet(db: Database, company_id: int, *, tz: tzinfo, today: date) -> Report:
    """The whole record of one company, with its people and their history, tasks, events."""
    name = db.execute("SELECT name FROM companies WHERE id = ?", (company_id,)).fetchone()[0]
    return Report("company", f"Company: {name}",
                  company_sections(db, company_id, tz=tz, today=today),
                  notes=[f"events: the next {EVENT_DAYS} days"])


def company_sections(db: Database, company_id: int, *, tz: tzinfo, today: date
                     ) -> list[Section]:
    """The sections of a company sheet, in order (the place to append ``deals``). History
    and events are the company's and its people's; tasks, those of its people."""
    from rolodex.store.activity import deals, history, tasks
    from rolodex.store.people import companies
    from rolodex.store.people.contact_queries import fetch

    record = companies.fetch(db, [company_id])[0]
    people = fetch(db, companies.people(db, company_id))
    ids = {p["id"] for p in people}
    task_ids = _company_tasks(db, company_id)
    found = tasks.fetch(db, task_ids, tz=tz)
    return [
        _fields(record, COMPANY_FIELDS),
        _tags(record["tags"]),
        _custom(record["custom"]),
        _table("people", "People", [("id", "ID"), ("name", "Name"), ("title", "Title"),
                                    ("email", "Email"), ("phone", "Phone"),
                                    ("last_contacted", "Last contacted")], people),
        _history(history.list_entries(db, company_id=company_id)),
        _open_tasks([t for t in found if t["status"] == "open"]),
        _done_tasks([t for t in found if t["status"] == "done"]),
        _events(db, ids, tz, today),
        _deals(db, deals.list_ids(db, status=None, company_id=company_id)),
    ]


def _deals(db: Database, ids: list[int]) -> Section:
    """Every deal of the record, open or closed, soonest expected close first."""
    from rolodex.store.activity.deals import fetch

    return _table("deals", "Deals", [
        ("id", "ID"), ("title", "Deal"), ("stage", "Stage"), ("amount", "Amount"),
        ("currency", "Currency"), ("probability", "%"), ("close", "Close"),
        ("owner", "Owner")], fetch(db, ids))


def _fields(record: dict[str, Any], keys: tuple[str, ...]) -> Section:
    return Section("fields", "Fields", FIELD_COLUMNS,
                   [{"field": key, "value": record[key]} for key in keys], empty="no fields")


def _table(name: str, title: str, columns: list[tuple[str, str]],
           items: list[dict[str, Any]]) -> Section:
    rows = [{key: item.get(key) for key, _ in columns} for item in items]
    return Section(name, title, columns, rows, empty=f"no {title.lower()}")


def _tags(tags: list[str]) -> Section:
    return Section("tags", "Tags", [("tag", "Tag")], [{"tag": t} for t in tags],
                   empty="no tags")


def _custom(fields: dict[str, str]) -> Section:
    return Section("custom", "Custom fields", FIELD_COLUMNS,
                   [{"field": k, "value": v} for k, v in fields.items()],
                   empty="no custom fields")


def _names(people: list[dict[str, Any]]) -> str:
    return "; ".join(p["name"] for p in people)


def _history(entries: list[dict[str, Any]]) -> Section:
    rows = [{"id": e["id"], "at": e["at"], "kind": e["kind"], "direction": e["direction"],
             "text": e["text"], "outcome": e["outcome"],
             "contacts": _names(e["contacts"]) or e["company"], "user": e["user"]}
            for e in entries]
    return Section("history", "History, newest first", HISTORY_COLUMNS, rows,
                   empty="no history")


def _open_tasks(found: list[dict[str, Any]]) -> Section:
    rows = [{"id": t["id"], "title": t["title"], "kind": t["kind"], "due": t["due"],
             "priority": t["priority"], "owner": t["owner"], "contacts": _names(t["contacts"])}
            for t in found]
    return Section("open_tasks", "Open tasks", OPEN_TASK_COLUMNS, rows, empty="no open tasks")


def _done_tasks(found: list[dict[str, Any]]) -> Section:
    found = sorted(found, key=lambda t: t["completed"] or "", reverse=True)
    rows = [{"id": t["id"], "title": t["title"], "kind": t["kind"], "due": t["due"],
             "completed": t["completed"], "owner": t["owner"],
             "contacts": _names(t["contacts"])} for t in found]
    return Section("done_tasks", "Done tasks, latest first", DONE_TASK_COLUMNS, rows,
                   empty="no done tasks")


def _events(db: Database, people: set[int], tz: tzinfo, today: date) -> Section:
    from rolodex.store.activity.events import occurrences

    last = today + timedelta(days=EVENT_DAYS)
    if not people:
        found = []
    elif len(people) == 1:
        found = occurrences(db, today, last, tz, contact_id=next(iter(people)))
    else:
        found = occurrences(db, today, last, tz)
    rows = [{"id": o["id"], "title": o["title"], "start": o["start"], "end": o["end"],
             "location": o["location"], "contacts": _names(o["contacts"])}
            for o in found if any(c["id"] in people for c in o["contacts"])]
    return Section("events", f"Events in the next {EVENT_DAYS} days", EVENT_COLUMNS, rows,
                   empty="no upcoming events")


def _company_tasks(db: Database, company_id: int) -> list[int]:
    """Tasks for any of the company's people, soonest due first (undated last)."""
    return [r[0] for r in db.execute(
        """SELECT t.id FROM tasks t WHERE t.status IN ('open', 'done') AND t.id IN (
               SELECT tc.task_id FROM task_contacts tc JOIN contacts c ON c.id = tc.contact_id
               WHERE c.company_id = ?)
           ORDER BY t.due IS NULL, t.due, t.id""", (company_id,))]
