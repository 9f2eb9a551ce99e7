"""What the ``campaign run`` tests share: five customers who granted marketing consent,
rolodex pointed at a test SMTP server (``tests/smtp_server.py``), campaigns planned from
template files, and the ledger and history read back from the database file."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from conftest import seeded_once

SENDER = "Acme Ltd <news@acme.example>"
SENDER_ADDRESS = "news@acme.example"
# name, address, company: in the order of their ids (1..5), the order a run goes in
PEOPLE = [("Zoë Müller", "zoe@example.com", "Acme Ltd"),
          ("Jane Doe", "jane@example.com", None),
          ("John Roe", "john@example.com", "Roe & Sons"),
          ("Mary Major", "mary@example.com", None),
          ("Richard Miles", "richard@example.com", None)]
ADDRESSES = [address for _, address, _ in PEOPLE]
OFFER = ("Subject: Winter offer for {{ first_name }}\n\n"
         "Dear {{ first_name }},\n\nour winter offer for {{ company | your team }} is here.\n")


def ok(result) -> Any:
    assert result.exit_code == 0, result.stderr
    return result


@seeded_once
def customers(rolodex) -> dict[str, int]:
    """The five PEOPLE, tagged customer, each with a granted consent to marketing."""
    ids = {}
    for name, address, company in PEOPLE:
        args = ["add", name, "-e", address, "-t", "customer"]
        ids[address] = int(ok(rolodex([*args, *(["-c", company] if company else [])])).stdout)
        ok(rolodex(["privacy", "consent", str(ids[address]), "marketing", "--grant"]))
    return ids


def point_at(rolodex, server, **settings: str) -> None:
    """Campaign mail through ``server``, without TLS (it is 127.0.0.1), unpaced."""
    values = {"mail.from": SENDER, "mail.smtp.host": server.host,
              "mail.smtp.port": str(server.port), "mail.smtp.security": "none",
              "mail.rate": "0", **settings}
    for key, value in values.items():
        ok(rolodex(["config", "set", key, value]))


def plan(rolodex, folder: Path, name: str, *steps: str, template: str = OFFER,
         options: tuple[str, ...] = ("--tag", "customer")) -> None:
    """Campaign ``name`` with ``steps`` (default: one mail of ``template`` today);
    ``{file}`` in a step names ``template`` written into ``folder``."""
    path = folder / f"{name}.md"
    path.write_text(template, encoding="utf-8")
    specs = [s.replace("{file}", str(path)) for s in steps] or [f"0d mail {path}"]
    args = ["campaign", "add", name, *options]
    for spec in specs:
        args += ["--step", spec]
    ok(rolodex(args))


def run(rolodex, *options: str):
    """``campaign run --format json`` with ``options``: the result (exit code unchecked)."""
    return rolodex(["campaign", "run", "--format", "json", *options])


def read(db: Path, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    """Rows of the database file as any reader would see them (read-only)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def sends(db: Path) -> list[dict[str, Any]]:
    """The ledger: every send row, with its person's address, in the order claimed."""
    return read(db, "SELECT s.*, st.position AS step FROM campaign_sends s"
                    " JOIN campaign_steps st ON st.id = s.step_id ORDER BY s.id")


def mails_logged(db: Path) -> list[dict[str, Any]]:
    """Every history entry with a Message-ID, and the person it is on."""
    return read(db, "SELECT i.*, ic.contact_id FROM interactions i JOIN"
                    " interaction_contacts ic ON ic.interaction_id = i.id"
                    " WHERE i.message_id IS NOT NULL ORDER BY i.id")


def body(mail) -> str:
    """A parsed message's text with its line ends as rolodex wrote them (the parser
    keeps SMTP's CRLF)."""
    return mail.get_content().replace("\r\n", "\n")


def recipients(messages) -> list[str]:
    """The envelope recipient of each message, in order."""
    return [r for m in messages for r in m.recipients]
