"""Which CSV column means what: Google's, Outlook's and Thunderbird's tables, rolodex's own
export, common aliases of rolodex's field names, and ``--map`` (see ``contacts_csv``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rolodex.errors import FileError, InvalidInput
from rolodex.formats.csv_export import EXPORT_HEADER
from rolodex.formats.csv_outlook_locales import DETECT, TABLES

TARGETS = ("name", "prefix", "first_name", "middle_name", "last_name", "suffix", "nickname",
           "company", "department", "title", "email", "phone", "mobile", "address", "url",
           "notes", "tags", "birthday", "anniversary", "uid", "ignore")
_NAMING = {"name", "first_name", "middle_name", "last_name", "email", "email_one"}
STREET_PARTS = ("pobox", "extended", "street", "street2", "street3")
ADDRESS_PARTS = {*STREET_PARTS, "city", "region", "postcode", "country", "formatted"}
_GOOGLE_GROUP = re.compile(r"^(e-mail|phone|address|website|organization|event|custom field)"
                           r" (\d+) - (.+)$")


@dataclass(frozen=True)
class Col:
    """What one column means: a target field, a fixed label (``Home Phone`` -> home; a
    leading ``*`` marks preferred) and a group of columns read together (one address)."""

    target: str
    label: str | None = None
    group: str | None = None


def parse_map(text: str) -> dict[str, str]:
    """``E-mail=email,Firma=company`` -> {header: field}; the field is checked here so a typo
    fails before any file is read."""
    mapping: dict[str, str] = {}
    for pair in text.split(","):
        header, eq, target = pair.rpartition("=")
        header, target = header.strip(), target.strip().lower().replace("-", "_")
        if not eq or not header:
            raise InvalidInput(f"cannot read --map entry '{pair.strip()}'",
                               hint="write it as 'Column Header=field,Other Header=field'")
        if target not in TARGETS:
            raise InvalidInput(f"--map: unknown field '{target}' for column '{header}'",
                               hint=f"fields: {', '.join(TARGETS)}")
        mapping[header] = target
    return mapping


def fold_header(header: str) -> str:
    """A header as the tables spell it: casefolded (ß is ss), typographic apostrophes
    plain, as Outlook versions differ in both."""
    return header.casefold().replace("\u2019", "'").strip()


def _key(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", header.casefold())


def _table(spec: str) -> dict[str, Col]:
    """``header=target/label@group; ...`` -> {header: meaning}: the formats' tables as data,
    short enough to check against a real export at a glance."""
    found = re.finditer(r"\s*([^=;]+)=(\w+)(?:/([^@;]*))?(?:@([^;]+))?", spec)
    return {m[1].strip().casefold(): Col(m[2], m[3] or None, m[4]) for m in found}


def _addresses_of(places: str, parts: str) -> str:
    """Table entries for address columns: each place (``business/work``) x each part."""
    return ";".join(f"{place.split('/')[0]} {part}/{place.split('/')[-1]}@{place}"
                    for place in places.split() for part in parts.split(";"))


# Generic: header words, compared without case or punctuation (_key), for each field.
_ALIASES = {word: Col(target, label or None, "a" if target in ADDRESS_PARTS else None)
            for entry in """name: name fullname displayname contactname
    prefix: prefix nameprefix salutation; suffix: suffix namesuffix; nickname: nickname nick
    first_name: firstname givenname forename first; last_name: lastname surname familyname last
    middle_name: middlename additionalname middle; department: department dept; uid: uid uuid
    company: company organization organisation org companyname employer; anniversary: anniversary
    title: title jobtitle position role; address: address postaladdress; url: url website web
    email: email emails emailaddress mail primaryemail; email/work: workemail; email/home: homeemail
    phone: phone phones telephone tel phonenumber; phone/work: workphone businessphone
    phone/home: homephone; phone/mobile: mobile mobilephone cell cellphone; phone/fax: fax
    notes: notes note comments comment description; birthday: birthday birthdate dateofbirth dob
    tags: tags tag labels categories groups groupmembership; street: street streetaddress
    city: city town; region: state region province; postcode: zip zipcode postcode postalcode
    country: country""".replace("\n", ";").split(";")
            for target, _, label in [entry.split(":")[0].strip().partition("/")]
            for word in entry.split(":")[1].split()}
_OUTLOOK = _table(
    "title=prefix; first name=first_name; middle name=middle_name; last name=last_name;"
    "suffix=suffix; nickname=nickname; company=company; department=department;"
    "job title=title; birthday=birthday; anniversary=anniversary; categories=tags;"
    "notes=notes; web page=url; personal web page=url/home; e-mail address=email;"
    "e-mail 2 address=email;"
    "e-mail 3 address=email; business phone=phone/work; business phone 2=phone/work;"
    "home phone=phone/home; home phone 2=phone/home; mobile phone=phone/mobile;"
    "business fax=phone/work fax; home fax=phone/home fax; other fax=phone/fax; pager="
    "phone/pager; other phone=phone/other; primary phone=phone/*; company main phone="
    "phone/main; car phone=phone/car; assistant's phone=phone/assistant; isdn=phone/isdn;"
    "callback=phone/callback; radio phone=phone/radio; tty/tdd phone=phone/tty;"
    + _addresses_of("business/work home other", "street=street;street 2=street2;street 3="
                    "street3;city=city;state=region;postal code=postcode;country/region="
                    "country;address po box=pobox") + ";"
    # Constant in every Outlook export (Normal, False, SMTP...): noise as custom fields.
    + ";".join(f"{h}=ignore" for h in (
        "e-mail type", "e-mail 2 type", "e-mail 3 type", "e-mail display name", "private",
        "e-mail 2 display name", "e-mail 3 display name", "sensitivity", "priority",
        "gender", "initials", "internet free busy", "billing information", "mileage")))
_THUNDERBIRD = _table(
    "first name=first_name; last name=last_name; display name=name; nickname=nickname;"
    "primary email=email; secondary email=email; job title=title; department=department;"
    "organization=company; notes=notes; birth year=birth_year; birth month=birth_month;"
    "birth day=birth_day; work phone=phone/work; home phone=phone/home; fax number="
    "phone/fax; pager number=phone/pager; mobile number=phone/mobile; web page 1=url/work;"
    "web page 2=url/home;" + _addresses_of("home work", "address=street;address 2=street2;"
                                           "city=city;state=region;zipcode=postcode;"
                                           "country=country"))
# LinkedIn's Connections.csv: the profile URL is how a re-import finds the same people.
_LINKEDIN = _table(
    "first name=first_name; last name=last_name; url=url/linkedin; email address=email;"
    "company=company; position=title; connected on=custom/linkedin-connected-on")
_GOOGLE = _table(
    "name=name; given name=first_name; additional name=middle_name; family name=last_name;"
    "first name=first_name; middle name=middle_name; last name=last_name; photo=ignore;"
    "name prefix=prefix; name suffix=suffix; nickname=nickname; organization name=company;"
    "organization title=title; organization department=department; birthday=birthday;"
    "notes=notes; group membership=tags; labels=tags; organization 1 - name=company;"
    "organization 1 - title=title; organization 1 - department=department")
_DETECT = {fmt: {h.casefold() for h in found} for fmt, found in DETECT.items()}
_OUTLOOK_EN = {"e-mail address", "business phone", "business street", "mobile phone"}
_LOCALISED = {fmt: {**_OUTLOOK, **_table(spec)} for fmt, spec in TABLES.items()}
_GOOGLE_PARTS = {"type": "label", "label": "label", "value": "", "po box": "pobox",
                 "postal code": "postcode", "extended address": "extended"}


def _google(header: str) -> Col | None:
    """Google's table, then its numbered groups: ``E-mail 2 - Value`` pairs with
    ``E-mail 2 - Type``, ``Address 1 - City`` with the other ``Address 1`` columns."""
    found = _GOOGLE_GROUP.fullmatch(header)
    if header in _GOOGLE or not found or found[1] == "organization":
        return _GOOGLE.get(header)
    kind, part = found[1], _GOOGLE_PARTS.get(found[3], found[3])
    target = part if kind == "address" else part or {
        "e-mail": "email", "phone": "phone", "website": "url", "event": "event",
        "custom field": "custom"}[kind]
    ok = target in ADDRESS_PARTS or target == "label" or (kind != "address" and not part)
    return Col(target, group=f"{kind} {found[2]}") if ok else None


def outlook_language(keys: set[str]) -> str | None:
    """'outlook-de', '-fr', '-es' or 'outlook' (English) when the casefolded header names
    are Outlook's; None otherwise."""
    for fmt, found in _DETECT.items():
        if keys & found:
            return fmt
    return "outlook" if keys & _OUTLOOK_EN else None


