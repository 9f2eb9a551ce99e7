"""``rolodex doctor --quick``: the checks that answer in a second or two on a 500 MB file.

``doctor`` reads every page and index entry twice over (SQLite's ``integrity_check``
compares each index with its table: 13 s at 100,000 contacts and 1,000,000 history
entries) and walks every link table. ``--quick`` keeps what costs one pass over the file
or an indexed probe:

- ``integrity``: SQLite's ``quick_check`` (every page, record and constraint, but not
  whether each index holds exactly its table's rows);
- ``search_index``: contacts missing from the full-text index and index rows of contacts
  that are gone (an anti-join each way), not whether each row's words are up to date;
- ``contact_dates``, ``settings``, ``unused_tags``, ``backup_copies``: as ``doctor``.

It leaves out ``foreign_keys``, ``last_contacted`` and ``lonely_history`` (each a scan of
the history's million rows or of every link table), and repairs nothing: ``doctor``
without ``--quick`` finds all of it, and ``--fix`` repairs it.
"""

from __future__ import annotations

from rolodex.store.care.doctor import Check, check_backup_copies, run_checks
from rolodex.store.care.doctor_rows import check_contact_dates, check_settings, check_unused_tags
from rolodex.store.care.findings import OK, PROBLEM, finding, listed
from rolodex.store.db import Database

LEFT_OUT = ("foreign_keys", "last_contacted", "lonely_history")

_MISSING = ("SELECT id FROM contacts WHERE id NOT IN (SELECT rowid FROM contacts_fts)"
            " ORDER BY id")
_GONE = ("SELECT rowid FROM contacts_fts WHERE rowid NOT IN (SELECT id FROM contacts)"
         " ORDER BY rowid")


def check_quick_integrity(db: Database) -> list[dict]:
    """SQLite's ``quick_check``: damaged pages, records and constraints, without comparing
    each index entry with its table row (what makes ``integrity_check`` slow)."""
    messages = [r[0] for r in db.execute("PRAGMA quick_check(100)")]
    if messages == ["ok"]:
        return [finding("integrity", OK)]
    return [finding("integrity", PROBLEM, len(messages),
                    "damaged: " + listed(messages) + "; restore a backup "
                    "('rolodex backup --list', then 'rolodex restore FILE')")]


def check_index_rows(db: Database) -> list[dict]:
    """Contacts the full-text index lacks, and its rows of contacts that are gone: search
    misses the first and finds ghosts with the second. Two indexed anti-joins, not the
    row-by-row comparison of every indexed word ``doctor`` makes."""
    missing = [r[0] for r in db.execute(_MISSING)]
    gone = [r[0] for r in db.execute(_GONE)]
    if not missing and not gone:
        return [finding("search_index", OK)]
    parts = []
    if missing:
        parts.append(f"{len(missing)} contact(s) missing from it: "
                     + listed([f"#{i}" for i in missing]))
    if gone:
        parts.append(f"{len(gone)} row(s) for contacts that are gone")
    return [finding("search_index", PROBLEM, len(missing) + len(gone),
                    "; ".join(parts) + " ('rolodex doctor --fix' rebuilds those rows)",
                    fixable=True)]


QUICK_CHECKS: dict[str, Check] = {
    "integrity": check_quick_integrity,
    "search_index": check_index_rows,
    "contact_dates": check_contact_dates,
    "unused_tags": check_unused_tags,
    "settings": check_settings,
    "backup_copies": check_backup_copies,
}


def examine_quick(db: Database) -> list[dict]:
    """The quick checks, changing nothing, on one read snapshot."""
    return run_checks(db, QUICK_CHECKS)
