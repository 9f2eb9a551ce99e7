"""``rolodex add`` and ``rolodex contact ...``: add, list, show, edit, rm, tag, untag, link."""

from typing import Annotated

import typer

from rolodex.cli._context import confirm, expand_refs, say, state
from rolodex.cli._help import HelpGroup
from rolodex.cli._options import (
    AddressOpt,
    AnniversaryOpt,
    BirthdayOpt,
    ColumnsOption,
    CompanyOpt,
    EmailOpt,
    EveryOpt,
    FieldOption,
    FormatOption,
    LimitOption,
    MineOption,
    PhoneOpt,
    RefArg,
    RefsArg,
    ShowFormatOption,
    TagOption,
    UrlOpt,
    YesOption,
    one_line_text,
    owner_filter,
    parse_cadence,
    parse_details,
    parse_fields,
    parse_partial,
    typed_tags,
)
from rolodex.cli._output import Format, emit_records, query_limit
from rolodex.cli._views import CONTACT_COLUMNS
from rolodex.cli.completion import complete_company, complete_contact
from rolodex.cli.contact_edit import edit
from rolodex.models import display_name
from rolodex.store.people import contact_queries, contact_text, contacts
from rolodex.store.people.contact_refs import resolve_contact
from rolodex.store.records import delete_each
from rolodex.store.refs import resolve_company

app = typer.Typer(help="Add, find, show and change contacts.", no_args_is_help=True,
                  cls=HelpGroup)

