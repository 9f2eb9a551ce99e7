"""``rolodex deal ...``: the sales pipeline, one deal (opportunity) at a time."""

from __future__ import annotations

from typing import Annotated

import typer

from rolodex.cli._context import delete_by_ids, expand_refs, say, state
from rolodex.cli._help import HelpGroup
from rolodex.cli._options import (
    ColumnsOption,
    FormatOption,
    LimitOption,
    MineOption,
    ShowFormatOption,
    YesOption,
    one_line_text,
    owner_filter,
    parse_currency_option,
)
from rolodex.cli._output import Column, Format, emit, emit_one
from rolodex.cli._views import deal_card, money
from rolodex.cli.completion import complete_company, complete_contact
from rolodex.errors import InvalidInput
from rolodex.store import lookups
from rolodex.store.activity import deals
from rolodex.store.people.contact_refs import resolve_contact
from rolodex.store.refs import resolve_company

app = typer.Typer(help="Deals: add, list, show, edit, move, won, lost, rm.",
                  no_args_is_help=True,
                  cls=HelpGroup)

IdArg = Annotated[int, typer.Argument(metavar="ID", help="Deal id (see 'rolodex deal list').")]
CompanyOpt = Annotated[str | None, typer.Option(
    "--company", "-c", help="Company id or name.", autocompletion=complete_company)]
ContactOpt = Annotated[list[str] | None, typer.Option(
    "--contact", metavar="REF", help="Contact involved (repeatable; - reads stdin).",
    autocompletion=complete_contact)]
AmountOpt = Annotated[str | None, typer.Option(
    "--amount", metavar="N", help="Value, exact: 12500, 12,500.00.")]
CurrencyOpt = Annotated[str | None, typer.Option(
    "--currency", metavar="CODE", help="EUR, USD... (default: config pipeline.currency).")]
ProbabilityOpt = Annotated[int | None, typer.Option(
    "--probability", metavar="P", min=0, max=100,
    help="Win chance in percent (default: the stage's).")]
CloseOpt = Annotated[str | None, typer.Option(
    "--close", metavar="WHEN", help="Expected close date: 2026-12-15, end of month...")]
SourceOpt = Annotated[str | None, typer.Option(
    "--source", help="Lead source (default: the first contact's).")]
OwnerOpt = Annotated[str | None, typer.Option("--owner", help="Team member in charge.")]
ReasonOpt = Annotated[str | None, typer.Option("--reason", help="Why it was won or lost.")]
MoveReasonOpt = Annotated[str | None, typer.Option(
    "--reason", help="Why it moved (kept with the stage; won or lost: the deal's reason).")]


def _amount(text: str | None):
    from rolodex.money import parse_amount

    return parse_amount(text) if text is not None and text.strip() else None


def _close(text: str | None):
    return state.day(text) if text is not None and text.strip() else None


def _people(refs: list[str] | None) -> list[int]:
    if not refs:
        return []
    db = state.db()
    return [resolve_contact(db, r) for r in expand_refs(refs)]


DEAL_COLUMNS = (
    Column("id", "ID", style="dim", no_wrap=True, priority=0),
    Column("title", "Deal", style="bold", priority=0, min_width=28),
    Column("company", "Company", priority=2),
    Column("stage", "Stage", style="cyan", priority=1),
    Column("amount", "Amount", show=money, no_wrap=True, priority=1),
    Column("probability", "%", show=lambda d: f"{d['probability']}", priority=5),
    Column("close", "Close", no_wrap=True, priority=3),
    Column("days_in_stage", "Days in stage", no_wrap=True, priority=6),
    Column("owner", "Owner", priority=6),
    Column("contacts", "With", show=lambda d: ", ".join(c["name"] for c in d["contacts"]),
           priority=4, min_width=16),
)


@app.command("add")
def add(
    title: Annotated[str, typer.Argument(help="What is being sold.", callback=one_line_text)],
    company: CompanyOpt = None, contact: ContactOpt = None, amount: AmountOpt = None,
    currency: CurrencyOpt = None,
    stage: Annotated[str | None, typer.Option("--stage", help="Stage (default: the first).")]
    = None,
    probability: ProbabilityOpt = None, close: CloseOpt = None, source: SourceOpt = None,
    owner: OwnerOpt = None,
    note: Annotated[str | None, typer.Option(
        "--note", help="Notes.")] = None,
) -> None:
    """Add a deal to the pipeline; prints its id.

    \b
    Example: rolodex deal add "Website redesign" --company "Acme Ltd" --contact jane \\
      --amount 12500 --close "end of month"
    """
    db = state.db()
    people = _people(contact)
    company_id = resolve_company(db, company) if company else None
    if company_id is None and people:
        company_id = lookups.company_of_contact(db, people[0])
    deal_id = deals.add_deal(db, title, company_id=company_id, contact_ids=people,
                             amount=_amount(amount), currency=parse_currency_option(currency),
                             stage=stage,
                             probability=probability, close=_close(close), source=source,
                             owner=owner, notes=note)
    print(deal_id)
    say(f"added deal #{deal_id}")


