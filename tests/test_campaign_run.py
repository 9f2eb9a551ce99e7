"""``campaign run`` against a real SMTP server (aiosmtpd, ``tests/smtp_server.py``): every
message as the server received it, read by the standard library's parser; a server that
fails mid-run (4xx, 5xx, a dropped connection, none at all) and the run after it; the rate
and the limit; SMTP login. Elsewhere: the kill -9 tests (``test_campaign_run_kills.py``),
consent, letters and tasks (``_people``), TLS (``_tls``), msmtp (``_sendmail``)."""

from __future__ import annotations

import itertools
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import campaign_world
import pytest
from campaign_world import (
    ADDRESSES,
    PEOPLE,
    SENDER,
    SENDER_ADDRESS,
    body,
    mails_logged,
    ok,
    plan,
    point_at,
    recipients,
    run,
    sends,
)
from smtp_server import DROP, free_port, smtp_server

customers = campaign_world.customers  # the seeded fixture, under its name

PASSWORD = "s3cret-Pw-7f2c"


@pytest.fixture
def server():
    with smtp_server() as running:
        yield running


@pytest.fixture
def auth_server():
    """A server that takes mail only after a login with PASSWORD."""
    with smtp_server(password=PASSWORD) as running:
        yield running


@pytest.fixture
def ready(customers, rolodex, server, tmp_path):
    """The five customers, rolodex pointed at ``server``, campaign winter-offer planned."""
    point_at(rolodex, server)
    plan(rolodex, tmp_path, "winter-offer")
    return customers


# -- what the server receives --------------------------------------------------------------

def test_every_message_as_the_server_received_it(ready, rolodex, server, isolated):
    rows = ok(run(rolodex)).json()
    got = server.delivered()
    assert recipients(got) == ADDRESSES and [r["status"] for r in rows] == ["sent"] * 5
    logged = {e["contact_id"]: e for e in mails_logged(isolated)}
    for (name, address, company), message, row in zip(PEOPLE, got, rows, strict=True):
        assert message.sender == SENDER_ADDRESS and message.recipients == [address]
        assert message.data.isascii()  # names and subject as encoded words, body as q-p
        mail = message.parsed()
        first = name.split()[0]
        assert mail["From"] == SENDER
        assert mail["To"].addresses[0].display_name == name
        assert mail["To"].addresses[0].addr_spec == address
        assert mail["Subject"] == f"Winter offer for {first}"
        assert parsedate_to_datetime(mail["Date"]) == datetime(2026, 11, 20, 9, tzinfo=UTC)
        assert mail["Date"].endswith("+0100")  # the user's zone (Europe/Berlin)
        assert mail["Message-ID"] == row["message_id"] == logged[ready[address]]["message_id"]
        # folded after the colon when long: the parser keeps the fold's space
        assert mail["List-Unsubscribe"].strip() == (
            "<mailto:news@acme.example?subject=unsubscribe%20winter-offer>")
        assert mail["List-Unsubscribe-Post"] is None
        assert body(mail) == (
            f"Dear {first},\n\nour winter offer for {company or 'your team'} is here.\n\n"
            "-- \nTo receive no more of these messages: "
            "mailto:news@acme.example?subject=unsubscribe%20winter-offer\n")
    ids = [m.parsed()["Message-ID"] for m in got]
    assert len(set(ids)) == 5 and all(i.endswith("@acme.example>") for i in ids)
    assert b"=?utf-8?q?Zo=C3=AB_M=C3=BCller?=" in got[0].data


def test_an_unsubscribe_url_comes_first_with_one_click_post(customers, rolodex, server,
                                                           tmp_path):
    point_at(rolodex, server, **{
        "campaign.unsubscribe_url": "https://acme.example/unsubscribe",
        "campaign.unsubscribe": "Had enough? {{ unsubscribe }}"})
    plan(rolodex, tmp_path, "spring")
    ok(run(rolodex))
    mail = server.delivered()[1].parsed()
    assert mail["List-Unsubscribe"].strip() == ("<https://acme.example/unsubscribe>, "
                                        "<mailto:news@acme.example?subject=unsubscribe%20spring>")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert body(mail).endswith(
        "\n-- \nHad enough? mailto:news@acme.example?subject=unsubscribe%20spring\n")


