"""A deterministic, realistic dataset for timing rolodex at scale.

    python benchmarks/generate.py OUT_DIR [--contacts 100000] [--interactions 1000000]
                                          [--tasks 50000] [--events 20000] [--seed 7]

writes ``OUT_DIR/rolodex.db`` (a rolodex database holding the dataset) and
``OUT_DIR/contacts.vcf`` (the same people as vCard 3.0, for timing import). The same seed
gives the same people, companies and history, dated relative to ``--today`` (default:
today), so "overdue" and "this week" mean the same on every run.

The database is filled with bulk inserts in one transaction, not through rolodex's
commands: a million journalled inserts would take the better part of an hour and time
nothing we care about. Every derived column (name and sort keys, reversed phone digits,
the full-text index) is computed with rolodex's own functions, so the file is exactly what
rolodex would have written; `rolodex doctor` on it must find nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from rolodex.models import split_name
from rolodex.normalize import fold, phone_key
from rolodex.store.opening import open_db
from rolodex.store.search.fulltext import reindex_contacts

# (first names, last names, email-safe transliteration or None, country, phone prefix)
CULTURES = [
    (["Jane", "John", "Emily", "Michael", "Sarah", "David", "Laura", "James", "Olivia", "Noah"],
     ["Doe", "Smith", "Johnson", "Brown", "Taylor", "Miller", "Wilson", "Moore", "Clark", "Hall"],
     "US", "+1 555 01"),
    (["Jürgen", "Zoë", "Lena", "Lukas", "Sophie", "Felix", "Marie", "Jonas", "Anna", "Paul"],
     ["Müller", "Schröder", "Weiß", "Köhler", "Groß", "Becker", "Hoffmann", "Schäfer", "Wagner",
      "Neumann"], "DE", "+49 30 5550"),
    (["Élodie", "François", "Chloé", "Léa", "Théo", "Inès", "Hélène", "Noël", "Maëlle", "René"],
     ["Lefèvre", "Dubois", "Moreau", "Girard", "Bézier", "Faure", "Lemaître", "Rousseau",
      "Besançon", "Garnier"], "FR", "+33 1 5550"),
    (["José", "María", "Sofía", "Martín", "Lucía", "Iñigo", "Ramón", "Begoña", "Andrés", "Núria"],
     ["García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Muñoz", "Díaz",
      "Ibáñez"], "ES", "+34 91 5550"),
    (["Łukasz", "Agnieszka", "Paweł", "Małgorzata", "Wojciech", "Zofia", "Michał", "Ewa"],
     ["Kowalski", "Wiśniewska", "Wójcik", "Kamiński", "Lewandowska", "Zieliński", "Dąbrowski"],
     "PL", "+48 22 5550"),
    (["Νίκος", "Μαρία", "Γιώργος", "Ελένη", "Δημήτρης", "Σοφία"],
     ["Παπαδόπουλος", "Παπαδοπούλου", "Γεωργίου", "Νικολάου", "Οικονόμου"], "GR", "+30 21 5550"),
    (["Иван", "Анна", "Дмитрий", "Ольга", "Сергей", "Наталья", "Алексей"],
     ["Иванов", "Петрова", "Смирнов", "Кузнецова", "Попов", "Соколова"],
     "UA", "+380 44 5550"),
    (["太郎", "花子", "健", "美咲", "翔太", "陽菜"],
     ["佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤"], "JP", "+81 3 5550"),
    (["伟", "芳", "娜", "敏", "静", "强"], ["王", "李", "张", "刘", "陈", "杨"],
     "CN", "+86 10 5550"),
    (["محمد", "فاطمة", "أحمد", "ليلى", "يوسف"], ["العلي", "الحسن", "الخطيب", "السيد"],
     "EG", "+20 2 5550"),
    (["Ayşe", "Mehmet", "Çağrı", "Gülşen", "İbrahim", "Şule"],  # noqa: RUF001 (Turkish dotless i)
     ["Yılmaz", "Kaya", "Demir", "Çelik", "Şahin", "Öztürk"],  # noqa: RUF001
     "TR", "+90 212 5550"),
    (["Nguyễn Văn", "Trần Thị", "Lê Minh", "Phạm Thu"], ["An", "Bình", "Hương", "Dũng"],
     "VN", "+84 24 5550"),
]
CITIES = {"US": ["New York", "Austin", "Denver"], "DE": ["Berlin", "München", "Köln"],
          "FR": ["Paris", "Lyon"], "ES": ["Madrid", "Sevilla"], "PL": ["Warszawa", "Kraków"],
          "GR": ["Αθήνα"], "UA": ["Київ"], "JP": ["東京"], "CN": ["北京"], "EG": ["القاهرة"],
          "TR": ["İstanbul"], "VN": ["Hà Nội"]}
STREETS = ["Main St", "Hauptstraße", "Rue Haute", "Calle Mayor"]
COMPANY_WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay",
                 "Soylent", "Cyberdyne", "Tyrell", "Wonka", "Gringotts", "Oceanic", "Massive"]
COMPANY_TAILS = ["Ltd", "GmbH", "SA", "Inc", "LLC", "AG", "Group", "& Co", "Studio", "Labs"]
TAGS = ["vip", "customer", "prospect", "lead", "partner", "supplier", "press", "investor",
        "friend", "family", "newsletter", "berlin", "paris", "conference-2025", "former",
        "board", "speaker", "freelancer", "agency", "nonprofit"]
KINDS = ["call", "email", "meeting", "message", "note", "letter"]
USERS = ["jane", "sam", "alex"]
STAGES = ["lead", "qualified", "proposal", "negotiation", "won", "lost"]
SOURCES = ["referral", "website", "conference", "cold call", "newsletter", None]
STATUSES = ["lead", "prospect", "customer", "partner", "inactive", None]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Dataset:
    """The generated people and their history, drawn from one seeded random source."""

    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.now = datetime(today.year, today.month, today.day, 12, tzinfo=UTC)

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def moment(self, days_back: int, days_ahead: int = 0) -> datetime:
        offset = self.rng.uniform(-days_back, days_ahead)
        return (self.now + timedelta(days=offset)).replace(microsecond=0)

    def companies(self, count: int) -> list[dict]:
        out = []
        for n in range(count):
            word = COMPANY_WORDS[n % len(COMPANY_WORDS)]
            name = f"{word} {self.rng.choice(COMPANY_TAILS)} {n // len(COMPANY_WORDS) + 1}"
            domain = f"{fold(word)}{n}.example"
            out.append({"id": n + 1, "uid": self.uid(), "name": name, "name_key": fold(name),
                        "domain": domain, "industry": self.rng.choice(
                            ["software", "retail", "media", "finance", "health", None]),
                        "created": iso(self.moment(2000)), "as_card": 1})
        for c in out:
            c["updated"] = c["created"]
        return out

    def person(self, n: int, companies: list[dict]) -> dict:
        rng = self.rng
        firsts, lasts, country, prefix = rng.choice(CULTURES)
        first, last = rng.choice(firsts), rng.choice(lasts)
        display = f"{first} {last}" if country not in ("JP", "CN") else f"{last}{first}"
        parts = split_name(display)
        company = rng.choice(companies) if rng.random() < 0.7 else None
        ascii_name = fold(f"{first}.{last}").replace(" ", ".")
        local = ascii_name if ascii_name.isascii() else f"contact{n}"
        emails = [f"{local}{n}@{company['domain'] if company else 'mail.example'}"]
        emails += [f"{local}.{n}.{k}@home{k}.example" for k in range(rng.randint(0, 2))]
        phones = [f"{prefix}{n:06d}"] + ([f"{prefix}9{n:06d}"] if rng.random() < 0.4 else [])
        created = self.moment(2000)
        birthday = None
        if rng.random() < 0.5:
            year = rng.choice([None, *range(1950, 2004)])
            leap = year is None or year % 4 == 0  # 29 February only where it exists
            day = date(2000 if leap else 2001, 1, 1) + timedelta(days=rng.randrange(365 + leap))
            birthday = (f"{year:04d}-" if year else "--") + f"{day.month:02d}-{day.day:02d}"
        city = rng.choice(CITIES[country])
        last_first = " ".join(p for p in (parts.last, parts.first, parts.middle) if p)
        return {
            "id": n, "uid": self.uid(), "prefix": parts.prefix, "first_name": parts.first,
            "middle_name": parts.middle, "last_name": parts.last, "suffix": parts.suffix,
            "display_name": display, "name_key": fold(display),
            "sort_key": fold(last_first or display),
            "title": rng.choice(["CEO", "CTO", "Buyer", "Engineer", "Designer", "Consultant",
                                 None, None]),
            "company_id": company["id"] if company else None,
            "birthday": birthday, "notes": rng.choice([None, None, "met at a trade fair",
                                                       "prefers email", "call after 3pm"]),
            "source": rng.choice(SOURCES), "status": rng.choice(STATUSES),
            "owner": rng.choice(USERS), "created": iso(created), "updated": iso(created),
            "_company": company["name"] if company else None,
            "_emails": emails, "_phones": phones, "_city": city, "_country": country,
            "_street": f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
            "_postcode": f"{rng.randint(10000, 99999)}",
            "_tags": rng.sample(TAGS, rng.choice([0, 1, 1, 2, 3])),
        }


def write_database(path: Path, data: Dataset, args: argparse.Namespace) -> None:
    db = open_db(path)
    conn = db.conn
    conn.execute("BEGIN")
    companies = data.companies(max(1, args.contacts // 20))
    conn.executemany(
        "INSERT INTO companies (id, uid, name, name_key, domain, industry, created, updated,"
        " as_card) VALUES (:id, :uid, :name, :name_key, :domain, :industry, :created,"
        " :updated, :as_card)", companies)
    tag_ids = {name: i + 1 for i, name in enumerate(TAGS)}
    conn.executemany("INSERT INTO tags (id, name) VALUES (?, ?)",
                     [(i, n) for n, i in tag_ids.items()])
    people = [data.person(n, companies) for n in range(1, args.contacts + 1)]
    columns = [k for k in people[0] if not k.startswith("_")]
    conn.executemany(
        f"INSERT INTO contacts ({', '.join(columns)}) VALUES"
        f" ({', '.join(':' + c for c in columns)})", people)
    conn.executemany(
        "INSERT INTO contact_emails (contact_id, address, label, preferred, position)"
        " VALUES (?, ?, ?, ?, ?)",
        [(p["id"], e, "work" if i == 0 else "home", int(i == 0), i)
         for p in people for i, e in enumerate(p["_emails"])])
    conn.executemany(
        "INSERT INTO contact_phones (contact_id, number, digits_rev, label, preferred, position)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(p["id"], t, phone_key(t), "work" if i == 0 else "mobile", int(i == 0), i)
         for p in people for i, t in enumerate(p["_phones"])])
    conn.executemany(
        "INSERT INTO contact_addresses (contact_id, street, locality, postcode, country,"
        " label, preferred, position) VALUES (?, ?, ?, ?, ?, 'work', 1, 0)",
        [(p["id"], p["_street"], p["_city"], p["_postcode"], p["_country"]) for p in people])
    conn.executemany("INSERT INTO contact_tags (contact_id, tag_id) VALUES (?, ?)",
                     [(p["id"], tag_ids[t]) for p in people for t in p["_tags"]])
    write_history(conn, data, args.interactions, args.contacts)
    write_tasks(conn, data, args.tasks, args.contacts)
    write_events(conn, data, args.events, args.contacts)
    write_deals(conn, data, max(1, args.contacts // 20), args.contacts, len(companies))
    conn.execute("INSERT INTO settings (key, value) VALUES ('cadence.vip', '30'),"
                 " ('cadence.customer', '90')")
    reindex_contacts(db, range(1, args.contacts + 1))
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    write_vcards(path.parent / "contacts.vcf", people)


def write_history(conn, data: Dataset, count: int, contacts: int) -> None:
    rng, rows, links = data.rng, [], []
    for n in range(1, count + 1):
        at = iso(data.moment(5 * 365))
        rows.append((n, data.uid(), rng.choice(KINDS), at, rng.choice([None, 15, 30, 60]),
                     rng.choice(["in", "out", None]), f"talked about item {n % 977}",
                     rng.choice(USERS), at))
        first = rng.randint(1, contacts)
        links.append((n, first, at))
        if rng.random() < 0.15:
            other = rng.randint(1, contacts)
            if other != first:
                links.append((n, other, at))
    conn.executemany(
        "INSERT INTO interactions (id, uid, kind, at, duration_minutes, direction, text, user,"
        " created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany(
        "INSERT INTO interaction_contacts (interaction_id, contact_id, at) VALUES (?, ?, ?)",
        links)


def write_tasks(conn, data: Dataset, count: int, contacts: int) -> None:
    rng, rows, links = data.rng, [], []
    for n in range(1, count + 1):
        due = data.moment(365, 365).date().isoformat()
        done = rng.random() < 0.6
        repeat = "FREQ=WEEKLY;INTERVAL=2" if rng.random() < 0.05 else None
        stamp = iso(data.moment(800))
        rows.append((n, data.uid(), f"Follow up {n}", rng.choice(["todo", "call", "email"]),
                     due, rng.choice(["low", "normal", "high"]), "done" if done else "open",
                     repeat, due if repeat else None, rng.choice(USERS),
                     iso(data.moment(300)) if done else None, stamp, stamp))
        links.append((n, rng.randint(1, contacts)))
    conn.executemany(
        "INSERT INTO tasks (id, uid, title, kind, due, priority, status, rrule, series_start,"
        " owner, completed, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows)
    conn.executemany("INSERT INTO task_contacts (task_id, contact_id) VALUES (?, ?)", links)


def write_events(conn, data: Dataset, count: int, contacts: int) -> None:
    rng, rows, links = data.rng, [], []
    for n in range(1, count + 1):
        start = data.moment(365, 180).replace(minute=0, second=0)
        repeat = rng.choice(["FREQ=WEEKLY", "FREQ=MONTHLY;BYDAY=1MO"]) \
            if rng.random() < 0.05 else None
        stamp = iso(data.moment(400))
        rows.append((n, data.uid(), f"Meeting {n}", iso(start), iso(start + timedelta(hours=1)),
                     "Europe/Berlin", repeat, rng.choice([None, "Office", "Café"]), stamp, stamp))
        links.append((n, rng.randint(1, contacts)))
    conn.executemany(
        "INSERT INTO events (id, uid, title, start, end, tz, rrule, location, created, updated)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO event_contacts (event_id, contact_id) VALUES (?, ?)", links)


def write_deals(conn, data: Dataset, count: int, contacts: int, companies: int) -> None:
    rng, rows, stages, links = data.rng, [], [], []
    for n in range(1, count + 1):
        stage = rng.choice(STAGES)
        created = data.moment(700)
        closed = iso(created + timedelta(days=rng.randint(5, 120))) \
            if stage in ("won", "lost") else None
        rows.append((n, data.uid(), f"Project {n}", rng.randint(1, companies),
                     f"{rng.randint(5, 500) * 100}.00", "EUR", stage,
                     (created + timedelta(days=90)).date().isoformat(),
                     rng.choice(SOURCES), rng.choice(USERS), closed, iso(created),
                     iso(created)))
        stages.append((n, stage, iso(created), rng.choice(USERS)))
        links.append((n, rng.randint(1, contacts)))
    conn.executemany(
        "INSERT INTO deals (id, uid, title, company_id, amount, currency, stage, close, source,"
        " owner, closed, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO deal_stages (deal_id, stage, at, user) VALUES (?, ?, ?, ?)",
                     stages)
    conn.executemany("INSERT INTO deal_contacts (deal_id, contact_id) VALUES (?, ?)", links)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")


def write_vcards(path: Path, people: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        for p in people:
            lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{p['uid']}",
                     f"FN:{_escape(p['display_name'])}",
                     "N:" + ";".join(_escape(p[k] or "") for k in (
                         "last_name", "first_name", "middle_name", "prefix", "suffix"))]
            lines += [f"EMAIL;TYPE={'work' if i == 0 else 'home'}:{e}"
                      for i, e in enumerate(p["_emails"])]
            lines += [f"TEL;TYPE={'work' if i == 0 else 'cell'}:{t}"
                      for i, t in enumerate(p["_phones"])]
            lines.append(f"ADR;TYPE=work:;;{_escape(p['_street'])};{_escape(p['_city'])};;"
                         f"{p['_postcode']};{p['_country']}")
            if p["_company"]:
                lines.append(f"ORG:{_escape(p['_company'])}")
            if p["title"]:
                lines.append(f"TITLE:{_escape(p['title'])}")
            if p["birthday"] and not p["birthday"].startswith("--"):
                lines.append(f"BDAY:{p['birthday']}")
            if p["_tags"]:
                lines.append("CATEGORIES:" + ",".join(p["_tags"]))
            if p["notes"]:
                lines.append(f"NOTE:{_escape(p['notes'])}")
            lines.append(f"X-ROLODEX-BENCH:{p['id']}")
            lines.append("END:VCARD")
            out.write("\r\n".join(lines) + "\r\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "rolodex.db"
    for stale in args.out.glob("rolodex.db*"):
        stale.unlink()
    write_database(target, Dataset(args.seed, args.today), args)
    summary = {"database": str(target), "vcards": str(args.out / "contacts.vcf"),
               **{k: getattr(args, k) for k in ("contacts", "interactions", "tasks", "events",
                                                "seed")}, "today": args.today.isoformat()}
    json.dump(summary, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
