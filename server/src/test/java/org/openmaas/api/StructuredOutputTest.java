package org.openmaas.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * Structured output through both APIs on the real stories260K (skipped without it), which never writes JSON on its
 * own: OpenAI's {@code response_format} and TGI's {@code grammar} parameter, whole and streamed, and the 400s that
 * name the field and the keyword at fault.
 */
class StructuredOutputTest {

    private static final String SCHEMA = """
            {"type": "object", "properties": {"hero": {"type": "string", "maxLength": 12},
             "age": {"type": "integer", "minimum": 1, "maximum": 99}, "mood": {"enum": ["happy", "sad"]}},
             "required": ["hero", "age", "mood"], "additionalProperties": false}""";

    static TestServer server;
    static String key;
    static String token;

    @BeforeAll
    static void start() throws IOException {
        Path catalog = Files.createTempFile("catalog", ".yaml");
        Files.writeString(catalog, """
                products:
                  - product_name: maas-model-stories
                    model: %s
                    chat_template: chatml
                """.formatted(TestModels.stories()));
        server = TestServer.withCatalog(catalog);
        token = server.token();
        key = server.apiKey();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aJsonSchemaResponseFormatGivesContentThatParsesAndValidates() throws Exception {
        JsonNode completion = chat("""
                "response_format": {"type": "json_schema", "json_schema": {"name": "story", "strict": true,
                 "schema": %s}}, "max_tokens": 200, "seed": 7""".formatted(SCHEMA));

        JsonNode choice = completion.get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        JsonNode story = TestServer.json(choice.get("message").get("content").asText());
        assertThat(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(SCHEMA)
                .validate(story)).isEmpty();
    }

    @Test
    void aStreamedJsonSchemaCompletionConcatenatesToValidJson() {
        HttpResponse<String> response = server.post("/v1/chat/completions", key, chatBody("""
                "response_format": {"type": "json_schema", "json_schema": {"name": "story", "schema": %s}},
                 "max_tokens": 200, "temperature": 0, "stream": true""".formatted(SCHEMA)));

        StringBuilder content = new StringBuilder();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode delta = TestServer.json(line.substring(6)).get("choices").get(0).get("delta");
                content.append(delta.path("content").asText(""));
            }
        }
        assertThat(TestServer.json(content.toString()).get("mood").asText()).isIn("happy", "sad");
    }

    @Test
    void jsonObjectModeGivesAnObject() {
        JsonNode completion = chat("\"response_format\": {\"type\": \"json_object\"}, \"max_tokens\": 300, \"seed\": 3");

        String content = completion.get("choices").get(0).get("message").get("content").asText();
        if (completion.get("choices").get(0).get("finish_reason").asText().equals("stop")) {
            assertThat(TestServer.json(content).isObject()).isTrue();
        } else {
            assertThat(content).startsWith("{"); // an object still being written when max_tokens ran out
        }
    }

    @Test
    void theMaasApiTakesTgisRegexGrammar() {
        TestServer.Stream stream = server.stream(token, server.body("Once upon a time",
                "{\"max_new_tokens\": 40, \"grammar\": {\"type\": \"regex\", \"value\": \"(Lily|Tom) is [0-9]{1,2}\\\\.\"}}"));

        assertThat(stream.response().statusCode()).as(stream.response().body()).isEqualTo(200);
        assertThat(stream.last().get("details").get("finish_reason").asText()).isEqualTo("FINISH_REASON_EOS_TOKEN");
        assertThat(stream.last().get("generated_text").asText()).matches("(Lily|Tom) is [0-9]{1,2}\\.");
    }

    @Test
    void theMaasApiTakesAJsonSchemaAsAnObjectOrAsText() {
        for (String value : new String[]{SCHEMA, TestServer.quote(SCHEMA)}) {
            HttpResponse<String> response = server.post("/v1/maas/generate", token, server.body("Once upon a time",
                    "{\"max_new_tokens\": 200, \"grammar\": {\"type\": \"json\", \"value\": " + value + "}}"));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            String text = TestServer.json(response.body()).findValue("generated_text").asText();
            assertThat(TestServer.json(text).get("age").asInt()).isBetween(1, 99);
        }
    }

    @Test
    void aSchemaKeywordThatCannotBeEnforcedIsA400NamingItAndWhereItIs() {
        HttpResponse<String> response = server.post("/v1/chat/completions", key, chatBody("""
                "response_format": {"type": "json_schema", "json_schema": {"name": "x",
                 "schema": {"type": "object", "properties": {"tags": {"type": "array", "uniqueItems": true}}}}}"""));
        JsonNode error = TestServer.json(response.body()).get("error");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error.get("param").asText()).isEqualTo("response_format");
        assertThat(error.get("message").asText()).isEqualTo("response_format: uniqueItems at "
                + "/properties/tags/uniqueItems: uniqueItems cannot be expressed as a grammar; leave it out");
    }

    @Test
    void aRegexThatCannotBeEnforcedIsA400OnTheMaasApi() {
        HttpResponse<String> response = server.post("/v1/maas/generate", token, server.body("Once",
                "{\"grammar\": {\"type\": \"regex\", \"value\": \"(a)\\\\1\"}}"));
        JsonNode error = TestServer.json(response.body());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error.get("code").asInt()).isEqualTo(ErrorTable.INVALID_ARGUMENT);
        assertThat(error.get("message").asText()).startsWith("grammar: backreference at the pattern (offset 3): "
                + "backreferences cannot be expressed as a grammar");
    }

    @Test
    void aGrammarOfAnUnknownTypeIsA400() {
        HttpResponse<String> response = server.post("/v1/maas/generate", token, server.body("Once",
                "{\"grammar\": {\"type\": \"gbnf\", \"value\": \"root ::= \\\"a\\\"\"}}"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.json(response.body()).get("message").asText())
                .isEqualTo("grammar.type 'gbnf' is not supported; allowed: json, regex");
    }

    private static JsonNode chat(String extra) {
        HttpResponse<String> response = server.post("/v1/chat/completions", key, chatBody(extra));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TestServer.json(response.body());
    }

    private static String chatBody(String extra) {
        return """
                {"model": "maas-model-stories", "messages": [{"role": "user", "content": "Tell me about a hero."}], %s}"""
                .formatted(extra);
    }
}
