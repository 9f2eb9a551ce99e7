"""Privacy: consent per purpose, erasure, and where a person is still named afterwards
(other records' text, backup copies)."""
