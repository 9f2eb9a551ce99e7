"""The records a sync collection owns, whatever their kind: contacts, events, tasks or
interactions (the journal). One query per question, parametrised by the kind's table, so
the sync engine asks the same things of each kind: which of them changed since an
operation (read from the journal, not from every record), which have no status row yet,
which ids hold these UIDs.

The tables are a fixed list (never a name from outside), since they are spliced into SQL.
"""

from __future__ import annotations

from rolodex.store import journal
from rolodex.store.db import Database

# A kind's table, and the journal's tables of rows that belong to one of its records
# (with the column naming that record): a linked person or a moved occurrence changes
# the item a sync sends.
TABLES = {
    "contacts": (),
    "events": (("event_contacts", "event_id"), ("event_exceptions", "event_id")),
    "tasks": (("task_contacts", "task_id"),),
    "interactions": (("interaction_contacts", "interaction_id"),),
    "companies": (("company_tags", "company_id"), ("company_fields", "company_id")),
    "contact_groups": (),
}
# Which records of a table a sync carries: the companies with a card of their own (added
# as companies or from KIND:org cards), not those only named in a person's ORG.
_SYNCED = {"companies": "t.as_card = 1"}
_CHUNK = 900


def _table(table: str) -> str:
    if table not in TABLES:
        raise ValueError(f"no synced records in {table!r}")
    return table


def changed_since(db: Database, table: str, operation: int) -> set[int]:
    """Ids of the records of ``table`` an operation after ``operation`` touched: their
    own rows and their dependent rows (links, moved occurrences)."""
    found = {r[0] for r in db.execute(
        "SELECT DISTINCT row_id FROM changes WHERE operation_id > ? AND table_name = ?",
        (operation, _table(table)))}
    for linked, column in TABLES[table]:
        found.update(r[0] for r in db.execute(
            "SELECT DISTINCT json_extract(coalesce(after, before), ?) FROM changes"
            " WHERE operation_id > ? AND table_name = ?", (f"$.{column}", operation, linked))
            if r[0] is not None)
    return found


def linked_to(db: Database, table: str, contact_ids: set[int]) -> set[int]:
    """Ids of the records of ``table`` these contacts take part in: their item names them
    (an ATTENDEE's name and address), so it changes when they do."""
    links = [(t, c) for t, c in TABLES[_table(table)] if t.endswith("_contacts")]
    found: set[int] = set()
    ids = list(contact_ids)
    for linked, column in links:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            found.update(r[0] for r in db.execute(
                f"SELECT DISTINCT {column} FROM {linked} WHERE contact_id IN"
                f" ({', '.join('?' * len(chunk))})", chunk))
    return found


def without_status(db: Database, table: str, collection_id: int) -> dict[str, int]:
    """UID -> id of the records this collection has no status row for (new here)."""
    return {r[0]: r[1] for r in db.execute(
        f"SELECT t.uid, t.id FROM {_table(table)} t WHERE {_SYNCED.get(table, '1')} AND"
        " NOT EXISTS (SELECT 1 FROM sync_status s WHERE s.collection_id = ? AND"
        " s.uid = t.uid)", (collection_id,))}


def count(db: Database, table: str) -> int:
    return db.execute(f"SELECT count(*) FROM {_table(table)} t"
                      f" WHERE {_SYNCED.get(table, '1')}").fetchone()[0]


def ids_by_uid(db: Database, table: str, uids: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for start in range(0, len(uids), _CHUNK):
        chunk = uids[start:start + _CHUNK]
        out.update((r[0], r[1]) for r in db.execute(
            f"SELECT uid, id FROM {_table(table)} WHERE uid IN"
            f" ({', '.join('?' * len(chunk))})", chunk))
    return out


def status_rows(db: Database, table: str, collection_id: int) -> dict[str, dict]:
    """Status rows by UID, each with ``record_id``: the record of ``table`` that has the
    UID now (None: none has); without their base (``sync_state.base_of``), which a sync
    needs for few."""
    return {r["uid"]: dict(r) for r in db.execute(
        "SELECT s.uid, s.local_id, s.href, s.etag, s.local_hash, t.id AS record_id"
        f" FROM sync_status s LEFT JOIN {_table(table)} t ON t.uid = s.uid"
        " WHERE s.collection_id = ?", (collection_id,))}


# Where a record's former UIDs are kept, so what names it by one still finds it.
_FORMER_UIDS = {"contacts": "contact_uids", "companies": "company_uids"}


def adopt_uid(db: Database, table: str, record_id: int, uid: str,
              also: dict | None = None) -> str | None:
    """Give a record the UID of the far side's item it was found to be (by email, phone
    or name), so both sides hold one item for it, written under the other program's UID;
    its old UID is kept as a former one. Not when a far side knows the record by its UID
    already (another collection syncs it) or a record has that UID: None then; else the
    old UID. ``also``: other columns to set with it."""
    row = db.execute(f"SELECT uid, {'name_key' if table == 'companies' else 'NULL'}"
                     f" FROM {_table(table)} WHERE id = ?", (record_id,)).fetchone()
    if row is None or db.execute("SELECT 1 FROM sync_status WHERE uid = ?",
                                 (row[0],)).fetchone() or ids_by_uid(db, table, [uid]):
        return None
    journal.update(db, table, record_id, {"uid": uid, **(also or {})})
    if table in _FORMER_UIDS:
        owner = "contact_id" if table == "contacts" else "company_id"
        extra = {"name_key": row[1]} if table == "companies" else {}
        journal.insert(db, _FORMER_UIDS[table], {owner: record_id, "uid": row[0], **extra})
    return row[0]
