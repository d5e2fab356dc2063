package org.openmaas.api.maas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openmaas.api.ApiException;
import org.openmaas.api.Json;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.catalog.PromptFormat;
import org.openmaas.engine.Engine;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.Sampling;
import org.openmaas.testing.CharacterTokenizer;
import org.openmaas.testing.TestServer;

/**
 * The MaaS API's validation rules, without a server: a body becomes the engine's request with every default resolved,
 * or a refusal whose message names the field, the value and what is allowed.
 */
class ValidationTest {

    static final int CONTEXT = 64;
    static final String ACCOUNT = "123456789012";

    CharacterTokenizer tokenizer;
    CatalogEntry raw;
    CatalogEntry chat;
    CatalogEntry roomy;
    Validation validation;

    @BeforeEach
    void catalog() {
        tokenizer = new CharacterTokenizer(true);
        Engine engine = tokenizer.engine(CONTEXT);
        Catalog catalog = new Catalog();
        raw = TestServer.product("maas-model-raw", "acme/raw", PromptFormat.RAW, false, engine);
        chat = TestServer.product("maas-model-chat", "acme/chat", PromptFormat.CHAT, true, engine);
        roomy = TestServer.product("maas-model-roomy", "acme/roomy", PromptFormat.RAW, false,
                new CharacterTokenizer(false).engine(512));
        catalog.add(raw);
        catalog.add(chat);
        catalog.add(roomy);
        validation = new Validation(catalog);
    }

    @Test
    void aValidBodyBecomesTheEnginesRequestWithEveryDefaultResolved() {
        Validation.Validated valid = validate(body(raw, "Once", "{\"max_new_tokens\": 5}"));

        GenerationRequest request = valid.request();
        assertThat(valid.entry()).isEqualTo(raw);
        assertThat(request.requestId()).isEqualTo("request-1");
        assertThat(request.account()).isEqualTo(ACCOUNT);
        assertThat(request.promptTokens()).containsExactly(CharacterTokenizer.tokens("Once"));
        assertThat(request.maxNewTokens()).isEqualTo(5);
        assertThat(request.sampling()).isEqualTo(new Sampling(false, 1f, 0, 1f, 1f, 1f, 0f, request.sampling().seed()));
        assertThat(request.stopSequences()).isEmpty();
        assertThat(request.topNTokens()).isZero();
        assertThat(request.logprobs()).isTrue(); // every stream line shows its token's logprob
        assertThat(request.reproducible()).isFalse();
    }

    @Test
    void maxNewTokensIsAHundredWhenAbsent() {
        GenerationRequest request = validate(body(roomy, "Once", "{}")).request();

        assertThat(request.maxNewTokens()).isEqualTo(Validation.DEFAULT_MAX_NEW_TOKENS).isEqualTo(100);
    }

    @Test
    void aChatProductRendersThePromptAsOneUserMessage() {
        GenerationRequest request = validate(body(chat, "Hi", "{\"max_new_tokens\": 5}")).request();

        assertThat(request.promptTokens()).containsExactly(CharacterTokenizer.tokens("user: Hi\nassistant: "));
    }

    @Test
    void missingFieldsAreNamedTogether() {
        assertRefused(body(raw, "Once", "{}").replace("\"model\": \"acme/raw\", ", "")
                        .replaceFirst("\"productId\": \"[^\"]*\", ", ""),
                "required fields model, productId are missing; GET /v1/maas/models lists model, product_name and product_id");
    }

    @Test
    void anUnknownProductIsNotFound() {
        assertThatThrownBy(() -> validate(body(raw, "Once", "{}").replace("maas-model-raw", "maas-model-nope")))
                .isInstanceOf(ApiException.NotFound.class)
                .hasMessage("product 'maas-model-nope' is not in the catalog; GET /v1/maas/models lists the products");
    }

    @Test
    void theProductIdMustBeTheProducts() {
        assertRefused(body(raw, "Once", "{}").replace(raw.product().productId().toString(), chat.product().productId().toString()),
                "productId '" + chat.product().productId() + "' does not match product maas-model-raw (its id is "
                        + raw.product().productId() + ")");
    }

    @Test
    void theModelMustBeTheProducts() {
        assertRefused(body(raw, "Once", "{}").replace("acme/raw", "acme/chat"),
                "model 'acme/chat' does not match product maas-model-raw (its model is acme/raw)");
    }

