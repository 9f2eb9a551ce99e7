"""``rolodex company ...``: add, list, show, edit, rm, merge."""

from __future__ import annotations

from typing import Annotated

import typer

from rolodex.cli._context import confirm, say, state
from rolodex.cli._help import HelpGroup
from rolodex.cli._options import (
    ColumnsOption,
    DryRunOption,
    FieldOption,
    FormatOption,
    LimitOption,
    PreferOption,
    RowsFormatOption,
    ShowFormatOption,
    TagOption,
    YesOption,
    one_line_text,
    parse_fields,
    typed_tags,
)
from rolodex.cli._output import Format, emit
from rolodex.cli._views import COMPANY_COLUMNS
from rolodex.cli.completion import complete_company
from rolodex.store.people import companies
from rolodex.store.records import delete_each
from rolodex.store.refs import resolve_company

app = typer.Typer(help="Add, find, show, change and merge companies (accounts).",
                  no_args_is_help=True,
                  cls=HelpGroup)

CompanyRef = Annotated[str, typer.Argument(
    metavar="REF", help="Id, UID, domain, or a unique (prefix of a) name.",
    autocompletion=complete_company)]
def _opt(description: str) -> object:
    return typer.Option(show_default=False, help=description)


Domain = Annotated[str | None, _opt("Web domain: acme.example.")]
Industry = Annotated[str | None, _opt("Industry, e.g. Manufacturing.")]
Phone = Annotated[str | None, _opt("Main phone number.")]
Email = Annotated[str | None, _opt("Main email address.")]
Address = Annotated[str | None, _opt("Postal address, on one line.")]
Website = Annotated[str | None, _opt("Website URL.")]
KindOpt = Annotated[str | None, typer.Option(
    "--kind", help="client, partner, vendor, competitor, prospect or other.")]


def _values(**values: str | None) -> dict[str, str | None]:
    return {k: v for k, v in values.items() if v is not None}


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Company name, e.g. 'Acme Ltd'.",
                                        callback=one_line_text)],
    domain: Domain = None, industry: Industry = None, kind: KindOpt = None,
    phone: Phone = None, email: Email = None, address: Address = None,
    website: Website = None,
    note: Annotated[str | None, typer.Option("--note", help="Notes.")] = None,
    tag: TagOption = None, field: FieldOption = None,
) -> None:
    """Add a company; prints its id on stdout.

    \b
    Example: rolodex company add "Acme Ltd" --domain acme.example --kind client --tag key
    """
    db = state.db()
    company_id = companies.add_company(
        db, name, tags=typed_tags(tag), as_card=True,
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
    columns: ColumnsOption = None,
) -> None:
    """List companies with how many people each has.

    \b
    Example: rolodex company list --kind client --format json
    """
    db = state.db()
    ids = companies.list_ids(db, tags=tag or [], kind=kind, sort=sort, limit=limit)
    emit(companies.fetch(db, ids), format, COMPANY_COLUMNS, keys=companies.KEYS,
         empty="no companies", pick=columns)


@app.command("show")
def show(ref: CompanyRef, format: ShowFormatOption = Format.table) -> None:
    """Show one company and its people.

    \b
    Example: rolodex company show acme
    """
    from rolodex.cli._instant import company_show

    company_show(ref, format)


@app.command("edit")
def edit(
    ref: CompanyRef,
    name: Annotated[str | None, typer.Option(show_default=False, help="New name.",
                                             callback=one_line_text)] = None,
    domain: Domain = None, industry: Industry = None, kind: KindOpt = None,
    phone: Phone = None, email: Email = None, address: Address = None,
    website: Website = None,
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
    changed = companies.update_company(db, company_id, values, add_tags=typed_tags(tag),
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
    unlinked = sum(delete_each(db, ids, "companies", companies.delete_company))
    say(f"deleted {len(ids)} company(ies); {unlinked} contact(s) kept without a company")


@app.command("merge")
def merge(
    a: Annotated[str, typer.Argument(
        metavar="A", help="The company that stays: id, UID, domain or unique name.",
        autocompletion=complete_company)],
    b: Annotated[str, typer.Argument(
        metavar="B", help="The company merged into A, then deleted.",
        autocompletion=complete_company)],
    prefer: PreferOption = "A", dry_run: DryRunOption = False, yes: YesOption = False,
    format: RowsFormatOption = Format.table,
) -> None:
    """Merge company B into company A: A keeps its id and gets B's people and everything else.

    Prints the plan field by field, then asks (--yes without a terminal). B's people,
    history, deals, tags and custom fields move to A; where both have a different value,
    --prefer decides (default A), and an empty value is always filled from the other;
    notes are joined, a custom field both have keeps the other value as KEY-merged.
    Imports that name B afterwards (its UID, or its name in a contact's ORG) mean A. One
    operation, after an automatic backup: 'rolodex undo' gives back both companies.

    \b
    Example: rolodex company merge "Acme Ltd" "ACME Limited" --dry-run
    """
    from rolodex.cli.dupes import prefer_side, show_plan_then_apply
    from rolodex.store.dedupe.company_merge import apply_company_merge, plan_company_merge

    side = prefer_side(prefer, format)
    db = state.db()
    plan = plan_company_merge(db, resolve_company(db, a), resolve_company(db, b), prefer=side)
    show_plan_then_apply(plan, lambda: apply_company_merge(db, plan), format=format,
                         dry_run=dry_run, yes=yes)
