package org.openmaas.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openmaas.api.CorsOrigins;
import org.openmaas.api.TrustedProxies;
import org.openmaas.auth.Bootstrap;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.catalog.ModelSource;
import org.openmaas.catalog.Product;
import org.openmaas.catalog.ProductConfig;
import org.openmaas.catalog.PromptFormat;
import org.openmaas.catalog.RemoteEngineConfig;
import org.openmaas.engine.Engine;
import org.openmaas.server.MaasServer;
import org.openmaas.server.ServerConfig;

/**
 * A real OpenMaaS on a loopback port with known bootstrap credentials, and a plain HTTP client to drive it the way
 * the guide's clients do.
 */
public final class TestServer implements AutoCloseable {

    public static final String ACCOUNT = "123456789012";
    public static final String CLIENT_ID = "test-client";
    public static final String CLIENT_SECRET = "test-secret-0123456789";

    public static final ObjectMapper JSON = new ObjectMapper();

    /** The product {@link #scripted} serves. */
    public static final String SCRIPTED_PRODUCT = "maas-model-scripted";

    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
    /** How long a read on a {@link #openRaw} socket may wait: one that waits longer fails its test, never hangs it. */
    public static final Duration READ_PATIENCE = Duration.ofSeconds(30);

    private final MaasServer server;
    private final Path dataDir;
    private final HttpClient http = HttpClient.newHttpClient();

