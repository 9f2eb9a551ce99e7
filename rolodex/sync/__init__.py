"""Records between the store and the world outside it.

``apply`` is the one way records come in (files now; vdir and CardDAV/CalDAV next): it
matches each incoming record with what the store holds, merges, reports conflicts and
owns the transaction. The exporters read the store and hand records to ``formats`` to
write. ``formats`` below turns bytes into records and back and never sees the database.
"""
