-- Several nodes on one database. Every event belongs to one of 64 partitions by a hash of its lane
-- (all events of one user, group or room in one partition); a node handles the events of the
-- partitions it leases. 64 is fixed here and in PostgresCluster.PARTITIONS.
ALTER TABLE events ADD COLUMN part integer GENERATED ALWAYS AS ((hashtext(lane) & 2147483647) % 64) STORED;
CREATE INDEX events_by_partition ON events (part, seq);

-- The nodes: each renews its row with every heartbeat; one whose "until" has passed is gone.
CREATE TABLE cluster_nodes (
    node_id    text   PRIMARY KEY,
    started_at bigint NOT NULL,
    seen_at    bigint NOT NULL,
    until      bigint NOT NULL
);

-- One row per leased partition: the holder may handle its events until "until" (database time).
CREATE TABLE partition_leases (
    part   integer PRIMARY KEY,
    holder text    NOT NULL,
    until  bigint  NOT NULL
);
