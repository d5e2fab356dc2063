package org.openmaas.api.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The body of {@code POST /v1/completions} (OpenAI's legacy prompt completion) as sent; unknown fields are refused.
 *
 * @param prompt   a string, a list of one string, or a list of token ids
 * @param logprobs how many most likely alternatives to report with each token (0 to 5); null for no logprobs
 */
record CompletionBody(
        @JsonProperty("model") String model,
        @JsonProperty("prompt") JsonNode prompt,
        @JsonProperty("max_tokens") Integer maxTokens,
        @JsonProperty("temperature") Double temperature,
        @JsonProperty("top_p") Double topP,
        @JsonProperty("seed") Long seed,
        @JsonProperty("stop") JsonNode stop,
        @JsonProperty("frequency_penalty") Double frequencyPenalty,
        @JsonProperty("presence_penalty") Double presencePenalty,
        @JsonProperty("logprobs") Integer logprobs,
        @JsonProperty("n") Integer n,
        @JsonProperty("best_of") Integer bestOf,
        @JsonProperty("echo") Boolean echo,
        @JsonProperty("suffix") String suffix,
        @JsonProperty("user") String user,
        @JsonProperty("stream") Boolean stream,
        @JsonProperty("stream_options") StreamOptions streamOptions,
        @JsonProperty("logit_bias") Map<String, Double> logitBias) implements CommonFields {
}
