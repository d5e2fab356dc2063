package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.testing.TestModels;
import org.openmaas.testing.TestServer;

/**
 * {@code POST /v1/embeddings} over HTTP on a random-weight Llama whose GGUF declares mean pooling, served by a product
 * marked {@code embeddings: true} beside a product that generates; also through LangChain4j's OpenAI embedding model,
 * a client no one here wrote.
 */
class EmbeddingsApiTest {

    static final String EMBED = "maas-model-embed";
    static final String GENERATE = "maas-model-generate";
    static final int DIMENSIONS = 64; // RandomLlama.Spec.tiny()'s embedding length
    static final int CONTEXT = 512;   // and its trained context

    static TestServer server;
    static String key;

    @BeforeAll
    static void start(@TempDir Path dir) throws IOException {
        Path catalog = dir.resolve("catalog.yaml");
        Files.writeString(catalog, """
                products:
                  - product_name: %s
                    model: %s
                    embeddings: true
                  - product_name: %s
                    model: %s
                """.formatted(EMBED, TestModels.embedding(), GENERATE, TestModels.tiny().getFirst()));
        server = TestServer.withCatalog(catalog);
        key = server.apiKey();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void eachInputGetsAUnitVectorOfTheModelsDimensionInOpenAisShape() {
        HttpResponse<String> response = embed(key, "\"input\": [\"Once upon a time\", \"a cat\", \"sat\"]");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = TestServer.json(response.body());
        assertThat(body.get("object").asText()).isEqualTo("list");
        assertThat(body.get("model").asText()).isEqualTo(EMBED);
        assertThat(body.get("data").findValuesAsText("index")).containsExactly("0", "1", "2");
        assertThat(body.get("data").findValuesAsText("object")).containsOnly("embedding");
        for (JsonNode item : body.get("data")) {
            float[] vector = floats(item.get("embedding"));
            assertThat(vector).hasSize(DIMENSIONS);
            assertThat(norm(vector)).isCloseTo(1.0, within(1e-5));
        }
        JsonNode usage = body.get("usage");
        assertThat(usage.get("prompt_tokens").asInt()).isPositive();
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(usage.get("prompt_tokens").asInt());
    }

    @Test
    void theSameInputGivesTheSameVectorAndDifferentInputsDifferentOnes() {
        JsonNode data = TestServer.json(embed(key, "\"input\": [\"a cat\", \"a dog\", \"a cat\"]").body()).get("data");

        float[] first = floats(data.get(0).get("embedding"));
        assertThat(floats(data.get(2).get("embedding"))).containsExactly(first);
        assertThat(floats(data.get(1).get("embedding"))).isNotEqualTo(first);
    }

    @Test
    void inputsEmbeddedTogetherGetTheVectorsTheyGetOneByOne() {
        String[] inputs = {"Once upon a time", "there was a little girl", "who liked to play outside"};
        JsonNode together = TestServer.json(embed(key, "\"input\": [" + quoted(inputs) + "]").body()).get("data");

        for (int i = 0; i < inputs.length; i++) {
            float[] alone = floats(TestServer.json(embed(key, "\"input\": " + TestServer.quote(inputs[i])).body())
                    .get("data").get(0).get("embedding"));
            // One decode of three sequences groups the kernels' sums unlike three decodes of one: equal to rounding.
            assertThat(floats(together.get(i).get("embedding"))).containsExactly(alone, within(1e-4f));
        }
    }

    @Test
    void base64IsTheLittleEndianFloat32sOfTheSameVector() {
        float[] asNumbers = floats(TestServer.json(embed(key, "\"input\": \"a cat\"").body())
                .get("data").get(0).get("embedding"));

        String text = TestServer.json(embed(key, "\"input\": \"a cat\", \"encoding_format\": \"base64\"").body())
                .get("data").get(0).get("embedding").asText();
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(text)).order(ByteOrder.LITTLE_ENDIAN);
        float[] decoded = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(decoded);

        assertThat(decoded).containsExactly(asNumbers);
    }

    @Test
    void tokenIdsAreEmbeddedAsGivenAndALongerInputThanTheContextIsRefusedWithBothNumbers() {
        String ids = IntStream.range(0, CONTEXT + 1).mapToObj(i -> "300").collect(Collectors.joining(","));

        HttpResponse<String> fits = embed(key, "\"input\": [[1, 300, 301], [1, 302]]");
        HttpResponse<String> tooLong = embed(key, "\"input\": [[1, 300], [" + ids + "]]");

        assertThat(TestServer.json(fits.body()).get("usage").get("prompt_tokens").asInt()).isEqualTo(5);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        JsonNode error = TestServer.json(tooLong.body()).get("error");
        assertThat(error.get("param").asText()).isEqualTo("input");
        assertThat(error.get("message").asText()).contains("input[1] has " + (CONTEXT + 1) + " tokens")
                .contains(CONTEXT + " tokens " + EMBED);
    }

