"""Campaign data for tests, made through the real store API (``definitions.add``,
``members.enrol_first``, ``ledger.claim``/``record_outcome``) on the test's database,
with the clock moved by ``ROLODEX_NOW`` as a run on that day would see it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from rolodex.store.campaigns import definitions, ledger, members
from rolodex.store.db import Database
from rolodex.store.opening import open_db


@contextmanager
def store() -> Iterator[Database]:
    """The test's database, opened as a command would, closed after."""
    db = open_db(Path(os.environ["ROLODEX_DB"]))
    try:
        yield db
    finally:
        db.close()


@contextmanager
def clock(moment: str) -> Iterator[None]:
    """Now is ``moment`` (UTC, ``2026-11-18T23:30:00Z``) inside the block."""
    before = os.environ["ROLODEX_NOW"]
    os.environ["ROLODEX_NOW"] = moment
    try:
        yield
    finally:
        os.environ["ROLODEX_NOW"] = before


def mail(offset: int, subject: str, body: str = "Dear {{ first_name }},\n") -> definitions.Step:
    return definitions.Step(offset, "mail", body, f"{subject.lower()}.md", subject)


def task(offset: int, title: str) -> definitions.Step:
    return definitions.Step(offset, "task", title)


def letter(offset: int, source: str) -> definitions.Step:
    return definitions.Step(offset, "letter", "Dear {{ first_name }},\n", source)


def campaign(name: str, steps: list[definitions.Step], people: list[int], *,
             start: date | None = None, entered: date = date(2026, 11, 20),
             purpose: str = "marketing", basis: str = "legitimate-interest",
             audience: str = "tag:all") -> int:
    """A campaign whose members entered on ``entered``; returns its id."""
    with store() as db:
        campaign_id = definitions.add(db, name, audience=audience, purpose=purpose,
                                      basis=basis, start=start, steps=steps)
        with db.transaction():
            members.enrol_first(db, campaign_id, people, entered, only_new=False)
    return campaign_id


def join(campaign_id: int, people: list[int], entered: date) -> None:
    """More members, entering on ``entered``."""
    with store() as db, db.transaction():
        members.enrol_first(db, campaign_id, people, entered, only_new=False)


def step_id(campaign_id: int, position: int) -> int:
    with store() as db:
        return next(s["id"] for s in definitions.steps_of(db, campaign_id)
                    if s["position"] == position)


def send(campaign_id: int, position: int, contact_id: int, at: str, *,
         message_id: str | None = None, status: str = "sent",
         address: str | None = None) -> int:
    """A send recorded by the ledger at ``at`` (UTC); returns its id."""
    sid = step_id(campaign_id, position)
    with clock(at), store() as db:
        send_id = ledger.claim(db, campaign_id, sid, contact_id, address=address,
                               message_id=message_id)
        with db.transaction():
            ledger.record_outcome(db, send_id, status)
    return send_id


def run(today: date, *names: str) -> list[dict]:
    """``campaign run`` of these campaigns through the real runner (task and letter steps
    need no mail server); returns what it did, row by row."""
    from zoneinfo import ZoneInfo

    from rolodex.campaigns.run import Options, Runner

    with store() as db:
        runner = Runner(db, Options(today, ZoneInfo("Europe/Berlin"), Path("letters")))
        rows = [definitions.get_row(db, name) for name in names]
        return [outcome.row() for outcome in runner.run(rows)]
