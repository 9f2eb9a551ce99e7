"""Merging two contacts into one: a field-by-field plan first, then one journalled operation.

The surviving contact (A) keeps its id and UID; the other (B) lends it everything and is
deleted. Rows hanging on B (emails, history links, tasks, deals, tags, fields, consents,
campaign memberships and sends...) are *moved* by changing their ``contact_id``, not
copied, so their ids, and everything that points at them, stay; a row A already has an
equal of is deleted instead, which also keeps the link tables' UNIQUE constraints. Every
change goes through the journal inside one ``Database.write``, so ``rolodex undo`` gives
back both contacts exactly.

Conflicts: ``prefer`` ("a" or "b") wins; an empty value is always filled from the other
side; notes are joined; a custom field both have with different values keeps the loser's
value under ``KEY-merged``. The kept vCard is opaque here: the caller passes the function
that folds B's card into A's (``rolodex.formats.vcard_merge.merge_kept``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rolodex.errors import Aborted
from rolodex.models import INVERSE_KINDS, Address, Email, Phone, Url
from rolodex.nicknames import same_person_name
from rolodex.normalize import fold
from rolodex.store import journal
from rolodex.store.care.backups import bulk_write
from rolodex.store.db import Database
from rolodex.store.dedupe.dupes import phones_match
from rolodex.store.dedupe.merge_plan import (
    Plan,
    Sides,
    Step,
    check_pair,
    new_plan,
    plan_fields,
    plan_notes,
    plan_tags,
    rows_of,
)
from rolodex.store.people import cards, contacts, labelled_dates
from rolodex.store.people.details import TABLES, detail_key

CardMerger = Callable[[dict | None, dict], dict | None]
NAME = ("display_name", "prefix", "first_name", "middle_name", "last_name", "suffix")
SCALARS = ("nickname", "title", "department", "birthday", "anniversary", "status", "source",
           "owner", "cadence_days", "birthday_text", "deathdate")
DETAILS = (("emails", Email, "address"), ("phones", Phone, "number"),
           ("addresses", Address, None), ("urls", Url, "url"))
# link table -> (column of the linked record, plan field)
LINKS = {"interaction_contacts": ("interaction_id", "history"),
         "task_contacts": ("task_id", "tasks"), "event_contacts": ("event_id", "events"),
         "deal_contacts": ("deal_id", "deals")}


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
    _plan_campaigns(db, plan)
    _plan_card(db, plan, merge_cards)
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


def _shown(kind: type, row: Any, key: str | None) -> str:
    if key:
        return row[key]
    return Address(*(row[k] for k in ("street", "locality", "region", "postcode",
                                      "country"))).one_line()


def _plan_details(db: Database, plan: Plan, name: str, kind: type, key: str | None) -> None:
    """The winner's values first, then the loser's new ones; a value both have is kept
    once (the winner's row, with its label). The winner's preferred one stays preferred."""
    table = TABLES[kind]
    rows_a = rows_of(db, table, plan.a_id, "position, id")
    rows_b = rows_of(db, table, plan.b_id, "position, id")
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
    rows_a, rows_b = rows_of(db, table, plan.a_id), rows_of(db, table, plan.b_id)
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
    rows_a, rows_b = rows_of(db, "consents", plan.a_id), rows_of(db, "consents", plan.b_id)
    for r in rows_b:
        plan.steps.append(Step("consents", r["id"], {"contact_id": plan.a_id}))
    plan.add("consents", len(rows_a), len(rows_b), len(rows_a) + len(rows_b),
             "both histories kept")


def _plan_campaigns(db: Database, plan: Plan) -> None:
    """B's campaign memberships and sends move to A, so nobody is sent a step twice under
    two records; where A is in the same campaign, or was sent the same step, A's row
    stays (its day of entry, its send) and B's goes. One plan line, only when either
    was in a campaign."""
    counts = []
    for table, key in (("campaign_members", "campaign_id"), ("campaign_sends", "step_id")):
        rows_a, rows_b = rows_of(db, table, plan.a_id), rows_of(db, table, plan.b_id)
        have = {r[key] for r in rows_a}
        for r in rows_b:
            plan.steps.append(Step(table, r["id"],
                                   None if r[key] in have else {"contact_id": plan.a_id}))
        counts.append((len(rows_a), len(rows_b),
                       len(have | {r[key] for r in rows_b})))
    (ma, mb, mr), (sa, sb, sr) = counts
    if ma or mb or sa or sb:
        plan.add("campaigns", f"{ma} campaign(s), {sa} send(s)",
                 f"{mb} campaign(s), {sb} send(s)", f"{mr} campaign(s), {sr} send(s)",
                 "B's moved to A; where both have one, A's kept")


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
    with bulk_write(db, f"merge contact #{plan.b_id} {plan.b_name} into #{plan.a_id} "
                    f"{plan.a_name}", "merge"):
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
        labelled_dates.move(db, plan.b_id, plan.a_id)
        contacts.delete_contact(db, plan.b_id)  # what is left: B's row and its kept card
        known = db.execute("SELECT id FROM contact_uids WHERE uid = ?", (b_uid,)).fetchone()
        if known:  # B was merged before, restored, and is merged again
            journal.update(db, "contact_uids", known[0], {"contact_id": plan.a_id})
        else:
            journal.insert(db, "contact_uids", {"contact_id": plan.a_id, "uid": b_uid})
        contacts.touch(db, plan.a_id)
