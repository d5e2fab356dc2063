package org.openmaas.api.maas;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.openmaas.api.AccessLog;
import org.openmaas.api.ApiException;
import org.openmaas.api.BearerAuth;
import org.openmaas.api.Bodies;
import org.openmaas.api.ErrorReply;
import org.openmaas.api.ErrorTable;
import org.openmaas.api.Exchange;
import org.openmaas.api.GenerationRunner;
import org.openmaas.api.Json;
import org.openmaas.auth.Entitlements;
import org.openmaas.auth.Principal;
import org.openmaas.auth.Scopes;
import org.openmaas.catalog.Catalog;
import org.openmaas.engine.GenerationEvent;

/**
 * The MaaS API of the guide: {@code GET /v1/maas/models}, {@code POST /v1/maas/generatestream} (NDJSON, one line per
 * token, flushed as it is generated) and {@code POST /v1/maas/generate} (the whole result at once).
 *
 * <p>Each generation reads top to bottom: authenticate, authorize, validate, admit, hand to the engine, turn engine
 * events into wire lines. Authorizing comes before validating so that a caller who may not generate learns nothing
 * (not even which products exist) and costs nothing (no prompt is tokenized): the token's inference scope before the
 * body is parsed, then — once parsing has found the fields that name the account and the product — the
 * {@code cloudAccountId} (the token's own) and the account's entitlement to the product it names, checked by name so
 * that a product the account may not use gets the same 403 whether it exists or not. Validation then looks the
 * product up (404 for an unknown one: only an account that may use that name meets it), checks the parameters and
 * tokenizes. Admission (the server is taking work; the client's limits and the account's quota —
 * this opens the usage record) and the engine's queue follow. The usage record is settled exactly once as the
 * response ends (committed milliseconds later): finished, failed, or cancelled when the client goes away.
 * {@link GenerationRunner} does the admitting, draining and settling that every generation route shares.
 */
public final class MaasApi implements HttpService {

    /** Prompts are text; a megabyte is far beyond any context this server runs. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final byte[] NEWLINE = {'\n'};

    private final Catalog catalog;
    private final BearerAuth auth;
    private final Entitlements entitlements;
    private final GenerationRunner runner;
    private final Validation validation;

    public MaasApi(Catalog catalog, BearerAuth auth, Entitlements entitlements, GenerationRunner runner) {
        this.catalog = catalog;
        this.auth = auth;
        this.entitlements = entitlements;
        this.runner = runner;
        this.validation = new Validation(catalog);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/maas/models", this::models)
                .post("/v1/maas/generatestream", this::generateStream)
                .post("/v1/maas/generate", this::generate);
    }

    record ModelList(List<ModelJson> models) {
    }

    record ModelJson(String model_name, String product_id, String product_name) {
    }

    private void models(ServerRequest req, ServerResponse res) {
        Principal principal = auth.authenticate(req);
        List<ModelJson> models = catalog.entries().stream()
                .filter(e -> entitlements.allows(principal.cloudAccountId(), e.product().productName()))
                .map(e -> new ModelJson(e.product().modelName(), e.product().productId().toString(),
                        e.product().productName()))
                .toList();
        sendJson(res, new ModelList(models));
    }

    private void generateStream(ServerRequest req, ServerResponse res) {
        Exchange exchange = AccessLog.exchange(req);
        GenerationRunner.Run run = start(req, exchange);
        run.stream(res, "application/x-ndjson", out -> new NdjsonLines(out, exchange.requestId(),
                !run.lastTokenInFinished()));
    }

    /**
     * Writes {@code generatestream}'s lines, flushed one by one; a blank line is the heartbeat (NDJSON readers skip
     * blank lines: the guide's script filters them with {@code if line}). The last line carries the last token with
     * the details: from an engine that sends its last token apart from its end, each token's line waits for the next
     * event ({@code holdBack}).
     */
    private static final class NdjsonLines implements GenerationRunner.Writer {

        private final OutputStream out;
        private final String requestId;
        private final boolean holdBack;
        private GenerationEvent.TokenGenerated held;

        NdjsonLines(OutputStream out, String requestId, boolean holdBack) {
            this.out = out;
            this.requestId = requestId;
            this.holdBack = holdBack;
        }

