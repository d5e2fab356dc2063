package org.openmaas.api;

import java.util.List;
import org.openmaas.catalog.CatalogEntry;

/**
 * Range checks that every route's validation shares. Each refuses with a 400 whose message names the field, what is
 * allowed and the value given, and whose {@code param} is the field.
 */
public final class Checks {

    public static final int MAX_STOP_SEQUENCES = 4;
    public static final int MAX_STOP_LENGTH = 100;

    private Checks() {
    }

    /** {@code value}, or {@code absent} when it is null; refused outside [{@code min}, {@code max}]. */
    public static int intInRange(String field, Integer value, int absent, int min, int max) {
        if (value == null) {
            return absent;
        }
        if (value < min || value > max) {
            throw invalid(field, field + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /**
     * {@code value} as the float the engine samples with, or {@code absent} when it is null; refused when not finite or
     * outside the range. The range is judged on the float, not the double sent: a value the engine cannot tell from a
     * limit (1e-50 is 0 as a float) is that limit, and must be refused here rather than by the engine's own checks.
     */
    public static float floatInRange(String field, Double value, float absent, float min, boolean minIncluded,
                                     float max) {
        if (value == null) {
            return absent;
        }
        float narrowed = value.floatValue();
        boolean aboveMin = minIncluded ? narrowed >= min : narrowed > min;
        if (!Float.isFinite(narrowed) || !aboveMin || narrowed > max) {
            throw invalid(field, field + " must be " + (minIncluded ? "between " + fmt(min) + " and "
                    : "greater than " + fmt(min) + " and at most ") + fmt(max) + ", got " + value);
        }
        return narrowed;
    }

    /** At most {@link #MAX_STOP_SEQUENCES} stop sequences of 1 to {@link #MAX_STOP_LENGTH} characters. */
    public static List<String> stopSequences(List<String> stop) {
        if (stop == null) {
            return List.of();
        }
        if (stop.size() > MAX_STOP_SEQUENCES) {
            throw invalid("stop", "stop has " + stop.size() + " sequences; at most " + MAX_STOP_SEQUENCES
                    + " are allowed");
        }
        for (int i = 0; i < stop.size(); i++) {
            String s = stop.get(i);
            if (s == null || s.isEmpty()) {
                throw invalid("stop", "stop[" + i + "] is empty; stop sequences must have 1 to " + MAX_STOP_LENGTH
                        + " characters");
            }
            if (s.length() > MAX_STOP_LENGTH) {
                throw invalid("stop", "stop[" + i + "] has " + s.length() + " characters; at most " + MAX_STOP_LENGTH
                        + " are allowed");
            }
        }
        return List.copyOf(stop);
    }

    /** Refuses a generation on a product that only embeds, naming the product and what it serves instead. */
    public static void requireGenerates(CatalogEntry entry) {
        if (entry.engine().embedder().isPresent()) {
            throw invalid("model", "product " + entry.product().productName() + " serves embeddings only (POST "
                    + "/v1/embeddings); it does not generate text");
        }
    }

    private static String fmt(float f) {
        return f == Math.rint(f) ? Long.toString((long) f) : Float.toString(f);
    }

    private static ApiException.InvalidArgument invalid(String field, String message) {
        return new ApiException.InvalidArgument(message, field);
    }
}
