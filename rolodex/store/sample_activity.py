"""What goes on around the demo's people, dated from the day the demo runs, so every part
of the CRM shows something: months of history, tasks overdue, due today and repeating,
events this week, deals in every stage, a birthday in a few days and a person past their
stay-in-touch cadence. Invented people only (``store/sample.py``)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from rolodex.dates import PartialDate
from rolodex.store.activity import deals, events, history, tasks
from rolodex.store.db import Database
from rolodex.store.people import contacts
from rolodex.store.refs import resolve_company

# (days ago, hour, kind, who, text): the history of the last months
HISTORY = [
    (150, 10, "meeting", ("Jane Doe", "John Roe"), "First meeting at Acme: their site is slow"),
    (120, 15, "email", ("Jane Doe",), "Sent the audit of their website"),
    (95, 11, "call", ("Zoë Müller",), "Talked about a logistics integration"),
    (75, 9, "meeting", ("Zoë Müller",), "Workshop in Hamburg: requirements agreed"),
    (60, 16, "call", ("Erika Mustermann",), "Cold call: interested in a pilot"),
    (40, 14, "email", ("José Álvarez",), "Contoso's audit report delivered"),
    (21, 10, "call", ("John Roe",), "Purchasing wants the quote split in two phases"),
    (12, 17, "email", ("Erika Mustermann", "Mario Rossi"), "Pilot scope and dates"),
    (5, 11, "call", ("Jane Doe",), "Talked pricing for the relaunch"),
    (1, 9, "note", ("Ola Nordmann",), "Portfolio looks great: ask for a design retainer"),
]
# (title, stage, amount, company, people, close in days, why it moved there)
DEALS = [
    ("Design retainer", "lead", "2400", None, ("Ola Nordmann",), 60, None),
    ("Initech pilot", "qualified", "8000", "Initech", ("Erika Mustermann",), 45,
     "budget confirmed"),
    ("Website relaunch", "proposal", "12500", "Acme Ltd", ("Jane Doe", "John Roe"), 30,
     "asked for a quote"),
    ("Logistics integration", "negotiation", "30000", "Müller & Söhne GmbH",
     ("Zoë Müller",), 14, "legal review"),
    ("Website audit", "won", "3500", "Contoso Consulting", ("José Álvarez",), -40,
     "signed after the workshop"),
    ("Training day", "lost", "1800", "Acme Ltd", ("John Roe",), -20, "no budget this year"),
]


def populate_activity(db: Database, ids: dict[str, int], today: date, tz: tzinfo) -> None:
    """The history, tasks, events and deals of the demo around ``today`` in ``tz``."""
    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tz)

    def who(names: tuple[str, ...]) -> list[int]:
        return [ids[n] for n in names]

    for days, hour, kind, people, text in HISTORY:
        history.log(db, who(people), kind, at=at(today - timedelta(days=days), hour),
                    text=text, check=False)
    # a birthday in four days (with the year: an age to show), seen on the agenda
    soon = today + timedelta(days=4)
    contacts.update_contact(db, ids["Mario Rossi"],
                            {"birthday": PartialDate(1990, soon.month, soon.day)})
    tasks.add_task(db, "Send the revised quote to Acme", contact_ids=who(("John Roe",)),
                   due=today - timedelta(days=3), priority="high")
    tasks.add_task(db, "Call Erika about the pilot start",
                   contact_ids=who(("Erika Mustermann",)), due=at(today, 15))
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)  # the next Monday
    tasks.add_task(db, "Review the pipeline", due=monday, rrule="FREQ=WEEKLY;BYDAY=MO")
    tasks.add_task(db, "Renewal check-in with Contoso", contact_ids=who(("José Álvarez",)),
                   due=today + timedelta(days=10))
    zone = getattr(tz, "key", None)
    tomorrow = today + timedelta(days=1)
    events.add_event(db, "Pilot kick-off at Initech", start=at(tomorrow, 10),
                     end=at(tomorrow, 11, 30), tz=zone, location="Initech, room 4",
                     contact_ids=who(("Erika Mustermann", "Mario Rossi")), alarms=[15])
    lunch = today + timedelta(days=3)
    events.add_event(db, "Lunch with Zoë", start=at(lunch, 12, 30), end=at(lunch, 14),
                     tz=zone, location="Harbour café", contact_ids=who(("Zoë Müller",)))
    for title, stage, amount, company, people, close, why in DEALS:
        deal_id = deals.add_deal(
            db, title, company_id=resolve_company(db, company) if company else None,
            contact_ids=who(people), amount=Decimal(amount),
            close=today + timedelta(days=close))
        if stage != "lead":
            deals.move(db, deal_id, stage, reason=why)
