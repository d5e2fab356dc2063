package org.openmaas.accounts.model;

/**
 * Why an operation on accounts, clients or their keys was refused, one subtype per kind of refusal; the HTTP layer's
 * error table maps each to a status. Messages say what was wrong and what is allowed; they never carry secrets.
 */
public sealed abstract class AccountsException extends RuntimeException {

    private AccountsException(String message) {
        super(message, null, false, false);
    }

    /** A value the rules do not allow (a blank name, an unknown scope, a limit out of range). */
    public static final class Invalid extends AccountsException {
        public Invalid(String message) {
            super(message);
        }
    }

    /** No account, client or key with the id given. */
    public static final class NotFound extends AccountsException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** A create or rename that would give two of them the same id or name (the store says so on a unique key). */
    public static final class AlreadyExists extends AccountsException {
        public AlreadyExists(String message) {
            super(message);
        }
    }

    /** Another change landed between reading and writing; nothing was written, and retrying is safe. */
    public static final class Conflict extends AccountsException {
        public Conflict(String message) {
            super(message);
        }
    }
}
