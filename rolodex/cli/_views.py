"""How contacts and companies look in tables and on cards (Rich is imported only to draw).

Every text on a card is a Rich ``Text`` of ``visible`` text, never markup: a name such as
``[link=...]`` prints as typed, and an escape sequence in it is shown, not run.
"""

from __future__ import annotations

from rolodex.cli._output import Column, console, visible
from rolodex.models import join_labelled

CONTACT_COLUMNS = (  # priority: 0 never dropped, then the lowest number is kept longest
    Column("id", "ID", style="dim", no_wrap=True, priority=0),
    Column("name", "Name", style="bold", priority=0, min_width=16),
    Column("company", "Company", priority=2),
    Column("title", "Title", priority=5),
    Column("email", "Email", no_wrap=True, priority=1),
    Column("phone", "Phone", no_wrap=True, priority=4),
    Column("tags", "Tags", show=lambda r: ", ".join(r["tags"]), priority=6),
    Column("status", "Status", priority=3),
    Column("last_contacted", "Last contact", show=lambda r: _day(r["last_contacted"]),
           no_wrap=True, priority=4),
)

COMPANY_COLUMNS = (
    Column("id", "ID", style="dim", no_wrap=True, priority=0),
    Column("name", "Name", style="bold", priority=0, min_width=16),
    Column("kind", "Kind", priority=3),
    Column("industry", "Industry", priority=4),
    Column("domain", "Domain", no_wrap=True, priority=2),
    Column("contacts", "People", no_wrap=True, priority=1),
    Column("tags", "Tags", show=lambda r: ", ".join(r["tags"]), priority=5),
)


def _day(instant: str | None) -> str:
    """A stored UTC time as the user's local day."""
    if not instant:
        return ""
    from rolodex.cli._context import state
    from rolodex.dates import from_utc_iso

    return from_utc_iso(instant).astimezone(state.zone()).date().isoformat()


def local_time(instant: str) -> str:
    """A stored UTC time as the user's local date and minute."""
    from rolodex.cli._context import state
    from rolodex.dates import from_utc_iso

    return from_utc_iso(instant).astimezone(state.zone()).strftime("%Y-%m-%d %H:%M")


def when_text(value) -> str:
    """A due date or time as people read it: a day as it is, an instant (an aware time,
    or stored UTC text) as the local date and minute."""
    from datetime import date, datetime

    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        from rolodex.cli._context import state

        return value.astimezone(state.zone()).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if len(value) == 19 and value[10] == "T":  # floating: the same wall time anywhere
        return value.replace("T", " ")[:16] + " (floating)"
    return local_time(value) if "T" in value else value


def _labelled(items: list[dict], key: str) -> list[str]:
    return [join_labelled(i[key], i["label"], i["preferred"]) for i in items]


def _address(item: dict) -> str:
    text = ", ".join(item[k] for k in ("street", "locality", "region", "postcode", "country")
                     if item[k])
    return join_labelled(text, item["label"], item["preferred"])


def _card(title: str, subtitle: str | None, rows: list[tuple[str, str | list[str] | None]],
          extra: list = ()) -> None:
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column()
    for label, value in rows:
        if value in (None, "", []):
            continue
        text = "\n".join(value) if isinstance(value, list) else str(value)
        grid.add_row(Text(visible(label)), Text(visible(text)))  # labels: custom field keys
    console().print(Panel(Group(grid, *extra), title=Text(visible(title), style="bold"),
                          subtitle=Text(visible(subtitle)) if subtitle else None,
                          title_align="left", subtitle_align="left", expand=False))


def _parts(c: dict) -> str | None:
    """The name's parts, when they say more than the name itself (the split a reader
    would make of it): 'last_name: van der Berg' matters, 'first_name: Jane' does not."""
    from rolodex.models import join_name, split_name

    keys = ("prefix", "first_name", "middle_name", "last_name", "suffix")
    guess = split_name(c["name"])
    if join_name(*(c[k] for k in keys)) == c["name"] and [c[k] for k in keys] == [
            guess.prefix, guess.first, guess.middle, guess.last, guess.suffix]:
        return None
    return " / ".join(f"{k}: {c[k]}" for k in keys if c[k])


def contact_card(c: dict, around: dict | None = None) -> None:
    """The Rich card of ``contact show``: every field that has a value, then what goes on
    with them (``around``: recent history, open tasks and deals, upcoming events, the
    cadence in effect), as an ACT! contact screen shows them."""
    around = around or {}
    every, from_tag = around.get("cadence", (c["cadence_days"], None))
    job = " · ".join(p for p in (c["title"], c["department"], c["company"]) if p)
    rels = [f"{r['kind']}: {r['name']}" + (f" (#{r['contact_id']})" if r["contact_id"] else "")
            for r in c["relationships"]]
    rows = [
        ("Job", job), ("Emails", _labelled(c["emails"], "address")),
        ("Phones", _labelled(c["phones"], "number")),
        ("Addresses", [_address(a) for a in c["addresses"]]),
        ("Web", _labelled(c["urls"], "url")),
        ("Name parts", _parts(c)),
        ("Nickname", c["nickname"]),
        ("Birthday", c["birthday"] or (c["birthday_text"] and f"{c['birthday_text']} (text)")),
        ("Anniversary", c["anniversary"]),
        ("Dates", [f"{d['label'] or 'date'}: {d['date']}" for d in c["dates"]]),
        ("Deceased", c["deathdate"]), ("Status", c["status"]), ("Source", c["source"]),
        ("Owner", c["owner"]),
        ("Stay in touch", (f"every {every} days" + (f" (tag {from_tag})" if from_tag else ""))
         if every else None),
        ("Last contact", _day(c["last_contacted"])),
        ("Tags", ", ".join(c["tags"])), ("Relationships", rels),
        *((f"{k}", v) for k, v in c["custom"].items()),
        ("Notes", c["notes"]),
        ("Record", f"#{c['id']} · created {local_time(c['created'])} · "
                   f"updated {local_time(c['updated'])}"), ("UID", c["uid"]),
    ]
    history = [f"{_day(h['at'])} {h['kind']}: {h['text'] or ''}".rstrip(": ")
               for h in around.get("recent", [])]
    todo = [f"#{t['id']} {when_text(t['due']) or 'no date'}: {t['title']}"
            + (" (overdue)" if t["overdue"] else "") for t in around.get("open_tasks", [])]
    deals = [f"#{d['id']} {d['title']} · {d['stage']}" + (f" · {money(d)}" if money(d) else "")
             for d in around.get("deals", [])]
    coming = [f"{when_text(e['start'])} {e['title']}" for e in around.get("events", [])]
    rows += [("Recent history", history), ("Open tasks", todo), ("Open deals", deals),
             ("Coming up", coming)]
    _card(c["name"], None, rows)


