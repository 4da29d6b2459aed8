-- What an event's handler has sent that must not be sent again when it is retried (accepted
-- replies: a reply token is single use). Written apart from the done-mark, read back with the
-- event, carried to the dead letters and back with a replay; gone with the event once it is done.
ALTER TABLE events ADD COLUMN sent TEXT;
ALTER TABLE dead_letters ADD COLUMN sent TEXT;
