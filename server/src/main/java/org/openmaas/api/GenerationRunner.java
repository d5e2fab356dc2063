package org.openmaas.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.function.Function;
import org.openmaas.auth.Principal;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.engine.EngineClosedException;
import org.openmaas.engine.EngineOverloadedException;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.metering.Admission;
import org.openmaas.metering.LimitExceededException;
import org.openmaas.metering.Ticket;
import org.openmaas.metrics.GenerationTimer;
import org.openmaas.metrics.Refusals;
import org.openmaas.metrics.ServingMetrics;

/**
 * The part of every generation route after validation, whatever its wire format (the MaaS API's NDJSON, OpenAI's
 * server-sent events, either one's whole-result JSON): let the validated request in, then drain its events on the
 * request's own thread while the route writes them.
 *
 * <p>{@link #start} is the one place a generation is admitted: the server is taking work, then {@link Admission}
 * (entitlement, limits, quota; it opens the usage record), then the engine's bounded queue. {@link Run} is the one
 * place its events are drained, streamed or collected: a heartbeat whenever the client has been sent nothing for
 * {@link #HEARTBEAT} (a client that left is only noticed by writing to it, and one that left must never keep a slot
 * busy, queued or generating), the serving metrics timed as tokens reach the client, the access log's counts, the usage
 * {@link Ticket} settled exactly once — durably, before the response's end is written — and the generation cancelled
 * however the route ends early.
 */
public final class GenerationRunner {

    /** When the client has been sent nothing for this long, the route writes a heartbeat. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(1);

    /** How a route takes one generation's tokens and its end, in the order the engine reports them. */
    public interface Tokens {

        /**
         * A token that does not end the generation.
         *
         * @return true when the route's own stop rule ends the response with this token; the engine is then told to
         *         stop, the request is settled as ended by a stop sequence and {@link #stopped} takes the end
         */
        boolean token(GenerationEvent.TokenGenerated token) throws IOException;

        /** The end of a response that the route's stop rule ended, after {@code generatedTokens} tokens. */
        default void stopped(int generatedTokens) throws IOException {
            throw new IllegalStateException("this route has no stop rule of its own");
        }

        /** The last token and how the generation ended (its usage is settled already). */
        void finished(GenerationEvent.Finished finished) throws IOException;
    }

    /** How a streaming route writes one generation's events as they come. */
    public interface Writer extends Tokens {

        /** Nothing was written for {@link #HEARTBEAT}: write something the client ignores. */
        void heartbeat() throws IOException;

        /** The engine could not go on: write the failure as the stream's last line or event. */
        void failed(GenerationEvent.Failed failed) throws IOException;
    }

    /**
     * How a whole-result route collects one generation into one JSON body. The runner writes the body, and a space as
     * the heartbeat (JSON allows leading whitespace).
     */
    public interface Collector extends Tokens {

        /** The body once the generation has ended. */
        byte[] result();

        /** The body for a failure after the response has started: the route's error shape, its status is 200. */
        byte[] errorBody(ErrorReply reply);
    }

    private static final String CANCELLED = "cancelled";
    private static final String FAILED = "failed";

    private final Readiness readiness;
    private final Admission admission;
    private final ServingMetrics metrics;
    private final Refusals refusals;

    public GenerationRunner(Readiness readiness, Admission admission, ServingMetrics metrics, Refusals refusals) {
        this.readiness = readiness;
        this.admission = admission;
        this.metrics = metrics;
        this.refusals = refusals;
    }

