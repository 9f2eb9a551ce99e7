"""The database's health: what ``rolodex doctor`` checks, and what ``--fix`` may repair.

Each check returns findings (plain dicts, one per problem found, or one ``ok``); each
repair recomputes its own targets inside the single write transaction of ``repair``, so
an earlier repair (a deleted orphan link) is seen by a later one (an unused tag).

Severity is a judgement per check. ``problem`` means something is wrong (damage, rows a
foreign key forbids, a stale search index, a setting no command can read) and makes
``rolodex doctor`` fail. ``info`` is housekeeping that ordinary use leaves behind (a tag
nobody uses since the last ``untag``, history that was only about a deleted company):
reported and tidied by ``--fix``, but not a failure.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from rolodex.store import journal
from rolodex.store.care.backups import bulk_write
from rolodex.store.care.doctor_rows import (
    check_contact_dates,
    check_last_contacted,
    check_lonely_history,
    check_settings,
    check_unused_tags,
    fix_contact_dates,
    fix_last_contacted,
    fix_lonely_history,
    fix_settings,
    fix_unused_tags,
)
from rolodex.store.care.findings import FIXED, INFO, OK, PROBLEM, finding, listed
from rolodex.store.db import Database

# Journal tables are rewritten directly: journalling a change to the journal itself
# would only add more rows about rows nobody can undo.
_JOURNAL_TABLES = frozenset({"operations", "changes"})


# --- integrity ------------------------------------------------------------------------

def check_integrity(db: Database) -> list[dict]:
    """SQLite's own check of every page, index and constraint; never repaired here."""
    messages = [r[0] for r in db.execute("PRAGMA integrity_check(100)")]
    if messages == ["ok"]:
        return [finding("integrity", OK)]
    return [finding("integrity", PROBLEM, len(messages),
                    "damaged: " + listed(messages) + "; restore a backup "
                    "('rolodex backup --list', then 'rolodex restore FILE')")]


# --- foreign keys -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Link:
    """One foreign key of one table, as ``PRAGMA foreign_key_list`` describes it."""

    table: str
    column: str
    parent: str
    on_delete: str

    @property
    def repair(self) -> str | None:
        """What SQLite would have done had foreign keys been on: delete or unlink."""
        return {"CASCADE": "delete", "SET NULL": "unlink"}.get(self.on_delete)


def _violations(db: Database) -> dict[_Link, list[int]]:
    """Rows whose foreign key points nowhere, by table and key (written with keys off)."""
    links: dict[tuple[str, int], _Link] = {}
    out: dict[_Link, list[int]] = defaultdict(list)
    for table, rowid, parent, fkid in db.execute("PRAGMA foreign_key_check").fetchall():
        if (table, fkid) not in links:
            for fk in db.execute("SELECT * FROM pragma_foreign_key_list(?)", (table,)):
                links[(table, fk["id"])] = _Link(table, fk["from"], fk["table"], fk["on_delete"])
        out[links.get((table, fkid)) or _Link(table, "?", parent, "")].append(rowid)
    return out


def check_foreign_keys(db: Database) -> list[dict]:
    """Link and child rows pointing to a row that is gone: a contact's card, a tag link,
    a deal's stage history, journal changes whose operation is gone."""
    found = _violations(db)
    if not found:
        return [finding("foreign_keys", OK)]
    rows = []
    for link, ids in sorted(found.items(), key=lambda item: (item[0].table, item[0].column)):
        action = {"delete": "--fix deletes them", "unlink": "--fix clears the link"}.get(
            link.repair or "", "not repairable here")
        rows.append(finding("foreign_keys", PROBLEM, len(ids),
                            f"{link.table}.{link.column}: {len(ids)} row(s) point to missing"
                            f" {link.parent} ({action})", fixable=link.repair is not None))
    return rows


def fix_foreign_keys(db: Database) -> list[dict]:
    """Delete or unlink each violating row, journalled (the journal's own rows directly)."""
    rows = []
    for link, ids in sorted(_violations(db).items(),
                            key=lambda item: (item[0].table, item[0].column)):
        if link.repair is None:
            continue
        for row_id in ids:
            if link.table in _JOURNAL_TABLES and link.repair == "delete":
                # link.table is one of the constant names just tested
                db.execute(f"DELETE FROM {link.table} WHERE id = ?", (row_id,))
            elif link.repair == "delete":
                journal.delete(db, link.table, row_id)
            else:
                journal.update(db, link.table, row_id, {link.column: None})
        done = "deleted" if link.repair == "delete" else "unlinked"
        rows.append(finding("foreign_keys", FIXED, len(ids),
                            f"{link.table}.{link.column}: {done} {len(ids)} row(s) that"
                            f" pointed to missing {link.parent}"))
    return rows


