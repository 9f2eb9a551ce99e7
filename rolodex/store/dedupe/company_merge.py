"""Merging two companies into one, as ``merge`` does for contacts (``store/merge.py``).

The surviving company (A) keeps its id and UID; B's people, history, deals, tags and
custom fields move to it, B is deleted, and A answers to B's UID and name from then on
(``company_uids``), so an import that names B finds A instead of bringing B back. One
journalled operation after an automatic backup: ``rolodex undo`` gives back both.
"""

from __future__ import annotations

from rolodex.errors import Aborted
from rolodex.normalize import fold
from rolodex.store import journal, records
from rolodex.store.care.backups import bulk_write
from rolodex.store.db import Database
from rolodex.store.dedupe.merge_plan import (
    Plan,
    Sides,
    Step,
    check_pair,
    new_plan,
    plan_fields,
    plan_notes,
    plan_tags,
)
from rolodex.store.people import companies

SCALARS = ("name", "domain", "industry", "kind", "phone", "email", "address", "website")
# Records that name a company: (table, plan line); each of B's moves to A.
LINKED = (("contacts", "people"), ("interactions", "history"), ("deals", "deals"))


def plan_company_merge(db: Database, a_id: int, b_id: int, *, prefer: str = "a") -> Plan:
    """What merging company B into company A will do, without writing anything."""
    check_pair(a_id, b_id, prefer, "company", "companies")
    a, b = companies.get_row(db, a_id), companies.get_row(db, b_id)
    plan = new_plan(a_id, b_id, a["name"], b["name"], prefer)
    sides = Sides(prefer)
    for key in SCALARS:
        result, why = sides.pick(a[key], b[key])
        if result != a[key]:
            plan.values[key] = result
        plan.add(key, a[key], b[key], result, why)
    plan_notes(plan, a, b)
    if b["as_card"] and not a["as_card"]:  # an account of its own if either was
        plan.add("organisation card", "no", "yes", "yes", "exported as one if either was")
    if b["created"] < a["created"]:
        plan.created = b["created"]
    plan.add("created", a["created"], b["created"], min(a["created"], b["created"]),
             "the earlier")
    plan_tags(db, plan, "company_tags", "company_id")
    plan_fields(db, plan, "company_fields", "company_id")
    for table, name in LINKED:
        ids = [r[0] for r in db.execute(
            f"SELECT id FROM {table} WHERE company_id = ? ORDER BY id", (b_id,))]
        plan.steps += [Step(table, i, {"company_id": a_id}) for i in ids]
        count = db.execute(f"SELECT count(*) FROM {table} WHERE company_id = ?",
                           (a_id,)).fetchone()[0]
        plan.add(name, count, len(ids), count + len(ids), "B's move to A")
    return plan


def apply_company_merge(db: Database, plan: Plan) -> None:
    """Carry out ``plan`` in one journalled operation, after an automatic backup; nothing
    is written if either company changed since the plan was made."""
    from rolodex.store.search.fulltext import reindex_contacts

    with bulk_write(db, f"merge company #{plan.b_id} {plan.b_name} into #{plan.a_id} "
                    f"{plan.a_name}", "merge"):
        fresh = plan_company_merge(db, plan.a_id, plan.b_id, prefer=plan.prefer)
        if fresh.rows != plan.rows:
            raise Aborted("a company changed while the merge was planned; nothing was merged",
                          hint="run the merge again")
        a, b = companies.get_row(db, plan.a_id), companies.get_row(db, plan.b_id)
        if fresh.values:
            companies.update_company(db, plan.a_id, fresh.values)
        raw = {"created": fresh.created} if fresh.created else {}
        if b["as_card"] and not a["as_card"]:
            raw["as_card"] = 1
        if raw:
            journal.update(db, "companies", plan.a_id, raw)
        stamp = records.timestamp()
        for step in fresh.steps:
            if step.values is None:
                journal.delete(db, step.table, step.row_id)
            elif step.table == "contacts":  # their card's ORG changes: updated, for sync
                journal.update(db, "contacts", step.row_id, {**step.values, "updated": stamp})
            else:
                journal.update(db, step.table, step.row_id, step.values)
        _answer_for(db, plan.a_id, plan.b_id, a["name"])
        companies.delete_company(db, plan.b_id)  # nothing hangs on it any more
        reindex_contacts(db, [r[0] for r in db.execute(
            "SELECT id FROM contacts WHERE company_id = ?", (plan.a_id,))])


def _answer_for(db: Database, a_id: int, b_id: int, a_old_name: str) -> None:
    """A takes B's UID and name, and those B had taken from companies merged into it; and
    keeps answering to its own old name when it took B's (--prefer B)."""
    for row in db.execute("SELECT id FROM company_uids WHERE company_id = ?",
                          (b_id,)).fetchall():
        journal.update(db, "company_uids", row[0], {"company_id": a_id})
    b = companies.get_row(db, b_id)
    journal.insert(db, "company_uids", {"company_id": a_id, "uid": b["uid"],
                                        "name_key": fold(b["name"])})
    if fold(companies.get_row(db, a_id)["name"]) != fold(a_old_name):
        journal.insert(db, "company_uids", {"company_id": a_id, "uid": None,
                                            "name_key": fold(a_old_name)})
