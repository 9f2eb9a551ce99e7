"""The bodies of the commands that must answer at once: ``search``, ``contact show``,
``company show`` and ``history REF``.

Both ways in call these: the Typer commands, and the lean path (``cli/_lean.py``), which
runs their plain forms without importing Typer or Click (a fifth of such a command's time
at 100,000 contacts). So nothing here imports Typer, and there is one body per command.
"""

from __future__ import annotations

from rolodex.cli._context import expand_refs, state
from rolodex.cli._output import Column, Format, emit_one, emit_records, query_limit
from rolodex.cli._views import local_time
from rolodex.errors import InvalidInput

CARD_HISTORY = 5      # history entries (and events) on a contact's card
CARD_EVENT_DAYS = 30  # how far ahead the card looks for events
HISTORY_COLUMNS = (
    Column("id", "ID", style="dim", no_wrap=True, priority=0),
    Column("at", "When", show=lambda r: local_time(r["at"]), no_wrap=True, priority=1),
    Column("kind", "Kind", style="cyan", priority=3),
    Column("contacts", "With", show=lambda r: ", ".join(c["name"] for c in r["contacts"])
           or (r["company"] or ""), priority=2),
    Column("text", "What", priority=0, min_width=28, max_width=60),
    Column("outcome", "Outcome", priority=4),
)


def search_listing(words: list[str], *, limit: int | None, format: Format,
                   columns: str | None) -> None:
    """The contacts a query finds (``rolodex search WORDS...``), in ``format``."""
    from rolodex.cli._views import CONTACT_COLUMNS
    from rolodex.store.people import contact_queries, contact_text
    from rolodex.store.search.filters import query_from_args
    from rolodex.store.search.query import search_contacts

    db = state.db()
    ids = search_contacts(db, query_from_args(words), limit=query_limit(limit, format))
    emit_records(ids, lambda i: contact_queries.iter_fetch(db, i), format, CONTACT_COLUMNS,
                 keys=contact_queries.KEYS, limit=limit,
                 texts=lambda *a: contact_text.texts(db, *a), empty="no matches",
                 pick=columns)


def contact_show(ref: str, format: Format) -> None:
    """One contact: its card, or its record as JSON (``rolodex contact show REF``)."""
    from rolodex.cli._views import contact_card
    from rolodex.store.people import contact_queries
    from rolodex.store.people.contact_refs import resolve_contact

    db = state.db()
    refs = expand_refs([ref])
    if len(refs) != 1:
        raise InvalidInput(f"show takes one contact; that names {len(refs)}",
                           hint="use 'contact list' or 'search' for several")
    record = contact_queries.fetch(db, [resolve_contact(db, refs[0])])[0]
    emit_one(record, format, lambda c: contact_card(c, _activity(c)))


def _activity(contact: dict) -> dict:
    """What the card shows beside the record (only drawn, never in the JSON): recent
    history, open tasks and deals, the next weeks' events, and the stay-in-touch cadence
    in effect (the contact's own, else its tags')."""
    from datetime import timedelta

    from rolodex.store.activity import cadence, deals, events, history, tasks

    db, zone, today = state.db(), state.zone(), state.today()
    contact_id = contact["id"]
    upcoming = events.occurrences(db, today, today + timedelta(days=CARD_EVENT_DAYS), zone,
                                  contact_id=contact_id)
    return {
        "recent": history.list_entries(db, contact_ids=[contact_id], limit=CARD_HISTORY),
        "open_tasks": tasks.fetch(db, tasks.list_ids(db, contact_id=contact_id, tz=zone),
                                  tz=zone),
        "deals": deals.fetch(db, deals.list_ids(db, contact_id=contact_id)),
        "events": upcoming[:CARD_HISTORY],
        "cadence": cadence.effective(contact["cadence_days"], contact["tags"],
                                     cadence.tag_cadences(db)),
    }


def company_show(ref: str, format: Format) -> None:
    """One company and its people (``rolodex company show REF``)."""
    from rolodex.cli._views import company_card
    from rolodex.store.people import companies, contact_queries
    from rolodex.store.refs import resolve_company

    db = state.db()
    record = companies.fetch(db, [resolve_company(db, ref)])[0]
    people = contact_queries.fetch(db, companies.people(db, record["id"]))
    emit_one(record, format, lambda r: company_card(r, people))


def history_listing(ref: str | None, *, company: str | None = None, kind: str | None = None,
                    from_: str | None = None, to: str | None = None,
                    limit: int | None = None, format: Format = Format.table,
                    columns: str | None = None) -> None:
    """The timeline of a contact, a company or everyone, newest first (``rolodex
    history``): a REF that is no contact may name a company."""
    from rolodex.dates import as_instant
    from rolodex.errors import NotFound
    from rolodex.store.activity import history
    from rolodex.store.people.contact_refs import resolve_contact
    from rolodex.store.refs import resolve_company

    db = state.db()
    contact_ids = company_id = None
    if company:
        company_id = resolve_company(db, company)
    elif ref:
        try:
            contact_ids = [resolve_contact(db, ref)]
        except NotFound:
            company_id = resolve_company(db, ref)
    zone = state.zone()
    since = as_instant(state.when(from_), zone) if from_ else None
    until = as_instant(state.when(to), zone, end=True) if to else None
    ids = history.entry_ids(db, contact_ids=contact_ids, company_id=company_id, kind=kind,
                            since=since, until=until, limit=query_limit(limit, format))
    emit_records(ids, lambda i: history.fetch_entries(db, i), format, HISTORY_COLUMNS,
                 keys=history.KEYS, limit=limit, empty="no history", pick=columns)
