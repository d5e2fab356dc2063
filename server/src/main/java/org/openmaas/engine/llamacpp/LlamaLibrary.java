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
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.logging.Logger;

/**
 * The llama.cpp library of build b4916 (commit c6af2161), loaded once per JVM, and the one way this package binds its
 * C functions: {@link #function} links a symbol to a Java interface whose single method has the function's signature.
 * The binding classes ({@link ModelBindings}, {@link ContextBindings}, {@link VocabBindings}, {@link BatchBindings},
 * {@link SamplerBindings}, {@link ChatBindings}) hold one such constant per function they bind, typed by an interface
 * of their own or, for a kind of function several of them have (default params, create, free, count), by one here.
 *
 * <p>Why interfaces rather than a method around {@code invokeExact} per function: {@code invokeExact} declares
 * {@code Throwable}, so every such method needs the same try/catch. {@link MethodHandleProxies#asInterfaceInstance}
 * implements the interface by calling the downcall handle and lets what it throws through: runtime exceptions and
 * errors (say, for a segment of a closed arena) as they are, which is all a downcall throws. Held in a static final
 * field, such an instance (a hidden class) costs what {@code invokeExact} costs and allocates nothing per call
 * (measured on JDK 25), so the engine loop's decode, logits and sampling calls pay nothing for it.
 *
 * <p>A wrong descriptor does not fail: it corrupts memory or crashes the JVM. Every descriptor in the binding classes
 * was checked against {@code include/llama.h} of that build; C {@code bool} is {@code JAVA_BOOLEAN}, {@code size_t}
 * is {@code JAVA_LONG} (64-bit platforms only), enums are {@code JAVA_INT}.
 *
 * <p>Loading this class (which every binding class does first) loads the library, routes its log into
 * java.util.logging and calls {@code llama_backend_init()}.
 */
final class LlamaLibrary {

    private static final Logger LOG = Logger.getLogger(LlamaLibrary.class.getName());
    private static final Linker LINKER = Linker.nativeLinker();
    private static final NativeLibrary.Opened LIBRARY = NativeLibrary.open();

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

    // The library's own functions, called once when this class loads.

    /** {@code void llama_backend_init(void)} */
    public interface BackendInit {
        void call();
    }

    /** {@code void llama_log_set(ggml_log_callback log_callback, void * user_data)} */
    public interface LogSet {
        void call(MemorySegment callback, MemorySegment userData);
    }

    /** {@code const char * llama_print_system_info(void)}: a static buffer inside the library, never to be freed. */
    public interface PrintSystemInfo {
        MemorySegment call();
    }

    private static final BackendInit BACKEND_INIT =
            function(BackendInit.class, "llama_backend_init", FunctionDescriptor.ofVoid());
    private static final LogSet LOG_SET =
            function(LogSet.class, "llama_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    private static final PrintSystemInfo PRINT_SYSTEM_INFO =
            function(PrintSystemInfo.class, "llama_print_system_info", FunctionDescriptor.of(ADDRESS));

    static {
        LOG_SET.call(logCallback(), MemorySegment.NULL);
        BACKEND_INIT.call();
        LOG.info(() -> "llama.cpp " + build() + " loaded from " + LIBRARY.file());
        LOG.fine(() -> "llama.cpp system info: " + systemInfo());
    }

    private LlamaLibrary() {
    }

    /**
     * The C function {@code name}, linked with {@code descriptor} and called through {@code signature}'s single
     * method, whose parameter and return types must be the descriptor's carriers (a function returning a struct by
     * value takes a {@link SegmentAllocator} first).
     *
     * @throws IllegalStateException when the library has no such symbol
     */
    static <T> T function(Class<T> signature, String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LIBRARY.symbols().find(name)
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

    /** "build 4916 (c6af2161)", read from the data symbols the build embeds; "unknown build" when absent. */
    private static String build() {
        SymbolLookup symbols = LIBRARY.symbols();
        var number = symbols.find("LLAMA_BUILD_NUMBER");
        var commit = symbols.find("LLAMA_COMMIT");
        if (number.isEmpty() || commit.isEmpty()) {
            return "unknown build";
        }
        int n = number.get().reinterpret(JAVA_INT.byteSize()).get(JAVA_INT, 0);
        // LLAMA_COMMIT is a `const char *` variable: read the pointer, then the string it points to.
        MemorySegment text = commit.get().reinterpret(ADDRESS.byteSize()).get(ADDRESS, 0);
        return "build " + n + " (" + text.reinterpret(64).getString(0) + ")";
    }

    private static String systemInfo() {
        // Points to a static buffer inside the library: read it, never free it.
        return PRINT_SYSTEM_INFO.call().reinterpret(Long.MAX_VALUE).getString(0).strip();
    }
}
