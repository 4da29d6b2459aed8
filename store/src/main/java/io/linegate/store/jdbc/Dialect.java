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
    };

    /** Appended to a SELECT whose rows the same transaction will change. */
    public abstract String forUpdate();

    /** An index hint where the planner needs one (SQLite without statistics); empty elsewhere. */
    public abstract String indexedBy(String index);
}
