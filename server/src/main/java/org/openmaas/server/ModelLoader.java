package org.openmaas.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openmaas.catalog.Catalog;
import org.openmaas.catalog.CatalogEntry;
import org.openmaas.catalog.CatalogFile;
import org.openmaas.catalog.ModelSource;
import org.openmaas.catalog.Product;
import org.openmaas.catalog.ProductConfig;
import org.openmaas.engine.Engine;
import org.openmaas.engine.llamacpp.MemoryEstimate;
import org.openmaas.gguf.GgufReader;
import org.openmaas.hub.HubClient;
import org.openmaas.hub.TransferListener;

/**
 * Decides which products to serve (catalog file, {@code --model} files, or the default model), checks their models
 * and loads each one's engine. A product whose model cannot load stops the start, naming the product and why; with
 * {@code --allow-partial} it is logged and left out, and the others still serve.
 */
final class ModelLoader {

    static final String DEFAULT_REPOSITORY = "ggml-org/models";
    static final String DEFAULT_FILE = "tinyllamas/stories260K.gguf";

    private static final Logger LOG = Logger.getLogger(ModelLoader.class.getName());

    private final ServerConfig config;
    private final HubClient hub;
    private final Supplier<OptionalLong> availableMemory;
    /**
     * The llama.cpp build to load ({@code --llama-lib}, else the catalog's {@code llama_lib}, else the default): the
     * same for the products of the start and those added at run time, as a process computes with one build.
     */
    private final Optional<Path> llamaLibrary;

    ModelLoader(ServerConfig config) {
        this(config, AvailableMemory.system());
    }

    /** @param availableMemory bytes the engines may take, read before the checks (empty: not known, not checked) */
    ModelLoader(ServerConfig config, Supplier<OptionalLong> availableMemory) {
        this.config = config;
        this.availableMemory = availableMemory;
        this.llamaLibrary = config.llamaLibrary().or(() -> config.catalogFile().flatMap(CatalogFile::llamaLibrary));
        boolean terminal = System.console() != null && System.console().isTerminal();
        this.hub = HubClient.fromEnvironment(config.environment(),
                TransferListener.console(new PrintWriter(System.err, true), terminal));
    }

    /** A product that passed the checks made before loading; {@code file} is null for a remote product. */
    record Checked(ProductConfig product, Path file) {
    }

    /**
     * Resolves each product's model file (downloading a hub reference) and checks, before anything is loaded or
     * written in the data directory, what can be checked: a readable GGUF, an architecture this llama.cpp knows (read
     * by llama.cpp without its tensors) and room in memory for the weights and KV cache of all products together.
     *
     * @return the products that passed; with {@code --allow-partial}, the others are logged and left out
     * @throws StartupException naming each product that failed and why, without {@code --allow-partial}
     */
    List<Checked> check() {
        List<ProductConfig> products = products();
        OptionalLong available = availableMemory.get();
        long taken = 0;
        List<Checked> passed = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (ProductConfig product : products) {
            try {
                if (isRemote(product)) {
                    passed.add(new Checked(product, null));
                    continue;
                }
                Path file = modelFile(product.source());
                EngineFactory.probe(file, llamaLibrary); // first: an unknown architecture's keys mean nothing here
                MemoryEstimate estimate = MemoryEstimate.of(GgufReader.read(file), product.contextLength(),
                        product.slots(), product.llama().kvCacheType());
                LOG.info("product " + product.productName() + " needs an estimated " + estimate.describe()
                        + (available.isPresent() ? "; " + MemoryEstimate.mib(available.getAsLong()) + " available" : ""));
                boolean offloaded = product.llama().gpuLayers().orElse(config.gpuLayers()) != 0;
                if (available.isPresent() && !offloaded && taken + estimate.totalBytes() > available.getAsLong()) {
                    throw new IOException(tooLarge(estimate, taken, available.getAsLong()));
                }
                taken += offloaded ? 0 : estimate.totalBytes();
                passed.add(new Checked(product, file));
            } catch (RuntimeException | IOException e) {
                failures.add(failure(product, e));
            }
        }
        requireNoFailures(failures);
        return passed;
    }

    /** The refusal of a product whose estimate does not fit, with what would make it fit. */
    private static String tooLarge(MemoryEstimate estimate, long taken, long available) {
        return "not enough memory: it needs an estimated " + estimate.describe() + " but "
                + MemoryEstimate.mib(available) + " is available (MemAvailable in /proc/meminfo)"
                + (taken > 0 ? ", of which the products before it take " + MemoryEstimate.mib(taken) : "")
                + "; a smaller context_length (--context-length), fewer slots (--slots), kv_cache_type q8_0 or a "
                + "smaller quantization of the model fits it";
    }

