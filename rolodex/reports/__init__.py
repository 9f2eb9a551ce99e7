"""Read-only queries that combine records into report rows (followups, agenda, ...)."""
