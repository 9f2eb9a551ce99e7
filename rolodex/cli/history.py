"""``rolodex log`` and ``rolodex history``: recording and reading interactions."""

import sys
from datetime import datetime
from typing import Annotated

import typer

from rolodex.cli._context import expand_refs, say, state
from rolodex.cli._options import ColumnsOption, FormatOption, LimitOption
from rolodex.cli._output import Format
from rolodex.cli._views import when_text
from rolodex.cli.completion import complete_company, complete_contact
from rolodex.errors import InvalidInput
from rolodex.store import settings
from rolodex.store.activity import tasks
from rolodex.store.people import companies
from rolodex.store.people.contact_refs import resolve_contact
from rolodex.store.refs import resolve_company


def _split(words: list[str], kinds: list[str], company: bool = False
           ) -> tuple[list[str], str, str | None]:
    """``REF... KIND [TEXT]``: the kind is the first word that names one. With a company
    (``--company``) the people may be left out: an interaction with the company alone."""
    for index, word in enumerate(words):
        if word.lower() in kinds and (index > 0 or company):
            rest = words[index + 1:]
            if len(rest) > 1:
                raise InvalidInput("put the text in quotes: rolodex log jane call "
                                   "\"talked pricing\"")
            return words[:index], word.lower(), rest[0] if rest else None
    raise InvalidInput("expected REF... KIND [TEXT]",
                       hint=f"KIND is one of: {', '.join(kinds)}")


def log(
    words: Annotated[list[str], typer.Argument(
        metavar="REF... KIND [TEXT]", help="Who (ids, names, emails; - reads stdin; none "
        "with --company), the kind (one of the history.kinds setting, which 'rolodex config "
        "get history.kinds' lists) and what happened (- reads stdin).",
        autocompletion=complete_contact)],
    at: Annotated[str | None, typer.Option("--at", metavar="WHEN",
                                           help="When it happened (default: now).")] = None,
    duration: Annotated[str | None, typer.Option("--duration", help="45m, 1h30m...")] = None,
    direction: Annotated[str | None, typer.Option("--direction", help="in or out.")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="What came of it.")] = None,
    company: Annotated[str | None, typer.Option(
        "--company", "-c", help="The company it was with (id or name); with no person, "
        "an interaction with the company alone.", autocompletion=complete_company)] = None,
    next_: Annotated[str | None, typer.Option(
        "--next", metavar="WHEN", help="Schedule a follow-up task for the same people.")]
    = None,
    editor: Annotated[bool, typer.Option("--editor", help="Write the text in $EDITOR.")]
    = False,
) -> None:
    """Record an interaction (a call, an email, a meeting...) with contacts or a company.

    \b
    Example: rolodex log jane call "talked pricing" --next "in 2 weeks"
    """
    db = state.db()
    refs, kind, text = _split(words, [k.lower() for k in settings.get(db, "history.kinds")],
                              company is not None)
    if text == "-":
        text = sys.stdin.read()
    if editor:
        from rolodex.cli.contact_edit import run_editor

        text = "\n".join(line for line in run_editor(
            f"# {kind} with {', '.join(refs)}: write what happened; # lines are ignored\n"
        ).splitlines() if not line.startswith("#")).strip()
    people = list(dict.fromkeys(resolve_contact(db, r) for r in expand_refs(refs))) \
        if refs or company is None else []
    minutes = None
    if duration:
        from rolodex.date_input import parse_duration

        minutes = max(1, round(parse_duration(duration).total_seconds() / 60))
    moment = _instant(at)
    follow_up = state.when(next_) if next_ else None
    company_id = resolve_company(db, company) if company else None
    entry, task_id = tasks.log_with_follow_up(
        db, people, kind, follow_up=follow_up, at=moment, text=text, duration_minutes=minutes,
        direction=direction, outcome=outcome, company_id=company_id)
    print(entry)
    with_ = f"{len(people)} contact(s)" if people else \
        companies.get_row(db, company_id)["name"] if company_id else ""
    say(f"logged {kind} #{entry} with {with_}"
        + (f"; follow-up task #{task_id} due {when_text(follow_up)}" if task_id else ""))


def _instant(text: str | None) -> datetime:
    """When something happened: a typed day means noon of it, a time is taken as is."""
    from rolodex.dates import now, start_of_day

    if not text:
        return now()
    value = state.when(text)
    if isinstance(value, datetime):
        return value
    return start_of_day(value, state.zone()).replace(hour=12)


def history_(
    ref: Annotated[str | None, typer.Argument(
        metavar="[REF]", help="A contact, or a company (all its people); none: everyone.",
        autocompletion=complete_contact)] = None,
    company: Annotated[str | None, typer.Option("--company", "-c", help="A company's history.",
                                                autocompletion=complete_company)] = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", "-k", help="Only this kind: call, email, meeting...")] = None,
    from_: Annotated[str | None, typer.Option(
        "--from", metavar="WHEN", help="From the start of this day or time.")] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="WHEN",
                                           help="Up to the end of this day or time.")] = None,
    limit: LimitOption = None, format: FormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """The timeline of a contact, a company or everyone, newest first.

    \b
    Example: rolodex history jane --kind call --from "30 days ago" --format json
    """
    from rolodex.cli._instant import history_listing

    history_listing(ref, company=company, kind=kind, from_=from_, to=to, limit=limit,
                    format=format, columns=columns)
