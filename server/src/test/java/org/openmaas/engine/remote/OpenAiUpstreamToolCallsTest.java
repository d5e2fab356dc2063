package org.openmaas.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.ToolCall;
import org.openmaas.engine.ToolChoice;
import org.openmaas.engine.ToolDefinition;
import org.openmaas.testing.LoopbackOpenAi;

/**
 * The calls an OpenAI-compatible server streams, in pieces, as OpenAI's function-calling guide ("Streaming", on
 * platform.openai.com/docs/guides/function-calling) shows them: a call's first delta has its {@code index}, {@code id},
 * {@code type} and name with {@code arguments} {@code ""}, the next ones fragments of its arguments; the last content
 * chunk has {@code finish_reason} {@code tool_calls}; with {@code include_usage}, a chunk of no choices and the usage.
 */
class OpenAiUpstreamToolCallsTest {

    private static final List<String> EVENTS = List.of(
            chunk("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_DdmO9pD3xa9XTPNJ\","
                    + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}", null),
            chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"loc\"}}]}", null),
            chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ation\\\": \\\"Paris\"}}]}", null),
            chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"}\"}}]}", null),
            chunk("{\"tool_calls\":[{\"index\":1,\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":"
                    + "\"get_time\",\"arguments\":\"\"}}]}", null),
            chunk("{}", "tool_calls"),
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt\",\"choices\":[],"
                    + "\"usage\":{\"prompt_tokens\":57,\"completion_tokens\":31,\"total_tokens\":88}}");

    @AutoClose
    private final LoopbackOpenAi server = new LoopbackOpenAi(EVENTS);

    @Test
    void theCallsPiecesAreJoinedAndReportedWithTheEnd() throws Exception {
        RecordingListener run = new RecordingListener();
        OpenAiUpstream upstream = new OpenAiUpstream(HttpClient.newHttpClient(), UpstreamTimeouts.DEFAULTS, "gpt",
                Optional.empty());
        GenerationRequest request = new GenerationRequest("tools", "acct", new Prompt.Chat(
                List.of(new ChatMessage("user", "Weather and time in Paris?")),
                List.of(new ToolDefinition("get_weather", Optional.empty(), Optional.of("{\"type\": \"object\"}")),
                        new ToolDefinition("get_time", Optional.empty(), Optional.empty())),
                new ToolChoice.Named("get_weather"), false), 100, Sampling.greedy(), List.of(), 0, false);

        upstream.start(server.endpoint(), new AttemptRequest(request, List.of()), run);

        assertThat(run.toolCalls()).containsExactly(
                new ToolCall("call_DdmO9pD3xa9XTPNJ", "get_weather", "{\"location\": \"Paris\"}"),
                new ToolCall("call_2", "get_time", "{}"));
        assertThat(run.ending()).isEqualTo(new RecordingListener.Ending(FinishReason.EOS_TOKEN, 57, 31, null));
        assertThat(run.tokens()).isEmpty();
        JsonNode sent = server.lastRequest("/v1/chat/completions");
        assertThat(sent.get("tool_choice")).isEqualTo(TestJson.parse(
                "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}}"));
        assertThat(sent.get("parallel_tool_calls").asBoolean()).isFalse();
        assertThat(sent.get("tools").get(0).get("function").get("parameters"))
                .isEqualTo(TestJson.parse("{\"type\": \"object\"}"));
        assertThat(sent.get("tools").get(1).get("function").has("parameters")).isFalse();
    }

    private static String chunk(String delta, String finishReason) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt\",\"choices\":"
                + "[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + (finishReason == null ? "null" : "\"" + finishReason + "\"") + "}]}";
    }
}
