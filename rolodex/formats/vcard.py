"""vCard -> contacts: what each property of a card means to rolodex (writing: vcard_write).

Import maps the properties rolodex models (names, emails, phones...) and keeps the whole
card. Export starts from the kept card: a group of properties whose meaning has not changed
in rolodex is written back exactly as it came; a changed group is written anew in its
place; everything rolodex does not model (X- properties, IMPP, PHOTO, Apple ``itemN.``
groups, unknown parameters) passes through untouched. So importing then exporting gives
the same properties, and editing one field changes only that field in the card.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rolodex.formats.vcard_dates import birthday_of, days_of, deathdate_of, labelled_dates
from rolodex.formats.vcard_lines import split_list, split_structured, unescape
from rolodex.formats.vcard_props import Card, Prop, param
from rolodex.formats.vcard_values import (
    APPLE_LABEL,
    date_of,
    detail_value,
    one_line,
    valid_props,
)
from rolodex.models import (
    Address,
    ContactData,
    Email,
    Phone,
    Url,
    clean_tag,
    join_name,
    split_name,
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
    emails = [Email(detail_value(p), *label_of(p)) for p in valid_props(by_name, "EMAIL", invalid)]
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
    data.phones = [Phone(detail_value(p), *label_of(p))
                   for p in valid_props(by_name, "TEL", invalid)]
    data.urls = [Url(detail_value(p), *label_of(p)) for p in valid_props(by_name, "URL", invalid)]
    data.addresses = [address_of(p) for p in by_name.get("ADR", ())]
    data.addresses = [a for a in data.addresses if a.one_line()]
    data.birthday, data.birthday_text = birthday_of(by_name.get("BDAY", []), invalid)
    for key in ("ANNIVERSARY", "X-ANNIVERSARY"):
        if key in by_name and data.anniversary is None:
            data.anniversary = date_of(by_name[key][0], invalid)
    data.deathdate = deathdate_of(by_name["DEATHDATE"][0]) if "DEATHDATE" in by_name else None
    if "X-ABDATE" in by_name or "X-ANDROID-CUSTOM" in by_name:
        labelled_dates(card.props, data)
    data.is_group = (first("KIND") or first("X-ADDRESSBOOKSERVER-KIND") or "").lower() \
        == "group"
    if data.is_group:
        data.name = one_line(data.name) or NO_NAME  # it names a tag
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


def prop_groups(props: list[Prop]) -> list[str | None]:
    """The group of rolodex's meaning each property is written from (None: kept as it
    is): by name (``GROUP_OF``), except the labelled dates that are the card's anniversary
    or birthday, which belong to those."""
    if not any(p.name in ("X-ABDATE", "X-ANDROID-CUSTOM") for p in props):
        return [GROUP_OF.get(p.name) for p in props]
    claimed = labelled_dates(props, days_of(props))
    return [claimed.get(id(p)) or GROUP_OF.get(p.name) for p in props]


def dated_props(props: list[Prop]) -> dict[int, tuple[str | None, str]]:
    """The (label, ISO date) of each property of a card that is one of its labelled dates,
    by ``id(prop)``: to tell which lines still say a date the contact has."""
    found: dict[int, tuple[str | None, str]] = {}
    labelled_dates(props, days_of(props), found)
    return found


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
            match = APPLE_LABEL.match(label)
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
