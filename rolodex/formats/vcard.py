"""vCard -> contacts: what each property of a card means to rolodex (writing: vcard_write).

Import maps the properties rolodex models (names, emails, phones...) and keeps the whole
card. Export starts from the kept card: a group of properties whose meaning has not changed
in rolodex is written back exactly as it came; a changed group is written anew in its
place; everything rolodex does not model (X- properties, IMPP, PHOTO, Apple ``itemN.``
groups, unknown parameters) passes through untouched. So importing then exporting gives
the same properties, and editing one field changes only that field in the card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rolodex.dates import PartialDate
from rolodex.errors import RolodexError
from rolodex.formats.incoming_text import WHY as CONTROL_WHY
from rolodex.formats.incoming_text import has_control
from rolodex.formats.vcard_lines import split_list, split_structured, unescape
from rolodex.formats.vcard_syntax import Card, Prop, param
from rolodex.models import (
    Address,
    ContactData,
    Email,
    Phone,
    Url,
    clean_tag,
    email_problem,
    join_name,
    phone_problem,
    split_name,
    url_problem,
)

# Which properties carry each thing rolodex models; a group is kept or rewritten as one.
GROUPS = {
    "name": ("FN", "N"), "nickname": ("NICKNAME",), "org": ("ORG",), "title": ("TITLE",),
    "emails": ("EMAIL",), "phones": ("TEL",), "addresses": ("ADR",), "urls": ("URL",),
    "birthday": ("BDAY",), "anniversary": ("ANNIVERSARY", "X-ANNIVERSARY"),
    "tags": ("CATEGORIES",), "notes": ("NOTE",), "uid": ("UID",),
    "fields": ("ROLE", "X-ROLODEX-FIELD"), "kind": ("KIND", "X-ABSHOWAS"),
    "deathdate": ("DEATHDATE",), "dates": ("X-ABDATE",),
}
GROUP_OF = {name: group for group, names in GROUPS.items() for name in names}
# Type words that describe the medium, not the label a person gave the value.
_NOT_LABELS = {"INTERNET", "PREF", "VOICE", "X400", "MSG", "TEXT"}
_LABEL_NAMES = {"CELL": "mobile"}


@dataclass
class KeptCard:
    """What an import keeps of a card to write it back: its version, its properties, and
    what rolodex understood of each group (to tell later which groups were edited)."""

    version: str
    props: list[Prop]
    meaning: dict[str, Any] = field(default_factory=dict)


def label_of(prop: Prop) -> tuple[str | None, bool]:
    """The label a person gave a value (``work``, ``mobile``), and whether it is preferred:
    from the parameters alone, so the answer for each set of them is remembered (a big
    address book repeats a handful of them on every card)."""
    if not prop.params:
        return None, False
    return _label(tuple((key, tuple(values)) for key, values in prop.params))


@lru_cache(maxsize=1024)
def _label(params: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[str | None, bool]:
    prop = Prop("", "", [(key, list(values)) for key, values in params])
    types = param(prop, "TYPE")
    # 4.0's PREF ranks values from 1, the most preferred; 3.0 says TYPE=PREF.
    preferred = "PREF" in types or any(v.strip() == "1" for v in param(prop, "PREF"))
    words = [_LABEL_NAMES.get(t, t.lower()) for t in types if t not in _NOT_LABELS]
    return (", ".join(dict.fromkeys(words)) or None), preferred


def _partial(prop: Prop) -> PartialDate | None:
    """BDAY/ANNIVERSARY as a partial date; Apple's X-APPLE-OMIT-YEAR marks a yearless one.
    None for a value that is no date (``problem`` says why)."""
    from rolodex.dates import parse_partial_date

    text = prop.value.strip().split("T")[0]
    try:
        value = parse_partial_date(text)
    except RolodexError:
        return None
    omit = param(prop, "X-APPLE-OMIT-YEAR")
    if omit and value.year is not None and str(value.year) == omit[0]:
        return PartialDate(None, value.month, value.day)
    return value


NO_NAME = "(no name)"
_N_KEYS = ("last_name", "first_name", "middle_name", "prefix", "suffix")


def _name_parts(prop: Prop) -> dict[str, str]:
    """N's components as the name parts, exactly: an empty one is ``""`` (empty as written,
    never split from FN again, which made ``N:;Dummy GmbH;;;`` a last name "GmbH");
    ``None`` is left for a card without N, whose parts rolodex may guess."""
    n = (split_structured(prop.value) + [""] * 5)[:5]
    return {key: " ".join(v.replace(",", " ").split()) for key, v in zip(_N_KEYS, n, strict=True)}


def to_contact(card: Card) -> ContactData | None:
    """What rolodex understands of one card; None when the card names nobody."""
    by_name: dict[str, list[Prop]] = {}
    for prop in card.props:
        by_name.setdefault(prop.name, []).append(prop)

    def first(name: str) -> str | None:
        props = by_name.get(name)
        return unescape(props[0].value).strip() or None if props else None

    parts = _name_parts(by_name["N"][0]) if "N" in by_name else dict.fromkeys(_N_KEYS)
    org = split_structured(by_name["ORG"][0].value) if "ORG" in by_name else []
    org = [o.strip() for o in org if o.strip()]
    name = first("FN") or join_name(*(parts[k] for k in ("prefix", "first_name", "middle_name",
                                                        "last_name", "suffix")))
    is_company = (first("KIND") or "").lower() == "org" or \
        (first("X-ABSHOWAS") or "").upper() == "COMPANY"
    name = name or (org[0] if org else None)
    invalid: list[tuple[str, str, str]] = []
    emails = [Email(detail_value(p), *label_of(p)) for p in _valid(by_name, "EMAIL", invalid)]
    if not name:
        name = emails[0].address if emails else None
    if not name:
        # A card may legally name nobody (a photo, an address): keep it, under a placeholder.
        name = first("TEL") or NO_NAME
    if "N" not in by_name and not is_company:
        guess = split_name(name)
        parts = {"prefix": guess.prefix, "first_name": guess.first,
                 "middle_name": guess.middle, "last_name": guess.last, "suffix": guess.suffix}
    data = ContactData(name=name, **parts, is_company=is_company, invalid=invalid)
    data.nickname = ", ".join(split_list(by_name["NICKNAME"][0].value)) or None \
        if "NICKNAME" in by_name else None
    data.company = org[0] if org else None
    data.department = " / ".join(org[1:]) or None
    data.title, data.notes, data.uid = first("TITLE"), first("NOTE"), first("UID")
    data.emails = emails
    data.phones = [Phone(detail_value(p), *label_of(p)) for p in _valid(by_name, "TEL", invalid)]
    data.urls = [Url(detail_value(p), *label_of(p)) for p in _valid(by_name, "URL", invalid)]
    data.addresses = [address_of(p) for p in by_name.get("ADR", ())]
    data.addresses = [a for a in data.addresses if a.one_line()]
    data.birthday, data.birthday_text = _birthday(by_name.get("BDAY", []), invalid)
    for key in ("ANNIVERSARY", "X-ANNIVERSARY"):
        if key in by_name and data.anniversary is None:
            data.anniversary = _date(by_name[key][0], invalid)
    data.deathdate = _deathdate(by_name["DEATHDATE"][0]) if "DEATHDATE" in by_name else None
    if "X-ABDATE" in by_name or "X-ANDROID-CUSTOM" in by_name:
        _labelled_dates(card.props, data)
    data.is_group = (first("KIND") or first("X-ADDRESSBOOKSERVER-KIND") or "").lower() \
        == "group"
    if data.is_group:
        data.name = _one_line(data.name) or NO_NAME  # it names a tag
        members = (*by_name.get("MEMBER", ()), *by_name.get("X-ADDRESSBOOKSERVER-MEMBER", ()))
        data.members = list(dict.fromkeys(v for v in (unescape(p.value).strip()
                                                      for p in members) if v))
    tags = (clean_tag(t) for p in by_name.get("CATEGORIES", ()) for t in split_list(p.value))
    data.tags = list(dict.fromkeys(t for t in tags if t))
    if first("ROLE"):
        data.fields["role"] = first("ROLE") or ""
    for prop in by_name.get("X-ROLODEX-FIELD", ()):
        key = (param(prop, "NAME") or [""])[0]
        if key:
            data.fields[key] = unescape(prop.value)
    data.relations = _relations(card.props)
    data.extra = KeptCard(card.version or "3.0", card.props, meaning(data))
    return data


def detail_value(prop: Prop) -> str:
    """An EMAIL, TEL or URL as rolodex stores it: unescaped, without its URI scheme."""
    value = unescape(prop.value).strip()
    scheme = _SCHEMES.get(prop.name)
    if scheme and value[:len(scheme)].lower() == scheme:
        value = value[len(scheme):].strip()
    return value


_SCHEMES = {"EMAIL": "mailto:", "TEL": "tel:"}


def problem(prop: Prop) -> str | None:
    """Why a value rolodex models is not what its property claims (``EMAIL:wei``,
    ``BDAY:1990-02-30``), or None. Such a value stays in the kept card only: it is neither
    stored as a detail or date nor dropped from the card."""
    if prop.name in _DATES:
        if not prop.value.strip() or any(v.lower() == "text" for v in param(prop, "VALUE")):
            return None  # a text date (``circa 1800``) claims to be no date
        try:
            from rolodex.dates import parse_partial_date

            parse_partial_date(prop.value.strip().split("T")[0])
        except RolodexError as exc:
            if "no such date" in exc.message:
                return "is no such date"
            if _REDUCED_DATE.match(prop.value.strip()):
                return "is a partial date rolodex cannot store"
            return "is not a date"
        return None
    check = _CHECKS.get(prop.name)
    value = detail_value(prop) if check else ""
    if not value:
        return None
    return check(value) or (CONTROL_WHY if has_control(value) else None)


_CHECKS = {"EMAIL": email_problem, "TEL": phone_problem, "URL": url_problem}
_DATES = {"BDAY", "ANNIVERSARY", "X-ANNIVERSARY"}
# RFC 6350's dates of reduced accuracy: a year, a year and month, a month, a day.
_REDUCED_DATE = re.compile(r"^(?:\d{4}|\d{4}-\d{2}|--\d{2}|---\d{2})$")


def _valid(by_name: dict[str, list[Prop]], name: str,
           invalid: list[tuple[str, str, str]]) -> list[Prop]:
    """The properties ``name`` whose values are what they claim; the others are added to
    ``invalid`` as (property, value as written, why). Empty ones are neither."""
    out = []
    for prop in by_name.get(name, ()):
        why = problem(prop)
        if why:
            invalid.append((name, unescape(prop.value).strip(), why))
        elif detail_value(prop):
            out.append(prop)
    return out


def _date(prop: Prop, invalid: list[tuple[str, str, str]]) -> PartialDate | None:
    why = problem(prop)
    if why:
        invalid.append((prop.name, prop.value.strip(), why))
        return None
    return _partial(prop)


_APPLE_LABEL = re.compile(r"^_\$!<(?P<label>.*)>!\$_$")


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]+")


def _one_line(text: str) -> str:
    """A label or a date written as text, fit to show: control characters (an escape
    sequence, a bell) become a space; the kept card still has them as written."""
    return " ".join(_CONTROLS.sub(" ", text).split())


def _is_text(prop: Prop) -> bool:
    return any(v.lower() == "text" for v in param(prop, "VALUE"))


def _birthday(props: list[Prop], invalid: list[tuple[str, str, str]]
              ) -> tuple[PartialDate | None, str | None]:
    """The birthday as a date, else as text (``BDAY;VALUE=text:circa 1800``): the first
    BDAY that is a date wins (4.0 may give one birthday twice, a date and a text, under
    one ALTID); text is shown, never made a reminder."""
    for prop in props:
        if not _is_text(prop):
            found = _date(prop, invalid)
            if found is not None:
                return found, None
    texts = [_one_line(unescape(p.value)) for p in props if _is_text(p)]
    return None, next((t for t in texts if t), None)


def _deathdate(prop: Prop) -> str | None:
    """DEATHDATE (RFC 6474) as an ISO partial date, else as its text: either way the
    person has died."""
    text = _one_line(unescape(prop.value))
    if not text:
        return None
    found = None if _is_text(prop) else _partial(prop)
    return found.iso() if found is not None else text


# Android's contact events: X-ANDROID-CUSTOM:vnd.android.cursor.item/contact_event;DATE;TYPE;
# LABEL;... with TYPE 0 custom (LABEL), 1 anniversary, 2 other, 3 birthday.
_ANDROID_EVENT = "vnd.android.cursor.item/contact_event"
_ANDROID_TYPES = {"1": "Anniversary", "2": "Other", "3": "Birthday"}


def _labelled_dates(props: list[Prop], data: ContactData,
                    found: dict[int, tuple[str | None, str]] | None = None) -> dict[int, str]:
    """Apple's and Google's ``itemN.X-ABDATE`` (labelled by the ``X-ABLabel`` of the same
    group) and Android's contact events, into ``data``: Apple's built-in
    ``_$!<Anniversary>!$_`` is the anniversary when the card has none (and the same one
    again when it has: skipped); every other date is a labelled date of the contact.

    Returns the group each of these properties belongs to, by ``id(prop)``: the one that
    is the anniversary (or birthday) is written back as that. ``found`` gets the
    (label, ISO date) of each property that is a labelled date, by ``id(prop)``."""
    labels = {p.group.lower(): _one_line(unescape(p.value)) for p in props
              if p.name == "X-ABLABEL" and p.group}
    claimed: dict[int, str] = {}
    for prop in props:
        if prop.name == "X-ABDATE":
            raw = labels.get((prop.group or "").lower())
            match = _APPLE_LABEL.match(raw or "")
            label = (match["label"] if match else raw) or None
            value = _partial(prop)
        elif prop.name == "X-ANDROID-CUSTOM" and unescape(prop.value).startswith(_ANDROID_EVENT):
            parts = split_structured(prop.value) + [""] * 4
            kind = parts[2].strip()
            label = _one_line(parts[3]) or None if kind == "0" else _ANDROID_TYPES.get(kind)
            value = _partial(Prop("X-ABDATE", parts[1]))
        else:
            continue
        claimed[id(prop)] = "dates"
        if value is None:
            continue
        for kind, key in (("anniversary", "anniversary"), ("birthday", "birthday")):
            if (label or "").lower() == kind and getattr(data, key) in (None, value):
                setattr(data, key, value)
                claimed[id(prop)] = key
                break
        else:
            data.dates.append((label, value))
            if found is not None:
                found[id(prop)] = (label, value.iso())
    return claimed


def prop_groups(props: list[Prop]) -> list[str | None]:
    """The group of rolodex's meaning each property is written from (None: kept as it
    is): by name (``GROUP_OF``), except the labelled dates that are the card's anniversary
    or birthday, which belong to those."""
    if not any(p.name in ("X-ABDATE", "X-ANDROID-CUSTOM") for p in props):
        return [GROUP_OF.get(p.name) for p in props]
    claimed = _labelled_dates(props, _days_of(props))
    return [claimed.get(id(p)) or GROUP_OF.get(p.name) for p in props]


def dated_props(props: list[Prop]) -> dict[int, tuple[str | None, str]]:
    """The (label, ISO date) of each property of a card that is one of its labelled dates,
    by ``id(prop)``: to tell which lines still say a date the contact has."""
    found: dict[int, tuple[str | None, str]] = {}
    _labelled_dates(props, _days_of(props), found)
    return found


def _days_of(props: list[Prop]) -> ContactData:
    """The birthday and anniversary a card gives by BDAY and (X-)ANNIVERSARY, as
    ``to_contact`` reads them before the labelled dates."""
    data = ContactData(name="")
    data.birthday = _birthday([p for p in props if p.name == "BDAY"], [])[0]
    for key in ("ANNIVERSARY", "X-ANNIVERSARY"):
        found = next((p for p in props if p.name == key), None)
        if found is not None and data.anniversary is None:
            data.anniversary = _partial(found)
    return data


def _relations(props: list[Prop]) -> list[tuple[str, str]]:
    """RELATED (4.0) and Apple/Google X-ABRELATEDNAMES, whose kind is the X-ABLabel of the
    same ``itemN.`` group (``_$!<Spouse>!$_`` is Apple's spelling of a built-in label)."""
    out: list[tuple[str, str]] = []
    if not any(p.name in ("RELATED", "X-ABRELATEDNAMES") for p in props):
        return out
    labels = {p.group.lower(): unescape(p.value) for p in props
              if p.name == "X-ABLABEL" and p.group}
    for prop in props:
        if prop.name not in ("RELATED", "X-ABRELATEDNAMES"):
            continue
        value = unescape(prop.value).strip()
        if not value:
            continue
        if prop.name == "RELATED":
            kind = next((t.lower() for t in param(prop, "TYPE")), "related")
            out.append((kind, value.removeprefix("urn:uuid:")))
        elif prop.name == "X-ABRELATEDNAMES":
            label = labels.get((prop.group or "").lower(), "related")
            match = _APPLE_LABEL.match(label)
            out.append(((match["label"] if match else label).lower() or "related", value))
    return out


def address_of(prop: Prop) -> Address:
    parts = split_structured(prop.value) + [""] * 7
    street = "\n".join(p.strip() for p in (parts[0], parts[1], parts[2]) if p.strip())
    label, preferred = label_of(prop)
    return Address(street or None, parts[3].strip() or None, parts[4].strip() or None,
                   parts[5].strip() or None, parts[6].strip() or None, label, preferred)


def meaning(c: ContactData | dict) -> dict[str, Any]:
    """What each group of properties says, comparable between import and export time.

    Built as JSON would give it back (lists, not tuples), so a meaning kept in the
    database compares equal to one made now; an import makes one per card, so no second
    pass converts it."""
    get = c.get if isinstance(c, dict) else lambda k: getattr(c, k)
    if isinstance(c, dict):
        name = c["name"]
        emails = [[e["address"].lower(), e["label"], e["preferred"]] for e in c["emails"]]
        phones = [[p["number"], p["label"], p["preferred"]] for p in c["phones"]]
        urls = [[u["url"], u["label"], u["preferred"]] for u in c["urls"]]
        addresses = [[a[k] for k in ("street", "locality", "region", "postcode",
                                     "country", "label", "preferred")]
                     for a in c["addresses"]]
        birthday, anniversary = c["birthday"], c["anniversary"]
        birthday_text, deathdate = c.get("birthday_text"), c.get("deathdate")
        dates = [[d["label"], d["date"]] for d in c.get("dates") or ()]
        fields = c["custom"]
    else:
        name = c.name
        emails = [[e.address.lower(), e.label, e.preferred] for e in c.emails]
        phones = [[p.number, p.label, p.preferred] for p in c.phones]
        urls = [[u.url, u.label, u.preferred] for u in c.urls]
        addresses = [[a.street, a.locality, a.region, a.postcode, a.country, a.label,
                      a.preferred] for a in c.addresses]
        birthday = c.birthday.iso() if c.birthday else None
        anniversary = c.anniversary.iso() if c.anniversary else None
        birthday_text, deathdate = c.birthday_text, c.deathdate
        dates = [[label, value.iso()] for label, value in c.dates]
        fields = c.fields
    if birthday is None and birthday_text:
        birthday = ["text", birthday_text]
    return {
        "name": [name, *(get(k) or None for k in ("prefix", "first_name", "middle_name",
                                                  "last_name", "suffix"))],
        "nickname": _jsonable(get("nickname")),
        "org": [_jsonable(get("company")), _jsonable(get("department"))],
        "title": _jsonable(get("title")), "emails": _prefer_first(emails),
        "phones": _prefer_first(phones), "addresses": _prefer_first(addresses),
        "urls": _prefer_first(urls), "birthday": _jsonable(birthday),
        "anniversary": _jsonable(anniversary),
        "tags": sorted(t.lower() for t in get("tags")), "notes": _jsonable(get("notes")),
        "fields": {k: _jsonable(v) for k, v in sorted(fields.items())},
        # None when absent, as meanings kept before these groups existed say it.
        "deathdate": deathdate, "dates": dates or None,
    }


def _prefer_first(items: list[list]) -> list[list]:
    """Items with 'preferred' made explicit: rolodex marks the first one when none is."""
    if items and not any(i[-1] for i in items):
        items[0][-1] = True
    return items


def _jsonable(value: Any) -> Any:
    """Tuples as lists, so a meaning survives a trip through JSON and still compares equal."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value
