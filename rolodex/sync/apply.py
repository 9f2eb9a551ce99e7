"""The one way records come in: match, merge, report, in one transaction.

``apply`` takes what the readers of ``formats`` made of some files (later: of a vdir or a
CardDAV/CalDAV server) and writes it: contacts and companies (``contact_apply``, merged
as ``contact_merge`` says), events and tasks (``calendar_apply``). All of it is one
journalled operation, so ``rolodex undo`` takes a whole import back; a bad item is
skipped and reported (with ``strict``, nothing is written); a dry run does all the work
and rolls it back, so its report is exact. Contacts may be read while they are written:
a file of 100,000 cards is never all in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rolodex.errors import FileError, InvalidInput
from rolodex.formats.incoming import Item, Problem
from rolodex.store import journal
from rolodex.store.care.backups import bulk_write
from rolodex.store.db import Database
from rolodex.store.search import fulltext
from rolodex.sync.contact_apply import ALIASES, ON_MATCH
from rolodex.sync.contact_writer import Writer, likely_duplicates
from rolodex.sync.group_apply import resolve_members
from rolodex.sync.report import ContactReport, ImportReport


@dataclass
class Policy:
    """How an import treats what it finds. ``on_match``: what a card that matches a
    stored contact does (merge, replace, skip, new; see ``contact_merge``)."""

    on_match: str = "merge"
    dry_run: bool = False
    strict: bool = False
    create_contacts: bool = False  # calendars: attendees rolodex does not know become contacts

    def __post_init__(self) -> None:
        self.on_match = ALIASES.get(self.on_match, self.on_match)
        if self.on_match not in ON_MATCH:
            raise InvalidInput(f"--on-match is one of {', '.join(ON_MATCH)}, "
                               f"not '{self.on_match}'")


@dataclass
class Incoming:
    """What came in: contacts (read lazily; ``problems`` met reading them fill up as they
    are read, complete once they are exhausted) and calendar files as (name, bytes)."""

    contacts: Iterable[Item] = ()
    problems: list[Problem] = field(default_factory=list)
    calendars: list[tuple[str, bytes]] = field(default_factory=list)
    encoding: str | None = None


class _Rollback(Exception):
    """Raised at the end of a dry run to undo everything it did."""


def apply(db: Database, incoming: Incoming, policy: Policy, *,
          progress: Callable[[], None] | None = None, meaning=None) -> ImportReport:
    """Write what came in; ``progress()`` is called after each contact (a terminal's
    progress bar); ``meaning(record_or_data)`` compares contents (vCard's by default).

    With ``strict`` the reading problems must be known before (``ContactFiles.scan``):
    one of them stops everything before anything is written.
    """
    from rolodex.formats.vcard import meaning as vcard_meaning

    report = ImportReport(ContactReport(dry_run=policy.dry_run))
    problems = incoming.problems
    if policy.strict and problems:
        _stop_at(problems[0])
    try:
        # The operation's summary names the counts, known once everything is read.
        with bulk_write(db, "import", "import", dry_run=policy.dry_run):
            writer = Writer(db, report.contacts, policy.on_match, policy.strict,
                            meaning or vcard_meaning)
            with fulltext.reindexing_later(db):
                writer.write_all(incoming.contacts, progress)
                resolve_members(db)  # members may come after their group card
            if policy.strict and problems:  # read only now: nothing of the import may stay
                _stop_at(problems[0])
            likely_duplicates(db, report.contacts, writer.fresh)
            if incoming.calendars:
                report.calendar = _calendars(db, incoming, policy)
            journal.describe(db, _described(report))
            if policy.dry_run:
                raise _Rollback
    except _Rollback:
        pass
    report.contacts.failed[:0] = problems
    return report


def _calendars(db: Database, incoming: Incoming, policy: Policy):
    """The calendar part, inside the import's transaction (its own write joins it)."""
    from rolodex.sync.calendar_apply import import_calendar

    found = import_calendar(db, incoming.calendars, strict=policy.strict,
                            create_contacts=policy.create_contacts,
                            encoding=incoming.encoding, on_match=policy.on_match)
    found.dry_run = policy.dry_run
    return found


def _described(report: ImportReport) -> str:
    parts = [f"{report.contacts.items} contacts"] if report.contacts.items else []
    if report.calendar is not None:
        cal = report.calendar
        parts.append(f"{cal.events_new + cal.events_updated + cal.events_unchanged} events, "
                     f"{cal.tasks_new + cal.tasks_updated + cal.tasks_unchanged} tasks")
    return "import " + (", ".join(parts) or "nothing")


def _stop_at(first: Problem) -> None:
    raise FileError(f"{first.source}: card {first.index}, line {first.line}: {first.reason}",
                    hint="nothing was imported (--strict)")
