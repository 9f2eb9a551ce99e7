"""Tests for rolodex.recurrence: phrases to RRULE text, descriptions, and expansion
across clock changes, windows, exceptions and moves."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from rolodex.errors import InvalidInput
from rolodex.recurrence import Occurrence, next_after, occurrences
from rolodex.recurrence_rules import describe_rule, parse_rule

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def starts(found: list[Occurrence]) -> list:
    return [o.start for o in found]


@pytest.mark.parametrize(("text", "rule"), [
    ("daily", "FREQ=DAILY"),
    ("weekly", "FREQ=WEEKLY"),
    ("monthly", "FREQ=MONTHLY"),
    ("yearly", "FREQ=YEARLY"),
    ("annually", "FREQ=YEARLY"),
    ("every day", "FREQ=DAILY"),
    ("every 2 days", "FREQ=DAILY;INTERVAL=2"),
    ("every week", "FREQ=WEEKLY"),
    ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"),
    ("every other week", "FREQ=WEEKLY;INTERVAL=2"),
    ("fortnightly", "FREQ=WEEKLY;INTERVAL=2"),
    ("every 3 months", "FREQ=MONTHLY;INTERVAL=3"),
    ("every year", "FREQ=YEARLY"),
    ("weekdays", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("every weekend", "FREQ=WEEKLY;BYDAY=SA,SU"),
    ("every monday", "FREQ=WEEKLY;BYDAY=MO"),
    ("every mon and wed", "FREQ=WEEKLY;BYDAY=MO,WE"),
    ("every wed and mon", "FREQ=WEEKLY;BYDAY=MO,WE"),
    ("every tue, thu", "FREQ=WEEKLY;BYDAY=TU,TH"),
    ("Every Tuesdays & Thursdays", "FREQ=WEEKLY;BYDAY=TU,TH"),
    ("weekly on friday", "FREQ=WEEKLY;BYDAY=FR"),
    ("monthly on the last friday", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("monthly on the 2nd tuesday", "FREQ=MONTHLY;BYDAY=2TU"),
    ("monthly on the first monday", "FREQ=MONTHLY;BYDAY=1MO"),
    ("monthly on the first and third monday", "FREQ=MONTHLY;BYDAY=1MO,3MO"),
    ("monthly on the second to last friday", "FREQ=MONTHLY;BYDAY=-2FR"),
    ("monthly on day 15", "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("monthly on the 15th", "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("monthly on the 1st and 15th", "FREQ=MONTHLY;BYMONTHDAY=1,15"),
    ("monthly on the last day", "FREQ=MONTHLY;BYMONTHDAY=-1"),
    ("monthly on the last weekday", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
    ("every 3 months on the 1st", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1"),
    ("every 2 weeks on friday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
    ("weekly for 10 times", "FREQ=WEEKLY;COUNT=10"),
    ("every mon and wed 10 times", "FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE"),
    ("every 2 weeks on friday for 1 time", "FREQ=WEEKLY;INTERVAL=2;COUNT=1;BYDAY=FR"),
    ("daily until 2027-06-30", "FREQ=DAILY;UNTIL=20270630"),
    ("monthly on the last friday until 2027-06-30",
     "FREQ=MONTHLY;UNTIL=20270630;BYDAY=-1FR"),
])
def test_phrases(text, rule):
    assert parse_rule(text) == rule
    assert parse_rule(rule) == rule  # canonical output reads back unchanged


@pytest.mark.parametrize(("text", "rule"), [
    ("FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=WEEKLY;BYDAY=MO,WE"),
    ("RRULE:FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=MO"),
    ("rrule:freq=weekly;byday=we,mo;", "FREQ=WEEKLY;BYDAY=MO,WE"),
    ("BYDAY=-1FR;FREQ=MONTHLY", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("FREQ=DAILY;INTERVAL=1", "FREQ=DAILY"),
    ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
     "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
    ("FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "FREQ=YEARLY;BYDAY=4TH;BYMONTH=11"),
    ("FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=SU,MO", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU;WKST=SU"),
    ("FREQ=WEEKLY;UNTIL=20270101T000000Z", "FREQ=WEEKLY;UNTIL=20270101T000000Z"),
    ("FREQ=DAILY;COUNT=5", "FREQ=DAILY;COUNT=5"),
])
def test_raw_rules(text, rule):
    assert parse_rule(text) == rule


@pytest.mark.parametrize("text", [
    "FREQ=SOMETIMES", "every blue moon", "", "   ", "sometimes", "every", "every 0 days",
    "FREQ=WEEKLY;BYFOO=1", "FREQ=WEEKLY;BYHOUR=24", "BYDAY=MO", "FREQ=HOURLY;BYMINUTE=x",
    "FREQ=DAILY;COUNT=3;UNTIL=20270101", "FREQ=DAILY;FREQ=WEEKLY", "FREQ=DAILY;COUNT",
    "FREQ=DAILY;INTERVAL=0", "FREQ=DAILY;COUNT=-1", "FREQ=DAILY;UNTIL=20270231",
    "FREQ=DAILY;UNTIL=tomorrow", "FREQ=WEEKLY;BYDAY=XX", "FREQ=WEEKLY;BYDAY=2MO",
    "FREQ=MONTHLY;BYDAY=6FR", "FREQ=MONTHLY;BYMONTHDAY=0", "FREQ=MONTHLY;BYMONTHDAY=32",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=YEARLY;BYMONTH=13", "FREQ=WEEKLY;WKST=XX",
    "FREQ=MONTHLY;BYSETPOS=0;BYDAY=MO", "monthly on the 32nd", "monthly on the 13th and friday",
    "weekly on the last friday", "daily until 2027-02-30", "every monday 0 times",
])
def test_unreadable_rules(text):
    with pytest.raises(InvalidInput) as caught:
        parse_rule(text)
    assert caught.value.exit_code == 5
    assert caught.value.message.startswith("cannot read repeat rule '")
    assert "\n" not in caught.value.message


def test_unreadable_message():
    with pytest.raises(InvalidInput) as caught:
        parse_rule("every blue moon")
    assert caught.value.message == (
        "cannot read repeat rule 'every blue moon'; try daily, weekly, every 2 weeks, every mon"
        " and wed, monthly on the last friday, monthly on day 15, monthly-last, yearly, hourly,"
        " or an RRULE such as FREQ=WEEKLY;BYDAY=MO")
    with pytest.raises(InvalidInput) as caught:
        parse_rule("FREQ=WEEKLY;BYFOO=1")
    assert "BYFOO" in caught.value.hint


@pytest.mark.parametrize(("rule", "text"), [
    ("FREQ=WEEKLY;INTERVAL=2", "every 2 weeks"),
    ("FREQ=MONTHLY;BYDAY=-1FR", "monthly on the last Friday"),
    ("FREQ=WEEKLY;COUNT=10;BYDAY=MO,WE", "weekly on Mon, Wed, 10 times"),
    ("FREQ=DAILY", "daily"),
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every weekday"),
    ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "monthly on the last weekday"),
    ("FREQ=MONTHLY;BYMONTHDAY=15", "monthly on day 15"),
    ("FREQ=MONTHLY;BYMONTHDAY=-1", "monthly on the last day"),
    ("FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU", "every 3 months on the second Tuesday"),
    ("FREQ=YEARLY;UNTIL=20270630", "yearly, until 2027-06-30"),
    ("FREQ=YEARLY;BYDAY=4TH;BYMONTH=11", "yearly on the fourth Thursday in Nov"),
    ("FREQ=DAILY;COUNT=1", "daily, once"),
])
def test_describe_rule(rule, text):
    assert describe_rule(rule) == text


@pytest.mark.parametrize("junk", ["FREQ=SOMETIMES", "", "every blue moon", None, 42])
def test_describe_rule_never_raises(junk):
    assert isinstance(describe_rule(junk), str)


def test_weekly_meeting_keeps_local_time_across_spring_change():
    found = occurrences("weekly", berlin(2027, 3, 15, 16, 15), date(2027, 3, 15),
                        date(2027, 4, 1), duration=timedelta(hours=1))
    assert [(o.start.date(), o.start.hour, o.start.minute) for o in found] == [
        (date(2027, 3, 15), 16, 15), (date(2027, 3, 22), 16, 15), (date(2027, 3, 29), 16, 15)]
    assert [o.start.astimezone(UTC).hour for o in found] == [15, 15, 14]
    assert all(o.end - o.start == timedelta(hours=1) for o in found)
    assert all(o.original == o.start and not o.moved for o in found)


def test_weekly_meeting_keeps_local_time_across_autumn_change():
    found = occurrences("weekly", berlin(2026, 10, 19, 16, 15), berlin(2026, 10, 19),
                        berlin(2026, 10, 27))
    assert [o.start.hour for o in found] == [16, 16]
    assert [o.start.astimezone(UTC).hour for o in found] == [14, 15]
    repeated = occurrences("weekly", berlin(2026, 10, 18, 2, 30), date(2026, 10, 25),
                           date(2026, 10, 26))  # 02:30 happens twice that night: the first
    assert [o.start.astimezone(UTC) for o in repeated] == [datetime(2026, 10, 25, 0, 30,
                                                                    tzinfo=UTC)]


def test_expansion_happens_in_the_given_zone():
    """A start given in UTC still repeats at Berlin wall time when tz says so."""
    start = berlin(2027, 3, 22, 16, 15).astimezone(UTC)
    found = occurrences("weekly", start, date(2027, 3, 22), date(2027, 3, 30), tz=BERLIN)
    assert [o.start.hour for o in found] == [16, 16]
    assert [o.start.utcoffset() for o in found] == [timedelta(hours=1), timedelta(hours=2)]


def test_time_in_the_spring_gap_moves_forward_like_dates():
    found = occurrences("daily", berlin(2027, 3, 27, 2, 30), date(2027, 3, 27), date(2027, 3, 30))
    assert [(o.start.day, o.start.hour) for o in found] == [(27, 2), (28, 3), (29, 2)]
    assert found[1].start.astimezone(UTC) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(("until", "last"), [
    ("20270329T141500Z", date(2027, 3, 29)),  # exactly the 16:15 CEST instant: included
    ("20270329T141459Z", date(2027, 3, 22)),  # one second before: excluded
    ("20270329T151500Z", date(2027, 3, 29)),
    ("20270329", date(2027, 3, 29)),  # a date includes that whole local day
    ("20270328", date(2027, 3, 22)),
])
def test_until(until, last):
    found = occurrences(f"FREQ=WEEKLY;UNTIL={until}", berlin(2027, 3, 15, 16, 15),
                        date(2027, 1, 1), date(2028, 1, 1))
    assert found[-1].start.date() == last


def test_until_for_all_day_items():
    found = occurrences("daily until 2027-06-30", date(2027, 6, 28), date(2027, 1, 1),
                        date(2028, 1, 1))
    assert starts(found) == [date(2027, 6, 28), date(2027, 6, 29), date(2027, 6, 30)]


def test_count():
    start = berlin(2026, 11, 2, 9)
    found = occurrences("FREQ=DAILY;COUNT=3", start, date(2026, 11, 1), date(2026, 12, 1))
    assert [o.start.day for o in found] == [2, 3, 4]
    later = occurrences("FREQ=DAILY;COUNT=3", start, date(2026, 11, 4), date(2026, 12, 1))
    assert [o.start.day for o in later] == [4]


def test_monthly_on_the_last_friday():
    found = occurrences(parse_rule("monthly on the last friday"), date(2026, 1, 1),
                        date(2026, 1, 1), date(2026, 7, 1))
    assert starts(found) == [date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 27),
                             date(2026, 4, 24), date(2026, 5, 29), date(2026, 6, 26)]
    assert all(o.end == o.start + timedelta(days=1) for o in found)


def test_bysetpos_last_weekday_of_month():
    found = occurrences("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", date(2026, 1, 1),
                        date(2026, 1, 1), date(2026, 7, 1))
    assert starts(found) == [date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 31),
                             date(2026, 4, 30), date(2026, 5, 29), date(2026, 6, 30)]


def test_exdates_drop_occurrences():
    start = berlin(2027, 3, 15, 16, 15)
    found = occurrences("weekly", start, date(2027, 3, 15), date(2027, 4, 6),
                        exdates=[berlin(2027, 3, 22, 16, 15).astimezone(UTC)])
    assert [o.start.day for o in found] == [15, 29, 5]
    days = occurrences("daily", date(2027, 1, 1), date(2027, 1, 1), date(2027, 1, 4),
                       exdates=[date(2027, 1, 2)])
    assert starts(days) == [date(2027, 1, 1), date(2027, 1, 3)]


def test_moved_occurrence_appears_at_its_new_time_only():
    start = berlin(2027, 5, 3, 10)
    old = berlin(2027, 5, 10, 10)
    new = (berlin(2027, 5, 12, 14), berlin(2027, 5, 12, 15))
    found = occurrences("weekly", start, date(2027, 5, 1), date(2027, 5, 20),
                        moved={old: new}, duration=timedelta(hours=1))
    assert [(o.start, o.moved) for o in found] == [
        (berlin(2027, 5, 3, 10), False), (new[0], True), (berlin(2027, 5, 17, 10), False)]
    assert found[1].original == old and found[1].end == new[1]


def test_moved_into_and_out_of_the_window():
    start = berlin(2027, 5, 3, 10)
    far = berlin(2028, 6, 5, 10)  # nominal start a year after the window
    into = (berlin(2027, 5, 5, 9), berlin(2027, 5, 5, 10))
    found = occurrences("weekly", start, date(2027, 5, 3), date(2027, 5, 9), moved={far: into})
    assert [(o.start, o.original) for o in found] == [(start, start), (into[0], far)]
    away = {start: (berlin(2027, 6, 1, 9), berlin(2027, 6, 1, 10))}
    assert occurrences("weekly", start, date(2027, 5, 3), date(2027, 5, 9), moved=away) == []
    not_in_series = {berlin(2028, 6, 6, 10): into}  # a Tuesday: no such occurrence
    assert starts(occurrences("weekly", start, date(2027, 5, 3), date(2027, 5, 9),
                              moved=not_in_series)) == [start]
    cancelled = occurrences("weekly", start, date(2027, 5, 3), date(2027, 5, 9),
                            moved={far: into}, exdates=[far])
    assert starts(cancelled) == [start]


def test_moved_all_day():
    found = occurrences("weekly", date(2027, 5, 3), date(2027, 5, 3), date(2027, 5, 17),
                        moved={date(2027, 5, 10): (date(2027, 5, 11), date(2027, 5, 13))})
    assert [(o.start, o.end, o.moved) for o in found] == [
        (date(2027, 5, 3), date(2027, 5, 4), False), (date(2027, 5, 11), date(2027, 5, 13), True)]


def test_yearly_on_29_february_skips_common_years():
    """RFC 5545 drops recurrences on days that do not exist; dateutil follows it, so the
    series happens in leap years only (a birthday-style 28 Feb fallback is the caller's)."""
    found = occurrences("yearly", date(2024, 2, 29), date(2024, 1, 1), date(2033, 1, 1))
    assert starts(found) == [date(2024, 2, 29), date(2028, 2, 29), date(2032, 2, 29)]
    assert next_after("yearly", date(2096, 2, 29), date(2096, 3, 1)) == date(2104, 2, 29)


def test_monthly_on_the_31st_skips_short_months():
    found = occurrences("monthly", date(2027, 1, 31), date(2027, 1, 1), date(2027, 6, 1))
    assert starts(found) == [date(2027, 1, 31), date(2027, 3, 31), date(2027, 5, 31)]


def test_single_occurrence_without_rule():
    start = berlin(2027, 5, 3, 10)
    assert starts(occurrences(None, start, date(2027, 5, 3), date(2027, 5, 4))) == [start]
    assert occurrences(None, start, date(2027, 5, 4), date(2027, 5, 5)) == []
    assert occurrences("", start, start, start + timedelta(1)) != []  # zero length, at start
    assert occurrences(None, start, start - timedelta(1), start) == []  # window end exclusive
    long = occurrences(None, start, date(2027, 5, 4), date(2027, 5, 5),
                       duration=timedelta(days=2))  # began before, still going on
    assert starts(long) == [start]


def test_all_day_items_against_instant_windows():
    day = date(2027, 5, 3)
    window = (berlin(2027, 5, 3, 23), berlin(2027, 5, 4, 1))
    assert starts(occurrences(None, day, *window)) == [day]
    assert occurrences(None, day, berlin(2027, 5, 4, 0), berlin(2027, 5, 4, 1)) == []
    assert starts(occurrences("daily", day, *window)) == [day, date(2027, 5, 4)]


def test_occurrences_are_sorted_and_frozen():
    found = occurrences("FREQ=WEEKLY;BYDAY=FR,MO,WE", berlin(2027, 5, 3, 10), date(2027, 5, 1),
                        date(2027, 6, 1), moved={berlin(2027, 5, 14, 10): (
                            berlin(2027, 5, 3, 9), berlin(2027, 5, 3, 9, 30))})
    assert starts(found) == sorted(starts(found))
    with pytest.raises(FrozenInstanceError):
        found[0].moved = True  # type: ignore[misc]


def test_next_after_for_tasks():
    assert next_after("weekly", date(2026, 11, 20), date(2026, 11, 20)) == date(2026, 11, 27)
    assert next_after("weekly", date(2026, 11, 20), date(2026, 12, 1)) == date(2026, 12, 4)
    last_friday = parse_rule("monthly on the last friday")
    assert next_after(last_friday, date(2026, 1, 30), date(2026, 1, 30)) == date(2026, 2, 27)
    assert next_after(last_friday, date(2026, 1, 30), date(2026, 12, 1)) == date(2026, 12, 25)
    assert next_after("FREQ=WEEKLY;COUNT=3", date(2026, 11, 20), date(2026, 12, 4)) is None
    assert next_after("FREQ=WEEKLY;COUNT=3", date(2026, 11, 20), date(2026, 12, 3)) == date(
        2026, 12, 4)
    assert next_after("weekly until 2026-12-01", date(2026, 11, 20), date(2026, 11, 27)) is None


def test_next_after_timed():
    start = berlin(2027, 3, 15, 16, 15)
    assert next_after("weekly", start, start) == berlin(2027, 3, 22, 16, 15)
    assert next_after("weekly", start, berlin(2027, 3, 22, 16, 14)) == berlin(2027, 3, 22, 16, 15)
    assert next_after("weekly", start, date(2027, 3, 22)) == berlin(2027, 3, 29, 16, 15)
    assert next_after("weekly", start, date(2020, 1, 1)) == start
    assert next_after("FREQ=WEEKLY;UNTIL=20270329T141459Z", start, start + timedelta(1)) == (
        berlin(2027, 3, 22, 16, 15))
    assert next_after("FREQ=WEEKLY;UNTIL=20270329T141459Z", start, berlin(2027, 3, 23)) is None


def test_long_series_expands_fast():
    start = berlin(2016, 1, 1, 9)
    occurrences("daily", start, date(2026, 3, 1), date(2026, 3, 8))  # imports dateutil
    began = time.perf_counter()
    found = occurrences("daily", start, date(2026, 3, 1), date(2026, 3, 8))
    after = next_after("daily", start, berlin(2026, 3, 1, 12))
    assert time.perf_counter() - began < 0.05
    assert len(found) == 7 and after == berlin(2026, 3, 2, 9)


def test_import_does_not_load_dateutil():
    code = "import sys, rolodex.recurrence; print('dateutil.rrule' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_RULES = st.one_of(
    st.builds(lambda freq, step: f"FREQ={freq};INTERVAL={step}",
              st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]), st.integers(1, 4)),
    st.builds(lambda step, days, wkst: f"FREQ=WEEKLY;INTERVAL={step};BYDAY={days};WKST={wkst}",
              st.integers(1, 3), st.sets(st.sampled_from(_DAYS), min_size=1).map(",".join),
              st.sampled_from(["MO", "WE", "SU"])),
    st.builds(lambda step, n, day: f"FREQ=MONTHLY;INTERVAL={step};BYDAY={n}{day}",
              st.integers(1, 3), st.sampled_from([-1, 1, 2, 4]), st.sampled_from(["MO", "FR"])),
    st.builds(lambda step, day: f"FREQ=MONTHLY;INTERVAL={step};BYMONTHDAY={day}",
              st.integers(1, 3), st.sampled_from([1, 15, 30, 31, -1])),
    st.builds(lambda pos: f"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS={pos}",
              st.sampled_from([1, 2, -1])),
    st.builds(lambda pos: f"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;BYSETPOS={pos}",
              st.sampled_from([1, -1])),
)


