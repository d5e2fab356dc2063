package org.openmaas.server;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.openmaas.accounts.Accounts;
import org.openmaas.accounts.Clients;
import org.openmaas.accounts.Usage;
import org.openmaas.api.AccessLog;
import org.openmaas.api.ApiException;
import org.openmaas.api.BearerAuth;
import org.openmaas.api.ClientAddress;
import org.openmaas.api.CorsFilter;
import org.openmaas.api.CorsOrigins;
import org.openmaas.api.ErrorReply;
import org.openmaas.api.ErrorTable;
import org.openmaas.api.GenerationRunner;
import org.openmaas.api.Readiness;
import org.openmaas.api.Exchange;
import org.openmaas.api.OpenApiDocument;
import org.openmaas.api.admin.AdminApi;
import org.openmaas.api.console.ConsoleApi;
import org.openmaas.api.maas.MaasApi;
import org.openmaas.api.openai.ApiKeysApi;
import org.openmaas.api.openai.OpenAiApi;
import org.openmaas.api.oauth.TokenEndpoint;
import org.openmaas.auth.ApiKeys;
import org.openmaas.auth.Bootstrap;
import org.openmaas.auth.Entitlements;
import org.openmaas.auth.GuessingGuard;
import org.openmaas.auth.SigningKeys;
import org.openmaas.auth.TokenService;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.CatalogFile;
import org.openmaas.catalog.ProductLifecycle;
import org.openmaas.console.AccountCredentials;
import org.openmaas.console.ConsoleSettings;
import org.openmaas.console.FirstOperator;
import org.openmaas.console.Invitation;
import org.openmaas.console.Sessions;
import org.openmaas.console.Users;
import org.openmaas.metrics.Refusals;
import org.openmaas.metrics.ServingMetrics;
import org.openmaas.store.ApiKeyStore;
import org.openmaas.store.CredentialStore;
import org.openmaas.store.Database;
import org.openmaas.store.GuessingStore;
import org.openmaas.store.MeteringStore;
import org.openmaas.store.SessionStore;
import org.openmaas.store.SigningKeyStore;
import org.openmaas.store.UserStore;
import org.openmaas.metering.Admission;
import org.openmaas.metering.UsageJournal;

/**
 * One running OpenMaaS: store, credentials, catalog, engines and the HTTP server, started in that order and stopped
 * in reverse. The HTTP server answers {@code /health} and {@code /ready} while models load.
 */
