package org.openmaas.api.openai;

import java.util.List;
import org.openmaas.api.openai.OpenAiWire.AssistantMessage;
import org.openmaas.api.openai.OpenAiWire.ChatChoice;
import org.openmaas.api.openai.OpenAiWire.ChatChunk;
import org.openmaas.api.openai.OpenAiWire.ChatCompletion;
import org.openmaas.api.openai.OpenAiWire.ChunkChoice;
import org.openmaas.api.openai.OpenAiWire.Delta;
import org.openmaas.api.openai.OpenAiWire.FunctionDelta;
import org.openmaas.api.openai.OpenAiWire.TextChoice;
import org.openmaas.api.openai.OpenAiWire.TextCompletion;
import org.openmaas.api.openai.OpenAiWire.ToolCallDelta;
import org.openmaas.api.openai.OpenAiWire.Usage;
import org.openmaas.chat.tools.ReplyEvent;
import org.openmaas.engine.ToolCall;

/**
 * What one choice of a response looks like on the wire: a chat completion or a legacy text completion, whole or as
 * streamed chunks. One instance per choice of a response.
 */
sealed interface Dialect {

    /** The chunk a stream opens with, before any text; null when there is none. */
    Object opening();

    /** A streamed chunk carrying {@code piece}'s text (and its tokens' logprobs when asked for). */
    Object chunk(ChoiceText.Piece piece);

    /**
     * The chunks of a call, in OpenAI's shape: the first names the call (id, type, name, arguments {@code ""}), the
     * next carries its arguments.
     *
     * @throws IllegalStateException for a dialect without tool calls
     */
    List<Object> call(ReplyEvent.Call call);

    /**
     * A streamed chunk of the reply's reasoning, as llama-server and DeepSeek's API stream it:
     * {@code delta.reasoning_content}.
     *
     * @throws IllegalStateException for a dialect without reasoning
     */
    Object thought(String text);

    /** The last chunk with text, saying why the choice ended. */
    Object closing(String finishReason);

    /** The chunk after the last, with no choices and the request's usage ({@code stream_options.include_usage}). */
    Object usage(Usage usage);

    /**
     * This choice whole, its text, its reasoning ({@code ""} when none) and the calls it made, for {@link #whole}.
     */
    Object choice(ChoiceText.Piece all, String reasoning, List<ToolCall> calls, String finishReason);

    /** The whole response holding {@code choices}, each made by its own dialect's {@link #choice}. */
    Object whole(List<Object> choices, Usage usage);

    /**
     * {@code chat.completion} and {@code chat.completion.chunk}, for choice {@code index}.
     *
     * @param tools whether the reply may be tool calls: then a stream opens without content, which OpenAI's clients
     *              would otherwise take as the reply's (empty) text, where a reply of calls only has none (null)
     */
    record Chat(String id, long created, String model, boolean logprobs, boolean tools, int index) implements Dialect {

        @Override
        public Object opening() {
            return chunk(new Delta("assistant", tools ? null : ""), null, null);
        }

        @Override
        public Object chunk(ChoiceText.Piece piece) {
            return chunk(new Delta(null, piece.text()), piece, null);
        }

        @Override
        public List<Object> call(ReplyEvent.Call call) {
            ToolCall made = call.call();
            return List.of(
                    chunk(new Delta(null, null, null, List.of(new ToolCallDelta(call.index(), made.id(), "function",
                            new FunctionDelta(made.name(), "")))), null, null),
                    chunk(new Delta(null, null, null, List.of(new ToolCallDelta(call.index(), null, null,
                            new FunctionDelta(null, made.arguments())))), null, null));
        }

        @Override
        public Object thought(String text) {
            return chunk(new Delta(null, null, text, null), null, null);
        }

        @Override
        public Object closing(String finishReason) {
            return chunk(new Delta(null, null), null, finishReason);
        }

        @Override
        public Object usage(Usage usage) {
            return new ChatChunk(id, "chat.completion.chunk", created, model, List.of(), usage);
        }

        @Override
        public Object choice(ChoiceText.Piece all, String reasoning, List<ToolCall> calls, String finishReason) {
            return new ChatChoice(index, new AssistantMessage(all.text(), reasoning, calls),
                    logprobs ? OpenAiWire.chatLogprobs(all.tokens()) : null, finishReason);
        }

        @Override
        public Object whole(List<Object> choices, Usage usage) {
            return new ChatCompletion(id, "chat.completion", created, model,
                    choices.stream().map(ChatChoice.class::cast).toList(), usage);
        }

        private ChatChunk chunk(Delta delta, ChoiceText.Piece piece, String finishReason) {
            return new ChatChunk(id, "chat.completion.chunk", created, model, List.of(new ChunkChoice(index, delta,
                    logprobs && piece != null ? OpenAiWire.chatLogprobs(piece.tokens()) : null, finishReason)), null);
        }
    }

    /** {@code text_completion}, whole and streamed, for choice {@code index}. */
    final class Text implements Dialect {

        private final String id;
        private final long created;
        private final String model;
        private final boolean logprobs;
        private final int index;
        private int offset; // where the next streamed chunk starts in the completion text

        Text(String id, long created, String model, boolean logprobs, int index) {
            this.id = id;
            this.created = created;
            this.model = model;
            this.logprobs = logprobs;
            this.index = index;
        }

        @Override
        public Object opening() {
            return null;
        }

        @Override
        public Object chunk(ChoiceText.Piece piece) {
            Object chunk = completion(piece, null, null);
            offset += piece.tokens().stream().mapToInt(t -> t.token().text().length()).sum();
            return chunk;
        }

        @Override
        public List<Object> call(ReplyEvent.Call call) {
            throw new IllegalStateException("a text completion has no tool calls");
        }

        @Override
        public Object thought(String text) {
            throw new IllegalStateException("a text completion has no reasoning");
        }

        @Override
        public Object closing(String finishReason) {
            return completion(ChoiceText.Piece.EMPTY, finishReason, null);
        }

        @Override
        public Object usage(Usage usage) {
            return new TextCompletion(id, "text_completion", created, model, List.of(), usage);
        }

        @Override
        public Object choice(ChoiceText.Piece all, String reasoning, List<ToolCall> calls, String finishReason) {
            return textChoice(all, finishReason);
        }

        @Override
        public Object whole(List<Object> choices, Usage usage) {
            return new TextCompletion(id, "text_completion", created, model,
                    choices.stream().map(TextChoice.class::cast).toList(), usage);
        }

        private TextCompletion completion(ChoiceText.Piece piece, String finishReason, Usage usage) {
            return new TextCompletion(id, "text_completion", created, model, List.of(textChoice(piece, finishReason)),
                    usage);
        }

        private TextChoice textChoice(ChoiceText.Piece piece, String finishReason) {
            return new TextChoice(piece.text(), index, logprobs ? OpenAiWire.textLogprobs(piece.tokens(), offset) : null,
                    finishReason);
        }
    }
}
