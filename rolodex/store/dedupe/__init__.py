"""Duplicates: finding likely pairs of contacts or companies, and merging two into one."""
