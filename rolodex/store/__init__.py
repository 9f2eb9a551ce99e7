"""The SQLite file: opening, migrations, the change journal and one module per record kind.

Nothing in here imports ``rolodex.cli``, ``rolodex.formats`` or ``rolodex.reports``.
"""
