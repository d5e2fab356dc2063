package org.openmaas.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openmaas.client.AuthenticationException;
import org.openmaas.client.InvalidArgumentException;
import org.openmaas.client.MaasException;
import org.openmaas.client.ResourceExhaustedException;
import org.openmaas.client.ServerException;
import org.openmaas.client.UnavailableException;

class ErrorsTest {

    @Test
    void aGrpcGatewayBodyGivesItsCodeAndMessage() {
        MaasException e = Errors.fromResponse(400, bytes("{\"code\": 3, \"message\": \"temperature must be between 0 and 100, got 101.0\", \"details\": []}"),
                "req-1", null);

        assertThat(e).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("temperature must be between 0 and 100, got 101.0");
        assertThat(e.grpcCode()).isEqualTo(3);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.requestId()).contains("req-1");
        assertThat(e.toString()).endsWith("(HTTP 400, INVALID_ARGUMENT, request id req-1)");
    }

    @Test
    void aTokenEndpointErrorKeepsItsOAuthCode() {
        MaasException e = Errors.fromResponse(401, bytes("{\"error\": \"invalid_client\", \"error_description\": \"client authentication failed\"}"),
                null, null);

        assertThat(e).isInstanceOf(AuthenticationException.class).hasMessage("client authentication failed");
        assertThat(((AuthenticationException) e).oauthError()).contains("invalid_client");
        assertThat(e.grpcCode()).isEqualTo(16);
    }

    @Test
    void aRefusedScopeIsAnInvalidArgument() {
        MaasException e = Errors.fromResponse(400, bytes("{\"error\": \"invalid_scope\", \"error_description\": \"unknown scope 'x'\"}"),
                null, null);

        assertThat(e).isInstanceOf(InvalidArgumentException.class).hasMessage("unknown scope 'x' (invalid_scope)");
    }

    @Test
    void aBusyServiceCarriesItsRetryAfter() {
        MaasException e = Errors.fromResponse(429, bytes("{\"code\": 8, \"message\": \"the model's wait queue is full\"}"),
                null, Duration.ofSeconds(1));

        assertThat(e).isInstanceOf(ResourceExhaustedException.class);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
    }

    @Test
    void aProxysHtmlPageIsJudgedByItsStatus() {
        MaasException e = Errors.fromResponse(503, bytes("<html><body>\n<h1>Service Unavailable</h1></body></html>"), null, null);

        assertThat(e).isInstanceOf(UnavailableException.class)
                .hasMessage("HTTP 503: <html><body> <h1>Service Unavailable</h1></body></html>");
    }

    @Test
    void anUnknownCodeIsAServerExceptionThatKeepsIt() {
        MaasException e = Errors.fromResponse(405, bytes("{\"code\": 12, \"message\": \"GET is not allowed\"}"), null, null);

        assertThat(e).isInstanceOf(ServerException.class);
        assertThat(e.grpcCode()).isEqualTo(12);
        assertThat(e.grpcCodeName()).isEqualTo("UNIMPLEMENTED");
    }

    @Test
    void aGrpcGatewayV1StreamErrorIsRead() {
        MaasException e = Errors.fromStreamError(Wire.JSON.valueToTree(java.util.Map.of(
                "grpc_code", 14, "http_code", 503, "message", "backend gone", "http_status", "Service Unavailable")), "r");

        assertThat(e).isInstanceOf(UnavailableException.class).hasMessage("backend gone");
        assertThat(e.httpStatus()).isEqualTo(200);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