    @Test
    void dimensionsOtherThanTheModelsAndUnknownEncodingsAreRefusedNamingTheField() {
        HttpResponse<String> dimensions = embed(key, "\"input\": \"a\", \"dimensions\": 32");
        HttpResponse<String> same = embed(key, "\"input\": \"a\", \"dimensions\": " + DIMENSIONS);
        HttpResponse<String> encoding = embed(key, "\"input\": \"a\", \"encoding_format\": \"int8\"");
        HttpResponse<String> empty = embed(key, "\"input\": []");

        assertThat(param(dimensions)).isEqualTo("dimensions");
        assertThat(TestServer.json(dimensions.body()).get("error").get("message").asText())
                .contains("makes vectors of " + DIMENSIONS + " dimensions");
        assertThat(same.statusCode()).isEqualTo(200);
        assertThat(param(encoding)).isEqualTo("encoding_format");
        assertThat(param(empty)).isEqualTo("input");
    }

    @Test
    void anEmbeddingsProductDoesNotGenerateAndAGenerationProductMakesNoEmbeddings() {
        HttpResponse<String> generate = server.post("/v1/completions", key,
                "{\"model\": \"" + EMBED + "\", \"prompt\": \"Once\", \"max_tokens\": 2}");
        HttpResponse<String> embedOnGeneration = server.post("/v1/embeddings", key,
                "{\"model\": \"" + GENERATE + "\", \"input\": \"Once\"}");

        assertThat(param(generate)).isEqualTo("model");
        assertThat(TestServer.json(generate.body()).get("error").get("message").asText())
                .contains("product " + EMBED + " serves embeddings only");
        assertThat(param(embedOnGeneration)).isEqualTo("model");
        assertThat(TestServer.json(embedOnGeneration.body()).get("error").get("message").asText())
                .contains("product " + GENERATE + " generates text and makes no embeddings");
    }

    @Test
    void theUsageRecordCountsTheInputTokensAsEmbeddings() {
        HttpResponse<String> response = embed(key, "\"input\": [\"Once upon a time\", \"a cat\"]");
        String requestId = response.headers().firstValue("X-Request-ID").orElseThrow();

        JsonNode record = TestServer.json(server.send("GET", "/v1/admin/usage/records?request_id=" + requestId,
                server.token(), null).body()).get("records").get(0);

        assertThat(record.get("kind").asText()).isEqualTo("embeddings");
        assertThat(record.get("status").asText()).isEqualTo("finished");
        assertThat(record.get("prompt_tokens").asInt())
                .isEqualTo(TestServer.json(response.body()).get("usage").get("prompt_tokens").asInt());
        assertThat(record.get("generated_tokens").asInt()).isZero();
    }

    @Test
    void inputTokensCountAgainstTheMonthlyQuotaUntilItIsExhausted() {
        TestServer.Client client = server.newClient("inference");
        String clientKey = server.apiKey(server.token(client.id(), client.secret()));
        String input = "\"input\": [[1, 300, 301, 302, 303, 304, 305, 306, 307, 308]]"; // 10 tokens
        server.send("PUT", "/v1/admin/accounts/" + client.account() + "/limits", server.token(),
                "{\"monthly_generated_tokens\": 25}");

        HttpResponse<String> first = embed(clientKey, input);
        HttpResponse<String> second = embed(clientKey, input);
        HttpResponse<String> third = embed(clientKey, input);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(TestServer.json(third.body()).get("error").get("message").asText())
                .contains("5 tokens left of its monthly_generated_tokens quota (25: 20 used")
                .contains("10 input tokens");
    }

    @Test
    void langChain4jsOpenAiEmbeddingModelGetsTheServersVectors() {
        OpenAiEmbeddingModel model = OpenAiEmbeddingModel.builder().baseUrl(server.uri("/v1").toString())
                .apiKey(key).modelName(EMBED).build();
        float[] overHttp = floats(TestServer.json(embed(key, "\"input\": \"a cat\"").body())
                .get("data").get(0).get("embedding"));

        Embedding one = model.embed("a cat").content();
        List<Embedding> all = model.embedAll(List.of(TextSegment.from("a cat"), TextSegment.from("a dog"))).content();

        assertThat(model.dimension()).isEqualTo(DIMENSIONS);
        assertThat(one.vector()).containsExactly(overHttp);
        assertThat(all).hasSize(2);
        assertThat(all.get(0).vector()).containsExactly(overHttp, within(1e-4f));
        assertThat(all.get(1).vector()).hasSize(DIMENSIONS).isNotEqualTo(overHttp);
    }

    private static HttpResponse<String> embed(String key, String fields) {
        return server.post("/v1/embeddings", key, "{\"model\": \"" + EMBED + "\", " + fields + "}");
    }

    private static String param(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        return TestServer.json(response.body()).get("error").get("param").asText();
    }

    private static String quoted(String... texts) {
        return java.util.Arrays.stream(texts).map(TestServer::quote).collect(Collectors.joining(", "));
    }

    static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).floatValue();
        }
        return values;
    }

    static double norm(float[] vector) {
        double sum = 0;
        for (float v : vector) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }
}
