"""Plain values shared by every layer: labelled details, names and their validation.

No I/O here. The CLI and the editor form both parse ``VALUE (label, preferred)`` through
these functions, so a detail typed either way is read the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rolodex.errors import InvalidInput
from rolodex.normalize import CONTROL, LINE_BREAKS

# ContactData fields that describe the record in a database, not the person: a stable UID
# is made without them (``sync.contact_apply.stable_uid``).
RECORD_FIELDS = ("status", "source", "owner", "cadence_days")
DEFAULT_STATUSES = ("lead", "prospect", "customer", "partner", "inactive")
COMPANY_KINDS = ("client", "partner", "vendor", "competitor", "prospect", "other")
# A relationship seen from the other side: Jane is Joe's manager, so Joe is Jane's report.
INVERSE_KINDS = {
    "spouse": "spouse", "partner": "partner", "colleague": "colleague", "friend": "friend",
    "family": "family", "manager": "report", "report": "manager", "assistant": "assisted",
    "referred-by": "referred", "referred": "referred-by", "child": "parent", "parent": "child",
}

_EMAIL = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\".]+$")
_PHONE = re.compile(r"^\+?[\d\s().\-/]*\d[\d\s().\-/]*(?:\s*(?:ext\.?|x|#)\s*\d+)?$", re.I)
_LOOSE_PHONE = re.compile(r"^[\dA-Za-z \u00a0+().\-/,;*#=~]+$")
_PHONE_MAX = 64
_LOOSE_EMAIL = re.compile(r"^[^@\s<>(),;:\"]+@(?P<domain>[A-Za-z0-9-]+)$")
_SPECIAL_DOMAINS = {"invalid", "localhost", "test", "example"}
_LABELLED = re.compile(r"^(?P<value>.*?)\s*\((?P<meta>[^()]*)\)\s*$")
_PREFERRED_WORDS = {"pref", "preferred", "primary"}
_NAME_PREFIXES = {"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "sir", "dame", "rev", "hon"}
_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "mba", "dds"}
_NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "del", "della", "la", "le",
                   "du", "dos", "das", "ten", "ter", "al", "el", "bin", "ibn", "st", "st."}


@dataclass
class Email:
    address: str
    label: str | None = None
    preferred: bool = False


@dataclass
class Phone:
    number: str
    label: str | None = None
    preferred: bool = False


@dataclass
class Url:
    url: str
    label: str | None = None
    preferred: bool = False


@dataclass
class Address:
    street: str | None = None
    locality: str | None = None
    region: str | None = None
    postcode: str | None = None
    country: str | None = None
    label: str | None = None
    preferred: bool = False

    def one_line(self) -> str:
        parts = [self.street, self.locality, self.region, self.postcode, self.country]
        return "; ".join(p or "" for p in parts).rstrip("; ")


@dataclass
class PersonName:
    prefix: str | None = None
    first: str | None = None
    middle: str | None = None
    last: str | None = None
    suffix: str | None = None
    extra: list[str] = field(default_factory=list)


def clean_tag(name: str) -> str:
    """A tag as written, spaces and punctuation included (``Food, Inc.``, as Google, Apple
    and Outlook label contacts), less control characters: a line break or tab becomes a
    space, anything else is dropped, so no tag can move a terminal's cursor. Empty when
    nothing printable is left."""
    if not name.isprintable():
        name = CONTROL.sub("", LINE_BREAKS.sub(" ", name))
    return name.strip()


def check_tag(name: str) -> str:
    """A tag as stored: :func:`clean_tag`, and not empty."""
    tag = clean_tag(name)
    if not tag:
        raise InvalidInput(f"bad tag '{escape_controls(name)}': a tag needs a printable "
                           "character")
    return tag


def check_typed_tag(name: str) -> str:
    """A tag typed in a command or the editor form: a '-' start would read as an option
    and an '@' start as a saved search, so those stay for tags that come from files."""
    tag = check_tag(name)
    if tag.startswith(("-", "@")):
        raise InvalidInput(f"bad tag '{tag}': a typed tag cannot start with - or @")
    return tag


def escape_controls(text: str) -> str:
    """Text with control characters written as escapes (``\\x1b``), for a terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def split_labelled(text: str) -> tuple[str, str | None, bool]:
    """``jane@acme.example (work, preferred)`` -> (value, label, preferred)."""
    text = text.strip()
    match = _LABELLED.match(text)
    if not match:
        return text, None, False
    meta = [m.strip() for m in match["meta"].split(",") if m.strip()]
    preferred = any(m.lower() in _PREFERRED_WORDS for m in meta)
    labels = [m for m in meta if m.lower() not in _PREFERRED_WORDS]
    return match["value"].strip(), (", ".join(labels) or None), preferred


