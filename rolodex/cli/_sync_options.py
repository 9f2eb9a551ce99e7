"""The options of ``rolodex sync add`` and ``sync set`` that say where each kind of record
syncs: a vdir folder per kind, or the server's collection chosen by name."""

from __future__ import annotations

from typing import Annotated

import typer

VDIR_HELP = {"contacts": "A vdir folder for the contacts: one .vcf file per contact "
             "(khard, vdirsyncer).",
             "events": "A vdir folder for the events: one .ics file per event (khal).",
             "tasks": "A vdir folder for the tasks: one .ics file per task (todoman).",
             "journal": "A vdir folder for the history: one .ics file (VJOURNAL) per entry."}
CHOICE_HELP = {
    "contacts": "The address book, when the server has several (its name or URL).",
    "events": "The calendar for the events, when several take events.",
    "tasks": "The calendar for the tasks, when several take tasks (default: the events' "
             "calendar if it takes tasks).",
    "journal": "The calendar for the history (VJOURNAL), when several take it."}
ContactsVdir = Annotated[str | None, typer.Option("--vdir", metavar="PATH",
                                                  help=VDIR_HELP["contacts"],
                                                  show_default=False)]
EventsVdir = Annotated[str | None, typer.Option("--events-vdir", metavar="PATH",
                                                help=VDIR_HELP["events"], show_default=False)]
TasksVdir = Annotated[str | None, typer.Option("--tasks-vdir", metavar="PATH",
                                               help=VDIR_HELP["tasks"], show_default=False)]
JournalVdir = Annotated[str | None, typer.Option("--journal-vdir", metavar="PATH",
                                                 help=VDIR_HELP["journal"],
                                                 show_default=False)]
BookChoice = Annotated[str | None, typer.Option("--collection", metavar="NAME",
                                                help=CHOICE_HELP["contacts"],
                                                show_default=False)]
EventsChoice = Annotated[str | None, typer.Option("--calendar", metavar="NAME",
                                                  help=CHOICE_HELP["events"],
                                                  show_default=False)]
TasksChoice = Annotated[str | None, typer.Option("--tasks-list", metavar="NAME",
                                                 help=CHOICE_HELP["tasks"],
                                                 show_default=False)]
JournalChoice = Annotated[str | None, typer.Option("--journal", metavar="NAME",
                                                   help=CHOICE_HELP["journal"],
                                                   show_default=False)]


CompaniesOn = Annotated[bool, typer.Option(
    "--companies/--no-companies", help="Sync the companies: organisation cards (KIND:org) "
    "in the contacts' address book.")]
GroupsOn = Annotated[bool, typer.Option(
    "--groups/--no-groups", help="Sync the contact groups: group cards (KIND:group) in "
    "the contacts' address book.")]
CompaniesTurn = Annotated[bool | None, typer.Option(
    "--companies/--no-companies", help="Sync the companies (organisation cards), or stop.",
    show_default=False)]
GroupsTurn = Annotated[bool | None, typer.Option(
    "--groups/--no-groups", help="Sync the contact groups (group cards), or stop.",
    show_default=False)]


def folders_given(contacts, events, tasks, journal) -> dict[str, str]:
    given = {"contacts": contacts, "events": events, "tasks": tasks, "journal": journal}
    return {kind: path for kind, path in given.items() if path is not None}


def choices(contacts, events, tasks, journal) -> dict[str, str | None]:
    return {"contacts": contacts, "companies": None, "groups": None, "events": events,
            "tasks": tasks, "journal": journal}


def on(companies: bool, groups: bool) -> list[str]:
    """The kinds of card synced beside the contacts (``account_setup.CARDS``)."""
    return [kind for kind, on in (("companies", companies), ("groups", groups)) if on]
