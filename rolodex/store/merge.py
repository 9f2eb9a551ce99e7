"""Merging two contacts into one: a field-by-field plan first, then one journalled operation.

The surviving contact (A) keeps its id and UID; the other (B) lends it everything and is
deleted. Rows hanging on B (emails, history links, tasks, deals, tags, fields, consents...)
are *moved* by changing their ``contact_id``, not copied, so their ids, and everything that
points at them, stay; a row A already has an equal of is deleted instead, which also keeps
the link tables' UNIQUE constraints. Every change goes through the journal inside one
``Database.write``, so ``rolodex undo`` gives back both contacts exactly.

Conflicts: ``prefer`` ("a" or "b") wins; an empty value is always filled from the other
side; notes are joined; a custom field both have with different values keeps the loser's
value under ``KEY-merged``. The kept vCard is opaque here: the caller passes the function
that folds B's card into A's (``rolodex.formats.vcard_merge.merge_kept``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rolodex.errors import Aborted, InvalidInput
from rolodex.models import INVERSE_KINDS, Address, Email, Phone, Url
from rolodex.nicknames import same_person_name
from rolodex.normalize import fold
from rolodex.store import cards, contacts, journal
from rolodex.store.db import Database
from rolodex.store.details import TABLES, detail_key
from rolodex.store.dupes import phones_match

CardMerger = Callable[[dict | None, dict], dict | None]
NAME = ("display_name", "prefix", "first_name", "middle_name", "last_name", "suffix")
SCALARS = ("nickname", "title", "department", "birthday", "anniversary", "status", "source",
           "owner", "cadence_days")
DETAILS = (("emails", Email, "address"), ("phones", Phone, "number"),
           ("addresses", Address, None), ("urls", Url, "url"))
# link table -> (column of the linked record, plan field)
LINKS = {"interaction_contacts": ("interaction_id", "history"),
         "task_contacts": ("task_id", "tasks"), "event_contacts": ("event_id", "events"),
         "deal_contacts": ("deal_id", "deals")}
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


# --- the plan ------------------------------------------------------------------------------


def plan_merge(db: Database, a_id: int, b_id: int, *, prefer: str = "a",
               merge_cards: CardMerger) -> Plan:
    """What merging B into A will do, without writing anything."""
    check_pair(a_id, b_id, prefer, "contact", "contacts")
    a, b = contacts.get_row(db, a_id), contacts.get_row(db, b_id)
    plan = new_plan(a_id, b_id, a["display_name"], b["display_name"], prefer)
    sides = Sides(prefer)
    _plan_name(plan, a, b, sides)
    _plan_company(db, plan, a, b, sides)
    for key in SCALARS:
        _plan_scalar(plan, key, a, b, sides)
    plan_notes(plan, a, b)
    if b["created"] < a["created"]:
        plan.created = b["created"]
    plan.add("created", a["created"], b["created"], min(a["created"], b["created"]),
             "the earlier")
    for name, kind, shown in DETAILS:
        _plan_details(db, plan, name, kind, shown)
    plan_tags(db, plan)
    plan_fields(db, plan)
    _plan_relationships(db, plan)
    for table, (column, name) in LINKS.items():
        _plan_links(db, plan, table, column, name)
    _plan_consents(db, plan)
    _plan_card(db, plan, merge_cards)
    return plan


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


def _plan_name(plan: Plan, a: Any, b: Any, sides: Sides) -> None:
    parts_a, parts_b = tuple(a[k] for k in NAME), tuple(b[k] for k in NAME)
    if parts_a == parts_b:
        plan.add("name", a["display_name"], b["display_name"], a["display_name"], "same")
        return
    win, lose = (a, b) if plan.prefer == "a" else (b, a)
    why = "A preferred" if plan.prefer == "a" else "B preferred (--prefer B)"
    if win is b:
        plan.values.update({k: b[k] for k in NAME})
    plan.add("name", a["display_name"], b["display_name"], win["display_name"], why)
    nickname = sides.pick(a["nickname"], b["nickname"])[0]
    if (not nickname and fold(lose["first_name"]) != fold(win["first_name"])
            and same_person_name(lose["first_name"], win["first_name"])):
        plan.values["nickname"] = lose["first_name"]


def _plan_company(db: Database, plan: Plan, a: Any, b: Any, sides: Sides) -> None:
    names = {r[0]: r[1] for r in db.execute(
        "SELECT id, name FROM companies WHERE id IN (?, ?)", (a["company_id"], b["company_id"]))}
    result, why = sides.pick(a["company_id"], b["company_id"])
    if result != a["company_id"]:
        plan.values["company_id"] = result
    plan.add("company", names.get(a["company_id"]), names.get(b["company_id"]),
             names.get(result), why)


def _plan_scalar(plan: Plan, key: str, a: Any, b: Any, sides: Sides) -> None:
    if key in plan.values:  # the nickname a name merge derived
        plan.add(key, a[key], b[key], plan.values[key], "B's first name, a nickname of A's"
                 if plan.prefer == "a" else "A's first name, a nickname of B's")
        return
    if key in ("birthday", "anniversary"):
        result, why = _pick_date(a[key], b[key], sides)
    else:
        result, why = sides.pick(a[key], b[key])
    if result != a[key]:
        plan.values[key] = result
    plan.add(key, a[key], b[key], result, why)


def _pick_date(a: str | None, b: str | None, sides: Sides) -> tuple[str | None, str]:
    """A yearless date (``--04-15``) and a full one on the same day: the full one, whoever
    is preferred, since it only adds what the other did not know."""
    if a and b and a != b and a[-5:] == b[-5:]:
        if a.startswith("--"):
            return b, "B knows the year"
        if b.startswith("--"):
            return a, "A knows the year"
    return sides.pick(a, b)


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


def _rows(db: Database, table: str, owner_id: int, order: str = "id",
          owner: str = "contact_id") -> list[Any]:
    return db.query(f"SELECT * FROM {table} WHERE {owner} = ? ORDER BY {order}", (owner_id,))


def _shown(kind: type, row: Any, key: str | None) -> str:
    if key:
        return row[key]
    return Address(*(row[k] for k in ("street", "locality", "region", "postcode",
                                      "country"))).one_line()


def _plan_details(db: Database, plan: Plan, name: str, kind: type, key: str | None) -> None:
    """The winner's values first, then the loser's new ones; a value both have is kept
    once (the winner's row, with its label). The winner's preferred one stays preferred."""
    table = TABLES[kind]
    rows_a = _rows(db, table, plan.a_id, "position, id")
    rows_b = _rows(db, table, plan.b_id, "position, id")
    win, lose = (rows_a, rows_b) if plan.prefer == "a" else (rows_b, rows_a)
    kept = list(win)
    dropped = 0
    for r in lose:
        if any(_same_detail(kind, r, k) for k in kept):
            plan.steps.append(Step(table, r["id"], None))
            dropped += 1
        else:
            kept.append(r)
    win_ids = {r["id"] for r in win}
    preferred = [bool(r["preferred"]) and (r["id"] in win_ids or not win) for r in kept]
    if kept and not any(preferred):
        preferred[0] = True
    for position, (r, pref) in enumerate(zip(kept, preferred, strict=True)):
        plan.steps.append(Step(table, r["id"], {"contact_id": plan.a_id,
                                                "position": position, "preferred": int(pref)}))
    plan.add(name, [_shown(kind, r, key) for r in rows_a], [_shown(kind, r, key) for r in rows_b],
             [_shown(kind, r, key) for r in kept], _union_why(rows_a, rows_b, dropped))


def _same_detail(kind: type, row: Any, other: Any) -> bool:
    """Equal values; for phones also one number written with and one without its country
    code (the same trailing digits, as ``rolodex dupes`` matches them)."""
    if detail_key(kind, row) == detail_key(kind, other):
        return True
    return kind is Phone and phones_match(row["digits_rev"], other["digits_rev"])


def _union_why(rows_a: list, rows_b: list, dropped: int) -> str:
    if not rows_b:
        return "only A has some" if rows_a else "neither has one"
    if not rows_a:
        return "only B has some"
    return f"both kept, {dropped} duplicate(s) dropped" if dropped else "both kept"


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
    fields_a = {r["key"]: r for r in _rows(db, table, plan.a_id, owner=owner)}
    fields_b = {r["key"]: r for r in _rows(db, table, plan.b_id, owner=owner)}
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


def _rel_keys(owner: int, kind: str, other: int | None, name: str | None) -> set[tuple]:
    """A relationship and its mirror image: Jane manager-of Joe is Joe report-of Jane."""
    if other is None:
        return {(owner, kind, None, fold(name))}
    keys = {(owner, kind, other, None)}
    if kind in INVERSE_KINDS:
        keys.add((other, INVERSE_KINDS[kind], owner, None))
    return keys


def _plan_relationships(db: Database, plan: Plan) -> None:
    """B's relationships become A's, in both directions; one between A and B goes, and so
    does one A already has (either way round)."""
    rows = db.query("SELECT * FROM relationships WHERE contact_id IN (?, ?)"
                    " OR related_id IN (?, ?) ORDER BY id",
                    (plan.a_id, plan.b_id, plan.a_id, plan.b_id))
    on_b = [r for r in rows if plan.b_id in (r["contact_id"], r["related_id"])]
    moving = {r["id"] for r in on_b}
    seen: set[tuple] = set()
    for r in rows:
        if r["id"] not in moving:
            seen |= _rel_keys(r["contact_id"], r["kind"], r["related_id"], r["related_name"])
    between = duplicates = 0
    for r in on_b:
        owner = plan.a_id if r["contact_id"] == plan.b_id else r["contact_id"]
        other = plan.a_id if r["related_id"] == plan.b_id else r["related_id"]
        keys = _rel_keys(owner, r["kind"], other, r["related_name"])
        if owner == other:
            between += 1
        elif keys & seen:
            duplicates += 1
        else:
            seen |= keys
            plan.steps.append(Step("relationships", r["id"],
                                   {"contact_id": owner, "related_id": other}))
            continue
        plan.steps.append(Step("relationships", r["id"], None))
    count_a = len(rows) - len(on_b) + sum(1 for r in on_b if plan.a_id in (
        r["contact_id"], r["related_id"]))
    drops = [f"{between} between A and B"] if between else []
    drops += [f"{duplicates} A already has"] if duplicates else []
    plan.add("relationships", count_a, len(on_b), len(rows) - between - duplicates,
             "B's moved to A" + (f"; dropped {', '.join(drops)}" if drops else ""))


def _plan_links(db: Database, plan: Plan, table: str, column: str, name: str) -> None:
    """History entries, tasks, events and deals: B's links move to A; a record both were
    linked to keeps A's link only."""
    rows_a, rows_b = _rows(db, table, plan.a_id), _rows(db, table, plan.b_id)
    linked = {r[column] for r in rows_a}
    shared = 0
    for r in rows_b:
        if r[column] in linked:
            shared += 1
            plan.steps.append(Step(table, r["id"], None))
        else:
            plan.steps.append(Step(table, r["id"], {"contact_id": plan.a_id}))
    plan.add(name, len(rows_a), len(rows_b), len(rows_a) + len(rows_b) - shared,
             "B's moved to A" + (f"; {shared} already A's" if shared else ""))


def _plan_consents(db: Database, plan: Plan) -> None:
    rows_a, rows_b = _rows(db, "consents", plan.a_id), _rows(db, "consents", plan.b_id)
    for r in rows_b:
        plan.steps.append(Step("consents", r["id"], {"contact_id": plan.a_id}))
    plan.add("consents", len(rows_a), len(rows_b), len(rows_a) + len(rows_b),
             "both histories kept")


def _plan_card(db: Database, plan: Plan, merge_cards: CardMerger) -> None:
    kept = cards.kept(db, [plan.a_id, plan.b_id])
    card_a, card_b = kept.get(plan.a_id), kept.get(plan.b_id)
    size_a = len(card_a["props"]) if card_a else None
    size_b = len(card_b["props"]) if card_b else None
    if card_b is None:
        plan.add("vcard", _props(size_a), _props(size_b), _props(size_a),
                 "A's card as it is" if card_a else "neither was imported")
        return
    plan.card = merge_cards(card_a, card_b)
    size = len(plan.card["props"]) if plan.card else size_a
    added = (size or 0) - (size_a or 0)
    plan.add("vcard", _props(size_a), _props(size_b), _props(size),
             f"{added} kept propert{'y' if added == 1 else 'ies'} of B's card added"
             if added else "B's card has nothing A's lacks")


def _props(count: int | None) -> str | None:
    return None if count is None else f"{count} properties"


# --- applying it ---------------------------------------------------------------------------


def apply_merge(db: Database, plan: Plan, *, merge_cards: CardMerger) -> None:
    """Carry out ``plan`` in one journalled operation, after an automatic backup.

    The plan is made again inside the transaction: if either contact changed since it
    was shown, nothing is written.
    """
    with db.write(f"merge contact #{plan.b_id} {plan.b_name} into #{plan.a_id} {plan.a_name}",
                  backup="merge"):
        fresh = plan_merge(db, plan.a_id, plan.b_id, prefer=plan.prefer,
                           merge_cards=merge_cards)
        if fresh.rows != plan.rows:
            raise Aborted("a contact changed while the merge was planned; nothing was merged",
                          hint="run the merge again")
        if fresh.values:
            contacts.update_contact(db, plan.a_id, fresh.values)
        if fresh.created:
            journal.update(db, "contacts", plan.a_id, {"created": fresh.created})
        for step in fresh.steps:
            if step.values is None:
                journal.delete(db, step.table, step.row_id)
            else:
                journal.update(db, step.table, step.row_id, step.values)
        if fresh.card is not None:
            cards.keep(db, plan.a_id, fresh.card)
        # A answers to B's UID, and to those B answered to: a card of B imported again
        # updates A rather than bringing B back.
        for row in db.execute("SELECT id FROM contact_uids WHERE contact_id = ?",
                              (plan.b_id,)).fetchall():
            journal.update(db, "contact_uids", row[0], {"contact_id": plan.a_id})
        b_uid = db.execute("SELECT uid FROM contacts WHERE id = ?", (plan.b_id,)).fetchone()[0]
        contacts.delete_contact(db, plan.b_id)  # what is left: B's row and its kept card
        known = db.execute("SELECT id FROM contact_uids WHERE uid = ?", (b_uid,)).fetchone()
        if known:  # B was merged before, restored, and is merged again
            journal.update(db, "contact_uids", known[0], {"contact_id": plan.a_id})
        else:
            journal.insert(db, "contact_uids", {"contact_id": plan.a_id, "uid": b_uid})
        contacts.touch(db, plan.a_id)
