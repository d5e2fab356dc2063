package org.openmaas.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.catalog.CatalogFile;
import org.openmaas.catalog.ModelSource;
import org.openmaas.catalog.Product;
import org.openmaas.catalog.ProductConfig;
import org.openmaas.engine.Engine;
import org.openmaas.hub.HubClient;

/**
 * Decides which products to serve (catalog file, {@code --model} files, or the default model) and loads each one's
 * engine. A product whose model cannot load stops the start, naming the product and why; with
 * {@code --allow-partial} it is logged and left out, and the others still serve.
 */
final class ModelLoader {

    static final String DEFAULT_REPOSITORY = "ggml-org/models";
    static final String DEFAULT_FILE = "tinyllamas/stories260K.gguf";

    private static final Logger LOG = Logger.getLogger(ModelLoader.class.getName());

    private final ServerConfig config;
    private final HubClient hub;

    ModelLoader(ServerConfig config) {
        this.config = config;
        this.hub = HubClient.fromEnvironment(config.environment(), System.err);
    }

    void loadInto(Catalog catalog) {
        List<ProductConfig> products = products();
        int threads = threadsPerEngine(products.size());
        Optional<Path> llamaLibrary = config.llamaLibrary()
                .or(() -> config.catalogFile().flatMap(CatalogFile::llamaLibrary));
        List<String> failures = new ArrayList<>();
        for (ProductConfig product : products) {
            try {
                Path file = modelFile(product.source());
                long start = System.nanoTime();
                Engine engine = EngineFactory.open(product, file, threads, llamaLibrary, config.gpuLayers());
                String modelName = product.modelName() != null ? product.modelName()
                        : engine.model().name() != null ? engine.model().name()
                        : file.getFileName().toString().replaceFirst("(?i)\\.gguf$", "");
                catalog.add(new CatalogEntry(new Product(product.productName(), product.productId(), modelName),
                        product, engine));
                SmokeTestModel.warnIfServed(product.productName(), modelName);
                LOG.info("product " + product.productName() + " serves " + modelName + " from " + file + " (context "
                        + engine.model().contextLength() + " tokens, loaded in "
                        + (System.nanoTime() - start) / 1_000_000 + " ms)");
            } catch (RuntimeException | IOException e) {
                String failure = "product " + product.productName() + " cannot load its model " + product.source()
                        + ": " + reason(e);
                failures.add(failure);
                LOG.log(Level.SEVERE, config.allowPartial() ? failure + "; it is left out of the catalog" : failure);
                LOG.log(Level.FINE, "load failure of " + product.productName(), e);
            }
        }
        if (!failures.isEmpty() && !config.allowPartial()) {
            throw new StartupException(String.join("; ", failures)
                    + " (--allow-partial serves the products that did load)");
        }
    }

    /**
     * What went wrong, in words: a refused or unresolved connection carries no message, so its type says it, and each
     * cause that adds something is said after it.
     */
    private static String reason(Throwable e) {
        String said = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (e.getCause() == null) {
            return said;
        }
        String because = reason(e.getCause());
        return said.contains(because) ? said : because.startsWith(said) ? because : said + " (" + because + ")";
    }

    /**
     * Without {@code --threads}, the machine's cores are shared among the engines: each engine thread keeps its own
     * OpenMP team, and once a process holds more OpenMP threads than cores libgomp stops spin-waiting and every
     * decode gets about ten times slower (measured on two cores with two engines of two threads each).
     */
    private int threadsPerEngine(int engines) {
        if (config.threads() > 0) {
            return config.threads();
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = Math.max(1, cores / Math.max(1, engines));
        if (engines > 1) {
            LOG.info(engines + " products share " + cores + " cores: " + threads + " llama.cpp thread(s) each");
        }
        return threads;
    }

    private List<ProductConfig> products() {
        if (config.catalogFile().isPresent()) {
            return CatalogFile.read(config.catalogFile().get());
        }
        List<Path> files = config.models().isEmpty() ? defaultModels() : config.models();
        return files.stream().map(ProductConfig::forModelFile).toList();
    }

    private Path modelFile(ModelSource source) throws IOException {
        return switch (source) {
            case ModelSource.LocalFile local -> ModelFile.requireGguf(local.path());
            case ModelSource.HubFile remote -> {
                Path target = config.modelsDir().resolve("hub").resolve(remote.repository()).resolve(remote.path());
                if (!Files.exists(target)) {
                    try {
                        hub.download(remote.repository(), remote.path(), target);
                    } catch (IOException e) {
                        throw new IOException("cannot download it from " + hub.fileUrl(remote.repository(),
                                remote.path()) + ": " + reason(e), e);
                    }
                }
                yield target;
            }
        };
    }

    /**
     * The GGUFs in the data directory's models folder; when there are none, the hub's stories260K; when the hub
     * cannot be reached, a random-weights model that proves the server works but writes nonsense.
     */
    private List<Path> defaultModels() {
        try (Stream<Path> files = Files.list(config.modelsDir())) {
            List<Path> found = files.filter(f -> f.getFileName().toString().toLowerCase().endsWith(".gguf")).sorted().toList();
            if (!found.isEmpty()) {
                return found;
            }
        } catch (IOException e) {
            LOG.warning("cannot list " + config.modelsDir() + ": " + e.getMessage());
        }
        Path target = config.modelsDir().resolve(Path.of(DEFAULT_FILE).getFileName());
        try {
            LOG.info("no model given and none in " + config.modelsDir() + "; downloading " + DEFAULT_FILE + " from "
                    + hub.fileUrl(DEFAULT_REPOSITORY, DEFAULT_FILE));
            hub.download(DEFAULT_REPOSITORY, DEFAULT_FILE, target);
            return List.of(target);
        } catch (IOException e) {
            String why = reason(e) + " reaching " + hub.fileUrl(DEFAULT_REPOSITORY, DEFAULT_FILE).getHost();
            return List.of(SmokeTestModel.create(config.modelsDir(), why));
        }
    }
}
