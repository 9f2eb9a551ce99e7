"""Finding contacts: the full-text index, the query language (words, ``tag:vip``,
``@saved``), saved searches, shell completion and mail-client lookups."""
