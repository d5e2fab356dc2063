package org.openmaas.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmaas.accounts.model.Client;
import org.openmaas.store.CredentialStore;
import org.openmaas.store.Database;
import org.openmaas.store.SigningKeyStore;
import org.openmaas.testing.MutableClock;

class TokenServiceTest {

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private Database database;
    private CredentialStore store;
    private TokenService tokens;

    @BeforeEach
    void openStore() {
        database = Database.embedded(dataDir);
        store = new CredentialStore(database);
        store.createAccount("123456789012", "acme", clock.instant());
        store.createClient(new Client("app", "123456789012", "app", SecretHasher.hash("s3cret-s3cret-s3cret"),
                Set.of(Scopes.INFERENCE), true), clock.instant());
        tokens = new TokenService(SigningKeys.open(new SigningKeyStore(database), dataDir.resolve("key.json"), clock), store, clock);
    }

    @AfterEach
    void closeStore() {
        database.close();
    }

    @Test
    void aClientWithTheRightSecretGetsATokenThatVerifiesToItsAccount() {
        AccessToken token = tokens.issue("app", "s3cret-s3cret-s3cret", null);

        Principal principal = tokens.verify(token.value());

        assertThat(token.expiresInSeconds()).isEqualTo(3600);
        assertThat(principal).isEqualTo(new Principal("app", "123456789012", Set.of(Scopes.INFERENCE)));
    }

    @Test
    void aWrongSecretIsAnInvalidClient() {
        assertThatThrownBy(() -> tokens.issue("app", "wrong", null))
                .isInstanceOf(OAuthException.class)
                .satisfies(e -> assertThat(((OAuthException) e).error()).isEqualTo(OAuthError.INVALID_CLIENT));
    }

    @Test
    void anUnknownClientGetsTheSameAnswerAsAWrongSecret() {
        assertThatThrownBy(() -> tokens.issue("nobody", "s3cret-s3cret-s3cret", null))
                .hasMessage("client authentication failed: unknown client id or wrong secret");
    }

    @Test
    void aScopeTheClientDoesNotHoldIsAnInvalidScope() {
        assertThatThrownBy(() -> tokens.issue("app", "s3cret-s3cret-s3cret", "admin"))
                .isInstanceOf(OAuthException.class)
                .satisfies(e -> assertThat(((OAuthException) e).error()).isEqualTo(OAuthError.INVALID_SCOPE))
                .hasMessageContaining("'admin'");
    }

