"""``rolodex report NAME``: read-only reports over the whole database.

Each command resolves its options (the period, tags, owner), makes one call into
``rolodex.reports`` and hands the Report to ``render_report``.
"""

from datetime import date, timedelta
from typing import Annotated

import typer

from rolodex.cli._context import state
from rolodex.cli._help import HelpGroup
from rolodex.cli._options import MineOption, TagOption, owner_filter, parse_currency_option
from rolodex.cli._report import (
    FromOption,
    OutputOption,
    OwnerOption,
    ReportFormat,
    ReportFormatOption,
    SectionOption,
    ToOption,
    period,
    render_report,
)
from rolodex.cli.completion import complete_campaign, complete_company, complete_contact

app = typer.Typer(help="Reports: pipeline, activity, follow-ups, relationships, birthdays, "
                  "sources, segments, campaigns, one contact or company.", no_args_is_help=True,
                  cls=HelpGroup)

LimitOption = Annotated[int, typer.Option(
    "--limit", "-n", min=0, metavar="N",
    help="Show at most N rows of each long list (the totals still count them all).")]


def _days_ending_today(days: int) -> tuple[date, date]:
    today = state.today()
    return today - timedelta(days=days - 1), today


@app.command("activity")
def activity(
    from_: FromOption = None, to: ToOption = None, tag: TagOption = None,
    owner: OwnerOption = None, mine: MineOption = False,
    limit: LimitOption = 20,
    format: ReportFormatOption = ReportFormat.table, section: SectionOption = None,
    output: OutputOption = "-",
) -> None:
    """Interactions in a period: by kind, week, contact and owner, and who was not contacted.

    The period defaults to the 30 days ending today. Sections: by_kind (kind, interactions),
    by_week (week: the Monday of each week, every week of the period, interactions),
    by_contact (id, name, interactions, last: most active first; an interaction counts once
    for each of its contacts), by_owner (owner: who logged them, interactions) and
    not_contacted (id, name, company, last_contacted: nobody in touch in the period, never
    contacted first). --limit (default 20) cuts by_contact and not_contacted, not their
    totals. --tag keeps contacts with every tag; --owner/--mine keep the interactions that
    user logged, and in not_contacted the contacts that user owns.

    \b
    Example: rolodex report activity --from "start of month" --format csv --section by_week
    """
    from rolodex.reports.activity import activity as build

    first, last = period(from_, to, _days_ending_today(30))
    report = build(state.db(), first, last, state.zone(), tags=tag or [],
                   owner=owner_filter(owner, mine), limit=limit)
    render_report(report, format, section=section, output=output)


@app.command("followups")
def followups(
    to: Annotated[str | None, typer.Option(
        "--to", metavar="WHEN", help="Include what falls due up to this day (default: "
        "today).")] = None,
    tag: TagOption = None, owner: OwnerOption = None, mine: MineOption = False,
    format: ReportFormatOption = ReportFormat.table, section: SectionOption = None,
    output: OutputOption = "-",
) -> None:
    """Overdue and due tasks and people to get in touch with, as a report for mail or cron.

    As of today: overdue (open tasks due before today), due (open tasks due from today to
    --to, default today only; a Monday cron job might use --to "end of week") and
    stay_in_touch (people whose last contact plus cadence falls on or before --to, most
    overdue first). Tasks: id, title, due, days_overdue, priority, owner, contacts,
    contact_ids; people: id, name, company, cadence_days, last_contacted, due, days_overdue,
    owner. --owner/--mine: the task's or contact's owner; --tag: tasks for and people with
    every tag.

    \b
    Example: rolodex report followups --to "end of week" --format md | mail -s Follow-ups me
    """
    from rolodex.memory import gc_paused
    from rolodex.reports.followups_report import followups_report

    today = state.today()
    horizon = state.day(to) if to else today
    with gc_paused():  # tens of thousands of rows at 100,000 contacts, none in a cycle
        report = followups_report(state.db(), today, horizon, state.zone(), tags=tag or [],
                                  owner=owner_filter(owner, mine))
        render_report(report, format, section=section, output=output)
        del report


