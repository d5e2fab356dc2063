package org.openmaas.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmaas.testing.MutableClock;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * Text from outside is strict UTF-8 on every route that reads it: a malformed sequence — overlong, a surrogate,
 * beyond U+10FFFF, a byte that never occurs in UTF-8, a sequence cut short — is refused with a 400 that names where it
 * is, never read as some character; well-formed multibyte text goes through.
 */
class InvalidUtf8Test {

    /** Where a JSON body carries the test's bytes. */
    static final String TEXT = "@TEXT@";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static TestServer server;
    static String token;

    /** Where a route carries outside text, and how it answers. */
    enum Route {
        MAAS_GENERATE, OPENAI_COMPLETIONS, OPENAI_CHAT, TOKEN_FORM, BASIC_CREDENTIALS
    }

    @BeforeAll
    static void start() {
        server = TestServer.serving(new MutableClock(Instant.now()),
                TestServer.product(TestServer.SCRIPTED_PRODUCT, ScriptedEngine.builder().build()));
        token = server.token();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> malformed() {
        List<String> sequences = List.of(
                "C0AF",     // '/' in two bytes: overlong
                "E080AF",   // '/' in three bytes: overlong
                "EDA080",   // U+D800, a surrogate
                "F4908080", // U+110000, beyond Unicode
                "FF",       // never occurs in UTF-8
                "E4B8");    // the first two of the three bytes of '中'
        return sequences.stream().flatMap(hex -> Stream.of(Route.values()).map(route -> Arguments.of(hex, route)));
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("malformed")
    void aMalformedSequenceIsABadRequestThatSaysWhereItIs(String hex, Route route) {
        byte[] sequence = HexFormat.of().parseHex(hex);

        Sent sent = send(route, sequence);

        assertThat(sent.response().statusCode()).as(sent.response().body()).isEqualTo(400);
        assertThat(sent.response().body()).contains("must be UTF-8; the bytes at offset " + sent.offset() + " (");
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void wellFormedMultibyteTextIsAccepted(Route route) {
        HttpResponse<String> response = send(route, "é中😀".getBytes(StandardCharsets.UTF_8)).response();

        switch (route) {
            // The text was read: the client id is one nobody has, as the server says.
            case TOKEN_FORM, BASIC_CREDENTIALS -> assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
            default -> assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
    }

    @Test
    void jsonInUtf16OrUtf32IsRefusedForNotBeingUtf8() {
        String body = maasBody("Once upon a time");
        for (String charset : List.of("UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32LE", "UTF-32BE")) {
            HttpResponse<String> response = post("/v1/maas/generate", body.getBytes(java.nio.charset.Charset.forName(charset)));

            assertThat(response.statusCode()).as(charset + ": " + response.body()).isEqualTo(400);
            assertThat(response.body()).as(charset).contains("looks like UTF-16 or UTF-32; send JSON in UTF-8");
        }
    }

    /** What was sent, and the offset of the test's bytes in the text the server decodes. */
    record Sent(HttpResponse<String> response, int offset) {
    }

    private static Sent send(Route route, byte[] text) {
        return switch (route) {
            case MAAS_GENERATE -> postJson("/v1/maas/generate", maasBody(TEXT), text);
            case OPENAI_COMPLETIONS -> postJson("/v1/completions", """
                    {"model": "%s", "prompt": "%s", "max_tokens": 3}""".formatted(TestServer.SCRIPTED_PRODUCT, TEXT), text);
            case OPENAI_CHAT -> postJson("/v1/chat/completions", """
                    {"model": "%s", "messages": [{"role": "user", "content": "%s"}], "max_tokens": 3}"""
                    .formatted(TestServer.SCRIPTED_PRODUCT, TEXT), text);
            case TOKEN_FORM -> {
                StringBuilder form = new StringBuilder("grant_type=client_credentials&client_secret=x&client_id=id-");
                for (byte b : text) {
                    form.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
                }
                yield new Sent(server.tokenRequest(form.toString(), null), "id-".length());
            }
            case BASIC_CREDENTIALS -> {
                byte[] credentials = concat("id-".getBytes(StandardCharsets.US_ASCII), text,
                        ":secret".getBytes(StandardCharsets.US_ASCII));
                yield new Sent(server.tokenRequest("grant_type=client_credentials",
                        "Basic " + Base64.getEncoder().encodeToString(credentials)), "id-".length());
            }
        };
    }

    /** Posts {@code json} with {@code text} in place of its one {@link #TEXT}. */
    private static Sent postJson(String path, String json, byte[] text) {
        String[] around = json.split(TEXT, -1);
        byte[] before = around[0].getBytes(StandardCharsets.UTF_8);
        return new Sent(post(path, concat(before, text, around[1].getBytes(StandardCharsets.UTF_8))), before.length);
    }

    private static String maasBody(String prompt) {
        return server.body(prompt, "{\"max_new_tokens\": 3}");
    }

    private static HttpResponse<String> post(String path, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(server.uri(path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
