"""Mail coming back from a campaign (#21): ``log-mail`` counts a reply (In-Reply-To,
References) as the send's response, and a mail "unsubscribe NAME" (what the campaign
mail's List-Unsubscribe link writes) as an opt-out of every campaign."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from email import message_from_bytes
from urllib.parse import unquote, urlsplit

import pytest
from campaign_data import campaign, mail, run, send, store, task

from rolodex.formats.campaign_mail import Mail, build
from rolodex.formats.mailmsg import MAX_ANSWERED, read_message
from rolodex.store.privacy import consent

SHOP = "Acme Ltd <shop@acme.example>"
W1, W2 = "<w1.rolodex@acme.example>", "<w2.rolodex@acme.example>"


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def message(sender: str, subject: str, *, message_id: str, to: str = SHOP,
            extra: str = "", date: str = "Fri, 20 Nov 2026 08:00:00 +0000") -> str:
    return (f"From: {sender}\nTo: {to}\nSubject: {subject}\nDate: {date}\n"
            f"Message-ID: {message_id}\n{extra}\nHello.\n")


@pytest.fixture
def sent(rolodex):
    """Jane and John were sent the winter offer; the shop's own address is known."""
    ok(rolodex(["config", "set", "my.emails", "shop@acme.example"]))
    jane = int(ok(rolodex(["add", "Jane Doe", "-e", "jane@acme.example", "-t", "news"])).stdout)
    john = int(ok(rolodex(["add", "John Roe", "-e", "john@acme.example", "-t", "news"])).stdout)
    winter = campaign("winter-offer", [mail(0, "Winter offer")], [jane, john],
                      start=date(2026, 11, 18))
    sends = {W1: send(winter, 1, jane, "2026-11-18T10:00:00Z", message_id=W1),
             W2: send(winter, 1, john, "2026-11-18T10:00:00Z", message_id=W2)}
    return {"jane": jane, "john": john, "winter": winter, "sends": sends}


def _send(send_id: int) -> dict:
    with store() as db:
        return dict(db.execute("SELECT * FROM campaign_sends WHERE id = ?",
                               (send_id,)).fetchone())


def test_reply_headers_are_read_in_order_and_bounded():
    raw = (b"From: a@x.example\nIn-Reply-To: <p@x.example>\nReferences: <r1@x.example>\n"
           b" <r2@x.example> <p@x.example>\n\n")
    assert read_message(io.BytesIO(raw)).replies_to == ["<p@x.example>", "<r2@x.example>",
                                                        "<r1@x.example>"]
    many = " ".join(f"<{n}@x.example>" for n in range(3000))  # about 50 KB, within limits
    hostile = f"From: a@x.example\nReferences: {many} {'<' * 5000}\n\n".encode()
    found = read_message(io.BytesIO(hostile)).replies_to
    assert len(found) == MAX_ANSWERED and found[0] == "<2999@x.example>"
    plain = read_message(io.BytesIO(b"From: a@x.example\nIn-Reply-To: no id here\n\n"))
    assert plain.replies_to == []


def test_a_reply_is_the_send_response_once(rolodex, sent):
    reply = message("Jane Doe <jane@acme.example>", "Re: Winter offer", message_id="<r1@home>",
                    extra=f"In-Reply-To: {W1}\nReferences: <older@acme.example> {W1}\n")
    result = ok(rolodex("log-mail", input=reply))
    entry = int(result.stdout)
    assert "a reply to campaign winter-offer" in result.stderr
    jane_send = _send(sent["sends"][W1])
    assert jane_send["response_id"] == entry and jane_send["responded"] == "2026-11-20T08:00:00Z"
    assert _send(sent["sends"][W2])["response_id"] is None
    again = ok(rolodex("log-mail", input=reply))
    assert "already logged" in again.stderr and "campaign" not in again.stderr
    later = message("Jane Doe <jane@acme.example>", "Re: Re: Winter offer",
                    message_id="<r2@home>", extra=f"References: {W1} <r1@home>\n")
    second = ok(rolodex("log-mail", input=later))
    assert "a reply to campaign winter-offer" in second.stderr
    assert _send(sent["sends"][W1])["response_id"] == entry  # the first one counts


def test_references_alone_count_and_your_own_mail_does_not(rolodex, sent):
    mine = message(SHOP, "Re: Winter offer", to="John Roe <john@acme.example>",
                   message_id="<mine@acme.example>", extra=f"In-Reply-To: {W2}\n")
    assert "campaign" not in ok(rolodex("log-mail", input=mine)).stderr
    assert _send(sent["sends"][W2])["response_id"] is None
    johns = message("John Roe <john@acme.example>", "Re: Winter offer",
                    message_id="<j@home>", extra=f"References: {W2}\n")
    entry = int(ok(rolodex("log-mail", input=johns)).stdout)
    assert _send(sent["sends"][W2])["response_id"] == entry


