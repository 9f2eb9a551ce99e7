"""A merge plan, for two records of any kind (contacts: ``merge``; companies:
``company_merge``): the lines ``merge`` prints, the row changes that carry it out, and the
pieces both kinds share (who wins a conflict, notes, tags, custom fields)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rolodex.errors import InvalidInput
from rolodex.store.db import Database

PLAN_KEYS = ("field", "a", "b", "result", "why")
FIELD_SUFFIX = "-merged"


@dataclass
class Step:
    """One row change: ``values`` to update, or None to delete the row."""

    table: str
    row_id: int
    values: dict[str, Any] | None


@dataclass
class Plan:
    a_id: int
    b_id: int
    a_name: str
    b_name: str
    prefer: str
    rows: list[dict[str, Any]] = field(default_factory=list)  # what ``merge`` prints
    values: dict[str, Any] = field(default_factory=dict)  # A's new scalar fields
    created: str | None = None  # the earlier of the two, when that is B's
    steps: list[Step] = field(default_factory=list)
    card: dict | None = None  # A's new kept vCard, None: A's stays as it is

    def add(self, name: str, a: Any, b: Any, result: Any, why: str) -> None:
        """One line of the plan; a field neither contact has a value for is left out."""
        if _text(a) is None and _text(b) is None and _text(result) is None:
            return
        self.rows.append({"field": name, "a": _text(a), "b": _text(b),
                          "result": _text(result), "why": why})


def _text(value: Any) -> str | None:
    if value is None or value == "" or value == [] or value == 0:
        return None
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


class Sides:
    """Which side wins a conflict, and the words for it."""

    def __init__(self, prefer: str) -> None:
        self.prefer = prefer

    def pick(self, a: Any, b: Any) -> tuple[Any, str]:
        if a == b:
            return a, "same" if a not in (None, "") else "neither has one"
        if b in (None, ""):
            return a, "only A has one"
        if a in (None, ""):
            return b, "only B has one"
        return (a, "A preferred") if self.prefer == "a" else (b, "B preferred (--prefer B)")


def check_pair(a_id: int, b_id: int, prefer: str, noun: str, nouns: str) -> None:
    """Two different records, and a side to prefer."""
    if prefer not in ("a", "b"):
        raise InvalidInput(f"--prefer is A or B, not '{prefer}'")
    if a_id == b_id:
        raise InvalidInput(f"cannot merge {noun} #{a_id} with itself",
                           hint=f"name two different {nouns}")


def new_plan(a_id: int, b_id: int, a_name: str, b_name: str, prefer: str) -> Plan:
    """A plan whose first line says who stays."""
    plan = Plan(a_id, b_id, a_name, b_name, prefer)
    plan.add("id", f"#{a_id}", f"#{b_id}", f"#{a_id}", "A keeps its id and UID; B is deleted")
    return plan


def plan_notes(plan: Plan, a: Any, b: Any) -> None:
    """Notes (a contact's or a company's): both kept, joined, when they differ."""
    na, nb = a["notes"], b["notes"]
    if na and nb and na.strip() != nb.strip():
        first, second = (na, nb) if plan.prefer == "a" else (nb, na)
        result, why = f"{first}\n\n{second}", "both kept, joined"
    else:
        result, why = Sides(plan.prefer).pick(na, nb)
    if result != na:
        plan.values["notes"] = result
    plan.add("notes", na, nb, result, why)


def rows_of(db: Database, table: str, owner_id: int, order: str = "id",
          owner: str = "contact_id") -> list[Any]:
    return db.query(f"SELECT * FROM {table} WHERE {owner} = ? ORDER BY {order}", (owner_id,))


def plan_tags(db: Database, plan: Plan, link: str = "contact_tags",
              owner: str = "contact_id") -> None:
    """Tags (a contact's, or a company's): B's links move to A, those A has too go."""
    sql = (f"SELECT l.id, l.tag_id, t.name FROM {link} l JOIN tags t ON t.id = l.tag_id"
           f" WHERE l.{owner} = ? ORDER BY t.name COLLATE NOCASE")
    tags_a, tags_b = db.query(sql, (plan.a_id,)), db.query(sql, (plan.b_id,))
    have = {r["tag_id"] for r in tags_a}
    for r in tags_b:
        plan.steps.append(Step(link, r["id"],
                               None if r["tag_id"] in have else {owner: plan.a_id}))
    union = sorted({r["name"] for r in [*tags_a, *tags_b]}, key=str.lower)
    plan.add("tags", [r["name"] for r in tags_a], [r["name"] for r in tags_b], union,
             "all of both")


def plan_fields(db: Database, plan: Plan, table: str = "contact_fields",
                owner: str = "contact_id") -> None:
    """Custom fields (a contact's, or a company's): a key only one has moves; a conflict
    keeps the preferred value and the other under ``KEY-merged`` (``KEY-merged-2``... if
    that is taken too)."""
    fields_a = {r["key"]: r for r in rows_of(db, table, plan.a_id, owner=owner)}
    fields_b = {r["key"]: r for r in rows_of(db, table, plan.b_id, owner=owner)}
    taken = set(fields_a) | set(fields_b)
    result = {k: r["value"] for k, r in fields_a.items()}
    notes = []
    for key, rb in fields_b.items():
        ra = fields_a.get(key)
        if ra is None:
            plan.steps.append(Step(table, rb["id"], {owner: plan.a_id}))
            result[key] = rb["value"]
        elif ra["value"] == rb["value"]:
            plan.steps.append(Step(table, rb["id"], None))
        else:
            spare = _free_key(key, taken)
            loser = "B" if plan.prefer == "a" else "A"
            if plan.prefer == "b":
                plan.steps.append(Step(table, ra["id"], {"value": rb["value"]}))
            plan.steps.append(Step(table, rb["id"], {
                owner: plan.a_id, "key": spare,
                "value": rb["value"] if plan.prefer == "a" else ra["value"]}))
            result[key] = rb["value"] if plan.prefer == "b" else ra["value"]
            result[spare] = ra["value"] if plan.prefer == "b" else rb["value"]
            notes.append(f"{key}: {loser}'s value kept as {spare}")
    plan.add("custom", _pairs(fields_a), _pairs(fields_b), [f"{k}={v}" for k, v in
                                                            sorted(result.items())],
             "; ".join(notes) or "all of both")


def _pairs(rows: dict[str, Any]) -> list[str]:
    return [f"{k}={r['value']}" for k, r in sorted(rows.items())]


def _free_key(key: str, taken: set[str]) -> str:
    candidate, n = f"{key}{FIELD_SUFFIX}", 2
    while candidate in taken:
        candidate, n = f"{key}{FIELD_SUFFIX}-{n}", n + 1
    taken.add(candidate)
    return candidate
