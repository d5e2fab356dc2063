package org.openmaas.engine;

/** The engine is shutting down or has stopped and takes no new work. */
public final class EngineClosedException extends RuntimeException {
    public EngineClosedException(String message) {
        super(message);
    }
}
