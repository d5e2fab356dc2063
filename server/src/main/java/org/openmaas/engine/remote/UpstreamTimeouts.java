package org.openmaas.engine.remote;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the gateway waits on an upstream's stream before it counts the attempt as failed and continues on another
 * endpoint (before the first token, or mid-stream where the type can).
 *
 * @param firstToken from sending the request to the upstream's first event: its queue and its prompt processing, which
 *                   for a large model, a long prompt or a loaded cluster can take minutes. The answer's headers must
 *                   come within it too (llama-server sends them with the first token; vLLM sends them at once).
 * @param idle       how long an open stream may then go without a byte: longer than any gap between two tokens of a
 *                   working upstream, so one silent for this long has stalled (a wedged GPU, a half-open connection)
 */
public record UpstreamTimeouts(Duration firstToken, Duration idle) {

    /** The longest either may be: a day, beyond which a stream is not waited on but forgotten. */
    public static final Duration MAX = Duration.ofDays(1);

    /** The shortest either may be: a wait is watched in steps of a quarter of it, and shorter steps are noise. */
    public static final Duration MIN = Duration.ofMillis(10);

    /**
     * A minute each: a prompt of many thousand tokens on a busy GPU node, and any pause between tokens. Declared after
     * the bounds that its construction checks.
     */
    public static final UpstreamTimeouts DEFAULTS =
            new UpstreamTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(60));

    public UpstreamTimeouts {
        requireWithinBounds("first token", Objects.requireNonNull(firstToken, "firstToken"));
        requireWithinBounds("idle", Objects.requireNonNull(idle, "idle"));
    }

    private static void requireWithinBounds(String name, Duration wait) {
        if (wait.compareTo(MIN) < 0 || wait.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("the " + name + " timeout must be between " + MIN.toMillis()
                    + " ms and " + MAX.toHours() + " hours, got " + wait.toMillis() + " ms");
        }
    }
}