def test_a_hostile_name_cannot_add_a_header(customers, rolodex, server, tmp_path, isolated):
    """The store keeps names on one line, but a database written by another tool (or an
    older rolodex) may hold anything: the mail is built safe whatever the name is."""
    hostile = "Eve\r\nBcc: victim@evil.example\x07\x1b[2J\nX-Evil: 1"
    conn = sqlite3.connect(isolated)
    with conn:
        conn.execute("UPDATE contacts SET display_name = ?, first_name = ? WHERE id = ?",
                     (hostile, hostile, customers["jane@example.com"]))
    conn.close()
    point_at(rolodex, server)
    plan(rolodex, tmp_path, "hostile", template="Subject: For {{ name }}\n\nHi {{ name }}\n")
    ok(run(rolodex))
    message = server.delivered()[1]
    assert message.recipients == ["jane@example.com"]
    mail = message.parsed()
    assert mail["Bcc"] is None and mail["X-Evil"] is None
    assert [a.addr_spec for a in mail["To"].addresses] == ["jane@example.com"]
    assert mail["To"].addresses[0].display_name == (
        "Eve Bcc: victim@evil.example [2J X-Evil: 1")
    assert mail["Subject"] == "For Eve Bcc: victim@evil.example [2J X-Evil: 1"
    assert "\x1b" not in mail.get_content() and "\x07" not in mail.get_content()
    headers = message.data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert not [h for h in headers if h.lower().startswith((b"bcc", b"x-evil"))]


def test_lines_of_dots_arrive_as_written(customers, rolodex, server, tmp_path):
    """A line that is one dot would end the DATA early if not doubled on the wire."""
    text = "Subject: Dots\n\nFirst\n.\n..two\n.end\nLast\n"
    point_at(rolodex, server)
    plan(rolodex, tmp_path, "dots", template=text)
    ok(run(rolodex, "--limit", "1"))
    assert body(server.delivered()[0].parsed()).startswith("First\n.\n..two\n.end\nLast\n")


def test_an_address_smtp_cannot_carry_fails_alone_and_a_domain_goes_as_idna(
        customers, rolodex, server, tmp_path):
    """Accents before the @ would need SMTPUTF8: that send fails with the reason, and
    the run goes on (it used to stop every run at that person); an international domain
    is sent in its xn-- form."""
    for name, address in (("Zoë Accent", "zoë@example.com"), ("Jo Idn", "jo@exämple.com")):
        added = ok(rolodex(["add", name, "-e", address, "-t", "customer"])).stdout.strip()
        ok(rolodex(["privacy", "consent", added, "marketing", "--grant"]))
    point_at(rolodex, server)
    plan(rolodex, tmp_path, "winter-offer")
    rows = ok(run(rolodex)).json()
    assert [(r["contact"], r["status"]) for r in rows][5:] == [
        ("Zoë Accent", "failed"), ("Jo Idn", "sent")]
    assert rows[5]["detail"] == "zoë@example.com: accents before the @ need SMTPUTF8, " \
        "not supported"
    assert recipients(server.delivered()) == [*ADDRESSES, "jo@xn--exmple-cua.com"]
    to = server.delivered()[5].parsed()["To"].addresses[0]
    assert (to.display_name, to.addr_spec) == ("Jo Idn", "jo@xn--exmple-cua.com")
    assert ok(run(rolodex)).json() == []


# -- a server failing mid-run --------------------------------------------------------------

@pytest.mark.parametrize("at", ["rcpt", "end"])
def test_a_4xx_at_the_third_message_stops_and_the_next_run_sends_the_rest(
        ready, rolodex, server, isolated, at):
    server.fail("451 4.3.0 try again later", nth=3, at=at)
    first = run(rolodex)
    assert first.exit_code == 15, first.stderr
    assert "451" in first.stderr and "Traceback" not in first.stderr
    assert recipients(server.delivered()) == ADDRESSES[:2]
    assert [s["status"] for s in sends(isolated)] == ["sent", "sent"]
    second = ok(run(rolodex)).json()
    assert [r["address"] for r in second] == ADDRESSES[2:]
    assert sorted(recipients(server.delivered())) == sorted(ADDRESSES)
    assert [s["status"] for s in sends(isolated)] == ["sent"] * 5


