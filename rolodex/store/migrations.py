"""The schema as an ordered list of named migrations.

A shipped migration is never edited: a mistake is fixed by a new one appended here.
``PRAGMA user_version`` holds how many have run, so opening the database can tell in one
pragma whether any are pending without importing sqlite-utils.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mutt-query's path)
if TYPE_CHECKING:
    from sqlite_utils import Database as SqliteUtilsDatabase

M001_SCHEMA = """
CREATE TABLE operations (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    command TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT ''
);
CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    operation_id INTEGER NOT NULL REFERENCES operations(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    row_id INTEGER NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    before TEXT,
    after TEXT
);
CREATE INDEX changes_operation ON changes(operation_id);
CREATE INDEX changes_row ON changes(table_name, row_id);

CREATE TABLE settings (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    value TEXT NOT NULL
);

CREATE TABLE companies (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    domain TEXT,
    industry TEXT,
    kind TEXT,
    phone TEXT,
    email TEXT,
    address TEXT,
    website TEXT,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX companies_name_key ON companies(name_key);
CREATE INDEX companies_domain ON companies(domain COLLATE NOCASE);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    prefix TEXT,
    first_name TEXT,
    middle_name TEXT,
    last_name TEXT,
    suffix TEXT,
    display_name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    nickname TEXT,
    title TEXT,
    department TEXT,
    company_id INTEGER REFERENCES companies(id) ON DELETE SET NULL,
    birthday TEXT,
    anniversary TEXT,
    notes TEXT,
    source TEXT,
    status TEXT,
    owner TEXT,
    cadence_days INTEGER CHECK (cadence_days IS NULL OR cadence_days > 0),
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX contacts_name_key ON contacts(name_key);
CREATE INDEX contacts_sort_key ON contacts(sort_key);
CREATE INDEX contacts_company ON contacts(company_id);
CREATE INDEX contacts_status ON contacts(status);
CREATE INDEX contacts_owner ON contacts(owner);
CREATE INDEX contacts_updated ON contacts(updated);

CREATE TABLE contact_emails (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    label TEXT,
    preferred INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contact_emails_contact ON contact_emails(contact_id);
CREATE INDEX contact_emails_address ON contact_emails(address COLLATE NOCASE);

CREATE TABLE contact_phones (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    digits_rev TEXT NOT NULL,
    label TEXT,
    preferred INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contact_phones_contact ON contact_phones(contact_id);
CREATE INDEX contact_phones_digits ON contact_phones(digits_rev);

CREATE TABLE contact_addresses (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    street TEXT,
    locality TEXT,
    region TEXT,
    postcode TEXT,
    country TEXT,
    label TEXT,
    preferred INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contact_addresses_contact ON contact_addresses(contact_id);

CREATE TABLE contact_urls (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    label TEXT,
    preferred INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contact_urls_contact ON contact_urls(contact_id);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE contact_tags (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    UNIQUE (contact_id, tag_id)
);
CREATE INDEX contact_tags_tag ON contact_tags(tag_id);
CREATE TABLE company_tags (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    UNIQUE (company_id, tag_id)
);
CREATE INDEX company_tags_tag ON company_tags(tag_id);

CREATE TABLE relationships (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    related_id INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
    related_name TEXT,
    created TEXT NOT NULL,
    CHECK (related_id IS NOT NULL OR related_name IS NOT NULL)
);
CREATE INDEX relationships_contact ON relationships(contact_id);
CREATE INDEX relationships_related ON relationships(related_id);

CREATE TABLE contact_fields (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    UNIQUE (contact_id, key)
);
CREATE TABLE company_fields (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    UNIQUE (company_id, key)
);

CREATE VIRTUAL TABLE contacts_fts USING fts5(
    name, nickname, emails, phones, company, title, notes, tags,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""


def _run(db: SqliteUtilsDatabase, schema: str) -> None:
    """Execute a schema one statement at a time: executescript would commit the
    migration's transaction half-way."""
    for statement in schema.split(";\n"):
        if statement.strip():
            db.execute(statement)


def m001_initial(db: SqliteUtilsDatabase) -> None:
    """Contacts, companies, their details, tags, relationships, settings, journal, search."""
    _run(db, M001_SCHEMA)


M002_SCHEMA = """
CREATE TABLE interactions (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    duration_minutes INTEGER CHECK (duration_minutes IS NULL OR duration_minutes > 0),
    direction TEXT CHECK (direction IS NULL OR direction IN ('in', 'out')),
    text TEXT,
    outcome TEXT,
    company_id INTEGER REFERENCES companies(id) ON DELETE SET NULL,
    task_id INTEGER REFERENCES tasks(id) ON DELETE SET NULL,
    user TEXT,
    created TEXT NOT NULL
);
CREATE INDEX interactions_at ON interactions(at);
CREATE INDEX interactions_company ON interactions(company_id, at);
CREATE TABLE interaction_contacts (
    id INTEGER PRIMARY KEY,
    interaction_id INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    UNIQUE (interaction_id, contact_id)
);
CREATE INDEX interaction_contacts_contact ON interaction_contacts(contact_id, at);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'todo',
    due TEXT,
    priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    rrule TEXT,
    series_start TEXT,
    notes TEXT,
    owner TEXT,
    completed TEXT,
    previous_id INTEGER REFERENCES tasks(id) ON DELETE SET NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX tasks_status_due ON tasks(status, due);
CREATE TABLE task_contacts (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    UNIQUE (task_id, contact_id)
);
CREATE INDEX task_contacts_contact ON task_contacts(contact_id);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    all_day INTEGER NOT NULL DEFAULT 0,
    tz TEXT,
    rrule TEXT,
    location TEXT,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX events_start ON events(start);
CREATE TABLE event_contacts (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    UNIQUE (event_id, contact_id)
);
CREATE INDEX event_contacts_contact ON event_contacts(contact_id);
CREATE TABLE event_exceptions (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    original TEXT NOT NULL,
    start TEXT,
    end TEXT,
    UNIQUE (event_id, original)
);
"""


def m002_time_management(db: SqliteUtilsDatabase) -> None:
    """Interaction history, tasks and calendar events, each linked to contacts.

    ``interaction_contacts.at`` repeats the interaction's time so that "last contacted"
    for any number of contacts is an index lookup, not a scan of the history.
    """
    _run(db, M002_SCHEMA)


def m003_cards_and_mail(db: SqliteUtilsDatabase) -> None:
    """The vCard each imported contact came from, kept to write it back losslessly; and
    the Message-ID of logged mail, so the same message is never logged twice."""
    db.execute("ALTER TABLE interactions ADD COLUMN message_id TEXT")
    db.execute("CREATE UNIQUE INDEX interactions_message_id ON interactions(message_id)"
               " WHERE message_id IS NOT NULL")
    db.execute("""
        CREATE TABLE contact_cards (
            id INTEGER PRIMARY KEY,
            contact_id INTEGER NOT NULL UNIQUE REFERENCES contacts(id) ON DELETE CASCADE,
            version TEXT NOT NULL,
            props TEXT NOT NULL,
            meaning TEXT NOT NULL
        )""")


M004_SCHEMA = """
ALTER TABLE events ADD COLUMN categories TEXT;
ALTER TABLE events ADD COLUMN alarms TEXT;
ALTER TABLE events ADD COLUMN rdates TEXT;
ALTER TABLE events ADD COLUMN status TEXT;
ALTER TABLE events ADD COLUMN raw TEXT;
ALTER TABLE event_exceptions ADD COLUMN title TEXT;
ALTER TABLE event_exceptions ADD COLUMN location TEXT;
ALTER TABLE tasks ADD COLUMN categories TEXT;
ALTER TABLE tasks ADD COLUMN raw TEXT;
ALTER TABLE companies ADD COLUMN as_card INTEGER NOT NULL DEFAULT 0
"""


def m004_calendar_fidelity(db: SqliteUtilsDatabase) -> None:
    """What iCalendar files carry beyond rolodex's first calendar: categories, reminders
    (minutes before the start, as JSON), extra dates (RDATE), the event's STATUS, changed
    titles and places of single occurrences, and the properties rolodex does not model
    (``raw``: iCalendar content lines, written back on export). And which companies are
    exported as organisation cards: those added as companies or imported from KIND:org
    cards, not those only named in a contact's ORG."""
    _run(db, M004_SCHEMA)


M005_SCHEMA = """
CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    company_id INTEGER REFERENCES companies(id) ON DELETE SET NULL,
    amount TEXT,
    currency TEXT NOT NULL,
    stage TEXT NOT NULL,
    probability INTEGER CHECK (probability IS NULL OR probability BETWEEN 0 AND 100),
    close TEXT,
    source TEXT,
    owner TEXT,
    reason TEXT,
    closed TEXT,
    notes TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX deals_stage ON deals(stage);
CREATE INDEX deals_company ON deals(company_id);
CREATE INDEX deals_close ON deals(close);
CREATE INDEX deals_owner ON deals(owner);
CREATE TABLE deal_contacts (
    id INTEGER PRIMARY KEY,
    deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    UNIQUE (deal_id, contact_id)
);
CREATE INDEX deal_contacts_contact ON deal_contacts(contact_id);
CREATE TABLE deal_stages (
    id INTEGER PRIMARY KEY,
    deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    at TEXT NOT NULL,
    user TEXT
);
CREATE INDEX deal_stages_deal ON deal_stages(deal_id, at);
CREATE TABLE saved_searches (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    query TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX interactions_user ON interactions(user);
CREATE INDEX tasks_owner ON tasks(owner);
CREATE INDEX contacts_source ON contacts(source)
"""


def m005_pipeline(db: SqliteUtilsDatabase) -> None:
    """Deals (opportunities) with their contacts and every stage they passed through, so
    time-in-stage is known; and saved searches, the dynamic groups ``@NAME`` selects.

    Amounts are decimal text, never REAL: a float cannot hold 0.10 exactly, and totals must
    match the sum of what the user typed to the cent."""
    _run(db, M005_SCHEMA)


M006_SCHEMA = """
ALTER TABLE operations ADD COLUMN kind TEXT NOT NULL DEFAULT 'do'
    CHECK (kind IN ('do', 'undo', 'redo', 'forget'));
ALTER TABLE operations ADD COLUMN target INTEGER;
ALTER TABLE operations ADD COLUMN reverted_by INTEGER;
CREATE INDEX operations_open ON operations(reverted_by, kind);
ALTER TABLE changes ADD COLUMN contact_id INTEGER;
UPDATE changes SET contact_id = CASE WHEN table_name = 'contacts' THEN row_id
    ELSE coalesce(json_extract(after, '$.contact_id'), json_extract(before, '$.contact_id'))
    END;
CREATE INDEX changes_contact ON changes(contact_id) WHERE contact_id IS NOT NULL;
CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('granted', 'withdrawn')),
    at TEXT NOT NULL,
    source TEXT,
    evidence TEXT,
    recorded TEXT NOT NULL,
    user TEXT
);
CREATE INDEX consents_contact ON consents(contact_id, purpose, at)
"""


def m006_undo_and_privacy(db: SqliteUtilsDatabase) -> None:
    """What undo, redo and privacy need from the journal, and consent records.

    ``operations.kind`` tells a user's change from an undo, a redo or a privacy erasure
    (which nothing may undo past); ``target`` is the operation an undo or redo reverses and
    ``reverted_by`` the one that reversed it, so the undo and redo stacks are two indexed
    queries. ``changes.contact_id`` names the person a row is about, so a contact's audit
    trail and its erasure from the journal need no scan of JSON. Consent is a history:
    every grant and withdrawal is a row, the latest per purpose is the current state."""
    _run(db, M006_SCHEMA)


# Statements one by one: a trigger's body has semicolons of its own.
M007_STATEMENTS = (
    # id: the contact's (every table here has an id, the column tools order rows by)
    """CREATE TABLE contact_last (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL
    )""",
    """INSERT INTO contact_last (id, at)
        SELECT contact_id, max(at) FROM interaction_contacts GROUP BY contact_id""",
    # A contact's row follows the maximum of its history: a newer entry raises it, losing
    # the latest one recomputes it from the index, losing the last one removes it.
    """CREATE TRIGGER contact_last_insert AFTER INSERT ON interaction_contacts BEGIN
        UPDATE contact_last SET at = NEW.at WHERE id = NEW.contact_id AND at < NEW.at;
        INSERT INTO contact_last (id, at) SELECT NEW.contact_id, NEW.at
            WHERE NOT EXISTS (SELECT 1 FROM contact_last WHERE id = NEW.contact_id);
    END""",
    """CREATE TRIGGER contact_last_delete AFTER DELETE ON interaction_contacts BEGIN
        DELETE FROM contact_last WHERE id = OLD.contact_id AND at <= OLD.at;
        INSERT INTO contact_last (id, at)
            SELECT contact_id, max(at) FROM interaction_contacts
            WHERE contact_id = OLD.contact_id AND NOT EXISTS (
                SELECT 1 FROM contact_last WHERE id = OLD.contact_id)
            GROUP BY contact_id;
    END""",
    """CREATE TRIGGER contact_last_update AFTER UPDATE OF contact_id, at
            ON interaction_contacts BEGIN
        DELETE FROM contact_last WHERE id = OLD.contact_id AND at <= OLD.at;
        INSERT INTO contact_last (id, at)
            SELECT contact_id, max(at) FROM interaction_contacts
            WHERE contact_id = OLD.contact_id AND NOT EXISTS (
                SELECT 1 FROM contact_last WHERE id = OLD.contact_id)
            GROUP BY contact_id;
        UPDATE contact_last SET at = NEW.at WHERE id = NEW.contact_id AND at < NEW.at;
        INSERT INTO contact_last (id, at) SELECT NEW.contact_id, NEW.at
            WHERE NOT EXISTS (SELECT 1 FROM contact_last WHERE id = NEW.contact_id);
    END""",
    """CREATE INDEX contacts_birthday_day ON contacts(substr(birthday, -5))
        WHERE birthday IS NOT NULL""",
    """CREATE INDEX contacts_anniversary_day ON contacts(substr(anniversary, -5))
        WHERE anniversary IS NOT NULL""",
)


def m007_fast_reads(db: SqliteUtilsDatabase) -> None:
    """What reading at 100,000 contacts and a million interactions needs.

    ``contact_last`` holds each contact's last interaction time (``id`` is the contact's;
    no row: never contacted), kept by triggers on ``interaction_contacts``, so "last
    contacted" for every contact is one read of 100,000 rows rather than of the
    million-row history (a listing of every contact spent a tenth of its time there).
    Nothing writes it but the triggers: every path that changes history (log, delete,
    undo, merge, erasure, a cascade from a deleted contact) keeps it right without knowing
    of it. And birthdays and anniversaries are indexed by their month and day
    (``substr(birthday, -5)``, as the agenda asks for them), so the agenda no longer reads
    every contact twice."""
    for statement in M007_STATEMENTS:
        db.execute(statement)


M008_SCHEMA = """
CREATE TABLE contact_uids (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    uid TEXT NOT NULL UNIQUE
);
CREATE INDEX contact_uids_contact ON contact_uids(contact_id);
CREATE TABLE company_uids (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    uid TEXT UNIQUE,  -- null: a name only (A's own old name, when it took B's)
    name_key TEXT NOT NULL
);
CREATE INDEX company_uids_company ON company_uids(company_id);
CREATE INDEX company_uids_name ON company_uids(name_key);
"""


def m008_merged_uids(db: SqliteUtilsDatabase) -> None:
    """``contact_uids``: the UIDs a contact answers to besides its own, those of the
    contacts merged into it, so a card of a merged contact, imported again (the phone's
    address book, once more), is known for the contact it became instead of coming back,
    and a RELATED that names it finds it. ``company_uids``: the same for companies, with
    the merged company's name, which an ORG names it by."""
    _run(db, M008_SCHEMA)


M009_SCHEMA = """
CREATE TABLE contact_groups (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    tag TEXT NOT NULL COLLATE NOCASE,
    members TEXT NOT NULL DEFAULT '[]',
    missing TEXT NOT NULL DEFAULT '[]',
    pending TEXT NOT NULL DEFAULT '[]',
    version TEXT,
    props TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX contact_groups_tag ON contact_groups(tag)
"""


def m009_contact_groups(db: SqliteUtilsDatabase) -> None:
    """Group cards (vCard 4 ``KIND:group``, Apple's ``X-ADDRESSBOOKSERVER-KIND:group``).

    A group's members are the contacts carrying its ``tag``, so ``tag``/``untag`` and
    ``--tag`` filters work on groups with nothing new to learn; this row is what a tag
    alone cannot hold: the group's UID, its card (``version`` and ``props`` as
    ``contact_cards`` keeps them, to write it back losslessly), the members its card listed
    at the last import (``members``, JSON, as written), those no contact answered to
    (``missing``: written back on export, never dropped) and those still to be tagged at
    the end of the running import (``pending``: members may come after their group)."""
    _run(db, M009_SCHEMA)


M010_SCHEMA = """
ALTER TABLE contacts ADD COLUMN birthday_text TEXT;
ALTER TABLE contacts ADD COLUMN deathdate TEXT;
CREATE TABLE labelled_dates (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    label TEXT,
    date TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX labelled_dates_contact ON labelled_dates(contact_id);
CREATE INDEX labelled_dates_day ON labelled_dates(substr(date, -5))
"""


def m010_dates_people_use(db: SqliteUtilsDatabase) -> None:
    """The dates cards carry besides a birthday and an anniversary.

    ``birthday_text``: a birthday given as text (``BDAY;VALUE=text:circa 1800``), shown and
    written back, never a reminder. ``deathdate``: a vCard 4 DEATHDATE, an ISO partial date
    or the card's text; a contact with one is deceased, and gets no birthday reminders or
    follow-ups. ``labelled_dates``: labelled dates (Apple's and Google's ``X-ABDATE`` with
    an ``X-ABLabel``), ``date`` an ISO partial date, indexed by month and day as birthdays
    are, for the agenda."""
    _run(db, M010_SCHEMA)


def m011_import_fingerprints(db: SqliteUtilsDatabase) -> None:
    """``events.imported``, ``tasks.imported``: what the last import said of an item (its
    fields as JSON), so the next import can tell a field the calendar changed (rolodex
    still holds the old value: take the new one) from one changed in rolodex (keep it;
    a file that says otherwise is a conflict), as a contact's kept card does."""
    db.execute("ALTER TABLE events ADD COLUMN imported TEXT")
    db.execute("ALTER TABLE tasks ADD COLUMN imported TEXT")


def m014_url_keys(db: SqliteUtilsDatabase) -> None:
    """``contact_urls.url_key``: a URL reduced to what names one person (host without
    ``www.``, path, no scheme, query or trailing slash; none for a front page), indexed, so
    an import matches a LinkedIn export's rows to the people it brought before by their
    profile page, as it matches others by email or phone."""
    from rolodex.normalize import url_key

    db.execute("ALTER TABLE contact_urls ADD COLUMN url_key TEXT")
    rows = db.execute("SELECT id, url FROM contact_urls").fetchall()
    db.conn.executemany("UPDATE contact_urls SET url_key = ? WHERE id = ?",
                        [(url_key(url), row_id) for row_id, url in rows])
    db.execute("CREATE INDEX contact_urls_key ON contact_urls(url_key)")


M015_SCHEMA = """
CREATE TABLE sync_accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('vdir', 'dav')),
    location TEXT NOT NULL,
    username TEXT,
    password_command TEXT,
    insecure INTEGER NOT NULL DEFAULT 0,
    contacts INTEGER NOT NULL DEFAULT 1,
    events INTEGER NOT NULL DEFAULT 1,
    tasks INTEGER NOT NULL DEFAULT 1,
    journal INTEGER NOT NULL DEFAULT 1,
    created TEXT NOT NULL
);
CREATE TABLE sync_collections (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES sync_accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('contacts', 'events', 'tasks', 'journal')),
    location TEXT NOT NULL,
    name TEXT,
    sync_token TEXT,
    synced_operation INTEGER,
    last_sync TEXT,
    UNIQUE (account_id, kind, location)
);
CREATE TABLE sync_status (
    id INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES sync_collections(id) ON DELETE CASCADE,
    uid TEXT NOT NULL,
    local_id INTEGER,
    href TEXT NOT NULL,
    etag TEXT NOT NULL,
    local_hash TEXT,
    base TEXT NOT NULL,
    UNIQUE (collection_id, uid),
    UNIQUE (collection_id, href)
);
CREATE TABLE sync_conflicts (
    id INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES sync_collections(id) ON DELETE CASCADE,
    uid TEXT NOT NULL,
    field TEXT NOT NULL,
    local TEXT,
    remote TEXT,
    remote_card TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (collection_id, uid, field)
)
"""


def m015_sync(db: SqliteUtilsDatabase) -> None:
    """Two-way sync (#15). ``sync_accounts``: a vdir folder or a CardDAV/CalDAV server
    (``location`` its path or URL), which record kinds it carries; never a password, only
    the command that prints one. ``sync_collections``: an address book or calendar of an
    account, its sync token, and ``synced_operation``: the journal's newest operation
    before the last sync, so a sync looks only at contacts changed since. ``sync_status``:
    per item, its UID, href and ETag on the far side, the hash of what rolodex wrote for it
    and ``base``, the item as last synced (the base of a three-way merge). ``sync_conflicts``:
    a property changed differently on both sides, kept as rolodex has it until resolved
    (``remote_card``: the far side's item then, to take its value from)."""
    _run(db, M015_SCHEMA)


def m018_history_in_calendars(db: SqliteUtilsDatabase) -> None:
    """``interactions.raw``: the lines of a history entry that came in as an iCalendar
    VJOURNAL (a teammate's logged call, through a calendar server) that rolodex does not
    model, written back when it goes out again; ``interactions.imported``: what the last
    import said of it, the base of the next one's merge (as ``m011`` for events)."""
    db.execute("ALTER TABLE interactions ADD COLUMN raw TEXT")
    db.execute("ALTER TABLE interactions ADD COLUMN imported TEXT")


def m019_stage_reasons(db: SqliteUtilsDatabase) -> None:
    """``deal_stages.reason``: why a deal moved to a stage ('deal move 3 proposal --reason
    "asked for a quote"'), kept with the move for every stage, not only won or lost."""
    db.execute("ALTER TABLE deal_stages ADD COLUMN reason TEXT")


M020_COLLECTIONS = """
CREATE TABLE sync_collections_m020 (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES sync_accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('contacts', 'companies', 'groups', 'events', 'tasks',
                                       'journal')),
    location TEXT NOT NULL,
    name TEXT,
    sync_token TEXT,
    synced_operation INTEGER,
    last_sync TEXT,
    UNIQUE (account_id, kind, location)
)
"""


def m020_companies_and_groups_sync(db: SqliteUtilsDatabase) -> None:
    """Companies (KIND:org cards) and contact groups (KIND:group cards) sync both ways as
    kinds of their own (#15), each a ``sync_collections`` row at its address book's
    location: the kind's CHECK takes them, and every contacts collection gets its two,
    so an account made before syncs them too (``sync set --no-companies`` stops that).

    The table is rebuilt for its CHECK. Dropping it would cascade to the status rows and
    conflicts (foreign keys are on), so they are set aside and put back with their ids."""
    for table in ("sync_status", "sync_conflicts"):
        db.execute(f"CREATE TEMP TABLE m020_{table} AS SELECT * FROM {table}")
    db.execute(M020_COLLECTIONS)
    db.execute("INSERT INTO sync_collections_m020 SELECT id, account_id, kind, location,"
               " name, sync_token, synced_operation, last_sync FROM sync_collections")
    db.execute("DROP TABLE sync_collections")
    db.execute("ALTER TABLE sync_collections_m020 RENAME TO sync_collections")
    for table in ("sync_status", "sync_conflicts"):
        db.execute(f"INSERT INTO {table} SELECT * FROM temp.m020_{table}")
        db.execute(f"DROP TABLE temp.m020_{table}")
    for kind in ("companies", "groups"):
        db.execute("INSERT INTO sync_collections (account_id, kind, location) SELECT"
                   " account_id, ?, location FROM sync_collections WHERE kind = 'contacts'",
                   (kind,))


M021_SCHEMA = """
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    audience TEXT NOT NULL,
    purpose TEXT NOT NULL,
    basis TEXT NOT NULL CHECK (basis IN ('consent', 'legitimate-interest')),
    start TEXT,
    only_new INTEGER NOT NULL DEFAULT 0 CHECK (only_new IN (0, 1)),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE campaign_steps (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position > 0),
    offset_days INTEGER NOT NULL CHECK (offset_days >= 0),
    kind TEXT NOT NULL CHECK (kind IN ('mail', 'letter', 'task')),
    source TEXT,
    body TEXT NOT NULL,
    subject TEXT,
    UNIQUE (campaign_id, position)
);
CREATE TABLE campaign_members (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    entered TEXT NOT NULL,
    left TEXT,
    reason TEXT,
    UNIQUE (campaign_id, contact_id)
);
CREATE INDEX campaign_members_contact ON campaign_members(contact_id);
CREATE TABLE campaign_sends (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    step_id INTEGER NOT NULL REFERENCES campaign_steps(id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('claimed', 'sending', 'sent', 'failed')),
    address TEXT,
    message_id TEXT UNIQUE,
    claimed TEXT NOT NULL,
    at TEXT,
    error TEXT,
    file TEXT,
    interaction_id INTEGER REFERENCES interactions(id) ON DELETE SET NULL,
    task_id INTEGER REFERENCES tasks(id) ON DELETE SET NULL,
    response_id INTEGER REFERENCES interactions(id) ON DELETE SET NULL,
    responded TEXT,
    UNIQUE (step_id, contact_id)
);
CREATE INDEX campaign_sends_contact ON campaign_sends(contact_id);
CREATE INDEX campaign_sends_campaign ON campaign_sends(campaign_id, status)
"""


def m021_campaigns(db: SqliteUtilsDatabase) -> None:
    """Campaigns on a marketing calendar (#21). ``campaigns``: who (``audience``, a search
    query such as ``@lapsed`` or ``tag:customer``, run afresh each time), on what basis
    (``purpose`` and ``basis`` for consent), from when (``start``, a day; NULL counts each
    step from the day a person entered the audience). ``campaign_steps``: mail, letter or
    task at an offset in days, its template text kept (checked when added, so a cron run
    never meets a typo). ``campaign_members``: when each person entered and left.
    ``campaign_sends``: the ledger, one row per person and step, claimed before anything
    leaves and confirmed in the transaction that logs the history entry, so no run sends
    a step twice; like ``sync_status`` it records facts about the outside world and is
    not undone (an undo cannot unsend a mail)."""
    _run(db, M021_SCHEMA)


def m022_cadence_index(db: SqliteUtilsDatabase) -> None:
    """An index of the contacts with a cadence of their own (#18): the follow-ups list
    reads them and the members of tags with a cadence through indexes, instead of
    scanning every contact (a full scan of a million rows for a few hundred thousand)."""
    db.execute("CREATE INDEX contacts_own_cadence ON contacts(cadence_days)"
               " WHERE cadence_days IS NOT NULL")


MIGRATIONS: list[Callable[[SqliteUtilsDatabase], None]] = [
    m001_initial, m002_time_management, m003_cards_and_mail, m004_calendar_fidelity,
    m005_pipeline, m006_undo_and_privacy, m007_fast_reads, m008_merged_uids,
    m009_contact_groups, m010_dates_people_use, m011_import_fingerprints, m014_url_keys,
    m015_sync, m018_history_in_calendars, m019_stage_reasons,
    m020_companies_and_groups_sync, m021_campaigns, m022_cadence_index,
]
MIGRATION_COUNT = len(MIGRATIONS)


def apply_all(conn: sqlite3.Connection, *, upto: int | None = None) -> None:
    """Run every pending migration (or the first ``upto``), each in its own transaction.

    sqlite-utils records each applied name in ``_sqlite_migrations`` inside the same
    transaction as the migration itself, and gives later migrations ``transform()`` for the
    table rebuilds SQLite's ALTER TABLE cannot do.
    """
    from sqlite_utils import Database as SqliteUtilsDatabase
    from sqlite_utils.migrations import Migrations

    migrations = Migrations("rolodex")
    for fn in MIGRATIONS[:upto]:
        migrations()(fn)
    migrations.apply(SqliteUtilsDatabase(conn))
