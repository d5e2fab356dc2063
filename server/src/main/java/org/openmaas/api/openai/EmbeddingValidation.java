package org.openmaas.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.openmaas.api.ApiException;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.engine.Embedder;
import org.openmaas.engine.Tokenizer;

/**
 * Turns a {@code POST /v1/embeddings} body into token ids the product's {@link Embedder} takes, checking every field
 * against OpenAI's documented shapes and the model. Refusals name the field in {@code param}.
 */
final class EmbeddingValidation {

    /** Inputs in one request at most, as OpenAI allows. */
    static final int MAX_INPUTS = 2048;

    /**
     * A request ready for the embedder.
     *
     * @param inputs token ids of each input, in order
     * @param base64 whether vectors go out as base64 little-endian float32 rather than lists of numbers
     */
    record Validated(CatalogEntry entry, Embedder embedder, List<int[]> inputs, boolean base64) {
    }

    private final OpenAiValidation products;

    EmbeddingValidation(OpenAiValidation products) {
        this.products = products;
    }

    Validated validate(EmbeddingBody body, String account) {
        CatalogEntry entry = products.model(body.model(), account);
        String product = entry.product().productName();
        Embedder embedder = entry.engine().embedder().orElseThrow(() -> invalid("model", "product " + product
                + " generates text and makes no embeddings; use POST /v1/chat/completions or /v1/completions, or a "
                + "product whose catalog entry says embeddings: true"));
        boolean base64 = encoding(body.encodingFormat());
        if (body.dimensions() != null && body.dimensions() != embedder.dimensions()) {
            throw invalid("dimensions", "dimensions " + body.dimensions() + " is not supported: " + product
                    + " makes vectors of " + embedder.dimensions() + " dimensions and does not shorten them; leave "
                    + "dimensions out or send " + embedder.dimensions());
        }
        Tokenizer tokenizer = entry.engine().tokenizer().orElseThrow();
        List<int[]> inputs = inputs(body.input(), tokenizer, entry.engine().model().vocabSize());
        for (int i = 0; i < inputs.size(); i++) {
            int length = inputs.get(i).length;
            if (length > embedder.maxInputTokens()) {
                throw invalid("input", where(body.input(), i) + " has " + length + " tokens, more than the "
                        + embedder.maxInputTokens() + " tokens " + product + " embeds in one input (its context); "
                        + "shorten it or split it");
            }
        }
        return new Validated(entry, embedder, inputs, base64);
    }

    private static boolean encoding(String format) {
        if (format == null || format.equals("float")) {
            return false;
        }
        if (format.equals("base64")) {
            return true;
        }
        throw invalid("encoding_format", "encoding_format must be float or base64, got '" + format + "'");
    }

    /** A string, a list of strings, a list of token ids, or a list of lists of token ids: one token list each. */
    private static List<int[]> inputs(JsonNode input, Tokenizer tokenizer, int vocabSize) {
        if (input == null || input.isNull()) {
            throw invalid("input", "input is required: a string or a list of strings (or of token id lists)");
        }
        if (input.isTextual()) {
            return List.of(text(input.asText(), "input", tokenizer));
        }
        if (!input.isArray() || input.isEmpty()) {
            throw invalid("input", "input must be a string, a non-empty list of strings, a list of token ids or a "
                    + "list of lists of token ids, got " + (input.isArray() ? "an empty list" : input.getNodeType()));
        }
        if (input.get(0).isIntegralNumber()) {
            return List.of(tokenIds(input, "input", vocabSize));
        }
        if (input.size() > MAX_INPUTS) {
            throw invalid("input", "input has " + input.size() + " items; at most " + MAX_INPUTS
                    + " are allowed in one request");
        }
        List<int[]> inputs = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String field = "input[" + i + "]";
            if (item.isTextual()) {
                inputs.add(text(item.asText(), field, tokenizer));
            } else if (item.isArray() && !item.isEmpty()) {
                inputs.add(tokenIds(item, field, vocabSize));
            } else {
                throw invalid("input", field + " must be a string or a non-empty list of token ids, like the other "
                        + "items, got " + (item.isArray() ? "an empty list" : item.getNodeType()));
            }
        }
        return inputs;
    }

    private static int[] text(String text, String field, Tokenizer tokenizer) {
        if (text.isEmpty()) {
            throw invalid("input", field + " is an empty string; every input must have text");
        }
        return tokenizer.tokenize(text, false);
    }

    private static int[] tokenIds(JsonNode list, String field, int vocabSize) {
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = list.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0 || id.asInt() >= vocabSize) {
                throw invalid("input", field + "[" + i + "] is " + id + ", not a token id of this model (0 to "
                        + (vocabSize - 1) + ")");
            }
            ids[i] = id.asInt();
        }
        return ids;
    }

    /** How a refusal names input {@code i}: {@code input} when the request has one, else {@code input[i]}. */
    private static String where(JsonNode input, int i) {
        return input.isTextual() || input.get(0).isIntegralNumber() ? "input" : "input[" + i + "]";
    }

    private static ApiException.InvalidArgument invalid(String field, String message) {
        return new ApiException.InvalidArgument(message, field);
    }
}