@pytest.mark.parametrize("at", ["rcpt", "end"])
def test_a_5xx_for_one_recipient_fails_that_send_only(ready, rolodex, server, isolated, at):
    server.fail("550 5.1.1 no such mailbox", recipient="john@example.com", at=at)
    rows = ok(run(rolodex)).json()
    assert {r["address"]: r["status"] for r in rows} == {
        a: "failed" if a == "john@example.com" else "sent" for a in ADDRESSES}
    failed = next(r for r in rows if r["status"] == "failed")
    assert "550 5.1.1 no such mailbox" in failed["detail"]
    assert recipients(server.delivered()) == [a for a in ADDRESSES if a != "john@example.com"]
    ledger = {s["address"]: s for s in sends(isolated)}
    assert ledger["john@example.com"]["status"] == "failed"
    assert "550" in ledger["john@example.com"]["error"]
    assert ok(run(rolodex)).json() == []          # a failed send is not tried again
    server.clear()
    again = ok(run(rolodex, "--retry-failed")).json()
    assert [(r["address"], r["status"]) for r in again] == [("john@example.com", "sent")]
    assert Counter(recipients(server.delivered())) == Counter(ADDRESSES)


def test_a_connection_dropped_before_data_ends_is_sent_once_by_the_next_run(
        ready, rolodex, server, isolated):
    server.fail(DROP, nth=2, at="data")
    first = run(rolodex)
    assert first.exit_code == 15, first.stderr
    assert "dropped the connection" in first.stderr
    assert recipients(server.messages) == ADDRESSES[:1]  # the second never got to send
    assert [s["address"] for s in sends(isolated)] == ADDRESSES[:1]
    ok(run(rolodex))
    assert Counter(recipients(server.delivered())) == Counter(ADDRESSES)


@pytest.mark.parametrize("hang_up", [DROP, "421 4.7.0 too many messages in this session"])
def test_a_server_that_hung_up_between_mails_is_connected_to_again(ready, rolodex, server,
                                                                   tmp_path, hang_up):
    """An idle timeout while the rate pauses the run, or a limit of mails per connection,
    costs a new connection, not the run."""
    server.fail(hang_up, nth=3, at="mail")
    rows = ok(run(rolodex)).json()
    assert [r["status"] for r in rows] == ["sent"] * 5
    assert recipients(server.delivered()) == ADDRESSES
    server.forget()
    server.fail(DROP, nth=2, at="mail", times=2)  # hung up on again: the run stops
    plan(rolodex, tmp_path, "spring")
    result = run(rolodex)
    assert result.exit_code == 15 and "dropped the connection" in result.stderr
    assert recipients(server.delivered()) == ADDRESSES[:1]


def test_no_answer_after_the_data_leaves_that_mail_unconfirmed(ready, rolodex, server,
                                                                isolated):
    """The server has the message but never said so: it is not sent again by a run."""
    server.fail(DROP, nth=2, at="end")
    first = run(rolodex)
    assert first.exit_code == 15, first.stderr
    rows = first.json()
    assert [(r["address"], r["status"]) for r in rows] == [
        (ADDRESSES[0], "sent"), (ADDRESSES[1], "unconfirmed")]
    assert rows[1]["message_id"] == server.messages[1].parsed()["Message-ID"]
    second = ok(run(rolodex)).json()
    assert [(r["address"], r["status"]) for r in second] == [
        (ADDRESSES[1], "unconfirmed"), *((a, "sent") for a in ADDRESSES[2:])]
    assert Counter(recipients(server.messages)) == Counter(ADDRESSES)  # jane once


def test_a_5xx_to_the_sender_stops_the_run_instead_of_failing_everyone(
        ready, rolodex, server, isolated):
    server.fail("553 5.7.1 sender not allowed", nth=2, at="mail")
    result = run(rolodex)
    assert result.exit_code == 15
    assert result.stderr.startswith("rolodex: the SMTP server refuses mail from this sender"
                                    " (MAIL FROM: 553 5.7.1 sender not allowed)")
    assert [(s["address"], s["status"]) for s in sends(isolated)] == [(ADDRESSES[0], "sent")]
    ok(run(rolodex))
    assert recipients(server.delivered()) == ADDRESSES


def test_a_server_wanting_a_login_none_is_set_for_exits_12(customers, rolodex, auth_server,
                                                           tmp_path, isolated):
    point_at(rolodex, auth_server)
    plan(rolodex, tmp_path, "winter-offer")
    result = run(rolodex)
    assert result.exit_code == 12
    assert result.stderr.startswith("rolodex: the SMTP server wants a login before it takes "
                                    "mail (530")
    assert "mail.smtp.user" in result.stderr
    assert sends(isolated) == [] and auth_server.messages == []


