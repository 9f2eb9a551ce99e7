"""Adding a sync account and changing what it syncs (``rolodex sync add`` and ``sync
set``): which collection carries each kind of record.

A server account is discovered from its URL (RFC 6764): the contacts go to an address
book, the events to a calendar taking VEVENT, the tasks to one taking VTODO, the history
to one taking VJOURNAL; one calendar taking them all carries them all. When several fit,
the user names one (``--collection``, ``--calendar``, ``--tasks-list``, ``--journal``) and
the error lists them. A kind the server has no collection for is left out, unless the
user named one. A vdir account is a folder per kind (khard's address book, khal's
calendar, todoman's list). Companies and groups are cards of the address book: their
collections sit at the contacts' location. Each kind can be turned off at ``add`` and
later (``set``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rolodex.errors import InvalidInput, NotFound
from rolodex.store import sync_state
from rolodex.store.db import Database

# kind -> (the calendar component it needs, the option choosing its collection, a noun)
CALENDARS = {"events": ("VEVENT", "--calendar", "calendar for events"),
             "tasks": ("VTODO", "--tasks-list", "calendar for tasks"),
             "journal": ("VJOURNAL", "--journal", "calendar for the history")}
CARDS = ("companies", "groups")  # kinds whose cards share the contacts' address book


def _check_name(name: str) -> None:
    if not name.strip() or name.startswith("-"):
        raise InvalidInput(f"'{name}' cannot name a sync account")


def _folder(path: str) -> str:
    from rolodex.sync.vdir_storage import VdirStorage

    return str(VdirStorage(Path(path), create=True).root)  # made now, not at the first sync


def _beside_book(mapped: list[tuple[str, str]], kinds: list[str]) -> list[tuple[str, str]]:
    """The collections of ``kinds`` (companies, groups) at the address book's location."""
    book = dict(mapped).get("contacts")
    return mapped + [(kind, book) for kind in kinds if book is not None]


def add_vdir(db: Database, name: str, folders: dict[str, str],
             cards: list[str] = CARDS) -> dict[str, Any]:
    """A vdir account: a folder (created if missing) per kind in ``folders`` (contacts,
    events, tasks, journal); ``cards``: the kinds synced in the contacts' folder too."""
    from rolodex.sync.accounts import account_row

    _check_name(name)
    sync_state.check_name_free(db, name)
    if not folders:
        raise InvalidInput("give a folder: --vdir, --events-vdir, --tasks-vdir or "
                           "--journal-vdir PATH")
    made = [(kind, _folder(path)) for kind, path in folders.items()]
    sync_state.add_account(db, name, "vdir", made[0][1],
                           collections=_beside_book(made, list(cards)))
    return account_row(db, sync_state.account(db, name))


def add_dav(db: Database, name: str, url: str, *, user: str | None = None,
            password_command: str | None = None, insecure: bool = False,
            wanted: dict[str, str | None], calendar_url: str | None = None
            ) -> dict[str, Any]:
    """A CardDAV/CalDAV account: its collections are discovered from ``url`` (the server,
    a principal or a collection itself); ``wanted``: kind -> the collection named for it
    (name or URL; None: the only one that fits; companies and groups: the address
    book's). ``calendar_url``: where the calendars
    are when the provider serves them from another host (Fastmail, iCloud): they are
    discovered there instead, with the same user and password."""
    from rolodex.sync.accounts import account_row
    from rolodex.sync.dav.http import require_https

    _check_name(name)
    sync_state.check_name_free(db, name)  # before asking the server anything
    require_https(url, insecure)
    found = _discover(name, url, user, password_command, insecure)
    if calendar_url is not None:
        require_https(calendar_url, insecure)
        found = [c for c in found if c.kind == "addressbook"] + [
            c for c in _discover(name, calendar_url, user, password_command, insecure)
            if c.kind == "calendar"]
    mapped = _map(found, wanted, url)
    if not mapped:
        from rolodex.sync.dav.http import redact

        raise NotFound(f"no address book or calendar at {redact(url)}",
                       hint="give the URL of the server, of your principal or of a "
                       "collection")
    sync_state.add_account(db, name, "dav", url, username=user,
                           password_command=password_command, insecure=insecure,
                           collections=mapped)
    return account_row(db, sync_state.account(db, name))


def _discover(name: str, url: str, user: str | None, password_command: str | None,
              insecure: bool) -> list:
    from rolodex.sync.credentials import password
    from rolodex.sync.dav.discovery import discover
    from rolodex.sync.dav.http import DavSession

    secret = password(name, password_command) if user else None
    with DavSession(url, user, secret, insecure=insecure) as session:
        return discover(session)


