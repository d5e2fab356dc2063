package org.openmaas.server;

/**
 * How many carrier threads run the server's virtual threads: one per CPU, as the JDK would have it, but at least
 * {@link #MINIMUM}.
 *
 * <p>Given one CPU (a container's limit, a {@code taskset}), the JDK runs every virtual thread on one carrier, first
 * come first served, each until it blocks. A gateway's upstream request then leaves only once the requests that came
 * with it have been parsed and admitted, and the upstream's slot stands idle meanwhile: under {@code bench gateway}
 * (8 streams, the gateway on one CPU) an attempt's thread waited 4–6 ms to start, 1.3–1.4 ms with four carriers,
 * which the OS interleaves in short time slices (docs/BENCHMARKS.md has the runs).
 */
public final class VirtualThreadCarriers {

    /** The JDK's setting, read once when the first virtual thread starts. */
    static final String PROPERTY = "jdk.virtualThreadScheduler.parallelism";

    static final int MINIMUM = 4;

    private VirtualThreadCarriers() {
    }

    /**
     * Sets the JDK's carrier count for this process unless it was given ({@code -Djdk.virtualThreadScheduler
     * .parallelism=N} in {@code MAAS_JAVA_OPTS} wins). Call it before any virtual thread starts: later it changes
     * nothing.
     */
    public static void configure() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, Integer.toString(carriers(Runtime.getRuntime().availableProcessors())));
        }
    }

    /** The carriers for {@code cpus} available CPUs. */
    static int carriers(int cpus) {
        return Math.max(MINIMUM, cpus);
    }
}
