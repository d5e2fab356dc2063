package org.openmaas.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * A browser page of an allowed origin may call the OpenAI-compatible and MaaS APIs (its preflight is answered, its
 * responses carry {@code Access-Control-Allow-Origin}); a page of any other origin gets no CORS header at all, so
 * its browser keeps every response from it; and a server started without {@code --cors-origins} allows none.
 */
class CorsTest {

    static final String APP = "https://app.example.com";
    static final String OTHER = "https://evil.example.net";

    @AutoClose
    static final TestServer server = TestServer.servingPagesOf(CorsOrigins.parse(APP + ", http://localhost:5173"),
            TestServer.product(TestServer.SCRIPTED_PRODUCT, ScriptedEngine.builder().build()));
    @AutoClose
    static final TestServer closed = TestServer.scripted(ScriptedEngine.builder().build());
    static final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredWithTheMethodsAndTheHeadersItAsksFor() throws Exception {
        HttpResponse<String> preflight = preflight(server, "/v1/chat/completions", APP, "authorization,content-type");

        assertThat(preflight.statusCode()).isEqualTo(204);
        HttpHeaders headers = preflight.headers();
        assertThat(headers.firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(headers.firstValue("Access-Control-Allow-Methods")).hasValue("GET, POST, DELETE");
        assertThat(headers.firstValue("Access-Control-Allow-Headers")).hasValue("authorization,content-type");
        assertThat(headers.firstValue("Access-Control-Max-Age")).hasValue("600");
        assertThat(headers.firstValue("Access-Control-Allow-Credentials")).isEmpty();
    }

    @Test
    void aCallFromAnAllowedOriginMayReadTheResponseAndItsRequestId() throws Exception {
        HttpResponse<String> models = send(HttpRequest.newBuilder(server.uri("/v1/maas/models"))
                .header("Origin", APP).header("Authorization", "Bearer " + server.token()).GET());

        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(models.headers().firstValue("Access-Control-Expose-Headers")).hasValue("X-Request-ID, Retry-After");
        assertThat(models.headers().allValues("Vary")).anySatisfy(vary -> assertThat(vary).contains("Origin"));
    }

    @Test
    void anErrorAnswerToAnAllowedOriginCarriesTheHeaderSoThePageCanReadTheMessage() throws Exception {
        HttpResponse<String> refused = send(HttpRequest.newBuilder(server.uri("/v1/models"))
                .header("Origin", "http://localhost:5173").GET());

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:5173");
    }

    @Test
    void anOriginNotAllowedGetsNoCorsHeaderAndItsPreflightIsNotAnswered() throws Exception {
        HttpResponse<String> preflight = preflight(server, "/v1/chat/completions", OTHER, "authorization");
        HttpResponse<String> call = send(HttpRequest.newBuilder(server.uri("/v1/maas/models"))
                .header("Origin", OTHER).header("Authorization", "Bearer " + server.token()).GET());

        assertThat(preflight.statusCode()).isEqualTo(405);
        assertThat(call.statusCode()).isEqualTo(200);
        for (HttpResponse<String> response : List.of(preflight, call)) {
            assertThat(response.headers().map().keySet())
                    .noneSatisfy(name -> assertThat(name.toLowerCase()).startsWith("access-control-"));
        }
    }

    @Test
    void theAdminApiIsNotOpenToPagesEvenOfAnAllowedOrigin() throws Exception {
        HttpResponse<String> call = send(HttpRequest.newBuilder(server.uri("/v1/admin/accounts"))
                .header("Origin", APP).header("Authorization", "Bearer " + server.token()).GET());

        assertThat(call.statusCode()).isEqualTo(200);
        assertThat(call.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void aServerStartedWithoutCorsOriginsAllowsNoPage() throws Exception {
        HttpResponse<String> preflight = preflight(closed, "/v1/maas/generatestream", APP, "authorization");

        assertThat(preflight.statusCode()).isEqualTo(405);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void anyOriginIsAllowedWithAStarAndAnswersWithAStar() {
        CorsOrigins any = CorsOrigins.parse("*");

        assertThat(any.allows(OTHER)).isTrue();
        assertThat(any.anyOrigin()).isTrue();
    }

    @Test
    void anOriginIsComparedAsBrowsersSerializeIt() {
        CorsOrigins origins = CorsOrigins.parse("HTTPS://App.Example.com");

        assertThat(origins.allows(APP)).isTrue();
        assertThat(origins.allows(APP + ":8443")).isFalse();
        assertThat(origins.allows("http://app.example.com")).isFalse();
    }

    @Test
    void anEntryThatIsNotAnOriginIsRefusedWithAnExample() {
        assertThatThrownBy(() -> CorsOrigins.parse("https://app.example.com/chat"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CORS origin 'https://app.example.com/chat' is not an origin: write it as a browser sends "
                        + "it, scheme://host[:port] without a path (e.g. https://app.example.com or "
                        + "http://localhost:5173), or * for any page");
        assertThatThrownBy(() -> CorsOrigins.parse("app.example.com")).hasMessageContaining("is not an origin");
    }

    private static HttpResponse<String> preflight(TestServer target, String path, String origin, String headers)
            throws Exception {
        return send(HttpRequest.newBuilder(target.uri(path)).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", headers));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
