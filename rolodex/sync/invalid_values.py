"""Values an imported record holds that are not what they claim (``EMAIL:wei``,
``BDAY:1990-02-30``): the readers keep them out of the typed fields (a vCard keeps them in
its kept card, a CSV row as a custom field), and the import report lists each one, so none
is stored or dropped without a word."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rolodex.formats.incoming import Item


def invalid_entries(item: Item) -> list[dict]:
    """The report's ``invalid`` entries for one applied item: name, source, index (the
    card or row), property (or CSV column), value as written, reason."""
    data = item.data
    return [{"name": data.name, "source": item.source, "index": item.index,
             "property": prop, "value": value, "reason": reason}
            for prop, value, reason in data.invalid]
