package org.openmaas.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.logging.Logger;
import org.openmaas.api.CorsOrigins;
import org.openmaas.api.TrustedProxies;
import org.openmaas.auth.Bootstrap;
import org.openmaas.cli.connection.EnvironmentSource;
import org.openmaas.catalog.ProductChangeException;
import org.openmaas.console.Invitation;
import org.openmaas.server.MaasServer;
import org.openmaas.server.ServerConfig;
import org.openmaas.server.VirtualThreadCarriers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code maas serve}: runs the server until it is stopped (Ctrl-C or SIGTERM), then drains it and exits 0. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the MaaS server: OAuth2 tokens, the model catalog and streamed generation.")
final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger(ServeCommand.class.getName());

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "maas-data",
            description = "Store, signing key, bootstrap credentials and downloaded models (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--model", paramLabel = "PATH",
            description = "A GGUF file to serve as product maas-model-<file name>; repeatable.")
    List<Path> models = new ArrayList<>();

    @Option(names = "--catalog", paramLabel = "FILE", description = "A YAML file declaring the products to serve.")
    Path catalog;

    @Option(names = "--context-length", paramLabel = "TOKENS", defaultValue = "0",
            description = "Tokens per sequence (prompt plus generated) of the products served from model files, "
                    + "--model or the models folder (default: the model's own, at most 4096).")
    int contextLength;

    @Option(names = "--chat-template", paramLabel = "NAME|SOURCE",
            description = "The chat template /v1/chat/completions renders messages with for the products served from "
                    + "model files: a llama.cpp built-in name (chatml, llama3, mistral-v7, ...), a file holding a "
                    + "template source, or the source itself (default: the GGUF's own).")
    String chatTemplate;

    @Option(names = "--slots", defaultValue = "1",
            description = "Sequences each product served from a model file decodes at once (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = "The store's JDBC URL, e.g. jdbc:postgresql://db:5432/maas?user=maas (default: $MAAS_DB_URL, "
                    + "else the embedded H2 file in the data directory). Several instances share one PostgreSQL.")
    String db;

    @Option(names = "--trusted-proxies", paramLabel = "CIDR,...",
            description = "Proxies and load balancers in front of the server, e.g. 10.0.0.0/8,fd00::/8: only their "
                    + "X-Forwarded-For and Forwarded headers name the client (default: $MAAS_TRUSTED_PROXIES, else none).")
    String trustedProxies;

    @Option(names = "--cors-origins", paramLabel = "ORIGIN,...",
            description = "Web origins whose pages may call the OpenAI-compatible and MaaS APIs from a browser, e.g. "
                    + "https://app.example.com,http://localhost:5173, or * for any (default: $MAAS_CORS_ORIGINS, else "
                    + "none).")
    String corsOrigins;

    @Option(names = "--threads", defaultValue = "0",
            description = "llama.cpp threads per model (default: the machine's cores, shared among the models).")
    int threads;

    @Option(names = "--llama-lib", paramLabel = "DIR",
            description = "A folder with your own llama.cpp build of the bundled release (libllama.so, libggml*.so), "
                    + "e.g. with CUDA, Vulkan or ROCm (default: $MAAS_LLAMA_LIB, else the catalog's llama_lib, else the "
                    + "prebuilt libraries scripts/llama-cpp.sh fetches).")
    Path llamaLib;

    @Option(names = "--gpu-layers", defaultValue = "0", paramLabel = "N",
            description = "Model layers to offload to the GPU of a GPU build, -1 for all, for every product whose "
                    + "catalog entry sets no gpu_layers (default: ${DEFAULT-VALUE}).")
    int gpuLayers;

    @Option(names = "--shutdown-grace", defaultValue = "30", paramLabel = "SECONDS",
            description = "On SIGTERM, how long in-flight generations may finish before they are ended (default: ${DEFAULT-VALUE}).")
    long shutdownGraceSeconds;

    @Option(names = "--allow-partial",
            description = "Serve the products whose models loaded even when others cannot (each failure is logged); "
                    + "without it such a start exits non-zero.")
    boolean allowPartial;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws InterruptedException, ExecutionException {
        VirtualThreadCarriers.configure(); // before the server starts its first virtual thread
        MaasServer server = MaasServer.start(config());
        server.bootstrapCredentials().ifPresent(created -> System.out.println(announcement(created)));
        server.firstOperatorInvitation().ifPresent(invitation -> System.out.println(
                operatorAnnouncement(invitation, serverRoot(host, server.port()))));
        Future<String> stop = StopSignals.take();
        if (catalog != null && !StopSignals.onHangup(() -> reload(server))) {
            LOG.warning("this process ignores SIGHUP (inherited: started under nohup?), so "
                    + "SIGHUP cannot reload " + catalog + "; ./maas serve resets it, or start java under `env "
                    + "--default-signal=HUP`; the admin API (/v1/admin/products) changes products meanwhile");
        }
        System.out.println("OpenMaaS is serving " + server.catalog().entries().size() + " product(s) on http://"
                + host + ":" + server.port() + "  (token URL: /oauth2/token, API base: /v1/maas)");
        LOG.info(stop.get() + " received");
        server.close(); // drains while logging still works: the JVM's shutdown begins only once this returns
        return 0;
    }

    /** SIGHUP: the catalog file's changes are applied; a file with a mistake changes nothing. */
    private void reload(MaasServer server) {
        try {
            List<String> changes = server.reloadCatalog();
            LOG.info("SIGHUP: catalog file " + catalog + " reloaded: " + (changes.isEmpty() ? "nothing changed"
                    : String.join(", ", changes) + " (GET /v1/admin/products shows when each serves)"));
        } catch (IllegalArgumentException | ProductChangeException e) {
            LOG.severe("SIGHUP: catalog file " + catalog + " not reloaded, nothing changed: " + e.getMessage());
        }
    }

    /** The configuration the flags give, each unset one from its variable in the root command's environment. */
    ServerConfig config() {
        Map<String, String> environment = EnvironmentSource.of(command);
        Optional<String> database = Optional.ofNullable(db)
                .or(() -> Optional.ofNullable(environment.get(ServerConfig.ENV_DATABASE_URL)))
                .filter(url -> !url.isBlank());
        TrustedProxies proxies = TrustedProxies.parse(Optional.ofNullable(trustedProxies)
                .or(() -> Optional.ofNullable(environment.get(ServerConfig.ENV_TRUSTED_PROXIES))).orElse(""));
        CorsOrigins cors = CorsOrigins.parse(Optional.ofNullable(corsOrigins)
                .or(() -> Optional.ofNullable(environment.get(ServerConfig.ENV_CORS_ORIGINS))).orElse(""));
        Optional<Path> llamaLibrary = Optional.ofNullable(llamaLib)
                .or(() -> Optional.ofNullable(environment.get(ServerConfig.ENV_LLAMA_LIB)).filter(dir -> !dir.isBlank())
                        .map(Path::of));
        return new ServerConfig(host, port, dataDir, models, Optional.ofNullable(catalog), threads,
                Duration.ofSeconds(shutdownGraceSeconds), environment, Clock.systemUTC(), database, proxies,
                allowPartial, cors, new ServerConfig.ModelFlags(contextLength,
                Optional.ofNullable(chatTemplate).map(ServeCommand::templateSource), slots), llamaLibrary, gpuLayers);
    }

    /** The first operator's sign-in link, shown once: the console's only way in on a fresh server. */
    static String operatorAnnouncement(Invitation invitation, String serverRoot) {
        return """

                The console's first operator, %s: set a password and sign in at (once, until %s)
                  %s%s
                """.formatted(invitation.user().email(), invitation.expiresAt(), serverRoot, invitation.path());
    }

    /** The server's root URL for links a person opens: {@code localhost} when it listens on every address. */
    static String serverRoot(String host, int port) {
        String shown = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host.contains(":") ? "[" + host + "]"
                : host;
        return "http://" + shown + ":" + port;
    }

    /** A Jinja source is many lines of quotes and braces, awkward in a shell: a file holding it is read instead. */
    static String templateSource(String value) {
        try {
            Path file = Path.of(value);
            return Files.isRegularFile(file) ? Files.readString(file) : value;
        } catch (InvalidPathException e) {
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the --chat-template file " + value + ": " + e.getMessage(), e);
        }
    }

    /** What the operator reads about the credentials this start created: a first start only when it wrote the file. */
    static String announcement(Bootstrap.Credentials credentials) {
        String created = credentials.file()
                .map(file -> "First start: created a cloud account and an API client (shown once; also in " + file
                        + ", mode 0600)")
                .orElse("Added the API client of " + Bootstrap.ENV_CLIENT_ID + " (" + Bootstrap.FILE_NAME
                        + " keeps the credentials an earlier start wrote)");
        return """

                %s
                  cloud account: %s
                  client id:     %s
                  client secret: %s
                """.formatted(created, credentials.cloudAccountId(), credentials.clientId(), credentials.clientSecret());
    }
}
