package org.openmaas.cli.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * N clients, each streaming one generation after another (in a mixed load, going round a stream, a whole result, an
 * OpenAI completion and a catalog read), until the request count is reached or the time is up (requests already sent
 * then finish). Bounded both ways, always.
 *
 * <p>Client {@code c} of {@code N} sends requests {@code c, c + N, c + 2N, ...}, request {@code i} with prompt
 * {@code i} of the fixed set: the prompts in flight at any moment differ, and a prompt comes back only after the
 * whole set went round, so a request is not served from another stream's cells (see {@link Prompts}).
 *
 * <p>With a ramp-up the clients start evenly spread over it, the first at once and the last at its end. Clients that
 * all start together and ask for as many tokens keep arriving in lockstep, every prompt of a wave prefilled at the
 * same instant: a burst, not the steady load of N streams.
 */
final class LoadGenerator {

    /**
     * @param duration no request starts after this much time
     * @param rampUp   the last client starts this long after the first; requests sent before then are not measured
     */
    record Settings(int clients, int requests, Duration duration, Duration rampUp, int maxNewTokens, boolean mixed) {
        Settings {
            if (clients < 1) throw new IllegalArgumentException("--clients must be at least 1: " + clients);
            if (requests < 1) throw new IllegalArgumentException("--requests must be at least 1: " + requests);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("--duration must be positive: " + duration);
            }
            if (rampUp.isNegative() || rampUp.compareTo(duration) >= 0) {
                throw new IllegalArgumentException("--ramp-up must be at least 0 and shorter than --duration ("
                        + duration.toSeconds() + " s): " + rampUp.toMillis() / 1000.0 + " s");
            }
        }

        /** When client {@code c} sends its first request, in nanoseconds from the start of the run. */
        long startOf(int client) {
            return clients == 1 ? 0 : rampUp.toNanos() * client / (clients - 1);
        }

        /**
         * What request {@code i} is: a stream, or in a mixed load each client's next kind in turn, client {@code c}
         * starting at the {@code c}-th, so that the clients are not all sending the same kind at once.
         */
        Endpoint.Kind kindOf(int request) {
            Endpoint.Kind[] kinds = Endpoint.Kind.values();
            return mixed ? kinds[(request / clients + request % clients) % kinds.length] : Endpoint.Kind.STREAM;
        }
    }

    /**
     * One request: when it was sent, in nanoseconds from the start of the run, and how it went.
     *
     * @param measured sent once every client was running (at or after the ramp-up's end)
     */
    record Sample(long startNanos, boolean measured, Timing timing) {
    }

    /** Everything the run measured; {@code wallNanos} runs from its start until its last request ended. */
    record Run(List<Sample> samples, long wallNanos) {
    }

    private LoadGenerator() {
    }

    /**
     * @param firstPrompt the prompt of the run's request 0: a repeated run goes on through the set where the last one
     *                    stopped, so it does not find its prompts in the cells the last one left behind
     */
    static Run run(Endpoint endpoint, Settings settings, int firstPrompt)
            throws InterruptedException {
        return run(endpoint, settings, i -> Prompts.get(firstPrompt + i));
    }

    /** @param prompts the prompt of each request of the run, by its number */
    static Run run(Endpoint endpoint, Settings settings, IntFunction<String> prompts) throws InterruptedException {
        AtomicLong tokens = new AtomicLong();
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long stopIssuing = start + settings.duration().toNanos();
        long steady = settings.rampUp().toNanos();
        try (ProgressBar ignored = new ProgressBar(System.err,
                () -> Math.max(samples.size() / (double) settings.requests(),
                        (System.nanoTime() - start) / (double) settings.duration().toNanos()),
                () -> progress(samples.size(), settings.requests(), tokens.get(), System.nanoTime() - start));
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < settings.clients(); c++) {
                int client = c;
                clients.submit(() -> {
                    Thread.sleep(Duration.ofNanos(settings.startOf(client)));
                    for (int i = client; i < settings.requests() && System.nanoTime() < stopIssuing;
                         i += settings.clients()) {
                        long sent = System.nanoTime() - start;
                        Timing timing = send(endpoint, settings.kindOf(i), prompts.apply(i),
                                settings.maxNewTokens());
                        tokens.addAndGet(timing.generatedTokens());
                        samples.add(new Sample(sent, sent >= steady, timing));
                    }
                    return null;
                });
            }
        }
        List<Sample> all = new ArrayList<>(samples);
        long wall = all.stream().mapToLong(s -> s.startNanos() + s.timing().endNanos()).max().orElse(0);
        return new Run(all, wall);
    }

    private static Timing send(Endpoint endpoint, Endpoint.Kind kind, String prompt, int maxNewTokens)
            throws InterruptedException {
        try {
            return endpoint.send(kind, prompt, maxNewTokens);
        } catch (IOException e) {
            return new Timing(List.of(), 0, 0, e.toString());
        }
    }

    private static String progress(int done, int requests, long tokens, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        return "%d/%d requests  %.0f s  %.1f tok/s".formatted(done, requests, seconds, tokens / Math.max(seconds, 1e-9));
    }
}
