package org.openmaas.api.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** The request fields {@code /v1/chat/completions} and {@code /v1/completions} share, validated the same way. */
interface CommonFields {

    String model();

    Double temperature();

    Double topP();

    Long seed();

    /** A string, a list of strings, or null. */
    JsonNode stop();

    Double frequencyPenalty();

    Double presencePenalty();

    Integer n();

    Boolean stream();

    StreamOptions streamOptions();

    Map<String, Double> logitBias();

    /** {@code stream_options}: only with {@code stream: true}. */
    record StreamOptions(
            @JsonProperty("include_usage") Boolean includeUsage,
            @JsonProperty("include_obfuscation") Boolean includeObfuscation) {
    }
}
