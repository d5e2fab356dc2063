package org.openmaas.engine;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One turn of a conversation, rendered by the model's chat template.
 *
 * @param role       system, user, assistant or tool
 * @param content    the text; absent only in an assistant turn that consists of tool calls
 * @param toolCalls  the calls an assistant turn made (empty otherwise)
 * @param toolCallId in a tool turn, the id of the call whose result {@code content} is
 */
public record ChatMessage(String role, Optional<String> content, List<ToolCall> toolCalls, Optional<String> toolCallId) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(toolCallId, "toolCallId");
        toolCalls = List.copyOf(toolCalls);
        if (content.isEmpty() && toolCalls.isEmpty()) {
            throw new IllegalArgumentException("a message without content must make tool calls");
        }
    }

    /** A plain turn: a role and its text. */
    public ChatMessage(String role, String content) {
        this(role, Optional.of(content), List.of(), Optional.empty());
    }

    /** The text, or empty for a turn of tool calls only. */
    public String text() {
        return content.orElse("");
    }
}