@settings(max_examples=150, deadline=None)
@given(rule=_RULES, start=st.datetimes(datetime(2000, 1, 1), datetime(2010, 1, 1)),
       first=st.dates(date(1999, 6, 1), date(2015, 1, 1)), days=st.integers(1, 90),
       allday=st.booleans())
def test_expansion_matches_plain_dateutil(rule, start, first, days, allday):
    """Restarting a long series near the window must not change what it yields."""
    start = start.replace(microsecond=0)
    plain = rrulestr(rule, dtstart=datetime.combine(start.date(), datetime.min.time())
                     if allday else start)
    low = datetime.combine(first, datetime.min.time())
    expected = plain.between(low, low + timedelta(days), inc=True)
    expected = [d for d in expected if d < low + timedelta(days)]
    if allday:
        found = occurrences(rule, start.date(), first, first + timedelta(days))
        assert starts(found) == [d.date() for d in expected]
    else:
        found = occurrences(rule, start.replace(tzinfo=UTC), low.replace(tzinfo=UTC),
                            (low + timedelta(days)).replace(tzinfo=UTC))
        assert starts(found) == [d.replace(tzinfo=UTC) for d in expected]
        then = expected[0] - timedelta(seconds=1) if expected else None
        if then is not None and then >= start:
            assert next_after(rule, start.replace(tzinfo=UTC), then.replace(
                tzinfo=UTC)) == expected[0].replace(tzinfo=UTC)
