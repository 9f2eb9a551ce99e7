"""Planning a campaign: steps read from ``--step`` texts and template files, every blank
checked, the audience tried, then stored with its first members in one operation.

Everything that can be wrong with a campaign is found here, at the desk, not by a cron
job at night: an unknown field in a template, a missing file, a saved search that does
not exist, a mail step without a subject.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rolodex.errors import FileError, InvalidInput, NotFound
from rolodex.store.campaigns import definitions, members
from rolodex.store.campaigns.definitions import Step
from rolodex.store.db import Database

EXTRA_FIELDS = ("campaign", "unsubscribe")
KEEP = object()  # edit: leave the start as it is
STEP_FORMS = ("'0d mail welcome.md', '7d task \"call {{ first_name }}\"', "
              "'21d letter offer.md', '2w mail followup.md \"Still thinking?\"'")


@dataclass(frozen=True)
class Draft:
    """A step as typed: its offset, kind, and the file or the task title."""

    offset_days: int
    kind: str
    what: str
    subject: str | None = None


def parse_step(text: str) -> Draft:
    """``OFFSET KIND FILE [SUBJECT]`` or ``OFFSET task TITLE``: offsets in days (``7``,
    ``7d``) or weeks (``2w``)."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise InvalidInput(f"cannot read step '{text[:80]}': {exc}") from None
    if len(words) not in (3, 4):
        raise InvalidInput(f"cannot read step '{text[:80]}'", hint=f"as in {STEP_FORMS}")
    offset, kind, what = words[0].lower(), words[1].lower(), words[2]
    number = offset.rstrip("dw")
    if not number.isdigit() or len(offset) - len(number) > 1 or len(number) > 5:
        raise InvalidInput(f"cannot read the offset '{words[0]}' of step '{text[:80]}'",
                           hint="days or weeks from the start: 0d, 7d, 2w")
    days = int(number) * (7 if offset.endswith("w") else 1)
    if kind not in definitions.KINDS:
        raise InvalidInput(f"unknown step kind '{words[1]}'",
                           hint=f"use one of: {', '.join(definitions.KINDS)}")
    if len(words) == 4 and kind != "mail":
        raise InvalidInput(f"only a mail step takes a subject: '{text[:80]}'")
    return Draft(days, kind, what, words[3] if len(words) == 4 else None)


def read_template(path: str) -> str:
    from rolodex.formats.letter import read_template as read_limited

    try:
        with Path(path).expanduser().open("rb") as stream:
            return read_limited(stream, path)
    except OSError as exc:
        raise FileError(f"cannot read {path}: {exc.strerror}") from None


def build_step(db: Database, draft: Draft, default_subject: str | None) -> Step:
    """The step with its template read and checked (a task's title is a template too)."""
    from rolodex.formats import letter
    from rolodex.formats.campaign_mail import split_subject
    from rolodex.store.search.filters import custom_field_keys

    keys = custom_field_keys(db)
    if draft.kind == "task":
        title = " ".join(draft.what.split())
        if not title:
            raise InvalidInput("a task step needs a title")
        letter.check_fields(letter.parse(title, "task title"), "task title", keys,
                            EXTRA_FIELDS)
        return Step(draft.offset_days, "task", title)
    text = read_template(draft.what)
    subject, skipped = None, 0
    if draft.kind == "mail":
        found, body = split_subject(text)
        skipped, text = text[:len(text) - len(body)].count("\n"), body
        subject = draft.subject or found or default_subject
        if not subject:
            raise InvalidInput(f"the mail of {draft.what} has no subject",
                               hint="start the file with 'Subject: ...' and a blank line, "
                                    "or give --subject")
        letter.check_fields(letter.parse(subject, f"{draft.what} subject"),
                            f"{draft.what} subject", keys, EXTRA_FIELDS)
    # the subject line taken off, blanks are still named by their line in the file
    letter.check_fields(letter.parse("\n" * skipped + text, draft.what), draft.what, keys,
                        EXTRA_FIELDS)
    return Step(draft.offset_days, draft.kind, text, source=draft.what, subject=subject)


