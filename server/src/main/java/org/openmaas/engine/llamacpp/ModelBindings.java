package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
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
 * llama.cpp's {@code llama_model} functions: loading and freeing a model and reading what it is (see
 * {@link LlamaLibrary} for how they are bound).
 */
final class ModelBindings {

    // struct llama_model_params (80 bytes), as include/llama.h of the bound release declares it
    static final StructLayout PARAMS = MemoryLayout.structLayout(
            ADDRESS.withName("devices"),
            ADDRESS.withName("tensor_buft_overrides"),
            JAVA_INT.withName("n_gpu_layers"),
            JAVA_INT.withName("split_mode"),
            JAVA_INT.withName("load_mode"),
            JAVA_INT.withName("lazy_mode"),
            JAVA_INT.withName("main_gpu"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("tensor_split"),
            ADDRESS.withName("progress_callback"),
            ADDRESS.withName("progress_callback_user_data"),
            ADDRESS.withName("kv_overrides"),
            JAVA_BOOLEAN.withName("vocab_only"),
            JAVA_BOOLEAN.withName("check_tensors"),
            JAVA_BOOLEAN.withName("use_extra_bufts"),
            JAVA_BOOLEAN.withName("no_host"),
            JAVA_BOOLEAN.withName("no_alloc"),
            JAVA_BOOLEAN.withName("load_mtp"),
            MemoryLayout.paddingLayout(2));
    static final long PARAMS_N_GPU_LAYERS = offset(PARAMS, "n_gpu_layers");
    static final long PARAMS_VOCAB_ONLY = offset(PARAMS, "vocab_only");
    static final long PARAMS_LOAD_MODE = offset(PARAMS, "load_mode");
    static final int LOAD_MODE_READ = 0; // LLAMA_LOAD_MODE_NONE: read the file into the buffers, no mapping

    /** {@code const struct llama_vocab * llama_model_get_vocab(const struct llama_model * model)}: owned by the model. */
    public interface GetVocab {
        MemorySegment call(MemorySegment model);
    }

    /** {@code uint64_t llama_model_size(const struct llama_model * model)}: bytes of all the model's tensors. */
    public interface Size {
        long call(MemorySegment model);
    }

    /**
     * {@code int32_t llama_model_meta_val_str(const struct llama_model * model, const char * key, char * buf,
     * size_t buf_size)}: the length of the value (which may exceed {@code size}, like snprintf), or -1 when the key is
     * absent.
     */
    public interface MetaValStr {
        int call(MemorySegment model, MemorySegment key, MemorySegment buf, long size);
    }

    /**
     * {@code const char * llama_model_chat_template(const struct llama_model * model, const char * name)}: the GGUF's
     * chat template (owned by the model), or NULL. {@code name} NULL means the default template.
     */
    public interface ChatTemplate {
        MemorySegment call(MemorySegment model, MemorySegment name);
    }

    static final LlamaLibrary.DefaultParams DEFAULT_PARAMS = defaultParams("llama_model_default_params", PARAMS);

    /** {@code struct llama_model * llama_model_load_from_file(const char * path_model, struct llama_model_params)} */
    static final LlamaLibrary.Create LOAD_FROM_FILE = create("llama_model_load_from_file", PARAMS);

    static final LlamaLibrary.Free FREE = free("llama_model_free");
    static final GetVocab GET_VOCAB =
            function(GetVocab.class, "llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS));
    // int32_t llama_model_n_*(const struct llama_model * model)
    static final LlamaLibrary.Count N_CTX_TRAIN = count("llama_model_n_ctx_train");
    static final LlamaLibrary.Count N_LAYER = count("llama_model_n_layer");
    static final LlamaLibrary.Count N_EMBD = count("llama_model_n_embd");
    static final LlamaLibrary.Count N_HEAD = count("llama_model_n_head");
    /** The length of the model's output vectors: what an embedding has. */
    static final LlamaLibrary.Count N_EMBD_OUT = count("llama_model_n_embd_out");
    static final LlamaLibrary.Count N_HEAD_KV = count("llama_model_n_head_kv");
    static final Size SIZE = function(Size.class, "llama_model_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    static final MetaValStr META_VAL_STR = function(MetaValStr.class, "llama_model_meta_val_str",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    static final ChatTemplate CHAT_TEMPLATE =
            function(ChatTemplate.class, "llama_model_chat_template", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));

    private ModelBindings() {
    }
}