    /**
     * Admits a validated request of {@code principal} and hands it to its product's engine. Everything here happens
     * before the first byte of the response, so a refusal becomes an error body of the route's shape. A request
     * refused before any work was done is counted in {@link Refusals} and leaves no usage record: the one admission
     * opened is withdrawn when the engine takes no more.
     */
    public Run start(Exchange exchange, Principal principal, CatalogEntry entry, GenerationRequest request) {
        String product = entry.product().productName();
        if (!readiness.isReady()) {
            refusals.count(principal.clientId(), product, Refusals.NOT_READY);
            throw new ApiException.Unavailable("the server is not taking requests now (" + readiness.reason()
                    + "); retry shortly or on another instance", ErrorTable.RETRY_UNAVAILABLE_SECONDS);
        }
        Ticket ticket;
        try {
            ticket = admission.admit(exchange.requestId(), principal, product, request.prompt().tokenBound(),
                    request.maxNewTokens());
        } catch (LimitExceededException e) {
            refusals.count(principal.clientId(), product, e.limit());
            throw e;
        }
        Generation generation;
        try {
            generation = entry.engine().submit(request);
        } catch (EngineOverloadedException | EngineClosedException e) {
            ticket.withdraw(e.getMessage());
            refusals.count(principal.clientId(), product,
                    e instanceof EngineOverloadedException ? Refusals.QUEUE_FULL : Refusals.ENGINE_CLOSED);
            throw e;
        } catch (RuntimeException e) {
            ticket.failed(0, "not started: " + e.getMessage());
            throw e;
        }
        return new Run(generation, entry.engine().lastTokenInFinished(), ticket, exchange,
                metrics.timer(exchange.product(), exchange.startedAt()));
    }

    /**
     * How metrics, the access log and the usage record name a generation that ended for {@code reason}, whichever
     * API served it.
     */
    static String outcome(FinishReason reason) {
        return "FINISH_REASON_" + reason.name();
    }

    /** One admitted generation, drained by the thread of the request that started it. */
    public static final class Run {

        private final Generation generation;
        private final boolean lastTokenInFinished;
        private final Ticket ticket;
        private final Exchange exchange;
        private final GenerationTimer timer;
        /** Exact for a tokenized prompt; for text, the bound admission reserved until the engine reports its count. */
        private int promptTokens;

        private Run(Generation generation, boolean lastTokenInFinished, Ticket ticket, Exchange exchange,
                    GenerationTimer timer) {
            this.generation = generation;
            this.lastTokenInFinished = lastTokenInFinished;
            this.ticket = ticket;
            this.exchange = exchange;
            this.timer = timer;
            this.promptTokens = generation.request().prompt().tokenBound();
        }

        public GenerationRequest request() {
            return generation.request();
        }

        /** Whether the generation's end carries its last token ({@link org.openmaas.engine.Engine#lastTokenInFinished}). */
        public boolean lastTokenInFinished() {
            return lastTokenInFinished;
        }

        /**
         * Streams the generation as {@code contentType}, through a writer on the response's output stream (whose
         * flushes wait while more events are queued, see {@link FlushWhenIdle}). A client that goes away ends the
         * stream quietly, and the engine stops at its next step.
         */
        public void stream(ServerResponse res, String contentType, Function<OutputStream, Writer> writerOn) {
            res.header(HeaderNames.CONTENT_TYPE, contentType);
            try (OutputStream out = new FlushWhenIdle(res.outputStream(), generation)) {
                drive(writerOn.apply(out), Heartbeat.WHEN_IDLE);
            } catch (IOException e) {
                // The client went away; drive() has told the engine to stop and settled the usage as cancelled.
            }
        }

        /**
         * Answers with the collector's whole result as JSON. The response starts at once (200) with a space, and
         * another follows every {@link #HEARTBEAT} (JSON allows leading whitespace): only a write shows that the
         * client has gone, and a client that left cancels its generation as a stream's does. So a failure after this
         * point — the engine's, the server stopping — is the collector's error body under that 200, as a stream ends
         * with an error line; failures before it (validation, admission, a full queue) keep their own status.
         */
        public void answer(ServerResponse res, Collector collector) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            try (OutputStream out = res.outputStream()) {
                byte[] body;
                try {
                    if (!drive(new WholeBody(out, collector), Heartbeat.FROM_THE_START)) {
                        throw new ApiException.Unavailable("the server is shutting down",
                                ErrorTable.RETRY_UNAVAILABLE_SECONDS);
                    }
                    body = collector.result();
                } catch (CloseConnectionException e) {
                    throw e; // The client went away, as Helidon reports it: it closes the connection, as for a stream.
                } catch (RuntimeException e) {
                    body = collector.errorBody(ErrorTable.reply(e, exchange.requestId()));
                }
                out.write(body);
            } catch (IOException e) {
                // The client went away; drive() has told the engine to stop and settled the usage as cancelled.
            }
        }

