package org.openmaas.api.maas;

import static org.openmaas.api.Checks.floatInRange;
import static org.openmaas.api.Checks.intInRange;
import static org.openmaas.api.Checks.requireGenerates;
import static org.openmaas.api.Checks.stopSequences;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.openmaas.api.ApiException;
import org.openmaas.api.Constraints;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.catalog.PromptFormat;
import org.openmaas.engine.ChatMessage;
import org.openmaas.engine.Engine;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Sampling;
import org.openmaas.engine.Tokenizer;

/**
 * Turns a parsed body into the one type the engine accepts, resolving every default once and checking every limit
 * against the product. Messages name the field, the value given and what is allowed.
 */
final class Validation {

    static final int DEFAULT_MAX_NEW_TOKENS = 100;
    static final int MAX_TOP_N_TOKENS = 5;
    static final float MAX_TEMPERATURE = 100;
    static final float MAX_REPETITION_PENALTY = 100;
    static final float MAX_ABS_FREQUENCY_PENALTY = 2;
    static final String GRAMMAR = "grammar";

    /** A request ready for the engine, with the catalog entry that will serve it. */
    record Validated(CatalogEntry entry, GenerationRequest request) {
    }

    private final Catalog catalog;
    private final SecureRandom seeds = new SecureRandom();

    Validation(Catalog catalog) {
        this.catalog = catalog;
    }

    Validated validate(GenerateBody body, String requestId) {
        CatalogEntry entry = product(body);
        requireGenerates(entry);
        GenerateBody.Prompt prompt = body.request();
        if (prompt == null) {
            throw invalid("request is required: {\"prompt\": \"...\", \"params\": {...}}");
        }
        if (prompt.prompt() == null || prompt.prompt().isEmpty()) {
            throw invalid("request.prompt is required and must not be empty");
        }
        GenerateBody.Params params = prompt.params() == null ? GenerateBody.Params.NONE : prompt.params();
        Engine engine = entry.engine();
        int context = engine.model().contextLength();

        int topN = intInRange("top_n_tokens", params.topNTokens(), 0, 0, MAX_TOP_N_TOKENS);
        List<String> stop = stopSequences(params.stop());
        Sampling sampling = sampling(params, engine.model().vocabSize());
        Optional<Tokenizer> tokenizer = engine.tokenizer();
        if (params.truncate() != null && tokenizer.isEmpty()) {
            throw invalid("truncate is not supported by " + entry.product().productName() + ": its prompts are "
                    + "tokenized by the engine that serves it, so this server cannot keep the last tokens; send a "
                    + "shorter prompt instead");
        }
        Prompt input;
        int maxNewTokens;
        if (tokenizer.isPresent()) {
            int[] tokens = promptTokens(entry, tokenizer.get(), prompt.prompt());
            if (params.truncate() != null) {
                tokens = truncate(tokens, intInRange("truncate", params.truncate(), 0, 1, context));
            }
            maxNewTokens = maxNewTokens(params, context);
            if (tokens.length + maxNewTokens > context) {
                throw invalid("the prompt has " + tokens.length + " tokens and max_new_tokens is " + maxNewTokens
                        + ": together " + (tokens.length + maxNewTokens) + ", more than the context of "
                        + entry.product().productName() + " (" + context + " tokens); shorten the prompt, lower "
                        + "max_new_tokens, or set truncate to keep only the last prompt tokens");
            }
            input = new Prompt.Tokens(tokens);
        } else {
            // Only the engine can count these tokens: it refuses a prompt that leaves no room itself.
            maxNewTokens = maxNewTokens(params, context);
            input = entry.config().promptFormat() == PromptFormat.CHAT
                    ? new Prompt.Chat(List.of(new ChatMessage("user", prompt.prompt())))
                    : new Prompt.Text(prompt.prompt());
        }
        // Decoding alone costs throughput, so it is asked for: by the product, or per request.
        boolean reproducible = entry.config().reproducible() || Boolean.TRUE.equals(params.reproducible());
        // Every line of the MaaS stream shows its token's logprob.
        GenerationRequest request = new GenerationRequest(requestId, body.cloudAccountId(), input, maxNewTokens,
                sampling, stop, topN, true, reproducible, grammar(params.grammar()));
        // An upstream without such a parameter, or a grammar the engine cannot use: a 400 before admission.
        Constraints.requireSupported(engine, request, GRAMMAR);
        return new Validated(entry, request);
    }

    /**
     * The fields that name the account and the product are present: checked before authorization (which reads them)
     * and again by {@link #validate}, so that a body lacking one is told so rather than refused.
     */
    static void requireFields(GenerateBody body) {
        List<String> missing = new ArrayList<>();
        if (blank(body.model())) missing.add("model");
        if (blank(body.productName())) missing.add("productName");
        if (blank(body.productId())) missing.add("productId");
        if (blank(body.cloudAccountId())) missing.add("cloudAccountId");
        if (!missing.isEmpty()) {
            throw invalid("required field" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + (missing.size() > 1 ? " are" : " is") + " missing; GET /v1/maas/models lists model, product_name and product_id");
        }
    }

