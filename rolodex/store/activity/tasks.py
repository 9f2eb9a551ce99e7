"""Tasks and follow-ups (ACT! activities), with the complete -> history -> follow-up loop."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from rolodex.dates import from_utc_iso, now, to_utc_iso
from rolodex.errors import InvalidInput, NotFound
from rolodex.store import journal, records, when
from rolodex.store.activity import history
from rolodex.store.db import Database

PRIORITIES = ("low", "normal", "high")
STATUSES = ("open", "done", "cancelled")
KINDS = ("todo", "call", "meeting", "email")
# The history kind a completed task is recorded as.
HISTORY_KIND = {"call": "call", "meeting": "meeting", "email": "email", "todo": "note"}
FOLLOW_UP = "Follow up: "


def _check(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "title" in out:
        out["title"] = records.clean(out["title"])
        if not out["title"]:
            raise InvalidInput("a task needs a title")
    if out.get("priority") is not None and out["priority"] not in PRIORITIES:
        raise InvalidInput(f"unknown priority '{out['priority']}'",
                           hint=f"use one of: {', '.join(PRIORITIES)}")
    if out.get("kind") is not None and out["kind"] not in KINDS:
        raise InvalidInput(f"unknown task kind '{out['kind']}'",
                           hint=f"use one of: {', '.join(KINDS)}")
    if "due" in out:
        out["due"] = when.encode(out["due"])
    if "categories" in out:
        out["categories"] = json.dumps(list(out["categories"])) if out["categories"] else None
    if "completed" in out and isinstance(out["completed"], datetime):
        out["completed"] = to_utc_iso(out["completed"])
    if out.get("status") is not None and out["status"] not in STATUSES:
        raise InvalidInput(f"unknown task status '{out['status']}'")
    return out


def get_row(db: Database, task_id: int) -> Any:
    row = db.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
    if row is None:
        raise NotFound(f"no task #{task_id}", hint="'rolodex task list --all' shows every task")
    return row


def add_task(db: Database, title: str, *, contact_ids: Sequence[int] = (),
             due: date | datetime | None = None, priority: str = "normal", kind: str = "todo",
             rrule: str | None = None, notes: str | None = None, owner: str | None = None,
             previous_id: int | None = None, series_start: str | None = None,
             uid: str | None = None, categories: Sequence[str] = (), raw: str | None = None
             ) -> int:
    """Create an open task for some contacts; a repeating one needs a due date."""
    if rrule and due is None:
        raise InvalidInput("a repeating task needs --due: the first time it is due")
    row = _check({"title": title, "due": due, "priority": priority, "kind": kind})
    stamp = records.timestamp()
    with db.write(f"add task {row['title']}"):
        task_id = journal.insert(db, "tasks", {
            "uid": uid or records.new_uid(), **row, "status": "open", "rrule": rrule,
            "categories": json.dumps(list(categories)) if categories else None, "raw": raw,
            "series_start": series_start or (row["due"] if rrule else None),
            "notes": records.clean(notes), "owner": records.clean(owner),
            "previous_id": previous_id, "created": stamp, "updated": stamp})
        for contact_id in dict.fromkeys(contact_ids):
            journal.insert(db, "task_contacts", {"task_id": task_id, "contact_id": contact_id})
    return task_id


def contacts_of(db: Database, task_ids: list[int]) -> dict[int, list[dict]]:
    return records.linked_contacts(db, "task_contacts", "task_id", task_ids)


def update_task(db: Database, task_id: int, values: dict[str, Any], *,
                add_contacts: Sequence[int] = (), remove_contacts: Sequence[int] = ()) -> None:
    old = get_row(db, task_id)
    row = _check(values)
    if row.get("rrule") and not (row.get("due") or old["due"]):
        raise InvalidInput("a repeating task needs a due date")
    if "rrule" in row:
        row["series_start"] = (row.get("due") or old["due"]) if row["rrule"] else None
    with db.write(f"edit task #{task_id}"):
        journal.update(db, "tasks", task_id, {**row, "updated": records.timestamp()})
        records.relink(db, "task_contacts", "task_id", task_id, add_contacts,
                       remove_contacts)


def set_status(db: Database, task_id: int, status: str) -> None:
    """Reopen (``open``) or cancel (``cancelled``) a task."""
    get_row(db, task_id)
    with db.write(f"{status} task #{task_id}"):
        journal.update(db, "tasks", task_id, {
            "status": status, "completed": None, "updated": records.timestamp()})


def delete_task(db: Database, task_id: int) -> None:
    get_row(db, task_id)
    with db.write(f"delete task #{task_id}"):
        journal.delete(db, "tasks", task_id)  # links go, follow-ups and history unlinked


@dataclass
class Completion:
    """What ``task done`` did: the history entry, the follow-up, the next repetition."""

    task_id: int
    history_id: int | None
    follow_up_id: int | None
    next_id: int | None


def complete_many(db: Database, task_ids: Sequence[int], **options: Any) -> list[Completion]:
    """``complete`` for several tasks in one operation (one ``undo`` takes it back)."""
    with db.write(f"complete {len(task_ids)} tasks"):
        return [complete(db, task_id, **options) for task_id in task_ids]


def log_with_follow_up(db: Database, people: Sequence[int], kind: str, *,
                       follow_up: date | datetime | None = None, **entry: Any
                       ) -> tuple[int, int | None]:
    """Log a history entry (``history.log``) and, with ``follow_up``, a follow-up task for
    the same people, in one operation: (entry id, task id or None)."""
    with db.write(f"log {kind}"):
        entry_id = history.log(db, people, kind, **entry)
        if follow_up is None:
            return entry_id, None
        text = entry.get("text")
        task_id = add_task(db, FOLLOW_UP + (text or kind).splitlines()[0][:80],
                           contact_ids=people, due=follow_up,
                           kind=kind if kind in KINDS else "todo")
        return entry_id, task_id


def complete(db: Database, task_id: int, *, outcome: str | None = None,
             follow_up: date | datetime | None = None, record_history: bool = True,
             tz: tzinfo | None = None) -> Completion:
    """Close a task; record it in its contacts' history; schedule what comes next.

    The ACT! loop in one transaction: the history entry (kind from the task, text from its
    title and the outcome), a follow-up task for the same people when asked, and for a
    repeating task its next occurrence.
    """
    task = get_row(db, task_id)
    if task["status"] == "done":
        raise InvalidInput(f"task #{task_id} is already done",
                           hint="'rolodex task reopen' opens it again")
    people = [c["id"] for c in contacts_of(db, [task_id])[task_id]]
    at = now()
    with db.write(f"complete task #{task_id}"):
        journal.update(db, "tasks", task_id, {"status": "done", "completed": to_utc_iso(at),
                                              "updated": to_utc_iso(at)})
        history_id = None
        if record_history and people:
            text = task["title"] + (f": {outcome.strip()}" if outcome and outcome.strip() else "")
            history_id = history.log(db, people, HISTORY_KIND.get(task["kind"], "note"), at=at,
                                     text=text, outcome=outcome, task_id=task_id,
                                     check=False)
        follow_up_id = None
        if follow_up is not None:
            title = task["title"] if task["title"].startswith(FOLLOW_UP) else \
                FOLLOW_UP + task["title"]
            follow_up_id = add_task(db, title, contact_ids=people, due=follow_up,
                                    priority=task["priority"], kind=task["kind"],
                                    owner=task["owner"], previous_id=task_id)
        next_id = _repeat(db, task, people, tz)
    return Completion(task_id, history_id, follow_up_id, next_id)


def _repeat(db: Database, task: Any, people: list[int], tz: tzinfo | None) -> int | None:
    if not task["rrule"] or not task["due"]:
        return None
    from rolodex.recurrence import next_after

    start = when.decode(task["series_start"] or task["due"], tz)
    due = next_after(task["rrule"], start, when.decode(task["due"], tz), tz=tz)
    if due is None:
        return None
    return add_task(db, task["title"], contact_ids=people, due=due, priority=task["priority"],
                    kind=task["kind"], rrule=task["rrule"], notes=task["notes"],
                    owner=task["owner"], previous_id=task["id"],
                    series_start=task["series_start"])


def list_ids(db: Database, *, status: str | None = "open", first: date | None = None,
             last: date | None = None, overdue_at: datetime | None = None,
             contact_id: int | None = None, owner: str | None = None, tz: tzinfo,
             limit: int | None = None) -> list[int]:
    """Task ids by status, due window (local days), overdue-ness, contact and owner.

    Ordered by due (undated last), then priority (high first).
    """
    where, params = ["1"], []
    if status:
        where.append("status = ?")
        params.append(status)
    if first is not None or last is not None:
        sql, values = when.window_sql("due", first, last, tz)
        where.append(f"due IS NOT NULL AND {sql}")
        params += values
    if overdue_at is not None:
        today = overdue_at.astimezone(tz).date()
        where.append("status = 'open' AND ((length(due) = 10 AND due < ?)"
                     " OR (length(due) > 10 AND due < ?))")
        params += [today.isoformat(), to_utc_iso(overdue_at)]
    if contact_id is not None:
        where.append("id IN (SELECT task_id FROM task_contacts WHERE contact_id = ?)")
        params.append(contact_id)
    if owner:
        where.append("owner = ?")
        params.append(owner)
    sql = (f"SELECT id FROM tasks WHERE {' AND '.join(where)} ORDER BY due IS NULL, due,"
           f" CASE priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END, id")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [r[0] for r in db.execute(sql, params)]


_PRIORITY_RANK = {"high": 0, "normal": 1}  # as list_ids orders them; anything else is 2


def due_brief(db: Database, *, first: date | None, last: date, tz: tzinfo,
              most: int | None = None) -> list[dict[str, Any]]:
    """Open tasks due from ``first`` (None: any time before) to ``last``, in the order of
    ``list_ids``, with only what the agenda and follow-ups show of them: id, title, due,
    priority, overdue, contacts. Two queries in all, for the tens of thousands of tasks
    those lists can hold; with ``most``, only the ``most`` due soonest (and the others
    due the same local day), read through the index in due order and no further."""
    sql, values = when.window_sql("due", first, last, tz)
    where = f"status = 'open' AND due IS NOT NULL AND {sql}"
    query = f"SELECT id, title, due, priority FROM tasks WHERE {where}"
    if most is None:
        rows = records.tuples(db, query, values).fetchall()
    else:
        rows = _soonest(records.tuples(db, query + " ORDER BY due", values), most, tz)
    rows.sort(key=lambda r: (r[2], _PRIORITY_RANK.get(r[3], 2), r[0]))
    people: dict[int, list[dict]] = {}
    chosen = f"SELECT id FROM tasks WHERE {where}" if most is None else \
        "SELECT value FROM json_each(?)"
    params = values if most is None else [json.dumps([r[0] for r in rows])]
    for task_id, contact_id, name in records.tuples(
            db, f"SELECT l.task_id, c.id, c.display_name FROM task_contacts l JOIN contacts c"
            f" ON c.id = l.contact_id WHERE l.task_id IN ({chosen}) ORDER BY l.id", params):
        people.setdefault(task_id, []).append({"id": contact_id, "name": name})
    current = now()
    today = current.astimezone(tz).date().isoformat()  # days compare as their text
    return [{"id": task_id, "title": title, "due": due, "priority": priority,
             "overdue": due < today if len(due) == 10 else from_utc_iso(due) < current,
             "contacts": people.get(task_id, [])}
            for task_id, title, due, priority in rows]


def _soonest(cursor: Any, most: int, tz: tzinfo) -> list[tuple]:
    """The first ``most`` rows of a cursor in due order, and every later one due on the
    same local day as the last of them. A due instant's local day is within a day of its
    UTC date, so reading stops two days of text past it."""
    local = when.LocalDays(tz)
    rows: list[tuple] = []
    last_day: date | None = None
    for row in cursor:
        due = row[2]
        if last_day is not None and due[:10] > (last_day + timedelta(days=2)).isoformat():
            break
        rows.append(row)
        if last_day is None and len(rows) >= most:
            last_day = max(_local_day(r[2], local) for r in rows)
    if last_day is None:
        return rows
    ordered = sorted(rows, key=lambda r: _local_day(r[2], local))
    cut = _local_day(ordered[most - 1][2], local)
    return [r for r in rows if _local_day(r[2], local) <= cut]


def _local_day(due: str, local: Any) -> date:
    return date.fromisoformat(due) if len(due) == 10 else local(due)


def count_due(db: Database, *, last: date, tz: tzinfo) -> int:
    """How many open tasks are due by ``last`` (overdue ones included): the index counts."""
    sql, values = when.window_sql("due", None, last, tz)
    return db.execute(f"SELECT count(*) FROM tasks WHERE status = 'open' AND due IS NOT"
                      f" NULL AND {sql}", values).fetchone()[0]


KEYS = ("id", "uid", "title", "kind", "due", "all_day", "status", "priority", "overdue",
        "rrule", "contacts", "notes", "owner", "completed", "previous_id", "categories",
        "created", "updated", "campaign")

# The campaign whose step created each task: one pass over the ledger for a whole listing
# (it has no index on task_id, and a listing should not scan it once per batch).
_CAMPAIGNS = """SELECT d.task_id, c.name FROM campaign_sends d
    JOIN campaigns c ON c.id = d.campaign_id
    WHERE d.task_id IN (SELECT value FROM json_each(?))"""


_FETCHED = ("id, uid, title, kind, due, status, priority, rrule, notes, owner, completed,"
            " previous_id, categories, created, updated")


def fetch(db: Database, ids: list[int], *, tz: tzinfo) -> list[dict[str, Any]]:
    """Full records for ``ids`` in that order: the documented task JSON shape."""
    rows: dict[int, tuple] = {}
    for chunk in records.chunks(ids):
        for row in records.tuples(db, f"SELECT {_FETCHED} FROM tasks WHERE id IN"
                                      f" ({', '.join('?' * len(chunk))})", chunk):
            rows[row[0]] = row
    ids = [i for i in ids if i in rows]
    people = contacts_of(db, ids)
    campaigns = dict(db.execute(_CAMPAIGNS, (json.dumps(ids),)).fetchall()) if ids else {}
    current = now()
    today = current.astimezone(tz).date()
    return [_shape(rows[i], people[i], current, today, campaigns.get(i)) for i in ids]


def raw_lines(db: Database, ids: list[int]) -> dict[int, str]:
    """The kept iCalendar lines (``raw``) of those of ``ids`` that have any, by id: not
    part of the task JSON shape, read a batch at a time for an export."""
    out: dict[int, str] = {}
    for chunk in records.chunks(ids):
        out.update(records.tuples(db, f"SELECT id, raw FROM tasks WHERE raw != '' AND id IN"
                                      f" ({', '.join('?' * len(chunk))})", chunk))
    return out


def _shape(row: tuple, people: list[dict], current: datetime, today: date,
           campaign: str | None) -> dict[str, Any]:
    (task_id, uid, title, kind, due, status, priority, rrule, notes, owner, completed,
     previous_id, categories, created, updated) = row
    overdue = False
    if status == "open" and due is not None:
        overdue = date.fromisoformat(due) < today if len(due) == 10 \
            else from_utc_iso(due) < current
    return {
        "id": task_id, "uid": uid, "title": title, "kind": kind,
        "due": due, "all_day": due is not None and len(due) == 10,
        "status": status, "priority": priority, "overdue": overdue,
        "rrule": rrule, "contacts": people, "notes": notes,
        "owner": owner, "completed": completed, "previous_id": previous_id,
        "categories": json.loads(categories) if categories else [], "created": created,
        "updated": updated, "campaign": campaign,
    }


def week_window(today: date) -> tuple[date, date]:
    """Today and the six days after it: what ``--week`` means."""
    return today, today + timedelta(days=6)