def company_card(co: dict, people: list[dict]) -> None:
    """The Rich card of ``company show``: fields, then its people."""
    staff = [f"#{p['id']} {p['name']}" + (f" — {p['title']}" if p["title"] else "")
             + (f" <{p['email']}>" if p["email"] else "") for p in people]
    rows = [
        ("Kind", co["kind"]), ("Industry", co["industry"]), ("Domain", co["domain"]),
        ("Website", co["website"]), ("Phone", co["phone"]), ("Email", co["email"]),
        ("Address", co["address"]), ("Tags", ", ".join(co["tags"])),
        *((f"{k}", v) for k, v in co["custom"].items()),
        ("People", staff), ("Notes", co["notes"]),
        ("Record", f"#{co['id']} · uid {co['uid']} · created {local_time(co['created'])} · "
                   f"updated {local_time(co['updated'])}"),
    ]
    _card(co["name"], None, rows)


def money(deal: dict) -> str:
    """A deal's amount with its currency, or nothing."""
    return f"{deal['amount']} {deal['currency']}" if deal["amount"] is not None else ""


def deal_card(d: dict) -> None:
    """The card of ``deal show``: its numbers, then the stages it went through."""
    path = [f"{_day(s['at'])} {s['stage']} ({s['days']} d)"
            + (f": {s['reason']}" if s.get("reason") else "") for s in d["stages"]]
    rows = [
        ("Company", d["company"]), ("With", ", ".join(c["name"] for c in d["contacts"])),
        ("Amount", money(d)), ("Stage", f"{d['stage']} · {d['probability']}%"),
        ("Weighted", f"{d['weighted']} {d['currency']}" if d["weighted"] else None),
        ("Expected close", d["close"]), ("Closed", _day(d["closed"])), ("Reason", d["reason"]),
        ("Source", d["source"]), ("Owner", d["owner"]), ("Stages", path), ("Notes", d["notes"]),
        ("Record", f"#{d['id']} · uid {d['uid']} · created {local_time(d['created'])}"),
    ]
    _card(d["title"], None, rows)


def task_card(t: dict) -> None:
    """The card of ``task show``: everything a task holds, not one list row."""
    from rolodex.recurrence_rules import describe_rule

    rows = [
        ("Due", (when_text(t["due"]) or "no date") + (" (overdue)" if t["overdue"] else "")),
        ("Status", t["status"] + (f" {when_text(t['completed'])}" if t["completed"] else "")),
        ("Priority", t["priority"]), ("Kind", t["kind"]),
        ("Repeats", describe_rule(t["rrule"]) if t["rrule"] else None),
        ("For", ", ".join(c["name"] for c in t["contacts"])), ("Owner", t["owner"]),
        ("Categories", ", ".join(t["categories"])), ("Notes", t["notes"]),
        ("Follows", f"task #{t['previous_id']}" if t["previous_id"] else None),
        ("Campaign", t["campaign"]),
        ("Record", f"#{t['id']} · uid {t['uid']} · created {local_time(t['created'])} · "
                   f"updated {local_time(t['updated'])}"),
    ]
    _card(t["title"], None, rows)


def event_card(e: dict) -> None:
    """The card of ``event show``: when, where, who, the rule with its skipped and moved
    occurrences, reminders, categories and notes."""
    from rolodex.recurrence_rules import describe_rule

    span = f"{when_text(e['start'])} to {when_text(e['end'])}"
    if e["all_day"]:
        span += " (all day)"
    changed = []
    for x in e["exceptions"]:
        what = "skipped" if x["cancelled"] else f"moved to {when_text(x['start'])}"
        extra = ", ".join(p for p in (x["title"], x["location"]) if p)
        changed.append(f"{when_text(x['original'])} {what}" + (f" ({extra})" if extra else ""))
    rows = [
        ("When", span), ("Zone", e["tz"]), ("Where", e["location"]),
        ("With", ", ".join(c["name"] for c in e["contacts"])),
        ("Repeats", describe_rule(e["rrule"]) if e["rrule"] else None),
        ("Extra dates", [when_text(d) for d in e["rdates"]]),
        ("Changed", changed), ("Status", e["status"]),
        ("Reminders", ", ".join(f"{m} min before" for m in e["alarms"])),
        ("Categories", ", ".join(e["categories"])), ("Notes", e["notes"]),
        ("Record", f"#{e['id']} · uid {e['uid']} · created {local_time(e['created'])} · "
                   f"updated {local_time(e['updated'])}"),
    ]
    _card(e["title"], None, rows)
