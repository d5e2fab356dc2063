package org.openmaas.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
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
 * The OpenAI routes' validation rules, without a server: OpenAI's documented defaults and ranges, the features this
 * server lacks refused by name, the product a {@code model} names among those the account may use, and every refusal
 * naming its field in {@code param}.
 */
class OpenAiValidationTest {

    static final int CONTEXT = 64;
    /** May use every product. */
    static final String ANY = "111111111111";
    /** May use only maas-model-raw. */
    static final String RAW_ONLY = "222222222222";

    CatalogEntry chat;
    CatalogEntry raw;
    CatalogEntry twin;
    OpenAiValidation validation;

    @BeforeEach
    void catalog() {
        Engine withTemplate = new CharacterTokenizer(true).engine(CONTEXT);
        chat = TestServer.product("maas-model-chat", "acme/chat", PromptFormat.CHAT, false, withTemplate);
        twin = TestServer.product("maas-model-chat-twin", "acme/chat", PromptFormat.CHAT, true, withTemplate);
        raw = TestServer.product("maas-model-raw", "acme/raw", PromptFormat.RAW, false, new CharacterTokenizer(false).engine(CONTEXT));
        Catalog catalog = new Catalog();
        catalog.add(chat);
        catalog.add(twin);
        catalog.add(raw);
        validation = new OpenAiValidation(catalog,
                (account, product) -> account.equals(ANY) || Set.of("maas-model-raw").contains(product));
    }

    @Test
    void aChatBecomesTheEnginesRequestWithItsMessagesRenderedByTheTemplate() {
        OpenAiValidation.Validated valid = chat("""
                {"model": "maas-model-chat", "messages": [{"role": "developer", "content": "Be brief."},
                 {"role": "user", "content": [{"type": "text", "text": "Hi"}, {"type": "text", "text": "!"}]}],
                 "max_tokens": 5, "temperature": 0}""");

        GenerationRequest request = valid.request();
        assertThat(valid.entry()).isEqualTo(chat);
        assertThat(request.account()).isEqualTo(ANY);
        assertThat(request.promptTokens())
                .containsExactly(CharacterTokenizer.tokens("system: Be brief.\nuser: Hi!\nassistant: "));
        assertThat(request.maxNewTokens()).isEqualTo(5);
        assertThat(request.sampling().sample()).isFalse();
        assertThat(valid.options()).isEqualTo(new OpenAiValidation.Options(false, false, false, 1, false,
                Optional.empty(), Optional.empty()));
    }

    @Test
    void aChatWithoutMaxTokensMayUseTheRestOfTheContext() {
        GenerationRequest request = chat(chatBody("")).request();

        assertThat(request.maxNewTokens()).isEqualTo(CONTEXT - CharacterTokenizer.tokens("user: Hi\nassistant: ").length);
    }

    @Test
    void aLegacyCompletionWithoutMaxTokensGetsOpenAisSixteen() {
        GenerationRequest request = completion("{\"model\": \"maas-model-raw\", \"prompt\": \"Once\"}").request();

        assertThat(request.maxNewTokens()).isEqualTo(OpenAiValidation.LEGACY_DEFAULT_MAX_TOKENS).isEqualTo(16);
        assertThat(request.promptTokens()).containsExactly(CharacterTokenizer.tokens("Once"));
    }

    @Test
    void aLegacyPromptMayBeTokenIdsOfTheModel() {
        assertThat(completion("{\"model\": \"maas-model-raw\", \"prompt\": [1, 2, 255]}").request().promptTokens())
                .containsExactly(1, 2, 255);
        assertRefused(() -> completion("{\"model\": \"maas-model-raw\", \"prompt\": [1, 256]}"), "prompt",
                "prompt[1] is 256, not a token id of this model (0 to 255)");
    }

    @Test
    void aModelIsNamedByItsProductOrByTheOneProductServingIt() {
        assertThat(validation.model("maas-model-chat", ANY)).isEqualTo(chat);
        assertThat(validation.model("acme/raw", ANY)).isEqualTo(raw);
        assertRefused(() -> validation.model("acme/chat", ANY), "model",
                "model 'acme/chat' is served by several products (maas-model-chat, maas-model-chat-twin); name one of them");
    }

