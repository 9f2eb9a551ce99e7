"""Campaigns and their steps as the user planned them: add, edit, pause, remove, list.

A campaign is an audience (a search query run afresh at each ``campaign run``), a purpose
and basis for consent, and steps at offsets in days, counted from ``start`` or, without
one, from the day each person entered the audience. Steps keep their template's text,
checked by the caller before it gets here, so a run from cron never meets a typo or a
moved file; ``campaign edit --reload`` reads the files again.

These rows are the user's plan: journalled, so ``undo`` brings back a removed campaign
with its ledger (the cascade is journalled too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from rolodex.errors import InvalidInput, NotFound
from rolodex.store import journal, records
from rolodex.store.db import Database

KINDS = ("mail", "letter", "task")
BASES = ("consent", "legitimate-interest")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
MAX_NAME = 64
MAX_STEPS = 50
MAX_OFFSET = 3660  # ten years of days: a typo such as 70000d is refused, not planned
HINT = "'rolodex campaign list' shows them"
KEYS = ("id", "name", "audience", "purpose", "basis", "start", "only_new", "status",
        "steps", "members", "sent", "created", "updated", "uid")


@dataclass(frozen=True)
class Step:
    """One step as planned: ``body`` is the template text (mail, letter) or the task's
    title; ``source`` the file it came from; ``subject`` a mail's subject template."""

    offset_days: int
    kind: str
    body: str
    source: str | None = None
    subject: str | None = None


def check_name(name: str) -> str:
    name = name.strip()
    if not NAME.fullmatch(name) or len(name) > MAX_NAME:
        raise InvalidInput(f"bad campaign name '{name[:MAX_NAME]}'",
                           hint=f"letters, digits, - and _ (at most {MAX_NAME}), as in "
                                "winter-offer")
    return name


def check_steps(steps: list[Step]) -> None:
    if not steps:
        raise InvalidInput("a campaign needs a step", hint="--template FILE, or --step "
                           "\"0d mail welcome.md\"")
    if len(steps) > MAX_STEPS:
        raise InvalidInput(f"a campaign has at most {MAX_STEPS} steps")
    for step in steps:
        if step.kind not in KINDS:
            raise InvalidInput(f"unknown step kind '{step.kind}'",
                               hint=f"use one of: {', '.join(KINDS)}")
        if not 0 <= step.offset_days <= MAX_OFFSET:
            raise InvalidInput(f"a step's offset is 0 to {MAX_OFFSET} days, not "
                               f"{step.offset_days}")


def get_row(db: Database, name: str) -> Any:
    row = db.execute("SELECT * FROM campaigns WHERE name = ?", (name.strip(),)).fetchone()
    if row is None:
        raise NotFound(f"no campaign named {name.strip()[:MAX_NAME]}", hint=HINT)
    return row


def add(db: Database, name: str, *, audience: str, purpose: str, basis: str,
        start: date | None, steps: list[Step], only_new: bool = False) -> int:
    """Plan a campaign; its first members are recorded by the caller
    (``members.enrol``) in the same operation."""
    name = check_name(name)
    check_steps(steps)
    if basis not in BASES:
        raise InvalidInput(f"unknown basis '{basis}'", hint=f"use one of: {', '.join(BASES)}")
    if db.execute("SELECT 1 FROM campaigns WHERE name = ?", (name,)).fetchone():
        raise InvalidInput(f"a campaign named {name} exists",
                           hint="'rolodex campaign edit' changes it")
    stamp = records.timestamp()
    with db.write(f"add campaign {name}"):
        campaign_id = journal.insert(db, "campaigns", {
            "uid": records.new_uid(), "name": name, "audience": audience,
            "purpose": purpose, "basis": basis,
            "start": start.isoformat() if start else None, "only_new": int(only_new),
            "status": "active", "created": stamp, "updated": stamp})
        for position, step in enumerate(steps, 1):
            _insert_step(db, campaign_id, position, step)
    return campaign_id


def _insert_step(db: Database, campaign_id: int, position: int, step: Step) -> int:
    return journal.insert(db, "campaign_steps", {
        "campaign_id": campaign_id, "position": position, "offset_days": step.offset_days,
        "kind": step.kind, "source": step.source, "body": step.body, "subject": step.subject})


def update(db: Database, campaign_id: int, values: dict[str, Any]) -> None:
    """Change a campaign's own fields (audience, purpose, basis, start, status)."""
    if "basis" in values and values["basis"] not in BASES:
        raise InvalidInput(f"unknown basis '{values['basis']}'",
                           hint=f"use one of: {', '.join(BASES)}")
    if isinstance(values.get("start"), date):
        values = {**values, "start": values["start"].isoformat()}
    name = db.execute("SELECT name FROM campaigns WHERE id = ?", (campaign_id,)).fetchone()[0]
    with db.write(f"edit campaign {name}"):
        journal.update(db, "campaigns", campaign_id,
                       {**values, "updated": records.timestamp()})


def steps_of(db: Database, campaign_id: int) -> list[Any]:
    return db.query("SELECT * FROM campaign_steps WHERE campaign_id = ? ORDER BY position",
                    (campaign_id,))


