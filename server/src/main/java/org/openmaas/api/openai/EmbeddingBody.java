package org.openmaas.api.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The body of {@code POST /v1/embeddings} as sent, in OpenAI's field names; unknown fields are refused.
 *
 * @param input           a string, a list of strings, a list of token ids, or a list of lists of token ids
 * @param encodingFormat  {@code float} (default) or {@code base64}
 * @param dimensions      accepted only when it is the model's own
 * @param user            accepted and ignored
 */
record EmbeddingBody(
        @JsonProperty("model") String model,
        @JsonProperty("input") JsonNode input,
        @JsonProperty("encoding_format") String encodingFormat,
        @JsonProperty("dimensions") Integer dimensions,
        @JsonProperty("user") String user) {
}
