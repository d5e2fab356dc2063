package org.openmaas.engine;

import java.util.Objects;

/**
 * The product's engine cannot honour a parameter the request set (an upstream protocol has no such parameter): the
 * request is refused before admission, naming it, rather than served without it.
 */
public final class UnsupportedParameterException extends RuntimeException {

    private final String parameter;

    /**
     * @param parameter the parameter as the client names it (e.g. {@code typical_p})
     * @param message   a sentence saying what the engine cannot do and what it can
     */
    public UnsupportedParameterException(String parameter, String message) {
        super(message);
        this.parameter = Objects.requireNonNull(parameter, "parameter");
    }

    public String parameter() {
        return parameter;
    }
}
