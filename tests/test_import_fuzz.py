"""Random bytes and random structured vCards, iCalendars, CSVs and LDIFs fed to the real
``rolodex import`` (in-process, a temp database): each run ends within a time bound, with a
documented exit code (0, 5 or 8), one line on stderr when it fails, never a traceback and
never exit 70 ("this is a bug"). Derandomized under CI, so a failure there is the same
failure on every run; the seeds that found bugs are pinned with ``@example``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import run_cli
from hostile import DOCUMENTED_EXITS, FIXTURES, run_bounded, time_bound
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow  # fuzzing, each example an import

SETTINGS = settings(max_examples=int(os.environ.get("ROLODEX_FUZZ_EXAMPLES", "25")),
                    deadline=None, derandomize=bool(os.environ.get("CI")),
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
SECONDS = 5  # for one import of a few kilobytes; the real ones take well under a second

CONTROLS = st.sampled_from(["\x00", "\x07", "\x1b[2J", "\x1b]0;x\x07", "\r", "\n", "\t",
                            "\x9b", "\u202e", "\ufeff"])
TEXT = st.lists(st.one_of(st.text(max_size=12), CONTROLS, st.sampled_from(
    [";", ":", ",", "\\", "\\n", "=", '"', "=0D=0A", "Jane", "Doe", "@", "acme.example"])),
    max_size=8).map("".join)


def _import(tmp_path: Path, name: str, data: bytes, *extra: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with time_bound(SECONDS):
        result = run_cli(["import", str(path), *extra])
    assert result.exit_code in DOCUMENTED_EXITS, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    if result.exit_code:
        assert result.stderr.startswith("rolodex: "), result.stderr


@SETTINGS
@given(data=st.binary(max_size=2048),
       suffix=st.sampled_from([".vcf", ".ics", ".csv", ".ldif", ".txt"]))
@example(data=b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:99991231\r\nRRULE:FREQ=DAILY\r\n"
              b"END:VEVENT\r\nEND:VCALENDAR\r\n", suffix=".ics")
def test_random_bytes(tmp_path, data, suffix):
    _import(tmp_path, f"random{suffix}", data)


VCARD_PROPS = ["FN", "N", "EMAIL", "TEL", "ADR", "ORG", "TITLE", "NOTE", "BDAY", "ANNIVERSARY",
               "UID", "URL", "CATEGORIES", "PHOTO", "X-ABLabel", "item1.EMAIL", "KIND",
               "MEMBER", "REV", "NICKNAME", "GEO", "TZ", "RELATED"]
PARAMS = st.lists(st.sampled_from([";TYPE=work", ";TYPE=HOME,pref", ";PREF=1", ";CHARSET=latin1",
                                   ";ENCODING=QUOTED-PRINTABLE", ";ENCODING=b", ';LABEL="a;b"',
                                   ";VALUE=text", ";VALUE=uri", ";X-Y=\x00", ";"]),
                  max_size=3).map("".join)


@st.composite
def vcards(draw) -> bytes:
    cards = []
    for _ in range(draw(st.integers(1, 4))):
        lines = ["BEGIN:VCARD", "VERSION:" + draw(st.sampled_from(["2.1", "3.0", "4.0", "9"]))]
        for _ in range(draw(st.integers(0, 8))):
            name = draw(st.sampled_from(VCARD_PROPS))
            line = f"{name}{draw(PARAMS)}:{draw(TEXT)}"
            if draw(st.booleans()):  # folded somewhere, maybe inside a character
                cut = draw(st.integers(1, max(1, len(line))))
                line = line[:cut] + "\r\n " + line[cut:]
            lines.append(line)
        if draw(st.integers(0, 9)):  # now and then a card never closed
            lines.append("END:VCARD")
        cards.append("\r\n".join(lines))
    text = "\r\n".join(cards) + "\r\n"
    return text.encode(draw(st.sampled_from(["utf-8", "utf-16", "latin-1"])), "replace")


@SETTINGS
@given(data=vcards())
def test_random_vcards(tmp_path, data):
    _import(tmp_path, "cards.vcf", data)


WHENS = st.one_of(st.sampled_from(["20261203T100000Z", "20261203", "99991231T235959Z",
                                   "00010101T000000", "20260229", "2026-12-03", "", "x"]),
                  st.dates().map(lambda d: d.strftime("%Y%m%d")))
RULES = st.lists(st.sampled_from(["FREQ=DAILY", "FREQ=SECONDLY", "FREQ=YEARLY", "COUNT=3",
                                  "COUNT=999999", "INTERVAL=0", "BYDAY=MO,-1FR", "BYMONTH=2",
                                  "BYMONTHDAY=30", "BYSETPOS=-1", "UNTIL=99991231",
                                  "BYHOUR=0,1,2,3", "BYSECOND=0,30", "WKST=XX", "RSCALE=x"]),
                 min_size=1, max_size=4).map(";".join)


@st.composite
def calendars(draw) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Acme Ltd//Fuzz//EN"]
    if draw(st.booleans()):
        lines.append("X-WR-TIMEZONE:" + draw(st.sampled_from(["Europe/Berlin", "Nowhere", ""])))
    if draw(st.booleans()):
        lines += ["BEGIN:VTIMEZONE", "TZID:Fuzz Time", "BEGIN:STANDARD",
                  f"DTSTART:{draw(WHENS)}", f"RRULE:{draw(RULES)}",
                  f"TZOFFSETFROM:{draw(st.sampled_from(['+0100', '-2500', 'x']))}",
                  "TZOFFSETTO:+0000", "END:STANDARD", "END:VTIMEZONE"]
    for n in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["VEVENT", "VTODO"]))
        zone = draw(st.sampled_from(["", ";TZID=Fuzz Time", ";TZID=Europe/Berlin",
                                     ";VALUE=DATE"]))
        lines += [f"BEGIN:{kind}", f"UID:{draw(TEXT) or n}", "DTSTAMP:20261101T000000Z",
                  f"DTSTART{zone}:{draw(WHENS)}"]
        for _ in range(draw(st.integers(0, 5))):
            lines.append(draw(st.sampled_from([
                f"RRULE:{draw(RULES)}", f"EXDATE{zone}:{draw(WHENS)}",
                f"RDATE:{draw(WHENS)}", f"DTEND{zone}:{draw(WHENS)}", f"DUE:{draw(WHENS)}",
                f"SUMMARY:{draw(TEXT)}", f"ATTENDEE;CN={draw(TEXT)}:mailto:{draw(TEXT)}",
                f"RECURRENCE-ID:{draw(WHENS)}", f"DURATION:{draw(TEXT)}",
                "BEGIN:VALARM\r\nTRIGGER:-PT15M\r\nEND:VALARM", f"STATUS:{draw(TEXT)}"])))
        lines.append(f"END:{kind}")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8", "surrogatepass")


@SETTINGS
@given(data=calendars())
@example(data=(FIXTURES / "vtimezone-secondly-from-1601.ics").read_bytes())  # hung
def test_random_calendars(tmp_path, data):
    _import(tmp_path, "calendar.ics", data)


CSV_HEADERS = ["Name", "First Name", "Last Name", "E-mail Address", "Email", "Phone",
               "Company", "Title", "Birthday", "Notes", "Tags", "uid", "Unknown"]


@SETTINGS
@given(headers=st.lists(st.sampled_from(CSV_HEADERS), min_size=1, max_size=6),
       rows=st.lists(st.lists(TEXT, max_size=8), max_size=5),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_random_csvs(tmp_path, headers, rows, delimiter):
    def cell(text: str) -> str:
        if any(c in text for c in (delimiter, '"', "\n", "\r")):
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = [delimiter.join(headers)] + [delimiter.join(cell(c) for c in row) for row in rows]
    _import(tmp_path, "people.csv", ("\r\n".join(lines) + "\r\n").encode("utf-8", "replace"))


@SETTINGS
@given(records=st.lists(st.lists(st.tuples(
    st.sampled_from(["cn", "mail", "sn", "givenName", "o", "member", "objectClass",
                     "jpegPhoto", "changetype", "telephoneNumber", "description", "x"]),
    st.sampled_from([":", "::", ":<"]), TEXT), max_size=6), max_size=4))
def test_random_ldifs(tmp_path, records):
    text = "version: 1\n" + "\n".join(
        f"dn: cn={i}\n" + "".join(f"{k}{sep} {v}\n" for k, sep, v in attrs)
        for i, attrs in enumerate(records))
    _import(tmp_path, "book.ldif", text.encode("utf-8", "surrogateescape"))


def test_a_big_generated_address_book_stays_in_bounds(tmp_path):
    """The memory bound, where it is cheap: 20,000 cards with hostile values through the
    installed entry point under RLIMIT_AS."""
    cards = "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person\x00 {i}\x1b[2J\r\n"
                    f"EMAIL:p{i}\x07@acme.example\r\nNOTE:{'n' * 500}\r\nEND:VCARD\r\n"
                    for i in range(20_000))
    path = tmp_path / "many.vcf"
    path.write_text(cards)
    env = {**os.environ, "ROLODEX_DB": str(tmp_path / "many.db"), "NO_COLOR": "1"}
    done, _ = run_bounded(["import", str(path)], env, seconds=120, memory_mb=1200)
    assert done.returncode == 0, done.stderr[-500:]
    assert "20000 new" in done.stderr
