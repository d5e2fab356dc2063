package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.openmaas.engine.llamacpp.LlamaLibrary.count;
import static org.openmaas.engine.llamacpp.LlamaLibrary.create;
import static org.openmaas.engine.llamacpp.LlamaLibrary.defaultParams;
import static org.openmaas.engine.llamacpp.LlamaLibrary.free;
import static org.openmaas.engine.llamacpp.LlamaLibrary.function;
import static org.openmaas.engine.llamacpp.LlamaLibrary.offset;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * llama.cpp's {@code llama_context} functions: creating and freeing a context and managing its sequences' KV cells
 * (see {@link LlamaLibrary} for how they are bound).
 */
final class ContextBindings {

    // struct llama_context_params (120 bytes)
    static final StructLayout PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("n_ctx"),
            JAVA_INT.withName("n_batch"),
            JAVA_INT.withName("n_ubatch"),
            JAVA_INT.withName("n_seq_max"),
            JAVA_INT.withName("n_threads"),
            JAVA_INT.withName("n_threads_batch"),
            JAVA_INT.withName("rope_scaling_type"),
            JAVA_INT.withName("pooling_type"),
            JAVA_INT.withName("attention_type"),
            JAVA_FLOAT.withName("rope_freq_base"),
            JAVA_FLOAT.withName("rope_freq_scale"),
            JAVA_FLOAT.withName("yarn_ext_factor"),
            JAVA_FLOAT.withName("yarn_attn_factor"),
            JAVA_FLOAT.withName("yarn_beta_fast"),
            JAVA_FLOAT.withName("yarn_beta_slow"),
            JAVA_INT.withName("yarn_orig_ctx"),
            JAVA_FLOAT.withName("defrag_thold"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("cb_eval"),
            ADDRESS.withName("cb_eval_user_data"),
            JAVA_INT.withName("type_k"),
            JAVA_INT.withName("type_v"),
            JAVA_BOOLEAN.withName("logits_all"),
            JAVA_BOOLEAN.withName("embeddings"),
            JAVA_BOOLEAN.withName("offload_kqv"),
            JAVA_BOOLEAN.withName("flash_attn"),
            JAVA_BOOLEAN.withName("no_perf"),
            MemoryLayout.paddingLayout(3),
            ADDRESS.withName("abort_callback"),
            ADDRESS.withName("abort_callback_data"));
    static final long PARAMS_N_CTX = offset(PARAMS, "n_ctx");
    static final long PARAMS_N_BATCH = offset(PARAMS, "n_batch");
    static final long PARAMS_N_UBATCH = offset(PARAMS, "n_ubatch");
    static final long PARAMS_N_SEQ_MAX = offset(PARAMS, "n_seq_max");
    static final long PARAMS_N_THREADS = offset(PARAMS, "n_threads");
    static final long PARAMS_N_THREADS_BATCH = offset(PARAMS, "n_threads_batch");
    static final long PARAMS_NO_PERF = offset(PARAMS, "no_perf");

    /**
     * {@code bool llama_kv_self_seq_rm(struct llama_context * ctx, llama_seq_id seq_id, llama_pos p0, llama_pos p1)}:
     * removes sequence {@code seqId} (-1: every one) from its cells at positions {@code [p0, p1)} (-1: no bound).
     */
    public interface KvSelfSeqRm {
        boolean call(MemorySegment context, int seqId, int p0, int p1);
    }

    /**
     * {@code void llama_kv_self_seq_cp(struct llama_context * ctx, llama_seq_id seq_id_src, llama_seq_id seq_id_dst,
     * llama_pos p0, llama_pos p1)}: adds sequence {@code dst} to the cells of sequence {@code src} at positions
     * {@code [p0, p1)} (-1: no bound). The cells are shared, not copied, and stay until no sequence holds them.
     */
    public interface KvSelfSeqCp {
        void call(MemorySegment context, int src, int dst, int p0, int p1);
    }

    /**
     * {@code void llama_kv_self_clear(struct llama_context * ctx)}: empties the whole KV cache: every cell free,
     * contents zeroed, the next sequence placed from cell 0.
     */
    public interface KvSelfClear {
        void call(MemorySegment context);
    }

    static final LlamaLibrary.DefaultParams DEFAULT_PARAMS = defaultParams("llama_context_default_params", PARAMS);

    /** {@code struct llama_context * llama_init_from_model(struct llama_model * model, struct llama_context_params)} */
    static final LlamaLibrary.Create INIT_FROM_MODEL = create("llama_init_from_model", PARAMS);

    static final LlamaLibrary.Free FREE = free("llama_free");

    /** {@code uint32_t llama_n_ctx(const struct llama_context * ctx)}: the KV cells the context has. */
    static final LlamaLibrary.Count N_CTX = count("llama_n_ctx");

    static final KvSelfSeqRm KV_SELF_SEQ_RM = function(KvSelfSeqRm.class, "llama_kv_self_seq_rm",
            FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
    static final KvSelfSeqCp KV_SELF_SEQ_CP = function(KvSelfSeqCp.class, "llama_kv_self_seq_cp",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    static final KvSelfClear KV_SELF_CLEAR =
            function(KvSelfClear.class, "llama_kv_self_clear", FunctionDescriptor.ofVoid(ADDRESS));

    private ContextBindings() {
    }
}
