package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Refuses a library whose structs are not the ones this package binds, before any struct is passed to it: another
 * release's {@code llama_context_params} read through these layouts would set the wrong fields, and one larger than
 * the layout would be written past its end. The library itself reports its layouts: each
 * {@code llama_*_default_params()} and {@code llama_batch_init()} writes its struct into a buffer larger than the
 * layout and filled with a sentinel byte, and then
 * <ul>
 *   <li>every field must hold the default the release's source sets (llama-context.cpp, llama-model.cpp,
 *       llama-batch.cpp) at the offset the layout gives it, so a field moved or resized shows, and so does a struct
 *       that is smaller (its last fields would still hold the sentinel); and</li>
 *   <li>the bytes after the layout must still hold the sentinel, so a larger struct shows.</li>
 * </ul>
 * {@code llama_chat_message} and {@code llama_sampler_chain_params} are passed by value or read by the library but
 * never returned by it; {@code StructLayoutsTest} pins them (and every layout here) against the release's header.
 */
final class StructCheck {

    private static final long SLACK = 256; // bytes after the layout a larger struct would write into
    private static final byte SENTINEL = (byte) 0xA5;
    private static final Object NULL = new Object(); // a pointer field whose default is NULL
    private static final Object NOT_NULL = new Object(); // a pointer field llama_batch_init points at its array

    private StructCheck() {
    }

    /**
     * The defaults of {@code llama_model_default_params()} in the bound release, by field name. An operator's build of
     * the same release has the same ones.
     */
    static Map<String, Object> modelDefaults() {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("devices", NULL);
        defaults.put("tensor_buft_overrides", NULL);
        defaults.put("n_gpu_layers", -1);
        defaults.put("split_mode", 1);      // LLAMA_SPLIT_MODE_LAYER
        defaults.put("load_mode", -1);      // LLAMA_LOAD_MODE_AUTO
        defaults.put("lazy_mode", 1);       // LLAMA_LAZY_MODE_AUTO
        defaults.put("main_gpu", 0);
        defaults.put("tensor_split", NULL);
        defaults.put("progress_callback", NULL);
        defaults.put("progress_callback_user_data", NULL);
        defaults.put("kv_overrides", NULL);
        defaults.put("vocab_only", false);
        defaults.put("check_tensors", false);
        defaults.put("use_extra_bufts", true);
        defaults.put("no_host", false);
        defaults.put("no_alloc", false);
        defaults.put("load_mtp", false);
        return defaults;
    }

    /** The defaults of {@code llama_context_default_params()} in the bound release, by field name. */
    static Map<String, Object> contextDefaults() {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("n_ctx", 512);
        defaults.put("n_batch", 2048);
        defaults.put("n_ubatch", 512);
        defaults.put("n_seq_max", 1);
        defaults.put("n_rs_seq", 0);
        defaults.put("n_outputs_max", 0);
        defaults.put("n_outputs_max_per_seq", 1);
        defaults.put("n_threads", 4);          // GGML_DEFAULT_N_THREADS
        defaults.put("n_threads_batch", 4);
        defaults.put("ctx_type", 0);           // LLAMA_CONTEXT_TYPE_DEFAULT
        defaults.put("rope_scaling_type", -1); // *_UNSPECIFIED
        defaults.put("pooling_type", -1);
        defaults.put("attention_type", -1);
        defaults.put("flash_attn_type", -1);   // LLAMA_FLASH_ATTN_TYPE_AUTO
        defaults.put("rope_freq_base", 0f);
        defaults.put("rope_freq_scale", 0f);
        defaults.put("yarn_ext_factor", -1f);
        defaults.put("yarn_attn_factor", -1f);
        defaults.put("yarn_beta_fast", -1f);
        defaults.put("yarn_beta_slow", -1f);
        defaults.put("yarn_orig_ctx", 0);
        defaults.put("defrag_thold", -1f);
        defaults.put("cb_eval", NULL);
        defaults.put("cb_eval_user_data", NULL);
        defaults.put("type_k", KvCacheType.F16.ggmlType());
        defaults.put("type_v", KvCacheType.F16.ggmlType());
        defaults.put("abort_callback", NULL);
        defaults.put("abort_callback_data", NULL);
        defaults.put("embeddings", false);
        defaults.put("offload_kqv", true);
        defaults.put("no_perf", true);
        defaults.put("op_offload", true);
        defaults.put("swa_full", true);
        defaults.put("kv_unified", false);
        defaults.put("samplers", NULL);
        defaults.put("n_samplers", 0L);
        defaults.put("ctx_other", NULL);
        return defaults;
    }

