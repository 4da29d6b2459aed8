-- Webhook bodies belong to a partition too (by their number, so the nodes that append spread them over
-- all of them): the node that holds a partition's lease splits its bodies into events, so every node
-- splits, and no lock is shared by all of them. The events' numbers then follow the order in which
-- they were given, not always the order in which they were committed (see EventJournal).
ALTER TABLE inbox ADD COLUMN part integer GENERATED ALWAYS AS ((seq % 64)::integer) STORED;
CREATE INDEX inbox_by_partition ON inbox (part, seq);
