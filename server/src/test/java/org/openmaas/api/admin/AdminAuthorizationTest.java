package org.openmaas.api.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.Method;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpSecurity;
import io.helidon.webserver.http.HttpService;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmaas.testing.ScriptedEngine;
import org.openmaas.testing.TestServer;

/**
 * Every admin route, as {@link AdminApi} registers it, refuses callers without the {@code admin} scope before its
 * handler runs: 403 for an inference-only token and for an API key (which acts with {@code inference} only, even one
 * of an admin client), 401 without credentials. A route registered where the admin filter does not see it answers
 * otherwise (its handler's 200, 400 or 404) and fails here.
 */
class AdminAuthorizationTest {

    static TestServer server;
    static String inferenceToken;
    static String apiKey;

    @BeforeAll
    static void start() {
        server = TestServer.scripted(ScriptedEngine.builder().build());
        TestServer.Client client = server.newClient("inference");
        inferenceToken = server.token(client.id(), client.secret());
        apiKey = server.apiKey();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    enum Caller { INFERENCE_TOKEN, API_KEY, NOBODY }

    record Route(Method method, String path) {
        @Override
        public String toString() {
            return method.text() + " " + path;
        }
    }

    static Stream<Arguments> everyRouteAndCaller() {
        return adminRoutes().stream().flatMap(route -> Stream.of(Caller.values()).map(c -> Arguments.of(route, c)));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("everyRouteAndCaller")
    void anAdminRouteRefusesACallerWithoutTheAdminScope(Route route, Caller caller) {
        String path = route.path().replace("{id}", "maas-nobody").replace("{key}", "key_nothing")
                .replace("{name}", "maas-model-nobody");
        String credential = switch (caller) {
            case INFERENCE_TOKEN -> inferenceToken;
            case API_KEY -> apiKey;
            case NOBODY -> null;
        };
        String body = route.method() == Method.GET ? null : "{}";

        HttpResponse<String> response = server.send(route.method().text(), path, credential, body);

        int expected = caller == Caller.NOBODY ? 401 : 403;
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
        assertThat(TestServer.json(response.body()).get("code").asInt()).isEqualTo(expected == 401 ? 16 : 7);
    }

    @Test
    void theRoutesWalkedAreTheAdminApis() {
        assertThat(adminRoutes()).contains(new Route(Method.POST, "/v1/admin/accounts"),
                new Route(Method.POST, "/v1/admin/signing-keys/rotate"));
    }

    /** The routes {@link AdminApi#register} makes, read by registering it into a routing that records them. */
    static List<Route> adminRoutes() {
        RecordingRouting routing = new RecordingRouting();
        AdminApi.register(routing, null, null, null, null, null, null, null, null, null, null, null);
        return routing.routes;
    }

    /**
     * A routing builder that keeps each route's method and path. Registrations it cannot read (a path prefix for
     * services, a route built by hand) fail, so no route is silently left out of the walk.
     */
    static final class RecordingRouting implements HttpRouting.Builder {

        final List<Route> routes = new ArrayList<>();

        @Override
        public HttpRouting.Builder register(HttpService... services) {
            for (HttpService service : services) {
                service.routing(this);
            }
            return this;
        }

        @Override
        public HttpRouting.Builder route(Method method, String path, Handler handler) {
            routes.add(new Route(method, path));
            return this;
        }

        @Override
        public HttpRouting.Builder addFilter(Filter filter) {
            return this;
        }

        @Override
        public HttpRouting.Builder register(String path, HttpService... services) {
            throw unreadable();
        }

        @Override
        public HttpRouting.Builder route(HttpRoute route) {
            throw unreadable();
        }

        @Override
        public HttpRouting.Builder addFeature(Supplier<? extends HttpFeature> feature) {
            throw unreadable();
        }

        @Override
        public <T extends Throwable> HttpRouting.Builder error(Class<T> type, ErrorHandler<? super T> handler) {
            throw unreadable();
        }

        @Override
        public HttpRouting.Builder maxReRouteCount(int maxReRouteCount) {
            throw unreadable();
        }

        @Override
        public HttpRouting.Builder security(HttpSecurity security) {
            throw unreadable();
        }

        @Override
        public HttpRouting.Builder copy() {
            throw unreadable();
        }

        @Override
        public HttpRouting build() {
            throw unreadable();
        }

        private static UnsupportedOperationException unreadable() {
            return new UnsupportedOperationException("the admin API registered something this test cannot list as "
                    + "method and path; teach RecordingRouting to read it, so that its routes are walked too");
        }
    }
}
