package org.openmaas.api;

/**
 * Whether the server takes traffic: false while models load, true once they have, false again as soon as it starts
 * to stop. {@code /ready} reports it, and generation requests are refused with 503 while it is false.
 */
public final class Readiness {

    private volatile boolean ready;
    private volatile String reason = "loading models";

    public boolean isReady() {
        return ready;
    }

    public String reason() {
        return reason;
    }

    public void ready() {
        ready = true;
        reason = "serving";
    }

    public void notReady(String why) {
        reason = why;
        ready = false;
    }
}
