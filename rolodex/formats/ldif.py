"""Address books in LDIF: Thunderbird's export and LDAP's (``inetOrgPerson``), to contacts.

Attributes become fields (``ATTRIBUTES`` for single ones, ``_DETAILS`` for emails, phones,
URLs, ``_PLACES`` for the work and home addresses); a mailing list (``groupOfNames``,
``groupOfUniqueNames``) becomes a tag, its ``cn``, on each of its members in the same file,
found by DN or by the ``mail=`` in a member's DN, whichever record comes first. Attributes
that mean nothing here but hold text are kept as custom fields named after them
(``nsAIMid``); LDAP's bookkeeping (``objectClass``, ``modifyTimestamp``, ...) and binary
values (a ``jpegPhoto``) are dropped. A value that cannot be a contact's (an email that is
no email) makes its record a problem, as a CSV row's does; the other records still import.
"""

from __future__ import annotations

from collections.abc import Iterator

from rolodex.dates import PartialDate
from rolodex.errors import FileError, InvalidInput, RolodexError
from rolodex.formats.incoming import Problem
from rolodex.formats.ldif_syntax import LdifRecord, dn_key, read_records
from rolodex.models import Address, ContactData, Url, clean_tag, join_name

# LDAP's names (with their RFC 4519 aliases), Thunderbird's, old Netscape's (xmozilla*),
# and Active Directory's (company, department, wWWHomePage).
ATTRIBUTES = {"givenname": "first_name", "gn": "first_name", "sn": "last_name",
              "surname": "last_name", "mozillanickname": "nickname",
              "xmozillanickname": "nickname", "company": "company", "department": "department",
              "o": "company", "organizationname": "company", "ou": "department",
              "organizationalunitname": "department", "title": "title",
              "description": "notes", "note": "notes"}
_DETAILS = {"mail": ("email", None), "rfc822mailbox": ("email", None),
            "mozillasecondemail": ("email", None), "xmozillasecondemail": ("email", None),
            "telephonenumber": ("phone", "work"), "homephone": ("phone", "home"),
            "hometelephonenumber": ("phone", "home"), "mobile": ("phone", "mobile"),
            "mobiletelephonenumber": ("phone", "mobile"), "cellphone": ("phone", "mobile"),
            "carphone": ("phone", "car"), "pager": ("phone", "pager"),
            "pagertelephonenumber": ("phone", "pager"),
            "facsimiletelephonenumber": ("phone", "fax"), "wwwhomepage": ("url", None),
            "fax": ("phone", "fax"), "mozillaworkurl": ("url", "work"),
            "mozillahomeurl": ("url", "home"), "workurl": ("url", "work"),
            "homeurl": ("url", "home")}
_PLACES = {
    "work": {"street": "street", "streetaddress": "street",
             "mozillaworkstreet2": "street2", "l": "city", "locality": "city",
             "st": "region", "postalcode": "postcode", "c": "country",
             "countryname": "country", "postaladdress": "lines"},
    "home": {"mozillahomestreet": "street", "mozillahomestreet2": "street2",
             "mozillahomelocalityname": "city", "mozillahomestate": "region",
             "mozillahomepostalcode": "postcode", "mozillahomecountryname": "country",
             "homepostaladdress": "lines"}}
_CUSTOM = {f"mozillacustom{n}": f"Custom-{n}" for n in range(1, 5)}
_NAMES = ("cn", "commonname", "displayname")
_DROPPED = {"objectclass", "modifytimestamp", "createtimestamp", "creatorsname",
            "modifiersname", "entryuuid", "entrycsn", "structuralobjectclass",
            "mozillausehtmlmail", "member", "uniquemember", "birthyear", "birthmonth",
            "birthday", "labeleduri", "userpassword", "xmozillausehtmlmail"}
_GROUPS = {"groupofnames", "groupofuniquenames", "mozillaablist"}