def _map(found: list, wanted: dict[str, str | None], url: str) -> list[tuple[str, str]]:
    """(kind, collection URL) for each kind wanted that the server has a collection for."""
    from rolodex.sync.dav.http import redact

    where = redact(url)
    mapped: list[tuple[str, str]] = []
    if "contacts" in wanted:
        books = [c for c in found if c.kind == "addressbook"]
        if books or wanted["contacts"]:
            mapped.append(("contacts", _choose(books, wanted["contacts"], where,
                                               "address book", "--collection").url))
            mapped = _beside_book(mapped, [k for k in CARDS if k in wanted])
    first = None  # the events' calendar: the tasks' and history's too if it takes them
    for kind, (component, option, noun) in CALENDARS.items():
        if kind not in wanted:
            continue
        fits = [c for c in found if c.kind == "calendar" and component in c.components]
        choice = wanted[kind]
        if choice is None and first is not None and component in first.components:
            chosen = first
        elif choice is None and not fits:
            continue
        else:
            chosen = _choose(fits, choice, where, noun, option)
        first = first or chosen
        mapped.append((kind, chosen.url))
    return mapped


def _choose(collections: list, wanted: str | None, where: str, noun: str, option: str):
    """The collection ``wanted`` names (display name, last part of its URL, or URL), or
    the only one."""
    if not collections:
        raise NotFound(f"no {noun} at {where}",
                       hint="give the URL of the server, of your principal or of the "
                       "collection")
    names = ", ".join(c.name or c.url for c in collections)
    if wanted is None:
        if len(collections) == 1:
            return collections[0]
        plural = noun.replace("book", "books").replace("calendar ", "calendars ", 1)
        raise InvalidInput(f"{where} has {len(collections)} {plural}: {names}",
                           hint=f"choose one with {option} NAME")
    for collection in collections:
        if wanted in (collection.name, collection.url) or collection.url.rstrip(
                "/").endswith("/" + wanted.strip("/")):
            return collection
    raise NotFound(f"no {noun} '{wanted}' at {where}", hint=f"found: {names}")


def set_kinds(db: Database, name: str, turn: dict[str, bool], *,
              folders: dict[str, str], wanted: dict[str, str | None]) -> dict[str, Any]:
    """Turn kinds of record on or off for an account: off forgets that kind's collection
    (nothing is deleted on either side), on adds one: the folder given for a vdir account,
    the collection discovered again (or named in ``wanted``) for a server's. A folder
    given turns its kind on."""
    from rolodex.sync.accounts import account_row

    account = sync_state.account(db, name)
    turn = {**turn, **{kind: True for kind in folders}}
    have = {c["kind"]: c for c in sync_state.collections(db, account["id"])}
    if turn.get("contacts") and "contacts" not in have:
        turn = {**dict.fromkeys(CARDS, True), **turn}  # as ``add`` does
    for kind, on in turn.items():
        if not on and kind in have:
            sync_state.remove_collection(db, have[kind]["id"])
    adding = [k for k, on in turn.items() if on and k not in have and k not in CARDS]
    cards = [k for k, on in turn.items() if on and k not in have and k in CARDS]
    if account["kind"] == "vdir":
        missing = [k for k in adding if k not in folders]
        if missing:
            option = {"contacts": "--vdir"}.get(missing[0], f"--{missing[0]}-vdir")
            raise InvalidInput(f"a vdir account needs a folder for {missing[0]}: {option} "
                               "PATH")
        mapped = [(kind, _folder(folders[kind])) for kind in adding]
    elif adding:
        found = _discover(name, account["location"], account["username"],
                          account["password_command"], bool(account["insecure"]))
        mapped = _map(found, {k: wanted.get(k) for k in adding}, account["location"])
        missing = [k for k in adding if k not in dict(mapped)]
        if missing:
            raise NotFound(f"{account['location']} has no collection for {missing[0]}",
                           hint="rolodex sync add NAME --url URL shows what is there")
    else:
        mapped = []
    if cards:
        book = dict(mapped).get("contacts") or (
            have["contacts"]["location"] if turn.get("contacts", True) and "contacts" in have
            else None)
        if book is None:
            raise InvalidInput(f"{cards[0]} sync in the contacts' address book: turn the "
                               "contacts on too (--contacts)")
        mapped += [(kind, book) for kind in cards]
    for kind, location in mapped:
        sync_state.add_collection(db, account["id"], kind, location)
    return account_row(db, sync_state.account(db, name))
