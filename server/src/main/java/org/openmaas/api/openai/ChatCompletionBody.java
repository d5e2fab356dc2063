package org.openmaas.api.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /v1/chat/completions} as sent, in OpenAI's field names; unknown fields are refused, as OpenAI
 * does. Absent fields are null; validation resolves them.
 */
record ChatCompletionBody(
        @JsonProperty("model") String model,
        @JsonProperty("messages") List<Message> messages,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
        @JsonProperty("temperature") Double temperature,
        @JsonProperty("top_p") Double topP,
        @JsonProperty("seed") Long seed,
        @JsonProperty("stop") JsonNode stop,
        @JsonProperty("frequency_penalty") Double frequencyPenalty,
        @JsonProperty("presence_penalty") Double presencePenalty,
        @JsonProperty("logprobs") Boolean logprobs,
        @JsonProperty("top_logprobs") Integer topLogprobs,
        @JsonProperty("n") Integer n,
        @JsonProperty("user") String user,
        @JsonProperty("stream") Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions,
        @JsonProperty("response_format") JsonNode responseFormat,
        @JsonProperty("logit_bias") Map<String, Double> logitBias,
        @JsonProperty("tools") JsonNode tools,
        @JsonProperty("tool_choice") JsonNode toolChoice,
        @JsonProperty("parallel_tool_calls") Boolean parallelToolCalls,
        // OpenAI's legacy form of tools: refused naming them, with a pointer to tools.
        @JsonProperty("functions") JsonNode functions,
        @JsonProperty("function_call") JsonNode functionCall,
        // Accepted and ignored: they change nothing about what is generated.
        @JsonProperty("store") Boolean store,
        @JsonProperty("metadata") Map<String, String> metadata,
        @JsonProperty("service_tier") String serviceTier) implements CommonFields {

    /**
     * One message. {@code content} is a string or a list of text parts (null in an assistant message of tool calls);
     * {@code tool_calls} are an assistant message's calls, {@code tool_call_id} says which call a tool message answers;
     * the other fields are what a client sends back when it replays an assistant message from a response, accepted
     * while empty.
     */
    record Message(
            @JsonProperty("role") String role,
            @JsonProperty("content") JsonNode content,
            @JsonProperty("name") String name,
            @JsonProperty("refusal") JsonNode refusal,
            @JsonProperty("tool_calls") JsonNode toolCalls,
            @JsonProperty("tool_call_id") String toolCallId,
            @JsonProperty("function_call") JsonNode functionCall,
            @JsonProperty("audio") JsonNode audio,
            @JsonProperty("annotations") JsonNode annotations,
            // Added by the openai npm package's helpers (chat.completions.stream, parse) to the message they return;
            // a client that sends that message back sends it too. Ignored.
            @JsonProperty("parsed") JsonNode parsed) {
    }
}
