package org.openmaas.api.openai;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.List;
import java.util.stream.IntStream;
import org.openmaas.api.AccessLog;
import org.openmaas.api.ApiException;
import org.openmaas.api.BearerAuth;
import org.openmaas.api.Bodies;
import org.openmaas.api.Exchange;
import org.openmaas.api.GenerationRunner;
import org.openmaas.api.Json;
import org.openmaas.api.maas.MaasApi;
import org.openmaas.auth.Entitlements;
import org.openmaas.auth.Principal;
import org.openmaas.auth.Scopes;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.CatalogEntry;

/**
 * The OpenAI-compatible API beside the MaaS API, over the same catalog, credentials and admission:
 * {@code GET /v1/models}, {@code GET /v1/models/{model}}, {@code POST /v1/chat/completions} (messages rendered with
 * the model's chat template) and {@code POST /v1/completions} (a raw prompt), each whole or streamed as server-sent
 * events, and {@code POST /v1/embeddings} for products that serve an embedding model. Errors have OpenAI's shape
 * (see {@link #owns}).
 *
 * <p>Each generation reads top to bottom as in the MaaS API: authenticate, authorize (the inference scope before the
 * body is parsed, then the account's entitlement to what {@code model} names — a name the account may not use gets
 * the same 403 whether a product has it or not), validate (the product among those the account may use, the fields,
 * tokenization), admit (readiness, then {@code Admission}: limits, quota, the usage record) and hand to the engine,
 * then turn engine events into one choice, its usage settled as the response ends — {@link GenerationRunner},
 * shared with the MaaS API, does the admitting, draining and settling.
 */
public final class OpenAiApi implements HttpService {

    private final Catalog catalog;
    private final BearerAuth auth;
    private final Entitlements entitlements;
    private final GenerationRunner runner;
    private final Clock clock;
    private final OpenAiValidation validation;
    private final EmbeddingValidation embeddingValidation;
    private final long startedAt;

    public OpenAiApi(Catalog catalog, BearerAuth auth, Entitlements entitlements, GenerationRunner runner,
                     Clock clock) {
        this.catalog = catalog;
        this.auth = auth;
        this.entitlements = entitlements;
        this.runner = runner;
        this.clock = clock;
        this.validation = new OpenAiValidation(catalog, entitlements::allows);
        this.embeddingValidation = new EmbeddingValidation(validation);
        this.startedAt = clock.instant().getEpochSecond();
    }

    /**
     * Whether a path belongs to the OpenAI-compatible API, so that its errors (unknown paths included) have OpenAI's
     * shape: every {@code /v1/} path but the MaaS and admin APIs'.
     */
    public static boolean owns(String path) {
        return path.startsWith("/v1/") && !path.startsWith("/v1/maas/") && !path.startsWith("/v1/admin/");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/models", this::models)
                .get("/v1/models/{model}", this::model)
                .post("/v1/chat/completions", this::chatCompletions)
                .post("/v1/completions", this::completions)
                .post("/v1/embeddings", this::embeddings);
    }

    /** Every product that can serve now and the caller's account may use; its id is the product name. */
    private void models(ServerRequest req, ServerResponse res) {
        Principal principal = auth.authenticate(req);
        sendJson(res, new OpenAiWire.ModelList(catalog.entries().stream()
                .filter(e -> entitled(principal, e)).map(this::model).toList()));
    }

    /** One product, by product name or model name; one the caller's account may not use does not exist for it. */
    private void model(ServerRequest req, ServerResponse res) {
        Principal principal = auth.authenticate(req);
        String id = req.path().pathParameters().get("model");
        sendJson(res, model(validation.model(id, principal.cloudAccountId())));
    }

    private boolean entitled(Principal principal, CatalogEntry entry) {
        return entitlements.allows(principal.cloudAccountId(), entry.product().productName());
    }

    private OpenAiWire.Model model(CatalogEntry entry) {
        return new OpenAiWire.Model(entry.product().productName(), startedAt);
    }

    private void chatCompletions(ServerRequest req, ServerResponse res) {
        generate(req, res, ChatCompletionBody.class, validation::chat, (id, model, options, index) ->
                new Dialect.Chat("chatcmpl-" + id, now(), model, options.logprobs(), options.tools(),
                        index));
    }

