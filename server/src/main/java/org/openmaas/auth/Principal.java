package org.openmaas.auth;

import java.util.Set;

/** Who is calling, as proven by a verified access token. */
public record Principal(String clientId, String cloudAccountId, Set<String> scopes) {
    public Principal {
        scopes = Set.copyOf(scopes);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }
}
