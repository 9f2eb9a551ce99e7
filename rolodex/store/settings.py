"""Settings that belong to the data (time zone, vCard version, stages...): ``rolodex config``.

They live in the database, not a dotfile, so a copied database keeps its own conventions.
Values are stored as JSON; each known key has a parser that validates what users type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rolodex.errors import InvalidInput, NotFound
from rolodex.models import DEFAULT_STATUSES, parse_email
from rolodex.store import journal
from rolodex.store.db import Database


def _list(text: str) -> list[str]:
    items = [p.strip() for p in text.split(",") if p.strip()]
    if len(set(i.lower() for i in items)) != len(items):
        raise InvalidInput(f"repeated item in '{text}'")
    return items


def _zone(text: str) -> str:
    from rolodex.dates import get_zone

    get_zone(text)
    return text


def _vcard_version(text: str) -> str:
    if text not in ("3.0", "4.0"):
        raise InvalidInput(f"vCard version must be 3.0 or 4.0, not '{text}'")
    return text


def _emails(text: str) -> list[str]:
    return [parse_email(e).address for e in _list(text)]


def _days(text: str) -> int:
    from rolodex.date_input import parse_days

    return parse_days(text)


def _count(text: str) -> int:
    if not text.strip().isdigit():
        raise InvalidInput(f"not a count: '{text}'",
                           hint="a whole number such as 10; 0 turns it off")
    return int(text)


def _nonempty_list(text: str) -> list[str]:
    items = _list(text)
    if not items:
        raise InvalidInput("the list cannot be empty")
    return items


def _stages(text: str) -> list[str]:
    """``lead:10, qualified:25, ..., won, lost``: the stages in order with the probability
    (percent) a deal in each is won. ``won`` and ``lost`` close a deal and must be there."""
    out = []
    for item in _list(text.lower()):
        name, sep, number = (part.strip() for part in item.partition(":"))
        if not name.replace("-", "").replace("_", "").isalnum():
            raise InvalidInput(f"a stage name is letters, digits, - and _, not '{name}'")
        if not sep:
            if name not in CLOSED_STAGES:
                raise InvalidInput(f"give stage '{name}' a probability, as in {name}:50")
            number = str(CLOSED_STAGES[name])
        if not number.isdigit() or int(number) > 100:
            raise InvalidInput(f"the probability of stage '{name}' is 0 to 100, not '{number}'")
        if name in CLOSED_STAGES and int(number) != CLOSED_STAGES[name]:
            raise InvalidInput(f"stage '{name}' has probability {CLOSED_STAGES[name]}")
        out.append(f"{name}:{int(number)}")
    missing = [s for s in CLOSED_STAGES if f"{s}:{CLOSED_STAGES[s]}" not in out]
    if missing:
        raise InvalidInput(f"the stages must include {' and '.join(missing)}",
                           hint="they close a deal: 'rolodex deal won' and 'deal lost'")
    return out


def _currency(text: str) -> str:
    from rolodex.money import parse_currency

    return parse_currency(text)


CLOSED_STAGES = {"won": 100, "lost": 0}


def _text(text: str) -> str:
    text = text.strip()
    if not text.isprintable():
        raise InvalidInput("the value must be one line of printable text")
    return text


def _sender(text: str) -> str:
    from email.utils import formataddr, parseaddr

    name, address = parseaddr(_text(text))
    parse_email(address)
    return formataddr((name, address)) if name else address


def _host(text: str) -> str:
    host = _text(text)
    if not re.fullmatch(r"[A-Za-z0-9.:\[\]-]+", host):
        raise InvalidInput(f"not a host name: '{host}'", hint="as in smtp.example.com")
    return host


def _port(text: str) -> int:
    if not text.strip().isdigit() or not 0 < int(text) < 65536:
        raise InvalidInput(f"not a port: '{text}'", hint="a number such as 587")
    return int(text)


def _security(text: str) -> str:
    value = text.strip().lower()
    if value not in ("starttls", "tls", "none"):
        raise InvalidInput(f"unknown security '{value}'", hint="starttls, tls or none")
    return value


def _https(text: str) -> str:
    value = _text(text)
    if not value.startswith("https://"):
        raise InvalidInput("the unsubscribe link must start with https://")
    return value


def _lower_list(text: str) -> list[str]:
    return [item.lower() for item in _nonempty_list(text)]


@dataclass(frozen=True)
class Setting:
    default: Any
    parse: Callable[[str], Any]
    help: str


SETTINGS: dict[str, Setting] = {
    "timezone": Setting(None, _zone, "IANA time zone for dates; empty means the system's"),
    "vcard.version": Setting("3.0", _vcard_version, "vCard version written by export"),
    "pipeline.stages": Setting(
        ["lead:10", "qualified:25", "proposal:50", "negotiation:75", "won:100", "lost:0"],
        _stages, "deal stages in order, each with its win probability: lead:10, ..., won, lost"),
    "pipeline.currency": Setting("EUR", _currency, "currency of a deal added without one"),
    "contact.statuses": Setting(list(DEFAULT_STATUSES), _nonempty_list,
                                "allowed contact statuses (comma-separated)"),
    "history.kinds": Setting(["call", "email", "meeting", "message", "note", "letter"],
                             _lower_list, "kinds of interaction 'rolodex log' accepts"),
    "backup.keep": Setting(10, _count, "automatic backups kept (before imports, merges, "
                           "restores and upgrades); 0 takes none"),
    "my.emails": Setting([], _emails, "your own addresses, to tell incoming mail from outgoing"),
    "mail.from": Setting(None, _sender, "the From of campaign mail: Name <address>"),
    "mail.smtp.host": Setting(None, _host, "your SMTP server for campaign mail"),
    "mail.smtp.port": Setting(None, _port, "its port (default 587 with starttls, 465 with "
                              "tls, 25 with none)"),
    "mail.smtp.security": Setting("starttls", _security, "starttls, tls or none (none only "
                                  "to this machine)"),
    "mail.smtp.user": Setting(None, _text, "the SMTP login; no login when empty"),
    "mail.smtp.password_command": Setting(None, _text, "a command printing the SMTP "
                                          "password (never the password itself)"),
    "mail.sendmail": Setting(None, _text, "a sendmail-compatible command (msmtp, sendmail) "
                             "to use instead of SMTP; it gets the recipient as argument"),
    "mail.rate": Setting(60, _count, "campaign mails sent per minute at most; 0 for no limit"),
    "campaign.letters": Setting(None, _text, "folder for campaign letters (default: "
                                "letters/ beside the database)"),
    "campaign.unsubscribe": Setting(
        "To receive no more of these messages: {{ unsubscribe }}", _text,
        "the line closing each campaign mail ({{ unsubscribe }}: a mailto link that asks "
        "to unsubscribe)"),
    "campaign.unsubscribe_url": Setting(None, _https, "an https link for one-click "
                                        "unsubscribing, added to List-Unsubscribe"),
}
CADENCE_PREFIX = "cadence."


def _setting(key: str) -> Setting:
    if key in SETTINGS:
        return SETTINGS[key]
    if key.startswith(CADENCE_PREFIX) and len(key) > len(CADENCE_PREFIX):
        return Setting(None, _days, f"stay-in-touch cadence in days for tag {key[8:]}")
    raise NotFound(f"unknown setting '{key}'", hint="'rolodex config list' shows them all")


def get(db: Database, key: str) -> Any:
    setting = _setting(key)
    row = db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else setting.default


def set_value(db: Database, key: str, text: str) -> Any:
    """Parse, validate and store ``text``; an empty text restores the default."""
    setting = _setting(key)
    value = setting.parse(text) if text.strip() else None
    if key == "pipeline.stages":
        _check_stages_in_use(db, value if value is not None else setting.default)
    row = db.execute("SELECT id FROM settings WHERE key = ?", (key,)).fetchone()
    with db.write(f"config set {key}"):
        if value is None:
            if row:
                journal.delete(db, "settings", row[0])
            return setting.default
        encoded = json.dumps(value, ensure_ascii=False)
        if row:
            journal.update(db, "settings", row[0], {"value": encoded})
        else:
            journal.insert(db, "settings", {"key": key, "value": encoded})
    return value


def _check_stages_in_use(db: Database, stages: list[str]) -> None:
    """Deals in a stage the new list leaves out would be in no stage at all (no
    probability, nowhere in the pipeline report): refused, naming them."""
    names = [s.partition(":")[0] for s in stages]
    marks = ", ".join("?" * len(names))
    stranded = db.execute(f"SELECT id, title, stage FROM deals WHERE stage NOT IN ({marks})"
                          " ORDER BY id", names).fetchall()
    if stranded:
        shown = ", ".join(f"#{r['id']} {r['title']} ({r['stage']})" for r in stranded[:5])
        more = f" and {len(stranded) - 5} more" if len(stranded) > 5 else ""
        raise InvalidInput(f"{len(stranded)} deal(s) are in stages this list leaves out: "
                           f"{shown}{more}",
                           hint="move them first (rolodex deal move ID STAGE), or keep "
                                "those stages")


def list_all(db: Database) -> list[dict[str, Any]]:
    """Every known setting plus every cadence set, with whether it is the default."""
    stored = {r["key"]: json.loads(r["value"]) for r in db.query("SELECT key, value FROM settings")}
    keys = list(SETTINGS) + sorted(k for k in stored if k not in SETTINGS)
    return [
        {"key": k, "value": stored.get(k, _setting(k).default), "default": k not in stored,
         "description": _setting(k).help}
        for k in keys
    ]
