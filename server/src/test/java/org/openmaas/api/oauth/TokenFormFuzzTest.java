package org.openmaas.api.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.openmaas.engine.FinishReason;
import org.openmaas.testing.Mutations;
import org.openmaas.testing.MutableClock;
import org.openmaas.testing.Script;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * Whatever a token request holds — a random or broken form body, a broken HTTP Basic header or none — the token
 * endpoint answers below 500, with a token or an RFC 6749 §5.2 error body.
 */
class TokenFormFuzzTest {

    /** Per request: a guard against a hang, far above any answer's time, not a measure of speed. */
    static final Duration HANG = Duration.ofSeconds(30);

    static final MutableClock CLOCK = new MutableClock(Instant.now());
    static TestServer server;

    @BeforeContainer
    static void start() {
        server = TestServer.serving(CLOCK, TestServer.product(TestServer.SCRIPTED_PRODUCT,
                ScriptedEngine.builder().script(Script.words(1, FinishReason.LENGTH)).build()));
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    @Property(tries = 200)
    void noTokenRequestGetsAServerErrorOrAnUndocumentedOne(@ForAll("forms") byte[] form,
                                                           @ForAll("authorizations") Optional<String> authorization) {
        // A minute on for every try: the failed-login limit would otherwise answer 429 before anything is parsed.
        CLOCK.advance(Duration.ofSeconds(61));
        Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/x-www-form-urlencoded"));
        authorization.ifPresent(value -> headers.put("Authorization", value));

        HttpResponse<String> response = server.post("/oauth2/token", headers, form, HANG);

        assertThat(response.statusCode()).as(response.body()).isLessThan(500);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = TestServer.json(response.body());
        if (response.statusCode() == 200) {
            assertThat(body.path("access_token").asText()).isNotBlank();
        } else {
            assertThat(body.path("error").asText()).as(response.body()).matches("[a-z_]+");
            assertThat(body.path("error_description").asText()).as(response.body()).isNotBlank()
                    .doesNotContain("Exception");
        }
    }

    @Provide
    Arbitrary<byte[]> forms() {
        String id = TestServer.CLIENT_ID;
        String secret = TestServer.CLIENT_SECRET;
        return Mutations.of(Mutations.FORM, List.of("grant_type=client_credentials",
                "grant_type=client_credentials&scope=inference%20admin",
                "grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret + "&scope=admin"));
    }

    /** None, the right one, one of broken credentials well encoded, or any header text a client can send. */
    @Provide
    Arbitrary<Optional<String>> authorizations() {
        String valid = TestServer.CLIENT_ID + ":" + TestServer.CLIENT_SECRET;
        Arbitrary<String> encoded = Mutations.mutated(Mutations.FORM, List.of(valid, "a:b", ":"))
                .map(credentials -> "Basic " + Base64.getEncoder().encodeToString(credentials));
        Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(80)
                .map(s -> s.startsWith(" ") ? "Basic" + s : s);
        return Arbitraries.oneOf(Arbitraries.just(Optional.empty()),
                Arbitraries.just(Optional.of(TestServer.basic(TestServer.CLIENT_ID, TestServer.CLIENT_SECRET))),
                encoded.map(Optional::of), text.map(Optional::of));
    }
}
