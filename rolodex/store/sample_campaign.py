"""The demo's campaign: a winter offer to the VIPs, started ten days before the demo runs,
so the report, the agenda and the calendar have something to show. Its mail went out
(recorded as a run records it, in history and the ledger) to the two who had agreed to
it: one answered and bought, one unsubscribed; the third VIP gave no consent and waits.
Its second step, a call, falls in four days. Invented people only."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from rolodex.dates import to_utc_iso
from rolodex.store.activity import deals, history
from rolodex.store.campaigns import definitions, members
from rolodex.store.db import Database
from rolodex.store.privacy import consent

NAME = "winter-offer"
OFFER = ("Dear {{ first_name | friend }},\n\nthis winter our maintenance bundle is 20% off "
         "until the end of the year.\n\nBest regards,\nthe demo team\n")
# (who, replied after days, unsubscribed after days)
REACHED = [("Jane Doe", 2, None), ("Dr. Amélie Laurent", None, 3)]
WAITING = "Zoë Müller"  # a VIP without consent: a member the campaign does not reach


def populate_campaign(db: Database, ids: dict[str, int], today: date, tz: tzinfo) -> None:
    """The campaign, its members, what its first step sent and what came back."""
    start = today - timedelta(days=10)

    def at(days_after_start: int, hour: int) -> datetime:
        return datetime.combine(start + timedelta(days=days_after_start), time(hour), tz)

    people = [ids[name] for name, _, _ in REACHED]
    for contact_id in people:
        consent.record(db, contact_id, "marketing", "granted", at=at(-30, 12),
                       source="web form")
    campaign_id = definitions.add(db, NAME, audience="tag:vip", purpose="marketing",
                                  basis="consent", start=start, steps=[
                                      definitions.Step(0, "mail", OFFER, "offer.md",
                                                       "Winter offer for {{ first_name }}"),
                                      definitions.Step(14, "task",
                                                       "call {{ first_name }} about the "
                                                       "winter offer")])
    db.execute("UPDATE campaigns SET created = ? WHERE id = ?",
               (to_utc_iso(at(-1, 17)), campaign_id))
    members.enrol_first(db, campaign_id, [*people, ids[WAITING]], start - timedelta(days=1),
                        only_new=False)
    step_id = definitions.steps_of(db, campaign_id)[0]["id"]
    for (name, replied, unsubscribed), contact_id in zip(REACHED, people, strict=True):
        first = name.split()[-2] if name.startswith("Dr.") else name.split()[0]
        message_id = f"<demo-{contact_id}.rolodex@demo.example>"
        address = db.execute("SELECT address FROM contact_emails WHERE contact_id = ? ORDER"
                             " BY preferred DESC, position LIMIT 1", (contact_id,)).fetchone()
        entry = history.log(db, [contact_id], "email", at=at(0, 9), direction="out",
                            text=f"Winter offer for {first} (campaign {NAME})",
                            message_id=message_id, check=False)
        send_id = db.execute(
            "INSERT INTO campaign_sends (campaign_id, step_id, contact_id, status, address,"
            " message_id, claimed, at, interaction_id) VALUES (?, ?, ?, 'sent', ?, ?, ?, ?,"
            " ?)", (campaign_id, step_id, contact_id, address[0], message_id,
                    to_utc_iso(at(0, 9)), to_utc_iso(at(0, 9)), entry)).lastrowid
        if replied is not None:
            reply = history.log(db, [contact_id], "email", at=at(replied, 11),
                                direction="in", text="Re: Winter offer: yes, two bundles",
                                check=False)
            db.execute("UPDATE campaign_sends SET response_id = ?, responded = ? WHERE id"
                       " = ?", (reply, to_utc_iso(at(replied, 11)), send_id))
            deal_id = deals.add_deal(db, "Winter maintenance bundle", contact_ids=[contact_id],
                                     amount=Decimal("1900"), source=NAME,
                                     close=today + timedelta(days=5))
            deals.move(db, deal_id, "won", reason="answered the winter offer")
        if unsubscribed is not None:
            members.opt_out(db, contact_id, "unsubscribe by mail", message_id,
                            at=at(unsubscribed, 20))