    @Test
    void aRequestAndANonEmptyPromptAreRequired() {
        assertRefused(body(raw, "Once", "{}").replaceFirst(", \"request\": .*}$", "}"),
                "request is required: {\"prompt\": \"...\", \"params\": {...}}");
        assertRefused(body(raw, "", "{}"), "request.prompt is required and must not be empty");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"temperature": -1}           | temperature must be between 0 and 100, got -1.0
            {"top_k": 257}                | top_k must be between 0 and 256, got 257
            {"top_p": 0}                  | top_p must be greater than 0 and at most 1, got 0.0
            {"top_p": 1e-50}              | top_p must be greater than 0 and at most 1, got 1.0E-50
            {"typical_p": 1e-50}          | typical_p must be greater than 0 and at most 1, got 1.0E-50
            {"repetition_penalty": 1e-50} | repetition_penalty must be greater than 0 and at most 100, got 1.0E-50
            {"typical_p": 1.5}            | typical_p must be greater than 0 and at most 1, got 1.5
            {"repetition_penalty": 0}     | repetition_penalty must be greater than 0 and at most 100, got 0.0
            {"frequency_penalty": -3}     | frequency_penalty must be between -2 and 2, got -3.0
            {"top_n_tokens": 6}           | top_n_tokens must be between 0 and 5, got 6
            {"max_new_tokens": 0}         | max_new_tokens must be between 1 and 64, got 0
            {"max_new_tokens": 65}        | max_new_tokens must be between 1 and 64, got 65
            {"truncate": 65}              | truncate must be between 1 and 64, got 65
            {"stop": ["a", "b", "c", "d", "e"]} | stop has 5 sequences; at most 4 are allowed
            {"stop": [""]}                | stop[0] is empty; stop sequences must have 1 to 100 characters
            """)
    void aParameterOutOfRangeIsRefusedNamingItsRange(String params, String message) {
        assertRefused(body(raw, "Once", params), message);
    }

    @Test
    void samplingParametersAreCheckedBeforeThePromptIsTokenized() {
        assertRefused(body(raw, "x".repeat(1000), "{\"temperature\": -1}"), "temperature must be between 0 and 100, got -1.0");
        assertThat(tokenizer.tokenized()).isZero();
    }

    @Test
    void thePromptAndMaxNewTokensMustFitTheContextTogether() {
        assertRefused(body(raw, "x".repeat(60), "{\"max_new_tokens\": 5}"), "the prompt has 60 tokens and "
                + "max_new_tokens is 5: together 65, more than the context of maas-model-raw (64 tokens); shorten the "
                + "prompt, lower max_new_tokens, or set truncate to keep only the last prompt tokens");
    }

    @Test
    void truncateKeepsOnlyTheLastPromptTokens() {
        GenerationRequest request = validate(body(raw, "x".repeat(60) + "abc", "{\"max_new_tokens\": 5, \"truncate\": 3}"))
                .request();

        assertThat(request.promptTokens()).containsExactly(CharacterTokenizer.tokens("abc"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {}                                     | false | 1.0
            {"do_sample": true}                    | true  | 1.0
            {"top_k": 5}                           | true  | 1.0
            {"top_p": 0.9}                         | true  | 1.0
            {"typical_p": 0.9}                     | true  | 1.0
            {"temperature": 0.7}                   | true  | 0.7
            {"temperature": 0, "do_sample": true}  | false | 1.0
            {"temperature": 1e-50}                 | false | 1.0
            """)
    void samplingHappensWhenAskedForOrWhenAWarperIsActiveAndTemperatureZeroIsGreedy(String params, boolean sample,
                                                                                   float temperature) {
        Sampling sampling = validate(body(raw, "Once", params.replace("{", "{\"max_new_tokens\": 5, ")
                .replace(", }", "}"))).request().sampling();

        assertThat(sampling.sample()).isEqualTo(sample);
        assertThat(sampling.temperature()).isEqualTo(temperature);
    }

    @Test
    void aGivenSeedIsKept() {
        assertThat(validate(body(raw, "Once", "{\"max_new_tokens\": 5, \"seed\": \"18446744073709551615\"}"))
                .request().sampling().seedText()).isEqualTo("18446744073709551615");
    }

    @Test
    void aRequestIsReproducibleWhenItsProductIsOrWhenItAsks() {
        assertThat(validate(body(chat, "Hi", "{\"max_new_tokens\": 5}")).request().reproducible()).isTrue();
        assertThat(validate(body(raw, "Hi", "{\"max_new_tokens\": 5, \"reproducible\": true}")).request()
                .reproducible()).isTrue();
    }

    @Test
    void stopSequencesAndTopNTokensReachTheEngine() {
        GenerationRequest request = validate(body(raw, "Once", "{\"max_new_tokens\": 5, \"stop\": [\"\\n\", \"END\"], "
                + "\"top_n_tokens\": 3}")).request();

        assertThat(request.stopSequences()).containsExactly("\n", "END");
        assertThat(request.topNTokens()).isEqualTo(3);
    }

    private Validation.Validated validate(String body) {
        return validation.validate(Json.read(body.getBytes(StandardCharsets.UTF_8), GenerateBody.class), "request-1");
    }

    private void assertRefused(String body, String message) {
        assertThatThrownBy(() -> validate(body)).isInstanceOf(ApiException.InvalidArgument.class).hasMessage(message);
    }

    /** A body naming {@code product}, as the guide's clients send it. */
    private static String body(CatalogEntry product, String prompt, String params) {
        return """
                {"model": "%s", "cloudAccountId": "%s", "productName": "%s", "productId": "%s", \
                "request": {"prompt": %s, "params": %s}}""".formatted(product.product().modelName(), ACCOUNT,
                product.product().productName(), product.product().productId(), Json.MAPPER.valueToTree(prompt), params);
    }
}
