package org.openmaas.engine.remote;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openmaas.engine.EndpointStatus;
import org.openmaas.engine.Engine;
import org.openmaas.engine.EngineClosedException;
import org.openmaas.engine.EngineLoad;
import org.openmaas.engine.EngineOverloadedException;
import org.openmaas.engine.FairQueue;
import org.openmaas.engine.FinishReason;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationEvent;
import org.openmaas.engine.GenerationRequest;
import org.openmaas.engine.OutputConstraint;
import org.openmaas.engine.ModelInfo;
import org.openmaas.engine.Prompt;
import org.openmaas.engine.Token;
import org.openmaas.engine.Tokenizer;
import org.openmaas.engine.ToolCall;
import org.openmaas.engine.ToolCalling;
import org.openmaas.engine.UnsupportedParameterException;

/**
 * A product served by a pool of upstream endpoints that all speak one {@link Upstream} protocol.
 *
 * <p>Each generation is one job: it runs as one attempt at a time on one endpoint, chosen by least outstanding
 * requests among the endpoints that take work, preferring the endpoint that last served the prompt's prefix while that
 * one is not much busier. An endpoint takes at most {@code maxConcurrent} attempts; beyond that jobs wait in a bounded
 * queue (round-robin across accounts), and beyond that {@link #submit} refuses. An attempt that fails before its first token is retried on another
 * endpoint; one that fails after k tokens is continued on another endpoint from those k tokens, so the caller sees one
 * stream and one {@link GenerationEvent.Finished}. An endpoint is taken out after consecutive failures (passive
 * ejection) and gets one trial attempt once its ejection ends (half-open); a 429 rests it for its Retry-After; a failed
 * health check takes it out until one succeeds.
 *
 * <p>All state is guarded by this engine's monitor; upstream calls ({@link Upstream#start}, {@link Upstream.Attempt#cancel})
 * are made outside it, since an upstream may report to its listener before {@code start} returns.
 */
public final class RemoteEngine implements Engine {

    private static final Logger LOG = Logger.getLogger(RemoteEngine.class.getName());

    /**
     * How long {@link #submit} waits for an attempt that started at once to send its request: a connection and a
     * write, within a data centre well under this; past it the caller goes on and the attempt still sends.
     */
    static final Duration SENT_WAIT = Duration.ofMillis(10);

    /**
     * How the pool behaves.
     *
     * @param maxConcurrent      attempts one endpoint streams at once
     * @param maxQueued          jobs that may wait for an endpoint before {@link #submit} refuses
     * @param ejectAfterFailures consecutive failed attempts that take an endpoint out
     * @param ejection           how long an ejected endpoint gets no work before its trial attempt
     * @param probeInterval      time between health checks of every endpoint
     * @param affinityBlock      the shortest shared prompt prefix, in tokens, that routes to the same endpoint
     * @param affinitySlack      how many more attempts than the least busy endpoint the prefix's endpoint may have
     *                           and still be preferred
     */
    public record Settings(int maxConcurrent, int maxQueued, int ejectAfterFailures, Duration ejection,
                           Duration probeInterval, int affinityBlock, int affinitySlack) {
        public Settings {
            if (maxConcurrent < 1) throw new IllegalArgumentException("maxConcurrent must be >= 1: " + maxConcurrent);
            if (maxQueued < 1) throw new IllegalArgumentException("maxQueued must be >= 1: " + maxQueued);
            if (ejectAfterFailures < 1) {
                throw new IllegalArgumentException("ejectAfterFailures must be >= 1: " + ejectAfterFailures);
            }
            if (ejection.isNegative() || probeInterval.isNegative() || probeInterval.isZero()) {
                throw new IllegalArgumentException("ejection must be >= 0 and probeInterval > 0");
            }
            if (affinitySlack < 0) throw new IllegalArgumentException("affinitySlack must be >= 0: " + affinitySlack);
        }

        /**
         * The defaults for a product: three failures in a row eject for ten seconds, endpoints are checked every five,
         * and a shared prefix of 64 tokens or more keeps its endpoint while that has at most two more streams.
         */
        public static Settings of(int maxConcurrent, int maxQueued) {
            return new Settings(maxConcurrent, maxQueued, 3, Duration.ofSeconds(10), Duration.ofSeconds(5), 64, 2);
        }
    }

