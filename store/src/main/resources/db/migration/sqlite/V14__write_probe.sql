-- Where the writer tries a write while the store cannot write (its disk full, say): a row that needs
-- room is inserted and deleted in one transaction, so that the store is ready again once it has room.
-- Always empty.
CREATE TABLE write_probe (id INTEGER PRIMARY KEY, filler BLOB NOT NULL);