    /** What {@code llama_batch_init(1, 0, 1)} returns: no tokens yet, every array but {@code embd} allocated. */
    static Map<String, Object> batchInitValues() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("n_tokens", 0);
        values.put("token", NOT_NULL);
        values.put("embd", NULL);
        values.put("pos", NOT_NULL);
        values.put("n_seq_id", NOT_NULL);
        values.put("seq_id", NOT_NULL);
        values.put("logits", NOT_NULL);
        return values;
    }

    /**
     * @throws IllegalStateException naming every field that differs and what to use instead
     */
    static void verify(NativeLibrary.Opened library) {
        List<String> mismatches = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) { // the padded structs: only needed for the check
            MemorySegment model = returned(library, "llama_model_default_params", ModelBindings.PARAMS, arena);
            mismatches.addAll(compare("llama_model_params", ModelBindings.PARAMS, model, modelDefaults()));
            MemorySegment context = returned(library, "llama_context_default_params", ContextBindings.PARAMS, arena);
            mismatches.addAll(compare("llama_context_params", ContextBindings.PARAMS, context, contextDefaults()));
            MemorySegment batch = returned(library, "llama_batch_init", BatchBindings.BATCH, arena, 1, 0, 1);
            mismatches.addAll(compare("llama_batch", BatchBindings.BATCH, batch, batchInitValues()));
            if (mismatches.isEmpty()) {
                // Only a batch of the expected layout is safe to hand back for freeing.
                invoke(library, "llama_batch_free", FunctionDescriptor.ofVoid(BatchBindings.BATCH),
                        batch.asSlice(0, BatchBindings.BATCH));
            }
        }
        if (!mismatches.isEmpty()) {
            throw new IllegalStateException("the llama.cpp library " + library.llama() + " is not the release this "
                    + "OpenMaaS binds (" + NativeLibrary.PACKAGE + "@" + NativeLibrary.PACKAGE_VERSION + "): its structs "
                    + "differ (" + String.join("; ", mismatches) + "). " + NativeLibrary.howToGetIt());
        }
    }

    /**
     * Calls a function returning a struct of {@code layout} by value. A struct over 16 bytes is returned through memory
     * on x86-64 and AArch64: the caller passes a buffer, which the allocator below places at the start of one
     * {@link #SLACK} bytes larger, so a larger struct in the library lands in the slack instead of past the buffer.
     */
    static MemorySegment returned(NativeLibrary.Opened library, String name, StructLayout layout, Arena arena,
                                  Object... intArguments) {
        MemorySegment buffer = arena.allocate(layout.byteSize() + SLACK, layout.byteAlignment());
        buffer.fill(SENTINEL);
        MemoryLayout[] argumentLayouts = new MemoryLayout[intArguments.length];
        Arrays.fill(argumentLayouts, JAVA_INT);
        Object[] arguments = new Object[intArguments.length + 1];
        arguments[0] = (SegmentAllocator) (size, alignment) -> buffer.asSlice(0, size);
        System.arraycopy(intArguments, 0, arguments, 1, intArguments.length);
        invoke(library, name, FunctionDescriptor.of(layout, argumentLayouts), arguments);
        return buffer;
    }

    private static void invoke(NativeLibrary.Opened library, String name, FunctionDescriptor descriptor,
                               Object... arguments) {
        MemorySegment symbol = library.symbols().find(name).orElseThrow(() -> new IllegalStateException(
                "the llama.cpp library " + library.llama() + " has no function " + name + "; "
                        + NativeLibrary.howToGetIt()));
        MethodHandle handle = Linker.nativeLinker().downcallHandle(symbol, descriptor);
        try {
            handle.invokeWithArguments(arguments);
        } catch (Throwable e) {
            throw new IllegalStateException("calling " + name + " failed: " + e, e);
        }
    }

    /** The fields of {@code struct} that do not hold {@code expected}, and the slack if it was written. */
    static List<String> compare(String structName, StructLayout layout, MemorySegment struct,
                                Map<String, Object> expected) {
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, Object> field : expected.entrySet()) {
            long offset = LlamaLibrary.offset(layout, field.getKey());
            ValueLayout type = (ValueLayout) layout.select(MemoryLayout.PathElement.groupElement(field.getKey()));
            Object actual = read(struct, type, offset);
            Object want = field.getValue();
            boolean matches = want == NULL ? actual.equals(0L)
                    : want == NOT_NULL ? !actual.equals(0L)
                    : want.equals(actual);
            if (!matches) {
                mismatches.add(structName + "." + field.getKey() + " at byte " + offset + " reads " + actual
                        + " where the release has " + (want == NULL ? "NULL" : want == NOT_NULL ? "a pointer" : want));
            }
        }
        for (long i = layout.byteSize(); i < layout.byteSize() + SLACK; i++) {
            if (struct.get(JAVA_BYTE, i) != SENTINEL) {
                mismatches.add(structName + " is larger than the " + layout.byteSize() + " bytes bound here");
                break;
            }
        }
        return mismatches;
    }

    /** A field as a Java value: pointers as their address, C bool as the byte it is unless that is 0 or 1. */
    private static Object read(MemorySegment struct, ValueLayout type, long offset) {
        if (type instanceof AddressLayout) {
            return struct.get(ADDRESS, offset).address();
        }
        if (type.carrier() == boolean.class) {
            byte b = struct.get(JAVA_BYTE, offset);
            return b == 0 ? (Object) false : b == 1 ? (Object) true : (Object) ("byte " + b);
        }
        if (type.carrier() == float.class) {
            return struct.get(JAVA_FLOAT, offset);
        }
        if (type.carrier() == long.class) {
            return struct.get(JAVA_LONG, offset);
        }
        return struct.get(JAVA_INT, offset);
    }
}
