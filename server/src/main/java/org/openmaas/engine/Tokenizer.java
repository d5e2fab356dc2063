package org.openmaas.engine;

import java.util.List;

/**
 * Turns text into a model's token ids on this machine, so validation can count a prompt exactly, check it against the
 * context and truncate it. An engine that tokenizes elsewhere (a remote server) has none: see {@link Engine#tokenizer()}.
 */
public interface Tokenizer {

    /** Token ids of {@code text}, with the model's BOS when its vocabulary asks for one. */
    int[] tokenize(String text, boolean parseSpecial);

    /**
     * Renders {@code messages} with the model's chat template (or the template configured for the product).
     *
     * @throws IllegalStateException when there is no chat template for this model
     */
    String applyChatTemplate(List<ChatMessage> messages, boolean addAssistantPrompt);

    /**
     * The prompt tokens of a conversation the model is to continue as the assistant: {@code messages} rendered with
     * the chat template, then tokenized with the template's control tokens recognised as such.
     *
     * @throws IllegalStateException when there is no chat template for this model
     */
    default int[] tokenizeChat(List<ChatMessage> messages) {
        return tokenize(applyChatTemplate(messages, true), true);
    }
}
