package org.openmaas.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.openmaas.auth.Principal;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.engine.Embedder;
import org.openmaas.engine.EngineClosedException;
import org.openmaas.engine.EngineOverloadedException;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.metering.Admission;
import org.openmaas.metering.Claim;
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
 * <p>{@link #start} is the one place a generation is admitted — and {@link #embed} an embeddings request, the same way:
 * the server is taking work, then {@link Admission} (entitlement, limits, quota; it opens the usage record), then the
 * engine's bounded queue; or, for a client with ample room left ({@link Admission#startEarly}), the engine first and
 * the admission while it works, so that the admission's transaction is not on the way to the first token. One
 * request may hold several generations (OpenAI's {@code n}). {@link Run} is the one
 * place its events are drained, streamed or collected: a heartbeat whenever the client has been sent nothing for
 * {@link #HEARTBEAT} (a client that left is only noticed by writing to it, and one that left must never keep a slot
 * busy, queued or generating), the serving metrics timed as tokens reach the client, the access log's counts, the usage
 * {@link Ticket} settled exactly once (committed with those that end beside it, milliseconds after the response's end)
 * and the generation cancelled however the route ends early.
 */
public final class GenerationRunner {

    /**
     * When the client has been sent nothing for this long, the route writes a heartbeat (within
     * {@link ChoiceEvents#WAKE_UP_EVERY} after).
     */
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

    /**
     * How a streaming route writes a request's events as they come: each choice's tokens to its {@link Tokens} (one
     * choice unless OpenAI's {@code n} asks for more), and what belongs to the whole response.
     */
    public interface Stream {

        /** Where each choice's events go, in choice order. */
        List<? extends Tokens> choices();

        /** Nothing was written for {@link #HEARTBEAT}: write something the client ignores. */
        void heartbeat() throws IOException;

        /** The engine could not go on: write the failure as the stream's last line or event. */
        void failed(GenerationEvent.Failed failed) throws IOException;
    }

    /** A stream of one choice. */
    public interface Writer extends Tokens, Stream {

        @Override
        default List<? extends Tokens> choices() {
            return List.of(this);
        }
    }

    /**
     * How a whole-result route collects a request's choices into one JSON body. The runner writes the body, and a
     * space as the heartbeat (JSON allows leading whitespace).
     */
    public interface Whole {

        /** Where each choice's events go, in choice order. */
        List<? extends Tokens> choices();

        /** The body once every choice has ended. */
        byte[] result();

        /** The body for a failure after the response has started: the route's error shape, its status is 200. */
        byte[] errorBody(ErrorReply reply);
    }

    /** A whole result of one choice. */
    public interface Collector extends Tokens, Whole {

        @Override
        default List<? extends Tokens> choices() {
            return List.of(this);
        }
    }

    private static final String CANCELLED = "cancelled";
    private static final String EMBEDDED = "embedded";
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
        return start(exchange, principal, entry, request, 1);
    }

    /**
     * Admits {@code choices} generations of one request as one, each counting against the client's concurrent
     * streams, and hands them to the engine: choice {@code i} draws from the request's seed + {@code i}, so each is an
     * independent sample that a request with that seed replays.
     */
    public Run start(Exchange exchange, Principal principal, CatalogEntry entry, GenerationRequest request,
                     int choices) {
        Claim claim = Claim.generation(request.prompt().tokenBound(), request.maxNewTokens(), choices);
        takingWork(principal, entry);
        Optional<Admission.EarlyStart> early = admission.startEarly(principal, entry.product().productName(), claim);
        if (early.isPresent()) {
            return startEarly(early.get(), exchange, principal, entry, request, choices, claim);
        }
        Ticket ticket = admit(exchange, principal, entry, claim);
        List<Generation> generations;
        try {
            generations = submit(entry, request, choices);
        } catch (EngineOverloadedException | EngineClosedException e) {
            ticket.withdraw(e.getMessage());
            throw refusedByEngine(e, principal, entry);
        } catch (RuntimeException e) {
            ticket.failed(0, "not started: " + e.getMessage());
            throw e;
        }
        return run(generations, ticket, exchange, entry);
    }

    private Run run(List<Generation> generations, Ticket ticket, Exchange exchange, CatalogEntry entry) {
        return new Run(generations, entry.engine().lastTokenInFinished(), ticket, exchange,
                metrics.timer(exchange.product(), exchange.startedAt()));
    }

    /**
     * Starts the generations, then admits the request while the engine works on them: the client has ample room
     * ({@link Admission#startEarly}), so its admission's transaction need not come before the engine's first token.
     * Nothing reaches the client before the admission: the events wait in the generations until the {@link Run}
     * drains them. A refused request's generations are cancelled, and one the engine refuses is never admitted.
     */
    private Run startEarly(Admission.EarlyStart early, Exchange exchange, Principal principal, CatalogEntry entry,
                           GenerationRequest request, int choices, Claim claim) {
        try (early) {
            List<Generation> generations;
            try {
                generations = submit(entry, request, choices);
            } catch (EngineOverloadedException | EngineClosedException e) {
                throw refusedByEngine(e, principal, entry);
            }
            Ticket ticket;
            try {
                ticket = admit(exchange, principal, entry, claim);
            } catch (RuntimeException e) {
                generations.forEach(Generation::cancel);
                throw e;
            }
            return run(generations, ticket, exchange, entry);
        }
    }

    /**
     * Hands {@code choices} generations of the request to the engine: choice {@code i} draws from the request's seed +
     * {@code i}. Should the engine refuse one, those it took are cancelled.
     */
    private static List<Generation> submit(CatalogEntry entry, GenerationRequest request, int choices) {
        List<Generation> generations = new ArrayList<>(choices);
        try {
            for (int i = 0; i < choices; i++) {
                generations.add(entry.engine().submit(i == 0 ? request
                        : request.withSeed(request.sampling().seed() + i)));
            }
            return generations;
        } catch (RuntimeException e) {
            generations.forEach(Generation::cancel);
            throw e;
        }
    }

    /**
     * Admits a validated embeddings request as a generation is admitted — its input tokens are what it reserves and is
     * charged — and waits for its vectors on the product's engine. The usage is settled as this returns.
     *
     * @param inputs token ids, each checked against the embedder's {@link Embedder#maxInputTokens()}
     */
    public List<float[]> embed(Exchange exchange, Principal principal, CatalogEntry entry, Embedder embedder,
                               List<int[]> inputs) {
        int tokens = inputs.stream().mapToInt(input -> input.length).sum();
        takingWork(principal, entry);
        Ticket ticket = admit(exchange, principal, entry, Claim.embeddings(tokens));
        exchange.tokens(tokens, 0);
        try {
            List<float[]> vectors = embedder.embed(inputs);
            ticket.finished(tokens, 0, null);
            exchange.outcome(EMBEDDED);
            return vectors;
        } catch (EngineOverloadedException | EngineClosedException e) {
            ticket.withdraw(e.getMessage());
            throw refusedByEngine(e, principal, entry);
        } catch (InterruptedException e) {
            ticket.cancelled(0);
            exchange.outcome(CANCELLED);
            Thread.currentThread().interrupt();
            throw new ApiException.Unavailable("the server is shutting down", ErrorTable.RETRY_UNAVAILABLE_SECONDS);
        } catch (RuntimeException e) {
            ticket.failed(0, e.getMessage());
            exchange.outcome(FAILED);
            throw e;
        }
    }

    /** Refuses any request while the server is not taking work (starting, stopping). */
    private void takingWork(Principal principal, CatalogEntry entry) {
        if (!readiness.isReady()) {
            refusals.count(principal.clientId(), entry.product().productName(), Refusals.NOT_READY);
            throw new ApiException.Unavailable("the server is not taking requests now (" + readiness.reason()
                    + "); retry shortly or on another instance", ErrorTable.RETRY_UNAVAILABLE_SECONDS);
        }
    }

    /** {@link Admission}: the one way to a usage record, and with it to a response. */
    private Ticket admit(Exchange exchange, Principal principal, CatalogEntry entry, Claim claim) {
        String product = entry.product().productName();
        try {
            return admission.admit(exchange.requestId(), principal, product, claim);
        } catch (LimitExceededException e) {
            refusals.count(principal.clientId(), product, e.limit());
            throw e;
        }
    }

    /** The engine took no more work (any admission is withdrawn first: a refusal is counted, not billed). */
    private RuntimeException refusedByEngine(RuntimeException e, Principal principal, CatalogEntry entry) {
        refusals.count(principal.clientId(), entry.product().productName(),
                e instanceof EngineOverloadedException ? Refusals.QUEUE_FULL : Refusals.ENGINE_CLOSED);
        return e;
    }

    /**
     * How metrics, the access log and the usage record name a generation that ended for {@code reason}, whichever
     * API served it.
     */
    static String outcome(FinishReason reason) {
        return "FINISH_REASON_" + reason.name();
    }

    /** One admitted request's generations (its choices), drained by the thread of the request that started it. */
    public static final class Run {

        private final List<Generation> generations;
        private final boolean lastTokenInFinished;
        private final Ticket ticket;
        private final Exchange exchange;
        private final GenerationTimer timer;
        /** Exact for a tokenized prompt; for text, the bound admission reserved until the engine reports its count. */
        private int promptTokens;

        private Run(List<Generation> generations, boolean lastTokenInFinished, Ticket ticket, Exchange exchange,
                    GenerationTimer timer) {
            this.generations = List.copyOf(generations);
            this.lastTokenInFinished = lastTokenInFinished;
            this.ticket = ticket;
            this.exchange = exchange;
            this.timer = timer;
            this.promptTokens = request().prompt().tokenBound();
        }

        /** The request of the first choice (the others differ only in their seed). */
        public GenerationRequest request() {
            return generations.getFirst().request();
        }

        /** Whether the generation's end carries its last token ({@link org.openmaas.engine.Engine#lastTokenInFinished}). */
        public boolean lastTokenInFinished() {
            return lastTokenInFinished;
        }

        /**
         * Streams the generations as {@code contentType}, through a writer on the response's output stream (whose
         * flushes wait while more events are queued, see {@link FlushWhenIdle}). A client that goes away ends the
         * stream quietly, and the engine stops at its next step.
         */
        public void stream(ServerResponse res, String contentType, Function<OutputStream, ? extends Stream> writerOn) {
            res.header(HeaderNames.CONTENT_TYPE, contentType);
            try (OutputStream out = new FlushWhenIdle(res.outputStream(),
                    () -> generations.stream().anyMatch(Generation::hasEvents))) {
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
        public void answer(ServerResponse res, Whole collector) {
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
         * Hands every choice's events to its {@link Tokens} until every choice has ended, settling the usage (all
         * choices' tokens, the first choice's finish reason) before the last choice's end is handed on, and a heartbeat
         * whenever {@code heartbeat} says one is due. When the writer fails (the client went away) or this thread is
         * interrupted, the engine is told to stop every choice at its next step rather than generate for nobody, and
         * the usage is settled as cancelled. A choice that fails ends the response: the others are cancelled.
         *
         * @return whether the end was handed to the writer (false when the thread was interrupted)
         */
        private boolean drive(Stream writer, Heartbeat heartbeat) throws IOException {
            List<? extends Tokens> choices = writer.choices();
            int[] generated = new int[choices.size()];
            String[] ended = new String[choices.size()]; // each choice's outcome once it has ended
            int open = choices.size();
            String outcome = CANCELLED;
            // A whole result's first heartbeat is due at once: it starts the response.
            long lastWrite = System.nanoTime() - (heartbeat == Heartbeat.FROM_THE_START ? HEARTBEAT.toNanos() : 0);
            try (ChoiceEvents events = new ChoiceEvents(generations)) {
                while (open > 0 && !outcome.equals(FAILED)) {
                    if (System.nanoTime() - lastWrite >= HEARTBEAT.toNanos()) {
                        lastWrite = System.nanoTime();
                        writer.heartbeat();
                    }
                    ChoiceEvents.Event next = events.next();
                    if (next == null) {
                        continue; // woken to see whether a heartbeat is due
                    }
                    if (heartbeat == Heartbeat.WHEN_IDLE) {
                        lastWrite = System.nanoTime();
                    }
                    int i = next.choice();
                    if (ended[i] != null) {
                        continue; // a choice its stop sequence ended: what the engine made before it noticed
                    }
                    Generation generation = generations.get(i);
                    switch (next.event()) {
                        case GenerationEvent.TokenGenerated token -> {
                            boolean stopped = choices.get(i).token(token);
                            timer.token(generation.queueWait());
                            generated[i]++;
                            ticket.progress(sum(generated));
                            if (stopped) {
                                generation.cancel();
                                ended[i] = outcome(FinishReason.STOP_SEQUENCE);
                                outcome = settleWhenLast(--open, ended, generated);
                                choices.get(i).stopped(generated[i]);
                            }
                        }
                        case GenerationEvent.Finished finished -> {
                            ended[i] = outcome(finished.reason());
                            promptTokens = finished.promptTokens();
                            generated[i] = finished.generatedTokens();
                            outcome = settleWhenLast(--open, ended, generated);
                            choices.get(i).finished(finished);
                            if (finished.lastToken().isPresent()) {
                                timer.token(generation.queueWait());
                            }
                        }
                        case GenerationEvent.Failed failed -> {
                            outcome = FAILED;
                            ticket.failed(sum(generated), failed.message());
                            writer.failed(failed);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ended(outcome, sum(generated));
            }
            return !outcome.equals(CANCELLED);
        }

        /**
         * Settles the usage once no choice is open ({@code open} 0), as the last one's end is written; the
         * outcome until then is still {@link #CANCELLED}, which is what a response cut short now would be.
         */
        private String settleWhenLast(int open, String[] ended, int[] generated) {
            if (open > 0) {
                return CANCELLED;
            }
            ticket.finished(promptTokens, sum(generated), ended[0]);
            return ended[0];
        }

        private static int sum(int[] counts) {
            int sum = 0;
            for (int count : counts) {
                sum += count;
            }
            return sum;
        }

        /**
         * However the response ended — a failed write surfaces as several exception types — the generations that did
         * not end are cancelled (the engine frees their slots at its next step) and the usage settled exactly once.
         */
        private void ended(String outcome, int generated) {
            if (outcome.equals(CANCELLED) || outcome.equals(FAILED)) {
                generations.forEach(Generation::cancel);
            }
            if (outcome.equals(CANCELLED)) {
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
        private record WholeBody(OutputStream out, Whole collector) implements Stream {

            private static final byte[] SPACE = {' '};

            @Override
            public List<? extends Tokens> choices() {
                return collector.choices();
            }

            @Override
            public void heartbeat() throws IOException {
                out.write(SPACE);
                out.flush();
            }

            @Override
            public void failed(GenerationEvent.Failed failed) {
                throw new GenerationFailedException(failed);
            }
        }
    }
}
