package org.openmaas.api.openai;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.openmaas.api.ErrorReply;
import org.openmaas.api.ErrorTable;
import org.openmaas.api.GenerationRunner;
import org.openmaas.api.Json;
import org.openmaas.api.openai.OpenAiWire.Usage;
import org.openmaas.chat.reasoning.Reasoning;
import org.openmaas.chat.reasoning.ReasoningParser;
import org.openmaas.chat.tools.ReplyEvent;
import org.openmaas.chat.tools.ReplyParser;
import org.openmaas.chat.tools.ToolCallFormat;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.ToolCall;

/**
 * Turns one generation's events into one OpenAI choice: its text through {@link ChoiceText} (so a stop sequence
 * anywhere ends it, and is not returned), then, for a model family that reasons before it answers, through a
 * {@link ReasoningParser} (so the reasoning comes out as reasoning, apart from the answer), then, when the request
 * declared tools, the answer through its model family's {@link ReplyParser} (so calls come out as calls, and their
 * markup never as text), or, from an engine whose upstream read the calls, with the calls it reports at the end; its
 * finish reason and its token counts. Subclasses say where the text and calls go: a stream of server-sent events, or
 * one JSON response at the end, each shared by the response's choices (OpenAI's {@code n}).
 */
abstract sealed class ChoiceWriter implements GenerationRunner.Tokens
        permits ChoiceWriter.EventStream.StreamedChoice, ChoiceWriter.Collected.CollectedChoice {

    private final ChoiceText text;
    private final ReasoningParser reasoning; // null when the model's family does not reason
    private final ReplyParser calls; // null when the request declared no tools
    /** Tokens of text the reasoning parser holds undecided, to report with the answer if it turns out to be one. */
    private List<GenerationEvent.TokenGenerated> undecided = List.of();
    /** For a choice the stop rule ends: the engine has not reported its count, so the prompt's bound. */
    private final int promptTokens;

    private ChoiceWriter(List<String> stops, Optional<ToolCallFormat> tools, Optional<Reasoning> reasoning,
                         int promptTokens) {
        Set<String> kept = new HashSet<>(tools.map(ToolCallFormat::controlMarkers).orElse(Set.of()));
        reasoning.ifPresent(r -> kept.addAll(r.markers()));
        this.text = new ChoiceText(stops, kept);
        this.reasoning = reasoning.map(ReasoningParser::new).orElse(null);
        this.calls = tools.map(ReplyParser::new).orElse(null);
        this.promptTokens = promptTokens;
    }

    /** Text that may go out now. */
    abstract void emit(ChoiceText.Piece piece) throws IOException;

    /** A whole call the reply made. */
    abstract void call(ReplyEvent.Call call) throws IOException;

    /** Reasoning the reply wrote before its answer. */
    abstract void thought(String text) throws IOException;

    /** The choice has ended. */
    abstract void end(String finishReason, Usage usage) throws IOException;

    @Override
    public boolean token(GenerationEvent.TokenGenerated token) throws IOException {
        write(text.add(token));
        return text.stopped();
    }

    @Override
    public void stopped(int generatedTokens) throws IOException {
        finishParsers();
        end(finishReason("stop"), new Usage(promptTokens, generatedTokens));
    }

    @Override
    public void finished(GenerationEvent.Finished finished) throws IOException {
        if (finished.lastToken().isPresent()) {
            write(text.add(finished.lastToken().get()));
        }
        write(text.finish());
        finishParsers();
        List<ToolCall> made = finished.toolCalls(); // by an engine whose upstream read them
        for (int i = 0; i < made.size(); i++) {
            call(new ReplyEvent.Call(i, made.get(i)));
        }
        end(made.isEmpty() ? finishReason(text.stopped() ? "stop" : OpenAiWire.finishReason(finished.reason()))
                : OpenAiWire.TOOL_CALLS, new Usage(finished.promptTokens(), finished.generatedTokens()));
    }

    /**
     * Text released by {@link ChoiceText}, past the reply's parsers when there are any; a piece's tokens (for logprobs)
     * go with the first content it yields, and are not reported when it is all reasoning or call markup.
     */
    private void write(ChoiceText.Piece piece) throws IOException {
        if (reasoning == null) {
            answer(piece);
            return;
        }
        List<GenerationEvent.TokenGenerated> tokens = new ArrayList<>(undecided);
        tokens.addAll(piece.tokens());
        List<ReasoningParser.Part> parts = reasoning.add(piece.text());
        undecided = parts.isEmpty() ? tokens : List.of();
        answer(parts, tokens);
    }

    /** The reasoning parser's parts: reasoning goes out, the answer on as text with {@code tokens}. */
    private void answer(List<ReasoningParser.Part> parts, List<GenerationEvent.TokenGenerated> tokens)
            throws IOException {
        emit(ChoiceText.Piece.EMPTY); // a stream opens its choice even before its first content or call
        for (ReasoningParser.Part part : parts) {
            switch (part) {
                case ReasoningParser.Part.Thought thought -> thought(thought.text());
                case ReasoningParser.Part.Answer answer -> {
                    answer(new ChoiceText.Piece(answer.text(), tokens));
                    tokens = List.of();
                }
            }
        }
    }

    /** Text of the answer, past the call parser when there is one. */
    private void answer(ChoiceText.Piece piece) throws IOException {
        if (calls == null) {
            emit(piece);
            return;
        }
        write(calls.add(piece.text()), piece.tokens());
    }

    /** The reply has ended: what its parsers still hold. */
    private void finishParsers() throws IOException {
        if (reasoning != null) {
            answer(reasoning.finish(), undecided);
        }
        if (calls != null) {
            write(calls.finish(), List.of());
        }
    }

    private void write(List<ReplyEvent> events, List<GenerationEvent.TokenGenerated> tokens) throws IOException {
        emit(ChoiceText.Piece.EMPTY); // a stream opens its choice even before its first content or call
        for (ReplyEvent event : events) {
            switch (event) {
                case ReplyEvent.Content content -> {
                    emit(new ChoiceText.Piece(content.text(), tokens));
                    tokens = List.of();
                }
                case ReplyEvent.Call call -> call(call);
            }
        }
    }

    /** A reply that made calls ends for them, as OpenAI reports it; otherwise for {@code reason}. */
    private String finishReason(String reason) {
        return calls != null && calls.calls() > 0 ? OpenAiWire.TOOL_CALLS : reason;
    }

    /**
     * Server-sent events, as OpenAI streams: {@code data: {...}} per chunk, {@code data: [DONE]} once every choice has
     * ended, a comment line as the heartbeat (event-stream readers ignore comments), and an error object as the last
     * event when a generation fails after the stream started. Each choice's chunks carry its index; its opening chunk
     * comes before its first text, its closing chunk when it ends.
     */
    static final class EventStream implements GenerationRunner.Stream {

        private static final byte[] KEEPALIVE = ": keepalive\n\n".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

        private final OutputStream out;
        private final boolean includeUsage;
        private final List<StreamedChoice> choices;
        private final Tally tally;

        /**
         * @param dialects one per choice, in choice order
         * @param tools     the family whose calls the replies may make; empty when the request declared no tools
         * @param reasoning how the replies write their reasoning; empty for a family that does not reason
         */
        EventStream(OutputStream out, List<Dialect> dialects, boolean includeUsage, List<String> stops,
                    Optional<ToolCallFormat> tools, Optional<Reasoning> reasoning, int promptTokens) {
            this.out = out;
            this.includeUsage = includeUsage;
            this.tally = new Tally(dialects.size());
            this.choices = dialects.stream()
                    .map(d -> new StreamedChoice(d, stops, tools, reasoning, promptTokens)).toList();
        }

        @Override
        public List<StreamedChoice> choices() {
            return choices;
        }

        @Override
        public void heartbeat() throws IOException {
            out.write(KEEPALIVE);
            out.flush();
        }

        @Override
        public void failed(GenerationEvent.Failed failed) throws IOException {
            event(ErrorTable.generationFailure(failed).openAiBody());
        }

        private void event(byte[] json) throws IOException {
            out.write("data: ".getBytes(StandardCharsets.US_ASCII));
            out.write(json);
            out.write("\n\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** One choice's chunks on the shared stream. */
        final class StreamedChoice extends ChoiceWriter {

            private final Dialect dialect;
            private boolean opened;

            private StreamedChoice(Dialect dialect, List<String> stops, Optional<ToolCallFormat> tools,
                                   Optional<Reasoning> reasoning, int promptTokens) {
                super(stops, tools, reasoning, promptTokens);
                this.dialect = dialect;
            }

            @Override
            void emit(ChoiceText.Piece piece) throws IOException {
                open();
                if (!piece.isEmpty()) {
                    event(Json.write(dialect.chunk(piece)));
                }
            }

            @Override
            void call(ReplyEvent.Call call) throws IOException {
                open();
                for (Object chunk : dialect.call(call)) {
                    event(Json.write(chunk));
                }
            }

            @Override
            void thought(String text) throws IOException {
                open();
                event(Json.write(dialect.thought(text)));
            }

            @Override
            void end(String finishReason, Usage usage) throws IOException {
                open();
                event(Json.write(dialect.closing(finishReason)));
                if (tally.ended(usage)) {
                    if (includeUsage) {
                        event(Json.write(dialect.usage(tally.usage())));
                    }
                    out.write(DONE);
                    out.flush();
                }
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
        }
    }

    /**
     * Every choice collected until all have ended, then one response holding them; a failure after the response started
     * in OpenAI's shape.
     */
    static final class Collected implements GenerationRunner.Whole {

        private final List<CollectedChoice> choices;
        private final Tally tally;

        /**
         * @param dialects one per choice, in choice order
         * @param tools     the family whose calls the replies may make; empty when the request declared no tools
         * @param reasoning how the replies write their reasoning; empty for a family that does not reason
         */
        Collected(List<Dialect> dialects, List<String> stops, Optional<ToolCallFormat> tools,
                  Optional<Reasoning> reasoning, int promptTokens) {
            this.tally = new Tally(dialects.size());
            this.choices = dialects.stream()
                    .map(d -> new CollectedChoice(d, stops, tools, reasoning, promptTokens)).toList();
        }

        @Override
        public List<CollectedChoice> choices() {
            return choices;
        }

        @Override
        public byte[] result() {
            List<Object> whole = choices.stream().map(CollectedChoice::whole).toList();
            return Json.write(choices.getFirst().dialect.whole(whole, tally.usage()));
        }

        @Override
        public byte[] errorBody(ErrorReply reply) {
            return reply.openAiBody();
        }

        /** One choice's text and tokens. */
        final class CollectedChoice extends ChoiceWriter {

            private final Dialect dialect;
            private final StringBuilder text = new StringBuilder();
            private final StringBuilder thoughts = new StringBuilder();
            private final List<GenerationEvent.TokenGenerated> tokens = new ArrayList<>();
            private final List<ToolCall> calls = new ArrayList<>();
            private String finishReason;

            private CollectedChoice(Dialect dialect, List<String> stops, Optional<ToolCallFormat> tools,
                                    Optional<Reasoning> reasoning, int promptTokens) {
                super(stops, tools, reasoning, promptTokens);
                this.dialect = dialect;
            }

            @Override
            void emit(ChoiceText.Piece piece) {
                text.append(piece.text());
                tokens.addAll(piece.tokens());
            }

            @Override
            void call(ReplyEvent.Call call) {
                calls.add(call.call());
            }

            @Override
            void thought(String text) {
                thoughts.append(text);
            }

            @Override
            void end(String finishReason, Usage usage) {
                this.finishReason = finishReason;
                tally.ended(usage);
            }

            private Object whole() {
                return dialect.choice(new ChoiceText.Piece(text.toString(), tokens), thoughts.toString(), calls,
                        finishReason);
            }
        }
    }

    /**
     * A response's usage over its choices: the prompt once (every choice continues the same one), the completion
     * tokens of all. Counts the choices still open.
     */
    private static final class Tally {

        private int open;
        private int promptTokens;
        private int completionTokens;

        Tally(int choices) {
            this.open = choices;
        }

        /** Adds an ended choice's usage; true when it was the last open choice. */
        boolean ended(Usage usage) {
            promptTokens = usage.prompt_tokens();
            completionTokens += usage.completion_tokens();
            return --open == 0;
        }

        Usage usage() {
            return new Usage(promptTokens, completionTokens);
        }
    }
}
