"""CardDAV and CalDAV collections as a ``Storage`` (``rolodex.sync.storage``), and finding them.

``http`` speaks HTTP and turns every failure into one error with its exit code; ``xml``
builds request bodies and reads multistatus answers; ``discovery`` finds a user's address
books and calendars (RFC 6764, 6352, 4791); ``collection`` is the storage the sync engine
drives: list, fetch, upload, update, delete, and what changed since a sync token (RFC 6578).

Why ``requests`` and not code of our own: it verifies TLS, takes proxies from the
environment, pools keep-alive connections and does Basic and Digest auth better than code
we would write. Why not the ``caldav`` package: it covers CalDAV only, where we need
CardDAV alike (the five requests involved are the same for both), and it brings lxml,
niquests, dnspython, pyyaml, recurring-ical-events and more for them. It serves in the
tests, as a third-party client changing the server between syncs.

Only ``rolodex sync`` imports this package: ``requests`` and the XML parser stay out of
every other command's start-up.
"""