    /** Loads the engine of each product {@link #check()} passed into {@code catalog}. */
    void loadInto(Catalog catalog, List<Checked> checked) {
        int threads = threadsPerEngine((int) checked.stream().filter(c -> !isRemote(c.product())).count());
        List<String> failures = new ArrayList<>();
        for (Checked each : checked) {
            ProductConfig product = each.product();
            try {
                catalog.add(open(product, each.file(), threads));
            } catch (RuntimeException | IOException e) {
                failures.add(failure(product, e));
            }
        }
        requireNoFailures(failures);
    }

    /** Logs why {@code product} failed and returns it in words. */
    private String failure(ProductConfig product, Exception e) {
        String failure = "product " + product.productName() + " cannot load its model " + product.source() + ": "
                + reason(e);
        LOG.log(Level.SEVERE, config.allowPartial() ? failure + "; it is left out of the catalog" : failure);
        LOG.log(Level.FINE, "load failure of " + product.productName(), e);
        return failure;
    }

    private void requireNoFailures(List<String> failures) {
        if (!failures.isEmpty() && !config.allowPartial()) {
            throw new StartupException(String.join("; ", failures)
                    + " (--allow-partial serves the products that did load)");
        }
    }

    /**
     * A product added or changed while the server runs: the machine's cores are shared as at the start, among the
     * products this process runs itself once this one is among them.
     */
    CatalogEntry load(ProductConfig product, Catalog catalog) throws IOException {
        long others = catalog.entries().stream().filter(e -> !isRemote(e.config())
                && !e.product().productName().equals(product.productName())).count();
        try {
            return open(product, null, threadsPerEngine((int) others + 1));
        } catch (RuntimeException | IOException e) {
            throw new IOException(reason(e), e);
        }
    }

    /** @param file the model file {@link #check()} resolved; null to resolve it now (or for a remote product) */
    private CatalogEntry open(ProductConfig product, Path file, int threads) throws IOException {
        long start = System.nanoTime();
        Engine engine;
        String modelName;
        if (product.source() instanceof ModelSource.Remote remote) {
            // Nothing of llama.cpp is touched for it: a catalog of remote products loads no native library.
            engine = EngineFactory.remote(product, remote.engine());
            modelName = product.modelName();
        } else {
            if (file == null) {
                file = modelFile(product.source());
            }
            engine = EngineFactory.open(product, file, threads, llamaLibrary, config.gpuLayers());
            modelName = product.modelName() != null ? product.modelName()
                    : engine.model().name() != null ? engine.model().name()
                    : file.getFileName().toString().replaceFirst("(?i)\\.gguf$", "");
        }
        SmokeTestModel.warnIfServed(product.productName(), modelName);
        LOG.info("product " + product.productName() + " serves " + modelName + " from " + product.source()
                + " (context " + engine.model().contextLength() + " tokens, started in "
                + (System.nanoTime() - start) / 1_000_000 + " ms)");
        return new CatalogEntry(new Product(product.productName(), product.productId(), modelName), product, engine);
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

    private static boolean isRemote(ProductConfig product) {
        return product.source() instanceof ModelSource.Remote;
    }

    private List<ProductConfig> products() {
        if (config.catalogFile().isPresent()) {
            return CatalogFile.read(config.catalogFile().get(), config.environment());
        }
        List<Path> files = config.models().isEmpty() ? defaultModels() : config.models();
        ServerConfig.ModelFlags flags = config.modelFlags();
        return files.stream().map(file -> ProductConfig.forModelFile(file, flags.contextLength(),
                flags.chatTemplate().orElse(null), flags.slots())).toList();
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
            case ModelSource.Remote elsewhere -> throw new IllegalStateException("no model file for " + elsewhere);
        };
    }

    /**
     * The GGUFs in the data directory's models folder; when there are none, the hub's stories260K; when the hub
     * cannot be reached, a random-weights model that proves the server works but writes nonsense. That model is
     * never served in place of the hub's: each start without a real model asks the hub again, and once the download
     * succeeds the smoke-test file is deleted.
     */
    private List<Path> defaultModels() {
        ModelsFolder folder = ModelsFolder.in(config.dataDir());
        try {
            List<Path> found = folder.servable();
            if (!found.isEmpty()) {
                return found;
            }
        } catch (IOException e) {
            LOG.warning("cannot list " + folder.dir() + ": " + e.getMessage());
        }
        Path target = folder.fileFor(Path.of(DEFAULT_FILE).getFileName().toString());
        try {
            LOG.info("no model given and none in " + folder.dir() + "; downloading " + DEFAULT_FILE + " from "
                    + hub.fileUrl(DEFAULT_REPOSITORY, DEFAULT_FILE));
            hub.download(DEFAULT_REPOSITORY, DEFAULT_FILE, target);
        } catch (IOException e) {
            String why = reason(e) + " reaching " + hub.fileUrl(DEFAULT_REPOSITORY, DEFAULT_FILE).getHost();
            return List.of(SmokeTestModel.create(folder.dir(), why));
        }
        SmokeTestModel.deleteIn(folder.dir());
        return List.of(target);
    }
}
