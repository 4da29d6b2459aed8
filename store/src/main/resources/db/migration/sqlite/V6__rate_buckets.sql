-- Rate-limit buckets shared by the processes of one deployment, per endpoint (Messaging API reference, "Rate limits").
CREATE TABLE rate_buckets (
    endpoint   TEXT    PRIMARY KEY,
    tokens     REAL    NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