    @Test
    void aTokenIsRefusedOnceItExpires() {
        String token = tokens.issue("app", "s3cret-s3cret-s3cret", null).value();
        clock.advance(Duration.ofSeconds(3600));

        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void aTokenWhoseClaimsWereEditedIsRefused() {
        String[] parts = tokens.issue("app", "s3cret-s3cret-s3cret", null).value().split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1])).replace("123456789012", "999999999999");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes())
                + "." + parts[2];

        assertThatThrownBy(() -> tokens.verify(tampered)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("signature");
    }

    @Test
    void anUnsignedTokenWithAlgNoneIsRefused() {
        String unsigned = new PlainJWT(claims()).serialize();

        assertThatThrownBy(() -> tokens.verify(unsigned)).isInstanceOf(InvalidTokenException.class)
                .hasMessage("the access token is not a signed JWT");
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() throws Exception {
        ECKey other = new ECKeyGenerator(Curve.P_256).keyID("other").generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("other").build(), claims());
        forged.sign(new ECDSASigner(other));

        assertThatThrownBy(() -> tokens.verify(forged.serialize())).isInstanceOf(InvalidTokenException.class)
                .hasMessage("the access token was not signed by this service");
    }

    @Test
    void garbageIsNotAToken() {
        assertThatThrownBy(() -> tokens.verify("not-a-jwt")).isInstanceOf(InvalidTokenException.class);
    }

    @Test
    void aRevokedClientsLiveTokenStopsWorkingWithinTheStatusLifetime() {
        String token = tokens.issue("app", "s3cret-s3cret-s3cret", null).value();
        tokens.verify(token);
        database.jdbi().useHandle(h -> h.execute("UPDATE clients SET status = 'revoked' WHERE client_id = 'app'"));
        clock.advance(ClientStatus.TTL);

        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(InvalidTokenException.class)
                .hasMessageContaining("revoked");
    }

    @Test
    void aScopeTakenFromTheClientStopsWorkingInItsLiveTokensWithinTheStatusLifetime() {
        store.updateClient("app", null, Set.of(Scopes.INFERENCE, Scopes.ADMIN));
        String token = tokens.issue("app", "s3cret-s3cret-s3cret", null).value();
        assertThat(tokens.verify(token).scopes()).containsExactlyInAnyOrder(Scopes.INFERENCE, Scopes.ADMIN);

        store.updateClient("app", null, Set.of(Scopes.INFERENCE));
        clock.advance(ClientStatus.TTL.minusMillis(1));
        assertThat(tokens.verify(token).scopes()).as("the status the service knew of, until it is due")
                .containsExactlyInAnyOrder(Scopes.INFERENCE, Scopes.ADMIN);
        clock.advance(Duration.ofMillis(1));

        assertThat(tokens.verify(token).scopes()).containsExactly(Scopes.INFERENCE);
    }

    @Test
    void aScopeGivenToTheClientLaterIsNotInTokensIssuedBefore() {
        String token = tokens.issue("app", "s3cret-s3cret-s3cret", null).value();
        store.updateClient("app", null, Set.of(Scopes.INFERENCE, Scopes.ADMIN));
        clock.advance(ClientStatus.TTL);

        assertThat(tokens.verify(token).scopes()).containsExactly(Scopes.INFERENCE);
    }

    @Test
    void theSigningKeySurvivesARestartSoIssuedTokensStillVerify() {
        String token = tokens.issue("app", "s3cret-s3cret-s3cret", null).value();
        TokenService restarted = new TokenService(SigningKeys.open(new SigningKeyStore(database), dataDir.resolve("key.json"), clock),
                store, clock);

        assertThat(restarted.verify(token).clientId()).isEqualTo("app");
    }

    @Test
    void aTokenSignedWithAKeyAnotherInstanceJustRotatedInVerifiesAtOnce() {
        TokenService other = new TokenService(SigningKeys.open(new SigningKeyStore(database), dataDir.resolve("key.json"),
                clock), store, clock);
        other.keys().rotate();

        String token = other.issue("app", "s3cret-s3cret-s3cret", null).value();

        assertThat(tokens.verify(token).clientId()).isEqualTo("app");
    }

    @Test
    void tokensSignedBeforeARotationStillVerify() {
        String before = tokens.issue("app", "s3cret-s3cret-s3cret", null).value();

        tokens.keys().rotate();
        clock.advance(Duration.ofMinutes(59));

        assertThat(tokens.verify(before).clientId()).isEqualTo("app");
        assertThat(tokens.keys().list()).hasSize(2);
    }

    @Test
    void aRetiredKeyIsNoLongerListedOnceEveryTokenItSignedHasExpired() {
        tokens.keys().rotate();
        clock.advance(TokenService.LIFETIME);

        assertThat(tokens.keys().list()).hasSize(1).allSatisfy(k -> assertThat(k.signing()).isTrue());
    }

    private JWTClaimsSet claims() {
        return new JWTClaimsSet.Builder().issuer(TokenService.ISSUER).audience(TokenService.AUDIENCE)
                .expirationTime(java.util.Date.from(clock.instant().plusSeconds(600)))
                .claim(TokenService.CLAIM_CLIENT, "app").claim(TokenService.CLAIM_ACCOUNT, "123456789012")
                .claim(TokenService.CLAIM_SCOPE, "inference admin").build();
    }
}
