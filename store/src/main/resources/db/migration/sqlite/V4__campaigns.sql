-- Staged delivery (guideline: send in stages to large audiences). Each batch keeps the retry key it
-- was created with, so a batch re-sent after a crash is answered 409 instead of delivered twice.
CREATE TABLE campaigns (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    name               TEXT    NOT NULL,
    messages           TEXT    NOT NULL,   -- JSON array of message objects
    recipients_per_sec REAL    NOT NULL,
    starts_at          INTEGER NOT NULL,
    state              TEXT    NOT NULL,   -- running | paused | cancelled | done | failed
    created_at         INTEGER NOT NULL,
    detail             TEXT
);

CREATE TABLE campaign_batches (
    campaign_id         INTEGER NOT NULL,
    batch_no            INTEGER NOT NULL,
    recipients          TEXT    NOT NULL,  -- user ids, one per line, at most 500
    size                INTEGER NOT NULL,
    retry_key           TEXT    NOT NULL,
    state               TEXT    NOT NULL,  -- pending | sent | failed
    request_id          TEXT,
    accepted_request_id TEXT,
    sent_at             INTEGER,
    error               TEXT,
    PRIMARY KEY (campaign_id, batch_no)
) WITHOUT ROWID;
