-- ID linking (guidelines: "ID linking"): LINE user id <-> the site's member id, the single-use
-- nonces of the Messaging API account-link flow, and an audit trail of links and unlinks.
CREATE TABLE account_links (
    line_user_id TEXT    PRIMARY KEY,
    member_id    TEXT    NOT NULL UNIQUE,
    via          TEXT    NOT NULL,          -- account-link | login
    linked_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE link_nonces (
    nonce      TEXT    PRIMARY KEY,
    member_id  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;

CREATE TABLE link_audit (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           INTEGER NOT NULL,
    action       TEXT    NOT NULL,          -- linked | unlinked | refused
    line_user_id TEXT,
    member_id    TEXT,
    detail       TEXT
);
