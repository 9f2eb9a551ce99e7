"""Looking after the file: backups and restores, ``doctor``, undo and redo, the audit trail,
and bringing back a deleted contact."""
