package org.openmaas.engine.remote;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.ToolCalling;

/**
 * One upstream protocol (llama-server, vLLM, TGI, OpenAI-compatible, another MaaS) as seen by the pool that routes a
 * product's generations across its endpoints: how one attempt is asked of one endpoint and how its stream is read
 * back as tokens. The pool does the routing, retries, failover and queueing; an {@code Upstream} does single attempts
 * and knows nothing of the others. One instance serves one product, so it may hold that product's upstream model
 * name, key and (for type {@code maas}) its cached access token.
 */
public interface Upstream {

    /**
     * Refuses, before admission, what this protocol cannot honour.
     *
     * @throws org.openmaas.engine.UnsupportedParameterException naming the parameter as the client sent it
     */
    void requireSupported(GenerationRequest request);

    /**
     * Whether and how this protocol takes a conversation's tools (see {@link org.openmaas.engine.Engine#toolCalling}).
     *
     * @param endpoints the pool's endpoints, in the catalog's order, for a protocol that asks one
     */
    ToolCalling toolCalling(List<URI> endpoints);

    /**
     * Whether {@link #start} continues exactly from {@link AttemptRequest#generated()} (it resends the prompt's token
     * ids plus the generated ids), so a greedy generation that fails over goes on as an uninterrupted one would.
     * Otherwise a continuation resends the prompt text plus the generated text.
     */
    boolean continuesFromTokenIds();

    /**
     * One health check of an endpoint (its health or models route).
     *
     * @throws UpstreamException when the endpoint is not ready to serve
     */
    void probe(URI endpoint) throws UpstreamException;

    /**
     * Starts one attempt on one endpoint and returns at once; the listener hears the attempt's tokens in order, then
     * exactly one {@link UpstreamListener#finished} or {@link UpstreamListener#failed}, unless the attempt is
     * cancelled first. Never throws for a failure of the endpoint: that is reported to the listener.
     */
    Attempt start(URI endpoint, AttemptRequest request, UpstreamListener listener);

    /** An attempt in flight. */
    interface Attempt {
        /** Stops the attempt and closes its connection, so the upstream stops generating; the listener hears nothing more. */
        void cancel();

        /**
         * Waits until the attempt's request is on its way to the upstream, or the attempt has ended, or {@code atMost}
         * has passed. An interrupt ends the wait early and stays set.
         */
        void awaitSent(Duration atMost);
    }
}
