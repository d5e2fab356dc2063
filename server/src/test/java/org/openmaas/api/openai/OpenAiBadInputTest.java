package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmaas.api.maas.MaasApi;
import org.openmaas.testing.TestServer;

/**
 * Every kind of bad input to the OpenAI-compatible routes gets OpenAI's error shape, {@code {"error": {"message",
 * "type", "param", "code"}}}, with the usual status and the field at fault in {@code param}, before any streaming
 * starts; and the server keeps serving.
 */
class OpenAiBadInputTest {

    static ChatAndRawModels models;
    static TestServer server;
    static String key;
    static String chatModel;
    static String rawModel;
    static String valid;

    @BeforeAll
    static void start() {
        models = ChatAndRawModels.scripted();
        server = models.server();
        chatModel = models.chatModel();
        rawModel = models.rawModel();
        key = server.apiKey();
        valid = """
                {"model": "%s", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 3}""".formatted(chatModel);
    }

    @AfterAll
    static void stop() {
        models.close();
    }

    static Stream<Arguments> badChats() {
        return Stream.of(
                bad("malformed JSON", b -> b.substring(0, b.length() - 2), 400, null, "not valid JSON"),
                bad("an empty body", b -> "", 400, null, "empty"),
                bad("a field given twice", field("\"max_tokens\": 4"), 400, null, "Duplicate field 'max_tokens'"),
                bad("a JSON array", b -> "[1]", 400, null, "wrong type"),
                bad("an unknown field", field("\"best_of\": 2"), 400, "best_of", "unknown field 'best_of'"),
                bad("max_tokens as a string", replace("\"max_tokens\": 3", "\"max_tokens\": \"3\""), 400, "max_tokens", "wrong type"),
                bad("temperature as a string", field("\"temperature\": \"hot\""), 400, "temperature", "wrong type"),
                bad("a missing model", replace("\"model\": \"" + chatModel + "\", ", ""), 400, "model", "model is required"),
                bad("an unknown model", replace(chatModel, "gpt-4o"), 404, "model", "the model 'gpt-4o' does not exist"),
                bad("a model without a chat template", replace(chatModel, rawModel), 400, "model", "has no chat template"),
                bad("missing messages", replace("\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], ", ""), 400, "messages", "messages is required"),
                bad("no messages", replace("[{\"role\": \"user\", \"content\": \"Hi\"}]", "[]"), 400, "messages", "messages is required"),
                bad("an invalid role", replace("\"role\": \"user\"", "\"role\": \"wizard\""), 400, "messages[0].role", "'wizard'; allowed"),
                bad("a tool message answering no call", replace("\"role\": \"user\"", "\"role\": \"tool\""), 400, "messages[0].tool_call_id", "must be the id of a tool call an earlier assistant message made"),
                bad("a missing content", replace(", \"content\": \"Hi\"", ""), 400, "messages[0].content", "content is required"),
                bad("an image part", replace("\"Hi\"", "[{\"type\": \"image_url\", \"image_url\": {\"url\": \"x\"}}]"), 400, "messages[0].content", "images"),
                bad("a content number", replace("\"Hi\"", "42"), 400, "messages[0].content", "must be a string or a list of text parts"),
                bad("n of 9", field("\"n\": 9"), 400, "n", "n must be between 1 and 8"),
                bad("n of 0", field("\"n\": 0"), 400, "n", "n must be between 1 and 8"),
                bad("a negative temperature", field("\"temperature\": -0.1"), 400, "temperature", "temperature must be between 0 and 2"),
                bad("a temperature above 2", field("\"temperature\": 2.5"), 400, "temperature", "temperature must be between 0 and 2"),
                bad("a NaN temperature", field("\"temperature\": NaN"), 400, "temperature", "got NaN"),
                bad("top_p above 1", field("\"top_p\": 1.1"), 400, "top_p", "top_p must be between 0 and 1"),
                bad("a negative top_p", field("\"top_p\": -1"), 400, "top_p", "top_p must be between 0 and 1"),
                bad("frequency_penalty beyond 2", field("\"frequency_penalty\": 2.5"), 400, "frequency_penalty", "between -2 and 2"),
                bad("presence_penalty below -2", field("\"presence_penalty\": -3"), 400, "presence_penalty", "between -2 and 2"),
                bad("max_tokens of 0", replace("\"max_tokens\": 3", "\"max_tokens\": 0"), 400, "max_tokens", "max_tokens must be between 1 and"),
                bad("max_tokens beyond the context", replace("\"max_tokens\": 3", "\"max_tokens\": 100000"), 400, "max_tokens", "must be between 1 and"),
                bad("max_tokens past the end of the context", replace("\"max_tokens\": 3", "\"max_tokens\": 510"), 400, "max_tokens", "more than the context"),
                bad("max_completion_tokens of 0", replace("\"max_tokens\": 3", "\"max_completion_tokens\": 0"), 400, "max_completion_tokens", "max_completion_tokens must be between 1 and"),
                bad("max_tokens and max_completion_tokens that differ", field("\"max_completion_tokens\": 4"), 400, "max_tokens", "differ"),
                bad("too many stop sequences", field("\"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]"), 400, "stop", "at most 4"),
                bad("an empty stop sequence", field("\"stop\": \"\""), 400, "stop", "stop[0] is empty"),
                bad("a stop that is a number", field("\"stop\": 7"), 400, "stop", "a string or a list of strings"),
                bad("a stop list holding a number", field("\"stop\": [\"a\", 7]"), 400, "stop", "a string or a list of strings"),
                bad("top_logprobs without logprobs", field("\"top_logprobs\": 2"), 400, "top_logprobs", "needs logprobs"),
                bad("top_logprobs above 5", field("\"logprobs\": true, \"top_logprobs\": 6"), 400, "top_logprobs", "between 0 and 5"),
                bad("a seed beyond 64 bits", field("\"seed\": 18446744073709551616"), 400, "seed", "seed"),
                bad("a fractional seed", field("\"seed\": 1.5"), 400, "seed", "seed"),
                bad("stream_options without stream", field("\"stream_options\": {\"include_usage\": true}"), 400, "stream_options", "only allowed when stream is true"),
                bad("tools of a model of no known tool-calling family", field("\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]"), 400, "tools", "is of no family whose tool calls this server can read"),
                bad("legacy functions", field("\"functions\": [{\"name\": \"f\"}]"), 400, "functions", "declare them in tools"),
                bad("a response format of no known type", field("\"response_format\": {\"type\": \"xml\"}"), 400, "response_format", "not supported"),
                bad("a logit_bias of a token outside the vocabulary", field("\"logit_bias\": {\"50256\": -100}"), 400, "logit_bias", "not in this model's vocabulary"),
                bad("a logit_bias above 100", field("\"logit_bias\": {\"5\": 101}"), 400, "logit_bias", "between -100 (banned) and 100"),
                bad("a body over the size limit", replace("\"Hi\"", "\"" + "a".repeat(MaasApi.MAX_BODY_BYTES) + "\""), 400, null, "larger than the limit"),
                bad("messages longer than the context", replace("\"Hi\"", "\"" + "once upon a time ".repeat(600) + "\""), 400, "messages", "context"));
    }

