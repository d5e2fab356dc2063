package org.openmaas.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openmaas.store.Database;

/**
 * A fresh, empty store for one test: an H2 file in a temporary folder, or a uniquely named PostgreSQL database
 * (on the server at {@link #POSTGRES_ADMIN_URL}), dropped on {@link #close()}.
 *
 * <p>When PostgreSQL does not answer, its tests are skipped on a developer's machine and fail under CI
 * ({@code CI} set), where {@code .ci/run} starts it.
 */
public final class TestDatabase implements AutoCloseable {

    public enum Kind { H2, POSTGRESQL }

    /** The maintenance database of the test server; {@code MAAS_TEST_POSTGRES_URL} chooses another. */
    public static final String POSTGRES_ADMIN_URL = System.getenv().getOrDefault("MAAS_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    private final Kind kind;
    private final String url;
    private final String name;
    private final Path dir;
    private final List<Database> opened = new ArrayList<>();

    private TestDatabase(Kind kind, String url, String name, Path dir) {
        this.kind = kind;
        this.url = url;
        this.name = name;
        this.dir = dir;
    }

    public static TestDatabase fresh(Kind kind) {
        try {
            Path dir = Files.createTempDirectory("maas-store-test-");
            if (kind == Kind.H2) {
                return new TestDatabase(kind, "jdbc:h2:file:" + dir.resolve("maas") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0",
                        null, dir);
            }
            String name = "maas_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            admin("CREATE DATABASE " + name);
            return new TestDatabase(kind, POSTGRES_ADMIN_URL.replaceFirst("/postgres(\\?|$)", "/" + name + "$1"), name, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Kind kind() {
        return kind;
    }

    /** The JDBC URL of this database, as {@code --db} takes it. */
    public String url() {
        return url;
    }

    /** A temporary folder that lives as long as this database (data directories of servers on it). */
    public Path dir() {
        return dir;
    }

    /** Opens (and migrates) the store; closed with this database. */
    public Database open() {
        Database database = Database.open(url);
        opened.add(database);
        return database;
    }

    /** PostgreSQL only: refuses new connections and ends the open ones, as if the database went away. */
    public void goAway() {
        requirePostgres();
        admin("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
        admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
    }

    /** PostgreSQL only: takes connections again. */
    public void comeBack() {
        requirePostgres();
        admin("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
    }

    @Override
    public void close() {
        opened.forEach(Database::close);
        if (kind == Kind.POSTGRESQL) {
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp folder is harmless
        }
    }

    @Override
    public String toString() {
        return kind.name();
    }

    private void requirePostgres() {
        if (kind != Kind.POSTGRESQL) {
            throw new IllegalStateException("only a PostgreSQL test database can go away");
        }
    }

    private static void admin(String sql) {
        try (Connection connection = connectAdmin(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static Connection connectAdmin() throws SQLException {
        try {
            return DriverManager.getConnection(POSTGRES_ADMIN_URL);
        } catch (SQLException e) {
            String why = "PostgreSQL does not answer at " + POSTGRES_ADMIN_URL + " (" + e.getMessage()
                    + "); ./dev test starts it";
            if (System.getenv("CI") != null) {
                throw new IllegalStateException(why, e);
            }
            Assumptions.abort(why);
            throw e;
        }
    }
}
