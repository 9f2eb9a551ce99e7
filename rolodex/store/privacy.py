"""Erasure (the right to be forgotten) and what the journal holds about one person.

Deleting a contact the ordinary way (``contacts.delete_contact``) journals every row it
removes so that it can be restored: right for a mistake, wrong for an erasure request. Here
every trace goes by direct SQL instead, inside one operation of kind ``forget`` whose only
record is a summary without personal data; that operation is also the line undo never
crosses, since the rows before it can no longer be put back. The journal's own before and
after images, the command lines that named the person, kept iCalendar lines and saved
searches are rewritten too, and the file is vacuumed so the bytes leave the disk image.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from rolodex.errors import NotFound
from rolodex.normalize import phone_digits
from rolodex.store.db import Database
from rolodex.store.records import chunks

ERASED = "[erased]"
MIN_PHONE_DIGITS = 7  # a shorter run of digits is too likely to be something else
# Tables whose rows hang on a contact through a ``contact_id`` column: the journal's
# ``changes.contact_id`` already names their person.
CHILD_TABLES = ("contact_emails", "contact_phones", "contact_addresses", "contact_urls",
                "contact_tags", "contact_fields", "contact_cards", "contact_uids", "consents",
                "labelled_dates",
                "interaction_contacts", "task_contacts", "event_contacts", "deal_contacts")
# Free text of other records that may still name the person after an erasure: reported so
# the user can judge them, never rewritten (another person's "lunch with Jane" is theirs).
FREE_TEXT = (("interactions", ("text", "outcome")), ("tasks", ("title", "notes")),
             ("events", ("title", "notes", "location")),
             ("event_exceptions", ("title", "location")), ("deals", ("title", "notes")),
             ("contacts", ("notes",)), ("contact_fields", ("value",)),
             ("relationships", ("related_name",)),
             ("companies", ("name", "email", "phone", "notes")), ("company_fields", ("value",)))
_PHONE_RUN = re.compile(r"\+?\(?\d[\d\s()./-]{4,}\d")


@dataclass(frozen=True)
class Identity:
    """What identifies a person in free text: every name, email address and phone number
    they had, as far as the tables and the journal remember."""

    contact_id: int
    names: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    since: int = 0  # journal changes up to this id concern an earlier holder of the id

    @property
    def name(self) -> str:
        return self.names[0]

    def _name_forms(self) -> list[str]:
        """Each name as typed and as it appears inside a JSON string."""
        forms = [f for n in self.names for f in (n, json.dumps(n, ensure_ascii=False)[1:-1])]
        # A one-letter name would match every "a" in the journal.
        return list(dict.fromkeys(f for f in forms if len(f.strip()) >= 2))

    def needles(self) -> list[str]:
        """Literal strings that any mention contains (for a LIKE pre-filter in SQL)."""
        return list(dict.fromkeys(n for n in (*self._name_forms(), *self.emails, *self.phones)
                                  if n.strip()))

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The names and addresses as whole words, case-insensitively."""
        parts = [r"(?<![\w.+-])" + re.escape(e) + r"(?!\.?[\w-])" for e in self.emails]
        parts += [r"(?<!\w)" + r"\s+".join(map(re.escape, n.split())) + r"(?!\w)"
                  for n in self._name_forms()]
        parts += [re.escape(p) for p in self.phones]
        return re.compile("|".join(parts) or r"(?!)", re.IGNORECASE)

    @cached_property
    def _digits(self) -> tuple[str, ...]:
        return tuple(d for d in map(phone_digits, self.phones) if len(d) >= MIN_PHONE_DIGITS)

    def mentioned_in(self, text: str | None) -> bool:
        """Whether ``text`` names this person: a name, an email, or a phone number however
        it is written (``555 010 0100`` is ``+1 (555) 010-0100``)."""
        if not text:
            return False
        if self.pattern.search(text):
            return True
        return bool(self._digits) and any(self._same_phone(run)
                                          for run in _PHONE_RUN.findall(text))

    def _same_phone(self, run: str) -> bool:
        digits = phone_digits(run)
        return len(digits) >= MIN_PHONE_DIGITS and any(
            d.endswith(digits) or digits.endswith(d) for d in self._digits)

    def scrub(self, text: str) -> str:
        """``text`` with every mention replaced by ``[erased]``."""
        text = self.pattern.sub(ERASED, text)
        return _PHONE_RUN.sub(lambda m: ERASED if self._same_phone(m[0]) else m[0], text)


