package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * llama.cpp's libraries (the release {@code @node-llama-cpp/linux-x64} 3.22.1 ships, or an operator's own build of
 * the same C API), loaded once per JVM, and the one way this package binds their C functions: {@link #function} links
 * a symbol to a Java interface whose single method has the function's signature. The binding classes
 * ({@link ModelBindings}, {@link ContextBindings}, {@link VocabBindings}, {@link BatchBindings},
 * {@link SamplerBindings}, {@link ChatBindings}, {@link BackendBindings}) hold one such constant per function they
 * bind, typed by an interface of their own or, for a kind of function several of them have (default params, create,
 * free, count), by one here.
 *
 * <p>Why interfaces rather than a method around {@code invokeExact} per function: {@code invokeExact} declares
 * {@code Throwable}, so every such method needs the same try/catch. {@link MethodHandleProxies#asInterfaceInstance}
 * implements the interface by calling the downcall handle and lets what it throws through: runtime exceptions and
 * errors (say, for a segment of a closed arena) as they are, which is all a downcall throws. Held in a static final
 * field, such an instance (a hidden class) costs what {@code invokeExact} costs and allocates nothing per call
 * (measured on JDK 25), so the engine loop's decode, logits and sampling calls pay nothing for it.
 *
 * <p>A wrong descriptor does not fail: it corrupts memory or crashes the JVM. Every descriptor in the binding classes
 * was checked against {@code include/llama.h} of that release; C {@code bool} is {@code JAVA_BOOLEAN}, {@code size_t}
 * is {@code JAVA_LONG} (64-bit platforms only), enums are {@code JAVA_INT}. A library whose structs differ from those
 * layouts is refused by {@link #load()} before any struct is passed to it ({@link StructCheck}).
 *
 * <p>Nothing is loaded until {@link #load()}: the first embedded model calls it, so a server of remote products never
 * opens a native library.
 */
final class LlamaLibrary {

    private static final Logger LOG = Logger.getLogger(LlamaLibrary.class.getName());
    private static final Linker LINKER = Linker.nativeLinker();

    // Guarded by the class: set by useFolder() and load(), which every binding class's initialisation goes through.
    private static Path chosenFolder;
    private static volatile NativeLibrary.Opened library;
    private static IllegalStateException failure; // why the one attempt to load failed; repeated to every caller

    // Signatures that several binding classes share, each with one meaning.

    /**
     * A {@code struct llama_X_params llama_X_default_params(void)}: the struct, returned by value, is written where
     * {@code allocator} says.
     */
    public interface DefaultParams {
        MemorySegment call(SegmentAllocator allocator);
    }

    /**
     * A {@code X * llama_..(Y * source, struct llama_X_params params)} that makes an X from a Y: NULL when it could
     * not (the reason went to the log). The caller owns the X.
     */
    public interface Create {
        MemorySegment call(MemorySegment source, MemorySegment params);
    }

    /** A {@code void llama_X_free(X * p)}: frees what its creator returned. */
    public interface Free {
        void call(MemorySegment pointer);
    }

    /** A count an object states: {@code int32_t} or {@code uint32_t llama_X_n_Y(const X * p)}. */
    public interface Count {
        int call(MemorySegment pointer);
    }

    private LlamaLibrary() {
    }

    /**
     * Loads the libraries from {@code folder} instead of the default one ({@link NativeLibrary#defaultFolder}).
     *
     * @throws IllegalStateException when the libraries are already loaded from another folder
     */
    static synchronized void useFolder(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        if (library != null && !library.folder().equals(absolute)) {
            throw new IllegalStateException("llama.cpp is already loaded from " + library.folder()
                    + "; one process computes with one llama.cpp build, so it cannot also load " + absolute);
        }
        chosenFolder = absolute;
    }

    /**
     * Opens the libraries once (from the folder {@link #useFolder} chose, else the default one), checks that their
     * structs are the ones this package binds, routes their log into java.util.logging, loads ggml's backends from the
     * same folder (the CPU variant for this machine, the GPU backends of a GPU build) and logs what it found.
     *
     * @throws IllegalStateException saying why the libraries cannot be used and how to get ones that can; every later
     *                               call throws the same
     */
    static synchronized NativeLibrary.Opened load() {
        if (library != null) {
            return library;
        }
        if (failure != null) {
            throw new IllegalStateException(failure.getMessage(), failure);
        }
        Path folder = chosenFolder != null ? chosenFolder : NativeLibrary.defaultFolder(System.getenv(),
                Optional.ofNullable(System.getProperty(NativeLibrary.FOLDER_PROPERTY)), System.getProperty("user.home"))
                .toAbsolutePath().normalize();
        try {
            // From here on function() links against it (the check below initialises the binding classes it reads
            // layouts from); if the check fails, the failure stays and nothing ever calls what was linked.
            library = NativeLibrary.open(folder);
            StructCheck.verify(library);
            BackendBindings.start(library.folder(), logCallback());
            for (Class<?> bindings : List.of(ModelBindings.class, ContextBindings.class, VocabBindings.class,
                    BatchBindings.class, SamplerBindings.class, ChatBindings.class)) {
                initialize(bindings); // every symbol now, not in the middle of a request
            }
        } catch (IllegalStateException e) {
            library = null;
            failure = e;
            throw e;
        } catch (RuntimeException e) {
            library = null;
            failure = new IllegalStateException("cannot use the llama.cpp library in " + folder + ": " + e, e);
            throw failure;
        } catch (ExceptionInInitializerError e) {
            library = null;
            failure = new IllegalStateException("the llama.cpp library in " + folder + " lacks a function this "
                    + "OpenMaaS binds (" + e.getCause().getMessage() + "); it needs the C API of "
                    + NativeLibrary.PACKAGE + "@" + NativeLibrary.PACKAGE_VERSION, e.getCause());
            throw failure;
        }
        LOG.info(BackendBindings.describe(library));
        return library;
    }

    private static void initialize(Class<?> bindings) {
        try {
            MethodHandles.lookup().ensureInitialized(bindings);
        } catch (IllegalAccessException e) {
            throw new AssertionError("the binding classes share this package", e);
        }
    }

    /**
     * The C function {@code name}, linked with {@code descriptor} and called through {@code signature}'s single
     * method, whose parameter and return types must be the descriptor's carriers (a function returning a struct by
     * value takes a {@link SegmentAllocator} first).
     *
     * @throws IllegalStateException when the library has no such symbol
     */
    static <T> T function(Class<T> signature, String name, FunctionDescriptor descriptor) {
        NativeLibrary.Opened opened = library != null ? library : load();
        MemorySegment symbol = opened.symbols().find(name)
                .orElseThrow(() -> new IllegalStateException("the llama.cpp library has no symbol " + name));
        return MethodHandleProxies.asInterfaceInstance(signature, LINKER.downcallHandle(symbol, descriptor));
    }

    /** {@code name}, a {@link DefaultParams} function returning a struct of {@code layout}. */
    static DefaultParams defaultParams(String name, StructLayout layout) {
        return function(DefaultParams.class, name, FunctionDescriptor.of(layout));
    }

    /** {@code name}, a {@link Free} function. */
    static Free free(String name) {
        return function(Free.class, name, FunctionDescriptor.ofVoid(ADDRESS));
    }

    /** {@code name}, a {@link Create} function taking params of {@code layout}. */
    static Create create(String name, StructLayout layout) {
        return function(Create.class, name, FunctionDescriptor.of(ADDRESS, ADDRESS, layout));
    }

    /** {@code name}, a {@link Count} function. */
    static Count count(String name) {
        return function(Count.class, name, FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    /** Byte offset of {@code field} in {@code layout}, for reading and writing the structs passed by value. */
    static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    /** The upcall stub that hands llama.cpp's log lines to {@link NativeLog}. */
    private static MemorySegment logCallback() {
        MethodHandle target;
        try {
            target = MethodHandles.lookup().findStatic(NativeLog.class, "log",
                    MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        // Global arena: llama.cpp keeps the callback pointer for the life of the process.
        return LINKER.upcallStub(target, FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS), Arena.global());
    }
}
