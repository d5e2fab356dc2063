package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.openmaas.engine.llamacpp.LlamaLibrary.function;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;

/**
 * One engine's CPU worker threads: a ggml threadpool attached to its contexts. Without one, ggml's CPU backend creates
 * and joins its worker threads for every llama_decode call (a "disposable threadpool"), which on a busy machine costs
 * more than a small model's whole decode step (measured: stories260K at 2.7 tok/s under load against 120 for
 * llama-bench, which attaches one, as llama-server does).
 *
 * <p>{@code ggml_threadpool_new} and {@code _free} live in the CPU backend, which with dynamic backends is a library
 * ggml loaded itself ({@code libggml-cpu-<variant>.so}): they are found through the backend registry
 * ({@code ggml_backend_reg_get_proc_address}), as llama-bench does.
 *
 * <p>Owned by the engine thread's {@code StepLoop}: created with the loop, freed after its contexts.
 */
final class Threadpool implements AutoCloseable {

    // struct ggml_threadpool_params (528 bytes): only written by ggml_threadpool_params_init, read by ggml itself
    static final StructLayout PARAMS = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(512, JAVA_BOOLEAN).withName("cpumask"), // GGML_MAX_N_THREADS
            JAVA_INT.withName("n_threads"),
            JAVA_INT.withName("prio"),
            JAVA_INT.withName("poll"),
            JAVA_BOOLEAN.withName("strict_cpu"),
            JAVA_BOOLEAN.withName("paused"),
            MemoryLayout.paddingLayout(2));

    /** {@code void ggml_threadpool_params_init(struct ggml_threadpool_params * p, int n_threads)}: ggml's defaults. */
    public interface ParamsInit {
        void call(MemorySegment params, int threads);
    }

    /** {@code ggml_backend_dev_t ggml_backend_dev_by_type(enum ggml_backend_dev_type type)} */
    public interface DevByType {
        MemorySegment call(int type);
    }

    /** {@code ggml_backend_reg_t ggml_backend_dev_backend_reg(ggml_backend_dev_t device)} */
    public interface DevBackendReg {
        MemorySegment call(MemorySegment device);
    }

    /** {@code void * ggml_backend_reg_get_proc_address(ggml_backend_reg_t reg, const char * name)}: NULL when absent. */
    public interface GetProcAddress {
        MemorySegment call(MemorySegment registry, MemorySegment name);
    }

    /** {@code struct ggml_threadpool * ggml_threadpool_new(struct ggml_threadpool_params * params)}: NULL on failure. */
    public interface New {
        MemorySegment call(MemorySegment params);
    }

    /**
     * {@code void llama_attach_threadpool(struct llama_context * ctx, ggml_threadpool_t threadpool,
     * ggml_threadpool_t threadpool_batch)}: the context computes with these threads; a NULL batch pool means the same.
     */
    public interface Attach {
        void call(MemorySegment context, MemorySegment threadpool, MemorySegment batchThreadpool);
    }

    private static final ParamsInit PARAMS_INIT = function(ParamsInit.class, "ggml_threadpool_params_init",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
    private static final DevByType DEV_BY_TYPE =
            function(DevByType.class, "ggml_backend_dev_by_type", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final DevBackendReg DEV_BACKEND_REG =
            function(DevBackendReg.class, "ggml_backend_dev_backend_reg", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final GetProcAddress GET_PROC_ADDRESS = function(GetProcAddress.class,
            "ggml_backend_reg_get_proc_address", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final Attach ATTACH = function(Attach.class, "llama_attach_threadpool",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
    private static final New NEW = cpuFunction(New.class, "ggml_threadpool_new", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final LlamaLibrary.Free FREE =
            cpuFunction(LlamaLibrary.Free.class, "ggml_threadpool_free", FunctionDescriptor.ofVoid(ADDRESS));

    private static final int CPU_DEVICE = 0; // GGML_BACKEND_DEVICE_TYPE_CPU

    private final MemorySegment threadpool; // struct ggml_threadpool *: owned, freed by close()
    private boolean closed;

    private Threadpool(MemorySegment threadpool) {
        this.threadpool = threadpool;
    }

    /** A pool of {@code threads} threads (the calling one included), with ggml's default polling. */
    static Threadpool create(int threads) {
        MemorySegment threadpool;
        try (Arena arena = Arena.ofConfined()) { // the params: ggml copies what it needs
            MemorySegment params = arena.allocate(PARAMS);
            PARAMS_INIT.call(params, threads);
            threadpool = NEW.call(params);
        }
        if (threadpool.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("ggml could not create a threadpool of " + threads + " threads");
        }
        return new Threadpool(threadpool);
    }

    /** Makes {@code context} compute with this pool; the context must be freed before the pool. */
    void attach(MemorySegment context) {
        ATTACH.call(context, threadpool, MemorySegment.NULL);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            FREE.call(threadpool);
        }
    }

    /** A function of the CPU backend, found through the backend registry. */
    private static <T> T cpuFunction(Class<T> signature, String name, FunctionDescriptor descriptor) {
        MemorySegment registry = DEV_BACKEND_REG.call(DEV_BY_TYPE.call(CPU_DEVICE));
        MemorySegment address;
        try (Arena arena = Arena.ofConfined()) {
            address = GET_PROC_ADDRESS.call(registry, arena.allocateFrom(name));
        }
        if (address.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("llama.cpp's CPU backend has no " + name);
        }
        MethodHandle handle = Linker.nativeLinker().downcallHandle(address, descriptor);
        return MethodHandleProxies.asInterfaceInstance(signature, handle);
    }
}
