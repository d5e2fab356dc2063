package org.openmaas.api.maas;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openmaas.api.AccessLog;
import org.openmaas.api.ApiException;
import org.openmaas.api.BearerAuth;
import org.openmaas.api.Bodies;
import org.openmaas.api.ErrorTable;
import org.openmaas.api.Exchange;
import org.openmaas.api.Json;
import org.openmaas.api.Readiness;
import org.openmaas.auth.Entitlements;
import org.openmaas.auth.Principal;
import org.openmaas.auth.Scopes;
import org.openmaas.catalog.Catalog;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.metering.Admission;
import org.openmaas.metering.Ticket;
import org.openmaas.metrics.GenerationTimer;
import org.openmaas.metrics.ServingMetrics;

/**
 * The MaaS API of the guide: {@code GET /v1/maas/models}, {@code POST /v1/maas/generatestream} (NDJSON, one line per
 * token, flushed as it is generated) and {@code POST /v1/maas/generate} (the whole result at once).
 *
 * <p>Each generation reads top to bottom: authenticate, parse, validate, authorize (scope, account), admit (the
 * server is taking work; the account's entitlement, the client's limits and the account's quota — this opens the
 * usage record), hand to the engine (its bounded queue), then turn engine events into wire lines. The usage record is
 * settled exactly once, durably, before the last line is written: finished, failed, or cancelled when the client
 * goes away.
 */
public final class MaasApi implements HttpService {

    /** Prompts are text; a megabyte is far beyond any context this server runs. */
    static final int MAX_BODY_BYTES = 1024 * 1024;
    /**
     * While a request waits for its first token (in the queue, or in prefill), a blank line goes out this often: a
     * client that left is only noticed by writing to it, and one that left while queued must never reach the engine.
     * NDJSON readers skip blank lines (the guide's script filters them with {@code if line}).
     */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final String CANCELLED = "cancelled";
    private static final String FAILED = "failed";
    private static final byte[] NEWLINE = {'\n'};

    private final Catalog catalog;
    private final BearerAuth auth;
    private final Readiness readiness;
    private final Entitlements entitlements;
    private final Admission admission;
    private final ServingMetrics metrics;
    private final Validation validation;

    public MaasApi(Catalog catalog, BearerAuth auth, Readiness readiness, Entitlements entitlements,
                   Admission admission, ServingMetrics metrics) {
        this.catalog = catalog;
        this.auth = auth;
        this.readiness = readiness;
        this.entitlements = entitlements;
        this.admission = admission;
        this.metrics = metrics;
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
        Started started = start(req, exchange);
        Generation generation = started.generation();
        Ticket ticket = started.ticket();
        GenerationTimer timer = metrics.timer(exchange.product(), exchange.startedAt());
        res.header(HeaderNames.CONTENT_TYPE, "application/x-ndjson");
        String outcome = CANCELLED;
        int streamed = 0;
        try (OutputStream out = res.outputStream()) {
            while (outcome.equals(CANCELLED)) {
                GenerationEvent event = streamed == 0 ? generation.poll(HEARTBEAT) : generation.take();
                switch (event) {
                    case null -> {
                        out.write(NEWLINE);
                        out.flush();
                    }
                    case GenerationEvent.TokenGenerated token -> {
                        writeLine(out, WireLines.tokenLine(token, exchange.requestId()));
                        timer.token(generation.queueWait());
                        ticket.progress(++streamed);
                    }
                    case GenerationEvent.Finished finished -> {
                        outcome = WireLines.finishReason(finished.reason());
                        // The usage record is complete before the client sees the end.
                        ticket.finished(finished.promptTokens(), finished.generatedTokens(), outcome);
                        writeLine(out, WireLines.finalLine(finished, exchange.requestId()));
                        timer.token(generation.queueWait());
                        streamed++;
                    }
                    case GenerationEvent.Failed failed -> {
                        outcome = FAILED;
                        ticket.failed(streamed, failed.message());
                        out.write(ErrorTable.streamFailure(failed).streamLine());
                        out.write(NEWLINE);
                    }
                }
            }
        } catch (IOException e) {
            // The client went away; the finally block frees its engine slot.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ended(exchange, timer, generation, ticket, outcome, streamed);
        }
    }