def _unsubscribe_subject() -> tuple[str, str]:
    """The address and subject the campaign mail's List-Unsubscribe mailto link writes."""
    built = build(Mail(SHOP, "Jane Doe", "jane@acme.example", "Winter offer", "Hi\n", W1,
                       datetime(2026, 11, 18, 10, tzinfo=UTC), "shop@acme.example",
                       campaign="winter-offer"))
    header = message_from_bytes(built)["List-Unsubscribe"]
    link = urlsplit(header.strip().strip("<>"))
    assert link.scheme == "mailto"
    return link.path, unquote(link.query.removeprefix("subject="))


def _marketing(contact_id: int) -> list[dict]:
    with store() as db:
        return consent.history(db, contact_id, "marketing")


def test_unsubscribing_by_mail_opts_out_of_every_campaign(rolodex, sent):
    address, subject = _unsubscribe_subject()
    assert (address, subject) == ("shop@acme.example", "unsubscribe winter-offer")
    campaign("calls", [task(0, "Call {{ first_name }}")], [sent["jane"], sent["john"]],
             start=date(2026, 11, 20), audience="tag:news")
    unsubscribe = message("Jane Doe <jane@acme.example>", subject, to=address,
                          message_id="<u1@home>")
    result = ok(rolodex("log-mail", input=unsubscribe))
    assert "Jane Doe unsubscribed" in result.stderr
    [row] = _marketing(sent["jane"])
    assert (row["status"], row["source"], row["evidence"]) == (
        "withdrawn", "unsubscribe by mail", "<u1@home>")
    done = {(o["contact_id"], o["status"]) for o in run(date(2026, 11, 20), "calls")}
    assert done == {(sent["jane"], "left"), (sent["john"], "sent")}
    again = ok(rolodex("log-mail", input=message(
        "Jane Doe <jane@acme.example>", "UNSUBSCRIBE please", message_id="<u2@home>")))
    assert "already opted out" in again.stderr
    assert len(_marketing(sent["jane"])) == 1


def test_undo_of_the_logged_mail_takes_the_opt_out_back(rolodex, sent):
    ok(rolodex("log-mail", input=message("John Roe <john@acme.example>", "Unsubscribe",
                                         message_id="<u@home>")))
    assert [r["status"] for r in _marketing(sent["john"])] == ["withdrawn"]
    ok(rolodex("undo"))
    assert _marketing(sent["john"]) == []
    assert ok(rolodex("history john -f json")).json() == []


@pytest.mark.parametrize("subject", ["Unsubscribed from the list?", "Re: unsubscribe",
                                     "Please unsubscribe me"])
def test_only_a_subject_starting_with_the_word_opts_out(rolodex, sent, subject):
    result = ok(rolodex("log-mail", input=message("Jane Doe <jane@acme.example>", subject,
                                                  message_id="<x@home>")))
    assert "unsubscribed" not in result.stderr.replace(subject, "")
    assert _marketing(sent["jane"]) == []


def test_a_stranger_cannot_unsubscribe_a_contact(rolodex, sent):
    result = ok(rolodex("log-mail", input=message(
        "Someone <someone@elsewhere.example>", "unsubscribe winter-offer",
        to="Jane Doe <jane@acme.example>", message_id="<s@elsewhere>")))
    assert "unsubscribed" not in result.stderr
    assert _marketing(sent["jane"]) == []


def test_the_logged_copy_of_an_unconfirmed_mail_confirms_it(rolodex, sent):
    """A run killed as it handed Jane's mail over left it unconfirmed; the copy from
    the Sent folder, piped into log-mail, settles it: sent, with that entry."""
    with store() as db:
        db.execute("UPDATE campaign_sends SET status = 'sending', at = NULL WHERE id = ?",
                   (sent["sends"][W1],))
        db.conn.commit()
    copy = message(SHOP, "Winter offer", message_id=W1, to="Jane Doe <jane@acme.example>")
    result = ok(rolodex(["log-mail"], input=copy))
    assert "unconfirmed mail of campaign winter-offer: it left" in result.stderr
    row = _send(sent["sends"][W1])
    assert (row["status"], row["interaction_id"], row["error"]) == (
        "sent", int(result.stdout), "confirmed by its logged copy")
    history = ok(rolodex(["history", f"#{sent['jane']}", "-f", "json"])).json()
    assert [(h["kind"], h["direction"]) for h in history] == [("email", "out")]
    again = ok(rolodex(["log-mail"], input=copy))
    assert "already logged" in again.stderr
    other = message(SHOP, "Winter offer", message_id=W2, to="John Roe <john@acme.example>")
    assert "unconfirmed" not in ok(rolodex(["log-mail"], input=other)).stderr
