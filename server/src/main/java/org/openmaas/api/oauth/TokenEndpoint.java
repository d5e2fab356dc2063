package org.openmaas.api.oauth;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.openmaas.api.AccessLog;
import org.openmaas.api.ApiException;
import org.openmaas.api.Bodies;
import org.openmaas.api.ClientAddress;
import org.openmaas.api.Json;
import org.openmaas.api.Utf8;
import org.openmaas.auth.AccessToken;
import org.openmaas.auth.GuessingGuard;
import org.openmaas.auth.OAuthError;
import org.openmaas.auth.OAuthException;
import org.openmaas.auth.TokenService;

/**
 * {@code POST /oauth2/token}: the client-credentials grant (RFC 6749 §4.4). The client authenticates with HTTP Basic
 * or with {@code client_id}/{@code client_secret} form fields (§2.3.1); errors are §5.2 bodies.
 */
public final class TokenEndpoint implements HttpService {

    public static final String PATH = "/oauth2/token";

    static final int MAX_FORM_BYTES = 8 * 1024;

    private final TokenService tokens;
    private final GuessingGuard guard;
    private final ClientAddress clientAddress;

    public TokenEndpoint(TokenService tokens, GuessingGuard guard, ClientAddress clientAddress) {
        this.tokens = tokens;
        this.guard = guard;
        this.clientAddress = clientAddress;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post(PATH, this::token);
    }

    /** RFC 6749's error body for a token request refused as malformed before this endpoint could read it. */
    public static byte[] invalidRequest(String description) {
        return Json.write(new ErrorResponse("invalid_request", description));
    }

    private void token(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.create("Pragma"), "no-cache");
        String address = clientAddress.of(req);
        try {
            Map<String, String> form = form(req);
            Credentials credentials = guard.check(null, address, () -> credentials(req, form));
            AccessLog.exchange(req).claimedClient(credentials.clientId());
            String grantType = form.get("grant_type");
            if (grantType == null) {
                throw new OAuthException(OAuthError.INVALID_REQUEST, "grant_type is required; use client_credentials");
            }
            if (!"client_credentials".equals(grantType)) {
                throw new OAuthException(OAuthError.UNSUPPORTED_GRANT_TYPE,
                        "grant_type '" + grantType + "' is not supported; use client_credentials");
            }
            AccessToken token = guard.check(credentials.clientId(), address,
                    () -> tokens.issue(credentials.clientId(), credentials.secret(), form.get("scope")));
            AccessLog.exchange(req).client(credentials.clientId());
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(Json.write(new TokenResponse(token.value(), "Bearer", token.expiresInSeconds(),
                    String.join(" ", token.scopes()))));
        } catch (GuessingGuard.TooManyFailures e) {
            res.status(Status.TOO_MANY_REQUESTS_429);
            res.header(HeaderNames.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(Json.write(new ErrorResponse("slow_down", e.getMessage())));
        } catch (OAuthException e) {
            if (e.error() == OAuthError.INVALID_CLIENT) {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Basic realm=\"openmaas\"");
            }
            res.status(Status.create(e.error().status()));
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(Json.write(new ErrorResponse(e.error().code(), e.getMessage())));
        }
    }

    record TokenResponse(String access_token, String token_type, long expires_in, String scope) {
    }

    record ErrorResponse(String error, String error_description) {
    }

    private record Credentials(String clientId, String secret) {
    }

    private static Credentials credentials(ServerRequest req, Map<String, String> form) {
        Optional<String> authorization = req.headers().first(HeaderNames.AUTHORIZATION);
        boolean inForm = form.containsKey("client_id") || form.containsKey("client_secret");
        if (authorization.isPresent()) {
            if (inForm) {
                throw new OAuthException(OAuthError.INVALID_REQUEST,
                        "authenticate the client either by HTTP Basic or by form fields, not both");
            }
            return basic(authorization.get());
        }
        if (form.get("client_id") == null || form.get("client_secret") == null) {
            throw new OAuthException(OAuthError.INVALID_CLIENT,
                    "client authentication is required: HTTP Basic (client_id:client_secret) or client_id and client_secret form fields");
        }
        return new Credentials(form.get("client_id"), form.get("client_secret"));
    }

    // Client libraries send Basic credentials unencoded (Python requests, curl -u), so they are not form-decoded.
    private static Credentials basic(String header) {
        String[] parts = header.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Basic")) {
            throw new OAuthException(OAuthError.INVALID_CLIENT, "the Authorization header must use the Basic scheme");
        }
        byte[] credentials;
        try {
            credentials = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new OAuthException(OAuthError.INVALID_CLIENT, "the Basic credentials are not valid Base64");
        }
        String decoded;
        try {
            decoded = Utf8.decode(credentials, "the Basic credentials");
        } catch (ApiException.InvalidArgument e) {
            throw new OAuthException(OAuthError.INVALID_REQUEST, e.getMessage());
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw new OAuthException(OAuthError.INVALID_CLIENT, "the Basic credentials must be client_id:client_secret");
        }
        return new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    private static Map<String, String> form(ServerRequest req) {
        String contentType = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            throw new OAuthException(OAuthError.INVALID_REQUEST,
                    "the body must be application/x-www-form-urlencoded, got '" + contentType + "'");
        }
        byte[] body;
        try {
            body = Bodies.read(req, MAX_FORM_BYTES);
        } catch (ApiException.InvalidArgument e) {
            throw new OAuthException(OAuthError.INVALID_REQUEST, e.getMessage());
        }
        return FormBody.parse(body);
    }

}
