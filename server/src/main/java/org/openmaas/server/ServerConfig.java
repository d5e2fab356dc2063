package org.openmaas.server;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * @param llamaLibrary the folder of the llama.cpp build to load ({@code --llama-lib}, {@code MAAS_LLAMA_LIB}); empty
 *                     for the catalog's {@code llama_lib}, else the one {@code scripts/llama-cpp.sh libs} fills
 * @param gpuLayers    layers offloaded to the GPU for the products whose catalog entry does not say (-1: all)
 */
public record ServerConfig(String host, int port, Path dataDir, List<Path> models, Optional<Path> catalogFile,
                           int threads, Duration shutdownGrace, Map<String, String> environment, Clock clock,
                           Optional<String> databaseUrl, TrustedProxies trustedProxies, boolean allowPartial,
                           Optional<Path> llamaLibrary, int gpuLayers) {

    /** The variable that gives the database URL when {@code --db} does not. */
    public static final String ENV_DATABASE_URL = "MAAS_DB_URL";

    /** The variable that names the llama.cpp build to load when {@code --llama-lib} does not. */
    public static final String ENV_LLAMA_LIB = "MAAS_LLAMA_LIB";

    /** The variable that lists the trusted proxies when {@code --trusted-proxies} does not. */
    public static final String ENV_TRUSTED_PROXIES = "MAAS_TRUSTED_PROXIES";

    public static final int DEFAULT_PORT = 8080;
    public static final Path DEFAULT_DATA_DIR = Path.of("maas-data");

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(catalogFile, "catalogFile");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(databaseUrl, "databaseUrl");
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
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
    }

    /** llama.cpp from the default folder (or the catalog's), on the CPU. */
    public ServerConfig(String host, int port, Path dataDir, List<Path> models, Optional<Path> catalogFile, int threads,
                        Duration shutdownGrace, Map<String, String> environment, Clock clock,
                        Optional<String> databaseUrl, TrustedProxies trustedProxies, boolean allowPartial) {
        this(host, port, dataDir, models, catalogFile, threads, shutdownGrace, environment, clock, databaseUrl,
                trustedProxies, allowPartial, Optional.empty(), 0);
    }

    public Path modelsDir() {
        return dataDir.resolve("models");
    }
}
