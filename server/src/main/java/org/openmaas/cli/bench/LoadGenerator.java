package org.openmaas.cli.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N clients, each streaming one generation after another through the fixed prompt set, until the request count is
 * reached or the time is up (requests already sent then finish). Bounded both ways, always.
 */
final class LoadGenerator {

    /**
     * @param duration no request starts after this much time
     */
    record Settings(int clients, int requests, Duration duration, int maxNewTokens) {
        Settings {
            if (clients < 1) throw new IllegalArgumentException("--clients must be at least 1: " + clients);
            if (requests < 1) throw new IllegalArgumentException("--requests must be at least 1: " + requests);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("--duration must be positive: " + duration);
            }
        }
    }

    /** One request: when it was sent, in nanoseconds from the start of the run, and how it went. */
    record Sample(long startNanos, MaasEndpoint.Timing timing) {
    }

    /** Everything the run measured; {@code wallNanos} runs from its start until its last request ended. */
    record Run(List<Sample> samples, long wallNanos) {
    }

    private LoadGenerator() {
    }

    static Run run(MaasEndpoint endpoint, MaasEndpoint.Product product, Settings settings) throws InterruptedException {
        AtomicInteger issued = new AtomicInteger();
        AtomicLong tokens = new AtomicLong();
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long stopIssuing = start + settings.duration().toNanos();
        try (ProgressBar ignored = new ProgressBar(System.err,
                () -> Math.max(samples.size() / (double) settings.requests(),
                        (System.nanoTime() - start) / (double) settings.duration().toNanos()),
                () -> progress(samples.size(), settings.requests(), tokens.get(), System.nanoTime() - start));
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < settings.clients(); c++) {
                clients.submit(() -> {
                    int i;
                    while ((i = issued.getAndIncrement()) < settings.requests() && System.nanoTime() < stopIssuing) {
                        long sent = System.nanoTime() - start;
                        MaasEndpoint.Timing timing = generate(endpoint, product, Prompts.get(i), settings.maxNewTokens());
                        tokens.addAndGet(timing.tokenNanos().size());
                        samples.add(new Sample(sent, timing));
                    }
                    return null;
                });
            }
        }
        List<Sample> all = new ArrayList<>(samples);
        long wall = all.stream().mapToLong(s -> s.startNanos() + s.timing().endNanos()).max().orElse(0);
        return new Run(all, wall);
    }

    private static MaasEndpoint.Timing generate(MaasEndpoint endpoint, MaasEndpoint.Product product, String prompt,
                                                int maxNewTokens) throws InterruptedException {
        try {
            return endpoint.generate(product, prompt, maxNewTokens);
        } catch (IOException e) {
            return new MaasEndpoint.Timing(List.of(), 0, 0, e.toString());
        }
    }

    private static String progress(int done, int requests, long tokens, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        return "%d/%d requests  %.0f s  %.1f tok/s".formatted(done, requests, seconds, tokens / Math.max(seconds, 1e-9));
    }
}
