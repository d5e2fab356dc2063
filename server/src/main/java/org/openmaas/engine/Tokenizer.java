package org.openmaas.engine;

import java.util.Optional;

/**
 * Turns text into a model's token ids on this machine, so validation can count a prompt exactly, check it against the
 * context and truncate it. An engine that tokenizes elsewhere (a remote server) has none: see {@link Engine#tokenizer()}.
 */
public interface Tokenizer {

    /** Token ids of {@code text}, with the model's BOS when its vocabulary asks for one. */
    int[] tokenize(String text, boolean parseSpecial);

    /**
     * Renders a conversation and its tools with the model's chat template (or the template configured for the product):
     * the template {@link #chatTemplate(Prompt.Chat)} names.
     *
     * @throws IllegalStateException when there is no chat template for this model, or it cannot render this chat
     */
    String applyChatTemplate(Prompt.Chat chat, boolean addAssistantPrompt);

    /**
     * The text of the chat template that renders {@code chat}: a template's source, or the name of a renderer's built-in
     * template; a model may have a variant for conversations with tools (a GGUF's {@code tool_use}). Tells which family's
     * markup the model writes tool calls and reasoning in; empty when there is no chat template.
     */
    default Optional<String> chatTemplate(Prompt.Chat chat) {
        return Optional.empty();
    }

    /**
     * The prompt tokens of a conversation the model is to continue as the assistant: {@code chat} rendered with
     * the chat template, then tokenized with the template's control tokens recognised as such.
     *
     * @throws IllegalStateException when there is no chat template for this model, or it cannot render this chat
     */
    default int[] tokenizeChat(Prompt.Chat chat) {
        return tokenize(applyChatTemplate(chat, true), true);
    }
}