def _decode(data: bytes, source: str, encoding: str | None) -> str:
    """LDIF is UTF-8 (RFC 2849), unless ``--encoding`` says otherwise; never guessed."""
    chosen = encoding or ("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    try:
        return data.decode(chosen).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise FileError(f"{source}: line {line}: not {chosen} text",
                        hint="LDIF is UTF-8; give another encoding with --encoding") from None


def is_group(record: LdifRecord) -> bool:
    return any(v.strip().lower() in _GROUPS for v in record.values("objectclass"))


def _tag(name: str) -> str:
    """A list's name as a tag, as written (as a vCard's CATEGORIES are), never starting
    with - or @."""
    return clean_tag(name).lstrip("-@")


def _members(records: Iterator[LdifRecord]) -> tuple[dict[str, list[str]], int]:
    """{member DN key or mail: tags of the lists naming it} and how many records are
    people (an import's progress total)."""
    tags: dict[str, list[str]] = {}
    people = 0
    for record in records:
        if record.problem or not is_group(record):
            people += 1
            continue
        tag = _tag(record.first("cn") or "")
        if not tag:
            continue
        for dn in record.values("member") + record.values("uniquemember"):
            whole = dn_key(dn)
            for key in (whole, *(p[5:] for p in whole.split(",") if p.startswith("mail="))):
                tags.setdefault(key, []).append(tag)
    return tags, people


def _birthday(record: LdifRecord) -> PartialDate | None:
    year, month, day = (record.first(k) for k in ("birthyear", "birthmonth", "birthday"))
    if not (month and day):
        return None
    try:
        return PartialDate(int(year) if year else None, int(month), int(day))
    except (ValueError, RolodexError):
        raise ValueError(f"no such birthday: year {year}, month {month}, day {day}") \
            from None


def _url(text: str, label: str | None) -> Url:
    """labeledURI is ``URL label words``: the words become the label."""
    url, _, words = text.strip().partition(" ")
    return Url(url, words.strip() or label)


def _address(record: LdifRecord, label: str, parts: dict[str, str]) -> Address | None:
    got: dict[str, str] = {}
    for name, part in parts.items():
        value = record.first(name)
        if value and part not in got:
            got[part] = value.replace("$", "\n") if part == "lines" else value
    street = "\n".join(got[p] for p in ("street", "street2") if got.get(p)) or \
        got.get("lines")
    address = Address(street, got.get("city"), got.get("region"), got.get("postcode"),
                      got.get("country"), label)
    return address if address.one_line() else None


def to_contact(record: LdifRecord, tags: list[str]) -> ContactData:
    """One person's record as a contact; ValueError says why it cannot be one."""
    from rolodex.formats.csv_values import cell_email, cell_phone, why_invalid

    values: dict = {"emails": [], "phones": [], "urls": [], "fields": {}}
    invalid: list[tuple[str, str, str]] = []
    for name, value in record.attributes:
        if not isinstance(value, str) or not value.strip() or name in _DROPPED:
            continue
        try:
            if name in ATTRIBUTES:
                values.setdefault(ATTRIBUTES[name], value if name == "description"
                                  else value.strip())
            elif name in _DETAILS:
                kind, label = _DETAILS[name]
                try:
                    item = cell_email(value) if kind == "email" else cell_phone(value) \
                        if kind == "phone" else _url(value, label)
                except InvalidInput:  # reported, and kept as the attribute's custom field
                    invalid.append((name, value.strip(), why_invalid(kind, value)))
                    values["fields"].setdefault(name, value.strip())
                    continue
                item.label = item.label or label
                values[kind + "s"].append(item)
            elif name in _CUSTOM:
                values["fields"][_CUSTOM[name]] = value
            elif not any(name in parts for parts in _PLACES.values()) and \
                    name not in _NAMES:
                values["fields"].setdefault(name, value.strip())
        except RolodexError as exc:
            raise ValueError(f"'{name}': {exc.message}") from None
    values["urls"] += [_url(v, None) for v in record.values("labeleduri") if v.strip()]
    values["addresses"] = [a for label, parts in _PLACES.items()
                           if (a := _address(record, label, parts))]
    values["birthday"] = _birthday(record)
    name = next((record.first(n) for n in _NAMES if record.first(n)), None) or join_name(
        None, values.get("first_name"), None, values.get("last_name"), None) or (
        values["emails"][0].address if values["emails"] else None)
    if not name:
        raise ValueError("the record names nobody")
    return ContactData(name=name, tags=list(dict.fromkeys(tags)), invalid=invalid, **values)


class LdifFile:
    """An LDIF file's people, each made when asked for; ``expected`` counts them. The file
    is read through once when opened (the lists, wherever they stand, name the tags)."""

    def __init__(self, data: bytes, *, source: str = "-", encoding: str | None = None
                 ) -> None:
        self.source = source
        self._text = _decode(data, source, encoding)
        self._tags, self.expected = _members(read_records(self._text))

    def __iter__(self) -> Iterator[tuple[LdifRecord, ContactData | Problem]]:
        for record in read_records(self._text):
            if record.problem:
                yield record, Problem(self.source, record.index, record.line, record.problem)
                continue
            if is_group(record):
                continue
            keys = [dn_key(record.dn), *(m.lower() for m in record.values("mail"))]
            tags = [t for key in keys for t in self._tags.get(key, [])]
            try:
                yield record, to_contact(record, tags)
            except ValueError as exc:
                yield record, Problem(self.source, record.index, record.line, str(exc))
