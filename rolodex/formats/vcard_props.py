"""A vCard as objects: ``Card``, its ``Prop`` properties with their parameters, the
``CardError`` for a card that could not be read, and ``param`` to ask a property for one
parameter.

Apart from the reader (``vcard_syntax``) because every vCard module, the writers and
converters too, works on these objects, and none of them needs the reading to do so.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Prop:
    """One property; ``value`` keeps its vCard escapes, so structured values still split."""

    name: str
    value: str
    params: list[tuple[str, list[str]]] = field(default_factory=list)
    group: str | None = None
    line: int = 0


@dataclass(slots=True)
class Card:
    """One BEGIN:VCARD ... END:VCARD, its properties in file order."""

    version: str | None
    props: list[Prop]
    index: int
    line: int


@dataclass(slots=True)
class CardError:
    """A card that could not be read; the rest of the file still is."""

    source: str
    index: int
    line: int
    reason: str


def param(prop: Prop, name: str) -> list[str]:
    """All values of one parameter; TYPE values upper-cased and split on commas (4.0 may
    quote a list: TYPE="work,voice"), so callers test membership without caring."""
    name = name.upper()
    values = [v for key, vs in prop.params if key == name for v in vs]
    if name != "TYPE":
        return values
    return [t.strip().upper() for v in values for t in v.split(",") if t.strip()]