def identity(db: Database, contact_id: int) -> Identity:
    """A contact's identity: current values first, then earlier ones from the journal
    (a changed email address is still in old before-images and calendar lines).

    Works for a contact deleted the ordinary way too, whose journal still holds them.
    """
    row = db.execute("SELECT display_name FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    names = [row[0]] if row else []
    emails = [r[0] for r in db.execute(
        "SELECT address FROM contact_emails WHERE contact_id = ? ORDER BY position, id",
        (contact_id,))]
    phones = [r[0] for r in db.execute(
        "SELECT number FROM contact_phones WHERE contact_id = ? ORDER BY position, id",
        (contact_id,))]
    since = life_start(db, contact_id)
    for table, key, bucket in (("contacts", "$.display_name", names),
                               ("contact_emails", "$.address", emails),
                               ("contact_phones", "$.number", phones)):
        for before, after in db.execute(
                "SELECT json_extract(before, ?), json_extract(after, ?) FROM changes"
                " WHERE contact_id = ? AND table_name = ? AND id > ? ORDER BY id DESC",
                (key, key, contact_id, table, since)):
            bucket += [v for v in (after, before) if isinstance(v, str) and v.strip()]
    if not names:
        raise NotFound(f"no contact with id {contact_id}, nor one in the journal")
    return Identity(contact_id, *(tuple(dict.fromkeys(b)) for b in (names, emails, phones)),
                    since=since)


def life_start(db: Database, contact_id: int) -> int:
    """The journal change after which ``contact_id`` means this person.

    SQLite gives a new row the highest id plus one, so after the newest contact is deleted
    the next one added gets its id: the journal's ``contact_id`` then names two people. The
    boundary is the last deletion of a contacts row with that id and another UID (a delete
    undone or restored keeps the UID, so it is the same person).
    """
    row = db.execute("SELECT uid FROM contacts WHERE id = ?", (contact_id,)).fetchone() \
        or db.execute("SELECT json_extract(coalesce(before, after), '$.uid') FROM changes"
                      " WHERE table_name = 'contacts' AND row_id = ? ORDER BY id DESC LIMIT 1",
                      (contact_id,)).fetchone()
    uid = row[0] if row else None
    return db.execute(
        "SELECT coalesce(max(id), 0) FROM changes WHERE table_name = 'contacts'"
        " AND row_id = ? AND action = 'delete' AND json_extract(before, '$.uid') IS NOT ?",
        (contact_id, uid)).fetchone()[0]


def deleted_contact(db: Database, contact_id: int) -> bool:
    """Whether ``contact_id`` names no contact now but one the journal remembers."""
    if db.execute("SELECT 1 FROM contacts WHERE id = ?", (contact_id,)).fetchone():
        return False
    return db.execute("SELECT 1 FROM changes WHERE table_name = 'contacts' AND row_id = ?"
                      " LIMIT 1", (contact_id,)).fetchone() is not None


def _ids(db: Database, sql: str, params: tuple) -> list[int]:
    return [r[0] for r in db.execute(sql, params)]


def _linked(db: Database, link: str, owner: str, contact_id: int, *, only: bool) -> list[int]:
    """Records (tasks, history entries...) linked to the contact; with ``only``, those
    linked to nobody else, which are about this person alone."""
    sql = f"SELECT {owner} FROM {link} WHERE contact_id = ?"
    if only:
        sql += f" AND {owner} NOT IN (SELECT {owner} FROM {link} WHERE contact_id <> ?)"
        return _ids(db, sql, (contact_id, contact_id))
    return _ids(db, sql, (contact_id,))


def _relationships(db: Database, contact_id: int) -> list[int]:
    return _ids(db, "SELECT id FROM relationships WHERE contact_id = ? OR related_id = ?",
                (contact_id, contact_id))


def saved_searches_about(db: Database, who: Identity) -> list[dict[str, Any]]:
    """Saved searches whose name or query names the person."""
    return [{"id": r["id"], "name": r["name"], "query": r["query"]}
            for r in db.query("SELECT id, name, query FROM saved_searches ORDER BY name")
            if who.mentioned_in(r["query"]) or who.mentioned_in(r["name"])]


def _like(needle: str) -> str:
    return "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _mentioning(db: Database, table: str, columns: Iterable[str], who: Identity,
                extra: str = "") -> Iterator[Any]:
    """Rows of ``table`` whose ``columns`` mention the person: a LIKE pre-filter in SQL
    (which also finds case variants of ASCII text), then the exact check in Python."""
    columns = list(columns)
    needles = who.needles()
    if not needles:
        return
    likes = " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in columns for _ in needles)
    params = [_like(n) for _ in columns for n in needles]
    sql = f"SELECT id, {', '.join(columns)}{extra} FROM {table} WHERE {likes}"
    for row in db.execute(sql, params):
        if any(who.mentioned_in(row[c]) for c in columns):
            yield row


