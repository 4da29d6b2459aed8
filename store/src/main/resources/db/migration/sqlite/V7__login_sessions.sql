-- LINE Login attempts in progress: state, nonce and PKCE verifier, bound to the browser by a cookie
-- holding the id; single use and short-lived (the authorization code itself lives 10 minutes).
CREATE TABLE login_sessions (
    id            TEXT    PRIMARY KEY,
    state         TEXT    NOT NULL,
    nonce         TEXT    NOT NULL,
    code_verifier TEXT    NOT NULL,
    redirect_uri  TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    used_at       INTEGER
) WITHOUT ROWID;
CREATE INDEX login_sessions_by_time ON login_sessions (created_at);
