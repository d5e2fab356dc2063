package org.openmaas.grammar;

import java.util.Objects;

/**
 * A JSON Schema or regular expression asks for something the grammar compilers cannot express (or is malformed). The
 * message names the construct and where it is, so the API can answer 400 with it as is.
 */
public final class GrammarException extends RuntimeException {

    private final String construct;
    private final String location;

    /**
     * @param construct the schema keyword or regex construct at fault (e.g. {@code uniqueItems}, {@code lookahead})
     * @param location  where it is: a JSON pointer into the schema, or an offset into the pattern
     * @param message   what is wrong and what is allowed
     */
    public GrammarException(String construct, String location, String message) {
        super(construct + " at " + location + ": " + message, null, false, false);
        this.construct = Objects.requireNonNull(construct, "construct");
        this.location = Objects.requireNonNull(location, "location");
    }

    public String construct() {
        return construct;
    }

    public String location() {
        return location;
    }
}