def join_labelled(value: str, label: str | None, preferred: bool) -> str:
    """The inverse of :func:`split_labelled`, for the editor form and tables."""
    meta = [m for m in (label, "preferred" if preferred else None) if m]
    return f"{value} ({', '.join(meta)})" if meta else value


def parse_email(text: str) -> Email:
    address, label, preferred = split_labelled(text)
    if address.lower().startswith("mailto:"):
        address = address[7:]
    if not _EMAIL.match(address):
        raise InvalidInput(f"not an email address: '{address}'", hint="expected name@domain.tld")
    return Email(address, label, preferred)


def parse_phone(text: str) -> Phone:
    number, label, preferred = split_labelled(text)
    if number.lower().startswith("tel:"):
        number = number[4:]
    if not _PHONE.match(number) or sum(c.isdigit() for c in number) < 3:
        raise InvalidInput(f"not a phone number: '{number}'",
                           hint="digits with optional +, spaces, dashes, dots or parentheses")
    return Phone(number, label, preferred)


def parse_url(text: str) -> Url:
    url, label, preferred = split_labelled(text)
    if not url or any(c.isspace() for c in url):
        raise InvalidInput(f"not a URL: '{url}'")
    return Url(url, label, preferred)


def email_problem(address: str) -> str | None:
    """Why an email address from a file cannot be one, or None: parse_email's rule, and
    also the special-use names of RFC 2606/6761 (``x@invalid``, ``root@localhost``), which
    test exports use and which are no typo of a real domain, as ``jane@gmail`` is."""
    if _EMAIL.match(address):
        return None
    found = _LOOSE_EMAIL.match(address)
    if found and found["domain"].lower() in _SPECIAL_DOMAINS:
        return None
    return "is not an email address"


def phone_problem(number: str) -> str | None:
    """Why a phone number from a file cannot be one, or None. More lenient than
    parse_phone, for what real address books hold: letters (``1-800-FLOWERS``, ``ext``),
    pauses and waits (``,`` ``;`` ``p`` ``w``), ``*`` and ``#`` codes, tel: URI parameters;
    but at least one digit, and no more than a number could be."""
    if not any(c.isdigit() for c in number):
        return "is not a phone number (no digit)"
    if len(number) > _PHONE_MAX or not _LOOSE_PHONE.match(number):
        return "is not a phone number"
    return None


def url_problem(url: str) -> str | None:
    """Why a URL from a file cannot be one (parse_url's rule), or None."""
    if not url or any(c.isspace() for c in url) or not url.isprintable():
        return "is not a URL"
    return None


def parse_address(text: str) -> Address:
    """``street; city; region; postcode; country (label)``: later parts may be left out."""
    value, label, preferred = split_labelled(text)
    parts = [p.strip() or None for p in value.split(";")]
    if len(parts) > 5 or not any(parts):
        raise InvalidInput(f"cannot read address '{value}'",
                           hint="write it as 'street; city; region; postcode; country'")
    parts += [None] * (5 - len(parts))
    return Address(*parts, label=label, preferred=preferred)