    @Test
    void aProductTheAccountMayNotUseDoesNotExistForIt() {
        assertThat(validation.model("acme/raw", RAW_ONLY)).isEqualTo(raw);
        assertThat(validation.named("acme/chat", RAW_ONLY)).isEmpty();
        assertThatThrownBy(() -> validation.model("maas-model-chat", RAW_ONLY))
                .isInstanceOf(ApiException.NotFound.class)
                .hasMessage("the model 'maas-model-chat' does not exist; GET /v1/models lists the ids")
                .extracting(e -> ((ApiException) e).param()).isEqualTo("model");
    }

    @Test
    void anUnknownModelIsNotFoundAndAMissingOneIsRequired() {
        assertThatThrownBy(() -> validation.model("gpt-4o", ANY)).isInstanceOf(ApiException.NotFound.class)
                .hasMessage("the model 'gpt-4o' does not exist; GET /v1/models lists the ids");
        assertRefused(() -> validation.model(" ", ANY), "model", "model is required; GET /v1/models lists the ids");
    }

    @Test
    void aModelWithoutAChatTemplateCannotTakeMessages() {
        assertRefused(() -> chat(chatBody("").replace("maas-model-chat", "maas-model-raw")), "model",
                "model 'maas-model-raw' has no chat template, so it cannot take messages; use POST /v1/completions "
                        + "with a prompt, or ask the operator to set chat_template for maas-model-raw");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            "n": 9                                    | n                     | n must be between 1 and 8, got 9
            "temperature": 2.5                        | temperature           | temperature must be between 0 and 2, got 2.5
            "top_p": 1.1                              | top_p                 | top_p must be between 0 and 1, got 1.1
            "presence_penalty": -3                    | presence_penalty      | presence_penalty must be between -2 and 2, got -3.0
            "max_tokens": 3, "max_completion_tokens": 4 | max_tokens          | max_tokens (3) and max_completion_tokens (4) differ; send one of them
            "max_tokens": 60                          | max_tokens            | the 20 tokens of the messages and max_tokens 60 make 80, more than the context of maas-model-chat (64 tokens); ask for at most 44 tokens or shorten the messages
            "top_logprobs": 2                         | top_logprobs          | top_logprobs needs logprobs set to true
            "logprobs": true, "top_logprobs": 6       | top_logprobs          | top_logprobs must be between 0 and 5, got 6
            "stream_options": {"include_usage": true} | stream_options        | stream_options is only allowed when stream is true
            "stop": 7                                 | stop                  | stop must be a string or a list of strings, got NUMBER
            "tools": [{"type": "function"}]           | tools[0].function     | tools[0].function is required: {"name": ..., "description": ..., "parameters": {...}}
            "response_format": {"type": "xml"}        | response_format       | response_format.type 'xml' is not supported; allowed: text, json_object, json_schema
            "response_format": {"type": "json_schema"} | response_format      | response_format.json_schema is required with type json_schema: {"name": "...", "schema": {...}, "strict": true}
            "response_format": {"type": "json_schema", "json_schema": {"schema": {}}} | response_format | response_format.json_schema.name is required: 1 to 64 letters, digits, _ or -
            "logit_bias": {"7": 101}                  | logit_bias            | logit_bias of token 7 must be between -100 (banned) and 100, got 101.0
            """)
    void aChatFieldOutsideWhatIsAllowedIsRefusedNamingTheField(String field, String param, String message) {
        assertRefused(() -> chat(chatBody(", " + field)), param, message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            "role": "tool", "content": "x"     | messages[1].tool_call_id | messages[1].tool_call_id must be the id of a tool call an earlier assistant message made, got none
            "role": "function", "content": "x" | messages[1].role    | messages[1].role is 'function'; allowed: system, developer, user, assistant, tool (function messages are OpenAI's legacy form of tool messages)
            "role": "user"                     | messages[1].content | messages[1].content is required
            "role": "user", "content": 42      | messages[1].content | messages[1].content must be a string or a list of text parts, got NUMBER
            """)
    void aMessageThisServerCannotTakeIsRefusedNamingItsPlace(String message, String param, String refusal) {
        assertRefused(() -> chat("""
                {"model": "maas-model-chat", "messages": [{"role": "user", "content": "Hi"}, {%s}]}""".formatted(message)),
                param, refusal);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            "echo": true        | echo     | echo is not supported: the response holds only the completion
            "suffix": "end"     | suffix   | suffix (insertion) is not supported
            "best_of": 2        | best_of  | best_of must be 1 on this server, got 2
            "logprobs": 6       | logprobs | logprobs must be between 0 and 5, got 6
            """)
    void aCompletionFieldOutsideWhatIsAllowedIsRefusedNamingTheField(String field, String param, String message) {
        assertRefused(() -> completion("{\"model\": \"maas-model-raw\", \"prompt\": \"Once\", " + field + "}"), param,
                message);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                  | true  | 1.0
            , "temperature": 0.7                | true  | 0.7
            , "temperature": 0                  | false | 1.0
            , "top_p": 0                        | false | 1.0
            , "temperature": 1e-50              | false | 1.0
            , "top_p": 1e-50                    | false | 1.0
            """)
    void openAiSamplesUnlessTheTemperatureOrTopPIsZero(String fields, boolean sample, float temperature) {
        Sampling sampling = chat(chatBody(fields)).request().sampling();

        assertThat(sampling.sample()).isEqualTo(sample);
        assertThat(sampling.temperature()).isEqualTo(temperature);
    }

