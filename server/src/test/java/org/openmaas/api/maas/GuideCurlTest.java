package org.openmaas.api.maas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * The guide's {@code curl} commands, exactly as it prints them but for the URL, the token and the four values it says
 * to replace. (As printed, the second command lacks the {@code \} after its Authorization header; a shell then sends
 * a bare GET, which gets a JSON error saying to POST.)
 */
class GuideCurlTest {

    static TestServer server;
    static String token;

    @BeforeAll
    static void start() {
        server = TestServer.serving(TestModels.tiny());
        token = server.token();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theGuidesModelsCommandListsTheCatalog() throws Exception {
        String out = curl("--location", server.uri("/v1/maas/models").toString(),
                "--header", "Content-Type:  application/json",
                "--header", "Authorization: Bearer " + token);

        assertThat(TestServer.json(out).get("models").get(0).get("product_name").asText()).startsWith("maas-model-");
    }

    @Test
    void theGuidesGenerateStreamCommandStreamsTokenLines() throws Exception {
        JsonNode product = TestServer.json(server.get("/v1/maas/models", token).body()).get("models").get(0);
        String data = """
                {
                      "cloudAccountId": "%s",
                      "request": {
                         "params": {
                               "maxNewTokens": 100,
                               "temperature": 0.5
                         },
                         "prompt": "Tell me a joke"
                      },
                      "productName": "%s",
                      "productId": "%s",
                      "model": "%s"
                   }""".formatted(TestServer.ACCOUNT, product.get("product_name").asText(),
                product.get("product_id").asText(), product.get("model_name").asText());

        String out = curl("--location", server.uri("/v1/maas/generatestream").toString(),
                "--header", "Content-Type:  application/json",
                "--header", "Authorization: Bearer " + token,
                "--data", data);

        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            lines.add(TestServer.json(line));
        }
        assertThat(lines).isNotEmpty();
        assertThat(lines.getFirst().at("/result/response/token/text").isTextual()).isTrue();
        assertThat(lines.getLast().at("/result/response/details/finish_reason").asText()).startsWith("FINISH_REASON_");
    }

    @Test
    void theSecondCommandAsPrintedSendsABareGetAndIsToldToPost() throws Exception {
        String out = curl("--location", "--include", server.uri("/v1/maas/generatestream").toString(),
                "--header", "Content-Type:  application/json",
                "--header", "Authorization: Bearer " + token);

        assertThat(out).startsWith("HTTP/1.1 405").containsIgnoringCase("allow: POST");
        JsonNode body = TestServer.json(out.substring(out.indexOf("\r\n\r\n") + 4));
        assertThat(body.get("message").asText()).contains("use POST with a request body");
    }

    @Test
    void anUnknownPathIsANotFoundInTheSameErrorShape() {
        var response = server.get("/v1/maas/nothing", token);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(TestServer.json(response.body()).get("code").asInt()).isEqualTo(5);
    }

    private static String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--max-time", "60"));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes());
        assertThat(curl.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(curl.exitValue()).as(out).isZero();
        return out;
    }
}
