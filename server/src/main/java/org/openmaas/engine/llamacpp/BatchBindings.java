package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.openmaas.engine.llamacpp.LlamaLibrary.function;
import static org.openmaas.engine.llamacpp.LlamaLibrary.offset;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * llama.cpp's {@code llama_batch} and what is done with one: decoding it in a context and reading the logits it
 * produced (see {@link LlamaLibrary} for how they are bound).
 */
final class BatchBindings {

    // struct llama_batch (56 bytes)
    static final StructLayout BATCH = MemoryLayout.structLayout(
            JAVA_INT.withName("n_tokens"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("token"),
            ADDRESS.withName("embd"),
            ADDRESS.withName("pos"),
            ADDRESS.withName("n_seq_id"),
            ADDRESS.withName("seq_id"),
            ADDRESS.withName("logits"));
    static final long BATCH_N_TOKENS = offset(BATCH, "n_tokens"); // set before every decode; the pointers once

    /**
     * {@code int32_t llama_decode(struct llama_context * ctx, struct llama_batch batch)}: 0 on success; 1 when the KV
     * cache has no room for the batch; other values are errors. After a failure the cells of the ubatches before the
     * failed one stay in the cache.
     */
    public interface Decode {
        int call(MemorySegment context, MemorySegment batch);
    }

    /**
     * {@code float * llama_get_logits_ith(struct llama_context * ctx, int32_t i)}: the logits row of batch entry
     * {@code i} (owned by the context, valid until the next decode), or NULL.
     */
    public interface GetLogitsIth {
        MemorySegment call(MemorySegment context, int i);
    }

    static final Decode DECODE = function(Decode.class, "llama_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, BATCH));
    static final GetLogitsIth GET_LOGITS_ITH =
            function(GetLogitsIth.class, "llama_get_logits_ith", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));

    private BatchBindings() {
    }
}
