package org.openmaas.hub;

import java.io.PrintWriter;

/** Told how a download goes: a few times a second while bytes arrive, and once when the last one has. */
@FunctionalInterface
public interface TransferListener {

    TransferListener SILENT = (transfer, finished) -> { };

    void progress(Transfer transfer, boolean finished);

    /**
     * On a terminal, one line redrawn in place; elsewhere (a pipe, a log file, a service's journal) only the finished
     * line, since carriage returns would fill it with hundreds of lines.
     */
    static TransferListener console(PrintWriter out, boolean terminal) {
        return (transfer, finished) -> {
            if (terminal) {
                out.print("\r" + transfer.line() + "\u001b[K" + (finished ? System.lineSeparator() : ""));
                out.flush();
            } else if (finished) {
                out.println(transfer.line());
            }
        };
    }
}
