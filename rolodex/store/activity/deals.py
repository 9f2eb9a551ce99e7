"""Deals (opportunities): what might be sold, to whom, for how much, and how far it got.

Every stage a deal enters is kept in ``deal_stages`` with its time, so time-in-stage and
days-to-close are facts, not guesses. ``won`` and ``lost`` close a deal; moving it back to
an open stage reopens it. Amounts are decimal text (see ``rolodex.money``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rolodex.dates import from_utc_iso, now, to_utc_iso
from rolodex.errors import InvalidInput, NotFound
from rolodex.money import format_amount, weighted
from rolodex.store import journal, records, settings
from rolodex.store.db import Database

CLOSED = ("won", "lost")
SORTS = {
    "close": "d.close IS NULL, d.close, d.id",
    "amount": "CAST(d.amount AS REAL), d.id",
    "created": "d.created, d.id",
    "updated": "d.updated, d.id",
    "title": "d.title COLLATE NOCASE, d.id",
    "id": "d.id",
}


@dataclass(frozen=True)
class Stage:
    name: str
    probability: int

    @property
    def closed(self) -> bool:
        return self.name in CLOSED


def stages(db: Database) -> list[Stage]:
    """The configured pipeline, in order (``rolodex config set pipeline.stages``)."""
    out = []
    for item in settings.get(db, "pipeline.stages"):
        name, _, number = item.partition(":")
        out.append(Stage(name, int(number) if number else settings.CLOSED_STAGES.get(name, 0)))
    return out


def stage_named(db: Database, name: str) -> Stage:
    for stage in stages(db):
        if stage.name == name.strip().lower():
            return stage
    names = ", ".join(s.name for s in stages(db))
    raise InvalidInput(f"unknown stage '{name}'", hint=f"the stages are: {names}")


def _check(db: Database, values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "title" in out:
        out["title"] = records.clean(out["title"])
        if not out["title"]:
            raise InvalidInput("a deal needs a title")
    if "amount" in out:
        out["amount"] = format_amount(out["amount"]) if out["amount"] is not None else None
    if out.get("probability") is not None and not 0 <= out["probability"] <= 100:
        raise InvalidInput(f"a probability is 0 to 100, not {out['probability']}")
    if "close" in out and out["close"] is not None:
        close = out["close"]
        out["close"] = (close.date() if isinstance(close, datetime) else close).isoformat()
    for key in ("source", "owner", "notes", "reason"):
        if key in out:
            out[key] = records.clean(out[key])
    return out


def get_row(db: Database, deal_id: int) -> Any:
    row = db.execute("SELECT * FROM deals WHERE id = ?", (deal_id,)).fetchone()
    if row is None:
        raise NotFound(f"no deal #{deal_id}", hint="'rolodex deal list --all' shows every deal")
    return row


def add_deal(db: Database, title: str, *, company_id: int | None = None,
             contact_ids: Sequence[int] = (), amount: Decimal | None = None,
             currency: str | None = None, stage: str | None = None,
             probability: int | None = None, close: date | None = None,
             source: str | None = None, owner: str | None = None,
             notes: str | None = None) -> int:
    """Create a deal, in the first stage unless told otherwise.

    Without ``source`` the deal takes the lead source of its first contact, so the
    ``sources`` report can tell which channels bring business.
    """
    first = stages(db)[0].name
    chosen = stage_named(db, stage).name if stage else first
    if source is None and contact_ids:
        row = db.execute("SELECT source FROM contacts WHERE id = ?", (contact_ids[0],)).fetchone()
        source = row[0] if row else None
    row = _check(db, {"title": title, "amount": amount, "probability": probability,
                      "close": close, "source": source, "owner": owner, "notes": notes})
    stamp = records.timestamp()
    with db.write(f"add deal {row['title']}"):
        deal_id = journal.insert(db, "deals", {
            "uid": records.new_uid(), **row, "company_id": company_id,
            "currency": currency or settings.get(db, "pipeline.currency"), "stage": chosen,
            "closed": stamp if chosen in CLOSED else None, "created": stamp, "updated": stamp})
        journal.insert(db, "deal_stages", {"deal_id": deal_id, "stage": chosen, "at": stamp,
                                           "user": db.user})
        for contact_id in dict.fromkeys(contact_ids):
            journal.insert(db, "deal_contacts", {"deal_id": deal_id, "contact_id": contact_id})
    return deal_id


def update_deal(db: Database, deal_id: int, values: dict[str, Any], *,
                add_contacts: Sequence[int] = (), remove_contacts: Sequence[int] = ()) -> None:
    """Change fields and linked contacts; the stage changes only through ``move``."""
    get_row(db, deal_id)
    row = _check(db, values)
    with db.write(f"edit deal #{deal_id}"):
        journal.update(db, "deals", deal_id, {**row, "updated": records.timestamp()})
        records.relink(db, "deal_contacts", "deal_id", deal_id, add_contacts, remove_contacts)


def move(db: Database, deal_id: int, stage: str, *, reason: str | None = None) -> Stage:
    """Put a deal in ``stage`` and record when; won/lost close it, any other stage reopens.

    A probability set by hand belongs to the stage it was set in, so it is cleared.
    """
    row = get_row(db, deal_id)
    target = stage_named(db, stage)
    if row["stage"] == target.name:
        raise InvalidInput(f"deal #{deal_id} is already {target.name}")
    stamp = records.timestamp()
    with db.write(f"move deal #{deal_id} to {target.name}"):
        journal.update(db, "deals", deal_id, {
            "stage": target.name, "probability": None, "updated": stamp,
            "closed": stamp if target.closed else None,
            "reason": records.clean(reason) if target.closed else None})
        journal.insert(db, "deal_stages", {"deal_id": deal_id, "stage": target.name,
                                           "at": stamp, "user": db.user,
                                           "reason": records.clean(reason)})
    return target


def delete_deal(db: Database, deal_id: int) -> None:
    get_row(db, deal_id)
    with db.write(f"delete deal #{deal_id}"):
        journal.delete(db, "deals", deal_id)  # with its links and stage history


def list_ids(db: Database, *, status: str | None = "open", stage: str | None = None,
             company_id: int | None = None, contact_id: int | None = None,
             owner: str | None = None, source: str | None = None,
             sort: str = "close", limit: int | None = None) -> list[int]:
    """Deal ids by status (open, won, lost or None for all), stage, company, contact,
    owner and source."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        raise InvalidInput(f"cannot sort deals by '{key}'", hint=f"use one of: {', '.join(SORTS)}")
    where, params = ["1"], []
    if status == "open":
        where.append("d.stage NOT IN ('won', 'lost')")
    elif status:
        where.append("d.stage = ?")
        params.append(status)
    for column, value in (("d.stage", stage and stage_named(db, stage).name),
                          ("d.company_id", company_id), ("d.owner", owner)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if source is not None:
        where.append("d.source = ? COLLATE NOCASE")
        params.append(source)
    if contact_id is not None:
        where.append("d.id IN (SELECT deal_id FROM deal_contacts WHERE contact_id = ?)")
        params.append(contact_id)
    order = SORTS[key]
    if descending:
        order = ", ".join(f"{part} DESC" for part in order.split(", "))
    sql = f"SELECT d.id FROM deals d WHERE {' AND '.join(where)} ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [r[0] for r in db.execute(sql, params)]


KEYS = ("id", "uid", "title", "company", "company_id", "contacts", "amount", "currency",
        "stage", "status", "probability", "weighted", "close", "source", "owner", "reason",
        "closed", "stage_since", "days_in_stage", "notes", "created", "updated")


def fetch(db: Database, ids: list[int]) -> list[dict[str, Any]]:
    """Full records for ``ids`` in that order: the documented deal JSON shape."""
    rows: dict[int, Any] = {}
    since: dict[int, str] = {}
    for chunk in records.chunks(ids):
        marks = ", ".join("?" * len(chunk))
        for row in db.execute(f"SELECT d.*, co.name AS company FROM deals d LEFT JOIN companies"
                              f" co ON co.id = d.company_id WHERE d.id IN ({marks})", chunk):
            rows[row["id"]] = row
        for deal_id, at in db.execute(f"SELECT deal_id, max(at) FROM deal_stages"
                                      f" WHERE deal_id IN ({marks}) GROUP BY deal_id", chunk):
            since[deal_id] = at
    ids = [i for i in ids if i in rows]
    people = records.linked_contacts(db, "deal_contacts", "deal_id", ids)
    probability = {s.name: s.probability for s in stages(db)}
    current = now()
    return [_shape(rows[i], people[i], probability, since.get(i), current) for i in ids]


def _shape(row: Any, people: list[dict], probability: dict[str, int], since: str | None,
           current: datetime) -> dict[str, Any]:
    chance = row["probability"] if row["probability"] is not None else \
        probability.get(row["stage"], 0)
    amount = Decimal(row["amount"]) if row["amount"] is not None else None
    status = row["stage"] if row["stage"] in CLOSED else "open"
    since = since or row["created"]
    end = from_utc_iso(row["closed"]) if row["closed"] else current
    return {
        "id": row["id"], "uid": row["uid"], "title": row["title"], "company": row["company"],
        "company_id": row["company_id"], "contacts": people, "amount": row["amount"],
        "currency": row["currency"], "stage": row["stage"], "status": status,
        "probability": chance,
        "weighted": format_amount(weighted(amount, chance)) if amount is not None else None,
        "close": row["close"], "source": row["source"], "owner": row["owner"],
        "reason": row["reason"], "closed": row["closed"], "stage_since": since,
        "days_in_stage": max(0, (end - from_utc_iso(since)).days), "notes": row["notes"],
        "created": row["created"], "updated": row["updated"],
    }


def stage_history(db: Database, deal_id: int) -> list[dict[str, Any]]:
    """Every stage the deal entered, with when, who, how many days it stayed and why it
    moved there (``--reason``)."""
    rows = db.query("SELECT stage, at, user, reason FROM deal_stages WHERE deal_id = ?"
                    " ORDER BY at, id", (deal_id,))
    row = get_row(db, deal_id)
    end = from_utc_iso(row["closed"]) if row["closed"] else now()
    out = []
    for i, r in enumerate(rows):
        left = from_utc_iso(rows[i + 1]["at"]) if i + 1 < len(rows) else end
        out.append({"stage": r["stage"], "at": r["at"], "user": r["user"],
                    "days": max(0, (left - from_utc_iso(r["at"])).days),
                    "reason": r["reason"]})
    return out


def utc_bound(day: date, tz) -> str:
    """The UTC instant a local day starts, for comparing with ``closed``/``created``."""
    from rolodex.dates import start_of_day

    return to_utc_iso(start_of_day(day, tz))
