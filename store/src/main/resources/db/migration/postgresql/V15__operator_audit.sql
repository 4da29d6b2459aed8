-- Who changed an operator switch or replayed a dead letter, and when: the admin API and the console
-- write a row with every change they make. Times are epoch milliseconds.
CREATE TABLE operator_audit (
    id      bigserial PRIMARY KEY,
    at      bigint    NOT NULL,
    actor   text      NOT NULL,
    action  text      NOT NULL,
    subject text,
    detail  text
);

-- The console's dead letters filtered by conversation, newest first, a page at a time.
CREATE INDEX dead_letters_by_lane ON dead_letters (lane, id);
