package org.openmaas.api.maas;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;

/**
 * The body of {@code /v1/maas/generatestream} and {@code /v1/maas/generate} as sent: every field in lowerCamelCase
 * and in snake_case (protobuf JSON rules), unknown fields refused. Absent fields are null; validation resolves them.
 */
record GenerateBody(
        @JsonProperty("model") String model,
        @JsonProperty("cloudAccountId") @JsonAlias("cloud_account_id") String cloudAccountId,
        @JsonProperty("productName") @JsonAlias("product_name") String productName,
        @JsonProperty("productId") @JsonAlias("product_id") String productId,
        @JsonProperty("request") Prompt request) {

    record Prompt(
            @JsonProperty("prompt") String prompt,
            @JsonProperty("params") Params params) {
    }

    /** TGI's parameter names (its {@code grammar} included), and OpenMaaS's {@code reproducible}. */
    record Params(
            @JsonProperty("max_new_tokens") @JsonAlias("maxNewTokens") Integer maxNewTokens,
            @JsonProperty("temperature") Double temperature,
            @JsonProperty("top_k") @JsonAlias("topK") Integer topK,
            @JsonProperty("top_p") @JsonAlias("topP") Double topP,
            @JsonProperty("typical_p") @JsonAlias("typicalP") Double typicalP,
            @JsonProperty("repetition_penalty") @JsonAlias("repetitionPenalty") Double repetitionPenalty,
            @JsonProperty("frequency_penalty") @JsonAlias("frequencyPenalty") Double frequencyPenalty,
            @JsonProperty("do_sample") @JsonAlias("doSample") Boolean doSample,
            @JsonProperty("seed") @JsonDeserialize(using = SeedDeserializer.class) Long seed,
            @JsonProperty("stop") List<String> stop,
            @JsonProperty("top_n_tokens") @JsonAlias("topNTokens") Integer topNTokens,
            @JsonProperty("truncate") Integer truncate,
            @JsonProperty("reproducible") Boolean reproducible,
            @JsonProperty("grammar") JsonNode grammar) {

        static final Params NONE =
                new Params(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
