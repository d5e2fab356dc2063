package org.openmaas.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of a generation stream: a token, and on the last line also the whole text and the details.
 *
 * @param token         the generated token
 * @param topTokens     the most likely alternatives at this position, when the request asked for
 *                      {@link GenerateRequest.Builder#topNTokens(int) top_n_tokens}; otherwise empty
 * @param requestId     the service's id of the request (also in {@link MaasException#requestId()} of its errors)
 * @param generatedText on the last line only: the whole generated text
 * @param details       on the last line only: how the generation ended
 * @param line          the NDJSON line exactly as received, for callers that pass the wire format on
 */
public record TokenEvent(Token token, List<Token> topTokens, String requestId, Optional<String> generatedText,
                         Optional<GenerationDetails> details, String line) {

    public TokenEvent {
        Objects.requireNonNull(token, "token");
        topTokens = List.copyOf(topTokens);
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(generatedText, "generatedText");
        Objects.requireNonNull(details, "details");
        Objects.requireNonNull(line, "line");
    }

    /** Whether this is the stream's last line, the one carrying the details. */
    public boolean isLast() {
        return details.isPresent();
    }
}
