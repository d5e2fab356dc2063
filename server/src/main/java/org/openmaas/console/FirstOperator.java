package org.openmaas.console;

import java.util.Map;
import java.util.Optional;
import org.openmaas.accounts.model.AccountsException;

/**
 * The console's first operator, so that a fresh server can be run from a browser: on a store without any operator,
 * a user {@value #ENV_EMAIL} (default {@value #DEFAULT_EMAIL}) is made one and given an invite link, which
 * {@code maas serve} prints once, as it prints the first API client's secret. A lost link is replaced with
 * {@code maas admin users create --email ... --operator}.
 */
public final class FirstOperator {

    public static final String ENV_EMAIL = "MAAS_BOOTSTRAP_OPERATOR_EMAIL";
    public static final String DEFAULT_EMAIL = "admin@localhost";

    private FirstOperator() {
    }

    /** @return the link made now; empty when the store has an operator already */
    public static Optional<Invitation> ensure(Users users, Map<String, String> env) {
        if (users.hasOperator()) {
            return Optional.empty();
        }
        String email = env.getOrDefault(ENV_EMAIL, DEFAULT_EMAIL);
        try {
            return Optional.of(users.invite(email, true, null, null));
        } catch (AccountsException.Invalid e) {
            throw new IllegalArgumentException(ENV_EMAIL + ": " + e.getMessage());
        }
    }
}
