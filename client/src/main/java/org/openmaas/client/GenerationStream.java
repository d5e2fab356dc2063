package org.openmaas.client;

import java.util.Iterator;
import java.util.Optional;

/**
 * A generation as it happens: an iterator of {@link TokenEvent}s, one per token as the service generates it, the
 * last one carrying the {@link #details() details}.
 *
 * <pre>{@code
 * try (GenerationStream stream = client.generateStream(request)) {
 *     for (TokenEvent event : stream) {
 *         System.out.print(event.token().text());
 *     }
 *     System.out.println(stream.details().orElseThrow().finishReason());
 * }
 * }</pre>
 *
 * <p>Closing the stream before its end aborts the HTTP exchange, and the service then stops the generation and
 * frees its slot; always close it (try-with-resources). A failure reported by the service mid-stream, a broken
 * connection or a read timeout is thrown from {@link #hasNext()} / {@link #next()} as a {@link MaasException}.
 *
 * <p>Like {@link java.nio.file.DirectoryStream}, it is {@link Iterable} only once: {@link #iterator()} returns the
 * stream itself. One thread reads it; {@link #close()} may be called from any thread.
 */
public interface GenerationStream extends Iterator<TokenEvent>, Iterable<TokenEvent>, AutoCloseable {

    /** The service's id of this request, from the response's {@code X-Request-ID} header. */
    String requestId();

    /** The details of the last line, once it has been read; empty before then. */
    Optional<GenerationDetails> details();

    /**
     * Reads the rest of the stream and returns the whole generation, with every token (those already read
     * included) and its details.
     *
     * @throws MaasException when the stream fails before its last line
     */
    GenerateResult result();

    /**
     * This stream, for a for-each loop; a second call fails.
     *
     * @throws IllegalStateException when called a second time
     */
    @Override
    Iterator<TokenEvent> iterator();

    /** Aborts the exchange if the last line has not been read yet, which cancels the generation server-side. */
    @Override
    void close();
}
