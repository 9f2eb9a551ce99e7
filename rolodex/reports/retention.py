"""Stale records: people kept without contact and without consent for a long time.

Data protection law says personal data is kept no longer than needed; a person nobody has
been in touch with for years and who never agreed to be kept (or withdrew) is the first to
review. This report finds them; deciding, and ``privacy forget``, stays with the user.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rolodex.dates import to_utc_iso
from rolodex.store.db import Database

KEYS = ("id", "uid", "name", "email", "company", "created", "last_contacted", "last_consent",
        "last_consent_status", "last_consent_purpose")

# A grant counts while it was in force at any moment since the cutoff: given since, or
# given before and not withdrawn before the cutoff.
_STALE = """
WITH seen AS (SELECT id AS contact_id, at FROM contact_last),
latest AS (SELECT contact_id, purpose, status, at,
                  row_number() OVER (PARTITION BY contact_id ORDER BY at DESC, id DESC) AS n
           FROM consents)
SELECT c.id, c.uid, c.display_name AS name,
       (SELECT address FROM contact_emails e WHERE e.contact_id = c.id
        ORDER BY preferred DESC, position, id LIMIT 1) AS email,
       co.name AS company, c.created, seen.at AS last_contacted, latest.at AS last_consent,
       latest.status AS last_consent_status, latest.purpose AS last_consent_purpose
FROM contacts c
LEFT JOIN companies co ON co.id = c.company_id
LEFT JOIN seen ON seen.contact_id = c.id
LEFT JOIN latest ON latest.contact_id = c.id AND latest.n = 1
WHERE c.created < :cutoff AND (seen.at IS NULL OR seen.at < :cutoff)
  AND NOT EXISTS (
    SELECT 1 FROM consents g WHERE g.contact_id = c.id AND g.status = 'granted'
      AND (g.at >= :cutoff OR NOT EXISTS (
        SELECT 1 FROM consents w WHERE w.contact_id = g.contact_id AND w.purpose = g.purpose
          AND w.status = 'withdrawn' AND w.at < :cutoff
          AND (w.at > g.at OR (w.at = g.at AND w.id > g.id)))))
ORDER BY max(c.created, coalesce(seen.at, ''), coalesce(latest.at, '')), c.sort_key, c.id
"""


def stale(db: Database, cutoff: datetime, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Contacts created before ``cutoff`` with no history entry since and no consent
    granted at any time since; longest silent first."""
    sql, params = _STALE, {"cutoff": to_utc_iso(cutoff)}
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return [{key: row[key] for key in KEYS} for row in db.execute(sql, params)]