    private void completions(ServerRequest req, ServerResponse res) {
        generate(req, res, CompletionBody.class, validation::completion, (id, model, options, index) ->
                new Dialect.Text("cmpl-" + id, now(), model, options.logprobs(), index));
    }

    /**
     * Vectors of the inputs, from a product marked {@code embeddings}: authenticated, authorized, validated and admitted
     * as a generation is, its usage the input tokens.
     */
    private void embeddings(ServerRequest req, ServerResponse res) {
        Exchange exchange = AccessLog.exchange(req);
        Principal principal = auth.authenticate(req);
        requireInferenceScope(principal);
        EmbeddingBody body = Bodies.readJson(req, MaasApi.MAX_BODY_BYTES, EmbeddingBody.class);
        authorize(principal, body.model());
        EmbeddingValidation.Validated valid = embeddingValidation.validate(body, principal.cloudAccountId());
        String product = valid.entry().product().productName();
        exchange.product(product);
        List<float[]> vectors = runner.embed(exchange, principal, valid.entry(), valid.embedder(), valid.inputs());
        int tokens = valid.inputs().stream().mapToInt(input -> input.length).sum();
        sendJson(res, OpenAiWire.embeddings(vectors, valid.base64(), product, tokens));
    }

    /** How one route validates its body. */
    private interface Validator<B extends CommonFields> {
        OpenAiValidation.Validated validate(B body, String account, String requestId);
    }

    /** How choice {@code index} of one route's response looks, for request {@code id} of product {@code model}. */
    private interface DialectFactory {
        Dialect dialect(String id, String model, OpenAiValidation.Options options, int index);
    }

    /** The request path of both generation routes, top to bottom. */
    private <B extends CommonFields> void generate(ServerRequest req, ServerResponse res, Class<B> bodyType,
                                                   Validator<B> validator, DialectFactory dialects) {
        Exchange exchange = AccessLog.exchange(req);
        Principal principal = auth.authenticate(req);
        requireInferenceScope(principal);
        B body = Bodies.readJson(req, MaasApi.MAX_BODY_BYTES, bodyType);
        authorize(principal, body.model());
        OpenAiValidation.Validated valid = validator.validate(body, principal.cloudAccountId(), exchange.requestId());
        String product = valid.entry().product().productName();
        exchange.product(product);
        respond(res, exchange, principal, valid, IntStream.range(0, valid.options().choices())
                .mapToObj(i -> dialects.dialect(exchange.requestId(), product, valid.options(), i))
                .toList());
    }

    /** Admits the request, then streams its choices as server-sent events or answers with the whole of them. */
    private void respond(ServerResponse res, Exchange exchange, Principal principal, OpenAiValidation.Validated valid,
                         List<Dialect> choices) {
        GenerationRunner.Run run = runner.start(exchange, principal, valid.entry(), valid.request(), choices.size());
        List<String> stops = valid.request().stopSequences();
        int promptTokens = valid.request().prompt().tokenBound(); // exact unless the engine tokenizes
        if (valid.options().stream()) {
            res.header(HeaderNames.CACHE_CONTROL, "no-cache");
            run.stream(res, "text/event-stream", out -> new ChoiceWriter.EventStream(out, choices,
                    valid.options().includeUsage(), stops, valid.options().toolCalls(), valid.options().reasoning(),
                    promptTokens));
            return;
        }
        run.answer(res, new ChoiceWriter.Collected(choices, stops, valid.options().toolCalls(),
                valid.options().reasoning(), promptTokens));
    }

    private static void requireInferenceScope(Principal principal) {
        if (!principal.hasScope(Scopes.INFERENCE)) {
            throw new ApiException.PermissionDenied("this token lacks the 'inference' scope needed to generate");
        }
    }

    /**
     * The account may use a product that {@code model} names, or may use every product: otherwise 403, whether or not
     * a product has that name (a missing model is left to validation to report).
     */
    private void authorize(Principal principal, String model) {
        String account = principal.cloudAccountId();
        if (model != null && !model.isBlank() && !entitlements.allows(account, model)
                && validation.named(model, account).isEmpty()) {
            throw new ApiException.PermissionDenied("cloud account " + account + " is not entitled to model '" + model
                    + "'; an administrator can grant it");
        }
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private static void sendJson(ServerResponse res, Object body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.write(body));
    }
}
