package org.openmaas.engine.remote;

import java.util.Objects;

/** A call to an upstream endpoint outside a generation (a health probe, tokenization) failed. */
public final class UpstreamException extends Exception {

    private final UpstreamFailure failure;

    public UpstreamException(UpstreamFailure failure) {
        super(failure.message());
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    public UpstreamFailure failure() {
        return failure;
    }
}
