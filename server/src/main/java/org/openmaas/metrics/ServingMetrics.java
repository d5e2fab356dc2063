package org.openmaas.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.engine.EndpointStatus;
import org.openmaas.engine.Engine;

/**
 * Serving metrics in Prometheus format, each labelled by product: time to first token, inter-token latency,
 * end-to-end latency and queue wait (histograms), prompt and generated tokens, finished requests and refused ones
 * ({@link Refusals}) (counters), queue depth and active sequences (gauges), and the prefix cache's lookups, hits and
 * reused prompt tokens (counters), and for an engine elsewhere each endpoint's state, in-flight generations, time to
 * first token, attempts and errors; the engines' meters are read from them when scraped.
 */
public final class ServingMetrics {

    static final String PRODUCT = "product";
    static final String ENDPOINT = "endpoint";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Catalog catalog;

    public ServingMetrics(Catalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Times one generation request of {@code product} that arrived at {@code startedAt} ({@link System#nanoTime()});
     * the request's own thread uses the result.
     */
    public GenerationTimer timer(String product, long startedAt) {
        return new GenerationTimer(this, product, startedAt);
    }

    /**
     * What this instance has served since it started, over every product: finished requests (however they ended),
     * their prompt tokens and the tokens streamed. A rate is the difference of two summaries over their interval.
     */
    public record Summary(long requests, long promptTokens, long generatedTokens) {
    }

    public Summary summary() {
        return new Summary(total("maas.requests"), total("maas.prompt.tokens"), total("maas.generated.tokens"));
    }

    private long total(String counter) {
        return Math.round(registry.find(counter).counters().stream().mapToDouble(Counter::count).sum());
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        catalog.entries().forEach(this::registerEngineMeters);
        return registry.scrape();
    }

    // Registering is idempotent: the registry hands back the existing meter for the same name and product.
    private void registerEngineMeters(CatalogEntry entry) {
        String product = entry.product().productName();
        Engine engine = entry.engine();
        Gauge.builder("maas.queue.depth", engine, e -> e.load().queued())
                .description("Requests waiting for a slot").tag(PRODUCT, product).register(registry);
        Gauge.builder("maas.active.sequences", engine, e -> e.load().active())
                .description("Sequences being decoded").tag(PRODUCT, product).register(registry);
        FunctionCounter.builder("maas.prefix.cache.lookups", engine, e -> e.stats().prefixCacheLookups())
                .description("Requests whose prompt was looked up in the prefix cache").tag(PRODUCT, product)
                .register(registry);
        FunctionCounter.builder("maas.prefix.cache.hits", engine, e -> e.stats().prefixCacheHits())
                .description("Requests that reused KV cells another request left").tag(PRODUCT, product)
                .register(registry);
        FunctionCounter.builder("maas.prompt.tokens.reused", engine, e -> e.stats().reusedPromptTokens())
                .description("Prompt tokens whose KV cells were reused instead of computed").tag(PRODUCT, product)
                .register(registry);
        engine.endpoints().forEach(endpoint -> registerEndpointMeters(product, engine, endpoint.endpoint()));
    }

    /** An engine elsewhere: each endpoint's state (one series per state, 1 for the current one), load and errors. */
    private void registerEndpointMeters(String product, Engine engine, URI endpoint) {
        String uri = endpoint.toString();
        for (EndpointStatus.State state : EndpointStatus.State.values()) {
            Gauge.builder("maas.upstream.state", engine, e -> status(e, endpoint).state() == state ? 1 : 0)
                    .description("1 for the endpoint's current state").tag(PRODUCT, product).tag(ENDPOINT, uri)
                    .tag("state", state.label()).register(registry);
        }
        Gauge.builder("maas.upstream.in.flight", engine, e -> status(e, endpoint).inFlight())
                .description("Generations streaming from the endpoint").tag(PRODUCT, product).tag(ENDPOINT, uri)
                .register(registry);
        Gauge.builder("maas.upstream.time.to.first.token.seconds", engine, e -> status(e, endpoint).timeToFirstToken()
                        .map(d -> d.toNanos() / 1e9).orElse(Double.NaN))
                .description("Moving average of the endpoint's time to first token").tag(PRODUCT, product)
                .tag(ENDPOINT, uri).register(registry);
        FunctionCounter.builder("maas.upstream.attempts", engine, e -> status(e, endpoint).attempts())
                .description("Attempts started on the endpoint").tag(PRODUCT, product).tag(ENDPOINT, uri)
                .register(registry);
        FunctionCounter.builder("maas.upstream.errors", engine, e -> status(e, endpoint).errors())
                .description("Attempts on the endpoint that failed").tag(PRODUCT, product).tag(ENDPOINT, uri)
                .register(registry);
    }

    private static EndpointStatus status(Engine engine, URI endpoint) {
        return engine.endpoints().stream().filter(s -> s.endpoint().equals(endpoint)).findFirst().orElseThrow();
    }

    Timer timeToFirstToken(String product) {
        return latency("maas.time.to.first.token", "From request arrival to its first token", product,
                Duration.ofMillis(1), Duration.ofSeconds(60));
    }

    Timer interTokenLatency(String product) {
        return latency("maas.inter.token.latency", "Between consecutive tokens of one stream", product,
                Duration.ofNanos(100_000), Duration.ofSeconds(10));
    }

    Timer requestDuration(String product) {
        return latency("maas.request.duration", "From request arrival to its last token", product,
                Duration.ofMillis(10), Duration.ofMinutes(10));
    }

    Timer queueWait(String product) {
        return latency("maas.queue.wait", "Time a request waited for an engine slot", product,
                Duration.ofNanos(100_000), Duration.ofMinutes(5));
    }

    Counter promptTokens(String product) {
        return Counter.builder("maas.prompt.tokens").description("Prompt tokens of finished requests")
                .tag(PRODUCT, product).register(registry);
    }

    Counter generatedTokens(String product) {
        return Counter.builder("maas.generated.tokens").description("Generated tokens streamed to clients")
                .tag(PRODUCT, product).register(registry);
    }

    Counter requests(String product, String outcome) {
        return Counter.builder("maas.requests").description("Generation requests by how they ended")
                .tag(PRODUCT, product).tag("outcome", outcome).register(registry);
    }

    Counter refusedRequests(String product, String reason) {
        return Counter.builder("maas.refused.requests")
                .description("Generation requests refused before any work was done, by reason")
                .tag(PRODUCT, product).tag("reason", reason).register(registry);
    }

    private Timer latency(String name, String description, String product, Duration min, Duration max) {
        return Timer.builder(name).description(description).tag(PRODUCT, product)
                .publishPercentileHistogram().minimumExpectedValue(min).maximumExpectedValue(max)
                .register(registry);
    }
}
