"""The SQLite file and every write to it, grouped by concern.

Here, what every record kind shares: opening and migrating the file (``db``, ``opening``,
``migrations``, ``paths``), the change journal every write goes through (``journal``),
settings, stored dates (``when``), shared record parts (``records``), lookups by the keys
other systems use, company references, and what two-way sync remembers (``sync_state``).
Beside it: ``people/``, ``search/``, ``activity/``, ``care/``, ``dedupe/`` and ``privacy/``.

Nothing in here imports ``rolodex.cli``, ``rolodex.formats``, ``rolodex.reports`` or
``rolodex.sync`` (``tests/test_layers.py``).
"""
