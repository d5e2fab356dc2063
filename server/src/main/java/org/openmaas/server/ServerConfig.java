package org.openmaas.server;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.openmaas.api.CorsOrigins;
import org.openmaas.api.TrustedProxies;

/**
 * Everything {@code maas serve} is started with.
 *
 * @param port        0 picks a free port (tests)
 * @param models      GGUF files to serve as products named after their files
 * @param catalogFile products declared explicitly
 * @param threads     llama.cpp threads per engine; 0 for the machine's cores
 * @param shutdownGrace how long in-flight generations may run on once the server starts to stop
 * @param environment bootstrap credentials and hub settings are read from here
 * @param databaseUrl a JDBC URL of the store (PostgreSQL); empty for the embedded H2 file in the data directory
 * @param trustedProxies the proxies whose {@code X-Forwarded-For} and {@code Forwarded} headers name the client
 * @param allowPartial serve the products whose models loaded when others cannot, instead of refusing to start
 * @param corsOrigins the web origins whose pages may call the APIs from a browser
 * @param modelFlags  how the products of {@code models} (or of the models folder) are served
 * @param llamaLibrary the folder of the llama.cpp build to load ({@code --llama-lib}, {@code MAAS_LLAMA_LIB}); empty
 *                     for the catalog's {@code llama_lib}, else the one {@code scripts/llama-cpp.sh libs} fills
 * @param gpuLayers    layers offloaded to the GPU for the products whose catalog entry does not say (-1: all)
 */
public record ServerConfig(String host, int port, Path dataDir, List<Path> models, Optional<Path> catalogFile,
                           int threads, Duration shutdownGrace, Map<String, String> environment, Clock clock,
                           Optional<String> databaseUrl, TrustedProxies trustedProxies, boolean allowPartial,
                           CorsOrigins corsOrigins, ModelFlags modelFlags, Optional<Path> llamaLibrary,
                           int gpuLayers) {

    /**
     * What {@code --context-length}, {@code --chat-template} and {@code --slots} set for products that come from model
     * files rather than from a catalog file (where each product has its own {@code context_length},
     * {@code chat_template} and {@code slots}).
     *
     * @param contextLength tokens per sequence; 0 for the model's own
     * @param chatTemplate  a built-in llama.cpp template name or a template source; empty for the GGUF's own
     * @param slots         sequences decoded at once
     */
    public record ModelFlags(int contextLength, Optional<String> chatTemplate, int slots) {

        public static final ModelFlags DEFAULTS = new ModelFlags(0, Optional.empty(), 1);

        public ModelFlags {
            Objects.requireNonNull(chatTemplate, "chatTemplate");
            if (contextLength < 0) {
                throw new IllegalArgumentException("--context-length must be a number of tokens >= 1 (or 0 for the "
                        + "model's own), got " + contextLength);
            }
            if (slots < 1 || slots > 64) {
                throw new IllegalArgumentException("--slots must be between 1 and 64, got " + slots);
            }
            if (chatTemplate.isPresent() && chatTemplate.get().isBlank()) {
                throw new IllegalArgumentException("--chat-template must name a template (e.g. chatml, llama3) or "
                        + "give its source, not be blank");
            }
        }
    }

    /** The variable that gives the database URL when {@code --db} does not. */
    public static final String ENV_DATABASE_URL = "MAAS_DB_URL";

    /** The variable that names the llama.cpp build to load when {@code --llama-lib} does not. */
    public static final String ENV_LLAMA_LIB = "MAAS_LLAMA_LIB";

    /** The variable that lists the trusted proxies when {@code --trusted-proxies} does not. */
    public static final String ENV_TRUSTED_PROXIES = "MAAS_TRUSTED_PROXIES";

    /** The variable that lists the allowed CORS origins when {@code --cors-origins} does not. */
    public static final String ENV_CORS_ORIGINS = "MAAS_CORS_ORIGINS";

    public static final int DEFAULT_PORT = 8080;
    public static final Path DEFAULT_DATA_DIR = Path.of("maas-data");

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(catalogFile, "catalogFile");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(databaseUrl, "databaseUrl");
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        Objects.requireNonNull(corsOrigins, "corsOrigins");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(modelFlags, "modelFlags");
        Objects.requireNonNull(llamaLibrary, "llamaLibrary");
        if (gpuLayers < -1) {
            throw new IllegalArgumentException("--gpu-layers must be 0 or more, or -1 for all, got " + gpuLayers);
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("the shutdown grace period must not be negative, got " + shutdownGrace);
        }
        models = List.copyOf(models);
        environment = Map.copyOf(environment);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        if (!models.isEmpty() && catalogFile.isPresent()) {
            throw new IllegalArgumentException("give either --model or --catalog, not both: a catalog file can list "
                    + "every model");
        }
        if (catalogFile.isPresent() && !modelFlags.equals(ModelFlags.DEFAULTS)) {
            throw new IllegalArgumentException("--context-length, --chat-template and --slots are for --model files; "
                    + "with --catalog set each product's context_length, chat_template and slots in the catalog file");
        }
    }

    /** This configuration with {@code origins} as the allowed CORS origins. */
    public ServerConfig withCorsOrigins(CorsOrigins origins) {
        return new ServerConfig(host, port, dataDir, models, catalogFile, threads, shutdownGrace, environment, clock,
                databaseUrl, trustedProxies, allowPartial, origins, modelFlags, llamaLibrary, gpuLayers);
    }

    /** No CORS, the model flags' defaults, llama.cpp from the default folder (or the catalog's), on the CPU. */
    public ServerConfig(String host, int port, Path dataDir, List<Path> models, Optional<Path> catalogFile, int threads,
                        Duration shutdownGrace, Map<String, String> environment, Clock clock,
                        Optional<String> databaseUrl, TrustedProxies trustedProxies, boolean allowPartial) {
        this(host, port, dataDir, models, catalogFile, threads, shutdownGrace, environment, clock, databaseUrl,
                trustedProxies, allowPartial, CorsOrigins.NONE, ModelFlags.DEFAULTS, Optional.empty(), 0);
    }

    public Path modelsDir() {
        return ModelsFolder.in(dataDir).dir();
    }
}