# --- search index -----------------------------------------------------------------------

@dataclass
class _IndexState:
    damaged: bool
    missing: list[int]
    stale: list[int]
    extra: list[int]

    @property
    def count(self) -> int:
        return len(self.missing) + len(self.stale) + len(self.extra) + int(self.damaged)


def _fts_damaged(db: Database) -> bool:
    """FTS5's own check that its inverted index matches the text it stores. Asking is an
    INSERT: a read-only database cannot be asked, and is not damaged for that (the row
    by row comparison still runs)."""
    try:
        db.execute("INSERT INTO contacts_fts (contacts_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as exc:
        if _is_busy(exc):
            raise
        return "readonly" not in str(exc).lower()
    return False


def _index_state(db: Database, damaged: bool) -> _IndexState:
    """Compare every index row with what ``reindex_contacts`` would write now.

    One pass over each side, holding only a hash per stored row: at 100,000 contacts
    this takes seconds, where reindexing everyone would take minutes.
    """
    from rolodex.store.search.fulltext import INDEX_COLUMNS, index_rows

    stored = {rowid: hash(tuple(values)) for rowid, *values in db.execute(
        f"SELECT rowid, {', '.join(INDEX_COLUMNS)} FROM contacts_fts")}
    missing, stale = [], []
    for contact_id, values in index_rows(db):
        digest = stored.pop(contact_id, None)
        if digest is None:
            missing.append(contact_id)
        elif digest != hash(values):
            stale.append(contact_id)
    return _IndexState(damaged, missing, stale, sorted(stored))


def _index_detail(state: _IndexState) -> str:
    parts = []
    if state.damaged:
        parts.append("the index itself is damaged")
    if state.missing:
        parts.append(f"{len(state.missing)} contact(s) missing from it")
    if state.stale:
        parts.append(f"{len(state.stale)} out of date")
    if state.extra:
        parts.append(f"{len(state.extra)} row(s) for contacts that are gone")
    return "; ".join(parts)


def check_search_index(db: Database, *, damaged: bool = False) -> list[dict]:
    """The full-text index is written by code, not triggers: a buggy or foreign-keys-off
    write can leave it behind the tables, and search then misses people.

    ``damaged`` is FTS5's own verdict, taken by the caller outside the read snapshot
    (asking for it is an INSERT, which would need the write lock).
    """
    state = _index_state(db, damaged)
    if not state.count:
        return [finding("search_index", OK)]
    return [finding("search_index", PROBLEM, state.count,
                    _index_detail(state) + " (--fix rebuilds those rows)", fixable=True)]


def fix_search_index(db: Database) -> list[dict]:
    """Rebuild a damaged index, rewrite missing and stale rows, drop rows of nobody."""
    from rolodex.store.search.fulltext import reindex_contacts

    state = _index_state(db, _fts_damaged(db))
    if not state.count:
        return []
    if state.damaged:
        db.execute("INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild')")
    reindex_contacts(db, state.missing + state.stale)
    for rowid in state.extra:
        db.execute("DELETE FROM contacts_fts WHERE rowid = ?", (rowid,))
    return [finding("search_index", FIXED, state.count, "rebuilt: " + _index_detail(state))]


# --- half-written backup copies ------------------------------------------------------------

def check_backup_copies(db: Database) -> list[dict]:
    """Copies a killed backup left behind hold everyone's data and are listed nowhere
    else; the next backup removes them, ``--fix`` now."""
    from rolodex.store.care.backup_temps import copies
    from rolodex.store.care.backups import stale_copies

    paths = stale_copies(db.path)
    if not paths:
        return [finding("backup_copies", OK)]
    count = copies(paths)
    return [finding("backup_copies", INFO, count,
                    f"{count} half-written backup copies left by a killed backup: "
                    + listed([str(p) for p in paths]) + " (--fix removes them)", fixable=True)]


def fix_backup_copies(db: Database) -> list[dict]:
    from rolodex.store.care.backup_temps import remove
    from rolodex.store.care.backups import stale_copies

    removed = remove(stale_copies(db.path))
    return [finding("backup_copies", FIXED, removed,
                    f"removed {removed} half-written backup copies")] if removed else []


# --- running them -----------------------------------------------------------------------

Check = Callable[[Database], list[dict]]
# In output order. Integrity comes first: when it fails nothing else is trusted or fixed.
CHECKS: dict[str, Check] = {
    "integrity": check_integrity,
    "foreign_keys": check_foreign_keys,
    "search_index": check_search_index,
    "last_contacted": check_last_contacted,
    "contact_dates": check_contact_dates,
    "lonely_history": check_lonely_history,
    "unused_tags": check_unused_tags,
    "settings": check_settings,
    "backup_copies": check_backup_copies,
}
# In repair order: orphans go before the tags they used and the index they fed.
FIXES: dict[str, Check] = {
    "foreign_keys": fix_foreign_keys,
    "last_contacted": fix_last_contacted,
    "contact_dates": fix_contact_dates,
    "lonely_history": fix_lonely_history,
    "unused_tags": fix_unused_tags,
    "settings": fix_settings,
    "search_index": fix_search_index,
    "backup_copies": fix_backup_copies,
}


def run_checks(db: Database, checks: dict[str, Check]) -> list[dict]:
    """Run ``checks`` on one read snapshot, so a concurrent writer cannot make the tables
    and the index disagree half-way through; a check SQLite cannot run is a problem row."""
    if checks.get("search_index") is check_search_index:
        damaged = _fts_damaged(db)
        checks = {**checks, "search_index": lambda db: check_search_index(db, damaged=damaged)}
    own = not db.conn.in_transaction
    if own:
        db.execute("BEGIN")
    try:
        out = []
        for name, check in checks.items():
            try:
                out += check(db)
            except sqlite3.DatabaseError as exc:
                if _is_busy(exc):
                    raise
                out.append(finding(name, PROBLEM, 1, f"could not be checked: {exc}"))
    finally:
        if own and db.conn.in_transaction:
            _end_snapshot(db)
    return out


def _end_snapshot(db: Database) -> None:
    """End the read snapshot. On a damaged file SQLite may refuse even that, after the
    checks said why: nothing was written, so it is let go rather than hiding them."""
    try:
        db.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        if _is_busy(exc):
            raise
        db.conn.rollback()


def _is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def examine(db: Database) -> list[dict]:
    """Every check, changing nothing: the rows ``rolodex doctor`` prints."""
    return run_checks(db, CHECKS)


def healthy(findings: list[dict]) -> bool:
    """No problem remains (``info`` rows are housekeeping, not failures)."""
    return not any(f["status"] == PROBLEM for f in findings)


def repair(db: Database) -> list[dict]:
    """Examine, repair what is safe in one journalled operation (after an automatic
    backup), then examine again: a row says ``fixed`` only when the check now passes.

    A failed integrity check stops everything: writing into a damaged file can spread the
    damage, and the way back is a backup, not a repair.
    """
    before = examine(db)
    if any(f["check"] == "integrity" and f["status"] == PROBLEM for f in before):
        return before
    if not any(f["fixable"] and f["status"] in (PROBLEM, INFO) for f in before):
        return before
    repaired: dict[str, list[dict]] = {}
    with bulk_write(db, "doctor --fix", "doctor"):
        for name, fix in FIXES.items():
            try:
                with db.savepoint("fix"):  # a repair SQLite refuses undoes only itself
                    repaired[name] = fix(db)
            except sqlite3.DatabaseError as exc:
                if _is_busy(exc):
                    raise
                repaired[name] = [finding(name, PROBLEM, 1, f"could not be repaired: {exc}")]
    after = run_checks(db, {k: v for k, v in CHECKS.items() if k != "integrity"})
    out = [f for f in before if f["check"] == "integrity"]
    for name in CHECKS:
        if name == "integrity":
            continue
        remaining = [f for f in after if f["check"] == name and f["status"] != OK]
        fixed = repaired.get(name, [])
        out += fixed + remaining or [finding(name, OK)]
    return out


def summary(findings: list[dict]) -> Counter:
    """How many rows of each status, for the closing line."""
    return Counter(f["status"] for f in findings)