    private TestServer(MaasServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    /** A server on its own data directory serving {@code models} (each as maas-model-<file name>). */
    public static TestServer serving(List<Path> models) {
        return start(models, Optional.empty(), Map.of(), Clock.systemUTC());
    }

    /** Like {@link #serving(List)} with {@code --allow-partial}: the models that cannot load are left out. */
    public static TestServer servingWhatLoads(List<Path> models) {
        Path dataDir = tempDataDir();
        ServerConfig config = config(dataDir, models, Optional.empty(), Map.of(), Clock.systemUTC(), Optional.empty(),
                SHUTDOWN_GRACE, TrustedProxies.NONE, true);
        return new TestServer(MaasServer.start(config), dataDir);
    }

    public static TestServer withCatalog(Path catalog) {
        return start(List.of(), Optional.of(catalog), Map.of(), Clock.systemUTC());
    }

    public static TestServer start(List<Path> models, Optional<Path> catalog, Map<String, String> extraEnv,
                                   Clock clock) {
        return startIn(tempDataDir(), models, catalog, extraEnv, clock);
    }

    private static Path tempDataDir() {
        try {
            return Files.createTempDirectory("maas-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server on {@code dataDir}, which may already hold a store and models. */
    public static TestServer startIn(Path dataDir, List<Path> models, Optional<Path> catalog,
                                     Map<String, String> extraEnv, Clock clock) {
        return startIn(dataDir, models, catalog, extraEnv, clock, Optional.empty());
    }

    /** A server on {@code dataDir} whose store is {@code databaseUrl} (empty: the H2 file in {@code dataDir}). */
    public static TestServer startIn(Path dataDir, List<Path> models, Optional<Path> catalog,
                                     Map<String, String> extraEnv, Clock clock, Optional<String> databaseUrl) {
        ServerConfig config = config(dataDir, models, catalog, extraEnv, clock, databaseUrl, SHUTDOWN_GRACE,
                TrustedProxies.NONE, false);
        return new TestServer(MaasServer.start(config), dataDir);
    }

    /**
     * A server whose products are {@code products} (see {@link #product}): the real routes, credentials, store and
     * metering in front of engines of the test's making, so nothing waits for llama.cpp or depends on its speed.
     */
    public static TestServer serving(CatalogEntry... products) {
        return serving(SHUTDOWN_GRACE, products);
    }

    /** {@link #serving(CatalogEntry...)}, stopping with {@code shutdownGrace} for in-flight generations. */
    public static TestServer serving(Duration shutdownGrace, CatalogEntry... products) {
        return servingIn(tempDataDir(), Optional.empty(), Clock.systemUTC(), shutdownGrace, products);
    }

    /** {@link #serving(CatalogEntry...)} on {@code clock}. */
    public static TestServer serving(Clock clock, CatalogEntry... products) {
        return servingIn(tempDataDir(), Optional.empty(), clock, SHUTDOWN_GRACE, products);
    }

    /** {@link #serving(CatalogEntry...)} on {@code dataDir} and the store {@code databaseUrl} (empty: H2 there). */
    public static TestServer servingIn(Path dataDir, Optional<String> databaseUrl, Clock clock, Duration shutdownGrace,
                                       CatalogEntry... products) {
        return servingIn(dataDir, databaseUrl, clock, shutdownGrace, TrustedProxies.NONE, products);
    }

    /**
     * {@link #serving(Clock, CatalogEntry...)} behind {@code proxies}: requests from them (the test itself, at
     * 127.0.0.1, when they hold it) name their client in {@code X-Forwarded-For} or {@code Forwarded}.
     */
    public static TestServer servingBehind(TrustedProxies proxies, Clock clock, CatalogEntry... products) {
        return servingIn(tempDataDir(), Optional.empty(), clock, SHUTDOWN_GRACE, proxies, products);
    }

    private static TestServer servingIn(Path dataDir, Optional<String> databaseUrl, Clock clock,
                                        Duration shutdownGrace, TrustedProxies proxies, CatalogEntry... products) {
        ServerConfig config = config(dataDir, List.of(), Optional.empty(), Map.of(), clock, databaseUrl,
                shutdownGrace, proxies, false);
        return new TestServer(MaasServer.start(config, catalog -> List.of(products).forEach(catalog::add)), dataDir);
    }

    /** {@link #serving(CatalogEntry...)} answering browsers' CORS requests from {@code origins}. */
    public static TestServer servingPagesOf(CorsOrigins origins, CatalogEntry... products) {
        Path dataDir = tempDataDir();
        ServerConfig config = config(dataDir, List.of(), Optional.empty(), Map.of(), Clock.systemUTC(),
                Optional.empty(), SHUTDOWN_GRACE, TrustedProxies.NONE, false).withCorsOrigins(origins);
        return new TestServer(MaasServer.start(config, catalog -> List.of(products).forEach(catalog::add)), dataDir);
    }

    /** A server with one product, {@value #SCRIPTED_PRODUCT}, served by {@code engine}. */
    public static TestServer scripted(Engine engine) {
        return serving(product(SCRIPTED_PRODUCT, engine));
    }

    /** A product of raw prompts named {@code productName}, of model {@code scripted/<productName>}, served by {@code engine}. */
    public static CatalogEntry product(String productName, Engine engine) {
        return product(productName, "scripted/" + productName, PromptFormat.RAW, false, engine);
    }

    /** A product as the catalog holds it, served by {@code engine} with the model's own context and slots. */
    public static CatalogEntry product(String productName, String modelName, PromptFormat format,
                                       boolean reproducible, Engine engine) {
        ProductConfig config = new ProductConfig(productName, ProductConfig.stableId(productName), modelName,
                new ModelSource.LocalFile(Path.of(productName + ".gguf")), 0, format, null, engine.load().slots(),
                ProductConfig.DEFAULT_MAX_QUEUED, reproducible, ProductConfig.DEFAULT_PREFILL_CHUNK);
        return new CatalogEntry(new Product(productName, config.productId(), modelName), config, engine);
    }

    /**
     * A product served elsewhere, as a catalog's {@code engine:} block declares it, whose engine is {@code engine}
     * (a pool over a test's upstream): raw prompts, model {@code remote/<productName>}.
     */
    public static CatalogEntry remoteProduct(String productName, RemoteEngineConfig remote, Engine engine) {
        ProductConfig config = new ProductConfig(productName, ProductConfig.stableId(productName),
                "remote/" + productName, new ModelSource.Remote(remote), engine.model().contextLength(),
                PromptFormat.RAW, null, 1, ProductConfig.DEFAULT_MAX_QUEUED, false, ProductConfig.DEFAULT_PREFILL_CHUNK);
        return new CatalogEntry(new Product(productName, config.productId(), config.modelName()), config, engine);
    }

    private static ServerConfig config(Path dataDir, List<Path> models, Optional<Path> catalog,
                                       Map<String, String> extraEnv, Clock clock, Optional<String> databaseUrl,
                                       Duration shutdownGrace, TrustedProxies proxies, boolean allowPartial) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put(Bootstrap.ENV_ACCOUNT, ACCOUNT);
        env.put(Bootstrap.ENV_CLIENT_ID, CLIENT_ID);
        env.put(Bootstrap.ENV_CLIENT_SECRET, CLIENT_SECRET);
        // One llama.cpp thread: no test measures speed, and multi-threaded decoding stalls under CPU contention.
        return new ServerConfig("127.0.0.1", 0, dataDir, models, catalog, 1, shutdownGrace, env, clock, databaseUrl,
                proxies, allowPartial, CorsOrigins.NONE, ServerConfig.ModelFlags.DEFAULTS, Optional.empty(), 0);
    }

    public MaasServer server() {
        return server;
    }

    public Path dataDir() {
        return dataDir;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** A token for the bootstrap client, fetched as the guide's script does (HTTP Basic, form body). */
    public String token() {
        HttpResponse<String> response = tokenRequest("grant_type=client_credentials", basic(CLIENT_ID, CLIENT_SECRET));
        if (response.statusCode() != 200) {
            throw new AssertionError("token request failed: " + response.statusCode() + " " + response.body());
        }
        return json(response.body()).get("access_token").asText();
    }

    /** A client of the admin API's making, with its secret. */
    public record Client(String account, String id, String secret) {
        @Override
        public String toString() {
            return "Client[account=" + account + ", id=" + id + "]";
        }
    }

    /** A new cloud account, made through the admin API with the bootstrap client's token. */
    public String newAccount() {
        HttpResponse<String> created = send("POST", "/v1/admin/accounts", token(),
                "{\"name\": \"team-" + UUID.randomUUID() + "\"}");
        if (created.statusCode() != 201) {
            throw new AssertionError("account creation failed: " + created.statusCode() + " " + created.body());
        }
        return json(created.body()).get("id").asText();
    }

    /** A client of a new cloud account holding {@code scopes}, made through the admin API. */
    public Client newClient(String... scopes) {
        String account = newAccount();
        HttpResponse<String> created = send("POST", "/v1/admin/clients", token(), "{\"cloud_account_id\": \""
                + account + "\", \"name\": \"app\", \"scopes\": [" + String.join(", ",
                java.util.Arrays.stream(scopes).map(TestServer::quote).toList()) + "]}");
        if (created.statusCode() != 201) {
            throw new AssertionError("client creation failed: " + created.statusCode() + " " + created.body());
        }
        JsonNode client = json(created.body());
        return new Client(account, client.get("client_id").asText(), client.get("client_secret").asText());
    }

    /** A new API key of the bootstrap client, made with its token as a tool's user would. */
    public String apiKey() {
        return apiKey(token());
    }

    /** A new API key of the client whose access token is {@code token}. */
    public String apiKey(String token) {
        HttpResponse<String> response = post("/v1/api-keys", token, "{\"name\": \"test\"}");
        if (response.statusCode() != 201) {
            throw new AssertionError("API key request failed: " + response.statusCode() + " " + response.body());
        }
        return json(response.body()).get("key").asText();
    }

    /** A token for any client, or an AssertionError with the server's answer. */
    public String token(String clientId, String secret) {
        HttpResponse<String> response = tokenRequest("grant_type=client_credentials", basic(clientId, secret));
        if (response.statusCode() != 200) {
            throw new AssertionError("token request failed: " + response.statusCode() + " " + response.body());
        }
        return json(response.body()).get("access_token").asText();
    }

    /** Any method with an optional JSON body (null for none). */
    public HttpResponse<String> send(String method, String path, String token, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).method(method,
                jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    /** A token request with {@code headers} (name, value, name, value...) besides the form's and authorization's. */
    public HttpResponse<String> tokenRequest(String form, String authorization, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (headers.length > 0) {
            request.headers(headers);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build());
    }

    public HttpResponse<String> get(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    public HttpResponse<String> post(String path, String token, String jsonBody) {
        return send(postRequest(path, token, jsonBody));
    }

    public HttpRequest postRequest(String path, String token, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    /**
     * POSTs any bytes at all with {@code headers}, for fuzzing: waits at most {@code timeout} for the whole response,
     * so that a request the server never answers fails its test instead of hanging it.
     */
    public HttpResponse<String> post(String path, Map<String, String> headers, byte[] body, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    /** Posts to generatestream and reads every NDJSON line. */
    public Stream stream(String token, String jsonBody) {
        HttpResponse<String> response = post("/v1/maas/generatestream", token, jsonBody);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank()) {
                lines.add(json(line));
            }
        }
        return new Stream(response, lines);
    }

    /** Opens generatestream and hands back the live body, for tests that read a little and hang up. */
    public HttpResponse<InputStream> open(String token, String jsonBody) {
        try {
            return http.send(postRequest("/v1/maas/generatestream", token, jsonBody), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts a generatestream over a plain socket, as a client that can truly hang up: closing the returned socket
     * closes the TCP connection (the JDK HttpClient may keep a half-read connection open). The response head has
     * been read and was a 200 (anything else fails the test); the socket's input continues with the chunked body.
     * Its reads wait at most {@link #READ_PATIENCE}.
     */
    public Socket openRaw(String token, String jsonBody) {
        return openRaw("/v1/maas/generatestream", token, jsonBody);
    }

    /** {@link #openRaw(String, String)} on another route. */
    public Socket openRaw(String path, String token, String jsonBody) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
            socket.setSoTimeout((int) READ_PATIENCE.toMillis());
            byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
            String request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + token + "\r\nContent-Length: " + body.length + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the server closed the connection before answering");
                }
                head.append((char) b);
            }
            if (!head.toString().startsWith("HTTP/1.1 200")) {
                socket.close();
                throw new AssertionError(path + " was refused: " + head.toString().lines().findFirst().orElse(""));
            }
            return socket;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // the test fails with the reason that made it close the socket
        }
    }

    public record Stream(HttpResponse<String> response, List<JsonNode> lines) {
        public JsonNode last() {
            return lines.getLast().path("result").path("response");
        }

        public String text() {
            StringBuilder text = new StringBuilder();
            for (JsonNode line : lines) {
                JsonNode token = line.path("result").path("response").path("token");
                if (!token.path("special").asBoolean()) {
                    text.append(token.path("text").asText());
                }
            }
            return text.toString();
        }

        public List<Integer> tokenIds() {
            return lines.stream().map(l -> l.path("result").path("response").path("token").path("id").asInt()).toList();
        }
    }

    /** The request body of the guide's script for the first catalog product, with {@code params} as given. */
    public String body(String prompt, String paramsJson) {
        JsonNode product = json(get("/v1/maas/models", token()).body()).get("models").get(0);
        return """
                {"model": "%s", "request": {"prompt": %s, "params": %s}, "cloudAccountId": "%s",
                 "productName": "%s", "productId": "%s"}"""
                .formatted(product.get("model_name").asText(), quote(prompt), paramsJson, ACCOUNT,
                        product.get("product_name").asText(), product.get("product_id").asText());
    }

    public static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    public static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** Any request, answered as text. */
    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static List<String> readLines(InputStream in, int count) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        String line;
        while (lines.size() < count && (line = reader.readLine()) != null) {
            lines.add(line);
        }
        return lines;
    }

    @Override
    public void close() {
        server.close();
    }
}
