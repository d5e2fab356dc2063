package org.openmaas.engine.remote;

import java.util.List;
import java.util.Objects;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.Token;

/**
 * What one attempt asks of an endpoint: the client's request, continued after the tokens an earlier attempt already
 * streamed to the client (empty for the first attempt).
 *
 * @param generated tokens already sent to the client, in order; the attempt generates at most
 *                  {@code request.maxNewTokens() - generated.size()} more and reports only the new ones
 */
public record AttemptRequest(GenerationRequest request, List<Token> generated) {
    public AttemptRequest {
        Objects.requireNonNull(request, "request");
        generated = List.copyOf(generated);
        if (generated.size() >= request.maxNewTokens()) {
            throw new IllegalArgumentException("nothing left to generate: " + generated.size() + " of "
                    + request.maxNewTokens() + " tokens already sent");
        }
    }

    public int remainingTokens() {
        return request.maxNewTokens() - generated.size();
    }

    public boolean isContinuation() {
        return !generated.isEmpty();
    }
}