        @Override
        public void heartbeat() throws IOException {
            out.write(NEWLINE);
            out.flush();
        }

        @Override
        public boolean token(GenerationEvent.TokenGenerated token) throws IOException {
            if (!holdBack) {
                writeLine(out, WireLines.tokenLine(token, requestId));
                return false;
            }
            writeHeld();
            held = token;
            return false;
        }

        @Override
        public void finished(GenerationEvent.Finished finished) throws IOException {
            if (finished.lastToken().isPresent()) {
                writeHeld();
                writeLine(out, WireLines.finalLine(finished, finished.lastToken().get(), requestId));
            } else if (held != null) {
                writeLine(out, WireLines.finalLine(finished, held, requestId));
            } else {
                throw new IllegalStateException("the engine ended a generation without a token");
            }
        }

        @Override
        public void failed(GenerationEvent.Failed failed) throws IOException {
            writeHeld();
            out.write(ErrorTable.generationFailure(failed).streamLine());
            out.write(NEWLINE);
        }

        private void writeHeld() throws IOException {
            if (held != null) {
                writeLine(out, WireLines.tokenLine(held, requestId));
                held = null;
            }
        }
    }

    private void generate(ServerRequest req, ServerResponse res) {
        Exchange exchange = AccessLog.exchange(req);
        GenerationRunner.Run run = start(req, exchange);
        run.answer(res, new WholeResult(run.request().topNTokens() > 0, exchange.requestId()));
    }

    /**
     * Collects {@code generate}'s tokens into its one JSON object; a failure after the response started is the same
     * {@code {"error": {...}}} object a stream ends with.
     */
    private static final class WholeResult implements GenerationRunner.Collector {
        private final boolean withTopTokens;
        private final String requestId;
        private final List<GenerationEvent.TokenGenerated> tokens = new ArrayList<>();
        private GenerationEvent.Finished finished;

        WholeResult(boolean withTopTokens, String requestId) {
            this.withTopTokens = withTopTokens;
            this.requestId = requestId;
        }

        @Override
        public boolean token(GenerationEvent.TokenGenerated token) {
            tokens.add(token);
            return false;
        }

        @Override
        public void finished(GenerationEvent.Finished finished) {
            finished.lastToken().ifPresent(tokens::add);
            this.finished = finished;
        }

        @Override
        public byte[] result() {
            return Json.write(WireLines.wholeResult(tokens, finished, withTopTokens, requestId));
        }

        @Override
        public byte[] errorBody(ErrorReply reply) {
            return reply.streamLine();
        }
    }

    /** Everything before the first byte of the response; any failure here becomes a §2.4 error body. */
    private GenerationRunner.Run start(ServerRequest req, Exchange exchange) {
        Principal principal = auth.authenticate(req);
        requireInferenceScope(principal);
        GenerateBody body = Bodies.readJson(req, MAX_BODY_BYTES, GenerateBody.class);
        Validation.requireFields(body);
        authorize(body, principal);
        Validation.Validated valid = validation.validate(body, exchange.requestId());
        exchange.product(valid.entry().product().productName());
        return runner.start(exchange, principal, valid.entry(), valid.request());
    }

    private static void requireInferenceScope(Principal principal) {
        if (!principal.hasScope(Scopes.INFERENCE)) {
            throw new ApiException.PermissionDenied("this token lacks the 'inference' scope needed to generate");
        }
    }

    /** The account is the token's, and may use the product the body names (whether that product exists or not). */
    private void authorize(GenerateBody body, Principal principal) {
        if (!principal.cloudAccountId().equals(body.cloudAccountId())) {
            throw new ApiException.PermissionDenied("cloudAccountId '" + body.cloudAccountId()
                    + "' is not the cloud account of this token's client");
        }
        if (!entitlements.allows(principal.cloudAccountId(), body.productName())) {
            throw new ApiException.PermissionDenied("cloud account " + principal.cloudAccountId()
                    + " is not entitled to product " + body.productName() + "; an administrator can grant it");
        }
    }

    private static void writeLine(OutputStream out, Object line) throws IOException {
        out.write(Json.write(line));
        out.write(NEWLINE);
        out.flush();
    }

    private static void sendJson(ServerResponse res, Object body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.write(body));
    }
}
