package org.openmaas.engine;

/** The engine's wait queue is full; the caller should retry later. */
public final class EngineOverloadedException extends RuntimeException {
    private final int queueCapacity;

    public EngineOverloadedException(int queueCapacity) {
        super("the model's wait queue is full (" + queueCapacity + " requests)");
        this.queueCapacity = queueCapacity;
    }

    public int queueCapacity() {
        return queueCapacity;
    }
}