def audience_query(to: str | None, tags: list[str]) -> str:
    """``--to QUERY`` (``@lapsed``, ``tag:customer -tag:active``) and ``--tag`` as one
    query."""
    parts = [to.strip()] if to and to.strip() else []
    parts += [f"tag:{shlex.quote(t)}" for t in tags]
    if not parts:
        raise InvalidInput("whom is the campaign for? --to @SEARCH or --tag T",
                           hint="rolodex campaign add winter --to @customers --template "
                                "offer.md --on 2026-12-15")
    return " ".join(parts)


def audience_ids(db: Database, query: str) -> list[int]:
    """Who the audience query selects now; a ``@NAME`` that is no saved search is an
    error here (a search would read it as text)."""
    from rolodex.store.search.filters import parse
    from rolodex.store.search.query import query_of, search_contacts

    for term in parse(query).terms:
        if term.key == "@" and query_of(db, term.value) is None:
            raise NotFound(f"no saved search named {term.value}",
                           hint="'rolodex search saved' lists them")
    return search_contacts(db, query)


def add(db: Database, name: str, *, audience: str, drafts: list[Draft], start: date | None,
        subject: str | None, purpose: str, basis: str, only_new: bool,
        today: date) -> dict[str, Any]:
    """Plan the campaign and record who is in its audience today; returns its row."""
    from rolodex.store.privacy.consent import check_purpose

    purpose = check_purpose(purpose)
    steps = [build_step(db, d, subject) for d in drafts]
    ids = audience_ids(db, audience)
    with db.write(f"add campaign {name}"):
        campaign_id = definitions.add(db, name, audience=audience, purpose=purpose,
                                      basis=basis, start=start, steps=steps,
                                      only_new=only_new)
        members.enrol_first(db, campaign_id, ids, today, only_new=only_new)
    return dict(db.execute("SELECT * FROM campaigns WHERE id = ?", (campaign_id,)).fetchone())


def reload_templates(db: Database, campaign_id: int) -> list[int]:
    """Read every step's template file again and check it; returns the positions that
    changed. A file that is gone fails the whole reload, changing nothing."""
    rows = definitions.steps_of(db, campaign_id)
    fresh = []
    for row in rows:
        if row["kind"] == "task":
            continue
        step = build_step(db, Draft(row["offset_days"], row["kind"], row["source"]),
                          row["subject"])
        fresh.append((row, step))
    changed = []
    with db.write(f"reload campaign #{campaign_id}"):
        for row, step in fresh:
            if definitions.replace_text(db, row["id"], step.body, step.subject):
                changed.append(row["position"])
    return changed


def edit(db: Database, row: Any, *, audience: str | None, start: Any, purpose: str | None,
         basis: str | None, rename: str | None, add_steps: list[Draft],
         drop_steps: list[int], reload: bool) -> tuple[Any, list[int]]:
    """Change a campaign in one operation; returns its row afterwards and the positions
    whose templates changed on ``reload``. A new audience is tried first."""
    from rolodex.store.privacy.consent import check_purpose

    values: dict[str, Any] = {}
    if audience is not None:
        audience_ids(db, audience)
        values["audience"] = audience
    if start is not KEEP:
        values["start"] = start
    if purpose:
        values["purpose"] = check_purpose(purpose)
    if basis:
        values["basis"] = basis
    if rename:
        values["name"] = definitions.check_name(rename)
    steps = [build_step(db, d, None) for d in add_steps]
    if not (values or steps or drop_steps or reload):
        raise InvalidInput("nothing to change", hint="see 'rolodex campaign edit --help'")
    changed: list[int] = []
    with db.write(f"edit campaign {row['name']}"):
        if values:
            definitions.update(db, row["id"], values)
        for position in drop_steps:
            definitions.drop_step(db, row["id"], position)
        for step in steps:
            definitions.add_step(db, row["id"], step)
        if reload:
            changed = reload_templates(db, row["id"])
    return db.execute("SELECT * FROM campaigns WHERE id = ?", (row["id"],)).fetchone(), changed


def opt_out(db: Database, contact_ids: list[int], *, source: str,
            evidence: str | None) -> int:
    """Out of every campaign for good (``members.opt_out`` each, in one operation);
    returns how many were not opted out already."""
    with db.write(f"opt out {len(contact_ids)} contact(s) of marketing"):
        return sum(members.opt_out(db, cid, source, evidence) is not None
                   for cid in contact_ids)
