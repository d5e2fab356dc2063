package org.openmaas.api.maas;

import io.helidon.common.socket.SocketWriterException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.openmaas.api.AccessLog;
import org.openmaas.api.ApiException;
import org.openmaas.api.BearerAuth;
import org.openmaas.api.Bodies;
import org.openmaas.api.ErrorReply;
import org.openmaas.api.ErrorTable;
import org.openmaas.api.Exchange;
import org.openmaas.api.Json;
import org.openmaas.auth.Entitlements;
import org.openmaas.auth.Principal;
import org.openmaas.auth.Scopes;
import org.openmaas.catalog.Catalog;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.metering.Admission;
import org.openmaas.metering.Ticket;

/**
 * The MaaS API of the guide: {@code GET /v1/maas/models}, {@code POST /v1/maas/generatestream} (NDJSON, one line per
 * token, flushed as it is generated) and {@code POST /v1/maas/generate} (the whole result at once).
 *
 * <p>Each generation reads top to bottom: authenticate, parse, validate, authorize (scope, account), admit (the
 * account's entitlement, the client's limits and the account's quota; this opens the usage record), hand to the engine (its bounded
 * queue), then turn engine events into wire lines. The usage record is settled exactly once, durably, before the
 * last line is written: finished, failed, or cancelled when the client goes away.
 */
public final class MaasApi implements HttpService {

    /** Prompts are text; a megabyte is far beyond any context this server runs. */
    static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final byte[] NEWLINE = {'\n'};

    private final Catalog catalog;
    private final BearerAuth auth;
    private final Entitlements entitlements;
    private final Admission admission;
    private final Validation validation;

    public MaasApi(Catalog catalog, BearerAuth auth, Entitlements entitlements, Admission admission) {
        this.catalog = catalog;
        this.auth = auth;
        this.entitlements = entitlements;
        this.admission = admission;
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
        int sent = 0;
        res.header(HeaderNames.CONTENT_TYPE, "application/x-ndjson");
        try (OutputStream out = res.outputStream()) {
            while (true) {
                GenerationEvent event = generation.take();
                switch (event) {
                    case GenerationEvent.TokenGenerated token -> {
                        writeLine(out, WireLines.tokenLine(token, exchange.requestId()));
                        ticket.progress(++sent);
                    }
                    case GenerationEvent.Finished finished -> {
                        exchange.tokens(finished.promptTokens(), finished.generatedTokens());
                        exchange.outcome(WireLines.finishReason(finished.reason()));
                        ticket.finished(finished.promptTokens(), finished.generatedTokens(),
                                WireLines.finishReason(finished.reason()));
                        writeLine(out, WireLines.finalLine(finished, exchange.requestId()));
                        return;
                    }
                    case GenerationEvent.Failed failed -> {
                        exchange.outcome("failed");
                        ticket.failed(sent, failed.message());
                        out.write(new ErrorReply(500, ErrorTable.INTERNAL, failed.message(), 0).streamLine());
                        out.write(NEWLINE);
                        return;
                    }
                }
            }
        } catch (IOException | UncheckedIOException | CloseConnectionException | SocketWriterException e) {
            // The client went away: free the engine slot at its next step.
            generation.cancel();
            ticket.cancelled(sent);
            exchange.outcome("cancelled");
        } catch (InterruptedException e) {
            generation.cancel();
            ticket.cancelled(sent);
            exchange.outcome("cancelled");
            Thread.currentThread().interrupt();
        } finally {
            if (!ticket.isSettled()) {
                generation.cancel();
                ticket.failed(sent, "the stream failed on the server");
            }
        }
    }

    private void generate(ServerRequest req, ServerResponse res) {
        Exchange exchange = AccessLog.exchange(req);
        Started started = start(req, exchange);
        Generation generation = started.generation();
        Ticket ticket = started.ticket();
        List<GenerationEvent.TokenGenerated> tokens = new ArrayList<>();
        try {
            while (true) {
                switch (generation.take()) {
                    case GenerationEvent.TokenGenerated token -> {
                        tokens.add(token);
                        ticket.progress(tokens.size());
                    }
                    case GenerationEvent.Finished finished -> {
                        tokens.add(finished.lastToken());
                        exchange.tokens(finished.promptTokens(), finished.generatedTokens());
                        exchange.outcome(WireLines.finishReason(finished.reason()));
                        ticket.finished(finished.promptTokens(), finished.generatedTokens(),
                                WireLines.finishReason(finished.reason()));
                        sendJson(res, WireLines.wholeResult(tokens, finished,
                                generation.request().topNTokens() > 0, exchange.requestId()));
                        return;
                    }
                    case GenerationEvent.Failed failed -> {
                        exchange.outcome("failed");
                        ticket.failed(tokens.size(), failed.message());
                        throw new IllegalStateException("generation failed: " + failed.message());
                    }
                }
            }
        } catch (InterruptedException e) {
            generation.cancel();
            ticket.cancelled(tokens.size());
            Thread.currentThread().interrupt();
            throw new ApiException.Unavailable("the server is shutting down", 5);
        } finally {
            if (!ticket.isSettled()) {
                generation.cancel();
                ticket.failed(tokens.size(), "the request failed on the server");
            }
        }
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
