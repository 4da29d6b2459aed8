-- linegate's schema on PostgreSQL: the same tables as the embedded SQLite store (whose migrations
-- V1-V9 built them one by one), in one step. Times are epoch milliseconds, as there.

-- The webhook path. Raw bodies are appended before the 200; nothing is parsed before the acknowledgement.
CREATE TABLE inbox (
    seq         bigserial PRIMARY KEY,
    received_at bigint    NOT NULL,
    body        bytea     NOT NULL
);

-- Events split out of the inbox, waiting for (or in) their handler. A row is deleted when done.
CREATE TABLE events (
    seq         bigserial PRIMARY KEY,
    event_id    text      NOT NULL,
    lane        text      NOT NULL,
    destination text,
    payload     text      NOT NULL,
    received_at bigint    NOT NULL,
    attempts    integer   NOT NULL DEFAULT 0,
    last_error  text
);

-- webhookEventIds already accepted, kept for the dedupe window; shared by every node.
CREATE TABLE seen_events (
    event_id text   PRIMARY KEY,
    seen_at  bigint NOT NULL
);
CREATE INDEX seen_events_by_time ON seen_events (seen_at);

CREATE TABLE dead_letters (
    id          bigserial PRIMARY KEY,
    event_id    text      NOT NULL,
    lane        text      NOT NULL,
    destination text,
    payload     text      NOT NULL,
    received_at bigint    NOT NULL,
    attempts    integer   NOT NULL,
    error       text,
    failed_at   bigint    NOT NULL,
    replayed_at bigint
);

-- Per-conversation key/value state, written with the events' done-marks.
CREATE TABLE conversation_state (
    lane       text   NOT NULL,
    key        text   NOT NULL,
    value      text   NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (lane, key)
);

-- Switches an operator flips at run time: muted sources, maintenance mode.
CREATE TABLE operator_controls (
    kind       text   NOT NULL,
    subject    text   NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (kind, subject)
);

-- The guidelines: save logs of API requests and responses for a certain period. Never the token.
CREATE TABLE api_requests (
    id                  bigserial PRIMARY KEY,
    at                  bigint    NOT NULL,
    method              text      NOT NULL,
    endpoint            text      NOT NULL,
    status              integer   NOT NULL,
    latency_ms          bigint    NOT NULL,
    request_id          text,
    accepted_request_id text,
    retry_key           text,
    attempt             integer   NOT NULL,
    error               text,
    request_body        text
);
CREATE INDEX api_requests_by_time ON api_requests (at);
CREATE INDEX api_requests_by_request_id ON api_requests (request_id);

-- Channel access tokens shared by every node, so that they use one token and never issue past
-- LINE's limits. The token is a credential: restrict who may read this database.
CREATE TABLE channel_tokens (
    id            bigserial PRIMARY KEY,
    channel_id    text      NOT NULL,
    kind          text      NOT NULL,
    token         text      NOT NULL,
    key_id        text,
    issued_at     bigint    NOT NULL,
    expires_at    bigint    NOT NULL,
    superseded_at bigint,
    revoked_at    bigint
);
CREATE INDEX channel_tokens_current ON channel_tokens (channel_id, kind, expires_at);

-- Short leases so that one node at a time does a thing (issuing a token) for all of them.
CREATE TABLE leases (
    name   text   PRIMARY KEY,
    holder text   NOT NULL,
    until  bigint NOT NULL
);

-- Staged delivery: each batch keeps the retry key it was created with.
CREATE TABLE campaigns (
    id                 bigserial PRIMARY KEY,
    name               text             NOT NULL,
    messages           text             NOT NULL,
    recipients_per_sec double precision NOT NULL,
    starts_at          bigint           NOT NULL,
    state              text             NOT NULL,
    created_at         bigint           NOT NULL,
    detail             text,
    mode               text             NOT NULL DEFAULT 'multicast',
    audience_group_id  bigint
);

CREATE TABLE campaign_batches (
    campaign_id         bigint  NOT NULL,
    batch_no            integer NOT NULL,
    recipients          text    NOT NULL,
    size                integer NOT NULL,
    retry_key           text    NOT NULL,
    state               text    NOT NULL,
    request_id          text,
    accepted_request_id text,
    sent_at             bigint,
    error               text,
    PRIMARY KEY (campaign_id, batch_no)
);
CREATE INDEX campaign_batches_by_state ON campaign_batches (campaign_id, state, batch_no, size);

-- Rate-limit buckets shared by every node, per endpoint.
CREATE TABLE rate_buckets (
    endpoint   text             PRIMARY KEY,
    tokens     double precision NOT NULL,
    updated_at bigint           NOT NULL
);

-- LINE Login attempts in progress.
CREATE TABLE login_sessions (
    id            text   PRIMARY KEY,
    state         text   NOT NULL,
    nonce         text   NOT NULL,
    code_verifier text   NOT NULL,
    redirect_uri  text   NOT NULL,
    created_at    bigint NOT NULL,
    used_at       bigint
);
CREATE INDEX login_sessions_by_time ON login_sessions (created_at);

-- ID linking.
CREATE TABLE account_links (
    line_user_id text   PRIMARY KEY,
    member_id    text   NOT NULL UNIQUE,
    via          text   NOT NULL,
    linked_at    bigint NOT NULL
);

CREATE TABLE link_nonces (
    nonce      text   PRIMARY KEY,
    member_id  text   NOT NULL,
    created_at bigint NOT NULL,
    used_at    bigint
);

CREATE TABLE link_audit (
    id           bigserial PRIMARY KEY,
    at           bigint    NOT NULL,
    action       text      NOT NULL,
    line_user_id text,
    member_id    text,
    detail       text
);
