package org.openmaas.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.testing.LoopbackVllm;
import org.openmaas.testing.TestServer;

/**
 * Tools on products whose engine is elsewhere, through the gateway's OpenAI API: a vLLM product, whose family the
 * catalog names, renders the tools on vLLM's {@code /tokenize} and gets a forced call's grammar in
 * {@code structured_outputs}, and its reply's Hermes markup comes back as a call (vLLM is a loopback server of its
 * protocol, {@link LoopbackVllm}, the reply scripted; its toy vocabulary has lowercase letters only, and its stand-in
 * template renders roles and contents only); products that cannot take tools say why with a 400.
 */
class RemoteToolCallingApiTest {

    private static final String TOOLS = """
            "tools": [{"type": "function", "function": {"name": "get_weather", "description": "The weather in a city",
             "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]""";

    @TempDir
    static Path dir;

    private static LoopbackVllm vllm;
    private static TestServer server;
    private static String key;

    @BeforeAll
    static void start() throws Exception {
        vllm = new LoopbackVllm("toy");
        server = TestServer.start(List.of(), Optional.of(Files.writeString(dir.resolve("catalog.yaml"), """
                products:
                  - product_name: vllm-hermes
                    model_name: NousResearch/Hermes-3-Llama-3.1-8B
                    context_length: 4096
                    engine: {type: vllm, endpoints: [%1$s], upstream_model: toy, tool_call_format: hermes}
                  - product_name: vllm-unnamed
                    model_name: NousResearch/Hermes-3-Llama-3.1-8B
                    context_length: 4096
                    engine: {type: vllm, endpoints: [%1$s], upstream_model: toy}
                  - product_name: tgi
                    model_name: mistralai/Mistral-7B-Instruct-v0.3
                    context_length: 4096
                    engine: {type: tgi, endpoints: ["http://127.0.0.1:1"]}
                  - product_name: maas
                    model_name: meta-llama/Meta-Llama-3.1-8B-Instruct
                    context_length: 4096
                    engine: {type: maas, endpoints: ["http://127.0.0.1:1"], auth_url: "http://127.0.0.1:1/oauth2/token",
                             client_id: gateway, client_secret_env: UPSTREAM_SECRET, cloud_account: acct,
                             product_name: upstream}
                """.formatted(vllm.endpoint()))), Map.of("UPSTREAM_SECRET", "s3cret"), Clock.systemUTC());
        key = server.apiKey();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (vllm != null) vllm.close();
    }

    @Test
    void aForcedCallOnVllmSendsTheToolsToTokenizeAndTheGrammarAsStructuredOutputsAndReadsTheCall() {
        vllm.replyNext("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>");

        HttpResponse<String> response = server.post("/v1/chat/completions", key, """
                {"model": "vllm-hermes", "messages": [{"role": "user", "content": "weather in oslo"}], "max_tokens": 200,
                 %s, "tool_choice": "required"}""".formatted(TOOLS));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode tool = vllm.lastRequest("/tokenize").get("tools").get(0);
        assertThat(tool.get("type").asText()).isEqualTo("function");
        assertThat(tool.get("function").get("name").asText()).isEqualTo("get_weather");
        assertThat(tool.get("function").get("parameters").get("required").get(0).asText()).isEqualTo("city");
        assertThat(vllm.lastRequest("/v1/completions").get("structured_outputs").get("grammar").asText())
                .startsWith("root ::=").contains("<tool_call>");
        JsonNode choice = TestServer.json(response.body()).get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.get("message").get("content").isNull()).isTrue();
        JsonNode call = choice.get("message").get("tool_calls").get(0);
        assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
        assertThat(TestServer.json(call.get("function").get("arguments").asText()))
                .isEqualTo(TestServer.json("{\"city\": \"Oslo\"}"));
    }

    @Test
    void aToolsResultGoesToVllmsTemplateWithTheCallItAnswers() {
        vllm.replyNext("It is sunny in Oslo.");

        HttpResponse<String> response = server.post("/v1/chat/completions", key, """
                {"model": "vllm-hermes", "max_tokens": 50, %s, "messages": [
                 {"role": "user", "content": "weather in oslo"},
                 {"role": "assistant", "content": null, "tool_calls": [{"id": "call_7", "type": "function",
                  "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Oslo\\"}"}}]},
                 {"role": "tool", "tool_call_id": "call_7", "content": "sunny"}]}""".formatted(TOOLS));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode messages = vllm.lastRequest("/tokenize").get("messages");
        assertThat(messages.get(1).get("content").isNull()).isTrue();
        JsonNode call = messages.get(1).get("tool_calls").get(0);
        assertThat(call.get("id").asText()).isEqualTo("call_7");
        assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
        assertThat(call.get("function").get("arguments").asText()).isEqualTo("{\"city\": \"Oslo\"}");
        assertThat(messages.get(2).get("role").asText()).isEqualTo("tool");
        assertThat(messages.get(2).get("tool_call_id").asText()).isEqualTo("call_7");
        assertThat(messages.get(2).get("content").asText()).isEqualTo("sunny");
        JsonNode choice = TestServer.json(response.body()).get("choices").get(0);
        assertThat(choice.get("message").get("content").asText()).isEqualTo("It is sunny in Oslo.");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void toolsOnAVllmProductWithoutItsFamilyAreRefusedNamingTheCatalogKey() {
        assertRefused("vllm-unnamed", "engine.tool_call_format");
    }

    @Test
    void toolsOnTgiAndMaasProductsAreRefusedSayingTheirApisTakeNone() {
        assertRefused("tgi", "TGI, whose /generate_stream takes a prompt and no tools");
        assertRefused("maas", "another MaaS endpoint, whose generatestream takes a prompt and no tools");
    }

    private static void assertRefused(String product, String why) {
        HttpResponse<String> response = server.post("/v1/chat/completions", key, """
                {"model": "%s", "messages": [{"role": "user", "content": "Weather?"}], %s}""".formatted(product, TOOLS));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = TestServer.json(response.body()).get("error");
        assertThat(error.get("param").asText()).isEqualTo("tools");
        assertThat(error.get("message").asText()).contains(product).contains(why);
    }
}
