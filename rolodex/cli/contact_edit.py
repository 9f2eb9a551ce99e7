"""``rolodex contact edit``: change fields by option, or everything at once in $EDITOR."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from typing import Annotated

import typer

from rolodex.cli._context import expand_refs, say, state
from rolodex.cli._options import (
    AddressOpt,
    AnniversaryOpt,
    BirthdayOpt,
    CompanyOpt,
    EmailOpt,
    EveryOpt,
    FieldOption,
    PhoneOpt,
    RefsArg,
    UrlOpt,
    one_line_text,
    parse_cadence,
    parse_details,
    parse_fields,
    parse_partial,
    typed_tags,
)
from rolodex.errors import Aborted, FileError, InvalidInput
from rolodex.models import display_name
from rolodex.store.people import contact_queries, contacts
from rolodex.store.people.contact_refs import resolve_contact


def edit(
    refs: RefsArg,
    name: Annotated[str | None, typer.Option("--name", help="Full name (re-splits the parts).",
                                             callback=one_line_text)] = None,
    first: Annotated[str | None, typer.Option(
        "--first", help="First (given) name.", callback=one_line_text)] = None,
    middle: Annotated[str | None, typer.Option(
        "--middle", help="Middle name.", callback=one_line_text)] = None,
    last: Annotated[str | None, typer.Option(
        "--last", help="Last (family) name.", callback=one_line_text)] = None,
    prefix: Annotated[str | None, typer.Option(
        "--prefix", help="Before the name: Dr., Ms.", callback=one_line_text)] = None,
    suffix: Annotated[str | None, typer.Option(
        "--suffix", help="After the name: Jr., PhD.", callback=one_line_text)] = None,
    nickname: Annotated[str | None, typer.Option(
        "--nickname", help="What people call them.", callback=one_line_text)] = None,
    title: Annotated[str | None, typer.Option(
        "--title", help="Job title.", callback=one_line_text)] = None,
    department: Annotated[str | None, typer.Option("--department", help="Department.")] = None,
    company: CompanyOpt = None, birthday: BirthdayOpt = None, anniversary: AnniversaryOpt = None,
    note: Annotated[str | None, typer.Option("--note", help="Replace the notes.")] = None,
    status: Annotated[str | None, typer.Option(
        "--status", help="lead, prospect, customer, partner or inactive.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Lead source.")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Team member in charge.")] = None,
    every: EveryOpt = None,
    email: EmailOpt = None, phone: PhoneOpt = None, address: AddressOpt = None,
    url: UrlOpt = None,
    rm_email: Annotated[list[str] | None, typer.Option(
        "--rm-email", help="Remove this email.")] = None,
    rm_phone: Annotated[list[str] | None, typer.Option(
        "--rm-phone", help="Remove this phone number.")] = None,
    rm_address: Annotated[list[str] | None, typer.Option(
        "--rm-address", help="Remove the address containing this text.")] = None,
    rm_url: Annotated[list[str] | None, typer.Option("--rm-url", help="Remove this URL.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", "-t", help="Add a tag.")] = None,
    untag: Annotated[list[str] | None, typer.Option("--untag", help="Remove a tag.")] = None,
    field: FieldOption = None,
    editor: Annotated[bool, typer.Option(
        "--editor", help="Edit the whole contact as text in $VISUAL or $EDITOR.")] = False,
) -> None:
    """Change contacts: set fields by option ('' clears one), or --editor for everything.

    \b
    Example: rolodex contact edit jane --title CTO --email "jane@new.example (work)" --untag lead
    """
    db = state.db()
    ids = list(dict.fromkeys(resolve_contact(db, r) for r in expand_refs(refs)))
    texts = {"name": display_name(name) if name else name, "first_name": first,
             "middle_name": middle, "last_name": last,
             "prefix": prefix, "suffix": suffix, "nickname": nickname, "title": title,
             "department": department, "notes": note, "status": status, "source": source,
             "owner": owner}
    values = {k: v for k, v in texts.items() if v is not None}
    if birthday is not None:
        values["birthday"] = parse_partial(birthday)
    if anniversary is not None:
        values["anniversary"] = parse_partial(anniversary, "anniversary")
    if every is not None:
        values["cadence_days"] = parse_cadence(every)
    adds = parse_details(email, phone, address, url)
    removes = parse_details(rm_email, rm_phone, rm_address, rm_url)
    fields = parse_fields(field)
    asked = values or adds or removes or tag or untag or fields or company is not None
    if editor:
        if asked or len(ids) != 1:
            raise InvalidInput("--editor edits one contact and takes no other changes")
        return _edit_in_editor(ids[0])
    if not asked:
        raise InvalidInput("nothing to change", hint="give options such as --title, or --editor")
    changed = contacts.edit_many(db, ids, values=values, company=company, add=adds,
                                 remove=removes, tags=typed_tags(tag), untags=untag or [],
                                 fields=fields)
    unchanged = len(ids) - changed
    say(f"updated {changed} contact(s)" + (f"; {unchanged} unchanged" if unchanged else ""))


def _edit_in_editor(contact_id: int) -> None:
    from rolodex.formats import editform

    db = state.db()
    record = contact_queries.fetch(db, [contact_id])[0]
    before = editform.to_text(record)
    after = run_editor(before)
    if after == before:
        say("no changes")
        return
    from rolodex.store.settings import get

    form = editform.parse(after, get(db, "contact.statuses"), record["tags"])
    contacts.rewrite(db, contact_id, values={**form.values, "notes": form.notes},
                     company=form.company, details=form.details, tags=form.tags,
                     fields=form.fields)
    say(f"updated contact #{contact_id}")


def run_editor(text: str) -> str:
    """Open ``text`` in the user's editor in a private temporary file; return what was saved."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        fd, path = tempfile.mkstemp(prefix="rolodex-", suffix=".txt")  # created 0600
    except OSError as exc:  # no writable temporary folder: the user's to fix, not a bug
        raise FileError(f"cannot write the editor's file: {exc.strerror}",
                        hint="set TMPDIR to a folder you can write") from exc
    try:
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as exc:  # a full disk is the user's to fix, not a bug
            raise FileError(f"cannot write the editor's file {path}: {exc.strerror}") from exc
        try:
            result = subprocess.run([*shlex.split(command), path], check=False)
        except OSError as exc:
            raise Aborted(f"cannot run editor '{command}': {exc.strerror}",
                          hint="set $EDITOR to your editor") from exc
        if result.returncode != 0:
            raise Aborted(f"editor '{command}' exited with status {result.returncode}; "
                          "nothing was saved")
        with open(path, encoding="utf-8") as f:
            return f.read()
    finally:
        os.unlink(path)
