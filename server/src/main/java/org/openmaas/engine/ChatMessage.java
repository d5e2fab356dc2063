package org.openmaas.engine;

import java.util.Objects;

/** One turn of a conversation, rendered by the model's chat template. */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }
}