    static Stream<Arguments> badCompletions() {
        String completion = "{\"model\": \"%s\", \"prompt\": \"Once\", \"max_tokens\": 3}".formatted(rawModel);
        return Stream.of(
                badCompletion("a missing prompt", completion.replace("\"prompt\": \"Once\", ", ""), "prompt", "prompt is required"),
                badCompletion("several prompts", completion.replace("\"Once\"", "[\"a\", \"b\"]"), "prompt", "several prompts"),
                badCompletion("a token id outside the vocabulary", completion.replace("\"Once\"", "[1, 99999999]"), "prompt", "not a token id"),
                badCompletion("echo", completion.replace("}", ", \"echo\": true}"), "echo", "echo is not supported"),
                badCompletion("a suffix", completion.replace("}", ", \"suffix\": \"end\"}"), "suffix", "suffix"),
                badCompletion("best_of of 3", completion.replace("}", ", \"best_of\": 3}"), "best_of", "best_of must be 1"),
                badCompletion("logprobs above 5", completion.replace("}", ", \"logprobs\": 6}"), "logprobs", "between 0 and 5"),
                badCompletion("messages", completion.replace("}", ", \"messages\": []}"), "messages", "unknown field 'messages'"),
                badCompletion("n of 9", completion.replace("}", ", \"n\": 9}"), "n", "n must be between 1 and 8"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badChats")
    void aBadChatCompletionIsRefusedInOpenAisErrorShape(String what, UnaryOperator<String> mutation, int status,
                                                        String param, String message) {
        assertError(server.post("/v1/chat/completions", key, mutation.apply(valid)), status, param, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCompletions")
    void aBadCompletionIsRefusedInOpenAisErrorShape(String what, String body, String param, String message) {
        assertError(server.post("/v1/completions", key, body), 400, param, message);
    }

    @Test
    void aStreamedRequestIsRefusedBeforeItsStreamStarts() {
        assertError(server.post("/v1/chat/completions", key, field("\"stream\": true, \"n\": 9").apply(valid)), 400,
                "n", "n must be between 1 and 8");
    }

    @Test
    void aMissingKeyIsUnauthenticated() {
        assertError(server.post("/v1/chat/completions", null, valid), 401, null, "Authorization header is missing");
        assertError(server.get("/v1/models", null), 401, null, "Authorization header is missing");
    }

    @Test
    void anUnknownKeyIsUnauthenticated() {
        assertError(server.post("/v1/chat/completions", "sk-" + "x".repeat(43), valid), 401, null,
                "the API key is not valid");
    }

    @Test
    void aKeyThatIsNoKeyIsUnauthenticated() {
        assertError(server.post("/v1/chat/completions", "not-a-key", valid), 401, null, "not a signed JWT");
    }

    @Test
    void aTokenWithoutTheInferenceScopeIsRefusedBeforeTheBodyIsLookedAt() {
        String adminOnly = TestServer.json(server.tokenRequest("grant_type=client_credentials&scope=admin",
                TestServer.basic(TestServer.CLIENT_ID, TestServer.CLIENT_SECRET)).body()).get("access_token").asText();
        String megabytePrompt = replace("\"Hi\"", "\"" + "once upon a time ".repeat(MaasApi.MAX_BODY_BYTES / 17 - 20)
                + "\"").apply(valid);

        assertError(server.post("/v1/chat/completions", adminOnly, megabytePrompt), 403, null, "'inference' scope");
        assertError(server.post("/v1/completions", adminOnly, "this is not JSON"), 403, null, "'inference' scope");
    }

    @Test
    void aModelTheAccountMayNotUseIsForbiddenWhetherItExistsOrNot() {
        TestServer.Client client = server.newClient("inference");
        HttpResponse<String> set = server.send("PUT", "/v1/admin/accounts/" + client.account() + "/entitlements",
                server.token(), "{\"products\": [\"" + rawModel + "\"]}");
        String theirs = server.apiKey(server.token(client.id(), client.secret()));
        String beyondTheContext = replace("\"Hi\"", "\"" + "once upon a time ".repeat(600) + "\"").apply(valid);

        assertThat(set.statusCode()).isEqualTo(200);
        assertError(server.post("/v1/chat/completions", theirs, valid), 403, null, "is not entitled to model '" + chatModel + "'");
        assertError(server.post("/v1/chat/completions", theirs, replace(chatModel, "gpt-4o").apply(valid)), 403, null,
                "is not entitled to model 'gpt-4o'");
        assertError(server.post("/v1/chat/completions", theirs, beyondTheContext), 403, null, "is not entitled");
        assertError(server.get("/v1/models/" + chatModel, theirs), 404, "model", "the model '" + chatModel + "' does not exist");
        assertError(server.get("/v1/models/gpt-4o", theirs), 404, "model", "the model 'gpt-4o' does not exist");
    }

    @Test
    void anUnknownModelCannotBeRetrieved() {
        assertError(server.get("/v1/models/gpt-4o", key), 404, "model", "does not exist");
    }

    @Test
    void anUnknownPathUnderV1AnswersInOpenAisShape() {
        assertError(server.post("/v1/audio/speech", key, "{}"), 404, null, "Invalid URL (POST /v1/audio/speech)");
    }

    @Test
    void anOpenAiPathWithoutV1SaysToAddIt() {
        assertError(server.post("/chat/completions", key, valid), 404, null, "no such endpoint: POST /chat/completions; "
                + "the API is under /v1: POST /v1/chat/completions (an OpenAI client's base URL is this server's URL "
                + "followed by /v1)");
        assertError(server.get("/models", key), 404, null, "GET /v1/models");
    }

    @Test
    void aWrongMethodAnswersInOpenAisShape() {
        HttpResponse<String> response = server.get("/v1/chat/completions", key);

        assertError(response, 405, null, "use POST");
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void theServerKeepsServingAfterEveryKindOfBadInput() {
        badChats().forEach(args -> {
            @SuppressWarnings("unchecked")
            UnaryOperator<String> mutation = (UnaryOperator<String>) args.get()[1];
            server.post("/v1/chat/completions", key, mutation.apply(valid));
        });

        assertThat(server.post("/v1/chat/completions", key, valid).statusCode()).isEqualTo(200);
    }

    private static void assertError(HttpResponse<String> response, int status, String param, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode error = TestServer.json(response.body()).get("error");
        assertThat(error.get("message").asText()).contains(message).doesNotContain("Exception").doesNotContain("at org.");
        assertThat(error.get("type").asText()).isEqualTo(switch (status) {
            case 400, 401, 404, 405 -> "invalid_request_error";
            case 403 -> "permission_error";
            default -> "server_error";
        });
        assertThat(error.has("code")).isTrue();
        if (param == null) {
            assertThat(error.get("param").isNull()).as("param").isTrue();
        } else {
            assertThat(error.get("param").asText()).isEqualTo(param);
        }
    }

    private static UnaryOperator<String> field(String json) {
        return b -> b.replaceFirst("\\}$", Matcher.quoteReplacement(", " + json + "}"));
    }

    private static UnaryOperator<String> replace(String from, String to) {
        return b -> b.replace(from, to);
    }

    private static Arguments bad(String what, UnaryOperator<String> mutation, int status, String param, String message) {
        return Arguments.of(what, mutation, status, param, message);
    }

    private static Arguments badCompletion(String what, String body, String param, String message) {
        return Arguments.of(what, body, param, message);
    }
}
