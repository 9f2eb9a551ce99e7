"""The sample address book of ``rolodex demo``: invented people and companies only."""

from __future__ import annotations

from datetime import date, tzinfo

from rolodex.dates import PartialDate
from rolodex.models import parse_address, parse_email, parse_phone, parse_url
from rolodex.store.db import Database
from rolodex.store.people import companies, contacts

COMPANIES = [
    ("Acme Ltd", {"domain": "acme.example", "industry": "Manufacturing", "kind": "client",
                  "phone": "+44 20 7946 0000", "website": "https://acme.example"}, ["key"]),
    ("Müller & Söhne GmbH", {"domain": "mueller-soehne.example", "industry": "Logistics",
                             "kind": "partner"}, []),
    ("Contoso Consulting", {"domain": "contoso.example", "industry": "Consulting",
                            "kind": "vendor"}, []),
    ("Initech", {"domain": "initech.example", "industry": "Software",
                 "kind": "prospect"}, ["saas"]),
]

# name, company, title, emails, phones, tags, status, source, birthday, extra
PEOPLE = [
    ("Jane Doe", "Acme Ltd", "CTO", ["jane@acme.example (work, preferred)", "jane.doe@mail.example "
     "(home)"], ["+44 20 7946 0123 (work)", "+44 7700 900123 (mobile)"], ["vip", "tech"],
     "customer", "referral", "1985-04-15", {"cadence_days": 30, "nickname": "JD"}),
    ("John Roe", "Acme Ltd", "Purchasing Manager", ["john.roe@acme.example"],
     ["+44 20 7946 0456"], ["buyer"], "customer", "trade show", "--11-23", {}),
    ("Zoë Müller", "Müller & Söhne GmbH", "Geschäftsführerin", ["zoe@mueller-soehne.example"],
     ["0176 123-45678 (mobile)"], ["vip", "de"], "partner", "referral", "1980-02-29",
     {"cadence_days": 60}),
    ("José Álvarez", "Contoso Consulting", "Senior Consultant",
     ["jose.alvarez@contoso.example"], ["+34 600 000 111"], ["es"], "partner", "website",
     None, {}),
    ("Erika Mustermann", "Initech", "Head of Operations", ["erika@initech.example"],
     ["+1 (555) 010-0100 (work)"], ["lead-2026"], "prospect", "cold call", "--07-01", {}),
    ("Ola Nordmann", None, "Freelance Designer", ["ola@nordmann.example"], [],
     ["design"], "lead", "newsletter", None,
     {"urls": ["https://ola.example (portfolio)"]}),
    ("Mario Rossi", "Initech", "Developer", ["mario.rossi@initech.example"],
     ["+39 06 0000 0000"], ["tech"], "lead", "website", "1990-12-01", {}),
    ("Dr. Amélie Laurent", None, "Advisor", ["amelie@laurent.example"], ["+33 1 00 00 00 00"],
     ["advisor", "vip"], "inactive", "referral", None,
     {"addresses": ["12 Rue Exemple; Paris; ; 75001; France (work)"]}),
]


def populate(db: Database, today: date | None = None, tz: tzinfo | None = None) -> None:
    """Fill an empty database with the sample data, as one operation; with ``today`` (in
    ``tz``), also what goes on around the people then (``sample_activity``)."""
    with db.write("demo data"):
        for name, values, tags in COMPANIES:
            companies.add_company(db, name, tags=tags, **values)
        ids = {}
        for (name, company, title, emails, phones, tags, status, source, birthday,
             extra) in PEOPLE:
            from rolodex.store.refs import resolve_company

            details = ([parse_email(e) for e in emails] + [parse_phone(p) for p in phones]
                       + [parse_url(u) for u in extra.pop("urls", [])]
                       + [parse_address(a) for a in extra.pop("addresses", [])])
            ids[name] = contacts.add_contact(
                db, name, details=details, tags=tags, status=status, source=source,
                title=title, birthday=PartialDate.from_iso(birthday) if birthday else None,
                company_id=resolve_company(db, company) if company else None, **extra)
        contacts.link(db, ids["John Roe"], "manager", other_id=ids["Jane Doe"])
        contacts.link(db, ids["Erika Mustermann"], "referred-by", other_id=ids["Jane Doe"])
        contacts.set_fields(db, ids["Jane Doe"], {"linkedin": "janedoe-example"})
        if today is not None and tz is not None:
            from rolodex.store.sample_activity import populate_activity

            populate_activity(db, ids, today, tz)
            from rolodex.store.sample_campaign import populate_campaign

            populate_campaign(db, ids, today, tz)