    @Test
    void stopIsAStringOrAListOfStrings() {
        assertThat(chat(chatBody(", \"stop\": \"END\"")).request().stopSequences()).containsExactly("END");
        assertThat(chat(chatBody(", \"stop\": [\"a\", \"b\"]")).request().stopSequences()).containsExactly("a", "b");
    }

    @Test
    void logprobsAndStreamingAreHowToAnswer() {
        OpenAiValidation.Validated valid = chat(chatBody(", \"logprobs\": true, \"top_logprobs\": 3, \"stream\": true, "
                + "\"stream_options\": {\"include_usage\": true}"));

        assertThat(valid.options()).isEqualTo(new OpenAiValidation.Options(true, true, true, 1, false,
                Optional.empty(), Optional.empty()));
        assertThat(valid.request().topNTokens()).isEqualTo(3);
        assertThat(valid.request().logprobs()).isTrue();
    }

    @Test
    void theEngineIsAskedForLogprobsOnlyWhenTheAnswerShowsThem() {
        assertThat(chat(chatBody("")).request().logprobs()).isFalse();
        assertThat(chat(chatBody(", \"logprobs\": false")).request().logprobs()).isFalse();
        assertThat(completion("{\"model\": \"maas-model-raw\", \"prompt\": \"Once\"}").request().logprobs())
                .isFalse();
        // logprobs 0 on the legacy route: each token's own logprob, no alternatives
        assertThat(completion("{\"model\": \"maas-model-raw\", \"prompt\": \"Once\", \"logprobs\": 0}").request()
                .logprobs()).isTrue();
    }

    @Test
    void theProductsReproducibilityReachesTheEngine() {
        assertThat(chat(chatBody("").replace("maas-model-chat", "maas-model-chat-twin")).request().reproducible())
                .isTrue();
    }

    private OpenAiValidation.Validated chat(String body) {
        return validation.chat(Json.read(body.getBytes(StandardCharsets.UTF_8), ChatCompletionBody.class), ANY,
                "request-1");
    }

    private OpenAiValidation.Validated completion(String body) {
        return validation.completion(Json.read(body.getBytes(StandardCharsets.UTF_8), CompletionBody.class), ANY,
                "request-1");
    }

    /** A chat of one user message, "Hi", to maas-model-chat, with {@code fields} added. */
    private static String chatBody(String fields) {
        return "{\"model\": \"maas-model-chat\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]" + fields + "}";
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String param,
                                      String message) {
        assertThatThrownBy(call).isInstanceOf(ApiException.InvalidArgument.class).hasMessage(message)
                .extracting(e -> ((ApiException) e).param()).isEqualTo(param);
    }
}
