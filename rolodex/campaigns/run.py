"""``campaign run``: send what is due today, each person each step once.

For each active campaign: release what a killed run claimed but never handed over, report
what it handed over without hearing back (unconfirmed: never sent again without the
user's word), bring the membership up to date, then walk the steps in order and the
people each is due for. A mail is claimed (committed), handed to the server with the
ledger marked just before its last byte, and recorded as sent in the transaction that
logs it in the person's history; a letter is written to its file and recorded the same
way; a task is created with its ledger row in one transaction.

The server failing for now (4xx, a dropped connection, unreachable) stops the run with
nothing half-done: the next run sends exactly the rest. A server refusing one recipient
for good (5xx) records that send as failed and goes on.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, tzinfo
from pathlib import Path
from typing import Any

from rolodex.campaigns.outcome import Outcome
from rolodex.campaigns.plan import audience_ids
from rolodex.errors import RolodexError
from rolodex.store.campaigns import definitions, ledger, members
from rolodex.store.db import Database


@dataclass
class Options:
    today: date
    zone: tzinfo
    letters: Path
    dry_run: bool = False
    rate: int = 60                     # mails per minute; 0: no limit
    limit: int | None = None           # mails in this run at most
    resend_unconfirmed: bool = False
    transport: Callable[[], Any] | None = None   # made on the first mail
    sender: Callable[[], Any] | None = None
    sleep: Callable[[float], None] = time.sleep


@dataclass
class Totals:
    waiting: dict[str, int] = field(default_factory=dict)  # campaign -> no consent yet
    entered: int = 0
    left: int = 0
    stopped: str | None = None         # why the run stopped early, if it did
    error: BaseException | None = None  # the error that stopped it (its exit code)
    problems: list[tuple[str, Exception]] = field(default_factory=list)  # campaigns skipped


class Runner:
    def __init__(self, db: Database, options: Options) -> None:
        self.db = db
        self.o = options
        self.totals = Totals()
        self._transport: Any = None
        self._sender: Any = None
        self._mails = 0
        self._last_mail: float | None = None
        self._reuse: dict[tuple[int, int], str] = {}  # (step, contact) -> Message-ID

    def run(self, campaigns: list[Any]) -> Iterator[Outcome]:
        try:
            for campaign in campaigns:
                if campaign["status"] != "active":
                    continue
                yield from self._leftovers(campaign)
                try:
                    if not self.o.dry_run:
                        self._refresh(campaign)
                    else:  # the audience must still exist
                        audience_ids(self.db, campaign["audience"])
                except RolodexError as exc:  # its saved search is gone: the others go on
                    self.totals.problems.append((campaign["name"], exc))
                    continue
                yield from self._campaign(campaign)
        except _Stop:
            return
        finally:
            if self._transport is not None:
                self._transport.close()

    def _leftovers(self, campaign: Any) -> Iterator[Outcome]:
        claimed, sending = ledger.leftovers(self.db, campaign["id"])
        for row in claimed if not self.o.dry_run else ():
            ledger.release(self.db, row["id"])
        steps = {s["id"]: s for s in definitions.steps_of(self.db, campaign["id"])}
        for row in sending:
            step = steps[row["step_id"]]
            if self.o.resend_unconfirmed and not self.o.dry_run:
                self._reuse[(row["step_id"], row["contact_id"])] = row["message_id"]
                ledger.release(self.db, row["id"])
                continue
            yield Outcome(campaign["name"], step["position"], step["kind"], row["contact_id"],
                          _name(self.db, row["contact_id"]), row["address"], "unconfirmed",
                          "handed to the server when a run stopped; 'rolodex campaign "
                          "confirm' or 'run --resend-unconfirmed' settles it",
                          row["message_id"])

    def _refresh(self, campaign: Any) -> None:
        ids = audience_ids(self.db, campaign["audience"])
        with self.db.transaction():
            counts = members.refresh(self.db, campaign, ids, self.o.today)
        self.totals.entered += counts["entered"]
        self.totals.left += counts["left"]

    def _campaign(self, campaign: Any) -> Iterator[Outcome]:
        for step in definitions.steps_of(self.db, campaign["id"]):
            for contact_id in ledger.due(self.db, campaign, step, self.o.today):
                allowed, reason = members.may_reach(self.db, campaign, contact_id)
                if reason:
                    if not self.o.dry_run:
                        members.leave(self.db, campaign["id"], contact_id, self.o.today,
                                      reason)
                    yield Outcome(campaign["name"], step["position"], step["kind"],
                                  contact_id, _name(self.db, contact_id), status="left",
                                  detail=reason)
                    continue
                if not allowed:
                    waiting = self.totals.waiting
                    waiting[campaign["name"]] = waiting.get(campaign["name"], 0) + 1
                    continue
                outcome = self._one(campaign, step, contact_id)
                if outcome is not None:
                    yield outcome
                if self.totals.stopped:
                    raise _Stop

    def _one(self, campaign: Any, step: Any, contact_id: int) -> Outcome | None:
        from rolodex.campaigns import deliver

        if step["kind"] == "mail":
            if self.o.limit is not None and self._mails >= self.o.limit:
                self.totals.stopped = f"the limit of {self.o.limit} mail(s) for one run"
                raise _Stop
            return deliver.mail(self, campaign, step, contact_id)
        if step["kind"] == "letter":
            return deliver.letter(self, campaign, step, contact_id)
        return deliver.task(self, campaign, step, contact_id)

    # what deliver.py needs from the run

    def transport(self) -> Any:
        if self._transport is None:
            self._transport = self.o.transport()
        return self._transport

    def sender(self) -> Any:
        if self._sender is None:
            self._sender = self.o.sender()
        return self._sender

    def message_id(self, step: Any, contact_id: int) -> str:
        from rolodex.formats.campaign_mail import new_message_id

        kept = self._reuse.pop((step["id"], contact_id), None)
        return kept or new_message_id(self.sender().sender, f"{uuid.uuid4()}.rolodex")

    def pace(self) -> None:
        """Wait as long as the rate asks since the last mail, then count this one."""
        if self.o.rate and self._last_mail is not None:
            wait = 60 / self.o.rate - (time.monotonic() - self._last_mail)
            if wait > 0:
                self.o.sleep(wait)
        self._last_mail = time.monotonic()
        self._mails += 1

    def halt(self, error: BaseException) -> None:
        """Stop after this person: the server cannot take mail now. The CLI exits with
        the error's code once it has reported what was done."""
        self.totals.stopped = str(error)
        self.totals.error = error


class _Stop(Exception):
    """The run ends here (the server cannot take mail now, or the limit is reached)."""


def _name(db: Database, contact_id: int) -> str:
    row = db.execute("SELECT display_name FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    return row[0] if row else f"#{contact_id}"
