package org.openmaas.server;

/**
 * A start that cannot succeed completely: its message is the one line the operator reads (what failed, why, and
 * what to do), so the command line prints it without a stack trace and exits non-zero.
 */
public final class StartupException extends RuntimeException {

    public StartupException(String message) {
        super(message);
    }
}
