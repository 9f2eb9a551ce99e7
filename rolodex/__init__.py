"""rolodex: a terminal-native personal CRM over one SQLite file."""

__version__ = "0.1.0"
