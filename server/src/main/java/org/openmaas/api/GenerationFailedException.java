package org.openmaas.api;

import org.openmaas.engine.GenerationEvent;

/**
 * A generation that failed before its route had answered (a whole-result route): {@link ErrorTable} answers it with
 * the same status and message a stream would end with.
 */
public final class GenerationFailedException extends RuntimeException {

    private final GenerationEvent.Failed failed;

    public GenerationFailedException(GenerationEvent.Failed failed) {
        super(failed.message(), null, false, false);
        this.failed = failed;
    }

    public GenerationEvent.Failed failed() {
        return failed;
    }
}
