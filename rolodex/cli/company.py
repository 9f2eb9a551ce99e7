"""``rolodex company ...``: add, list, show, edit, rm."""

from __future__ import annotations

from typing import Annotated

import typer

from rolodex.cli._context import confirm, say, state
from rolodex.cli._help import HelpGroup
from rolodex.cli._options import (
    FieldOption,
    FormatOption,
    LimitOption,
    ShowFormatOption,
    TagOption,
    YesOption,
    parse_fields,
)
from rolodex.cli._output import Format, emit, emit_one
from rolodex.cli._views import COMPANY_COLUMNS, company_card
from rolodex.cli.completion import complete_company
from rolodex.store import companies, contact_queries
from rolodex.store.refs import resolve_company

app = typer.Typer(help="Add, find, show and change companies (accounts).", no_args_is_help=True,
                  cls=HelpGroup)

CompanyRef = Annotated[str, typer.Argument(
    metavar="REF", help="Id, UID, domain, or a unique (prefix of a) name.",
    autocompletion=complete_company)]
Opt = Annotated[str | None, typer.Option(show_default=False)]
KindOpt = Annotated[str | None, typer.Option(
    "--kind", help="client, partner, vendor, competitor, prospect or other.")]


def _values(**values: str | None) -> dict[str, str | None]:
    return {k: v for k, v in values.items() if v is not None}


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Company name, e.g. 'Acme Ltd'.")],
    domain: Opt = None, industry: Opt = None, kind: KindOpt = None, phone: Opt = None,
    email: Opt = None, address: Opt = None, website: Opt = None,
    note: Annotated[str | None, typer.Option("--note", help="Notes.")] = None,
    tag: TagOption = None, field: FieldOption = None,
) -> None:
    """Add a company; prints its id on stdout.

    \b
    Example: rolodex company add "Acme Ltd" --domain acme.example --kind client --tag key
    """
    db = state.db()
    company_id = companies.add_company(
        db, name, tags=tag or [], as_card=True,
        fields={k: v for k, v in parse_fields(field).items() if v},
        **_values(domain=domain, industry=industry, kind=kind, phone=phone, email=email,
                  address=address, website=website, notes=note))
    print(company_id)
    say(f"added company #{company_id} {name.strip()}")


@app.command("list")
def list_(
    tag: TagOption = None, kind: KindOpt = None,
    sort: Annotated[str, typer.Option("--sort", help="name, created, updated or id; "
                                      "-FIELD descends.")] = "name",
    limit: LimitOption = None, format: FormatOption = Format.table,
) -> None:
    """List companies with how many people each has.

    \b
    Example: rolodex company list --kind client --format json
    """
    db = state.db()
    ids = companies.list_ids(db, tags=tag or [], kind=kind, sort=sort, limit=limit)
    emit(companies.fetch(db, ids), format, COMPANY_COLUMNS, keys=companies.KEYS,
         empty="no companies")


@app.command("show")
def show(ref: CompanyRef, format: ShowFormatOption = Format.table) -> None:
    """Show one company and its people.

    \b
    Example: rolodex company show acme
    """
    db = state.db()
    record = companies.fetch(db, [resolve_company(db, ref)])[0]
    people = contact_queries.fetch(db, companies.people(db, record["id"]))
    emit_one(record, format, lambda r: company_card(r, people))


@app.command("edit")
def edit(
    ref: CompanyRef,
    name: Opt = None, domain: Opt = None, industry: Opt = None, kind: KindOpt = None,
    phone: Opt = None, email: Opt = None, address: Opt = None, website: Opt = None,
    note: Annotated[str | None, typer.Option("--note", help="Replace the notes.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="Add a tag.")] = None,
    untag: Annotated[list[str] | None, typer.Option("--untag", help="Remove a tag.")] = None,
    field: FieldOption = None,
) -> None:
    """Change a company's fields ('' clears one), tags and custom fields.

    \b
    Example: rolodex company edit acme --industry Manufacturing --tag key-account
    """
    db = state.db()
    company_id = resolve_company(db, ref)
    values = _values(name=name, domain=domain, industry=industry, kind=kind, phone=phone,
                     email=email, address=address, website=website, notes=note)
    fields = parse_fields(field)
    if not (values or tag or untag or fields):
        from rolodex.errors import InvalidInput

        raise InvalidInput("nothing to change", hint="give options such as --industry")
    changed = companies.update_company(db, company_id, values, add_tags=tag or [],
                                       remove_tags=untag or [], fields=fields)
    say(f"updated company #{company_id}" if changed else "no changes")


@app.command("rm")
def rm(refs: Annotated[list[str], typer.Argument(metavar="REF...", help="Companies to delete.",
                                                  autocompletion=complete_company)],
       yes: YesOption = False) -> None:
    """Delete companies; their people stay, without a company (asks first on a terminal).

    \b
    Example: rolodex company rm "Acme Ltd" --yes
    """
    db = state.db()
    ids = list(dict.fromkeys(resolve_company(db, r) for r in refs))
    names = [companies.get_row(db, i)["name"] for i in ids]
    confirm(f"Delete {len(ids)} company(ies): {', '.join(names)}?", yes)
    with db.write(f"delete {len(ids)} companies"):
        unlinked = sum(companies.delete_company(db, i) for i in ids)
    say(f"deleted {len(ids)} company(ies); {unlinked} contact(s) kept without a company")