@app.command("relationships")
def relationships(
    from_: FromOption = None, to: ToOption = None, tag: TagOption = None,
    all_: Annotated[bool, typer.Option(
        "--all", help="Every contact, not only those with a cadence.")] = False,
    owner: OwnerOption = None, mine: MineOption = False,
    limit: LimitOption = 50,
    format: ReportFormatOption = ReportFormat.table, section: SectionOption = None,
    output: OutputOption = "-",
) -> None:
    """Each relationship against its stay-in-touch cadence, stale ones first, and per tag.

    Contacts with a cadence (their own or a tag's), those with every --tag, or all with
    --all. Section contacts (--limit, default 50): id, name, company, tags, cadence_days,
    last_contacted, days_since (as of today, from the last contact, else from when the
    contact was added), days_overdue (days_since minus cadence), stale (past the cadence),
    interactions (in the period, default the 90 days ending today). Section by_tag: tag,
    contacts, stale, interactions (distinct, in the period). --owner/--mine: contacts that
    user owns.

    \b
    Example: rolodex report relationships --tag vip --format json
    """
    from rolodex.reports.relationships import relationships as build

    first, last = period(from_, to, _days_ending_today(90))
    report = build(state.db(), first, last, state.today(), state.zone(), tags=tag or [],
                   owner=owner_filter(owner, mine), everyone=all_, limit=limit)
    render_report(report, format, section=section, output=output)


@app.command("birthdays")
def birthdays(
    from_: FromOption = None, to: ToOption = None, tag: TagOption = None,
    owner: OwnerOption = None, mine: MineOption = False,
    format: ReportFormatOption = ReportFormat.table, section: SectionOption = None,
    output: OutputOption = "-",
) -> None:
    """Birthdays and anniversaries in a range of days, with ages where the year is known.

    The range defaults to today and the 30 days after it. Section dates: date, kind
    (birthday or anniversary), id, name, years (the age reached or years married; null
    without a year), in_days (from today), label (a labelled date's, such as Hired, shown
    as an anniversary; else null). Yearless dates are included; 29 February falls on 28
    February in other years. The deceased are left out. --owner/--mine: contacts that user
    owns.

    \b
    Example: rolodex report birthdays --to "end of year" --format csv
    """
    from rolodex.reports.birthdays import birthdays as build

    today = state.today()
    first, last = period(from_, to, (today, today + timedelta(days=30)))
    report = build(state.db(), first, last, today, tags=tag or [],
                   owner=owner_filter(owner, mine))
    render_report(report, format, section=section, output=output)


@app.command("segments")
def segments(
    tag: TagOption = None, owner: OwnerOption = None, mine: MineOption = False,
    limit: LimitOption = 20,
    format: ReportFormatOption = ReportFormat.table, section: SectionOption = None,
    output: OutputOption = "-",
) -> None:
    """Contacts counted by status, tag, company kind, city, country and engagement.

    A snapshot as of today. Sections by_status, by_tag, by_company_kind, by_city (city,
    country), by_country: the label (null: none) and contacts; --limit (default 20) cuts
    tags, cities and countries. engagement: segment, contacts, rule, from recency (days
    since the last interaction) and frequency (interactions in the last 365 days):
    champions (under 30 days and 6+), loyal (under 90 days and 3+), new (first interaction
    under 90 days ago), occasional (under 90 days), at risk (3+, none for 90 days), dormant
    (the rest), never contacted. --owner/--mine: contacts that user owns.

    \b
    Example: rolodex report segments --section engagement --format json
    """
    from rolodex.reports.segments import segments as build

    report = build(state.db(), state.today(), state.zone(), tags=tag or [],
                   owner=owner_filter(owner, mine), limit=limit)
    render_report(report, format, section=section, output=output)


@app.command("contact")
def contact_sheet(
    ref: Annotated[str, typer.Argument(
        metavar="REF", help="Id, UID, email, or a unique (prefix of a) name.",
        autocompletion=complete_contact)],
    format: ReportFormatOption = ReportFormat.table, section: SectionOption = None,
    output: OutputOption = "-",
) -> None:
    """Everything about one contact: fields, details, history, tasks and coming events.

    Sections: fields (field, value), emails, phones, addresses, urls, tags, custom (field,
    value), relationships, history (all of it, newest first), open_tasks, done_tasks,
    events (the next 90 days) and deals.

    \b
    Example: rolodex report contact jane --format html -o jane.html
    """
    from rolodex.reports.sheets import contact_sheet as build
    from rolodex.store.people.contact_refs import resolve_contact

    db = state.db()
    report = build(db, resolve_contact(db, ref), tz=state.zone(), today=state.today())
    render_report(report, format, section=section, output=output)


