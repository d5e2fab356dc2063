package org.openmaas.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.HandleConsumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.openmaas.accounts.model.StoreUnavailableException;

/**
 * The connection pool and schema of one store: an embedded H2 file by default, PostgreSQL when a JDBC URL says so.
 * Opening migrates the schema, so every caller sees the current one; the same migrations run on both. The stores
 * reach the database through {@link #withHandle} and its siblings, which turn a lost database into
 * {@link StoreUnavailableException}, so no caller needs to know what the JDBC driver throws.
 */
public final class Database implements AutoCloseable {

    /** How long a request waits for a connection before it is told the database is unavailable. */
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);
    /** Statements each connection of the embedded store keeps parsed: every statement a request runs, and more. */
    static final int H2_QUERY_CACHE = 64;
    /**
     * Bytes at which the embedded store splits a B-tree page: every commit rewrites, for each table and index it
     * changed, the page it changed and every page above it, and H2's default of 4096 made that 80% of an admission's
     * and a settlement's CPU. At 2048 an admit+settle cycle took 11% less CPU (`bench store --data-dir D --instances 1
     * --clients 1 --threads 1`: 0.62-0.63 against 0.55-0.56 ms; with 8 in flight, whose group commits share pages,
     * 0.41-0.45 against 0.39-0.44) and the file grew half as fast; at 1024 the deeper trees cost more than the smaller
     * pages saved (0.70-0.71 ms). Only a split threshold: files written with other sizes open and read as before.
     */
    static final int H2_PAGE_SPLIT = 2048;

    public enum Kind { H2, POSTGRESQL }

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Kind kind;

    private Database(HikariDataSource dataSource, Kind kind) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        // Queries with optional filters bind every filter and use those that are set.
        this.jdbi.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
        this.kind = kind;
    }

    /**
     * The embedded store: {@code <dataDir>/maas.mv.db}, locked by this process while open. Commits are written to the
     * file at once ({@code WRITE_DELAY=0}), so a killed process loses no committed usage record. Each connection keeps
     * {@value #H2_QUERY_CACHE} parsed statements: at H2's default of 8, a generation's admission and settlement (about
     * 15 statements) evicted one another and H2 parsed and planned every statement of every request again. Pages
     * split at {@value #H2_PAGE_SPLIT} bytes.
     */
    public static Database embedded(Path dataDir) {
        return open(embeddedUrl(dataDir));
    }

    /** The JDBC URL of the embedded store in {@code dataDir}, with the settings {@link #embedded} describes. */
    public static String embeddedUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("maas") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0"
                + ";QUERY_CACHE_SIZE=" + H2_QUERY_CACHE + ";PAGE_SIZE=" + H2_PAGE_SPLIT;
    }

    /** @throws IllegalArgumentException when the URL names neither H2 nor PostgreSQL */
    public static Database open(String jdbcUrl) {
        Kind kind = kindOf(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("maas-store");
        config.setMaximumPoolSize(8);
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        config.setValidationTimeout(Math.min(1000, CONNECTION_TIMEOUT.toMillis() - 1));
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot open the store at " + redacted(jdbcUrl) + ": " + rootMessage(e), e);
        }
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource, kind);
    }

    /** The URL without its parameters, which may hold a password. */
    public static String redacted(String jdbcUrl) {
        int query = jdbcUrl.indexOf('?');
        int h2Settings = jdbcUrl.startsWith("jdbc:h2:") ? jdbcUrl.indexOf(';') : -1;
        int end = query >= 0 ? query : h2Settings >= 0 ? h2Settings : jdbcUrl.length();
        return jdbcUrl.substring(0, end) + (end < jdbcUrl.length() ? "?..." : "");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    static Kind kindOf(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return Kind.H2;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return Kind.POSTGRESQL;
        }
        throw new IllegalArgumentException("the database URL must be a JDBC URL for PostgreSQL "
                + "(jdbc:postgresql://host:5432/database?user=...) or H2 (jdbc:h2:...); got one starting '"
                + jdbcUrl.substring(0, Math.min(jdbcUrl.length(), 16)) + "'");
    }

    /** The raw connection, for tests that set up rows no store method writes. */
    public Jdbi jdbi() {
        return jdbi;
    }

    <R> R withHandle(HandleCallback<R, RuntimeException> callback) {
        try {
            return jdbi.withHandle(callback);
        } catch (RuntimeException e) {
            throw translated(e);
        }
    }

    void useHandle(HandleConsumer<RuntimeException> consumer) {
        withHandle(h -> {
            consumer.useHandle(h);
            return null;
        });
    }

    /** Runs {@code callback} in one transaction, committed when it returns and rolled back when it throws. */
    <R> R inTransaction(HandleCallback<R, RuntimeException> callback) {
        return withHandle(h -> h.inTransaction(callback));
    }

    void useTransaction(HandleConsumer<RuntimeException> consumer) {
        withHandle(h -> {
            h.useTransaction(consumer);
            return null;
        });
    }

    /**
     * Inserts a counter row unless {@code count} finds it, outside any transaction (PostgreSQL aborts one on a
     * duplicate key); an instance that inserted it first wins. Both statements take {@code :a} and {@code :b}.
     */
    void ensureRow(String count, String insert, Object a, Object b) {
        useHandle(h -> {
            if (h.createQuery(count).bind("a", a).bind("b", b).mapTo(Long.class).one() > 0) {
                return;
            }
            try {
                h.createUpdate(insert).bind("a", a).bind("b", b).execute();
            } catch (RuntimeException e) {
                if (!isDuplicate(e)) {
                    throw e;
                }
            }
        });
    }

    private static RuntimeException translated(RuntimeException e) {
        return isUnavailable(e) && !(e instanceof StoreUnavailableException) ? new StoreUnavailableException(e) : e;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Whether {@code failure} means the database cannot be reached now (no connection in time, connection lost,
     * server shutting down), as opposed to a mistake in a statement.
     */
    static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectionException || t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exceptions; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now;
                // 90098/90121: H2's "database is closed" / "closed by the VM".
                if (state.startsWith("08") || state.startsWith("57P") || state.equals("90098") || state.equals("90121")) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Whether {@code failure} is a unique-key violation (SQLSTATE 23505 on both databases). */
    static boolean isDuplicate(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