    private CatalogEntry product(GenerateBody body) {
        requireFields(body);
        CatalogEntry entry = catalog.find(body.productName()).orElseThrow(() -> new ApiException.NotFound(
                "product '" + body.productName() + "' is not in the catalog; GET /v1/maas/models lists the products"));
        if (!entry.product().productId().toString().equalsIgnoreCase(body.productId())) {
            throw invalid("productId '" + body.productId() + "' does not match product " + body.productName()
                    + " (its id is " + entry.product().productId() + ")");
        }
        if (!entry.product().modelName().equals(body.model())) {
            throw invalid("model '" + body.model() + "' does not match product " + body.productName()
                    + " (its model is " + entry.product().modelName() + ")");
        }
        return entry;
    }

    private Sampling sampling(GenerateBody.Params p, int vocabSize) {
        float temperature = floatInRange("temperature", p.temperature(), 1, 0, true, MAX_TEMPERATURE);
        int topK = intInRange("top_k", p.topK(), 0, 0, vocabSize);
        float topP = probability("top_p", p.topP());
        float typicalP = probability("typical_p", p.typicalP());
        float repetition = floatInRange("repetition_penalty", p.repetitionPenalty(), 1, 0, false, MAX_REPETITION_PENALTY);
        float frequency = floatInRange("frequency_penalty", p.frequencyPenalty(), 0, -MAX_ABS_FREQUENCY_PENALTY,
                true, MAX_ABS_FREQUENCY_PENALTY);
        boolean warped = temperature != 1 || topK > 0 || topP < 1 || typicalP < 1;
        boolean sample = temperature != 0 && (Boolean.TRUE.equals(p.doSample()) || warped);
        long seed = p.seed() != null ? p.seed() : seeds.nextLong();
        return new Sampling(sample, sample ? temperature : 1f, topK, topP, typicalP, repetition, frequency, seed);
    }

    /**
     * TGI's {@code grammar}: {@code {"type": "json", "value": <JSON Schema, as an object or as text>}} or
     * {@code {"type": "regex", "value": "<pattern>"}}.
     */
    private static OutputConstraint grammar(JsonNode grammar) {
        if (grammar == null || grammar.isNull()) {
            return OutputConstraint.NONE;
        }
        JsonNode type = grammar.path("type");
        JsonNode value = grammar.path("value");
        if (!grammar.isObject() || grammar.size() != 2 || !type.isTextual() || value.isMissingNode()) {
            throw invalidGrammar("grammar must be {\"type\": \"json\", \"value\": <JSON Schema>} or "
                    + "{\"type\": \"regex\", \"value\": \"<pattern>\"}");
        }
        return switch (type.asText()) {
            case "json", "json_object" -> {
                if (value.isTextual()) {
                    yield new OutputConstraint.JsonSchema(value.asText());
                }
                if (!value.isObject() && !value.isBoolean()) {
                    throw invalidGrammar("grammar.value of type json must be a JSON Schema: an object, or that object as text");
                }
                yield new OutputConstraint.JsonSchema(value.toString());
            }
            case "regex" -> {
                if (!value.isTextual() || value.asText().isEmpty()) {
                    throw invalidGrammar("grammar.value of type regex must be a non-empty string");
                }
                yield new OutputConstraint.Regex(value.asText());
            }
            default -> throw invalidGrammar("grammar.type '" + type.asText() + "' is not supported; allowed: json, regex");
        };
    }

    private static float probability(String field, Double value) {
        return floatInRange(field, value, 1, 0, false, 1);
    }

    private static int maxNewTokens(GenerateBody.Params params, int context) {
        return intInRange("max_new_tokens", params.maxNewTokens(), DEFAULT_MAX_NEW_TOKENS, 1, context);
    }

    private static int[] promptTokens(CatalogEntry entry, Tokenizer tokenizer, String prompt) {
        if (entry.config().promptFormat() == PromptFormat.CHAT) {
            return tokenizer.tokenizeChat(new Prompt.Chat(List.of(new ChatMessage("user", prompt))));
        }
        return tokenizer.tokenize(prompt, false);
    }

    /** TGI's truncate: only the last {@code keep} prompt tokens reach the model. */
    private static int[] truncate(int[] tokens, int keep) {
        return tokens.length <= keep ? tokens : Arrays.copyOfRange(tokens, tokens.length - keep, tokens.length);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static ApiException.InvalidArgument invalid(String message) {
        return new ApiException.InvalidArgument(message);
    }

    private static ApiException.InvalidArgument invalidGrammar(String message) {
        return new ApiException.InvalidArgument(message, GRAMMAR);
    }
}
