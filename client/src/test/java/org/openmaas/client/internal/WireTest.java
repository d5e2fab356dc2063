package org.openmaas.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmaas.client.AccessToken;
import org.openmaas.client.FinishReason;
import org.openmaas.client.GenerateRequest;
import org.openmaas.client.GenerationDetails;
import org.openmaas.client.Model;
import org.openmaas.client.ServerException;
import org.openmaas.client.Token;
import org.openmaas.client.TokenEvent;

/** The JSON the SDK sends and reads, against the guide's own examples. */
class WireTest {

    static final Model MISTRAL = new Model("mistralai/Mistral-7B-Instruct-v0.1", "269c3034-e6c7-4359-9e77-c3efedfaa778",
            "maas-model-mistral-7b-v0.1");

    @Test
    void theRequestBodyIsTheGuidesCurlBody() throws Exception {
        GenerateRequest request = GenerateRequest.builder(MISTRAL, "Tell me a joke").maxNewTokens(100).temperature(0.5)
                .build();

        JsonNode body = new ObjectMapper().readTree(Wire.generateBody(request, "cloudAccountId"));

        assertThat(body).isEqualTo(new ObjectMapper().readTree("""
                {"cloudAccountId": "cloudAccountId",
                 "request": {"params": {"maxNewTokens": 100, "temperature": 0.5}, "prompt": "Tell me a joke"},
                 "productName": "maas-model-mistral-7b-v0.1",
                 "productId": "269c3034-e6c7-4359-9e77-c3efedfaa778",
                 "model": "mistralai/Mistral-7B-Instruct-v0.1"}"""));
    }

    @Test
    void everyParameterIsSentUnderItsLowerCamelCaseName() throws Exception {
        GenerateRequest request = GenerateRequest.builder(MISTRAL, "p").maxNewTokens(5).temperature(0.7).topK(40)
                .topP(0.9).typicalP(0.95).repetitionPenalty(1.1).frequencyPenalty(0.5).doSample(true).seed(-1L)
                .stop("\n", "The end").topNTokens(2).truncate(64).build();

        JsonNode params = new ObjectMapper().readTree(Wire.generateBody(request, "1")).get("request").get("params");

        assertThat(params).isEqualTo(new ObjectMapper().readTree("""
                {"maxNewTokens": 5, "temperature": 0.7, "topK": 40, "topP": 0.9, "typicalP": 0.95,
                 "repetitionPenalty": 1.1, "frequencyPenalty": 0.5, "doSample": true, "seed": "18446744073709551615",
                 "stop": ["\\n", "The end"], "topNTokens": 2, "truncate": 64}"""));
    }

    @Test
    void unsetParametersAreLeftOutSoTheServiceDefaultsApply() throws Exception {
        JsonNode params = new ObjectMapper().readTree(Wire.generateBody(GenerateRequest.builder(MISTRAL, "p").build(), "1"))
                .get("request").get("params");

        assertThat(params.isEmpty()).isTrue();
    }

    @Test
    void aTokenLineBecomesAnEventWithoutDetails() {
        String line = """
                {"result":{"response":{"token":{"id":1061,"text":"Data","logprob":-0.11687851,"special":false},"top_tokens":[],"requestID":"8764a8c3"}}}""";

        TokenEvent event = ((Wire.StreamLine.Event) Wire.streamLine(line, "header-id")).event();

        assertThat(event.token()).isEqualTo(new Token(1061, "Data", -0.11687851, false));
        assertThat(event.requestId()).isEqualTo("8764a8c3");
        assertThat(event.isLast()).isFalse();
        assertThat(event.generatedText()).isEmpty();
        assertThat(event.line()).isEqualTo(line);
    }

    @Test
    void theLastLineCarriesTheTextAndTheDetails() {
        String line = """
                {"result":{"response":{"token":{"id":330,"text":" \\"","logprob":-4.5329647,"special":false},"top_tokens":[],"generated_text":"Data is the \\"","details":{"finish_reason":"FINISH_REASON_LENGTH","generated_tokens":250,"seed":"13414724236876468656"},"requestID":"e8fa7572"}}}""";

        TokenEvent event = ((Wire.StreamLine.Event) Wire.streamLine(line, null)).event();

        assertThat(event.generatedText()).contains("Data is the \"");
        assertThat(event.details()).contains(new GenerationDetails(FinishReason.LENGTH, "FINISH_REASON_LENGTH", 250,
                java.util.Optional.of("13414724236876468656")));
    }

