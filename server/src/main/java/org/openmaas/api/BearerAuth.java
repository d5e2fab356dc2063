package org.openmaas.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import org.openmaas.auth.InvalidTokenException;
import org.openmaas.auth.Principal;
import org.openmaas.auth.TokenService;

/** Authenticates API calls by their {@code Authorization: Bearer <token>} header. */
public final class BearerAuth {

    private final TokenService tokens;

    public BearerAuth(TokenService tokens) {
        this.tokens = tokens;
    }

    public Principal authenticate(ServerRequest req) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElseThrow(() ->
                new ApiException.Unauthenticated("the Authorization header is missing; send 'Authorization: Bearer <token>' "
                        + "with a token from POST /oauth2/token"));
        String[] parts = header.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer") || parts[1].isBlank()) {
            throw new ApiException.Unauthenticated("the Authorization header must be 'Bearer <token>'");
        }
        try {
            Principal principal = tokens.verify(parts[1].trim());
            AccessLog.exchange(req).client(principal.clientId());
            return principal;
        } catch (InvalidTokenException e) {
            throw new ApiException.Unauthenticated(e.getMessage());
        }
    }
}
