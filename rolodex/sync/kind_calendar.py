"""Events, tasks and the journal as kinds of synced record: one iCalendar object per UID
(an event with its moved occurrences, a task, a journal entry), read through the calendar
import (``calendar_apply.import_calendar``: sync is its second caller, not a second
importer) and merged property by property (``calendar_3way``).

A calendar on a server often takes several component kinds (Radicale's and Nextcloud's
take VEVENT, VTODO and VJOURNAL at once), and each collection row owns one: an item of
another kind is *foreign* to it (remembered, never imported, sent or deleted), as is an
item rolodex derives from a contact (``X-ROLODEX-DERIVED``: a birthday, a follow-up),
which is never sent either, since only events, tasks and journal entries are exported.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rolodex.store import sync_records, sync_state
from rolodex.store.db import Database
from rolodex.sync.far_side import Remote
from rolodex.sync.storage import Item
from rolodex.sync.sync_report import SyncReport, digest
from rolodex.sync.vdir import CALENDAR_KINDS, record_uids

# collection kind -> (its records' table, its component)
KINDS = {"events": ("events", "VEVENT"), "tasks": ("tasks", "VTODO"),
         "journal": ("interactions", "VJOURNAL")}
DERIVED = b"X-ROLODEX-DERIVED"


def _summary(text: str) -> str | None:
    """An item's first SUMMARY, for a report, without parsing the calendar."""
    for line in text.replace("\r\n ", "").replace("\n ", "").splitlines():
        if line.upper().startswith("SUMMARY") and ":" in line:
            return line.split(":", 1)[1].strip().replace("\\,", ",") or None
    return None


class Calendar:
    """The events, tasks or journal entries (``collection_kind``) of a calendar (a CalDAV
    collection or a folder of .ics, as khal and todoman keep them)."""

    suffix = ".ics"
    dav_kind = "calendar"

    def __init__(self, collection_kind: str) -> None:
        self.collection_kind = collection_kind
        self.table, self.component = KINDS[collection_kind]
        self.noun = "history entries" if collection_kind == "journal" else collection_kind

    def read(self, item: Item) -> tuple[str, Remote] | str:
        text = item.data.decode("utf-8", "replace")
        ours = record_uids(item.data, frozenset({self.component.encode()}))
        if len(ours) == 1 and DERIVED not in item.data.upper():
            uid = ours.pop().decode("utf-8", "replace")
            return uid, Remote(item.href, item.etag, text, None, _summary(text))
        anything = record_uids(item.data, CALENDAR_KINDS)
        if len(ours) > 1 or not anything:
            return "not one calendar item with a UID"
        return min(anything).decode("utf-8", "replace"), Remote(
            item.href, item.etag, text, None, _summary(text), foreign=True)

    def texts(self, db: Database, ids: list[int]) -> Iterator[tuple[int, str, str]]:
        if self.collection_kind == "journal":
            from rolodex.sync.journal_export import journal_texts

            return journal_texts(db, ids)
        from rolodex.sync.calendar_export import item_texts

        return item_texts(db, self.collection_kind, ids)

    def changed_since(self, db: Database, operation: int) -> set[int]:
        """Records touched since, and those of people touched since (a new address or
        name changes their ATTENDEE line)."""
        people = sync_state.contacts_changed_since(db, operation)
        return (sync_records.changed_since(db, self.table, operation)
                | sync_records.linked_to(db, self.table, people))

    def name(self, text: str) -> str | None:
        return _summary(text)

    @staticmethod
    def adopt(db: Database, uid: str, remote: Remote, fresh: dict[str, int]) -> None:
        return None  # a calendar item is found by its UID only

    def delete(self, db: Database, record_id: int) -> None:
        from rolodex.store.activity import events, history, tasks

        {"events": events.delete_event, "tasks": tasks.delete_task,
         "interactions": history.delete}[self.table](db, record_id)

    def _only_ours(self, text: str) -> bytes:
        """The item with only this kind's components (and the zones): a VTODO sharing a
        file with an event is never imported by the events collection."""
        import icalendar

        try:
            calendar = icalendar.Calendar.from_ical(text)
        except ValueError:
            return text.encode("utf-8")  # the import reports what it cannot read
        calendar.subcomponents = [c for c in calendar.subcomponents
                                  if c.name in (self.component, "VTIMEZONE")]
        return calendar.to_ical()

    def _import(self, db: Database, report: SyncReport | None,
                sources: list[tuple[str, str]], on_match: str) -> None:
        from rolodex.sync.calendar_apply import import_calendar

        if not sources:
            return
        found = import_calendar(db, [(href, self._only_ours(text)) for href, text in sources],
                                on_match=on_match)
        if report is not None:
            for problem in found.failed + found.skipped:
                report.skipped.append({"href": problem.source, "reason": problem.reason})

    def bring_in(self, db: Database, cid: int, report: SyncReport,
                 items: list[tuple[str, Remote, str]], on_match: str) -> None:
        """Into the store through the calendar import; an item it could not take is
        followed (its status row has no local id) and listed as skipped."""
        if not items:
            return
        self._import(db, report, [(remote.href, remote.text) for _, remote, _ in items],
                     on_match)
        ids = sync_records.ids_by_uid(db, self.table, [uid for uid, _, _ in items])
        texts = {uid: text for _, uid, text in self.texts(db, list(ids.values()))}
        for uid, remote, action in items:
            text = texts.get(uid)
            sync_state.put_status(db, cid, uid, local_id=ids.get(uid), href=remote.href,
                                  etag=remote.etag,
                                  local_hash=digest(text) if text is not None else None,
                                  base=remote.text)
            report.add(action, uid, remote.name)

    def merge(self, base: str | None, local: str, remote: Remote
              ) -> tuple[Any, list[dict[str, Any]]]:
        from rolodex.sync.calendar_3way import three_way

        return three_way(base, local, remote.text, self.component)

    def replace_here(self, db: Database, report: SyncReport | None,
                     items: list[tuple[str, Any, str]]) -> None:
        self._import(db, report, [(source, text) for _, text, source in items], "replace")

    def same(self, text: str, remote: Remote) -> bool:
        from rolodex.sync.calendar_3way import meaning

        try:
            return meaning(text, self.component) == meaning(remote.text, self.component)
        except ValueError:
            return False

    def take(self, local: str, uid: str, theirs: list[tuple[str, str]]) -> Any:
        from rolodex.sync.calendar_3way import take

        return take(local, theirs, self.component)

    @staticmethod
    def source(text: str) -> str:
        return f"conflict {digest(text)[:8]}"