def add(
    name: Annotated[str, typer.Argument(metavar="NAME", callback=one_line_text,
                                        help="Full name as written, e.g. 'Dr. Jane Doe'.")],
    email: EmailOpt = None, phone: PhoneOpt = None, address: AddressOpt = None,
    url: UrlOpt = None, company: CompanyOpt = None,
    title: Annotated[str | None, typer.Option("--title", help="Job title.",
                                              callback=one_line_text)] = None,
    department: Annotated[str | None, typer.Option(
        "--department", help="Department, e.g. Sales.")] = None,
    nickname: Annotated[str | None, typer.Option(
        "--nickname", help="What people call them.")] = None,
    tag: TagOption = None, birthday: BirthdayOpt = None, anniversary: AnniversaryOpt = None,
    note: Annotated[str | None, typer.Option("--note", help="Notes.")] = None,
    status: Annotated[str | None, typer.Option(
        "--status", help="lead, prospect, customer, partner or inactive.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Lead source.")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Team member in charge.")] = None,
    every: EveryOpt = None, field: FieldOption = None,
) -> None:
    """Add a contact; prints its id on stdout.

    A warning on stderr names an existing contact the new one looks like (same email, phone
    or name; see 'rolodex dupes'); the contact is added all the same.

    \b
    Example: rolodex add "Jane Doe" -e jane@acme.example -p "+1 555 0100 (mobile)" -c "Acme Ltd"
    """
    db = state.db()
    items = parse_details(email, phone, address, url)
    values = {"title": title, "department": department, "nickname": nickname,
              "birthday": parse_partial(birthday),
              "anniversary": parse_partial(anniversary, "anniversary"),
              "notes": note, "status": status, "source": source, "owner": owner,
              "cadence_days": parse_cadence(every)}
    contact_id, company_id, created = contacts.add_at_company(
        db, display_name(name), company, details=items, tags=typed_tags(tag),
        fields={k: v for k, v in parse_fields(field).items() if v},
        **{k: v for k, v in values.items() if v is not None})
    print(contact_id)
    say(f"added contact #{contact_id} {name.strip()}"
        + (f" (new company #{company_id} {company.strip()})" if created else ""))
    from rolodex.cli.dupes import warn_if_duplicate

    warn_if_duplicate(contact_id)


app.command("add")(add)
app.command("edit")(edit)


@app.command("list")
def list_(
    tag: TagOption = None,
    company: Annotated[str | None, typer.Option("--company", "-c", help="Company id or name.",
                                                autocompletion=complete_company)] = None,
    status: Annotated[str | None, typer.Option(
        "--status", help="Only lead, prospect, customer, partner or inactive ones.")] = None,
    owner: Annotated[str | None, typer.Option(
        "--owner", help="Only those this team member is in charge of.")] = None,
    mine: MineOption = False,
    updated_since: Annotated[str | None, typer.Option(
        "--updated-since", metavar="WHEN", help="2026-11-01, yesterday, 2 weeks ago...")] = None,
    sort: Annotated[str, typer.Option(
        "--sort", help="name, company, created, updated or id; -FIELD descends.")] = "name",
    limit: LimitOption = None, format: FormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """List contacts, filtered; every filter narrows the list.

    \b
    Example: rolodex contact list --tag vip --status customer --format csv > vip.csv
    """
    db = state.db()
    since = None
    if updated_since:
        from rolodex.date_input import parse_when
        from rolodex.dates import as_instant

        zone = state.zone()
        since = as_instant(parse_when(updated_since, tz=zone), zone)
    company_id = resolve_company(db, company) if company else None
    ids = contact_queries.list_ids(db, tags=tag or [], company_id=company_id, status=status,
                                   owner=owner_filter(owner, mine), updated_since=since, sort=sort,
                                   limit=query_limit(limit, format))
    emit_records(ids, lambda i: contact_queries.iter_fetch(db, i), format, CONTACT_COLUMNS,
                 keys=contact_queries.KEYS, limit=limit,
                 texts=lambda *a: contact_text.texts(db, *a), empty="no contacts", pick=columns)


@app.command("show")
def show(ref: RefArg, format: ShowFormatOption = Format.table) -> None:
    """Show everything about one contact: a card, or the full record as JSON.

    \b
    Example: rolodex contact show jane --format json
    """
    from rolodex.cli._instant import contact_show

    contact_show(ref, format)


@app.command("rm")
def rm(refs: RefsArg, yes: YesOption = False) -> None:
    """Delete contacts and everything attached to them (asks first on a terminal).

    'rolodex undo' or, at any later time, 'rolodex contact restore' brings them back.

    \b
    Example: rolodex contact rm "Jane Doe" --yes
    """
    db = state.db()
    ids = list(dict.fromkeys(resolve_contact(db, r) for r in expand_refs(refs)))
    names = [contacts.get_row(db, i)["display_name"] for i in ids]
    confirm(f"Delete {len(ids)} contact(s): {', '.join(names[:5])}"
            + ("..." if len(names) > 5 else "") + "?", yes)
    delete_each(db, ids, "contacts", contacts.delete_contact)
    say(f"deleted {len(ids)} contact(s)")


@app.command("tag")
def tag_(ref: RefArg, tags: Annotated[list[str], typer.Argument(metavar="TAG...")]) -> None:
    """Add tags to a contact, or to every contact read from stdin with -.

    \b
    Example: rolodex contact list --tag vip --format ids | rolodex contact tag - lapsed
    """
    db = state.db()
    ids = [resolve_contact(db, r) for r in expand_refs([ref])]
    changed = contacts.tag(db, ids, typed_tags(tags))
    say(f"tagged {changed} of {len(ids)} contact(s)")


@app.command("untag")
def untag(ref: RefArg, tags: Annotated[list[str], typer.Argument(metavar="TAG...")]) -> None:
    """Remove tags from a contact, or from every contact read from stdin with -.

    \b
    Example: rolodex contact untag jane lapsed
    """
    db = state.db()
    ids = [resolve_contact(db, r) for r in expand_refs([ref])]
    changed = contacts.tag(db, ids, tags, remove=True)
    say(f"untagged {changed} of {len(ids)} contact(s)")


@app.command("link")
def link(
    ref: RefArg,
    kind: Annotated[str, typer.Argument(
        help="spouse, manager, assistant, referred-by, colleague... or any word.")],
    other: Annotated[str, typer.Argument(metavar="OTHER", help="The related contact.",
                                         autocompletion=complete_contact)],
    text: Annotated[bool, typer.Option(
        "--text", help="OTHER is a person not in the rolodex, kept as text.")] = False,
    remove: Annotated[bool, typer.Option("--remove", help="Remove the relationship.")] = False,
) -> None:
    """Relate two contacts: REF's KIND is OTHER ("jane manager joe": Joe manages Jane).

    \b
    Example: rolodex contact link "Jane Doe" referred-by "John Roe"
    """
    db = state.db()
    contact_id = resolve_contact(db, ref)
    if text:
        if remove:
            raise typer.BadParameter("--remove works between two contacts, not with --text")
        contacts.link(db, contact_id, kind, other_name=other)
        say(f"linked #{contact_id}: {kind} {other}")
        return
    other_id = resolve_contact(db, other)
    if remove:
        count = contacts.unlink(db, contact_id, kind, other_id)
        say(f"removed {count} relationship(s)")
    else:
        contacts.link(db, contact_id, kind, other_id=other_id)
        say(f"linked #{contact_id}: {kind} #{other_id}")


# Restoring a deleted contact lives beside undo and redo, in the module of the journal.
from rolodex.cli.journal import restore_contact  # noqa: E402

app.command("restore")(restore_contact)
