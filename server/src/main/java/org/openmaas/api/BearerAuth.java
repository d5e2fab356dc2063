package org.openmaas.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import org.openmaas.auth.ApiKeys;
import org.openmaas.auth.InvalidTokenException;
import org.openmaas.auth.Principal;
import org.openmaas.auth.TokenService;

/**
 * Authenticates API calls by their {@code Authorization: Bearer <credential>} header: an access token from
 * {@code POST /oauth2/token}, or an API key ({@code sk-...}) for tools that only take a static key.
 */
public final class BearerAuth {

    private final TokenService tokens;
    private final ApiKeys apiKeys;

    public BearerAuth(TokenService tokens, ApiKeys apiKeys) {
        this.tokens = tokens;
        this.apiKeys = apiKeys;
    }

    /** The caller, by access token or API key. */
    public Principal authenticate(ServerRequest req) {
        String credential = credential(req);
        try {
            Principal principal = ApiKeys.isApiKey(credential) ? apiKeys.verify(credential) : tokens.verify(credential);
            AccessLog.exchange(req).client(principal.clientId());
            return principal;
        } catch (InvalidTokenException e) {
            throw new ApiException.Unauthenticated(e.getMessage());
        }
    }

    /**
     * The caller, by access token only: for what an API key must not do itself, such as making more keys (a leaked
     * key could otherwise outlive its revocation).
     */
    public Principal authenticateWithToken(ServerRequest req, String what) {
        Principal principal = authenticate(req);
        if (ApiKeys.isApiKey(credential(req))) {
            throw new ApiException.PermissionDenied("an API key cannot " + what
                    + "; use an access token from POST /oauth2/token");
        }
        return principal;
    }

    private static String credential(ServerRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElseThrow(() ->
                new ApiException.Unauthenticated("the Authorization header is missing; send 'Authorization: Bearer <token>' "
                        + "with a token from POST /oauth2/token, or 'Authorization: Bearer sk-...' with an API key"));
        String[] parts = header.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer") || parts[1].isBlank()) {
            throw new ApiException.Unauthenticated("the Authorization header must be 'Bearer <token>'");
        }
        return parts[1].trim();
    }
}
