"""Tests for rolodex.dates and rolodex.date_input: every accepted form, checked against a
frozen clock.

Unless a test says otherwise, "now" is Friday 2026-11-20 10:00 in Europe/Berlin (CET).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rolodex import dates
from rolodex.date_input import parse_days, parse_duration, parse_partial_date, parse_when
from rolodex.dates import (
    PartialDate,
    as_instant,
    from_utc_iso,
    get_zone,
    now,
    set_clock,
    start_of_day,
    system_zone,
    to_utc_iso,
)
from rolodex.errors import BadDate

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BERLIN)  # a Friday
WHEN_HELP = ("try 2026-11-20, 2026-11-20 09:30, today, tomorrow at 9, fri 3pm, next monday,"
             " next month, in 2 weeks, 3 days ago, eom (end of month), 2027-02")
ROOT = Path(__file__).resolve().parents[1]


def berlin(*parts: int) -> datetime:
    """A Berlin wall time (fold=0), the form parse_when results are compared with."""
    return datetime(*parts, tzinfo=BERLIN)


def when(text: str, at: datetime = NOW) -> date | datetime:
    """parse_when with the fixed clock and zone used throughout."""
    return parse_when(text, now=at, tz=BERLIN)


def assert_same_instant_in_berlin(result: date | datetime, expected: datetime) -> None:
    """Same instant *and* expressed in Berlin with the same offset (== alone ignores zones)."""
    assert isinstance(result, datetime)
    assert result == expected
    assert result.tzinfo is BERLIN
    assert result.utcoffset() == expected.utcoffset()
    assert result.replace(tzinfo=None) == expected.replace(tzinfo=None)


@pytest.fixture(autouse=True)
def _isolated_clock(monkeypatch: pytest.MonkeyPatch):
    """No test sees the developer's ROLODEX_* variables or another test's clock."""
    monkeypatch.delenv("ROLODEX_NOW", raising=False)
    monkeypatch.delenv("ROLODEX_TZ", raising=False)
    yield
    set_clock(None)


# --- clock -------------------------------------------------------------------------


def test_now_is_aware_utc_and_real_by_default():
    before = datetime.now(UTC)
    result = now()
    assert result.tzinfo is UTC
    assert before <= result <= datetime.now(UTC)


def test_set_clock_overrides_and_none_restores():
    set_clock(lambda: datetime(2026, 11, 20, 9, 0, tzinfo=BERLIN))
    assert now() == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert now().tzinfo is UTC
    set_clock(None)
    assert abs(now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_set_clock_naive_means_utc():
    set_clock(lambda: datetime(2026, 11, 20, 8, 0))
    assert now() == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("frozen", [
    "2026-11-20T09:00:00+01:00", "2026-11-20T08:00:00Z", "2026-11-20T08:00:00",
    " 2026-11-20T08:00:00+00:00 ",
])
def test_rolodex_now_env_freezes_clock(monkeypatch: pytest.MonkeyPatch, frozen: str):
    monkeypatch.setenv("ROLODEX_NOW", frozen)
    assert now() == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert now().tzinfo is UTC


def test_rolodex_now_is_read_on_every_call(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-20T08:00:00Z")
    assert parse_when("tomorrow", tz=BERLIN) == date(2026, 11, 21)
    monkeypatch.setenv("ROLODEX_NOW", "2027-01-31T23:30:00Z")  # already Feb 1 in Berlin
    assert parse_when("today", tz=BERLIN) == date(2027, 2, 1)
    assert now() == datetime(2027, 1, 31, 23, 30, tzinfo=UTC)


def test_set_clock_wins_over_env(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-20T08:00:00Z")
    set_clock(lambda: datetime(2030, 1, 1, tzinfo=UTC))
    assert now() == datetime(2030, 1, 1, tzinfo=UTC)
    set_clock(None)
    assert now() == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("frozen", ["yesterday", "2026-13-01T00:00:00Z", "2026-11-20 25:00"])
def test_unreadable_rolodex_now_is_bad_date(monkeypatch: pytest.MonkeyPatch, frozen: str):
    monkeypatch.setenv("ROLODEX_NOW", frozen)
    with pytest.raises(BadDate, match="ROLODEX_NOW"):
        now()
    with pytest.raises(BadDate, match="ROLODEX_NOW"):
        parse_when("today", tz=BERLIN)


def test_rolodex_now_freezes_a_subprocess_and_import_stays_stdlib_only():
    code = (
        "import sys, rolodex; before = set(sys.modules); import rolodex.dates as d; "
        "import rolodex.date_input as i; "
        "extra = {m.split('.')[0] for m in set(sys.modules) - before} - sys.stdlib_module_names; "
        "print(d.to_utc_iso(d.now()), i.parse_when('tomorrow 9am').isoformat(), "
        "*sorted(m for m in extra if not m.startswith(('rolodex', '_sysconfigdata'))))"
    )
    env = {**os.environ, "ROLODEX_NOW": "2026-11-20T09:00:00+01:00",
           "ROLODEX_TZ": "Europe/Berlin", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["2026-11-20T08:00:00Z", "2026-11-21T09:00:00+01:00"]


# --- zones -------------------------------------------------------------------------


def test_get_zone_returns_zoneinfo():
    assert get_zone("Europe/Berlin") is BERLIN
    assert get_zone(" America/New_York ") == ZoneInfo("America/New_York")


@pytest.mark.parametrize("name", ["Mars/Olympus", "../x", "", "Europe", "/etc/passwd", "a\0b"])
def test_get_zone_rejects_unknown_names(name: str):
    with pytest.raises(BadDate) as caught:
        get_zone(name)
    assert caught.value.message.startswith("unknown time zone '")


def test_system_zone_prefers_rolodex_tz(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ROLODEX_TZ", "Asia/Tokyo")
    monkeypatch.setenv("TZ", "Europe/Berlin")
    assert system_zone() == ZoneInfo("Asia/Tokyo")


def test_system_zone_rejects_bad_rolodex_tz(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ROLODEX_TZ", "Nowhere/Atlantis")
    with pytest.raises(BadDate, match="unknown time zone 'Nowhere/Atlantis'"):
        system_zone()


@pytest.mark.parametrize("tz_env, expected", [
    ("Europe/Berlin", "Europe/Berlin"),
    (":Asia/Tokyo", "Asia/Tokyo"),
    ("/usr/share/zoneinfo/America/New_York", "America/New_York"),
])
def test_system_zone_reads_iana_tz_env(monkeypatch: pytest.MonkeyPatch, tz_env, expected):
    monkeypatch.setenv("TZ", tz_env)
    assert system_zone() == ZoneInfo(expected)


def test_system_zone_falls_back_to_localtime_link(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3")  # POSIX rule, not an IANA name
    monkeypatch.setattr(dates.os.path, "realpath",
                        lambda path: "/usr/share/zoneinfo/Australia/Sydney")
    assert system_zone() == ZoneInfo("Australia/Sydney")


def test_system_zone_last_resort_is_fixed_offset(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("TZ", raising=False)
    monkeypatch.setattr(dates.os.path, "realpath", lambda path: "/etc/localtime")
    zone = system_zone()
    assert isinstance(zone, timezone)
    assert zone.utcoffset(None) == datetime.now().astimezone().utcoffset()


# --- partial dates -------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("1985-04-15", PartialDate(1985, 4, 15)),
    ("19850415", PartialDate(1985, 4, 15)),
    ("1985/4/15", PartialDate(1985, 4, 15)),
    ("--04-15", PartialDate(None, 4, 15)),
    ("--0415", PartialDate(None, 4, 15)),
    ("04-15", PartialDate(None, 4, 15)),
    ("April 15", PartialDate(None, 4, 15)),
    ("15 April", PartialDate(None, 4, 15)),
    ("Apr 15", PartialDate(None, 4, 15)),
    ("apr. 15th", PartialDate(None, 4, 15)),
    ("15 Apr 1985", PartialDate(1985, 4, 15)),
    ("April 15, 1985", PartialDate(1985, 4, 15)),
    ("15.04.1985", PartialDate(1985, 4, 15)),
    ("15.4.", PartialDate(None, 4, 15)),
    ("  APRIL   15  ", PartialDate(None, 4, 15)),
    ("3rd of March", PartialDate(None, 3, 3)),
    ("sept 9", PartialDate(None, 9, 9)),
    ("--02-29", PartialDate(None, 2, 29)),
    ("29 Feb 2000", PartialDate(2000, 2, 29)),
    ("Dec 31 1999", PartialDate(1999, 12, 31)),
])
def test_parse_partial_date_forms(text: str, expected: PartialDate):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text, message", [
    ("Feb 30", "no such date: 30 February"),
    ("--02-30", "no such date: 30 February"),
    ("29 Feb 1985", "no such date: 29 February 1985"),
    ("1900-02-29", "no such date: 29 February 1900"),
    ("31 Apr", "no such date: 31 April"),
    ("13-01", "no such date: 1 month 13"),
    ("0000-01-01", "no such date: 1 January 0"),
])
def test_parse_partial_date_rejects_impossible_days(text: str, message: str):
    with pytest.raises(BadDate) as caught:
        parse_partial_date(text)
    assert caught.value.message == message


@pytest.mark.parametrize("text", ["04/05/1985", "4/5", "04-05-1985", "15/04/1985"])
def test_parse_partial_date_rejects_ambiguous_numbers(text: str):
    with pytest.raises(BadDate) as caught:
        parse_partial_date(text)
    assert caught.value.message == (
        f"ambiguous date '{text}' (day/month or month/day?); write it as 1985-04-15 or --04-15"
    )


@pytest.mark.parametrize("text", ["", "banana", "April", "15", "1985", "Smarch 3",
                                  "2026-11-20 09:30", "mon 15", "--4-15"])
def test_parse_partial_date_unreadable_lists_forms(text: str):
    with pytest.raises(BadDate) as caught:
        parse_partial_date(text)
    assert caught.value.message == (
        f"cannot read date '{text}'; try 1985-04-15, --04-15, April 15, 15 Apr 1985 or 15.04.1985"
    )


def test_partial_date_iso_and_back():
    assert PartialDate(1985, 4, 15).iso() == "1985-04-15"
    assert PartialDate(None, 4, 5).iso() == "--04-05"
    assert PartialDate(7, 1, 2).iso() == "0007-01-02"
    assert PartialDate.from_iso("1985-04-15") == PartialDate(1985, 4, 15)
    assert PartialDate.from_iso("--02-29") == PartialDate(None, 2, 29)
    for bad in ("April 15", "1985-4-15", "--4-15", "-04-15", ""):
        with pytest.raises(BadDate):
            PartialDate.from_iso(bad)
    with pytest.raises(BadDate, match="no such date"):
        PartialDate.from_iso("--02-30")


def test_partial_date_is_frozen_and_validated():
    birthday = PartialDate(None, 2, 29)
    with pytest.raises(AttributeError):
        birthday.day = 1  # type: ignore[misc]
    with pytest.raises(BadDate):
        PartialDate(1985, 2, 29)
    with pytest.raises(BadDate):
        PartialDate(None, 0, 1)


def test_leap_day_occurrences():
    leapling = PartialDate(None, 2, 29)
    assert leapling.occurrence_in(2027) == date(2027, 2, 28)
    assert leapling.occurrence_in(2028) == date(2028, 2, 29)
    assert leapling.occurrence_in(2100) == date(2100, 2, 28)
    assert leapling.occurrence_in(2000) == date(2000, 2, 29)
    assert PartialDate(1985, 4, 15).occurrence_in(2026) == date(2026, 4, 15)


@given(st.dates(), st.booleans())
def test_partial_date_round_trips(day: date, with_year: bool):
    partial = PartialDate(day.year if with_year else None, day.month, day.day)
    assert PartialDate.from_iso(partial.iso()) == partial
    assert parse_partial_date(partial.iso()) == partial


# --- parse_when: days ------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("2026-11-20", date(2026, 11, 20)),
    ("2027-02-28", date(2027, 2, 28)),
    ("20261120", date(2026, 11, 20)),
    ("today", date(2026, 11, 20)),
    ("  ToDay ", date(2026, 11, 20)),
    ("tomorrow", date(2026, 11, 21)),
    ("yesterday", date(2026, 11, 19)),
    ("fri", date(2026, 11, 20)),  # today is Friday: on or after today
    ("friday", date(2026, 11, 20)),
    ("this friday", date(2026, 11, 20)),
    ("next friday", date(2026, 11, 27)),
    ("last friday", date(2026, 11, 13)),
    ("sat", date(2026, 11, 21)),
    ("thu", date(2026, 11, 26)),
    ("thurs", date(2026, 11, 26)),
    ("Tues", date(2026, 11, 24)),
    ("mon", date(2026, 11, 23)),
    ("next monday", date(2026, 11, 23)),
    ("last monday", date(2026, 11, 16)),
    ("last thursday", date(2026, 11, 19)),
    ("in 3 days", date(2026, 11, 23)),
    ("in  3   DAYS", date(2026, 11, 23)),
    ("in 1 day", date(2026, 11, 21)),
    ("in a week", date(2026, 11, 27)),
    ("in 2 weeks", date(2026, 12, 4)),
    ("in 1 month", date(2026, 12, 20)),
    ("in 2 months", date(2027, 1, 20)),
    ("in 1 year", date(2027, 11, 20)),
    ("in 0 days", date(2026, 11, 20)),
    ("3 days ago", date(2026, 11, 17)),
    ("2 weeks ago", date(2026, 11, 6)),
    ("1 month ago", date(2026, 10, 20)),
    ("1 year ago", date(2025, 11, 20)),
    ("end of month", date(2026, 11, 30)),
    ("end of week", date(2026, 11, 22)),
    ("start of month", date(2026, 11, 1)),
    ("start of week", date(2026, 11, 16)),
    ("end of year", date(2026, 12, 31)),
    ("start of year", date(2026, 1, 1)),
    ("April 15", date(2027, 4, 15)),  # already past this year
    ("dec 1", date(2026, 12, 1)),
    ("Nov 20", date(2026, 11, 20)),  # today counts as the next occurrence
    ("nov 19", date(2027, 11, 19)),
    ("feb 29", date(2028, 2, 29)),  # a real leap day, not 28 Feb 2027
    ("15 Apr 2027", date(2027, 4, 15)),
    ("15.04.2027", date(2027, 4, 15)),
    ("April 15, 2020", date(2020, 4, 15)),
])
def test_day_forms_give_dates(text: str, expected: date):
    result = when(text)
    assert type(result) is date
    assert result == expected


def test_today_is_computed_in_the_given_zone():
    late_utc = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)  # 00:30 on the 21st in Berlin
    assert parse_when("today", now=late_utc, tz=BERLIN) == date(2026, 11, 21)
    assert parse_when("today", now=late_utc, tz=UTC) == date(2026, 11, 20)
    assert parse_when("today", now=late_utc, tz=ZoneInfo("America/New_York")) == date(
        2026, 11, 20)


def test_naive_now_means_utc():
    assert parse_when("today", now=datetime(2026, 11, 20, 23, 30), tz=BERLIN) == date(
        2026, 11, 21)


def test_defaults_use_clock_and_system_zone(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ROLODEX_TZ", "Europe/Berlin")
    set_clock(lambda: NOW)
    assert parse_when("tomorrow") == date(2026, 11, 21)
    assert_same_instant_in_berlin(parse_when("15:00"), berlin(2026, 11, 20, 15, 0))


@pytest.mark.parametrize("today", [date(2026, 11, 16) + timedelta(i) for i in range(7)])
@pytest.mark.parametrize("name", ["monday", "tue", "wed", "thursday", "fri", "sat", "sunday"])
def test_weekday_rules_for_every_day_of_the_week(today: date, name: str):
    at = datetime.combine(today, time(12), tzinfo=BERLIN)
    target = ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(name[:3])
    bare, upcoming, previous = when(name, at), when(f"next {name}", at), when(f"last {name}", at)
    assert {bare.weekday(), upcoming.weekday(), previous.weekday()} == {target}
    assert 0 <= (bare - today).days <= 6
    assert 1 <= (upcoming - today).days <= 7
    assert -7 <= (previous - today).days <= -1


def test_weekday_when_today_is_the_named_day():
    monday = berlin(2026, 11, 23, 8, 0)
    assert when("monday", monday) == date(2026, 11, 23)
    assert when("next monday", monday) == date(2026, 11, 30)  # GNU date: strictly after
    assert when("last monday", monday) == date(2026, 11, 16)
    assert when("start of week", monday) == date(2026, 11, 23)
    assert when("end of week", monday) == date(2026, 11, 29)
    sunday = berlin(2026, 11, 22, 8, 0)
    assert when("end of week", sunday) == date(2026, 11, 22)
    assert when("start of week", sunday) == date(2026, 11, 16)
    assert when("sun", sunday) == date(2026, 11, 22)


@pytest.mark.parametrize("at, text, expected", [
    (berlin(2027, 1, 31, 12), "in 1 month", date(2027, 2, 28)),
    (berlin(2028, 1, 31, 12), "in 1 month", date(2028, 2, 29)),
    (berlin(2027, 3, 31, 12), "1 month ago", date(2027, 2, 28)),
    (berlin(2026, 1, 31, 12), "in 13 months", date(2027, 2, 28)),
    (berlin(2027, 5, 31, 12), "in 1 month", date(2027, 6, 30)),
    (berlin(2028, 2, 29, 12), "in 1 year", date(2029, 2, 28)),
    (berlin(2028, 2, 29, 12), "4 years ago", date(2024, 2, 29)),
    (berlin(2026, 12, 31, 12), "in 1 month", date(2027, 1, 31)),
    (berlin(2026, 1, 15, 12), "2 months ago", date(2025, 11, 15)),
    (berlin(2028, 2, 10, 12), "end of month", date(2028, 2, 29)),
    (berlin(2027, 2, 10, 12), "end of month", date(2027, 2, 28)),
    (berlin(2026, 12, 31, 12), "in 1 day", date(2027, 1, 1)),
])
def test_month_end_arithmetic(at: datetime, text: str, expected: date):
    assert when(text, at) == expected


@given(st.integers(min_value=0, max_value=5000))
def test_day_offsets_match_timedelta(days: int):
    assert when(f"in {days} days") == date(2026, 11, 20) + timedelta(days)
    assert when(f"{days} days ago") == date(2026, 11, 20) - timedelta(days)


# --- parse_when: times -----------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("2026-11-20 09:30", berlin(2026, 11, 20, 9, 30)),
    ("2026-11-20T09:30", berlin(2026, 11, 20, 9, 30)),
    ("2026-11-20t09:30:45", berlin(2026, 11, 20, 9, 30, 45)),
    ("2026-11-20T09:30:00Z", berlin(2026, 11, 20, 10, 30)),
    ("2026-11-20t09:30z", berlin(2026, 11, 20, 10, 30)),
    ("2026-11-20T09:30:00+05:30", berlin(2026, 11, 20, 5, 0)),
    ("2026-11-20 09:30 -0500", berlin(2026, 11, 20, 15, 30)),
    ("2026-11-20T09:30:00+01:00", berlin(2026, 11, 20, 9, 30)),
    ("now", berlin(2026, 11, 20, 10, 0)),
    ("yesterday 15:00", berlin(2026, 11, 19, 15, 0)),
    ("tomorrow 9am", berlin(2026, 11, 21, 9, 0)),
    ("Tomorrow  at 9 AM", berlin(2026, 11, 21, 9, 0)),
    ("tomorrow 9:30 p.m.", berlin(2026, 11, 21, 21, 30)),
    ("fri 3pm", berlin(2026, 11, 20, 15, 0)),
    ("next monday 10:30", berlin(2026, 11, 23, 10, 30)),
    ("2026-11-20 3:15pm", berlin(2026, 11, 20, 15, 15)),
    ("in 2 weeks 9am", berlin(2026, 12, 4, 9, 0)),
    ("end of month 17:00", berlin(2026, 11, 30, 17, 0)),
    ("April 15 9am", berlin(2027, 4, 15, 9, 0)),  # CEST by then
    ("15 Apr 2027 10:00", berlin(2027, 4, 15, 10, 0)),
    ("15:00", berlin(2026, 11, 20, 15, 0)),
    ("3pm", berlin(2026, 11, 20, 15, 0)),
    ("9:45:30", berlin(2026, 11, 20, 9, 45, 30)),
    ("noon", berlin(2026, 11, 20, 12, 0)),
    ("midnight", berlin(2026, 11, 20, 0, 0)),
    ("12am", berlin(2026, 11, 20, 0, 0)),
    ("12pm", berlin(2026, 11, 20, 12, 0)),
    ("12:30am", berlin(2026, 11, 20, 0, 30)),
    ("in 2 hours", berlin(2026, 11, 20, 12, 0)),
    ("in 30 minutes", berlin(2026, 11, 20, 10, 30)),
    ("in an hour", berlin(2026, 11, 20, 11, 0)),
    ("in 90 mins", berlin(2026, 11, 20, 11, 30)),
    ("2 hours ago", berlin(2026, 11, 20, 8, 0)),
    ("in 16 hours", berlin(2026, 11, 21, 2, 0)),
])
def test_time_forms_give_aware_datetimes_in_tz(text: str, expected: datetime):
    assert_same_instant_in_berlin(when(text), expected)


def test_explicit_offset_is_converted_to_requested_zone():
    result = parse_when("2026-11-20T09:30:00Z", now=NOW, tz=ZoneInfo("Asia/Tokyo"))
    assert result == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    assert result.replace(tzinfo=None) == datetime(2026, 11, 20, 18, 30)


# --- DST -----------------------------------------------------------------------------


def test_spring_forward_gap_shifts_forward():
    before_gap = berlin(2027, 3, 28, 0, 30)  # CET, transition at 02:00 -> 03:00
    result = when("02:30", before_gap)
    assert result.replace(tzinfo=None) == datetime(2027, 3, 28, 3, 30)
    assert result.utcoffset() == timedelta(hours=2)
    assert to_utc_iso(result) == "2027-03-28T01:30:00Z"
    shifted = when("2027-03-28 02:30", before_gap)
    assert shifted == result


def test_spring_forward_hours_are_elapsed_time():
    before_gap = berlin(2027, 3, 28, 0, 30)
    assert_same_instant_in_berlin(when("in 1 hour", before_gap), berlin(2027, 3, 28, 1, 30))
    assert to_utc_iso(when("in 1 hour", before_gap)) == "2027-03-28T00:30:00Z"
    assert when("in 2 hours", before_gap).replace(tzinfo=None) == datetime(2027, 3, 28, 3, 30)
    saturday = berlin(2027, 3, 27, 9, 0)
    assert_same_instant_in_berlin(when("tomorrow 9am", saturday), berlin(2027, 3, 28, 9, 0))
    assert when("tomorrow 9am", saturday).utcoffset() == timedelta(hours=2)


def test_fall_back_overlap_takes_first_occurrence():
    early = berlin(2026, 10, 25, 0, 30)  # CEST, 03:00 CEST -> 02:00 CET
    first = when("02:30", early)
    assert first.utcoffset() == timedelta(hours=2)
    assert to_utc_iso(first) == "2026-10-25T00:30:00Z"
    later = when("in 3 hours", early)
    assert later.replace(tzinfo=None) == datetime(2026, 10, 25, 2, 30)
    assert later.utcoffset() == timedelta(hours=1)
    assert to_utc_iso(later) == "2026-10-25T01:30:00Z"


def test_day_lengths_across_transitions():
    spring, autumn = date(2027, 3, 28), date(2026, 10, 25)
    assert as_instant(spring, BERLIN, end=True) - as_instant(spring, BERLIN) == timedelta(hours=23)
    assert as_instant(autumn, BERLIN, end=True) - as_instant(autumn, BERLIN) == timedelta(hours=25)
    assert start_of_day(spring, BERLIN).utcoffset() == timedelta(hours=1)
    assert start_of_day(date(2027, 3, 29), BERLIN).utcoffset() == timedelta(hours=2)


def test_start_of_day_in_a_midnight_gap():
    havana = ZoneInfo("America/Havana")  # clocks jump 00:00 -> 01:00 on 2027-03-14
    first = start_of_day(date(2027, 3, 14), havana)
    assert first.replace(tzinfo=None) == datetime(2027, 3, 14, 1, 0)
    assert to_utc_iso(first) == "2027-03-14T05:00:00Z"


# --- parse_when: errors ------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "", "   ", "banana", "next", "last", "in days", "in 3", "3 ago", "32 days", "fri 3",
    "25:00", "13pm", "0am", "tomorrow 25:00", "in 3 fortnights", "in 3m", "next weak",
    "2026-11-20 09:30 +25", "in 99999999999 days", "9999-12-31 + 1 day", "in 9000 years",
    "now 3pm", "in 2 hours 9am", "tomorrow tomorrow", "april", "mon 15",
])
def test_unreadable_when_has_one_line_message(text: str):
    with pytest.raises(BadDate) as caught:
        when(text)
    assert caught.value.message == f"cannot read date '{' '.join(text.split())}'; {WHEN_HELP}"
    assert caught.value.hint is None


def test_ambiguous_when_gets_a_hint():
    with pytest.raises(BadDate) as caught:
        when("04/05/2026")
    assert caught.value.message == f"cannot read date '04/05/2026'; {WHEN_HELP}"
    assert "2026-04-05" in caught.value.hint


@pytest.mark.parametrize("text", ["2026-02-30", "feb 30", "2026-02-29 10:00"])
def test_impossible_day_in_when_says_so(text: str):
    with pytest.raises(BadDate, match=r"^no such date: "):
        when(text)


def test_error_messages_stay_on_one_short_line():
    with pytest.raises(BadDate) as caught:
        when("line one\nline two\x00" + "x" * 200)
    message = caught.value.message
    assert "\n" not in message and "\x00" not in message
    assert len(message) < 250


# --- instants and helpers ------------------------------------------------------------


def test_to_utc_iso():
    assert to_utc_iso(berlin(2026, 11, 20, 9, 30, 15, 999_999)) == "2026-11-20T08:30:15Z"
    assert to_utc_iso(datetime(2026, 11, 20, 8, 30, tzinfo=UTC)) == "2026-11-20T08:30:00Z"
    assert to_utc_iso(berlin(2026, 7, 1, 0, 0)) == "2026-06-30T22:00:00Z"
    with pytest.raises(ValueError):
        to_utc_iso(datetime(2026, 11, 20, 8, 30))


@pytest.mark.parametrize("text", [
    "2026-11-20T08:30:00Z", "2026-11-20T08:30:00+00:00", "2026-11-20T09:30:00+01:00",
    "2026-11-20T08:30:00",
])
def test_from_utc_iso(text: str):
    result = from_utc_iso(text)
    assert result == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    assert result.tzinfo is UTC


def test_from_utc_iso_rejects_garbage():
    with pytest.raises(BadDate, match="cannot read timestamp 'yesterday'"):
        from_utc_iso("yesterday")


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1),
                    timezones=st.just(UTC)))
def test_utc_iso_round_trip(moment: datetime):
    assert from_utc_iso(to_utc_iso(moment)) == moment.replace(microsecond=0)


def test_start_of_day_and_as_instant():
    start = start_of_day(date(2026, 11, 20), BERLIN)
    assert_same_instant_in_berlin(start, berlin(2026, 11, 20, 0, 0))
    assert as_instant(date(2026, 11, 20), BERLIN) == datetime(2026, 11, 19, 23, tzinfo=UTC)
    assert as_instant(date(2026, 11, 20), BERLIN, end=True) == datetime(
        2026, 11, 20, 23, tzinfo=UTC)
    assert as_instant(date(2026, 11, 20), BERLIN).tzinfo is UTC
    aware = as_instant(berlin(2026, 11, 20, 9, 30), BERLIN, end=True)
    assert aware == datetime(2026, 11, 20, 8, 30, tzinfo=UTC) and aware.tzinfo is UTC
    naive = as_instant(datetime(2026, 11, 20, 9, 30), BERLIN)
    assert naive == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


# --- durations ---------------------------------------------------------------------


@pytest.mark.parametrize("text, minutes", [
    ("45m", 45), ("1h30m", 90), ("1h 30m", 90), ("2h", 120), ("90s", 1.5), ("1:30", 90),
    ("1.5h", 90), ("30 min", 30), ("2 hours", 120), ("1 hour 15 minutes", 75),
    ("1h30", 90), ("0:05", 5), ("2H", 120), ("1d", 1440), ("0.5 hr", 30), ("10 secs", 1 / 6),
])
def test_parse_duration(text: str, minutes: float):
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "45", "abc", "1:75", "-5m", "h", "1x", "1.h", "1:5",
                                  "in 2 hours", "5 months", "1e3h", "99999999999999d"])
def test_parse_duration_rejects_unreadable(text: str):
    with pytest.raises(BadDate) as caught:
        parse_duration(text)
    assert caught.value.message == (
        f"cannot read duration '{text}'; try 45m, 1h30m, 1:30, 1.5h, 30 min or 2 hours"
    )


@pytest.mark.parametrize("text", ["0m", "0:00", "0h 0m", "0.0h"])
def test_parse_duration_rejects_zero(text: str):
    with pytest.raises(BadDate) as caught:
        parse_duration(text)
    assert caught.value.message == (
        f"duration '{text}' must be longer than zero; try 45m, 1h30m, 1:30, 1.5h, 30 min or 2 hours"
    )


@pytest.mark.parametrize("text, days", [
    ("30d", 30), ("30", 30), ("2w", 14), ("3m", 90), ("1y", 365), ("90 days", 90),
    ("3 months", 90), ("1 week", 7), ("2 years", 730), (" 7 D ", 7), ("1 day", 1),
])
def test_parse_days(text: str, days: int):
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["", "x", "-3", "3h", "1.5w", "2 fortnights", "1234567", "d"])
def test_parse_days_rejects_unreadable(text: str):
    with pytest.raises(BadDate) as caught:
        parse_days(text)
    assert caught.value.message == (
        f"cannot read number of days '{text}'; try 30, 30d, 2w, 3m (months of 30 days), 1y"
        " or 90 days"
    )


@pytest.mark.parametrize("text", ["0", "0d", "00 weeks"])
def test_parse_days_rejects_zero(text: str):
    with pytest.raises(BadDate, match="must be more than zero"):
        parse_days(text)


# --- robustness ----------------------------------------------------------------------

_TOKENS = st.sampled_from([
    "in", "ago", "next", "last", "this", "at", "of", "end", "start", "fri", "monday", "april",
    "feb", "29", "30", "3", "0", "12", "99999999999", "15:00", "3pm", "9:75", "am", "pm",
    "noon", "days", "hours", "m", "h", "1h30m", "1.5", "2026-11-20", "9999-12-31", "t", "z",
    "+01:00", "-", "/", ".", ":", ",", "--04-15", "04/05", "today", "tomorrow", "now",
])
_TEXTS = st.one_of(st.text(max_size=40), st.lists(_TOKENS, max_size=5).map(" ".join),
                   st.lists(_TOKENS, max_size=5).map("".join))


@given(_TEXTS)
def test_parsers_return_a_value_or_raise_bad_date(text: str):
    parsers = (when, parse_partial_date, parse_duration, parse_days)
    for parse in parsers:
        try:
            result = parse(text)
        except BadDate as error:
            assert "\n" not in error.message
        else:
            assert result is not None


@pytest.mark.parametrize(("text", "expected"), [
    ("tomorrow at 9", berlin(2026, 11, 21, 9, 0)),
    ("fri at 15", berlin(2026, 11, 20, 15, 0)),
    ("next week", date(2026, 11, 27)),
    ("next month", date(2026, 12, 20)),
    ("last month", date(2026, 10, 20)),
    ("next year", date(2027, 11, 20)),
    ("in 1 week", date(2026, 11, 27)),
    ("eom", date(2026, 11, 30)),
    ("eow", date(2026, 11, 22)),
    ("soy", date(2026, 1, 1)),
    ("2027-02", date(2027, 2, 1)),
    ("friday", date(2026, 11, 20)),  # on a Friday: today
    ("next friday", date(2026, 11, 27)),
])
def test_dates_people_say(text, expected):
    assert when(text) == expected


@pytest.mark.parametrize("text", ["2027-13", "tomorrow at 25", "next fortnight", "eo"])
def test_what_is_not_a_date_is_refused(text):
    with pytest.raises(BadDate):
        when(text)


def test_a_birthday_in_the_future_is_refused(rolodex):
    result = rolodex(["add", "Jane Doe", "--birthday", "2999-04-15"])
    assert result.exit_code == 5
    assert "birthday 2999-04-15 is in the future" in result.stderr
    assert "--04-15" in result.stderr  # the way to give it without a year
    assert rolodex(["add", "Jane Doe", "--birthday", "--04-15"]).exit_code == 0


def test_calendar_takes_a_month(rolodex):
    for title, at in (("In February", "2027-02-10 10:00"), ("In March", "2027-03-01 10:00")):
        assert rolodex(["event", "add", title, "--at", at]).exit_code == 0
    result = rolodex(["calendar", "--month", "2027-02", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert [item["title"] for item in result.json()] == ["In February"]
