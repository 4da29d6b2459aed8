-- Where the appender tries a write while the store cannot write (the server's disk full, say): a row
-- that needs room is inserted and deleted in one transaction, so that the store is ready again once
-- it has room. Always empty.
CREATE TABLE write_probe (id BIGSERIAL PRIMARY KEY, filler BYTEA NOT NULL);