def test_an_unreachable_server_exits_14_and_claims_nothing(customers, rolodex, server,
                                                           tmp_path, isolated):
    point_at(rolodex, server, **{"mail.smtp.port": str(free_port())})
    plan(rolodex, tmp_path, "winter-offer")
    result = run(rolodex)
    assert result.exit_code == 14
    assert result.stderr.startswith("rolodex: cannot reach the SMTP server 127.0.0.1:")
    assert sends(isolated) == [] and mails_logged(isolated) == []


# -- pace and limit --------------------------------------------------------------------------

@pytest.mark.slow
def test_rate_spaces_mails_apart(customers, rolodex, server, tmp_path):
    point_at(rolodex, server)
    plan(rolodex, tmp_path, "paced")
    ok(run(rolodex, "--rate", "120", "--limit", "3"))
    got = server.delivered()
    assert len(got) == 3
    gaps = [b.began - a.began for a, b in itertools.pairwise(got)]
    # 0.5 s by the run's clock, which starts as it begins a mail; the server notes MAIL
    # FROM a little later each time (claiming the send, the server thread's turn)
    assert all(0.45 <= gap < 2 for gap in gaps), gaps


def test_limit_sends_that_many_and_the_next_run_the_rest(ready, rolodex, server):
    first = run(rolodex, "--limit", "2")
    assert first.exit_code == 0 and "limit of 2" in first.stderr
    assert recipients(server.delivered()) == ADDRESSES[:2]
    ok(run(rolodex))
    assert recipients(server.delivered()) == ADDRESSES


# -- logging in ---------------------------------------------------------------------------------

def _no_password_anywhere(result, isolated) -> None:
    assert PASSWORD not in result.stdout + result.stderr
    for path in isolated.parent.glob(isolated.name + "*"):
        assert PASSWORD.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("source", ["password_command", "environment"])
def test_login_with_the_password_from_a_command_or_the_environment(
        customers, rolodex, auth_server, tmp_path, isolated, monkeypatch, source):
    point_at(rolodex, auth_server, **{"mail.smtp.user": "jane"})
    if source == "password_command":
        script = tmp_path / "smtp-password"
        script.write_text(f"#!/bin/sh\necho '{PASSWORD}'\n")
        script.chmod(0o700)
        ok(rolodex(["config", "set", "mail.smtp.password_command", str(script)]))
    else:
        monkeypatch.setenv("ROLODEX_SMTP_PASSWORD", PASSWORD)
    plan(rolodex, tmp_path, "winter-offer")
    result = ok(run(rolodex))
    assert recipients(auth_server.delivered()) == ADDRESSES
    assert auth_server.logins == [("jane", True)]  # one login for the whole run
    _no_password_anywhere(result, isolated)


def test_a_wrong_password_exits_12_and_claims_nothing(customers, rolodex, auth_server,
                                                      tmp_path, isolated, monkeypatch):
    point_at(rolodex, auth_server, **{"mail.smtp.user": "jane"})
    monkeypatch.setenv("ROLODEX_SMTP_PASSWORD", "not-" + PASSWORD)
    plan(rolodex, tmp_path, "winter-offer")
    result = run(rolodex)
    assert result.exit_code == 12
    assert result.stderr.startswith("rolodex: the SMTP server 127.0.0.1 refused the login")
    assert auth_server.logins and set(auth_server.logins) == {("jane", False)}
    assert auth_server.messages == []
    assert sends(isolated) == []
    monkeypatch.setenv("ROLODEX_SMTP_PASSWORD", PASSWORD)
    ok(run(rolodex))
    assert recipients(auth_server.delivered()) == ADDRESSES
    _no_password_anywhere(result, isolated)


def test_the_date_follows_the_clock(ready, rolodex, server, monkeypatch):
    """Date is when the run sends (ROLODEX_NOW here), not when the campaign was planned."""
    later = datetime(2026, 11, 21, 7, 30, tzinfo=UTC)
    monkeypatch.setenv("ROLODEX_NOW", later.isoformat().replace("+00:00", "Z"))
    ok(run(rolodex, "--limit", "1"))
    sent = parsedate_to_datetime(server.delivered()[0].parsed()["Date"])
    assert sent == later and sent.utcoffset() == timedelta(hours=1)
