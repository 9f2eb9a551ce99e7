"""The dates a card gives: the birthday (a date, or text such as ``circa 1800``), a date
of death (vCard 4 DEATHDATE), and the labelled dates of Apple, Google and Android
(``itemN.X-ABDATE`` with its ``X-ABLabel``; ``X-ANDROID-CUSTOM`` contact events).
"""

from __future__ import annotations

from rolodex.dates import PartialDate
from rolodex.formats.vcard_lines import split_structured, unescape
from rolodex.formats.vcard_props import Prop
from rolodex.formats.vcard_values import APPLE_LABEL, date_of, is_text, one_line, partial_date
from rolodex.models import ContactData


def birthday_of(props: list[Prop], invalid: list[tuple[str, str, str]]
              ) -> tuple[PartialDate | None, str | None]:
    """The birthday as a date, else as text (``BDAY;VALUE=text:circa 1800``): the first
    BDAY that is a date wins (4.0 may give one birthday twice, a date and a text, under
    one ALTID); text is shown, never made a reminder."""
    for prop in props:
        if not is_text(prop):
            found = date_of(prop, invalid)
            if found is not None:
                return found, None
    texts = [one_line(unescape(p.value)) for p in props if is_text(p)]
    return None, next((t for t in texts if t), None)


def deathdate_of(prop: Prop) -> str | None:
    """DEATHDATE (RFC 6474) as an ISO partial date, else as its text: either way the
    person has died."""
    text = one_line(unescape(prop.value))
    if not text:
        return None
    found = None if is_text(prop) else partial_date(prop)
    return found.iso() if found is not None else text


# Android's contact events: X-ANDROID-CUSTOM:vnd.android.cursor.item/contact_event;DATE;TYPE;
# LABEL;... with TYPE 0 custom (LABEL), 1 anniversary, 2 other, 3 birthday.
_ANDROID_EVENT = "vnd.android.cursor.item/contact_event"
_ANDROID_TYPES = {"1": "Anniversary", "2": "Other", "3": "Birthday"}


def labelled_dates(props: list[Prop], data: ContactData,
                    found: dict[int, tuple[str | None, str]] | None = None) -> dict[int, str]:
    """Apple's and Google's ``itemN.X-ABDATE`` (labelled by the ``X-ABLabel`` of the same
    group) and Android's contact events, into ``data``: Apple's built-in
    ``_$!<Anniversary>!$_`` is the anniversary when the card has none (and the same one
    again when it has: skipped); every other date is a labelled date of the contact.

    Returns the group each of these properties belongs to, by ``id(prop)``: the one that
    is the anniversary (or birthday) is written back as that. ``found`` gets the
    (label, ISO date) of each property that is a labelled date, by ``id(prop)``."""
    labels = {p.group.lower(): one_line(unescape(p.value)) for p in props
              if p.name == "X-ABLABEL" and p.group}
    claimed: dict[int, str] = {}
    for prop in props:
        if prop.name == "X-ABDATE":
            raw = labels.get((prop.group or "").lower())
            match = APPLE_LABEL.match(raw or "")
            label = (match["label"] if match else raw) or None
            value = partial_date(prop)
        elif prop.name == "X-ANDROID-CUSTOM" and unescape(prop.value).startswith(_ANDROID_EVENT):
            parts = split_structured(prop.value) + [""] * 4
            kind = parts[2].strip()
            label = one_line(parts[3]) or None if kind == "0" else _ANDROID_TYPES.get(kind)
            value = partial_date(Prop("X-ABDATE", parts[1]))
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


def days_of(props: list[Prop]) -> ContactData:
    """The birthday and anniversary a card gives by BDAY and (X-)ANNIVERSARY, as
    ``to_contact`` reads them before the labelled dates."""
    data = ContactData(name="")
    data.birthday = birthday_of([p for p in props if p.name == "BDAY"], [])[0]
    for key in ("ANNIVERSARY", "X-ANNIVERSARY"):
        found = next((p for p in props if p.name == key), None)
        if found is not None and data.anniversary is None:
            data.anniversary = partial_date(found)
    return data
