package org.openmaas.api;

import org.openmaas.engine.GenerationEvent;

/**
 * A generation that failed while a whole-result route collected it: {@link ErrorTable} gives it the code and message a
 * stream would end with, and the route answers with them in its error object.
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
