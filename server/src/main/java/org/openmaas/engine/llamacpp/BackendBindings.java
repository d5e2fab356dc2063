package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.openmaas.engine.llamacpp.LlamaLibrary.function;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The library's own start-up and ggml's backend registry (see {@link LlamaLibrary} for how they are bound): routing
 * the log, loading the dynamic backends (the CPU variant for this machine; CUDA, Vulkan or ROCm in a GPU build) and
 * describing what was loaded, for the server's log.
 */
final class BackendBindings {

    /** {@code void llama_log_set(ggml_log_callback log_callback, void * user_data)}: for llama.cpp and ggml alike. */
    public interface LogSet {
        void call(MemorySegment callback, MemorySegment userData);
    }

    /** A function of no arguments: {@code void llama_backend_init(void)}. */
    public interface Init {
        void call();
    }

    /**
     * A {@code const char * f(void)}: {@code llama_print_system_info} (a static buffer inside the library) or
     * {@code llama_version}; never to be freed.
     */
    public interface Text {
        MemorySegment call();
    }

    /**
     * {@code void ggml_backend_load_all_from_path(const char * dir_path)}: loads every backend library in the folder;
     * of the CPU variants ({@code libggml-cpu-<variant>.so}), the best one this CPU can run.
     */
    public interface LoadAllFromPath {
        void call(MemorySegment folder);
    }

    /** {@code size_t ggml_backend_dev_count(void)} */
    public interface DevCount {
        long call();
    }

    /** {@code ggml_backend_dev_t ggml_backend_dev_get(size_t index)} */
    public interface DevGet {
        MemorySegment call(long index);
    }

    /**
     * A {@code const char * ggml_backend_dev_X(ggml_backend_dev_t device)}: {@code name} or {@code description}, owned
     * by the device.
     */
    public interface DevText {
        MemorySegment call(MemorySegment device);
    }

    /** {@code enum ggml_backend_dev_type ggml_backend_dev_type(ggml_backend_dev_t device)}: 0 CPU, 1 GPU, 2 IGPU, 3 ACCEL. */
    public interface DevType {
        int call(MemorySegment device);
    }

    /** {@code void ggml_backend_dev_memory(ggml_backend_dev_t device, size_t * free, size_t * total)} */
    public interface DevMemory {
        void call(MemorySegment device, MemorySegment free, MemorySegment total);
    }

    private static final LogSet LOG_SET = function(LogSet.class, "llama_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    private static final LoadAllFromPath LOAD_ALL_FROM_PATH = function(LoadAllFromPath.class,
            "ggml_backend_load_all_from_path", FunctionDescriptor.ofVoid(ADDRESS));
    private static final Init BACKEND_INIT = function(Init.class, "llama_backend_init", FunctionDescriptor.ofVoid());
    private static final Text PRINT_SYSTEM_INFO =
            function(Text.class, "llama_print_system_info", FunctionDescriptor.of(ADDRESS));
    private static final Text VERSION = function(Text.class, "llama_version", FunctionDescriptor.of(ADDRESS));
    private static final DevCount DEV_COUNT =
            function(DevCount.class, "ggml_backend_dev_count", FunctionDescriptor.of(JAVA_LONG));
    private static final DevGet DEV_GET =
            function(DevGet.class, "ggml_backend_dev_get", FunctionDescriptor.of(ADDRESS, JAVA_LONG));
    private static final DevText DEV_NAME =
            function(DevText.class, "ggml_backend_dev_name", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final DevText DEV_DESCRIPTION =
            function(DevText.class, "ggml_backend_dev_description", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final DevType DEV_TYPE =
            function(DevType.class, "ggml_backend_dev_type", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final DevMemory DEV_MEMORY =
            function(DevMemory.class, "ggml_backend_dev_memory", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));

    private static final Pattern CPU_VARIANT = Pattern.compile("/(libggml-cpu[^/\\s]*\\.so)\\s*$");
    private static final String[] DEVICE_TYPES = {"CPU", "GPU", "IGPU", "ACCEL", "META"};

    private BackendBindings() {
    }

    /** Routes the log to {@code logCallback}, loads the backends in {@code folder} and initialises llama.cpp. */
    static void start(Path folder, MemorySegment logCallback) {
        LOG_SET.call(logCallback, MemorySegment.NULL);
        try (Arena arena = Arena.ofConfined()) { // the path: only needed during the call
            LOAD_ALL_FROM_PATH.call(arena.allocateFrom(folder.toString()));
        }
        BACKEND_INIT.call();
        if (DEV_COUNT.call() == 0) {
            throw new IllegalStateException("llama.cpp in " + folder + " found no backend this machine can run"
                    + " (no libggml-cpu-*.so for this CPU, nor a built-in CPU backend)");
        }
    }

    /** {@code llama_version()}: the release the library was built from, e.g. {@code b7300}. */
    static String version() {
        return text(VERSION.call());
    }

    /**
     * Whether the CPU backend repacks quantized weights into AMX tiles (Sapphire Rapids and later): then every such
     * matrix lives in a copy of its own, beside the file's pages.
     */
    static boolean repacksIntoAmx() {
        return text(PRINT_SYSTEM_INFO.call()).contains("AMX_INT8 = 1");
    }

    /** One line for the server's log: the release, where it came from, the CPU variant, the CPU's features, the devices. */
    static String describe(NativeLibrary.Opened library) {
        return "llama.cpp " + text(VERSION.call()) + " from " + library.llama() + "; CPU backend: " + cpuVariant()
                + "; " + text(PRINT_SYSTEM_INFO.call()) + "; devices: " + String.join(", ", devices());
    }

    /** Each backend device: name, type, description and, for a GPU, its free and total memory. */
    static List<String> devices() {
        List<String> devices = new ArrayList<>();
        long count = DEV_COUNT.call();
        try (Arena arena = Arena.ofConfined()) { // the two size_t results: only needed during the call
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            for (long i = 0; i < count; i++) {
                MemorySegment device = DEV_GET.call(i);
                int type = DEV_TYPE.call(device);
                String kind = type >= 0 && type < DEVICE_TYPES.length ? DEVICE_TYPES[type] : "type " + type;
                String memory = "";
                if (type != 0) {
                    DEV_MEMORY.call(device, free, total);
                    memory = ", " + free.get(JAVA_LONG, 0) / (1 << 20) + " of " + total.get(JAVA_LONG, 0) / (1 << 20)
                            + " MiB free";
                }
                devices.add(text(DEV_NAME.call(device)) + " (" + kind + ", " + text(DEV_DESCRIPTION.call(device)) + memory
                        + ")");
            }
        }
        return devices;
    }

    /**
     * The CPU variant ggml chose, read from the libraries this process has mapped (ggml does not say which it chose,
     * except in its log): e.g. {@code libggml-cpu-icelake.so}; "built in" for a build without dynamic backends.
     */
    static String cpuVariant() {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.map(CPU_VARIANT::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst()
                    .orElse("built in");
        } catch (IOException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String text(MemorySegment pointer) {
        // Static or device-owned strings: read them now, never free them.
        return pointer.equals(MemorySegment.NULL) ? "?" : pointer.reinterpret(Long.MAX_VALUE).getString(0).strip();
    }
}
