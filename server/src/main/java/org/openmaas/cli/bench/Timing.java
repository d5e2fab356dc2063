package org.openmaas.cli.bench;

import java.util.List;

/**
 * What one request took; times in nanoseconds from when it was sent.
 *
 * @param tokenNanos      when each token of a stream arrived (a MaaS stream's final line carries the last token; an
 *                        OpenAI stream's tokens are its chunks that carry text); empty for a request answered in one
 *                        piece
 * @param generatedTokens the tokens the server says it generated (details or usage)
 * @param error           null, or what went wrong (an HTTP status with its body, or the stream's error)
 */
record Timing(List<Long> tokenNanos, long endNanos, int generatedTokens, String error) {

    Timing {
        tokenNanos = List.copyOf(tokenNanos);
    }

    boolean ok() {
        return error == null;
    }
}
