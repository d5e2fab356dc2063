package org.openmaas.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.util.stream.Collectors;

/** The one JSON mapper of the HTTP layer, and the translation of every body mistake into a clear 400. */
public final class Json {

    /**
     * Strict reading: unknown fields, nulls for primitives, floats for integers and numbers in strings are errors
     * (protobuf JSON rules, as the guide's grpc-gateway applies them), and so is a field given twice (which one would
     * count is a guess; TGI's serde refuses it too). NaN and Infinity are read so that a range check
     * can name the field instead of failing as malformed JSON (Python's json.dumps writes NaN).
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
            .withCoercionConfig(LogicalType.Textual, text -> text
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    private Json() {
    }

    public static <T> T read(byte[] body, Class<T> type) {
        if (body.length == 0) {
            throw new ApiException.InvalidArgument("the request body is empty; send a JSON object");
        }
        String text = text(body);
        try {
            T value = MAPPER.readValue(text, type);
            if (value == null) {
                throw new ApiException.InvalidArgument("the request body is JSON null; send a JSON object");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new ApiException.InvalidArgument("unknown field '" + e.getPropertyName() + "'" + where(e)
                    + "; known fields: " + e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", ")), param(e));
        } catch (MismatchedInputException e) {
            throw new ApiException.InvalidArgument("field '" + path(e) + "' has the wrong type: "
                    + e.getOriginalMessage().replaceAll(" \\(for .*", "").replaceAll("\\R.*", ""), param(e));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof InputCoercionException range) { // a number too large for its field
                throw new ApiException.InvalidArgument("field '" + path(e) + "' is out of range: "
                        + range.getOriginalMessage(), param(e));
            }
            if (e.getCause() instanceof JsonProcessingException syntax && !(syntax instanceof JsonMappingException)) {
                throw malformed(syntax); // a syntax error met while binding a field
            }
            throw new ApiException.InvalidArgument("field '" + path(e) + "' is invalid: " + e.getOriginalMessage(),
                    param(e));
        } catch (JsonProcessingException e) {
            throw malformed(e);
        }
    }

    /**
     * The body as text: UTF-8 only (RFC 8259 §8.1), decoded strictly. Jackson would detect UTF-16 and UTF-32 and read
     * overlong UTF-8 leniently, so the bytes never reach it; a UTF-16 or UTF-32 body is recognised by its byte order
     * mark or by a zero byte in its first two (JSON text starts with an ASCII character).
     */
    private static String text(byte[] body) {
        boolean bom = body.length >= 2 && ((body[0] & 0xFF) == 0xFE && (body[1] & 0xFF) == 0xFF
                || (body[0] & 0xFF) == 0xFF && (body[1] & 0xFF) == 0xFE);
        if (bom || body[0] == 0 || body.length >= 2 && body[1] == 0) {
            throw new ApiException.InvalidArgument("the request body looks like UTF-16 or UTF-32; send JSON in UTF-8");
        }
        return Utf8.decode(body, "the request body");
    }

    private static ApiException.InvalidArgument malformed(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        return new ApiException.InvalidArgument("the request body is not valid JSON: " + e.getOriginalMessage() + where);
    }

    /** Answers with {@code body} as JSON. */
    public static void send(ServerResponse res, Object body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(write(body));
    }

    /** Answers 201 Created with {@code body} as JSON. */
    public static void created(ServerResponse res, Object body) {
        res.status(Status.CREATED_201);
        send(res, body);
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    private static String where(JsonMappingException e) {
        String parent = e.getPath().size() > 1 ? pathOf(e, e.getPath().size() - 1) : "";
        return parent.isEmpty() ? "" : " in '" + parent + "'";
    }

    private static String path(JsonMappingException e) {
        return pathOf(e, e.getPath().size());
    }

    /** The field at fault, for error bodies that name it; null when the body as a whole is wrong. */
    private static String param(JsonMappingException e) {
        return e.getPath().isEmpty() ? null : path(e);
    }

    private static String pathOf(JsonMappingException e, int depth) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            JsonMappingException.Reference ref = e.getPath().get(i);
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(body)" : path.toString();
    }
}
