package org.openmaas.api.maas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.GenerationEvent.Failed.Cause;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * A whole result's response starts (200) as soon as its generation is admitted, with a space, and another every
 * second until the result follows (so that a client that leaves is noticed: {@code CancellationTest}). JSON allows the
 * leading whitespace; a failure after that start is the route's error object under the 200.
 */
class WholeResultTest {

    static final ScriptedEngine engine = ScriptedEngine.builder().build();
    @AutoClose
    static final TestServer server = TestServer.scripted(engine);
    static final String token = server.token();

    @ParameterizedTest
    @EnumSource(WholeResultRoute.class)
    void theResultFollowsTheHeartbeatsSpacesAndParsesAsJson(WholeResultRoute route) {
        engine.playNext(Script.builder().text("Once").text(" upon").finish(FinishReason.LENGTH));

        HttpResponse<String> response = server.post(route.path, token, route.body(server, 2));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).startsWith(" ");
        assertThat(route.text(TestServer.json(response.body()))).isEqualTo("Once upon");
    }

    @ParameterizedTest
    @EnumSource(WholeResultRoute.class)
    void aFailureAfterTheResponseStartedIsTheRoutesErrorObjectUnderThe200(WholeResultRoute route) {
        engine.playNext(Script.builder().text("Once").fail(Cause.INTERNAL, "the engine lost this request's logits"));

        HttpResponse<String> response = server.post(route.path, token, route.body(server, 2));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode error = TestServer.json(response.body()).get("error");
        assertThat(error.get("message").asText()).isEqualTo("the engine lost this request's logits");
        if (route.openAi()) {
            assertThat(error.get("type").asText()).isEqualTo("server_error");
        } else {
            assertThat(error.get("code").asInt()).isEqualTo(13);
        }
    }
}
