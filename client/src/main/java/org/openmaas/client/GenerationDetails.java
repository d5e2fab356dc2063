package org.openmaas.client;

import java.util.Objects;
import java.util.Optional;

/**
 * How a generation ended: the {@code details} of the stream's last line.
 *
 * @param finishReason     why it ended
 * @param finishReasonName the reason exactly as the service wrote it, e.g. {@code FINISH_REASON_LENGTH}
 * @param generatedTokens  how many tokens it generated (an end-of-sequence token included)
 * @param seed             the sampling seed as an unsigned 64-bit decimal, present when the request sampled; passing
 *                         it back with {@link GenerateRequest.Builder#seed(String)} replays the generation
 */
public record GenerationDetails(FinishReason finishReason, String finishReasonName, int generatedTokens,
                                Optional<String> seed) {

    public GenerationDetails {
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(finishReasonName, "finishReasonName");
        Objects.requireNonNull(seed, "seed");
    }
}
