package org.openmaas.engine.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON text parsed, for comparing what an upstream received with what was meant. */
final class TestJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestJson() {
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
