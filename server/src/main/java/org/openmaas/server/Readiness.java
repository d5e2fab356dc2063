package org.openmaas.server;

/** Whether the server should get traffic: true once its models have loaded, false again while it stops. */
public final class Readiness {

    private volatile boolean ready;
    private volatile String reason = "loading models";

    public boolean isReady() {
        return ready;
    }

    public String reason() {
        return reason;
    }

    void ready() {
        ready = true;
        reason = "serving";
    }

    void notReady(String why) {
        reason = why;
        ready = false;
    }
}
