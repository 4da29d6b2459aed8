package io.linegate.store;

import javax.sql.DataSource;

/**
 * A storage backend, found with {@link java.util.ServiceLoader} by {@link Store#open}. Register an
 * implementation in {@code META-INF/services/io.linegate.store.StoreProvider}.
 */
public interface StoreProvider {

    /** Whether this backend opens {@code location} (by its scheme, typically). */
    boolean accepts(String location);

    /** An example location, shown when no backend accepts one. */
    String example();

    /** Opens (and migrates) the store; see {@link Store.Options}. */
    Store open(String location, Store.Options options);

    /**
     * Opens (and migrates) the store on a {@link javax.sql.DataSource} the application already has, if
     * this backend serves its database; {@code null} if it does not. The application keeps the data
     * source: closing the store does not close it.
     */
    default Store open(DataSource dataSource, String databaseProduct, Store.Options options) {
        return null;
    }

    /** {@code location} with any password in it replaced, for messages and logs. */
    static String redact(String location) {
        if (location == null) {
            return null;
        }
        return location.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("(//[^/@:]*:)[^/@]*@", "$1***@");
    }
}