def _changes_about(db: Database, who: Identity, rows: dict[str, list[int]]) -> dict[int, int]:
    """Journal changes about the person, as {change id: operation id}: those naming them
    (``contact_id``), those of the ``rows`` given by table, and any whose before or after
    image mentions their name, an email address or a phone number."""
    found = dict(db.execute("SELECT id, operation_id FROM changes WHERE contact_id = ?"
                            " AND id > ?", (who.contact_id, who.since)).fetchall())
    for table, ids in rows.items():
        for chunk in chunks(sorted(set(ids))):
            found.update(db.execute(
                f"SELECT id, operation_id FROM changes WHERE table_name = ? AND id > ?"
                f" AND row_id IN ({', '.join('?' * len(chunk))})",
                (table, who.since, *chunk)).fetchall())
    for row in _mentioning(db, "changes", ("before", "after"), who, ", operation_id"):
        found[row["id"]] = row["operation_id"]
    return found


def _operations_mentioning(db: Database, who: Identity, skip: int | None = None) -> list[Any]:
    return [r for r in db.query("SELECT id, command, summary FROM operations WHERE id IS NOT ?",
                                (skip,))
            if who.mentioned_in(r["command"]) or who.mentioned_in(r["summary"])]


def journal_about(db: Database, contact_id: int) -> list[dict[str, Any]]:
    """The operations that changed anything about the person, each with those changes
    (before and after images as objects), oldest first: the audit trail a subject access
    request is owed. Also operations whose command line or summary names them."""
    who = identity(db, contact_id)
    rows = {"contacts": [contact_id], "relationships": _relationships(db, contact_id),
            "interactions": _linked(db, "interaction_contacts", "interaction_id", contact_id,
                                    only=False),
            "tasks": _linked(db, "task_contacts", "task_id", contact_id, only=False),
            "events": _linked(db, "event_contacts", "event_id", contact_id, only=False),
            "deals": _linked(db, "deal_contacts", "deal_id", contact_id, only=False),
            "saved_searches": [s["id"] for s in saved_searches_about(db, who)]}
    changes = _changes_about(db, who, rows)
    op_ids = set(changes.values()) | {r["id"] for r in _operations_mentioning(db, who)}
    by_op: dict[int, list[dict[str, Any]]] = {i: [] for i in op_ids}
    for chunk in chunks(sorted(changes)):
        for r in db.execute(f"SELECT * FROM changes WHERE id IN ({', '.join('?' * len(chunk))})"
                            f" ORDER BY id", chunk):
            by_op[r["operation_id"]].append({
                "id": r["id"], "table": r["table_name"], "row_id": r["row_id"],
                "action": r["action"], "before": json.loads(r["before"]) if r["before"] else None,
                "after": json.loads(r["after"]) if r["after"] else None})
    out = []
    for chunk in chunks(sorted(op_ids)):
        for r in db.execute(f"SELECT * FROM operations WHERE id IN ({', '.join('?' * len(chunk))})"
                            f" ORDER BY id", chunk):
            out.append({"id": r["id"], "at": r["at"], "user": r["user"], "command": r["command"],
                        "summary": r["summary"], "kind": r["kind"],
                        "changes": sorted(by_op[r["id"]], key=lambda c: c["id"])})
    return out


