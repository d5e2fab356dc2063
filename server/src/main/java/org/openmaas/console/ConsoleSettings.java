package org.openmaas.console;

import java.time.Duration;
import java.util.Map;

/**
 * How long console sessions and invite links live.
 *
 * @param idleTimeout     a session not used for this long ends
 * @param sessionLifetime a session ends this long after sign-in, however much it is used
 * @param inviteLifetime  an invite link works this long
 */
public record ConsoleSettings(Duration idleTimeout, Duration sessionLifetime, Duration inviteLifetime) {

    public static final String ENV_IDLE_MINUTES = "MAAS_CONSOLE_IDLE_MINUTES";
    public static final String ENV_SESSION_HOURS = "MAAS_CONSOLE_SESSION_HOURS";
    public static final ConsoleSettings DEFAULTS =
            new ConsoleSettings(Duration.ofMinutes(30), Duration.ofHours(12), Duration.ofDays(3));

    public ConsoleSettings {
        if (idleTimeout.compareTo(sessionLifetime) > 0) {
            throw new IllegalArgumentException("the console's idle timeout (" + idleTimeout.toMinutes()
                    + " min) must not exceed its session lifetime (" + sessionLifetime.toHours() + " h)");
        }
    }

    /** The defaults, each replaced by its variable when set: {@value #ENV_IDLE_MINUTES}, {@value #ENV_SESSION_HOURS}. */
    public static ConsoleSettings of(Map<String, String> env) {
        return new ConsoleSettings(
                Duration.ofMinutes(positive(env, ENV_IDLE_MINUTES, DEFAULTS.idleTimeout().toMinutes(), 24 * 60)),
                Duration.ofHours(positive(env, ENV_SESSION_HOURS, DEFAULTS.sessionLifetime().toHours(), 24 * 30)),
                DEFAULTS.inviteLifetime());
    }

    private static long positive(Map<String, String> env, String name, long absent, long max) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            long parsed = Long.parseLong(value.strip());
            if (parsed >= 1 && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(name + " must be a whole number from 1 to " + max + ", got '" + value + "'");
    }
}
