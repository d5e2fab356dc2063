package org.openmaas.engine.llamacpp;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds llama.cpp's shared libraries in a folder and opens them: {@code libggml} (the backend registry) and
 * {@code libllama}, named plainly ({@code libllama.so}, as an operator's own CMake build names them) or with the
 * release's version ({@code libllama.v0.5.0.so}, as the npm package ships them). Their ggml siblings are found in the
 * same folder through the libraries' {@code $ORIGIN} run path.
 *
 * <p>The folder is the one {@code scripts/llama-cpp.sh libs} fills, unless {@code MAAS_LLAMA_LIB} or the system
 * property {@value #FOLDER_PROPERTY} names another (see {@link #defaultFolder}).
 */
final class NativeLibrary {

    /** The npm package and version whose C API this package binds; {@code scripts/llama-cpp.sh} pins the same. */
    static final String PACKAGE = "@node-llama-cpp/linux-x64";
    static final String PACKAGE_VERSION = "3.22.1";

    /** The variable naming an operator's own llama.cpp build (CUDA, Vulkan, ROCm) of the same C API. */
    static final String ENV_FOLDER = "MAAS_LLAMA_LIB";

    /** The system property through which {@code ./maas} and the test run pass the folder the script filled. */
    static final String FOLDER_PROPERTY = "openmaas.llama.lib";

    private static final Pattern LLAMA = Pattern.compile("libllama(\\.v[0-9.]+)?\\.so");
    private static final Pattern GGML = Pattern.compile("libggml(\\.v[0-9.]+)?\\.so");

    private NativeLibrary() {
    }

    /** The opened libraries: {@code symbols} finds llama's and ggml's functions alike. */
    record Opened(Path folder, Path llama, SymbolLookup symbols) {
    }

    /**
     * Opens the libraries in {@code folder} for the life of the JVM.
     *
     * @throws IllegalStateException saying what is missing and how to get it
     */
    static Opened open(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("no llama.cpp library folder " + folder + "; " + howToGetIt());
        }
        Path llama = find(folder, LLAMA);
        Path ggml = find(folder, GGML);
        // Global arena: the libraries stay loaded as long as the JVM runs, like the functions bound from them.
        SymbolLookup ggmlSymbols = SymbolLookup.libraryLookup(ggml, Arena.global());
        SymbolLookup llamaSymbols = SymbolLookup.libraryLookup(llama, Arena.global());
        return new Opened(folder, llama, llamaSymbols.or(ggmlSymbols));
    }

    private static Path find(Path folder, Pattern name) {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> found = files.filter(f -> name.matcher(f.getFileName().toString()).matches()).sorted().toList();
            if (found.isEmpty()) {
                throw new IllegalStateException("the folder " + folder + " has no " + name.pattern().replace("\\", "")
                        + " (a llama.cpp build's shared libraries); " + howToGetIt());
            }
            // A plain name is an operator's own build: it wins over a versioned one beside it.
            return found.getFirst();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the llama.cpp library folder " + folder + ": " + e.getMessage(), e);
        }
    }

    static String howToGetIt() {
        return "run scripts/llama-cpp.sh libs (it fetches " + PACKAGE + "@" + PACKAGE_VERSION
                + " with npm; ./maas does it on first use), or point --llama-lib or " + ENV_FOLDER
                + " at a folder with your own llama.cpp build of the same release (libllama.so and libggml*.so)";
    }

    /**
     * Where the libraries are unless the server was told otherwise: {@code MAAS_LLAMA_LIB}, else the system property
     * {@value #FOLDER_PROPERTY}, else the folder {@code scripts/llama-cpp.sh libs} fills: {@code $OPENMAAS_CACHE},
     * else {@code $XDG_CACHE_HOME/openmaas}, else {@code ~/.cache/openmaas}, then
     * {@code llama.cpp-<version>/libs/package/bins/linux-x64}.
     */
    static Path defaultFolder(Map<String, String> environment, Optional<String> property, String userHome) {
        String own = environment.get(ENV_FOLDER);
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        if (property.isPresent() && !property.get().isBlank()) {
            return Path.of(property.get());
        }
        Path cache = nonBlank(environment.get("OPENMAAS_CACHE")).map(Path::of)
                .or(() -> nonBlank(environment.get("XDG_CACHE_HOME")).map(xdg -> Path.of(xdg, "openmaas")))
                .orElseGet(() -> Path.of(userHome, ".cache", "openmaas"));
        return cache.resolve("llama.cpp-" + PACKAGE_VERSION).resolve("libs/package/bins/linux-x64");
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }
}
