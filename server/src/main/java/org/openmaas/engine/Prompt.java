package org.openmaas.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a generation continues: token ids when the product's engine has a {@link Tokenizer} here, otherwise the text or
 * conversation as the client sent it, for an engine that tokenizes it itself.
 *
 * <p>{@link #tokenBound()} is what admission reserves quota for before the engine has counted: exact for token ids, an
 * upper bound for text. The usage settles on the engine's own count ({@link GenerationEvent.Finished#promptTokens()}).
 */
public sealed interface Prompt {

    /**
     * Tokens a tokenizer may add to any text: BOS, EOS and SentencePiece's leading-space token, with room to spare.
     */
    int SPECIAL_TOKENS = 4;

    /** The most tokens this prompt can take in the model's context. */
    int tokenBound();

    /** Token ids, tokenized (and truncated) by validation; never empty; {@code ids()} is not to be modified. */
    record Tokens(int[] ids) implements Prompt {
        public Tokens {
            if (ids.length == 0) throw new IllegalArgumentException("a prompt must have at least one token");
            ids = ids.clone();
        }

        /** Exact. */
        @Override
        public int tokenBound() {
            return ids.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tokens t && Arrays.equals(ids, t.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return "Tokens[" + ids.length + "]"; // never the prompt: logs must not carry user input
        }
    }

    /** Raw text for the engine to tokenize; never empty. */
    record Text(String text) implements Prompt {
        public Text {
            Objects.requireNonNull(text, "text");
            if (text.isEmpty()) throw new IllegalArgumentException("a prompt must not be empty");
        }

        /**
         * Every vocabulary token but a special one covers at least one UTF-8 byte (byte-level BPE and SentencePiece
         * with byte fallback alike), so the text's bytes plus the specials a tokenizer adds bound its tokens.
         */
        @Override
        public int tokenBound() {
            return utf8Length(text) + SPECIAL_TOKENS;
        }

        @Override
        public String toString() {
            return "Text[" + text.length() + " chars]";
        }
    }

    /**
     * A conversation the model continues as the assistant, with the functions it may call (rendered into the prompt by
     * the chat template); tokenized by validation when the engine has a {@link Tokenizer} here, otherwise sent to an
     * engine that renders it with its own template.
     *
     * @param toolChoice        what the model may do with {@code tools}
     * @param parallelToolCalls whether a reply may make several calls
     */
    record Chat(List<ChatMessage> messages, List<ToolDefinition> tools, ToolChoice toolChoice,
                boolean parallelToolCalls) implements Prompt {

        /**
         * Tokens a chat template adds around one message (role markers, separators) in the templates of common model
         * families (ChatML adds 5, Llama 3 adds 5, Mistral 4): a generous allowance, not a proof, since a template
         * may add any text.
         */
        public static final int TEMPLATE_TOKENS_PER_MESSAGE = 16;

        /**
         * The bytes of the JSON a template writes around a tool's name, description and parameters
         * ({@code {"type": "function", "function": {"name": ...}}}) and its instructions about the tool, which bound
         * their tokens the way {@link Text#tokenBound()} bounds a text's.
         */
        public static final int TOOL_JSON_TOKENS = 96;

        public Chat {
            messages = List.copyOf(messages);
            tools = List.copyOf(tools);
            Objects.requireNonNull(toolChoice, "toolChoice");
            if (messages.isEmpty()) throw new IllegalArgumentException("a conversation must have a message");
        }

        /** A conversation whose model may call any of {@code tools}, several at once. */
        public Chat(List<ChatMessage> messages, List<ToolDefinition> tools) {
            this(messages, tools, ToolChoice.AUTO, true);
        }

        /** A conversation without tools. */
        public Chat(List<ChatMessage> messages) {
            this(messages, List.of());
        }

        @Override
        public int tokenBound() {
            int bound = SPECIAL_TOKENS + TEMPLATE_TOKENS_PER_MESSAGE; // the assistant's opening
            for (ChatMessage m : messages) {
                bound += utf8Length(m.role()) + utf8Length(m.text()) + TEMPLATE_TOKENS_PER_MESSAGE;
                for (ToolCall call : m.toolCalls()) {
                    bound += utf8Length(call.id()) + utf8Length(call.name()) + utf8Length(call.arguments())
                            + TEMPLATE_TOKENS_PER_MESSAGE;
                }
                bound += m.toolCallId().map(Prompt::utf8Length).orElse(0);
            }
            for (ToolDefinition tool : tools) {
                bound += utf8Length(tool.name()) + tool.description().map(Prompt::utf8Length).orElse(0)
                        + tool.parameters().map(Prompt::utf8Length).orElse(0) + TOOL_JSON_TOKENS;
            }
            return bound;
        }

        @Override
        public String toString() {
            return "Chat[" + messages.size() + " messages, " + tools.size() + " tools]";
        }
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
