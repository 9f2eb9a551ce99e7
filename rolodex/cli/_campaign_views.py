"""The card of ``campaign show``: the plan, then each step with its day and what it sent."""

from __future__ import annotations

from rolodex.cli._views import _card, local_time


def _step_line(s: dict) -> str:
    what = s["title"] if s["kind"] == "task" else s["source"]
    when = s["day"] or f"day {s['offset_days']} after entering"
    line = f"{s['position']}. {when} · {s['kind']} {what}"
    if s["subject"]:
        line += f" · “{s['subject']}”"
    counts = [f"{s[k]} {k}" for k in ("sent", "failed", "unconfirmed") if s[k]]
    return line + (f" · {', '.join(counts)}" if counts else "")


def campaign_card(c: dict) -> None:
    rows = [
        ("Audience", c["audience"] + (" (people entering from its start)"
                                       if c["only_new"] else "")),
        ("Status", c["status"]),
        ("Consent", f"{c['purpose']} · {c['basis']}"),
        ("Starts", c["start"] or "the day each person enters the audience"),
        ("Members", f"{c['members']} now, {c['left']} left"),
        ("Steps", [_step_line(s) for s in c["steps"]]),
        ("Record", f"#{c['id']} · uid {c['uid']} · created {local_time(c['created'])}"),
    ]
    _card(c["name"], None, rows)
