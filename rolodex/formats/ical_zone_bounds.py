"""Zones a file defines, checked before icalendar or dateutil expands their rules.

dateutil answers ``utcoffset`` by walking a STANDARD/DAYLIGHT rule from its DTSTART
(``rrule.before``): a ``FREQ=SECONDLY`` rule from 1601 is billions of steps, so one received
invite could hang an import. icalendar builds (and caches, process-wide) a zone for every
VTIMEZONE it parses, so the check is on the text, before parsing. Real zones change offset
a few times a year; a zone whose rules would need more than ``MAX_ZONE_STEPS`` occurrences
to reach the years rolodex looks at loses its RRULE/RDATE lines, and its times are read at
its standard UTC offset (``standard_offset``), with a warning.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

# Occurrences of one STANDARD/DAYLIGHT rule (or RDATEs of one zone) before a zone is taken
# to be hostile: a yearly rule from 1601 (Outlook's habit) needs about 430 to reach 2030.
MAX_ZONE_STEPS = 1000
HORIZON_YEAR = 2100  # how far a zone's rules must be cheap to follow
# Real zones change offset yearly (some files say monthly); anything finer is not a zone.
_ZONE_FREQS = {"YEARLY", "MONTHLY"}
_BY_TIME = ("BYHOUR", "BYMINUTE", "BYSECOND")
_BEGIN, _END = "BEGIN:VTIMEZONE", "END:VTIMEZONE"


def bounded_zones(text: str) -> tuple[str, dict[str, tuple[int, str]]]:
    """``text`` with the rules of its costly VTIMEZONEs removed, and {TZID: (line, why)}.
    Linear: each block is found with ``str.find`` and read once."""
    upper = text.upper()
    if _BEGIN not in upper:
        return text, {}
    out: list[str] = []
    refused: dict[str, tuple[int, str]] = {}
    at, line = 0, 1
    while (start := upper.find(_BEGIN, at)) >= 0:
        end = upper.find(_END, start)
        if end < 0:
            break
        line += text.count("\n", at, start)
        block = text[start:end]
        tzid, reason = _check(block)
        out.append(text[at:start])
        if reason:
            refused[tzid] = (line, reason)
            block = _without_rules(block)
        out.append(block)
        line += text.count("\n", start, end)
        at = end
    out.append(text[at:])
    return "".join(out), refused


def _without_rules(block: str) -> str:
    """The block with its RRULE and RDATE lines (folds included) blanked, so every line
    after it keeps its number for messages."""
    kept, dropping = [], False
    for raw in block.split("\n"):
        if raw[:1] not in (" ", "\t"):
            dropping = re.match(r"(?i)(?:RRULE|RDATE)[;:]", raw) is not None
        kept.append("" if dropping else raw)
    return "\n".join(kept)


def _unfolded(block: str) -> str:
    return re.sub(r"\r?\n[ \t]", "", block.replace("\r\n", "\n"))


def _check(block: str) -> tuple[str, str | None]:
    """(TZID, why its rules are not followed, or None)."""
    from dateutil.rrule import rrulestr

    tzid, part, start, rdates = "", "", None, 0
    for line in _unfolded(block).splitlines():
        name, _, value = line.partition(":")
        key = name.split(";", 1)[0].strip().upper()
        if key == "TZID":
            tzid = value.strip().strip('"')
        elif key == "BEGIN":
            part, start = value.strip().upper(), None
        elif key == "DTSTART":
            start = _datetime(value)
        elif key == "RDATE":
            rdates += value.count(",") + 1
        elif key == "RRULE":
            reason = _rule_cost(part, value.strip(), start, rrulestr)
            if reason:
                return tzid, reason
    if rdates > MAX_ZONE_STEPS:
        return tzid, f"it lists more than {MAX_ZONE_STEPS} RDATE changes"
    return tzid, None


def _rule_cost(part: str, rule: str, start: datetime | None, rrulestr: Any) -> str | None:
    fields = dict(p.partition("=")[::2] for p in rule.upper().split(";") if p)
    freq = fields.get("FREQ", "")
    if freq not in _ZONE_FREQS:
        return f"its {part or 'zone'} rule repeats {freq or 'without FREQ'}" \
            " (a time zone changes offset yearly)"
    if any("," in fields.get(k, "") for k in _BY_TIME):
        return f"its {part or 'zone'} rule changes offset several times a day"
    if start is None:
        return f"its {part or 'zone'} rule has no DTSTART time"
    walked = 0
    try:
        for step in rrulestr(rule, dtstart=start, ignoretz=True):
            if step.year >= HORIZON_YEAR or walked > MAX_ZONE_STEPS:
                break
            walked += 1
    except (ValueError, TypeError, OverflowError, IndexError) as exc:
        return f"its {part} rule cannot be read ({' '.join(str(exc).split())[:80]})"
    if walked > MAX_ZONE_STEPS:
        return f"its {part} rule needs more than {MAX_ZONE_STEPS} steps to reach" \
            f" {HORIZON_YEAR}"
    return None


def _datetime(value: str) -> datetime | None:
    try:
        return datetime.strptime(value.strip()[:15], "%Y%m%dT%H%M%S")
    except ValueError:
        return None


def standard_offset(vtz: Any) -> tzinfo | None:
    """The UTC offset of a refused zone's standard time (its latest STANDARD, else any
    part): an event then keeps its instant to within the zone's summer hour."""
    best: tuple[tuple[bool, datetime], timedelta] | None = None
    for sub in vtz.subcomponents:
        offset = getattr(sub.get("TZOFFSETTO"), "td", None)
        if not isinstance(offset, timedelta) or abs(offset) >= timedelta(days=1):
            continue
        start = getattr(sub.get("DTSTART"), "dt", None)
        since = start.replace(tzinfo=None) if isinstance(start, datetime) else datetime.min
        rank = (sub.name == "STANDARD", since)
        if best is None or rank > best[0]:
            best = (rank, offset)
    return timezone(best[1]) if best else None