public final class MaasServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MaasServer.class.getName());

    /** How often the usage journal is replayed and old rate and guessing windows are forgotten. */
    static final Duration HOUSEKEEPING_EVERY = Duration.ofSeconds(2);
    /** After the engines stop, how long request threads get to write their streams' last lines. */
    private static final Duration LAST_LINES = Duration.ofSeconds(2);

    private final ServerConfig config;
    private final Database database;
    private final Catalog catalog;
    private final ProductLifecycle products;
    private final Readiness readiness;
    private final InFlight inFlight;
    private final WebServer webServer;
    private final Optional<Bootstrap.Credentials> bootstrap;
    private final Optional<Invitation> firstOperator;
    private final Admission admission;
    private final ScheduledExecutorService housekeeping;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private MaasServer(ServerConfig config, Database database, Catalog catalog, ProductLifecycle products,
                       Readiness readiness,
                       InFlight inFlight, WebServer webServer, Optional<Bootstrap.Credentials> bootstrap,
                       Optional<Invitation> firstOperator, Admission admission,
                       ScheduledExecutorService housekeeping) {
        this.config = config;
        this.database = database;
        this.catalog = catalog;
        this.products = products;
        this.readiness = readiness;
        this.inFlight = inFlight;
        this.webServer = webServer;
        this.bootstrap = bootstrap;
        this.firstOperator = firstOperator;
        this.admission = admission;
        this.housekeeping = housekeeping;
    }

    /**
     * Starts everything and returns once every product's model has loaded or failed to. The models are checked first,
     * so a start that fails on one has created no store, credentials or keys in the data directory.
     */
    public static MaasServer start(ServerConfig config) {
        ListenPort.requireFree(config.host(), config.port());
        ModelLoader models = new ModelLoader(config);
        List<ModelLoader.Checked> checked = models.check();
        return start(config, catalog -> models.loadInto(catalog, checked));
    }

    /**
     * Starts everything, serving the products {@code loader} adds to the catalog instead of those {@code config}
     * names: the seam where tests put engines of their own behind the real routes, store and metering.
     */
    public static MaasServer start(ServerConfig config, Consumer<Catalog> loader) {
        ListenPort.requireFree(config.host(), config.port());
        ConsoleSettings consoleSettings = ConsoleSettings.of(config.environment());
        createDirectories(config);
        Database database = config.databaseUrl().map(Database::open).orElseGet(() -> Database.embedded(config.dataDir()));
        LOG.info("store: " + (config.databaseUrl().isPresent() ? "PostgreSQL" : "embedded H2 in " + config.dataDir()));
        if (!config.trustedProxies().blocks().isEmpty()) {
            LOG.info("trusted proxies: " + config.trustedProxies().blocks());
        }
        if (!config.corsOrigins().isEmpty()) {
            LOG.info("browser pages may call the APIs from: " + config.corsOrigins());
        }
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("maas-housekeeping").daemon().factory());
        try {
            CredentialStore credentials = new CredentialStore(database);
            Optional<Bootstrap.Credentials> bootstrap =
                    Bootstrap.ensure(credentials, config.dataDir(), config.environment(), config.clock());
            SigningKeys keys = SigningKeys.open(new SigningKeyStore(database),
                    config.dataDir().resolve("signing-key.jwk.json"), config.clock());
            TokenService tokens = new TokenService(keys, credentials, config.clock());
            ApiKeys apiKeys = new ApiKeys(new ApiKeyStore(database), config.clock());
            MeteringStore metering = new MeteringStore(database);
            GuessingGuard guard = new GuessingGuard(new GuessingStore(database), config.clock());
            Entitlements entitlements = new Entitlements(credentials, config.clock());
            UserStore userStore = new UserStore(database);
            SessionStore sessionStore = new SessionStore(database);
            Users users = new Users(userStore, sessionStore, credentials, consoleSettings, config.clock());
            Sessions sessions = new Sessions(sessionStore, userStore, consoleSettings, config.clock());
            Optional<Invitation> firstOperator = FirstOperator.ensure(users, config.environment());
            Admission admission = new Admission(entitlements, metering, new UsageJournal(config.dataDir(), metering),
                    InstanceId.of(config.dataDir()), config.clock());
            int interrupted = admission.recover();
            if (interrupted > 0) {
                LOG.warning(interrupted + " usage record(s) left open by this instance's previous run were closed as "
                        + "interrupted");
            }
            housekeeping.scheduleWithFixedDelay(() -> runHousekeeping(() -> {
                admission.housekeeping();
                guard.housekeeping();
                sessions.housekeeping();
                users.housekeeping();
            }), HOUSEKEEPING_EVERY.toMillis(), HOUSEKEEPING_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            Catalog catalog = new Catalog();
            Readiness readiness = new Readiness();
            ModelLoader models = new ModelLoader(config);
            ProductLifecycle products = new ProductLifecycle(catalog, product -> models.load(product, catalog),
                    () -> readyWhenServing(catalog, readiness));
            Services services = new Services(tokens, guard, new ClientAddress(config.trustedProxies()), apiKeys,
                    credentials, entitlements, metering, admission, catalog, products, readiness, config.clock(),
                    config.corsOrigins(), config.environment(), productsBaseDir(config), users, sessions);
            InFlight inFlight = new InFlight();
            WebServer webServer = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    .shutdownHook(false) // MaasServer.close() drains first; Helidon's own hook would cut streams
                    // A stream's lines are small writes: with Nagle's algorithm (Helidon's default) each waited for
                    // the client's delayed ACK of the one before, up to 40 ms for a first token.
                    .connectionOptions(socket -> socket.tcpNoDelay(true))
                    // Requests refused before routing (headers over Helidon's 16 KiB, a broken request line) get the
                    // same JSON error bodies as the rest, not Helidon's empty 400.
                    .directHandlers(handlers -> {
                        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
                            handlers.addHandler(type, MaasServer::transportError);
                        }
                    })
                    .routing(routing -> routing(routing.addFilter(inFlight), services))
                    .build()
                    .start();
            if (webServer.port() < 0) {
                throw ListenPort.taken(config.host(), config.port()); // taken between the check and the start
            }
            MaasServer server = new MaasServer(config, database, catalog, products, readiness, inFlight, webServer, bootstrap,
                    firstOperator, admission, housekeeping);
            LOG.info("listening on http://" + config.host() + ":" + webServer.port());
            try {
                loader.accept(catalog);
            } catch (RuntimeException e) {
                server.close(); // a start that fails stops what it started: the listener and the engines that loaded
                throw e;
            }
            products.adoptLoaded();
            if (catalog.isEmpty()) {
                readiness.notReady("no model could be loaded; see the log above");
                LOG.severe("no product could be loaded: /v1/maas/models is empty and /ready answers 503");
            } else {
                readiness.ready();
            }
            return server;
        } catch (RuntimeException e) {
            housekeeping.shutdownNow();
            database.close();
            throw e;
        }
    }

    /** What the routes are built from. */
    record Services(TokenService tokens, GuessingGuard guard, ClientAddress clientAddress, ApiKeys apiKeys,
                    CredentialStore credentials, Entitlements entitlements, MeteringStore metering, Admission admission,
                    Catalog catalog, ProductLifecycle products, Readiness readiness, Clock clock,
                    CorsOrigins corsOrigins, Map<String, String> environment, Path productsBaseDir, Users users,
                    Sessions sessions) {
    }

    /**
     * After a run-time change: a server that had no product (or has none left) takes requests as soon as one serves,
     * and says it has none once the last one is removed. The lifecycle is closed before the server stops, so this
     * never undoes the stop's "not ready".
     */
    private static void readyWhenServing(Catalog catalog, Readiness readiness) {
        if (catalog.isEmpty()) {
            readiness.notReady("no product is serving: GET /v1/admin/products says why");
        } else {
            readiness.ready();
        }
    }

    /** Where a product added at run time finds a relative model path: beside the catalog file, as its entries do. */
    private static Path productsBaseDir(ServerConfig config) {
        return config.catalogFile().map(f -> f.toAbsolutePath().getParent()).orElse(Path.of("").toAbsolutePath());
    }

    /** The routes of the whole server; {@code main} and the tests both build it here. */
    static void routing(HttpRouting.Builder routing, Services s) {
        BearerAuth auth = new BearerAuth(s.tokens(), s.apiKeys());
        ServingMetrics metrics = new ServingMetrics(s.catalog());
        Refusals refusals = new Refusals(metrics);
        GenerationRunner runner = new GenerationRunner(s.readiness(), s.admission(), metrics, refusals);
        // ConnectionClose outside AccessLog: a request's record is written before its connection is closed.
        routing.addFilter(new ConnectionClose())
                .addFilter(new AccessLog())
                .addFilter(new CorsFilter(s.corsOrigins()))
                .register(new HealthApi(s.readiness(), s.catalog(), s.products()))
                .register(new MetricsApi(metrics))
                .register(new TokenEndpoint(s.tokens(), s.guard(), s.clientAddress()))
                .register(new MaasApi(s.catalog(), auth, s.entitlements(), runner))
                .register(new OpenAiApi(s.catalog(), auth, s.entitlements(), runner, s.clock()))
                .register(new ApiKeysApi(auth, s.apiKeys()))
                .register(new OpenApiDocument());
        Accounts accounts = new Accounts(s.credentials(), s.metering(), s.admission(), s.catalog(), s.clock());
        Clients clients = new Clients(s.credentials(), s.apiKeys(), s.clock());
        Usage usage = new Usage(s.credentials(), s.metering(), s.admission());
        AdminApi.register(routing, auth, accounts, clients, usage, s.tokens().keys(), refusals, s.catalog(),
                s.products(), s.productsBaseDir(), s.environment(), s.users());
        ConsoleApi.register(routing, new ConsoleApi.Services(s.users(), s.sessions(), s.guard(), s.clientAddress(),
                s.credentials(), accounts, usage, new AccountCredentials(clients, s.tokens()), s.entitlements(),
                s.catalog(), s.products(), metrics, s.clock()));
        routing.any(MaasServer::noRoute)
                .error(Throwable.class, MaasServer::error);
    }

    private static void runHousekeeping(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.fine("housekeeping skipped: " + e.getMessage());
        }
    }

    /** Unknown paths and wrong methods get the same JSON error shape as everything else on their API. */
    private static void noRoute(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        String method = req.prologue().method().text();
        String allowed = allowedMethods(path);
        if (allowed == null && allowedMethods("/v1" + path) != null) {
            // An OpenAI client whose base URL lacks /v1 (or a MaaS one without it) lands here: say what to add.
            throw new ApiException.NotFound("no such endpoint: " + method + " " + path + "; the API is under /v1: "
                    + method + " /v1" + path + (openAiShaped(path)
                    ? " (an OpenAI client's base URL is this server's URL followed by /v1)"
                    : " (the MaaS API's base URL is this server's URL followed by /v1/maas)"));
        }
        if (allowed == null && path.startsWith("/v1/admin/")) {
            throw new ApiException.NotFound("no such admin endpoint: " + method + " " + path
                    + "; the admin API has /v1/admin/accounts, /v1/admin/clients (and their api-keys), "
                    + "/v1/admin/usage, /v1/admin/signing-keys, /v1/admin/engines and /v1/admin/products (see the README's operator section)");
        }
        if (allowed == null && OpenAiApi.owns(path)) {
            throw new ApiException.NotFound("Invalid URL (" + method + " " + path + "); the OpenAI-compatible API is "
                    + "GET /v1/models, POST /v1/chat/completions, POST /v1/completions and /v1/api-keys");
        }
        if (allowed == null) {
            throw new ApiException.NotFound("no such endpoint: " + method + " " + path
                    + "; the MaaS API is POST /oauth2/token, GET /v1/maas/models, POST /v1/maas/generatestream, "
                    + "POST /v1/maas/generate; GET /openapi.json describes every route");
        }
        res.header(HeaderNames.ALLOW, allowed);
        throw new HttpException(method + " is not allowed on " + path + "; use " + allowed
                + (allowed.equals("POST") ? " with a request body" : ""), Status.METHOD_NOT_ALLOWED_405, true);
    }

    /** The methods a path outside the admin API takes, or null when there is no such path. */
    private static String allowedMethods(String path) {
        return switch (path) {
            case "/oauth2/token", "/v1/maas/generatestream", "/v1/maas/generate", "/v1/chat/completions",
                 "/v1/completions" -> "POST";
            case "/v1/maas/models", "/health", "/ready", "/metrics", "/v1/models", "/openapi.json" -> "GET";
            case "/v1/api-keys" -> "GET, POST";
            default -> path.startsWith("/v1/models/") ? "GET" : path.startsWith("/v1/api-keys/") ? "DELETE" : null;
        };
    }

    /** Whether a path's errors take OpenAI's shape: its API's own paths, and theirs without {@code /v1}. */
    private static boolean openAiShaped(String path) {
        return OpenAiApi.owns(path) || (!path.startsWith("/v1/") && OpenAiApi.owns("/v1" + path)
                && allowedMethods("/v1" + path) != null);
    }

    /**
     * Every failure becomes an error body through the one table, in OpenAI's shape on the OpenAI-compatible API and
     * in the console's under {@code /console}.
     */
    private static void error(ServerRequest req, ServerResponse res, Throwable failure) {
        String requestId = req.context().get(Exchange.class).map(Exchange::requestId).orElse("-");
        ErrorReply reply = ErrorTable.reply(failure, requestId);
        if (res.isSent()) {
            return;
        }
        res.status(reply.status());
        if (reply.retryAfterSeconds() > 0) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(reply.retryAfterSeconds()));
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(errorBody(req.path().path(), reply));
    }

    private static byte[] errorBody(String path, ErrorReply reply) {
        if (path.equals(TokenEndpoint.PATH)) {
            return TokenEndpoint.invalidRequest(reply.message());
        }
        return path.startsWith("/console/") ? reply.consoleBody() : openAiShaped(path) ? reply.openAiBody() : reply.body();
    }

    /** Helidon's answer to a request it refused before routing, with the route's JSON error body. */
    private static DirectHandler.TransportResponse transportError(DirectHandler.TransportRequest request,
                                                                  DirectHandler.EventType type, Status status,
                                                                  ServerResponseHeaders headers, String message) {
        // Helidon says nothing of a bad request line or header (its message is blank): say what is allowed.
        String why = message != null && !message.isBlank() ? message
                : type == DirectHandler.EventType.BAD_REQUEST ? "a malformed request line or header, or headers over "
                        + "16 KiB in all" : status.reasonPhrase();
        ErrorReply reply = ErrorTable.reply(new HttpException("the request could not be read as HTTP/1.1: " + why,
                status), "-");
        headers.set(HeaderNames.CONTENT_TYPE, "application/json");
        return DirectHandler.TransportResponse.builder().status(status).headers(headers)
                .keepAlive(type.keepAlive()).entity(errorBody(request.path(), reply)).build();
    }

    public int port() {
        return webServer.port();
    }

    public Catalog catalog() {
        return catalog;
    }

    /** Products added, changed and removed while the server runs. */
    public ProductLifecycle products() {
        return products;
    }

    /**
     * Makes the products those of the catalog file as it is now, as the admin calls would: products no longer in it
     * are removed (those added through the admin API too: the file is the source of truth), new ones added, changed
     * ones loaded again; the others keep their engines.
     *
     * @return what changed, one line per product
     * @throws IllegalArgumentException when the file has a mistake (nothing is changed then)
     */
    public List<String> reloadCatalog() {
        Path file = config.catalogFile().orElseThrow(() -> new IllegalStateException(
                "the server was started without --catalog: there is no catalog file to reload"));
        return products.apply(CatalogFile.read(file, config.environment()));
    }

    public Readiness readiness() {
        return readiness;
    }

    /** Where generation requests are admitted and metered. */
    public Admission admission() {
        return admission;
    }

    /** The console's first operator's invite link, made by this start (on a store without operators) to show once. */
    public Optional<Invitation> firstOperatorInvitation() {
        return firstOperator;
    }

    /** The credentials this start created, shown to the operator once. */
    public Optional<Bootstrap.Credentials> bootstrapCredentials() {
        return bootstrap;
    }

    /**
     * Stops gracefully: refuses new generations at once ({@code /ready} turns false, new requests get 503), lets
     * in-flight generations run for the configured grace period, ends the rest with a stream error line, settles
     * their usage, then stops listening. Safe to call more than once.
     */
    @Override
    public void close() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        products.stopChanges();
        readiness.notReady("the server is shutting down");
        LOG.info("stopping: new generations are refused; " + busyEngines() + " in flight may finish within the grace "
                + "period of " + config.shutdownGrace().toSeconds() + " s");
        Instant deadline = Instant.now().plus(config.shutdownGrace());
        while (busyEngines() > 0 && Instant.now().isBefore(deadline)) {
            sleep(Duration.ofMillis(50));
        }
        int cut = busyEngines();
        if (cut > 0) {
            LOG.warning("the shutdown grace period of " + config.shutdownGrace().toSeconds() + " s is over; ending "
                    + cut + " generation(s) with an error line");
        }
        products.close();
        catalog.close();
        inFlight.awaitNone(LAST_LINES);
        webServer.stop();
        housekeeping.shutdownNow();
        admission.settleEnded();
        runHousekeeping(admission::housekeeping);
        database.close();
        LOG.info("stopped");
    }

    private int busyEngines() {
        return catalog.entries().stream().mapToInt(e -> e.engine().load().active() + e.engine().load().queued()).sum()
                + products.drainingGenerations();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void createDirectories(ServerConfig config) {
        try {
            Files.createDirectories(config.modelsDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + config.dataDir(), e);
        }
    }
}
