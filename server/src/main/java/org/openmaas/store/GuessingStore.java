package org.openmaas.store;

/**
 * Failed token requests in one-minute windows every instance shares. A secret may be checked only under a
 * {@link Reserved} attempt: reserving adds one to the window's attempts being checked, in one conditional update,
 * unless failures and checks together reached the limit; both databases apply concurrent updates of one row one
 * after the other and test the condition against the row as the one before left it, so concurrent attempts on any
 * number of instances cannot all find "below the limit" and then all be checked. An instance that dies while
 * checking leaves its place held until the window ends, a minute at most.
 */
public final class GuessingStore {

    /** What {@link #reserve} found. */
    public sealed interface Attempt {
    }

    /** May be checked now; {@link #settle} it exactly once. */
    public record Reserved(String key, long window) implements Attempt {
    }

    /** Refused: {@code failures} wrong secrets and {@code checking} attempts in flight fill the window. */
    public record Refused(long failures, long checking) implements Attempt {
    }

    private final Database database;

    public GuessingStore(Database database) {
        this.database = database;
    }

    /** Reserves one attempt under {@code key} in {@code window} unless failures and checks reached {@code limit}. */
    public Attempt reserve(String key, long window, int limit) {
        ensureRow(key, window);
        return database.withHandle(h -> {
            // One conditional update: it holds the row's lock for a single statement, and once the window is full it
            // matches nothing and waits for nobody, so a burst does not queue on the lock holding pooled connections.
            int reserved = h.createUpdate("""
                            UPDATE guessing_counters SET checking = checking + 1
                            WHERE counter_key = :key AND window_start = :window AND failures + checking < :limit""")
                    .bind("key", key).bind("window", window).bind("limit", limit).execute();
            if (reserved == 1) {
                return new Reserved(key, window);
            }
            return h.createQuery("""
                            SELECT failures, checking FROM guessing_counters
                            WHERE counter_key = :key AND window_start = :window""")
                    .bind("key", key).bind("window", window)
                    .map((rs, ctx) -> new Refused(rs.getLong(1), rs.getLong(2))).one();
        });
    }

    /** Ends a reserved attempt: a wrong secret counts as a failure, a right one frees its place. */
    public void settle(Reserved attempt, boolean failed) {
        database.useHandle(h -> h.createUpdate("""
                        UPDATE guessing_counters SET checking = checking - 1, failures = failures + :failed
                        WHERE counter_key = :key AND window_start = :window""")
                .bind("key", attempt.key()).bind("window", attempt.window()).bind("failed", failed ? 1 : 0)
                .execute());
    }

    /**
     * Counts a failure under {@code key} in {@code window} that needed no reservation (the source address's).
     *
     * @return the window's failures, this one included
     */
    public long fail(String key, long window) {
        ensureRow(key, window);
        return database.withHandle(h -> {
            h.createUpdate("""
                            UPDATE guessing_counters SET failures = failures + 1
                            WHERE counter_key = :key AND window_start = :window""")
                    .bind("key", key).bind("window", window).execute();
            // Others' failures since count too: the address is over its limit either way.
            return h.createQuery("SELECT failures FROM guessing_counters WHERE counter_key = :key AND window_start = :window")
                    .bind("key", key).bind("window", window).mapTo(Long.class).one();
        });
    }

    /** Forgets windows that ended before {@code window}. */
    public int forgetWindowsBefore(long window) {
        return database.withHandle(h -> h.createUpdate("DELETE FROM guessing_counters WHERE window_start < :window")
                .bind("window", window).execute());
    }

    private void ensureRow(String key, long window) {
        database.ensureRow("SELECT COUNT(*) FROM guessing_counters WHERE counter_key = :a AND window_start = :b",
                "INSERT INTO guessing_counters (counter_key, window_start, failures, checking) VALUES (:a, :b, 0, 0)",
                key, window);
    }
}