    private final String product;
    private final ModelInfo model;
    private final Upstream upstream;
    private final Settings settings;
    private final Clock clock;
    private final List<Endpoint> endpoints;
    /** New jobs waiting for an endpoint: round-robin across accounts, as the embedded engine's slots are. */
    private final FairQueue waiting;
    private final Map<Generation, Job> waitingJobs = new HashMap<>();
    /** Jobs whose attempt failed, waiting to go on elsewhere: they go before any new job, admitted after them. */
    private final ArrayDeque<Job> retrying = new ArrayDeque<>();
    private final Set<Job> running = new LinkedHashSet<>();
    private final PrefixAffinity affinity;
    private ScheduledExecutorService healthChecks;
    private long dispatches;
    private boolean closed;

    /** A pool without periodic health checks: {@link #checkHealth()} runs one round when called. */
    RemoteEngine(String product, ModelInfo model, List<URI> endpoints, Upstream upstream, Settings settings,
                 Clock clock) {
        this.product = Objects.requireNonNull(product, "product");
        this.model = Objects.requireNonNull(model, "model");
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (endpoints.isEmpty()) throw new IllegalArgumentException("a pool needs at least one endpoint");
        this.endpoints = endpoints.stream().map(Endpoint::new).toList();
        this.affinity = new PrefixAffinity(settings.affinityBlock());
        this.waiting = new FairQueue(settings.maxQueued());
    }

    /** Starts a pool whose endpoints are health-checked every {@link Settings#probeInterval()} on a daemon thread. */
    public static RemoteEngine start(String product, ModelInfo model, List<URI> endpoints, Upstream upstream,
                                     Settings settings) {
        RemoteEngine engine = new RemoteEngine(product, model, endpoints, upstream, settings, Clock.systemUTC());
        engine.healthChecks = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("health-" + product).factory());
        engine.healthChecks.scheduleWithFixedDelay(engine::checkHealth, 0, settings.probeInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        return engine;
    }

    @Override
    public ModelInfo model() {
        return model;
    }

    /**
     * The upstream's end arrives after its last token: each token goes to the caller as it arrives, and
     * {@link GenerationEvent.Finished} carries none.
     */
    @Override
    public boolean lastTokenInFinished() {
        return false;
    }

    /** The upstream tokenizes: validation hands this engine the client's text or conversation. */
    @Override
    public Optional<Tokenizer> tokenizer() {
        return Optional.empty();
    }

    /** As the upstream's protocol takes tools, asking its endpoints in the catalog's order where it must. */
    @Override
    public ToolCalling toolCalling(Prompt.Chat chat) {
        return upstream.toolCalling(endpoints.stream().map(e -> e.uri).toList());
    }

    /**
     * Refuses what the upstream cannot honour, and {@code reproducible} on every protocol: batch-invariant decoding is
     * the embedded engine's (a context of its own per request), which no upstream protocol can ask for.
     */
    @Override
    public void requireSupported(GenerationRequest request) {
        if (request.reproducible()) {
            throw new UnsupportedParameterException("reproducible", "reproducible is not supported by this product's"
                    + " engine (an engine elsewhere decodes requests beside each other); send it only to products"
                    + " this server loads");
        }
        upstream.requireSupported(request);
    }

    /**
     * Queues a generation and, when an endpoint takes it at once, returns once its request is on its way to the
     * upstream (at most {@link #SENT_WAIT}). The attempt sends it from a thread of its own, and what the caller does
     * next (the request's admission, a database transaction, when the route starts the engine first) would take the
     * CPU that thread needs while the upstream's slot stands idle: under {@code bench gateway} (8 streams, the gateway
     * on one CPU) the slot stood idle 4.7-4.8 ms longer between requests than without the gateway, 5.6-9.6 ms before.
     */
    @Override
    public Generation submit(GenerationRequest request) {
        Generation generation = new Generation(request);
        Job job = new Job(generation, affinity.keys(request.prompt()));
        List<Launch> launches;
        synchronized (this) {
            if (closed) {
                throw new EngineClosedException("the engine for " + product + " is shut down");
            }
            if (!waiting.offer(generation)) {
                throw new EngineOverloadedException(settings.maxQueued());
            }
            waitingJobs.put(generation, job);
            launches = dispatch();
        }
        generation.onCancel(() -> cancel(job));
        launch(launches);
        Upstream.Attempt started;
        synchronized (this) {
            started = job.attempt;
        }
        if (started != null) {
            started.awaitSent(SENT_WAIT);
        }
        return generation;
    }

