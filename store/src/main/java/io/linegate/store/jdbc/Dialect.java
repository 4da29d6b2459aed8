package io.linegate.store.jdbc;

/** The few places where the SQL of the two backends differs. */
public enum Dialect {
    /** Writes are serialized by one writer per file, which {@code BEGIN IMMEDIATE} makes exclusive across processes. */
    SQLITE {
        @Override
        public String forUpdate() {
            return "";
        }

        @Override
        public String indexedBy(String index) {
            return " INDEXED BY " + index;
        }

        @Override
        public String partitionColumn() {
            return "0";
        }


        @Override
        public String nowMillis() {
            return "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
        }
    },
    /** Transactions run concurrently; rows read for a later write are locked with {@code FOR UPDATE}. */
    POSTGRESQL {
        @Override
        public String forUpdate() {
            return " FOR UPDATE";
        }

        @Override
        public String indexedBy(String index) {
            return "";
        }

        @Override
        public String partitionColumn() {
            return "part";
        }


        @Override
        public String nowMillis() {
            return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS bigint)";
        }
    };

    /** Appended to a SELECT whose rows the same transaction will change. */
    public abstract String forUpdate();

    /** An index hint where the planner needs one (SQLite without statistics); empty elsewhere. */
    public abstract String indexedBy(String index);

    /** The expression of an event's partition in the {@code events} table. */
    public abstract String partitionColumn();

    /** The database server's current time in epoch milliseconds (leases are timed by one clock). */
    public abstract String nowMillis();
}