        /**
         * Hands every event to {@code writer} until the generation ends, settling its usage before the writer writes
         * the end, and a heartbeat whenever {@code heartbeat} says one is due. When the writer fails (the client went
         * away) or this thread is interrupted, the engine is told to stop at its next step rather than generate for
         * nobody, and the usage is settled as cancelled.
         *
         * @return whether the generation's end was handed to the writer (false when the thread was interrupted)
         */
        private boolean drive(Writer writer, Heartbeat heartbeat) throws IOException {
            String outcome = CANCELLED;
            int generated = 0;
            // A whole result's first heartbeat is due at once: it starts the response.
            long lastWrite = System.nanoTime() - (heartbeat == Heartbeat.FROM_THE_START ? HEARTBEAT.toNanos() : 0);
            try {
                while (outcome.equals(CANCELLED)) {
                    long due = HEARTBEAT.toNanos() - (System.nanoTime() - lastWrite);
                    GenerationEvent event = due > 0 ? generation.poll(Duration.ofNanos(due)) : null;
                    if (event == null || heartbeat == Heartbeat.WHEN_IDLE) {
                        lastWrite = System.nanoTime();
                    }
                    switch (event) {
                        case null -> writer.heartbeat();
                        case GenerationEvent.TokenGenerated token -> {
                            boolean stopped = writer.token(token);
                            timer.token(generation.queueWait());
                            ticket.progress(++generated);
                            if (stopped) {
                                generation.cancel();
                                outcome = outcome(FinishReason.STOP_SEQUENCE);
                                ticket.finished(promptTokens, generated, outcome);
                                writer.stopped(generated);
                            }
                        }
                        case GenerationEvent.Finished finished -> {
                            outcome = outcome(finished.reason());
                            promptTokens = finished.promptTokens();
                            ticket.finished(finished.promptTokens(), finished.generatedTokens(), outcome);
                            writer.finished(finished);
                            if (finished.lastToken().isPresent()) {
                                timer.token(generation.queueWait());
                                generated++;
                            }
                        }
                        case GenerationEvent.Failed failed -> {
                            outcome = FAILED;
                            ticket.failed(generated, failed.message());
                            writer.failed(failed);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ended(outcome, generated);
            }
            return !outcome.equals(CANCELLED);
        }

        /**
         * However the response ended — a failed write surfaces as several exception types — a generation that did not
         * end is cancelled (the engine frees its slot at its next step) and its usage settled exactly once.
         */
        private void ended(String outcome, int generated) {
            if (outcome.equals(CANCELLED)) {
                generation.cancel();
                ticket.cancelled(generated);
            }
            if (!ticket.isSettled()) {
                ticket.failed(generated, "the request failed on the server");
            }
            exchange.tokens(promptTokens, generated);
            exchange.outcome(outcome);
            timer.end(outcome, promptTokens, generated);
        }

        /** When a heartbeat is due. */
        private enum Heartbeat {
            /** {@link #HEARTBEAT} after the last write, a stream's tokens included. */
            WHEN_IDLE,
            /** At once, then every {@link #HEARTBEAT}: a whole result writes nothing else until it has ended. */
            FROM_THE_START
        }

        /**
         * A collector on the response it answers: a space as the heartbeat, which fails once the client has gone. A
         * failure of the generation ends the drive as an exception, which {@link #answer} answers.
         */
        private record WholeBody(OutputStream out, Collector collector) implements Writer {

            private static final byte[] SPACE = {' '};

            @Override
            public void heartbeat() throws IOException {
                out.write(SPACE);
                out.flush();
            }

            @Override
            public boolean token(GenerationEvent.TokenGenerated token) throws IOException {
                return collector.token(token);
            }

            @Override
            public void stopped(int generatedTokens) throws IOException {
                collector.stopped(generatedTokens);
            }

            @Override
            public void finished(GenerationEvent.Finished finished) throws IOException {
                collector.finished(finished);
            }

            @Override
            public void failed(GenerationEvent.Failed failed) {
                throw new GenerationFailedException(failed);
            }
        }
    }
}