    @Override
    public synchronized EngineLoad load() {
        int active = endpoints.stream().mapToInt(e -> e.inFlight).sum();
        return new EngineLoad(active, waiting.size() + retrying.size(), settings.maxConcurrent() * endpoints.size());
    }

    @Override
    public synchronized List<EndpointStatus> endpoints() {
        Instant now = clock.instant();
        return endpoints.stream().map(e -> new EndpointStatus(e.uri, e.state(now), e.inFlight,
                settings.maxConcurrent(), e.attempts, e.errors,
                e.timeToFirstTokenNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(e.timeToFirstTokenNanos)),
                Optional.ofNullable(e.lastError))).toList();
    }

    /**
     * One round of health checks: each endpoint is probed, outside the lock; one that fails is taken out until one
     * succeeds. Then work waiting for an endpoint that has come back (or whose rest or ejection has ended) starts.
     */
    void checkHealth() {
        for (Endpoint endpoint : endpoints) {
            String failure = null;
            try {
                upstream.probe(endpoint.uri);
            } catch (UpstreamException e) {
                failure = e.failure().message();
            } catch (RuntimeException e) {
                failure = "health check failed: " + e;
            }
            synchronized (this) {
                if (failure != null && !endpoint.down) {
                    LOG.warning(product + ": endpoint " + endpoint.uri + " failed its health check: " + failure);
                } else if (failure == null && endpoint.down) {
                    LOG.info(product + ": endpoint " + endpoint.uri + " passed its health check again");
                }
                endpoint.down = failure != null;
                if (failure != null) {
                    endpoint.lastError = failure;
                }
            }
        }
        List<Launch> launches;
        synchronized (this) {
            launches = dispatch();
        }
        launch(launches);
    }

    /** Stops health checks, fails every waiting and running generation as stopping, and cancels their attempts. */
    @Override
    public void close() {
        List<Upstream.Attempt> attempts = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            List<Job> jobs = new ArrayList<>(retrying);
            waiting.drain().forEach(g -> jobs.add(waitingJobs.get(g)));
            jobs.addAll(running);
            retrying.clear();
            waitingJobs.clear();
            for (Job job : jobs) {
                if (job.attempt != null) {
                    attempts.add(job.attempt);
                }
                end(job, new GenerationEvent.Failed(GenerationEvent.Failed.Cause.STOPPING, "the server is shutting down"));
            }
        }
        if (healthChecks != null) {
            healthChecks.shutdownNow();
        }
        attempts.forEach(Upstream.Attempt::cancel);
    }

    // ---- scheduling, under the monitor ----

    /**
     * Starts waiting jobs on endpoints with room, retries first; fails those that no endpoint can take now at all (every
     * endpoint down, ejected or resting, or, for a retry, failed already).
     */
    private List<Launch> dispatch() {
        List<Launch> launches = new ArrayList<>();
        if (closed) {
            return launches;
        }
        Instant now = clock.instant();
        for (Iterator<Job> it = retrying.iterator(); it.hasNext(); ) {
            Job job = it.next();
            Optional<Endpoint> endpoint = pick(job);
            if (endpoint.isPresent()) {
                it.remove();
                launches.add(assign(job, endpoint.get()));
            } else if (!usable(job, now)) {
                it.remove();
                end(job, unavailable(job, now));
            }
        }
        for (Generation next = waiting.pollNext(g -> pick(waitingJobs.get(g)).isPresent()); next != null;
             next = waiting.pollNext(g -> pick(waitingJobs.get(g)).isPresent())) {
            Job job = waitingJobs.remove(next);
            launches.add(assign(job, pick(job).orElseThrow()));
        }
        if (endpoints.stream().noneMatch(e -> e.willTakeWork(now))) {
            waiting.drain().forEach(g -> {
                Job job = waitingJobs.remove(g);
                end(job, unavailable(job, now));
            });
        }
        return launches;
    }

    /** Whether some endpoint the job has not failed on takes work now, though perhaps full. */
    private boolean usable(Job job, Instant now) {
        return endpoints.stream().anyMatch(e -> !job.failedOn.contains(e) && e.willTakeWork(now));
    }

    private GenerationEvent.Failed unavailable(Job job, Instant now) {
        return new GenerationEvent.Failed(GenerationEvent.Failed.Cause.UNAVAILABLE, "no endpoint of " + product
                + " can serve now" + (job.lastFailure == null ? " (" + unavailability(now) + ")"
                : "; the last one failed: " + job.lastFailure));
    }

    /**
     * The endpoint for a job: the least busy that takes work (ties go to the one chosen longest ago), unless the
     * prompt's prefix was last served by one that takes work and is at most {@code affinitySlack} busier.
     */
    private Optional<Endpoint> pick(Job job) {
        Instant now = clock.instant();
        Endpoint best = null;
        for (Endpoint e : endpoints) {
            if (!job.failedOn.contains(e) && e.hasRoom(now, settings.maxConcurrent())
                    && (best == null || e.inFlight < best.inFlight
                    || e.inFlight == best.inFlight && e.lastChosen < best.lastChosen)) {
                best = e;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int least = best.inFlight;
        return Optional.of(affinity.endpointFor(job.prefixKeys).map(endpoints::get)
                .filter(e -> !job.failedOn.contains(e) && e.hasRoom(now, settings.maxConcurrent())
                        && e.inFlight <= least + settings.affinitySlack())
                .orElse(best));
    }

    private Launch assign(Job job, Endpoint endpoint) {
        endpoint.inFlight++;
        endpoint.attempts++;
        endpoint.lastChosen = ++dispatches;
        if (endpoint.ejectedUntil != null) {
            endpoint.trialInFlight = true;
        }
        affinity.served(job.prefixKeys, endpoints.indexOf(endpoint));
        if (job.generation.admittedAtNanos() == 0) {
            job.generation.markAdmitted();
        }
        running.add(job);
        job.endpoint = endpoint;
        job.attemptNumber++;
        job.attemptStartedAt = System.nanoTime();
        job.generatedBefore = job.accepted.size();
        AttemptRequest request = new AttemptRequest(job.generation.request(), job.accepted);
        return new Launch(job, job.attemptNumber, endpoint.uri, request);
    }

    private String unavailability(Instant now) {
        return endpoints.stream().map(e -> e.uri + " is " + e.state(now).label()).reduce((a, b) -> a + ", " + b)
                .orElseThrow();
    }

    /** Publishes a job's last event and frees it. */
    private void end(Job job, GenerationEvent last) {
        job.done = true;
        running.remove(job);
        job.attempt = null;
        job.generation.publish(last);
    }

    /** The endpoint's share of an attempt that ended (or was cancelled). */
    private void release(Job job) {
        Endpoint endpoint = job.endpoint;
        endpoint.inFlight--;
        endpoint.trialInFlight = false;
        job.endpoint = null;
    }

    // ---- upstream calls, outside the monitor ----

    private void launch(List<Launch> launches) {
        for (Launch launch : launches) {
            Upstream.Attempt attempt;
            try {
                attempt = upstream.start(launch.endpoint(), launch.request(), new Listener(launch.job(),
                        launch.attemptNumber()));
            } catch (RuntimeException e) {
                // A defect of the adapter, not of the endpoint: the job fails rather than hopping endpoints.
                LOG.log(Level.SEVERE, product + ": the upstream request could not be made", e);
                abort(launch.job(), launch.attemptNumber(), "the upstream request could not be made: " + e);
                continue;
            }
            boolean current;
            synchronized (this) {
                Job job = launch.job();
                current = !job.done && job.attemptNumber == launch.attemptNumber() && job.endpoint != null;
                if (current) {
                    job.attempt = attempt;
                }
            }
            if (!current) {
                attempt.cancel(); // cancelled (or closed) while it started; cancelling an ended attempt is harmless
            }
        }
    }

    private void cancel(Job job) {
        Upstream.Attempt attempt;
        List<Launch> launches;
        synchronized (this) {
            if (job.done) {
                return;
            }
            job.done = true;
            if (waitingJobs.remove(job.generation) != null) {
                waiting.remove(job.generation);
            }
            retrying.remove(job);
            running.remove(job);
            attempt = job.attempt;
            job.attempt = null;
            if (job.endpoint != null) {
                release(job);
            }
            launches = dispatch();
        }
        if (attempt != null) {
            attempt.cancel();
        }
        launch(launches);
    }

    private void abort(Job job, int attemptNumber, String message) {
        List<Launch> launches;
        synchronized (this) {
            if (job.done || job.attemptNumber != attemptNumber) {
                return;
            }
            release(job);
            end(job, new GenerationEvent.Failed(GenerationEvent.Failed.Cause.INTERNAL, message));
            launches = dispatch();
        }
        launch(launches);
    }

    private void token(Job job, int attemptNumber, GenerationEvent.TokenGenerated token) {
        synchronized (this) {
            if (job.done || job.attemptNumber != attemptNumber) {
                return;
            }
            if (job.accepted.size() == job.generatedBefore) {
                Endpoint endpoint = job.endpoint;
                long ttft = System.nanoTime() - job.attemptStartedAt;
                endpoint.timeToFirstTokenNanos = endpoint.timeToFirstTokenNanos < 0 ? ttft
                        : (endpoint.timeToFirstTokenNanos * 7 + ttft) / 8;
            }
            job.generation.publish(token);
            job.accepted.add(token.token());
            if (!token.token().special()) {
                job.text.append(token.token().text());
            }
        }
    }

    private void finished(Job job, int attemptNumber, FinishReason reason, int promptTokens, int generatedTokens,
                          List<ToolCall> toolCalls) {
        List<Launch> launches;
        synchronized (this) {
            if (job.done || job.attemptNumber != attemptNumber) {
                return;
            }
            Endpoint endpoint = job.endpoint;
            release(job);
            endpoint.consecutiveFailures = 0;
            endpoint.ejectedUntil = null;
            if (job.accepted.isEmpty() && toolCalls.isEmpty()) {
                end(job, new GenerationEvent.Failed(GenerationEvent.Failed.Cause.INTERNAL, "the upstream " + endpoint.uri
                        + " ended the generation without a token"));
            } else {
                GenerationRequest request = job.generation.request();
                // A continuation's upstream counted the tokens resent to it as prompt.
                int prompt = Math.max(0, promptTokens - job.generatedBefore);
                end(job, new GenerationEvent.Finished(Optional.empty(), reason, prompt,
                        job.generatedBefore + generatedTokens, job.text.toString(), seed(request), toolCalls));
            }
            launches = dispatch();
        }
        launch(launches);
    }

    private void failed(Job job, int attemptNumber, UpstreamFailure failure) {
        List<Launch> launches;
        synchronized (this) {
            if (job.done || job.attemptNumber != attemptNumber) {
                return;
            }
            Endpoint endpoint = job.endpoint;
            release(job);
            job.attempt = null;
            job.lastFailure = endpoint.uri + ": " + failure.message();
            endpoint.lastError = failure.message();
            if (!(failure instanceof UpstreamFailure.Rejected)) {
                endpoint.errors++;
                job.failedOn.add(endpoint);
            }
            Instant now = clock.instant();
            switch (failure) {
                case UpstreamFailure.Busy busy when busy.status() == 429 ->
                        busy.retryAfter().ifPresent(wait -> endpoint.restUntil = now.plus(wait));
                case UpstreamFailure.Rejected rejected -> { }
                default -> {
                    if (++endpoint.consecutiveFailures >= settings.ejectAfterFailures() || endpoint.ejectedUntil != null) {
                        if (endpoint.ejectedUntil == null) {
                            LOG.warning(product + ": endpoint " + endpoint.uri + " ejected after "
                                    + endpoint.consecutiveFailures + " failures in a row: " + failure.message());
                        }
                        endpoint.ejectedUntil = now.plus(settings.ejection());
                    }
                }
            }
            if (failure instanceof UpstreamFailure.Rejected rejected) {
                end(job, new GenerationEvent.Failed(GenerationEvent.Failed.Cause.REJECTED, "the upstream of " + product
                        + " refused the request (" + rejected.status() + "): " + rejected.message()));
            } else if (job.accepted.size() >= job.generation.request().maxNewTokens()) {
                // Every token is in; only the upstream's end was lost. Its counts are the resent ones'.
                GenerationRequest request = job.generation.request();
                end(job, new GenerationEvent.Finished(Optional.empty(), FinishReason.LENGTH, request.prompt().tokenBound(),
                        job.accepted.size(), job.text.toString(), seed(request)));
            } else if (!job.accepted.isEmpty() && !continuable(job.generation.request())) {
                end(job, new GenerationEvent.Failed(GenerationEvent.Failed.Cause.UNAVAILABLE, "the upstream of "
                        + product + " failed after " + job.accepted.size() + " tokens of a constrained generation or "
                        + "one whose calls the upstream reads, which cannot be continued on another endpoint: "
                        + failure.message()));
            } else {
                running.remove(job);
                retrying.addLast(job);
            }
            launches = dispatch();
        }
        launch(launches);
    }

    /**
     * Whether a generation that failed after some tokens can go on elsewhere: not under a constraint (a continuation's
     * grammar would start over on text that is already half a document), and not with tools on an upstream that
     * continues from text (it reads the calls itself, and a call it was streaming is lost with the attempt).
     */
    private boolean continuable(GenerationRequest request) {
        boolean tools = request.prompt() instanceof Prompt.Chat chat && !chat.tools().isEmpty();
        return request.constraint() instanceof OutputConstraint.None
                && (upstream.continuesFromTokenIds() || !tools);
    }

    private static OptionalLong seed(GenerationRequest request) {
        return request.sampling().sample() ? OptionalLong.of(request.sampling().seed()) : OptionalLong.empty();
    }

    // ---- state ----

    /** One generation's progress across its attempts. */
    private static final class Job {
        final Generation generation;
        final List<Long> prefixKeys;
        /** Tokens the upstreams generated so far, all sent to the caller. */
        final List<Token> accepted = new ArrayList<>();
        final StringBuilder text = new StringBuilder();
        /** Endpoints an attempt of this job failed on: not tried again for it. */
        final Set<Endpoint> failedOn = new HashSet<>();
        int attemptNumber;
        int generatedBefore;
        long attemptStartedAt;
        Endpoint endpoint;
        Upstream.Attempt attempt;
        String lastFailure;
        boolean done;

        Job(Generation generation, List<Long> prefixKeys) {
            this.generation = generation;
            this.prefixKeys = prefixKeys;
        }
    }

    /** One endpoint's health and load. */
    private static final class Endpoint {
        final URI uri;
        int inFlight;
        long attempts;
        long errors;
        long lastChosen;
        int consecutiveFailures;
        /** Set while passively ejected, and after the ejection ended until its trial attempt succeeds. */
        Instant ejectedUntil;
        boolean trialInFlight;
        Instant restUntil;
        boolean down;
        long timeToFirstTokenNanos = -1;
        String lastError;

        Endpoint(URI uri) {
            this.uri = uri;
        }

        EndpointStatus.State state(Instant now) {
            if (down) return EndpointStatus.State.DOWN;
            if (ejectedUntil != null) {
                return now.isBefore(ejectedUntil) ? EndpointStatus.State.EJECTED : EndpointStatus.State.HALF_OPEN;
            }
            if (restUntil != null && now.isBefore(restUntil)) return EndpointStatus.State.RESTING;
            return EndpointStatus.State.HEALTHY;
        }

        /** Whether it takes work at all now, full or not. */
        boolean willTakeWork(Instant now) {
            EndpointStatus.State state = state(now);
            return state == EndpointStatus.State.HEALTHY || state == EndpointStatus.State.HALF_OPEN;
        }

        boolean hasRoom(Instant now, int maxConcurrent) {
            return switch (state(now)) {
                case HEALTHY -> inFlight < maxConcurrent;
                case HALF_OPEN -> !trialInFlight && inFlight == 0;
                case EJECTED, RESTING, DOWN -> false;
            };
        }
    }

    private record Launch(Job job, int attemptNumber, URI endpoint, AttemptRequest request) {
    }

    /** Hears one attempt of one job; an attempt that is no longer the job's current one is ignored. */
    private final class Listener implements UpstreamListener {
        private final Job job;
        private final int attemptNumber;

        Listener(Job job, int attemptNumber) {
            this.job = job;
            this.attemptNumber = attemptNumber;
        }

        @Override
        public void token(GenerationEvent.TokenGenerated token) {
            RemoteEngine.this.token(job, attemptNumber, token);
        }

        @Override
        public void finished(FinishReason reason, int promptTokens, int generatedTokens, List<ToolCall> toolCalls) {
            RemoteEngine.this.finished(job, attemptNumber, reason, promptTokens, generatedTokens, toolCalls);
        }

        @Override
        public void failed(UpstreamFailure failure) {
            RemoteEngine.this.failed(job, attemptNumber, failure);
        }
    }
}