@app.command("list")
def list_(
    stage: Annotated[str | None, typer.Option("--stage", help="Only this stage.")] = None,
    won: Annotated[bool, typer.Option("--won", help="Won deals.")] = False,
    lost: Annotated[bool, typer.Option("--lost", help="Lost deals.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Open, won and lost.")] = False,
    company: CompanyOpt = None,
    contact: Annotated[str | None, typer.Option("--contact", metavar="REF",
                                                help="Only deals with this contact.",
                                                autocompletion=complete_contact)] = None,
    owner: OwnerOpt = None,
    mine: MineOption = False,
    source: Annotated[str | None, typer.Option(
        "--source", help="Only deals from this lead source.")] = None,
    sort: Annotated[str, typer.Option(
        "--sort", help="close, amount, created, updated, title or id; -FIELD descends.")]
    = "close",
    limit: LimitOption = None, format: FormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """List deals: open ones by default, soonest expected close first.

    \b
    Example: rolodex deal list --stage proposal --mine --format csv
    """
    db = state.db()
    if won + lost + all_ > 1:
        raise InvalidInput("choose one of --won, --lost, --all")
    status = None if all_ or stage else ("won" if won else "lost" if lost else "open")
    ids = deals.list_ids(
        db, status=status, stage=stage,
        company_id=resolve_company(db, company) if company else None,
        contact_id=resolve_contact(db, contact) if contact else None,
        owner=owner_filter(owner, mine), source=source, sort=sort, limit=limit)
    emit(deals.fetch(db, ids), format, DEAL_COLUMNS, keys=deals.KEYS, empty="no deals",
         pick=columns)


@app.command("show")
def show(deal_id: IdArg, format: ShowFormatOption = Format.table) -> None:
    """Show one deal with every stage it went through and how long it stayed.

    \b
    Example: rolodex deal show 3 --format json
    """
    db = state.db()
    deals.get_row(db, deal_id)
    record = deals.fetch(db, [deal_id])[0]
    record["stages"] = deals.stage_history(db, deal_id)
    emit_one(record, format, deal_card)


@app.command("edit")
def edit(
    deal_id: IdArg,
    title: Annotated[str | None, typer.Option("--title", help="New title.",
                                                   callback=one_line_text)] = None,
    company: CompanyOpt = None, contact: ContactOpt = None,
    not_contact: Annotated[list[str] | None, typer.Option(
        "--not-contact", metavar="REF", help="Remove a contact from the deal.",
        autocompletion=complete_contact)] = None,
    amount: AmountOpt = None, currency: CurrencyOpt = None,
    probability: Annotated[str | None, typer.Option(
        "--probability", metavar="P", help="Percent; '' goes back to the stage's.")] = None,
    close: CloseOpt = None, source: SourceOpt = None, owner: OwnerOpt = None,
    note: Annotated[str | None, typer.Option("--note", help="Notes.")] = None,
) -> None:
    """Change a deal's fields ('' clears); the stage changes with 'deal move'.

    \b
    Example: rolodex deal edit 3 --amount 14000 --close 2026-12-20
    """
    db = state.db()
    values: dict = {}
    if title is not None:
        values["title"] = title
    if company is not None:
        values["company_id"] = resolve_company(db, company) if company.strip() else None
    if amount is not None:
        values["amount"] = _amount(amount)
    if currency is not None:
        values["currency"] = parse_currency_option(currency) or \
            deals.get_row(db, deal_id)["currency"]
    if probability is not None:
        values["probability"] = _probability(probability)
    if close is not None:
        values["close"] = _close(close)
    for key, value in (("source", source), ("owner", owner), ("notes", note)):
        if value is not None:
            values[key] = value.strip() or None
    add, remove = _people(contact), _people(not_contact)
    if not (values or add or remove):
        raise InvalidInput("nothing to change", hint="give options such as --amount or --close")
    deals.update_deal(db, deal_id, values, add_contacts=add, remove_contacts=remove)
    say(f"updated deal #{deal_id}")


def _probability(text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit() or int(text) > 100:
        raise InvalidInput(f"a probability is 0 to 100, not '{text}'")
    return int(text)


@app.command("move")
def move(deal_id: IdArg, stage: Annotated[str, typer.Argument(help="The stage it is now in.")],
         reason: MoveReasonOpt = None) -> None:
    """Move a deal to another stage; the date is kept for time-in-stage.

    \b
    Example: rolodex deal move 3 negotiation
    """
    target = deals.move(state.db(), deal_id, stage, reason=reason)
    say(f"deal #{deal_id} is now {target.name} ({target.probability}%)")


@app.command("won")
def won(deal_id: IdArg, reason: ReasonOpt = None) -> None:
    """Mark a deal won.

    \b
    Example: rolodex deal won 3 --reason "best references"
    """
    deals.move(state.db(), deal_id, "won", reason=reason)
    say(f"deal #{deal_id} won")


@app.command("lost")
def lost(deal_id: IdArg, reason: ReasonOpt = None) -> None:
    """Mark a deal lost, best with the reason why.

    \b
    Example: rolodex deal lost 3 --reason "went with a cheaper offer"
    """
    deals.move(state.db(), deal_id, "lost", reason=reason)
    say(f"deal #{deal_id} lost")


@app.command("rm")
def rm(deal_ids: Annotated[list[str], typer.Argument(
        metavar="ID...", help="Deals to delete; - reads ids from stdin.")],
       yes: YesOption = False) -> None:
    """Delete deals (asks first on a terminal).

    \b
    Example: rolodex deal list --lost --format ids | rolodex deal rm - --yes
    """
    delete_by_ids(deal_ids, "deal", deals.get_row, deals.delete_deal, yes)