def columns(headers: list[str], source: str, mapping: dict[str, str] | None
             ) -> tuple[str, list[Col | None]]:
    """The format the header says and each column's meaning (None: keep as a field)."""
    keys = {fold_header(h) for h in headers}
    if {"uid", "name"} <= keys and keys & {"emails", "phones"}:
        fmt = "rolodex"
        by_name = {"email": "email_one", "phone": "phone_one", "emails": "email",
                   "phones": "phone", "address": "address_one",
                   "addresses": "rolodex_addresses", "created": "ignore",
                   "updated": "ignore"}
        cols = [Col(by_name.get(h.casefold(), h.casefold())) if h.casefold() in EXPORT_HEADER
                else Col("custom", h[7:]) if h.casefold().startswith("custom:") else None
                for h in headers]
    else:
        if any(_GOOGLE_GROUP.fullmatch(k) for k in keys) or \
                keys & {"given name", "family name", "group membership"}:
            fmt, reader = "google", _google
        elif outlook_language(keys):
            fmt = outlook_language(keys)
            reader = _LOCALISED[fmt].get if fmt in _LOCALISED else _OUTLOOK.get
        elif keys & {"primary email", "secondary email"}:
            fmt, reader = "thunderbird", _THUNDERBIRD.get
        elif {"first name", "last name", "url", "connected on"} <= keys:
            fmt, reader = "linkedin", _LINKEDIN.get
        else:
            fmt, reader = "generic", {}.get
        # What a known format does not name may still be a plain, generic header.
        cols = [reader(fold_header(h)) or _ALIASES.get(_key(h)) for h in headers]
        titles = [i for i, h in enumerate(headers) if fold_header(h) == "titre"]
        if fmt == "outlook-fr" and len(titles) > 1:  # French: courtesy title, then job's
            cols[titles[0]] = Col("prefix")
    for wanted, target in (mapping or {}).items():
        found = [i for i, h in enumerate(headers) if h == wanted] or \
            [i for i, h in enumerate(headers) if h.casefold() == wanted.strip().casefold()]
        if not found:
            raise InvalidInput(f"--map names column '{wanted}', which {source} does not have",
                               hint=f"its columns: {', '.join(headers)[:300]}")
        col = Col("phone", "mobile") if target == "mobile" else Col(target)
        for i in found:
            cols[i] = col
    if not any(c and c.target in _NAMING for c in cols):
        raise FileError(f"{source}: no name or email column in the header line"
                        f" ({', '.join(headers)[:120]})",
                        hint="name the columns with --map, e.g. --map 'Full Name=name,"
                        "E-mail=email'")
    return fmt, cols
