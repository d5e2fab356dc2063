package org.openmaas.catalog;

/** A run-time change of the catalog that cannot be made as asked; nothing was changed. */
public sealed abstract class ProductChangeException extends RuntimeException {

    ProductChangeException(String message) {
        super(message);
    }

    /** The product to change or remove is not in the catalog. */
    public static final class NotFound extends ProductChangeException {
        NotFound(String message) {
            super(message);
        }
    }

    /** The product to add has a name or id another product already has. */
    public static final class AlreadyExists extends ProductChangeException {
        AlreadyExists(String message) {
            super(message);
        }
    }

    /** The server is stopping; the catalog stays as it is. */
    public static final class Stopping extends ProductChangeException {
        Stopping(String message) {
            super(message);
        }
    }
}
