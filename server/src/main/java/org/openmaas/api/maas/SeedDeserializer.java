package org.openmaas.api.maas;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.math.BigInteger;

/**
 * A uint64 seed given as a JSON number or a decimal string (protobuf JSON writes 64-bit integers as strings), carried
 * in a long's 64 bits.
 */
final class SeedDeserializer extends JsonDeserializer<Long> {

    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    @Override
    public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        BigInteger value;
        if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
            value = p.getBigIntegerValue();
        } else if (p.currentToken() == JsonToken.VALUE_STRING && p.getText().matches("\\d{1,20}")) {
            value = new BigInteger(p.getText());
        } else {
            return (Long) ctxt.handleUnexpectedToken(Long.class, p.currentToken(), p,
                    "seed must be an unsigned 64-bit integer (a number or a decimal string), got %s", describe(p));
        }
        if (value.signum() < 0 || value.compareTo(MAX) > 0) {
            return (Long) ctxt.handleUnexpectedToken(Long.class, p.currentToken(), p,
                    "seed must be between 0 and %s, got %s", MAX, value);
        }
        return value.longValue();
    }

    private static String describe(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_STRING -> "\"" + p.getText() + "\"";
            case VALUE_NUMBER_FLOAT -> p.getText();
            default -> p.currentToken().asString() == null ? p.currentToken().name() : p.currentToken().asString();
        };
    }
}
