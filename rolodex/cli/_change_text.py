"""A journal change as a person reads it: ``title: CTO → CEO``, ``phone added +44 20...``,
``linked to task #5``. ``rolodex changes REF`` shows these on a terminal; the raw rows
(table names, every column, JSON images) stay in its JSON, CSV and TSV.
"""

from __future__ import annotations

from typing import Any

# Columns that say nothing to a person: keys rolodex derives, order, bookkeeping.
HIDDEN = {"id", "uid", "name_key", "sort_key", "digits_rev", "position", "url_key",
          "created", "updated", "imported", "raw", "meaning", "props", "version"}
# A detail table: what one row of it is called, and the column that says which one.
DETAILS = {
    "contact_emails": ("email", "address"), "contact_phones": ("phone", "number"),
    "contact_urls": ("web address", "url"), "contact_addresses": ("address", "street"),
    "contact_fields": ("field", "key"), "contact_tags": ("tag", "tag"),
    "company_tags": ("tag", "tag"), "company_fields": ("field", "key"),
    "labelled_dates": ("date", "label"), "consents": ("consent", "purpose"),
    "relationships": ("relationship", "kind"),
}
# A link to another record: what that record is, and the column holding its id.
LINKS = {
    "interaction_contacts": ("history entry", "interaction_id"),
    "task_contacts": ("task", "task_id"), "event_contacts": ("event", "event_id"),
    "deal_contacts": ("deal", "deal_id"), "contact_groups": ("group", "group_id"),
}
OWN = {"contacts": "contact", "companies": "company", "deals": "deal", "tasks": "task",
       "events": "event", "interactions": "history entry"}


def describe(change: dict[str, Any]) -> list[str]:
    """Lines saying what one change did; none when it only touched bookkeeping (a row's
    ``updated`` time): the table leaves such a change out."""
    table, action, fields = change["table"], change["action"], change["fields"]
    if table in LINKS:
        what, column = LINKS[table]
        other = _value(fields, column)
        verb = {"insert": "linked to", "delete": "unlinked from"}.get(action, "link to")
        return [f"{verb} {what} #{other}"]
    if table in DETAILS:
        return _detail(table, action, fields, change["row_id"])
    if table == "deal_stages":
        reason = _value(fields, "reason")
        return [f"stage → {_value(fields, 'stage')}" + (f" ({reason})" if reason else "")]
    if table == "event_exceptions":
        start = _value(fields, "start")
        return [f"occurrence {_value(fields, 'original')} "
                + (f"moved to {start}" if start else "skipped")]
    if table == "contact_cards":
        return ["the card kept for export " + _done(action)]
    name = OWN.get(table, table)
    if action == "insert":
        return [f"{name} added"]
    if action == "delete":
        return [f"{name} deleted"]
    # Nothing but bookkeeping (the time it was updated): nothing a person changed.
    return [f"{key}: {_shown(old, key)} → {_shown(new, key)}"
            for key, (old, new) in fields.items() if key not in HIDDEN]


def _detail(table: str, action: str, fields: dict[str, list[Any]], row_id: int
            ) -> list[str]:
    what, column = DETAILS[table]
    value = _value(fields, column)
    if value is None:  # an update keeps only what changed: name the row
        value = f"#{row_id}"
    if table in ("contact_fields", "company_fields"):
        value = f"{value} = {_value(fields, 'value')}"
    elif table == "contact_addresses":
        value = ", ".join(str(_value(fields, k)) for k in ("street", "locality", "country")
                          if _value(fields, k))
    elif table == "relationships":
        other = _value(fields, "related_name") or f"#{_value(fields, 'related_id')}"
        value = f"{value} {other}"
    if action in ("insert", "delete"):
        return [f"{what} {'added' if action == 'insert' else 'removed'} {value}"]
    changed = [f"{key}: {_shown(old, key)} → {_shown(new, key)}"
               for key, (old, new) in fields.items() if key not in HIDDEN and key != "contact_id"]
    return [f"{what} {value}: {'; '.join(changed)}" if changed else f"{what} {value} updated"]


def _value(fields: dict[str, list[Any]], key: str) -> Any:
    """A column's value in the change: after it, else before it (a deletion)."""
    before, after = fields.get(key, [None, None])
    return after if after is not None else before


def _done(action: str) -> str:
    return {"insert": "made", "delete": "removed"}.get(action, "updated")


def _shown(value: Any, key: str) -> str:
    if value is None or value == "":
        return "(none)"
    if key == "preferred":
        return "yes" if value else "no"
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"
