-- The guidelines: save logs of API requests and responses for a certain period. Never the token.
CREATE TABLE api_requests (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    at                  INTEGER NOT NULL,  -- epoch ms when the attempt started
    method              TEXT    NOT NULL,
    endpoint            TEXT    NOT NULL,  -- path only: query strings can carry credentials
    status              INTEGER NOT NULL,  -- 0 when no response arrived
    latency_ms          INTEGER NOT NULL,
    request_id          TEXT,              -- x-line-request-id
    accepted_request_id TEXT,              -- x-line-accepted-request-id (409 on a retried send)
    retry_key           TEXT,              -- X-Line-Retry-Key
    attempt             INTEGER NOT NULL,
    error               TEXT,              -- the error body, or the failure when no response arrived
    request_body        TEXT               -- only when enabled, with user ids and texts redacted if asked
);
CREATE INDEX api_requests_by_time ON api_requests (at);
CREATE INDEX api_requests_by_request_id ON api_requests (request_id);