    private void generate(ServerRequest req, ServerResponse res) {
        Exchange exchange = AccessLog.exchange(req);
        Started started = start(req, exchange);
        Generation generation = started.generation();
        Ticket ticket = started.ticket();
        GenerationTimer timer = metrics.timer(exchange.product(), exchange.startedAt());
        List<GenerationEvent.TokenGenerated> tokens = new ArrayList<>();
        String outcome = CANCELLED;
        try {
            while (outcome.equals(CANCELLED)) {
                switch (generation.take()) {
                    case GenerationEvent.TokenGenerated token -> {
                        tokens.add(token);
                        timer.token(generation.queueWait());
                        ticket.progress(tokens.size());
                    }
                    case GenerationEvent.Finished finished -> {
                        tokens.add(finished.lastToken());
                        timer.token(generation.queueWait());
                        outcome = WireLines.finishReason(finished.reason());
                        ticket.finished(finished.promptTokens(), finished.generatedTokens(), outcome);
                        sendJson(res, WireLines.wholeResult(tokens, finished,
                                generation.request().topNTokens() > 0, exchange.requestId()));
                    }
                    case GenerationEvent.Failed failed -> {
                        outcome = FAILED;
                        ticket.failed(tokens.size(), failed.message());
                        throw switch (failed.cause()) {
                            case STOPPING -> new ApiException.Unavailable(failed.message() + "; retry the request", 5);
                            case INTERNAL -> new IllegalStateException("generation failed: " + failed.message());
                        };
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException.Unavailable("the server is shutting down", 5);
        } finally {
            ended(exchange, timer, generation, ticket, outcome, tokens.size());
        }
    }

    /**
     * However the request ended — a failed write surfaces as several exception types — a generation that did not
     * finish is cancelled (the engine frees its slot at its next step) and its usage settled exactly once.
     */
    private static void ended(Exchange exchange, GenerationTimer timer, Generation generation, Ticket ticket,
                              String outcome, int generatedTokens) {
        if (outcome.equals(CANCELLED)) {
            generation.cancel();
            ticket.cancelled(generatedTokens);
        }
        if (!ticket.isSettled()) {
            ticket.failed(generatedTokens, "the request failed on the server");
        }
        int promptTokens = generation.request().promptTokens().length;
        exchange.tokens(promptTokens, generatedTokens);
        exchange.outcome(outcome);
        timer.end(outcome, promptTokens, generatedTokens);
    }

    /** An admitted generation on its engine, with the ticket that settles its usage. */
    private record Started(Generation generation, Ticket ticket) {
    }

    /** Everything before the first byte of the response; any failure here becomes a §2.4 error body. */
    private Started start(ServerRequest req, Exchange exchange) {
        Principal principal = auth.authenticate(req);
        GenerateBody body = Json.read(Bodies.read(req, MAX_BODY_BYTES), GenerateBody.class);
        exchange.product(body.productName() == null ? "-" : body.productName());
        Validation.Validated valid = validation.validate(body, exchange.requestId());
        authorize(body, principal);
        if (!readiness.isReady()) {
            throw new ApiException.Unavailable("the server is not taking requests now (" + readiness.reason()
                    + "); retry shortly or on another instance", 5);
        }
        GenerationRequest request = valid.request();
        Ticket ticket = admission.admit(exchange.requestId(), principal, valid.entry().product().productName(),
                request.promptTokens().length, request.maxNewTokens());
        try {
            return new Started(valid.entry().engine().submit(request), ticket);
        } catch (RuntimeException e) {
            ticket.failed(0, "not started: " + e.getMessage());
            throw e;
        }
    }

    private static void authorize(GenerateBody body, Principal principal) {
        if (!principal.hasScope(Scopes.INFERENCE)) {
            throw new ApiException.PermissionDenied("this token lacks the 'inference' scope needed to generate");
        }
        if (!principal.cloudAccountId().equals(body.cloudAccountId())) {
            throw new ApiException.PermissionDenied("cloudAccountId '" + body.cloudAccountId()
                    + "' is not the cloud account of this token's client");
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
