-- ID linking that cannot be forged (the same change as sqlite/V11): login and link secrets kept as
-- SHA-256 digests, an expiry on every row so housekeeping can purge what anonymous visitors create,
-- account-link nonces bound to the link token and the LINE user it was issued for, and the link
-- tokens the bot issued recorded with their user. Logins in progress and unused nonces (10 minutes
-- of attempts) are dropped: a visitor caught in the middle starts again.
DROP TABLE login_sessions;
CREATE TABLE pending_logins (
    id_hash        text   PRIMARY KEY,     -- SHA-256 of the id in the browser's login cookie
    state_hash     text   NOT NULL,        -- SHA-256 of state
    nonce          text   NOT NULL,        -- in clear: compared with the ID token's nonce claim at the callback
    code_verifier  text   NOT NULL,        -- in clear: sent to LINE's token endpoint at the callback
    redirect_uri   text   NOT NULL,
    link_member_id text,                   -- the member this login links, when started as a link
    created_at     bigint NOT NULL,
    expires_at     bigint NOT NULL,
    used_at        bigint
);
CREATE INDEX pending_logins_by_expiry ON pending_logins (expires_at);

DROP TABLE link_nonces;
CREATE TABLE link_nonces (
    nonce_hash      text    PRIMARY KEY,   -- SHA-256 of the nonce
    member_id       text    NOT NULL,
    link_token_hash text    NOT NULL,      -- SHA-256 of the link token it was issued with
    line_user_id    text    NOT NULL,      -- the LINE user that link token was issued for
    may_replace     integer NOT NULL,      -- 1: the member confirmed replacing an existing link
    created_at      bigint  NOT NULL,
    expires_at      bigint  NOT NULL,
    used_at         bigint
);
CREATE INDEX link_nonces_by_expiry ON link_nonces (expires_at);

CREATE TABLE link_tokens (
    token_hash   text   PRIMARY KEY,       -- SHA-256 of the link token the bot issued
    line_user_id text   NOT NULL,
    issued_at    bigint NOT NULL,
    expires_at   bigint NOT NULL
);
CREATE INDEX link_tokens_by_expiry ON link_tokens (expires_at);
