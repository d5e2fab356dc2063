package org.openmaas.cli.bench;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A one-line progress bar redrawn on a terminal's stderr a few times a second while a benchmark runs; silent when
 * stderr is not a terminal (a pipe or a CI log would fill with carriage returns).
 */
final class ProgressBar implements AutoCloseable {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final ScheduledExecutorService ticker;

    /**
     * @param done   completed work as a fraction of the whole, 0 to 1
     * @param status what to show after the bar
     */
    ProgressBar(PrintStream out, Supplier<Double> done, Supplier<String> status) {
        this.out = out;
        boolean terminal = System.console() != null && System.console().isTerminal();
        this.ticker = terminal ? Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory()) : null;
        if (ticker != null) {
            ticker.scheduleAtFixedRate(() -> draw(done.get(), status.get()), 0, 200, TimeUnit.MILLISECONDS);
        }
    }

    private void draw(double done, String status) {
        int filled = (int) Math.round(Math.clamp(done, 0, 1) * WIDTH);
        out.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + status + "\u001b[K");
        out.flush();
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            out.print("\r\u001b[K");
            out.flush();
        }
    }
}
