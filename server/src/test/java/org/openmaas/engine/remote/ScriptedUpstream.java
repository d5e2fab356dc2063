package org.openmaas.engine.remote;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.Token;
import org.openmaas.engine.ToolCalling;
import org.openmaas.engine.UnsupportedParameterException;

/**
 * The pool's collaborator as a test drives it, speaking no HTTP: every attempt the pool starts is recorded, and the test
 * plays the upstream's side of it (tokens, an end, a failure) on its own thread, so each step of the pool happens
 * exactly when the test says.
 */
final class ScriptedUpstream implements Upstream {

    private final List<Call> calls = new ArrayList<>();
    private final Map<URI, UpstreamFailure> probeFailures = new HashMap<>();

    /** One attempt the pool started. */
    static final class Call implements Attempt {
        final URI endpoint;
        final AttemptRequest request;
        private final UpstreamListener listener;
        private volatile boolean cancelled;
        private volatile Duration awaitedSent; // what the pool waited for its request, if it waited

        Call(URI endpoint, AttemptRequest request, UpstreamListener listener) {
            this.endpoint = endpoint;
            this.request = request;
            this.listener = listener;
        }

        Call tokens(int... ids) {
            for (int id : ids) {
                listener.token(new GenerationEvent.TokenGenerated(token(id), List.of()));
            }
            return this;
        }

        void finish(FinishReason reason, int promptTokens, int generatedTokens) {
            listener.finished(reason, promptTokens, generatedTokens);
        }

        void fail(UpstreamFailure failure) {
            listener.failed(failure);
        }

        boolean cancelled() {
            return cancelled;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        /** A scripted call is with its upstream, the test, as soon as it starts: the wait is only recorded. */
        @Override
        public void awaitSent(Duration atMost) {
            awaitedSent = atMost;
        }

        /** How long the pool was ready to wait for this call's request to be sent; null when it did not wait. */
        Duration awaitedSent() {
            return awaitedSent;
        }
    }

    /** Token {@code id} reads as "&lt;id&gt;". */
    static Token token(int id) {
        return new Token(id, "<" + id + ">", -0.5f, false);
    }

    @Override
    public void requireSupported(GenerationRequest request) {
        if (request.sampling().typicalP() < 1) {
            throw new UnsupportedParameterException("typical_p", "typical_p is not supported by this upstream");
        }
    }

    @Override
    public ToolCalling toolCalling(List<URI> endpoints) {
        return new ToolCalling.Refused("takes no tools in this test", true);
    }

    @Override
    public boolean continuesFromTokenIds() {
        return true;
    }

    @Override
    public synchronized void probe(URI endpoint) throws UpstreamException {
        UpstreamFailure failure = probeFailures.get(endpoint);
        if (failure != null) {
            throw new UpstreamException(failure);
        }
    }

    @Override
    public synchronized Attempt start(URI endpoint, AttemptRequest request, UpstreamListener listener) {
        Call call = new Call(endpoint, request, listener);
        calls.add(call);
        return call;
    }

    synchronized void failProbes(URI endpoint, String message) {
        probeFailures.put(endpoint, new UpstreamFailure.Unreachable(message));
    }

    synchronized void passProbes(URI endpoint) {
        probeFailures.remove(endpoint);
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized Call last() {
        return calls.getLast();
    }

    synchronized Call call(int index) {
        return calls.get(index);
    }
}