def add_step(db: Database, campaign_id: int, step: Step) -> int:
    """Append a step; returns its position."""
    check_steps([step])
    rows = steps_of(db, campaign_id)
    if len(rows) >= MAX_STEPS:
        raise InvalidInput(f"a campaign has at most {MAX_STEPS} steps")
    position = (rows[-1]["position"] if rows else 0) + 1
    with db.write(f"add step {position} to campaign #{campaign_id}"):
        _insert_step(db, campaign_id, position, step)
    return position


def drop_step(db: Database, campaign_id: int, position: int) -> None:
    """Remove a step nobody has been sent yet (what was sent stays in the ledger and
    the report); later steps keep their numbers."""
    row = db.execute("SELECT id FROM campaign_steps WHERE campaign_id = ? AND position = ?",
                     (campaign_id, position)).fetchone()
    if row is None:
        raise NotFound(f"the campaign has no step {position}",
                       hint="'rolodex campaign show NAME' lists its steps")
    if db.execute("SELECT 1 FROM campaign_sends WHERE step_id = ? LIMIT 1",
                  (row["id"],)).fetchone():
        raise InvalidInput(f"step {position} has been sent to people: it stays, for the "
                           "report", hint="'rolodex campaign pause' stops the campaign")
    if len(steps_of(db, campaign_id)) == 1:
        raise InvalidInput("a campaign needs a step", hint="'rolodex campaign rm' removes "
                           "the campaign")
    with db.write(f"drop step {position} of campaign #{campaign_id}"):
        journal.delete(db, "campaign_steps", row["id"])


def replace_text(db: Database, step_id: int, body: str, subject: str | None) -> bool:
    """A step's template read again (``edit --reload``); True when it changed."""
    with db.write(f"reload campaign step #{step_id}"):
        return journal.update(db, "campaign_steps", step_id,
                              {"body": body, "subject": subject})


def remove(db: Database, campaign_id: int) -> None:
    """Remove a campaign with its steps, members and ledger (journalled, so undo puts
    all of it back: a campaign brought back never sends a step twice). History entries
    and tasks it created stay: they happened."""
    name = db.execute("SELECT name FROM campaigns WHERE id = ?", (campaign_id,)).fetchone()[0]
    with db.write(f"remove campaign {name}"):
        journal.delete(db, "campaigns", campaign_id)


def all_rows(db: Database) -> list[Any]:
    """Every campaign's row, by name (a few dozen at most: plans, not people)."""
    return db.query("SELECT * FROM campaigns ORDER BY name")


def list_rows(db: Database, *, status: str | None = None) -> list[dict[str, Any]]:
    """Every campaign by name with its counts (steps, current members, mails sent)."""
    where, params = ("WHERE c.status = ?", (status,)) if status else ("", ())
    rows = db.query(f"""
        SELECT c.*,
          (SELECT count(*) FROM campaign_steps s WHERE s.campaign_id = c.id) AS steps,
          (SELECT count(*) FROM campaign_members m WHERE m.campaign_id = c.id
             AND m.left IS NULL) AS members,
          (SELECT count(*) FROM campaign_sends d WHERE d.campaign_id = c.id
             AND d.status = 'sent') AS sent
        FROM campaigns c {where} ORDER BY c.name""", params)
    return [shape(r) for r in rows]


def shape(row: Any) -> dict[str, Any]:
    names = set(row.keys())  # a sqlite3.Row's ``in`` looks at values, not names
    out = {key: row[key] for key in KEYS if key in names}
    out["only_new"] = bool(row["only_new"])
    return out


def detail(db: Database, campaign_id: int) -> dict[str, Any]:
    """One campaign with its steps, each with what the ledger holds for it, and its
    members now and gone (``campaign show``)."""
    row = db.execute("SELECT * FROM campaigns WHERE id = ?", (campaign_id,)).fetchone()
    out = shape(row)
    counts = {(r["step_id"], r["status"]): r["n"] for r in db.query(
        "SELECT step_id, status, count(*) AS n FROM campaign_sends WHERE campaign_id = ?"
        " GROUP BY step_id, status", (campaign_id,))}
    steps = []
    for step in steps_of(db, campaign_id):
        day = None
        if row["start"]:
            day = date.fromordinal(date.fromisoformat(row["start"]).toordinal()
                                   + step["offset_days"]).isoformat()
        steps.append({
            "position": step["position"], "offset_days": step["offset_days"],
            "kind": step["kind"], "source": step["source"], "subject": step["subject"],
            "title": step["body"] if step["kind"] == "task" else None, "day": day,
            **{status: counts.get((step["id"], key), 0) for status, key in (
                ("sent", "sent"), ("failed", "failed"), ("unconfirmed", "sending"))}})
    out["steps"] = steps
    members = db.execute("SELECT count(*) FILTER (WHERE left IS NULL),"
                         " count(*) FILTER (WHERE left IS NOT NULL) FROM campaign_members"
                         " WHERE campaign_id = ?", (campaign_id,)).fetchone()
    out["members"], out["left"] = members[0], members[1]
    for key in ("sent", "failed", "unconfirmed"):
        out[key] = sum(s[key] for s in steps)
    return out
