package org.openmaas.api.maas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationEvent.Failed.Cause;
import org.openmaas.engine.Token;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * The MaaS wire format, token by token, for engine events known in advance: every field of every NDJSON line, the
 * whole result of {@code generate}, and the error line of a generation that fails after its stream started.
 */
class WireFormatTest {

    static final Token HEL = new Token(10, "Hel", -0.5f, false);
    static final Token HE = new Token(11, "He", -1.5f, false);
    /** The first byte of "é": the token that ends inside a UTF-8 character carries "". */
    static final Token E_START = new Token(12, "", -0.125f, false);
    static final Token E_END = new Token(13, "é", -0.25f, false);
    static final Token EOS = new Token(2, "</s>", -0.0625f, true);
    static final Script HELLO = Script.builder().token(HEL, List.of(HEL, HE)).token(E_START, List.of(E_START, HE))
            .token(E_END, List.of(E_END, HE)).token(EOS, List.of(EOS, HE)).finish(FinishReason.EOS_TOKEN);

    static final ScriptedEngine engine = ScriptedEngine.builder().build();
    @AutoClose
    static final TestServer server = TestServer.scripted(engine);
    static final String token = server.token();

    @Test
    void everyLineCarriesTheEnginesTokenAndTheLastAddsTheTextAndDetails() {
        engine.playNext(HELLO);

        TestServer.Stream stream = server.stream(token, server.body("Say hello", "{\"top_n_tokens\": 2}"));

        String id = stream.response().headers().firstValue("X-Request-ID").orElseThrow();
        assertThat(stream.response().headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
        assertThat(stream.response().body().lines().toList()).containsExactly(
                "{\"result\":{\"response\":{\"token\":{\"id\":10,\"text\":\"Hel\",\"logprob\":-0.5,\"special\":false},"
                        + "\"top_tokens\":[{\"id\":10,\"text\":\"Hel\",\"logprob\":-0.5,\"special\":false},"
                        + "{\"id\":11,\"text\":\"He\",\"logprob\":-1.5,\"special\":false}],\"requestID\":\"" + id + "\"}}}",
                "{\"result\":{\"response\":{\"token\":{\"id\":12,\"text\":\"\",\"logprob\":-0.125,\"special\":false},"
                        + "\"top_tokens\":[{\"id\":12,\"text\":\"\",\"logprob\":-0.125,\"special\":false},"
                        + "{\"id\":11,\"text\":\"He\",\"logprob\":-1.5,\"special\":false}],\"requestID\":\"" + id + "\"}}}",
                "{\"result\":{\"response\":{\"token\":{\"id\":13,\"text\":\"é\",\"logprob\":-0.25,\"special\":false},"
                        + "\"top_tokens\":[{\"id\":13,\"text\":\"é\",\"logprob\":-0.25,\"special\":false},"
                        + "{\"id\":11,\"text\":\"He\",\"logprob\":-1.5,\"special\":false}],\"requestID\":\"" + id + "\"}}}",
                "{\"result\":{\"response\":{\"token\":{\"id\":2,\"text\":\"</s>\",\"logprob\":-0.0625,\"special\":true},"
                        + "\"top_tokens\":[{\"id\":2,\"text\":\"</s>\",\"logprob\":-0.0625,\"special\":true},"
                        + "{\"id\":11,\"text\":\"He\",\"logprob\":-1.5,\"special\":false}],\"generated_text\":\"Helé\","
                        + "\"details\":{\"finish_reason\":\"FINISH_REASON_EOS_TOKEN\",\"generated_tokens\":4},"
                        + "\"requestID\":\"" + id + "\"}}}");
    }

    @Test
    void aSampledGenerationReportsItsSeedAsADecimalString() {
        engine.playNext(Script.words(2, FinishReason.LENGTH));

        TestServer.Stream stream = server.stream(token, server.body("Once",
                "{\"temperature\": 0.7, \"seed\": 18446744073709551615, \"max_new_tokens\": 2}"));

        assertThat(stream.last().get("details").get("seed").asText()).isEqualTo("18446744073709551615");
        assertThat(stream.last().get("details").get("finish_reason").asText()).isEqualTo("FINISH_REASON_LENGTH");
    }

    @Test
    void generateAnswersWithTheWholeResultInOneObject() {
        engine.playNext(HELLO);

        HttpResponse<String> response = server.post("/v1/maas/generate", token,
                server.body("Say hello", "{\"top_n_tokens\": 2}"));

        JsonNode whole = TestServer.json(response.body());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(whole.get("generated_text").asText()).isEqualTo("Helé");
        assertThat(whole.get("requestID").asText()).isEqualTo(response.headers().firstValue("X-Request-ID").orElseThrow());
        JsonNode details = whole.get("details");
        assertThat(details.get("finish_reason").asText()).isEqualTo("FINISH_REASON_EOS_TOKEN");
        assertThat(details.get("generated_tokens").asInt()).isEqualTo(4);
        assertThat(details.get("prompt_tokens").asInt()).as("BOS and two words").isEqualTo(3);
        assertThat(details.has("seed")).isFalse();
        assertThat(details.get("tokens").findValuesAsText("text")).containsExactly("Hel", "", "é", "</s>");
        assertThat(details.get("tokens").get(3).get("special").asBoolean()).isTrue();
        assertThat(details.get("top_tokens")).hasSize(4);
        assertThat(details.get("top_tokens").get(0).findValuesAsText("text")).containsExactly("Hel", "He");
    }

    @Test
    void generateLeavesTopTokensOutWhenNoneWereAskedFor() {
        engine.playNext(Script.words(2, FinishReason.LENGTH));

        JsonNode details = TestServer.json(server.post("/v1/maas/generate", token,
                server.body("Once", "{\"max_new_tokens\": 2}")).body()).get("details");

        assertThat(details.has("top_tokens")).isFalse();
        assertThat(details.get("tokens")).hasSize(2);
    }

    @Test
    void aGenerationThatFailsAfterItsStreamStartedEndsWithAnErrorLine() {
        engine.playNext(Script.builder().text("Once").fail(Cause.INTERNAL, "the engine failed on this request"));

        TestServer.Stream stream = server.stream(token, server.body("Once", "{}"));

        assertThat(stream.response().statusCode()).isEqualTo(200);
        assertThat(stream.lines()).hasSize(2);
        assertThat(stream.lines().getLast().toString())
                .isEqualTo("{\"error\":{\"code\":13,\"message\":\"the engine failed on this request\",\"details\":[]}}");
    }

    @Test
    void aGenerationStoppedByTheServerEndsWithAnUnavailableLine() {
        engine.playNext(Script.builder().text("Once").fail(Cause.STOPPING, "the server is shutting down"));

        TestServer.Stream stream = server.stream(token, server.body("Once", "{}"));

        JsonNode error = stream.lines().getLast().get("error");
        assertThat(error.get("code").asInt()).isEqualTo(14);
        assertThat(error.get("message").asText()).isEqualTo("the server is shutting down; retry the request");
    }

    /** {@code generate} has answered 200 before the engine fails (see {@code CancellationTest}): the body says it. */
    @Test
    void generateAnswersAFailureWithTheStreamsErrorObject() {
        engine.playNext(Script.builder().text("Once").fail(Cause.STOPPING, "the server is shutting down"));

        HttpResponse<String> response = server.post("/v1/maas/generate", token, server.body("Once", "{}"));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode error = TestServer.json(response.body()).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(14);
        assertThat(error.get("message").asText()).isEqualTo("the server is shutting down; retry the request");
    }
}