@app.command("company")
def company_sheet(
    ref: Annotated[str, typer.Argument(
        metavar="REF", help="Id, UID, domain, or a unique (prefix of a) name.",
        autocompletion=complete_company)],
    format: ReportFormatOption = ReportFormat.table, section: SectionOption = None,
    output: OutputOption = "-",
) -> None:
    """Everything about one company: fields, people, history, tasks and coming events.

    Sections: fields (field, value), tags, custom (field, value), people (id, name, title,
    email, phone, last_contacted), history (the company's and its people's, newest first),
    open_tasks and done_tasks (of its people), events (with its people, the next 90 days)
    and deals.

    \b
    Example: rolodex report company "Acme Ltd" --format md
    """
    from rolodex.reports.sheets import company_sheet as build
    from rolodex.store.refs import resolve_company

    db = state.db()
    report = build(db, resolve_company(db, ref), tz=state.zone(), today=state.today())
    render_report(report, format, section=section, output=output)


CurrencyOption = Annotated[str | None, typer.Option(
    "--currency", metavar="CODE", help="Sum amounts in this currency (default: the only one "
    "in use, else config pipeline.currency).")]


def _period(start: str | None, end: str | None):
    from rolodex.reports.pipeline import Period, quarter

    return Period.of(*period(start, end, quarter(state.today())), state.zone())


@app.command("pipeline")
def pipeline(
    start: FromOption = None, end: ToOption = None, currency: CurrencyOption = None,
    owner: OwnerOption = None, mine: MineOption = False,
    format: ReportFormatOption = ReportFormat.table, section: SectionOption = None,
    output: OutputOption = "-",
) -> None:
    """Deals by stage, the funnel, a weighted forecast by month, win rate and days to close.

    Sections: stages (open deals per stage; won and lost in the period), funnel (deals
    created in the period and how far they got), forecast (open deals by expected close
    month, amount x probability), results (won, lost, win rate, average days to close).
    The period defaults to this calendar quarter.

    \b
    Example: rolodex report pipeline --from 2026-07-01 --to 2026-09-30 --format csv > q3.csv
    """
    from rolodex.reports.pipeline import pipeline as build

    report = build(state.db(), _period(start, end),
                   currency=parse_currency_option(currency), owner=owner_filter(owner, mine))
    render_report(report, format, section=section, output=output)


@app.command("sources")
def sources(
    start: FromOption = None, end: ToOption = None, currency: CurrencyOption = None,
    owner: OwnerOption = None, mine: MineOption = False,
    format: ReportFormatOption = ReportFormat.table, section: SectionOption = None,
    output: OutputOption = "-",
) -> None:
    """Leads per source, and how many became customers or won deals.

    Leads are contacts added in the period (default: this calendar quarter) by their
    source; customers are those of them whose status is customer; deals are those created
    in the period by source (a deal takes its first contact's source unless given one).

    \b
    Example: rolodex report sources --from "2026-01-01" --format md
    """
    from rolodex.reports.pipeline import sources as build

    report = build(state.db(), _period(start, end),
                   currency=parse_currency_option(currency), owner=owner_filter(owner, mine))
    render_report(report, format, section=section, output=output)


@app.command("campaign")
def campaign(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The campaign's name.",
                                        autocompletion=complete_campaign)],
    within: Annotated[int, typer.Option(
        "--within", metavar="DAYS", min=0, max=3660,
        help="responded_within counts the replies logged at most DAYS days after the "
        "send.")] = 14,
    format: ReportFormatOption = ReportFormat.table, section: SectionOption = None,
    output: OutputOption = "-",
) -> None:
    """What a campaign sent, what came back, and what it brought.

    Section overview (measure, value): the campaign (name, audience, purpose, basis, start
    or "from entry", status); members (in it now); reached (people delivered at least one
    step); sent_mail, sent_letter, sent_task (steps the runs acted on: delivered, failed or
    unconfirmed); delivered_mail (mails the server accepted); failed; unconfirmed (a run
    stopped while handing the mail over: maybe delivered); responded (mails a reply was
    logged against); responded_within (replies at most --within days after the send,
    default 14); opted_out (people reached whose latest consent for marketing or for the
    campaign's purpose is a withdrawal dated after their first delivered step);
    left (people out of the campaign). Section steps, one row per step: position,
    offset_days, kind, sent, delivered, failed, responded, response_rate (responded per
    100 delivered), deals (deals of the campaign with a person whose latest delivered step
    before the deal was created is this one), and a chart of sent vs responded. Section
    deals, per currency: deals whose lead source is the campaign's name (any case):
    created, won, lost, open, revenue (won amounts). Sections failed (by reason) and left
    (by reason).

    \b
    Example: rolodex report campaign winter-offer --within 7 --format html -o winter.html
    """
    from rolodex.reports.campaign import campaign as build

    report = build(state.db(), name, within=within)
    render_report(report, format, section=section, output=output)
