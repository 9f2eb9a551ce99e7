"""merge-letter as a use case: one letter per contact from a template, each logged in
the contact's history when asked, all in one operation.

The letters are handed to ``deliver`` (stdout, or files in a folder: the caller's I/O)
inside the operation, so a letter that cannot be written leaves no history entry behind
and a logged entry always has its letter.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from datetime import date, tzinfo
from pathlib import Path
from typing import Any

from rolodex.store.db import Database


def merge_letters(db: Database, parsed: Any, ids: list[int], *, source: str, today: date,
                  zone: tzinfo, log: bool,
                  deliver: Callable[[list[tuple[dict, str]]], None]) -> int:
    """Render ``parsed`` (``formats.letter.parse``) for each contact of ``ids``, in that
    order; log a 'letter' history entry for each with ``log``; returns how many."""
    from rolodex.dates import now
    from rolodex.formats import letter
    from rolodex.store.activity import history
    from rolodex.store.people import contact_queries

    texts = []
    for record in contact_queries.fetch(db, ids):
        last = history.list_entries(db, contact_ids=[record["id"]], limit=1)
        texts.append((record, letter.render(parsed, letter.values(
            record, last[0] if last else None, today, zone))))
    with db.write(f"merge-letter {source}") if log else nullcontext():
        if log:
            at = now()
            for record, _ in texts:
                history.log(db, [record["id"]], "letter", at=at,
                            text=f"Letter from {Path(source).name}", check=False)
        deliver(texts)
    return len(texts)
