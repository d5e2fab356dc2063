package org.openmaas.engine.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.ToolCall;
import org.openmaas.engine.ToolDefinition;

/**
 * A conversation in OpenAI's chat shape, which every upstream that renders conversations takes (llama-server's
 * {@code /apply-template}, vLLM's {@code /tokenize}, any {@code /v1/chat/completions}): each message with its text, an
 * assistant's tool calls and a tool message's call id, and the declared tools, so the upstream's chat template renders
 * all of it as the embedded engine's renderer would.
 */
final class ChatJson {

    private ChatJson() {
    }

    /** Puts {@code messages} and, when the conversation declares any, {@code tools}; returns the messages. */
    static ArrayNode put(ObjectNode body, Prompt.Chat chat) {
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage message : chat.messages()) {
            messages.add(message(message));
        }
        if (!chat.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolDefinition tool : chat.tools()) {
                ObjectNode function = tools.addObject().put("type", "function").putObject("function")
                        .put("name", tool.name());
                tool.description().ifPresent(description -> function.put("description", description));
                tool.parameters().ifPresent(parameters -> function.set("parameters", json(parameters)));
            }
        }
        return messages;
    }

    private static ObjectNode message(ChatMessage message) {
        ObjectNode json = UpstreamHttp.object().put("role", message.role());
        message.content().ifPresentOrElse(text -> json.put("content", text), () -> json.putNull("content"));
        if (!message.toolCalls().isEmpty()) {
            ArrayNode calls = json.putArray("tool_calls");
            for (ToolCall call : message.toolCalls()) {
                calls.addObject().put("id", call.id()).put("type", "function").putObject("function")
                        .put("name", call.name()).put("arguments", call.arguments());
            }
        }
        message.toolCallId().ifPresent(id -> json.put("tool_call_id", id));
        return json;
    }

    /** A JSON Schema validation has parsed already, key order kept (templates print it). */
    private static ObjectNode json(String object) {
        try {
            return (ObjectNode) UpstreamHttp.JSON.readTree(object);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("validation lets only JSON objects through as parameters", e);
        }
    }
}
