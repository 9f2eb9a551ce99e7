"""A step made concrete for one person: the blanks of its subject, body or task title
filled from their record, with the campaign's name and the way to unsubscribe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any

from rolodex.store.db import Database


@dataclass(frozen=True)
class Rendered:
    record: dict[str, Any]   # the contact JSON shape
    subject: str | None
    body: str


def person(db: Database, contact_id: int) -> dict[str, Any]:
    from rolodex.store.people import contact_queries

    return contact_queries.fetch(db, [contact_id])[0]


def render(db: Database, campaign: Any, step: Any, record: dict[str, Any], *, today: date,
           zone: tzinfo, unsubscribe: str = "", closing: str = "") -> Rendered:
    """The step's texts for ``record``; a mail gets ``closing`` (the unsubscribe line)
    after a signature separator."""
    from rolodex.formats import letter
    from rolodex.store.activity import history

    last = history.list_entries(db, contact_ids=[record["id"]], limit=1)
    values = letter.values(record, last[0] if last else None, today, zone)
    values["campaign"] = campaign["name"]
    values["unsubscribe"] = unsubscribe
    body = letter.render(letter.parse(step["body"], step["source"] or "task title"), values)
    subject = None
    if step["subject"]:
        subject = letter.render(letter.parse(step["subject"], "subject"), values)
    if step["kind"] == "task":
        body = " ".join(body.split())
    if closing:
        line = closing.replace("{{ unsubscribe }}", unsubscribe)
        body = body.rstrip("\n") + "\n\n-- \n" + line + "\n"
    return Rendered(record, subject, body)


def letter_name(campaign: Any, step: Any, record: dict[str, Any]) -> str:
    """``2-12-jane-doe.md``: the step, then merge-letter's file name for the person."""
    from pathlib import Path

    from rolodex.formats.letter import file_name

    suffix = Path(step["source"] or "").suffix or ".txt"
    return f"{step['position']}-{file_name(record['id'], record['name'], suffix)}"
