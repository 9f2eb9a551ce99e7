"""Time zones as iCalendar files name them: IANA names, Windows names from Outlook and
Exchange, vendor-prefixed IDs, and zones only a file's VTIMEZONE defines."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from rolodex.errors import InvalidInput

# What icalendar raises on bad data.
BAD_DATA = (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)

# CLDR windowsZones (territory 001): the names Outlook and Exchange write as TZID.
WINDOWS_ZONES = {
    "Dateline Standard Time": "Etc/GMT+12", "Hawaiian Standard Time": "Pacific/Honolulu",
    "Alaskan Standard Time": "America/Anchorage", "Pacific Standard Time": "America/Los_Angeles",
    "US Mountain Standard Time": "America/Phoenix", "Mountain Standard Time": "America/Denver",
    "Central America Standard Time": "America/Guatemala", "UTC": "Etc/UTC",
    "Central Standard Time": "America/Chicago", "Canada Central Standard Time": "America/Regina",
    "Central Standard Time (Mexico)": "America/Mexico_City",
    "Eastern Standard Time": "America/New_York", "SA Pacific Standard Time": "America/Bogota",
    "US Eastern Standard Time": "America/Indianapolis", "Atlantic Standard Time": "America/Halifax",
    "Venezuela Standard Time": "America/Caracas", "SA Western Standard Time": "America/La_Paz",
    "Pacific SA Standard Time": "America/Santiago", "Azores Standard Time": "Atlantic/Azores",
    "Newfoundland Standard Time": "America/St_Johns", "GMT Standard Time": "Europe/London",
    "E. South America Standard Time": "America/Sao_Paulo",
    "Argentina Standard Time": "America/Buenos_Aires", "Greenland Standard Time": "America/Godthab",
    "Greenwich Standard Time": "Atlantic/Reykjavik", "Romance Standard Time": "Europe/Paris",
    "W. Europe Standard Time": "Europe/Berlin", "Central Europe Standard Time": "Europe/Budapest",
    "Central European Standard Time": "Europe/Warsaw", "GTB Standard Time": "Europe/Bucharest",
    "W. Central Africa Standard Time": "Africa/Lagos", "E. Europe Standard Time": "Europe/Chisinau",
    "Egypt Standard Time": "Africa/Cairo", "FLE Standard Time": "Europe/Kiev",
    "Israel Standard Time": "Asia/Jerusalem", "South Africa Standard Time": "Africa/Johannesburg",
    "Turkey Standard Time": "Europe/Istanbul", "Arab Standard Time": "Asia/Riyadh",
    "Russian Standard Time": "Europe/Moscow", "E. Africa Standard Time": "Africa/Nairobi",
    "Iran Standard Time": "Asia/Tehran", "Arabian Standard Time": "Asia/Dubai",
    "Afghanistan Standard Time": "Asia/Kabul", "Pakistan Standard Time": "Asia/Karachi",
    "India Standard Time": "Asia/Calcutta", "Sri Lanka Standard Time": "Asia/Colombo",
    "Nepal Standard Time": "Asia/Katmandu", "Bangladesh Standard Time": "Asia/Dhaka",
    "SE Asia Standard Time": "Asia/Bangkok", "China Standard Time": "Asia/Shanghai",
    "Singapore Standard Time": "Asia/Singapore", "Taipei Standard Time": "Asia/Taipei",
    "W. Australia Standard Time": "Australia/Perth", "Tokyo Standard Time": "Asia/Tokyo",
    "Korea Standard Time": "Asia/Seoul", "AUS Central Standard Time": "Australia/Darwin",
    "Cen. Australia Standard Time": "Australia/Adelaide",
    "E. Australia Standard Time": "Australia/Brisbane",
    "AUS Eastern Standard Time": "Australia/Sydney", "Tasmania Standard Time": "Australia/Hobart",
    "New Zealand Standard Time": "Pacific/Auckland", "Tonga Standard Time": "Pacific/Tongatapu",
}


@lru_cache(maxsize=512)
def iana(name: str | None) -> str | None:
    """The IANA zone a TZID means: itself, a Windows name, or a vendor-prefixed ID."""
    try:  # icalendar's full CLDR table, for the rarer Windows names
        from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON as MORE
    except ImportError:
        MORE = {}
    text = (name or "").strip().strip('"').strip()
    parts = text.strip("/").split("/")
    for candidate in (WINDOWS_ZONES.get(text), MORE.get(text), text,
                      *("/".join(parts[i:]) for i in range(1, len(parts)))):
        try:
            if candidate and ZoneInfo(candidate):
                return candidate
        except Exception:  # ZoneInfo refuses odd keys with several exception types
            continue
    return None


def attach(wall: datetime, zone: tzinfo) -> datetime:
    """Wall time in zone; the UTC round trip moves a time in a spring-forward gap on."""
    aware = wall.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone) if isinstance(zone, ZoneInfo) else aware


# Zones with no offset ever, which icalendar writes as UTC (Z) rather than by TZID.
_UTC_NAMES = {"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Universal", "Etc/Zulu",
              "Zulu", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "Etc/Greenwich", "Greenwich",
              "GMT0", "GMT+0", "GMT-0", "Etc/UCT", "UCT"}


class Zones:
    """How one calendar's times become dates and aware datetimes. TZIDs are resolved
    here, per file, rather than by icalendar, whose cache of zones the files define is
    global: two files may define one TZID differently."""

    year = 2026  # around when a file-defined zone is compared with the IANA ones

    def __init__(self, timezones: dict[str, Any], default: tzinfo, from_header: bool,
                 costly: dict[str, tuple[int, str]] | None = None) -> None:
        self.timezones, self.default, self.from_header = timezones, default, from_header
        self.found: dict[str, tuple[tzinfo | None, str | None]] = {}
        self.costly = costly or {}  # {TZID: (line, why its rules are not followed)}
        self.refused: list[tuple[int, str]] = []  # (line, warning): zones read at an offset

    def resolve(self, tzid: str, year: int | None = None) -> tuple[tzinfo | None, str | None]:
        """(zone, IANA name or None); (None, None) when nothing says what a TZID means.

        ``year``: when the first time using it falls, to compare a zone only the file
        defines with the IANA zones by the rules of that time (US rules changed in 2007).
        """
        tzid = tzid.strip().strip('"')
        if tzid not in self.found:
            vtz = self.timezones.get(tzid)
            name = iana(tzid) or (iana(str(vtz.get("X-LIC-LOCATION", ""))) if vtz else None)
            zone: tzinfo | None = ZoneInfo(name) if name else None
            if zone is None and vtz is not None:
                zone = self._defined(tzid, vtz)
                if zone is not None and tzid not in self.costly:
                    name = same_rules(zone, year or self.year) or same_rules(zone, self.year)
                zone = ZoneInfo(name) if name else zone
            self.found[tzid] = (zone, name)
        return self.found[tzid]

    def _defined(self, tzid: str, vtz: Any) -> tzinfo | None:
        """The zone a VTIMEZONE defines; at its standard UTC offset when its rules were
        too costly to follow (``ical_zone_bounds``), said in the import's warnings."""
        from rolodex.formats.ical_zone_bounds import standard_offset

        if tzid in self.costly:
            zone = standard_offset(vtz)
            shown = tzid if tzid.isprintable() and len(tzid) <= 80 else repr(tzid[:80])
            offset = "UTC" if zone is None else zone.tzname(None)
            line, why = self.costly[tzid]
            self.refused.append((line, f"time zone {shown}: {why}; its times are read at"
                                       f" {offset}"))
            return zone
        try:
            return vtz.to_tz(lookup_tzid=False)
        except BAD_DATA:
            return None

    def value(self, raw: Any, tzid: str | None) -> date | datetime:
        """A date, an aware datetime, or a naive one for a floating time (no TZID, no Z)
        in a calendar that names no zone: the same wall time wherever the user is. In
        a calendar with X-WR-TIMEZONE, floating times are in that zone (the file says
        where it lives). A TZID nobody defines is read in the calendar's zone, which is
        right far more often than UTC would be."""
        raw = raw[0] if isinstance(raw, tuple) else raw  # a PERIOD: its start
        if not isinstance(raw, datetime):
            if isinstance(raw, date):
                return raw
            raise InvalidInput(f"'{raw}' is not a date or time")
        if not tzid and raw.tzinfo is None and not self.from_header:
            return raw
        zone = self.resolve(tzid, raw.year)[0] if tzid else None
        if tzid or raw.tzinfo is None:
            return attach(raw.replace(tzinfo=None), zone or self.default)
        return raw

    def name(self, prop: Any, repeating: bool) -> str | None:
        """The zone a timed event repeats in. UTC repeats in UTC (RFC 5545), except where
        X-WR-TIMEZONE says otherwise: Google writes UTC times but means its own zone."""
        tzid = prop.params.get("TZID")
        if tzid:
            zone, name = self.resolve(tzid, prop.dt.year)
            if name in _UTC_NAMES:  # written back as Z: the same as a UTC time
                return "UTC" if repeating else None
            if zone is not None and (name or not repeating):
                return name
            # A series in a zone only the file defines repeats in the calendar's zone:
            # named, so the export says so and reading it back changes nothing.
            return getattr(self.default, "key", None)
        if not self.from_header:  # UTC repeats in UTC (RFC 5545); floating in none
            return "UTC" if repeating and prop.dt.tzinfo is not None else None
        return getattr(self.default, "key", None)




@lru_cache(maxsize=64)
def _zone_names() -> tuple[str, ...]:
    from zoneinfo import available_timezones

    regions = ("Europe/", "America/", "Asia/", "Australia/", "Pacific/", "Africa/")
    names = [n for n in available_timezones() if "/" in n and not n.startswith("Etc/")]
    # Most used regions first, so a matching zone has a name people recognise.
    return tuple(sorted(names, key=lambda n: (next(
        (i for i, r in enumerate(regions) if n.startswith(r)), len(regions)), n)))


def same_rules(zone: tzinfo, year: int) -> str | None:
    """The IANA zone whose offsets match a zone only a file defined (Outlook's "(GMT-05:00)
    Eastern Time"), checked twice a month over four years; None when none does. With a
    name the event repeats by that zone's rules, so its local hour survives DST."""
    samples = [datetime(y, m, d, 12) for y in range(year - 1, year + 3)
               for m in range(1, 13) for d in (1, 15)]
    try:
        wanted = [zone.utcoffset(s) for s in samples]
    except BAD_DATA:
        return None
    for name in _zone_names():
        candidate = ZoneInfo(name)
        if all(candidate.utcoffset(s) == w for s, w in zip(samples, wanted, strict=True)):
            return name
    return None