def split_name(full: str) -> PersonName:
    """Split a name as typed into its parts: ``Dr. Jane van der Berg Jr.``, ``Doe, Jane``.

    Particles (van, de, ...) stay with the last name; a comma means "last, first".
    """
    full = " ".join(full.split())
    head, comma, tail = full.rpartition(",")
    if comma and tail.strip().rstrip(".").lower() in _NAME_SUFFIXES:  # Sammy Davis, Jr.
        inner = split_name(head)
        return PersonName(inner.prefix, inner.first, inner.middle, inner.last,
                          tail.strip())
    if "," in full:
        last, _, rest = full.partition(",")
        inner = split_name(rest) if rest.strip() else PersonName()
        # After the comma come the given names: 'Doe, Jane Mary' is Jane Mary Doe.
        middle = " ".join(p for p in (inner.middle, inner.last) if p) or None
        return PersonName(inner.prefix, inner.first, middle, last.strip() or None,
                          inner.suffix)
    tokens = full.split(" ")
    name = PersonName()
    if len(tokens) > 1 and tokens[0].rstrip(".").lower() in _NAME_PREFIXES:
        name.prefix = tokens.pop(0)
    if len(tokens) > 1 and tokens[-1].rstrip(".").lower() in _NAME_SUFFIXES:
        name.suffix = tokens.pop()
    if not tokens:
        return name
    if len(tokens) == 1:
        name.first = tokens[0]
        return name
    name.first = tokens.pop(0)
    last = [tokens.pop()]
    while tokens and tokens[-1].lower() in _NAME_PARTICLES:
        last.insert(0, tokens.pop())
    name.last = " ".join(last)
    name.middle = " ".join(tokens) or None
    return name


def join_name(prefix: str | None, first: str | None, middle: str | None, last: str | None,
              suffix: str | None) -> str:
    """A display name from its parts."""
    return " ".join(p for p in (prefix, first, middle, last, suffix) if p)


def display_name(typed: str) -> str:
    """The name to show for a name a person typed: 'Müller, Hans' (a directory's order)
    reads 'Hans Müller', as the rest of a list does; any other form is kept as typed.
    Imports keep a card's FN as written: this is for the command line."""
    if "," not in typed:
        return typed
    parts = split_name(typed)
    if not (parts.first and parts.last) or typed.rpartition(",")[2].strip() == parts.suffix:
        return typed
    return join_name(parts.prefix, parts.first, parts.middle, parts.last, parts.suffix)


@dataclass
class ContactData:
    """A contact as an importer reads it (vCard, CSV), before it meets the database.

    Every field is optional except the name; ``extra`` holds what the source format keeps
    for a lossless round trip (for vCard: the card's properties) and is opaque here.
    A name part that is ``None`` is unknown (split from ``name`` when stored); ``""`` is
    empty as the source wrote it (a vCard's N), and stays empty.
    """

    name: str
    prefix: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    suffix: str | None = None
    nickname: str | None = None
    company: str | None = None
    department: str | None = None
    title: str | None = None
    birthday: object | None = None  # rolodex.dates.PartialDate
    anniversary: object | None = None  # rolodex.dates.PartialDate
    notes: str | None = None
    uid: str | None = None
    emails: list[Email] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    urls: list[Url] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    relations: list[tuple[str, str]] = field(default_factory=list)  # (kind, uid or name)
    is_company: bool = False
    # A group card (vCard 4 KIND:group, Apple's X-ADDRESSBOOKSERVER-KIND:group): not a
    # person; ``members`` are its MEMBER values as written (``urn:uuid:...``).
    is_group: bool = False
    members: list[str] = field(default_factory=list)
    # Dates besides birthday and anniversary: (label as written or None, PartialDate), from
    # Apple/Google ``itemN.X-ABDATE`` with its ``X-ABLabel``.
    dates: list[tuple[str | None, object]] = field(default_factory=list)
    birthday_text: str | None = None  # BDAY;VALUE=text:circa 1800, never a reminder
    deathdate: str | None = None  # DEATHDATE: an ISO partial date, or its text as written
    extra: object | None = None
    # What rolodex's own CSV says of the record rather than the person (it reads them
    # back so its export round-trips): no vCard carries these.
    status: str | None = None
    source: str | None = None
    owner: str | None = None
    cadence_days: int | None = None
    # Values the source holds that are not what they claim (EMAIL:wei, BDAY:1990-02-30):
    # (property or column, value as written, why). Kept out of the fields above; a vCard
    # keeps them in its kept card, so export writes them back.
    invalid: list[tuple[str, str, str]] = field(default_factory=list)