@dataclass
class Erasure:
    """What an erasure removed (counts only, no personal data) and what it could not."""

    contact_id: int
    operation_id: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    journal_changes: int = 0
    operations_rewritten: int = 0
    calendar_lines: int = 0
    saved_searches: list[str] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    vacuumed: bool = False
    wal_emptied: bool = False


def forget(db: Database, contact_id: int) -> Erasure:
    """Erase a person from every table, the search index and the journal, then reclaim
    the space so that no page of the file or its -wal still holds their data.

    History entries and tasks linked to them alone are deleted with them; shared ones (and
    events and deals) lose only the link. Backups are not touched: the caller lists them.
    """
    who = identity(db, contact_id)
    result = Erasure(contact_id)
    secure = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = ON")  # freed pages are zeroed, not left readable
    command, db.command = db.command, f"rolodex privacy forget #{contact_id}"
    try:
        with db.write(f"privacy: erased contact #{contact_id}", kind="forget") as op_id:
            result.operation_id = op_id
            _erase(db, who, result)
        result.vacuumed, result.wal_emptied = reclaim(db)
    finally:
        db.command = command
        db.execute(f"PRAGMA secure_delete = {int(secure)}")
    return result


def _erase(db: Database, who: Identity, result: Erasure) -> None:
    contact_id = who.contact_id
    searches = saved_searches_about(db, who)
    tag_ids = _ids(db, "SELECT tag_id FROM contact_tags WHERE contact_id = ?", (contact_id,))
    doomed: dict[str, list[int]] = {
        "relationships": _relationships(db, contact_id),
        **{t: _ids(db, f"SELECT id FROM {t} WHERE contact_id = ?", (contact_id,))
           for t in CHILD_TABLES},
        "interactions": _linked(db, "interaction_contacts", "interaction_id", contact_id,
                                only=True),
        "tasks": _linked(db, "task_contacts", "task_id", contact_id, only=True),
        "saved_searches": [s["id"] for s in searches],
    }
    # Journal first: finding the changes of deleted rows needs nothing of the rows, but
    # the contact's identity must be known before its rows go.
    changes = _changes_about(db, who, {t: doomed[t] for t in (
        "relationships", "interactions", "tasks", "saved_searches")})
    for table, ids in doomed.items():
        result.rows[table] = _delete_ids(db, table, ids)
    result.rows["contacts"] = db.execute("DELETE FROM contacts WHERE id = ?",
                                         (contact_id,)).rowcount
    result.rows["contacts_fts"] = db.execute("DELETE FROM contacts_fts WHERE rowid = ?",
                                             (contact_id,)).rowcount
    # Merging every index segment into one drops the deleted row's terms for good.
    db.execute("INSERT INTO contacts_fts(contacts_fts) VALUES ('optimize')")
    unused = _ids(db, f"SELECT id FROM tags WHERE id IN ({', '.join('?' * len(tag_ids))})"
                  " AND NOT EXISTS (SELECT 1 FROM contact_tags WHERE tag_id = tags.id)"
                  " AND NOT EXISTS (SELECT 1 FROM company_tags WHERE tag_id = tags.id)",
                  tuple(tag_ids)) if tag_ids else []
    result.rows["tags"] = _delete_ids(db, "tags", unused)
    changes.update(_changes_about(db, who, {"tags": unused}))
    result.saved_searches = [s["name"] for s in searches]
    result.calendar_lines = _scrub_calendar(db, who)
    result.journal_changes = _delete_ids(db, "changes", list(changes))
    result.operations_rewritten = _rewrite_operations(
        db, who, set(changes.values()), result.operation_id, result.saved_searches)
    result.mentions = remaining_mentions(db, who)