    @Test
    void fieldsProtobufJsonLeavesOutTakeTheirDefaults() {
        TokenEvent event = ((Wire.StreamLine.Event) Wire.streamLine(
                "{\"result\":{\"response\":{\"token\":{\"text\":\"a\"}}}}", "header-id")).event();

        assertThat(event.token()).isEqualTo(new Token(0, "a", 0, false));
        assertThat(event.topTokens()).isEmpty();
        assertThat(event.requestId()).isEqualTo("header-id");
    }

    @Test
    void topTokensAreRead() {
        TokenEvent event = ((Wire.StreamLine.Event) Wire.streamLine("""
                {"result":{"response":{"token":{"id":1,"text":"a","logprob":-0.1,"special":false},"top_tokens":[{"id":1,"text":"a","logprob":-0.1,"special":false},{"id":2,"text":"b","logprob":-2.5,"special":false}],"requestID":"r"}}}""",
                null)).event();

        assertThat(event.topTokens()).extracting(Token::text).containsExactly("a", "b");
    }

    @Test
    void anErrorLineBecomesTheExceptionOfItsCode() {
        Wire.StreamLine line = Wire.streamLine("{\"error\":{\"code\":13,\"message\":\"the server is shutting down\",\"details\":[]}}", "r1");

        assertThat(((Wire.StreamLine.Failure) line).failure()).isInstanceOf(ServerException.class)
                .hasMessage("the server is shutting down")
                .satisfies(e -> {
                    assertThat(((ServerException) e).grpcCode()).isEqualTo(13);
                    assertThat(((ServerException) e).httpStatus()).isEqualTo(200);
                    assertThat(((ServerException) e).requestId()).contains("r1");
                });
    }

    @Test
    void aLineThatIsNotJsonIsAServerException() {
        assertThatThrownBy(() -> Wire.streamLine("data: {}", "r")).isInstanceOf(ServerException.class)
                .hasMessageContaining("not JSON");
    }

    @Test
    void theModelListIsRead() {
        List<Model> models = Wire.models("""
                {"models": [{"model_name": "mistralai/Mistral-7B-Instruct-v0.1",
                  "product_id": "269c3034-e6c7-4359-9e77-c3efedfaa778", "product_name": "maas-model-mistral-7b-v0.1"}]}"""
                .getBytes(StandardCharsets.UTF_8), "r");

        assertThat(models).containsExactly(MISTRAL);
    }

    @Test
    void anEmptyModelListMayLeaveTheFieldOut() {
        assertThat(Wire.models("{}".getBytes(StandardCharsets.UTF_8), "r")).isEmpty();
    }

    @Test
    void theTokenExpiresItsLifetimeAfterItWasRequested() {
        Instant requested = Instant.parse("2026-11-27T09:00:00Z");

        AccessToken token = Wire.accessToken("""
                {"access_token": "eyJabc", "token_type": "Bearer", "expires_in": 3600, "scope": "inference"}"""
                .getBytes(StandardCharsets.UTF_8), requested, null);

        assertThat(token.authorization()).isEqualTo("Bearer eyJabc");
        assertThat(token.expiresAt()).isEqualTo(Instant.parse("2026-11-27T10:00:00Z"));
        assertThat(token.toString()).doesNotContain("eyJabc");
    }

    @Test
    void aTokenWithoutExpiryIsKeptOnlyAFewMinutes() {
        AccessToken token = Wire.accessToken("{\"access_token\": \"t\"}".getBytes(StandardCharsets.UTF_8),
                Instant.EPOCH, null);

        assertThat(token.expiresAt()).isEqualTo(Instant.EPOCH.plusSeconds(300));
        assertThat(token.tokenType()).isEqualTo("Bearer");
    }
}
