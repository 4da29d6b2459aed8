-- The webhook path: raw bodies in, split events out. Times are epoch milliseconds.

-- Raw webhook bodies, appended before the 200. Nothing is parsed before the acknowledgement.
CREATE TABLE inbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at INTEGER NOT NULL,
    body        BLOB    NOT NULL
);

-- Events split out of the inbox, waiting for (or in) their handler. A row is deleted when done.
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id    TEXT    NOT NULL,
    lane        TEXT    NOT NULL,
    destination TEXT,
    payload     TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT
);

-- webhookEventIds already accepted, kept for the dedupe window.
CREATE TABLE seen_events (
    event_id TEXT    PRIMARY KEY,
    seen_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX seen_events_by_time ON seen_events (seen_at);

CREATE TABLE dead_letters (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id    TEXT    NOT NULL,
    lane        TEXT    NOT NULL,
    destination TEXT,
    payload     TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    attempts    INTEGER NOT NULL,
    error       TEXT,
    failed_at   INTEGER NOT NULL,
    replayed_at INTEGER
);

-- Per-conversation key/value state that handlers read and write.
CREATE TABLE conversation_state (
    lane       TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (lane, key)
) WITHOUT ROWID;

-- Switches an operator flips at run time: muted sources, maintenance mode.
CREATE TABLE operator_controls (
    kind       TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (kind, subject)
) WITHOUT ROWID;
