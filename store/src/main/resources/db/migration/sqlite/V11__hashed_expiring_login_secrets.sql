-- ID linking that cannot be forged: login and link secrets are kept as SHA-256 digests (only
-- equality is ever needed), every row carries its expiry so housekeeping can purge what anonymous
-- visitors create, an account-link nonce is bound to the link token and the LINE user it was issued
-- for, and the link tokens the bot issued are recorded with their user.
--
-- Logins in progress and unused link nonces are dropped by this migration: they live 10 minutes,
-- and a visitor caught in the middle simply starts again.
DROP TABLE login_sessions;
CREATE TABLE pending_logins (
    id_hash        TEXT    PRIMARY KEY,    -- SHA-256 of the id in the browser's login cookie
    state_hash     TEXT    NOT NULL,       -- SHA-256 of state
    nonce          TEXT    NOT NULL,       -- in clear: compared with the ID token's nonce claim at the callback
    code_verifier  TEXT    NOT NULL,       -- in clear: sent to LINE's token endpoint at the callback
    redirect_uri   TEXT    NOT NULL,
    link_member_id TEXT,                   -- the member this login links, when started as a link
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER
) WITHOUT ROWID;
CREATE INDEX pending_logins_by_expiry ON pending_logins (expires_at);

DROP TABLE link_nonces;
CREATE TABLE link_nonces (
    nonce_hash      TEXT    PRIMARY KEY,   -- SHA-256 of the nonce
    member_id       TEXT    NOT NULL,
    link_token_hash TEXT    NOT NULL,      -- SHA-256 of the link token it was issued with
    line_user_id    TEXT    NOT NULL,      -- the LINE user that link token was issued for
    may_replace     INTEGER NOT NULL,      -- 1: the member confirmed replacing an existing link
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER
) WITHOUT ROWID;
CREATE INDEX link_nonces_by_expiry ON link_nonces (expires_at);

CREATE TABLE link_tokens (
    token_hash   TEXT    PRIMARY KEY,      -- SHA-256 of the link token the bot issued
    line_user_id TEXT    NOT NULL,
    issued_at    INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX link_tokens_by_expiry ON link_tokens (expires_at);
