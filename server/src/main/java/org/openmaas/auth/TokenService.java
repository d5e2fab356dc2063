package org.openmaas.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openmaas.accounts.model.Client;
import org.openmaas.store.CredentialStore;

/**
 * Issues access tokens for the client-credentials grant and verifies them on every API call.
 *
 * <p>Tokens are ES256-signed JWTs (issuer, audience, expiry, client id, cloud account id, scopes), so any instance
 * holding the key verifies them without a database round trip; a revoked client is refused within
 * {@link ClientStatus#TTL} because verification also asks whether the client is still active, and a token's scopes
 * are only those of its scopes the client still holds, so a scope taken away stops working within that time too.
 */
public final class TokenService {

    public static final Duration LIFETIME = Duration.ofHours(1);
    static final String ISSUER = "openmaas";
    static final String AUDIENCE = "openmaas-api";
    static final String CLAIM_CLIENT = "client_id";
    static final String CLAIM_ACCOUNT = "cloud_account_id";
    static final String CLAIM_SCOPE = "scope";

    private final SigningKeys keys;
    private final CredentialStore store;
    private final ClientStatus clientStatus;
    private final Clock clock;

    public TokenService(SigningKeys keys, CredentialStore store, Clock clock) {
        this.keys = keys;
        this.store = store;
        this.clock = clock;
        this.clientStatus = new ClientStatus(store, clock);
    }

    public SigningKeys keys() {
        return keys;
    }

    /**
     * Authenticates a client by its secret and issues a token for {@code requestedScope} (all of the client's scopes
     * when null or blank).
     */
    public AccessToken issue(String clientId, String secret, String requestedScope) {
        Instant now = clock.instant();
        Client client = store.findClient(clientId)
                .filter(c -> SecretHasher.matches(secret, c.secretHash())
                        || c.previousSecretValidAt(now) && SecretHasher.matches(secret, c.previousSecretHash()))
                .orElseThrow(() -> new OAuthException(OAuthError.INVALID_CLIENT,
                        "client authentication failed: unknown client id or wrong secret"));
        if (!client.active()) {
            throw new OAuthException(OAuthError.INVALID_CLIENT, "client " + clientId + " is revoked");
        }
        AccessToken token = mint(client, grantedScopes(client, requestedScope), LIFETIME);
        store.recordUse(clientId, now);
        return token;
    }

    /**
     * A token for an active client of this service's own making, without its secret: the console's playground
     * client, whose secret nobody keeps. Only code in this process calls it, for a user it has authorized.
     *
     * @param lifetime at most {@link #LIFETIME}, the longest a signing key is kept to verify
     * @throws IllegalArgumentException when the client is not active, holds none of {@code scopes} or the lifetime is
     *                                  out of range
     */
    public AccessToken issueFor(Client client, Set<String> scopes, Duration lifetime) {
        if (!client.active() || !client.scopes().containsAll(scopes) || scopes.isEmpty()) {
            throw new IllegalArgumentException("client " + client.clientId() + " is not active or lacks " + scopes);
        }
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(LIFETIME) > 0) {
            throw new IllegalArgumentException("a token lives between 1 s and " + LIFETIME + ", not " + lifetime);
        }
        return mint(client, scopes, lifetime);
    }

    private AccessToken mint(Client client, Set<String> scopes, Duration lifetime) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(client.clientId())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .claim(CLAIM_CLIENT, client.clientId())
                .claim(CLAIM_ACCOUNT, client.cloudAccountId())
                .claim(CLAIM_SCOPE, String.join(" ", scopes))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(keys.signingKeyId()).type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(keys.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
        return new AccessToken(jwt.serialize(), lifetime.toSeconds(), scopes);
    }

    /** The caller behind a bearer token; {@link InvalidTokenException} says why a token is refused. */
    public Principal verify(String token) {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new InvalidTokenException("the access token is not a signed JWT");
        }
        JWSHeader header = jwt.getHeader();
        Optional<ECDSAVerifier> verifier = header.getKeyID() == null ? Optional.empty() : keys.verifier(header.getKeyID());
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm()) || verifier.isEmpty()) {
            throw new InvalidTokenException("the access token was not signed by this service");
        }
        try {
            if (!jwt.verify(verifier.get())) {
                throw new InvalidTokenException("the access token's signature is invalid");
            }
        } catch (JOSEException e) {
            throw new InvalidTokenException("the access token's signature is invalid");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException("the access token's claims are malformed");
        }
        if (!ISSUER.equals(claims.getIssuer()) || claims.getAudience() == null || !claims.getAudience().contains(AUDIENCE)) {
            throw new InvalidTokenException("the access token was issued for another service");
        }
        Date expiry = claims.getExpirationTime();
        if (expiry == null || !clock.instant().isBefore(expiry.toInstant())) {
            throw new InvalidTokenException("the access token has expired; request a new one from /oauth2/token");
        }
        String clientId = stringClaim(claims, CLAIM_CLIENT);
        String account = stringClaim(claims, CLAIM_ACCOUNT);
        String scope = stringClaim(claims, CLAIM_SCOPE);
        ClientStatus.Status status = clientStatus.current(clientId);
        if (!status.active()) {
            throw new InvalidTokenException("client " + clientId + " is revoked");
        }
        Set<String> scopes = new HashSet<>(Arrays.asList(scope.split(" ")));
        scopes.retainAll(status.scopes());
        return new Principal(clientId, account, scopes);
    }

    private static Set<String> grantedScopes(Client client, String requested) {
        if (requested == null || requested.isBlank()) {
            return client.scopes();
        }
        Set<String> scopes = new LinkedHashSet<>(Arrays.asList(requested.trim().split("\\s+")));
        for (String scope : scopes) {
            if (!Scopes.ALL.contains(scope)) {
                throw new OAuthException(OAuthError.INVALID_SCOPE,
                        "unknown scope '" + scope + "'; allowed: " + String.join(", ", List.copyOf(Scopes.ALL)));
            }
            if (!client.scopes().contains(scope)) {
                throw new OAuthException(OAuthError.INVALID_SCOPE,
                        "this client may not request scope '" + scope + "'; its scopes: " + String.join(" ", client.scopes()));
            }
        }
        return scopes;
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        try {
            String value = claims.getStringClaim(name);
            if (value == null || value.isEmpty()) {
                throw new InvalidTokenException("the access token lacks its " + name + " claim");
            }
            return value;
        } catch (ParseException e) {
            throw new InvalidTokenException("the access token's " + name + " claim is not a string");
        }
    }
}
