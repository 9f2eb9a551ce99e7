"""Each kind of step delivered to one person, with its ledger row and history entry.

Kept apart from the run's bookkeeping (``run.py``): here is only the order of writes that
makes a crash at any point safe, for a mail, a letter and a task.
"""

from __future__ import annotations

from typing import Any

from rolodex.campaigns import compose
from rolodex.campaigns.outcome import Outcome
from rolodex.dates import now
from rolodex.store.campaigns import ledger

Runner = Any  # rolodex.campaigns.run.Runner, which calls these (not imported: no circle)


def _outcome(campaign: Any, step: Any, record: dict, **values: Any) -> Outcome:
    return Outcome(campaign["name"], step["position"], step["kind"], record["id"],
                   record["name"], **values)


def mail(run: Runner, campaign: Any, step: Any, contact_id: int) -> Outcome | None:
    """Claim, hand over (ledger marked just before the last byte), record: see
    ``store/campaigns/ledger.py`` for what a crash between them leaves."""
    from rolodex.campaigns.transport import Refused
    from rolodex.errors import RolodexError, ServerError
    from rolodex.formats.campaign_mail import Mail, build, unsubscribe_mailto

    db, o = run.db, run.o
    record = compose.person(db, contact_id)
    address, problem = _smtp_address(record.get("email"))
    sender = run.sender()
    if problem:
        if not o.dry_run:
            send_id = ledger.claim(db, campaign["id"], step["id"], contact_id, address=None,
                                   message_id=None)
            with db.transaction():
                ledger.record_outcome(db, send_id, "failed", error=problem)
        return _outcome(campaign, step, record, status="would fail" if o.dry_run else
                        "failed", detail=problem)
    message_id = run.message_id(step, contact_id)
    link = unsubscribe_mailto(sender.address, campaign["name"])
    text = compose.render(db, campaign, step, record, today=o.today, zone=o.zone,
                          unsubscribe=link, closing=sender.unsubscribe_line)
    if o.dry_run:
        return _outcome(campaign, step, record, address=address, status="would send",
                        detail=text.subject)
    mail_ = Mail(sender.sender, record["name"], address, text.subject or campaign["name"],
                 text.body, message_id, now().astimezone(o.zone), sender.address,
                 sender.unsubscribe_url, campaign["name"])
    transport = run.transport()
    transport.open()  # a login or TLS failure here has claimed nothing
    run.pace()
    send_id = ledger.claim(db, campaign["id"], step["id"], contact_id, address=address,
                           message_id=message_id)
    handed = False

    def handing_over() -> None:
        nonlocal handed
        ledger.mark_sending(db, send_id)
        handed = True

    try:
        transport.send(sender.address, address, build(mail_), handing_over)
    except Refused as exc:
        with db.transaction():
            ledger.record_outcome(db, send_id, "failed", error=str(exc))
        return _outcome(campaign, step, record, address=address, status="failed",
                        detail=str(exc), message_id=message_id)
    except RolodexError as exc:  # not taken now (4xx, dropped before the end): released
        ledger.release(db, send_id)
        run.halt(exc)
        return None
    except Exception as exc:
        if not handed:  # broke before anything left (a bug): nothing to leave unconfirmed
            ledger.release(db, send_id)
            raise
        # handed over, no answer: the server may have it
        run.halt(ServerError(f"no answer from the mail server after a mail to {address} "
                             f"({type(exc).__name__}); it is left unconfirmed"))
        return _outcome(campaign, step, record, address=address, status="unconfirmed",
                        detail="handed over without an answer", message_id=message_id)
    history_id = _log(db, send_id, [contact_id], "email",
                      f"{mail_.subject} (campaign {campaign['name']})", message_id)
    return _outcome(campaign, step, record, address=address, status="sent",
                    detail=mail_.subject, message_id=message_id, history_id=history_id)


def _smtp_address(email: str | None) -> tuple[str | None, str | None]:
    """(the address as SMTP carries it without SMTPUTF8, or why it cannot be sent to): an
    international domain goes in its ``xn--`` form; accents before the @ would need
    SMTPUTF8, which campaign mail does not speak, so that send fails with the reason
    rather than stopping every run at that person."""
    if not email:
        return None, "no email address"
    local, _, domain = email.rpartition("@")
    if not local.isascii():
        return None, f"{email}: accents before the @ need SMTPUTF8, not supported"
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None, f"{email}: its domain has no ASCII (IDNA) form"
    return f"{local}@{domain}", None


def _log(db: Any, send_id: int, people: list[int], kind: str, text: str,
         message_id: str | None, file: str | None = None) -> int:
    from rolodex.store.activity import history

    with db.write(f"campaign {kind} to contact #{people[0]}"):
        entry = history.log(db, people, kind, at=now(), text=text, direction="out",
                            message_id=message_id, check=False)
        ledger.record_outcome(db, send_id, "sent", interaction_id=entry, file=file)
    return entry


def letter(run: Runner, campaign: Any, step: Any, contact_id: int) -> Outcome:
    """Written to its file first, then recorded: a crash between leaves a claim that the
    next run releases, and the letter is written again to the same name (a file, unlike
    a mail, can be replaced)."""
    from rolodex.atomic_write import replace_all
    from rolodex.store.paths import make_private_folder

    db, o = run.db, run.o
    record = compose.person(db, contact_id)
    folder = o.letters / campaign["name"]
    target = folder / compose.letter_name(campaign, step, record)
    if o.dry_run:
        return _outcome(campaign, step, record, status="would send", file=str(target))
    text = compose.render(db, campaign, step, record, today=o.today, zone=o.zone)
    send_id = ledger.claim(db, campaign["id"], step["id"], contact_id, address=None,
                           message_id=None)
    try:
        make_private_folder(folder)
        replace_all([(target, text.body.encode("utf-8"))])
    except OSError as exc:
        from rolodex.errors import FileError

        ledger.release(db, send_id)
        raise FileError(f"cannot write {target}: {exc.strerror}") from None
    name = step["source"] and step["source"].rsplit("/", 1)[-1]
    history_id = _log(db, send_id, [contact_id], "letter",
                      f"Letter {name} (campaign {campaign['name']})", None, str(target))
    return _outcome(campaign, step, record, status="sent", file=str(target),
                    history_id=history_id)


def task(run: Runner, campaign: Any, step: Any, contact_id: int) -> Outcome:
    """The task and its ledger row in one transaction: nothing to recover."""
    from rolodex.store.activity.tasks import add_task

    db, o = run.db, run.o
    record = compose.person(db, contact_id)
    title = compose.render(db, campaign, step, record, today=o.today, zone=o.zone).body
    if o.dry_run:
        return _outcome(campaign, step, record, status="would send", detail=title)
    with db.write(f"campaign {campaign['name']}: task for contact #{contact_id}"):
        send_id = ledger.claim(db, campaign["id"], step["id"], contact_id, address=None,
                               message_id=None)
        task_id = add_task(db, title, contact_ids=[contact_id], due=o.today,
                           notes=f"Campaign {campaign['name']}, step {step['position']}")
        ledger.record_outcome(db, send_id, "sent", task_id=task_id)
    return _outcome(campaign, step, record, status="sent", detail=title, task_id=task_id)
