package org.openmaas.api.openai;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.openmaas.api.ErrorReply;
import org.openmaas.api.ErrorTable;
import org.openmaas.api.GenerationRunner;
import org.openmaas.api.Json;
import org.openmaas.api.openai.OpenAiWire.Usage;
import org.openmaas.engine.GenerationEvent;

/**
 * Turns one generation's events into one OpenAI choice: its text through {@link ChoiceText} (so a stop sequence
 * anywhere ends it, and is not returned), its finish reason and its token counts. Subclasses say where the text goes:
 * a stream of server-sent events, or one JSON response at the end.
 */
abstract sealed class ChoiceWriter implements GenerationRunner.Tokens {

    private final ChoiceText text;
    /** For a choice the stop rule ends: the engine has not reported its count, so the prompt's bound. */
    private final int promptTokens;

    private ChoiceWriter(List<String> stops, int promptTokens) {
        this.text = new ChoiceText(stops);
        this.promptTokens = promptTokens;
    }

    /** Text that may go out now. */
    abstract void emit(ChoiceText.Piece piece) throws IOException;

    /** The choice has ended. */
    abstract void end(String finishReason, Usage usage) throws IOException;

    @Override
    public boolean token(GenerationEvent.TokenGenerated token) throws IOException {
        emit(text.add(token));
        return text.stopped();
    }

    @Override
    public void stopped(int generatedTokens) throws IOException {
        end("stop", new Usage(promptTokens, generatedTokens));
    }

    @Override
    public void finished(GenerationEvent.Finished finished) throws IOException {
        if (finished.lastToken().isPresent()) {
            emit(text.add(finished.lastToken().get()));
        }
        emit(text.finish());
        end(text.stopped() ? "stop" : OpenAiWire.finishReason(finished.reason()),
                new Usage(finished.promptTokens(), finished.generatedTokens()));
    }

    /**
     * Server-sent events, as OpenAI streams: {@code data: {...}} per chunk, {@code data: [DONE]} at the end, a comment
     * line as the heartbeat (event-stream readers ignore comments), and an error object as the last event when the
     * generation fails after the stream started.
     */
    static final class EventStream extends ChoiceWriter implements GenerationRunner.Writer {

        private static final byte[] KEEPALIVE = ": keepalive\n\n".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

        private final OutputStream out;
        private final Dialect dialect;
        private final boolean includeUsage;
        private boolean opened;

        EventStream(OutputStream out, Dialect dialect, boolean includeUsage, List<String> stops, int promptTokens) {
            super(stops, promptTokens);
            this.out = out;
            this.dialect = dialect;
            this.includeUsage = includeUsage;
        }

        @Override
        public void heartbeat() throws IOException {
            out.write(KEEPALIVE);
            out.flush();
        }

        @Override
        void emit(ChoiceText.Piece piece) throws IOException {
            open();
            if (!piece.isEmpty()) {
                event(Json.write(dialect.chunk(piece)));
            }
        }

        @Override
        void end(String finishReason, Usage usage) throws IOException {
            open();
            event(Json.write(dialect.closing(finishReason)));
            if (includeUsage) {
                event(Json.write(dialect.usage(usage)));
            }
            out.write(DONE);
            out.flush();
        }

        @Override
        public void failed(GenerationEvent.Failed failed) throws IOException {
            event(ErrorTable.generationFailure(failed).openAiBody());
        }

        private void open() throws IOException {
            if (!opened) {
                opened = true;
                Object opening = dialect.opening();
                if (opening != null) {
                    event(Json.write(opening));
                }
            }
        }

        private void event(byte[] json) throws IOException {
            out.write("data: ".getBytes(StandardCharsets.US_ASCII));
            out.write(json);
            out.write("\n\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    /** The whole choice, collected until the generation ends; a failure after the response started in OpenAI's shape. */
    static final class Collected extends ChoiceWriter implements GenerationRunner.Collector {

        private final Dialect dialect;
        private final StringBuilder text = new StringBuilder();
        private final List<GenerationEvent.TokenGenerated> tokens = new ArrayList<>();
        private String finishReason;
        private Usage usage;

        Collected(Dialect dialect, List<String> stops, int promptTokens) {
            super(stops, promptTokens);
            this.dialect = dialect;
        }

        @Override
        void emit(ChoiceText.Piece piece) {
            text.append(piece.text());
            tokens.addAll(piece.tokens());
        }

        @Override
        void end(String finishReason, Usage usage) {
            this.finishReason = finishReason;
            this.usage = usage;
        }

        @Override
        public byte[] result() {
            return Json.write(dialect.whole(new ChoiceText.Piece(text.toString(), tokens), finishReason, usage));
        }

        @Override
        public byte[] errorBody(ErrorReply reply) {
            return reply.openAiBody();
        }
    }
}
