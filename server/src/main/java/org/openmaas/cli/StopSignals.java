package org.openmaas.cli;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT (Ctrl-C) as a request to stop (and SIGHUP as one to reload the catalog file), handled by
 * {@code maas serve} itself. Left to the JVM, they would
 * run the shutdown hooks at once, all together — the JDK's {@code LogManager} resets in one of them, so the server's
 * drain would log nothing (no access line for its last streams and refusals, not its own progress) — and the process
 * would exit 143 however cleanly it stopped. {@code sun.misc.Signal} (module {@code jdk.unsupported}, kept accessible
 * for this) is the only way the JDK offers to take a signal over; javac warns that it is internal.
 */
final class StopSignals {

    private StopSignals() {
    }

    /** From now on the first SIGTERM or SIGINT completes the returned future with its name; later ones are ignored. */
    static Future<String> take() {
        CompletableFuture<String> received = new CompletableFuture<>();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> received.complete("SIG" + signal.getName()));
        }
        return received;
    }

    /**
     * From now on each SIGHUP runs {@code reload}, on a thread of its own: the signal's thread is the JVM's, and a
     * reload reads a file.
     *
     * @return false when the process ignores SIGHUP (inherited, e.g. from {@code nohup}), which
     *         the JVM then leaves ignored: no SIGHUP will reach {@code reload}
     */
    static boolean onHangup(Runnable reload) {
        SignalHandler replaced = Signal.handle(new Signal("HUP"),
                signal -> Thread.ofPlatform().name("maas-reload").start(reload));
        return replaced != SignalHandler.SIG_IGN;
    }
}
