package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * The official {@code openai} npm package, run by a small Node script ({@code openai-node/client.mjs}) against a real
 * server: models, a chat completion whole and streamed, a legacy completion whole and streamed, and an error; and, on a
 * scripted model of the Hermes family, a required tool call streamed and put together by the client's stream helper,
 * then the answer to the call's result.
 *
 * <p>The package comes from the cache folder {@code scripts/npm-cache.sh} fills (./dev test runs it before Maven);
 * this test never reaches the npm registry. Without the package it is skipped, printing why, only when that script
 * found npm or the registry unavailable; otherwise, and always under CI, it fails saying what to run.
 */
class OpenAiNodeClientTest {

    @TempDir
    static Path folder;
    static ChatAndRawModels models;
    static TestServer server;
    static ScriptedEngine agent;
    static TestServer toolServer;
    static JsonNode result;
    static String chatModel;
    static String completionModel;

    @BeforeAll
    static void runTheScript() throws Exception {
        Path modules = requirePackage();
        assumeTrue(available("node"), "node is not on the PATH: the official OpenAI Node client cannot be tried here");
        Files.createSymbolicLink(folder.resolve("node_modules"), modules);
        Path script = folder.resolve("client.mjs");
        try (InputStream in = OpenAiNodeClientTest.class.getResourceAsStream("/openai-node/client.mjs")) {
            Files.copy(in, script);
        }
        models = ChatAndRawModels.start();
        server = models.server();
        chatModel = models.chatModel();
        completionModel = models.rawModel();
        agent = ToolReplies.weatherAgent();
        toolServer = TestServer.scripted(agent);
        Output node = run(List.of("node", script.toString()), Map.of(
                "OPENAI_BASE_URL", server.uri("/v1").toString(),
                "OPENAI_API_KEY", server.apiKey(),
                "CHAT_MODEL", chatModel,
                "COMPLETION_MODEL", completionModel,
                "TOOLS_BASE_URL", toolServer.uri("/v1").toString(),
                "TOOLS_API_KEY", toolServer.apiKey(),
                "TOOLS_MODEL", TestServer.SCRIPTED_PRODUCT), 180);
        if (node.exitCode() != 0) {
            throw new AssertionError("the Node script failed (exit " + node.exitCode() + "):\n" + node.stderr());
        }
        result = TestServer.json(node.stdout());
    }

