-- Channel access tokens issued by linegate, shared by every process on this store so that they use
-- the same token and never issue past LINE's limits. The token itself is a credential: this file
-- must be readable by the bot's user only.
CREATE TABLE channel_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id    TEXT    NOT NULL,
    kind          TEXT    NOT NULL,   -- short_lived | stateless | v2.1
    token         TEXT    NOT NULL,
    key_id        TEXT,               -- v2.1: the key_id LINE returns, matched against tokens/kid
    issued_at     INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    superseded_at INTEGER,            -- a newer token took over; revoked after a grace period
    revoked_at    INTEGER
);
CREATE INDEX channel_tokens_current ON channel_tokens (channel_id, kind, expires_at);

-- Short leases so that one process at a time does a thing (issuing a token) for all of them.
CREATE TABLE leases (
    name   TEXT    PRIMARY KEY,
    holder TEXT    NOT NULL,
    until  INTEGER NOT NULL
) WITHOUT ROWID;
