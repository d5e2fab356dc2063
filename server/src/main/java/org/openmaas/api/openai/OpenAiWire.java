package org.openmaas.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.Token;
import org.openmaas.engine.ToolCall;

/**
 * The JSON shapes of OpenAI's API that this server answers with, in OpenAI's field names. Engine values become wire
 * records here and nowhere else. Fields OpenAI always sends are always present, null when they do not apply.
 */
final class OpenAiWire {

    private OpenAiWire() {
    }

    record ModelList(String object, List<Model> data) {
        ModelList(List<Model> data) {
            this("list", data);
        }
    }

    record Model(String id, String object, long created, String owned_by) {
        Model(String id, long created) {
            this(id, "model", created, "openmaas");
        }
    }

    record Usage(int prompt_tokens, int completion_tokens, int total_tokens) {
        Usage(int promptTokens, int completionTokens) {
            this(promptTokens, completionTokens, promptTokens + completionTokens);
        }
    }

    // Chat completions.

    record ChatCompletion(String id, String object, long created, String model, List<ChatChoice> choices,
                          Usage usage) {
    }

    record ChatChoice(int index, AssistantMessage message, ChatLogprobs logprobs, String finish_reason) {
    }

    /**
     * {@code tool_calls} only when the model made calls; {@code content} null when it wrote nothing else;
     * {@code reasoning_content} (llama-server's and DeepSeek's field) only when it reasoned.
     */
    record AssistantMessage(String role, String content,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) String reasoning_content, String refusal,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCallWire> tool_calls) {
        AssistantMessage(String content, String reasoning, List<ToolCall> calls) {
            this("assistant", content.isEmpty() && !calls.isEmpty() ? null : content, reasoning, null,
                    calls.stream().map(ToolCallWire::of).toList());
        }
    }

    record ToolCallWire(String id, String type, FunctionCall function) {
        static ToolCallWire of(ToolCall call) {
            return new ToolCallWire(call.id(), "function", new FunctionCall(call.name(), call.arguments()));
        }
    }

    /** @param arguments the arguments object as JSON text, as OpenAI sends it */
    record FunctionCall(String name, String arguments) {
    }

    /** A streamed chunk; {@code usage} only on the last one, when {@code stream_options.include_usage} asks. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ChatChunk(String id, String object, long created, String model, List<ChunkChoice> choices, Usage usage) {
    }

    record ChunkChoice(int index, Delta delta, ChatLogprobs logprobs, String finish_reason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String role, String content, String reasoning_content, List<ToolCallDelta> tool_calls) {
        Delta(String role, String content) {
            this(role, content, null, null);
        }
    }

    /**
     * A streamed piece of a call, as OpenAI streams them: the first has the id, the type and the function's name with
     * arguments {@code ""}; the next ones add to the arguments. {@code index} says which call of the choice it is.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ToolCallDelta(int index, String id, String type, FunctionDelta function) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record FunctionDelta(String name, String arguments) {
    }

    record ChatLogprobs(List<TokenLogprob> content, List<TokenLogprob> refusal) {
    }

    record TokenLogprob(String token, float logprob, int[] bytes, List<TopLogprob> top_logprobs) {
    }

    record TopLogprob(String token, float logprob, int[] bytes) {
    }

    // Legacy completions: the whole response and its streamed chunks have the same shape.

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TextCompletion(String id, String object, long created, String model, List<TextChoice> choices,
                          Usage usage) {
    }

    record TextChoice(String text, int index, TextLogprobs logprobs, String finish_reason) {
    }

    record TextLogprobs(List<String> tokens, List<Float> token_logprobs, List<Map<String, Float>> top_logprobs,
                        List<Integer> text_offset) {
    }

    // Embeddings.

    record EmbeddingList(String object, List<Embedding> data, String model, EmbeddingUsage usage) {
    }

    /** @param embedding a list of numbers, or their base64 text */
    record Embedding(String object, int index, Object embedding) {
    }

    record EmbeddingUsage(int prompt_tokens, int total_tokens) {
    }

    /**
     * The response to {@code POST /v1/embeddings}; in base64, each vector's float32 values little-endian, as OpenAI
     * encodes them.
     */
    static EmbeddingList embeddings(List<float[]> vectors, boolean base64, String model, int promptTokens) {
        List<Embedding> data = new java.util.ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            float[] vector = vectors.get(i);
            data.add(new Embedding("embedding", i, base64 ? base64(vector) : vector));
        }
        return new EmbeddingList("list", data, model, new EmbeddingUsage(promptTokens, promptTokens));
    }

    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    /** OpenAI's finish reason of a choice whose reply made tool calls, however its generation ended. */
    static final String TOOL_CALLS = "tool_calls";

    /** OpenAI's finish reasons: an end-of-generation token and a stop sequence both are {@code stop}. */
    static String finishReason(FinishReason reason) {
        return reason == FinishReason.LENGTH ? "length" : "stop";
    }

    static ChatLogprobs chatLogprobs(List<GenerationEvent.TokenGenerated> tokens) {
        return new ChatLogprobs(tokens.stream().map(t -> new TokenLogprob(t.token().text(), t.token().logprob(),
                bytes(t.token()), t.topTokens().stream().map(top -> new TopLogprob(top.text(), top.logprob(),
                        bytes(top))).toList())).toList(), null);
    }

    /** Legacy logprobs, the first token's text starting at {@code offset} in the completion. */
    static TextLogprobs textLogprobs(List<GenerationEvent.TokenGenerated> tokens, int offset) {
        List<Integer> offsets = new java.util.ArrayList<>();
        for (GenerationEvent.TokenGenerated t : tokens) {
            offsets.add(offset);
            offset += t.token().text().length();
        }
        return new TextLogprobs(tokens.stream().map(t -> t.token().text()).toList(),
                tokens.stream().map(t -> t.token().logprob()).toList(),
                tokens.stream().map(t -> topLogprobs(t.topTokens())).toList(), offsets);
    }

    private static Map<String, Float> topLogprobs(List<Token> top) {
        Map<String, Float> byText = new LinkedHashMap<>();
        top.forEach(t -> byText.putIfAbsent(t.text(), t.logprob()));
        return byText;
    }

    /** The token's text as UTF-8 bytes, as OpenAI reports them (empty for a token that ends inside a character). */
    private static int[] bytes(Token token) {
        byte[] utf8 = token.text().getBytes(StandardCharsets.UTF_8);
        int[] bytes = new int[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            bytes[i] = utf8[i] & 0xFF;
        }
        return bytes;
    }
}