def _delete_ids(db: Database, table: str, ids: list[int]) -> int:
    count = 0
    for chunk in chunks(sorted(set(ids))):
        count += db.execute(f"DELETE FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})",
                            chunk).rowcount
    return count


def _scrub_calendar(db: Database, who: Identity) -> int:
    """Drop the kept iCalendar lines (``raw``) of tasks and events that name the person,
    such as ``ATTENDEE;CN=Jane Doe:mailto:jane@...`` of an attendee never linked."""
    removed = 0
    for table in ("tasks", "events"):
        for row in list(_mentioning(db, table, ("raw",), who)):
            lines = row["raw"].split("\n")
            kept = [line for line in lines if not who.mentioned_in(line)]
            removed += len(lines) - len(kept)
            db.execute(f"UPDATE {table} SET raw = ? WHERE id = ?",
                       ("\n".join(kept) or None, row["id"]))
    return removed


def _rewrite_operations(db: Database, who: Identity, touched: set[int], stub: int,
                        searches: list[str]) -> int:
    """Neutralise the journal's command lines and summaries that describe the person.

    An operation that changed their rows had them as its arguments, so its whole command
    line goes; a summary keeps its words but loses the mentions ("edit contact [erased]"),
    and the names of the saved searches erased with them ("save search @[erased]").
    """
    named = re.compile("|".join(rf"@{re.escape(n)}(?![\w-])" for n in searches) or r"(?!)",
                       re.IGNORECASE)
    rows = {r["id"]: r for r in _operations_mentioning(db, who, stub)}
    for chunk in chunks(sorted(touched - {stub})):
        for r in db.execute(f"SELECT id, command, summary FROM operations WHERE id IN"
                            f" ({', '.join('?' * len(chunk))})", chunk):
            rows[r["id"]] = r
    changed = 0
    for op_id, r in rows.items():
        command = ERASED if r["command"] else r["command"]
        summary = named.sub(f"@{ERASED}", who.scrub(r["summary"]))
        if (command, summary) != (r["command"], r["summary"]):
            db.execute("UPDATE operations SET command = ?, summary = ? WHERE id = ?",
                       (command, summary, op_id))
            changed += 1
    return changed


def remaining_mentions(db: Database, who: Identity) -> list[dict[str, Any]]:
    """Where other records' free text still names the person: ``{table, id, column}``."""
    found = []
    for table, columns in FREE_TEXT:
        for row in _mentioning(db, table, columns, who):
            found += [{"table": table, "id": row["id"], "column": c}
                      for c in columns if who.mentioned_in(row[c])]
    return found


def reclaim(db: Database) -> tuple[bool, bool]:
    """Rewrite the file without free pages, then empty its -wal: (vacuumed, wal emptied).

    Either can be kept from finishing by another process (a writer holding the lock, a
    reader holding an old snapshot); the erasure itself is committed by then, so that is
    reported, not raised.
    """
    try:
        db.execute("VACUUM")
        vacuumed = True
    except sqlite3.OperationalError:
        vacuumed = False
    busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return vacuumed, busy == 0