    /**
     * The {@code node_modules} folder holding the {@code openai} package in the cache {@code scripts/npm-cache.sh}
     * fills: {@code $OPENMAAS_CACHE/openai-node}, by default {@code ~/.cache/openmaas/openai-node}.
     */
    private static Path requirePackage() throws IOException {
        String root = System.getenv("OPENMAAS_CACHE");
        if (root == null) {
            String xdg = System.getenv("XDG_CACHE_HOME");
            root = (xdg != null ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                    .resolve("openmaas").toString();
        }
        Path cache = Path.of(root, "openai-node");
        Path modules = cache.resolve("node_modules");
        if (Files.isRegularFile(modules.resolve("openai/package.json"))) {
            return modules;
        }
        String missing = "the openai npm package is not in " + cache + "; scripts/npm-cache.sh installs it there "
                + "(./dev test runs it first)";
        Path unavailable = cache.resolveSibling("openai-node.unavailable");
        if (!Files.isRegularFile(unavailable)) {
            throw new AssertionError(missing);
        }
        String why = missing + ", but could not: " + Files.readString(unavailable).strip();
        if (System.getenv("CI") != null) {
            throw new AssertionError(why);
        }
        System.out.println("OpenAiNodeClientTest is skipped: " + why);
        return Assumptions.abort(why);
    }

    @AfterAll
    static void stop() {
        if (models != null) {
            models.close();
        }
        if (toolServer != null) {
            toolServer.close();
        }
    }

    @Test
    void theClientListsTheProductsAsModels() {
        assertThat(result.get("models")).extracting(JsonNode::asText).containsExactlyInAnyOrder(chatModel, completionModel);
    }

    @Test
    void theClientGetsAChatCompletion() {
        JsonNode chat = result.get("chat");

        assertThat(chat.get("object").asText()).isEqualTo("chat.completion");
        assertThat(chat.get("role").asText()).isEqualTo("assistant");
        assertThat(chat.get("content").asText()).isNotEmpty();
        assertThat(chat.get("finishReason").asText()).isIn("stop", "length");
        assertThat(chat.get("usage").get("completion_tokens").asInt()).isBetween(1, 10);
    }

    @Test
    void theClientStreamsTheSameChatCompletion() {
        JsonNode streamed = result.get("chatStream");

        assertThat(streamed.get("content").asText()).isEqualTo(result.get("chat").get("content").asText());
        assertThat(streamed.get("finishReason").asText()).isEqualTo(result.get("chat").get("finishReason").asText());
        assertThat(streamed.get("usage")).isEqualTo(result.get("chat").get("usage"));
        assertThat(streamed.get("chunks").asInt()).isGreaterThan(2);
    }

    @Test
    void theClientGetsALegacyCompletion() {
        JsonNode completion = result.get("completion");

        assertThat(completion.get("object").asText()).isEqualTo("text_completion");
        assertThat(completion.get("text").asText()).isNotEmpty();
        assertThat(completion.get("usage").get("completion_tokens").asInt()).isBetween(1, 8);
    }

    @Test
    void theClientStreamsTheSameLegacyCompletion() {
        assertThat(result.get("completionStream").get("text").asText())
                .isEqualTo(result.get("completion").get("text").asText());
    }

    @Test
    void theClientRaisesItsBadRequestErrorNamingTheParameter() {
        JsonNode error = result.get("error");

        assertThat(error.get("name").asText()).isEqualTo("BadRequestError");
        assertThat(error.get("status").asInt()).isEqualTo(400);
        assertThat(error.get("param").asText()).isEqualTo("n");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).contains("n must be between 1 and 8");
    }

    @Test
    void theClientsStreamHelperPutsARequiredToolCallTogetherFromTheDeltas() {
        JsonNode call = result.get("toolCall");

        assertThat(call.get("finishReason").asText()).isEqualTo("tool_calls");
        assertThat(call.get("content").isNull()).isTrue();
        assertThat(call.get("toolCalls")).hasSize(1);
        JsonNode made = call.get("toolCalls").get(0);
        assertThat(made.get("id").asText()).matches("call_[A-Za-z0-9]{24}");
        assertThat(made.get("type").asText()).isEqualTo("function");
        assertThat(made.get("function").get("name").asText()).isEqualTo("get_weather");
        assertThat(TestServer.json(made.get("function").get("arguments").asText()).get("city").asText())
                .isEqualTo("Paris");
        // required: the scripted model was asked to decode under the Hermes grammar of get_weather calls
        assertThat(agent.submitted().getFirst().constraint()).isInstanceOf(OutputConstraint.Gbnf.class);
    }

    @Test
    void theClientSendsTheCallAndItsResultBackAndGetsTheAnswer() {
        JsonNode answer = result.get("toolAnswer");

        assertThat(answer.get("content").asText()).isEqualTo(ToolReplies.ANSWER);
        assertThat(answer.get("finishReason").asText()).isEqualTo("stop");
        assertThat(answer.get("toolCalls").isNull()).isTrue();
        assertThat(ToolReplies.prompt(agent.submitted().getLast())).contains("calls: get_weather({\"city\":\"Paris\"})")
                .contains("tool[" + result.get("toolCall").get("toolCalls").get(0).get("id").asText() + "]: 22 C");
    }

    private record Output(int exitCode, String stdout, String stderr) {
    }

    private static Output run(List<String> command, Map<String, String> env, int timeoutSeconds)
            throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(folder, "out", ".txt");
        Path stderr = Files.createTempFile(folder, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within " + timeoutSeconds + " s:\n"
                    + Files.readString(stderr));
        }
        return new Output(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    private static boolean available(String program) {
        try {
            Process process = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
            process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
