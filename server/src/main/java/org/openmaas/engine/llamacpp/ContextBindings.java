package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
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

    // struct llama_context_params (160 bytes), as include/llama.h of the bound release declares it
    static final StructLayout PARAMS = MemoryLayout.structLayout(
            JAVA_INT.withName("n_ctx"),
            JAVA_INT.withName("n_batch"),
            JAVA_INT.withName("n_ubatch"),
            JAVA_INT.withName("n_seq_max"),
            JAVA_INT.withName("n_rs_seq"),
            JAVA_INT.withName("n_outputs_max"),
            JAVA_INT.withName("n_outputs_max_per_seq"),
            JAVA_INT.withName("n_threads"),
            JAVA_INT.withName("n_threads_batch"),
            JAVA_INT.withName("ctx_type"),
            JAVA_INT.withName("rope_scaling_type"),
            JAVA_INT.withName("pooling_type"),
            JAVA_INT.withName("attention_type"),
            JAVA_INT.withName("flash_attn_type"),
            JAVA_FLOAT.withName("rope_freq_base"),
            JAVA_FLOAT.withName("rope_freq_scale"),
            JAVA_FLOAT.withName("yarn_ext_factor"),
            JAVA_FLOAT.withName("yarn_attn_factor"),
            JAVA_FLOAT.withName("yarn_beta_fast"),
            JAVA_FLOAT.withName("yarn_beta_slow"),
            JAVA_INT.withName("yarn_orig_ctx"),
            JAVA_FLOAT.withName("defrag_thold"),
            ADDRESS.withName("cb_eval"),
            ADDRESS.withName("cb_eval_user_data"),
            JAVA_INT.withName("type_k"),
            JAVA_INT.withName("type_v"),
            ADDRESS.withName("abort_callback"),
            ADDRESS.withName("abort_callback_data"),
            JAVA_BOOLEAN.withName("embeddings"),
            JAVA_BOOLEAN.withName("offload_kqv"),
            JAVA_BOOLEAN.withName("no_perf"),
            JAVA_BOOLEAN.withName("op_offload"),
            JAVA_BOOLEAN.withName("swa_full"),
            JAVA_BOOLEAN.withName("kv_unified"),
            MemoryLayout.paddingLayout(2),
            ADDRESS.withName("samplers"),
            JAVA_LONG.withName("n_samplers"),
            ADDRESS.withName("ctx_other"));
    static final long PARAMS_N_CTX = offset(PARAMS, "n_ctx");
    static final long PARAMS_N_BATCH = offset(PARAMS, "n_batch");
    static final long PARAMS_N_UBATCH = offset(PARAMS, "n_ubatch");
    static final long PARAMS_N_SEQ_MAX = offset(PARAMS, "n_seq_max");
    static final long PARAMS_N_THREADS = offset(PARAMS, "n_threads");
    static final long PARAMS_N_THREADS_BATCH = offset(PARAMS, "n_threads_batch");
    static final long PARAMS_FLASH_ATTN_TYPE = offset(PARAMS, "flash_attn_type");
    static final long PARAMS_TYPE_K = offset(PARAMS, "type_k");
    static final long PARAMS_TYPE_V = offset(PARAMS, "type_v");
    static final long PARAMS_NO_PERF = offset(PARAMS, "no_perf");
    static final long PARAMS_KV_UNIFIED = offset(PARAMS, "kv_unified");
    static final long PARAMS_EMBEDDINGS = offset(PARAMS, "embeddings");

    /** {@code enum llama_pooling_type}: how a context with embeddings on pools a sequence's token vectors. */
    static final int POOLING_NONE = 0;
    static final int POOLING_MEAN = 1;
    static final int POOLING_CLS = 2;
    static final int POOLING_LAST = 3;
    static final int POOLING_RANK = 4;

    /** {@code llama_memory_t llama_get_memory(const struct llama_context * ctx)}: the context's KV cache, owned by it. */
    public interface GetMemory {
        MemorySegment call(MemorySegment context);
    }

    /**
     * {@code bool llama_memory_seq_rm(llama_memory_t mem, llama_seq_id seq_id, llama_pos p0, llama_pos p1)}: removes
     * sequence {@code seqId} (-1: every one) from its cells at positions {@code [p0, p1)} (-1: no bound).
     */
    public interface MemorySeqRm {
        boolean call(MemorySegment memory, int seqId, int p0, int p1);
    }

    /**
     * {@code void llama_memory_seq_cp(llama_memory_t mem, llama_seq_id seq_id_src, llama_seq_id seq_id_dst,
     * llama_pos p0, llama_pos p1)}: adds sequence {@code dst} to the cells of sequence {@code src} at positions
     * {@code [p0, p1)} (-1: no bound). In a unified cache the cells are shared, not copied, and stay until no sequence
     * holds them. Between streams it copies the whole stream (the bounds must be -1), replacing all of {@code dst}'s
     * cells. Both ids must be below the context's n_seq_max: llama.cpp aborts the process otherwise.
     */
    public interface MemorySeqCp {
        void call(MemorySegment memory, int src, int dst, int p0, int p1);
    }

    /**
     * {@code void llama_memory_clear(llama_memory_t mem, bool data)}: empties the whole KV cache, every cell free and
     * the next sequence placed from cell 0; {@code data} also zeroes the buffers.
     */
    public interface MemoryClear {
        void call(MemorySegment memory, boolean data);
    }

    /**
     * {@code float * llama_get_embeddings_seq(struct llama_context * ctx, llama_seq_id seq_id)}: the pooled vector of
     * sequence {@code seqId} after the last decode (owned by the context, valid until the next decode), or NULL.
     */
    public interface GetEmbeddingsSeq {
        MemorySegment call(MemorySegment context, int seqId);
    }

    static final LlamaLibrary.DefaultParams DEFAULT_PARAMS = defaultParams("llama_context_default_params", PARAMS);

    /** {@code struct llama_context * llama_init_from_model(struct llama_model * model, struct llama_context_params)} */
    static final LlamaLibrary.Create INIT_FROM_MODEL = create("llama_init_from_model", PARAMS);

    static final LlamaLibrary.Free FREE = free("llama_free");

    /** {@code uint32_t llama_n_ctx(const struct llama_context * ctx)}: the KV cells the context has. */
    static final LlamaLibrary.Count N_CTX = count("llama_n_ctx");

    /**
     * {@code uint32_t llama_n_batch(const struct llama_context * ctx)}: the most tokens one llama_decode call may take
     * (llama.cpp lowers the requested n_batch to the requested n_ctx); more aborts the process.
     */
    static final LlamaLibrary.Count N_BATCH = count("llama_n_batch");

    /** {@code enum llama_pooling_type llama_pooling_type(const struct llama_context * ctx)}: the pooling in effect. */
    static final LlamaLibrary.Count POOLING_TYPE = count("llama_pooling_type");

    static final GetEmbeddingsSeq GET_EMBEDDINGS_SEQ = function(GetEmbeddingsSeq.class, "llama_get_embeddings_seq",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));

    static final GetMemory GET_MEMORY =
            function(GetMemory.class, "llama_get_memory", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MemorySeqRm MEMORY_SEQ_RM = function(MemorySeqRm.class, "llama_memory_seq_rm",
            FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
    static final MemorySeqCp MEMORY_SEQ_CP = function(MemorySeqCp.class, "llama_memory_seq_cp",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    static final MemoryClear MEMORY_CLEAR =
            function(MemoryClear.class, "llama_memory_clear", FunctionDescriptor.ofVoid(ADDRESS, JAVA_BOOLEAN));

    private ContextBindings() {
    }
}
