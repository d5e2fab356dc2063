package org.openmaas.client.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.openmaas.client.DeadlineExceededException;
import org.openmaas.client.GenerateResult;
import org.openmaas.client.GenerationDetails;
import org.openmaas.client.GenerationStream;
import org.openmaas.client.ServerException;
import org.openmaas.client.Token;
import org.openmaas.client.TokenEvent;
import org.openmaas.client.UnavailableException;

/** Reads a generatestream response line by line as the caller iterates. */
public final class RealGenerationStream implements GenerationStream {

    /** A token line is a few hundred bytes; a line this long is not the wire contract. */
    static final int MAX_LINE_BYTES = 1024 * 1024;

    private final InputStream body;
    private final String requestId;
    private final List<Token> tokens = new ArrayList<>();
    private TokenEvent pending;
    private GenerationDetails details;
    private String generatedText;
    private boolean iterated;
    private volatile boolean closed;

    public RealGenerationStream(Transport.Response response) {
        this.body = new BufferedInputStream(response.body());
        this.requestId = response.requestId() == null ? "" : response.requestId();
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public Optional<GenerationDetails> details() {
        return Optional.ofNullable(details);
    }

    @Override
    public boolean hasNext() {
        if (pending != null) {
            return true;
        }
        if (details != null || closed) {
            return false;
        }
        String line = readLine();
        if (line == null) {
            return false; // closed by another thread while reading
        }
        accept(Wire.streamLine(line, requestId));
        return true;
    }

    @Override
    public TokenEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException(closed && details == null ? "the stream is closed" : "the stream has ended");
        }
        TokenEvent event = pending;
        pending = null;
        return event;
    }

    @Override
    public GenerateResult result() {
        while (hasNext()) {
            next();
        }
        if (details == null) {
            throw new IllegalStateException("the stream was closed before its last line");
        }
        return new GenerateResult(generatedText, details, tokens, requestId);
    }

    @Override
    public Iterator<TokenEvent> iterator() {
        if (iterated) {
            throw new IllegalStateException("a GenerationStream can be iterated only once");
        }
        iterated = true;
        return this;
    }

    @Override
    public void close() {
        closed = true;
        try {
            body.close();
        } catch (IOException ignored) {
            // closing is an abort: nothing more to do
        }
    }

    @Override
    public String toString() {
        return "GenerationStream[requestId=" + requestId + ", tokens=" + tokens.size()
                + (details != null ? ", finished" : closed ? ", closed" : "") + "]";
    }

    private void accept(Wire.StreamLine line) {
        if (line instanceof Wire.StreamLine.Failure failure) {
            close();
            throw failure.failure();
        }
        TokenEvent event = ((Wire.StreamLine.Event) line).event();
        tokens.add(event.token());
        if (event.details().isPresent()) {
            details = event.details().get();
            generatedText = event.generatedText().orElseGet(this::textOfTokens);
            drainAndClose();
        }
        pending = event;
    }

    private String textOfTokens() {
        StringBuilder text = new StringBuilder();
        tokens.stream().filter(t -> !t.special()).forEach(t -> text.append(t.text()));
        return text.toString();
    }

    /** The next non-blank line; a failure if the body ends first; null when closed meanwhile. */
    private String readLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        try {
            while (true) {
                int b = body.read();
                if (b < 0) {
                    if (closed) {
                        return null;
                    }
                    if (line.size() > 0) {
                        return line.toString(StandardCharsets.UTF_8); // a last line without its newline
                    }
                    close();
                    throw new UnavailableException("the stream ended after " + tokens.size()
                            + " tokens without its last line", 200, requestId, null, null);
                }
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.UTF_8);
                    if (!text.isBlank()) {
                        return text;
                    }
                    line.reset();
                } else if (line.size() >= MAX_LINE_BYTES) {
                    close();
                    throw new ServerException("a stream line is longer than " + MAX_LINE_BYTES + " bytes",
                            ServerException.INTERNAL, 200, requestId, null, null);
                } else {
                    line.write(b);
                }
            }
        } catch (SocketTimeoutException e) {
            close();
            throw new DeadlineExceededException(e.getMessage() + " after " + tokens.size() + " tokens", 200,
                    requestId, null, e);
        } catch (IOException e) {
            if (closed) {
                return null;
            }
            close();
            throw new UnavailableException("the connection broke after " + tokens.size() + " tokens: " + e, 200,
                    requestId, null, e);
        }
    }

    /** After the last line: read the (empty) rest so the connection can be reused, then release it. */
    private void drainAndClose() {
        try {
            byte[] rest = new byte[8192];
            for (int read = 0; read < MAX_LINE_BYTES; ) {
                int n = body.read(rest);
                if (n < 0) {
                    break;
                }
                read += n;
            }
        } catch (IOException ignored) {
            // the generation is complete; a connection that cannot be reused is simply dropped
        }
        close();
    }
}
