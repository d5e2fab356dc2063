package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.logging.Logger;

/**
 * The llama.cpp C API at build b4916 (commit c6af2161), as used by this package: one method handle per function with
 * its exact C signature, and the struct layouts passed by value.
 *
 * <p>A wrong descriptor does not fail: it corrupts memory or crashes the JVM. Every descriptor below was checked
 * against {@code include/llama.h} of that build; C {@code bool} is {@code JAVA_BOOLEAN}, {@code size_t} is
 * {@code JAVA_LONG} (64-bit platforms only), enums are {@code JAVA_INT}.
 *
 * <p>Loading this class loads the library, routes its log into java.util.logging and calls
 * {@code llama_backend_init()}, once per JVM.
 */
final class LlamaCpp {

    private static final Logger LOG = Logger.getLogger(LlamaCpp.class.getName());
    private static final Linker LINKER = Linker.nativeLinker();
    private static final NativeLibrary.Opened LIBRARY = NativeLibrary.open();

    // struct llama_model_params (64 bytes)
    static final StructLayout MODEL_PARAMS = MemoryLayout.structLayout(
            ADDRESS.withName("devices"),
            JAVA_INT.withName("n_gpu_layers"),
            JAVA_INT.withName("split_mode"),
            JAVA_INT.withName("main_gpu"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("tensor_split"),
            ADDRESS.withName("progress_callback"),
            ADDRESS.withName("progress_callback_user_data"),
            ADDRESS.withName("kv_overrides"),
            JAVA_BOOLEAN.withName("vocab_only"),
            JAVA_BOOLEAN.withName("use_mmap"),
            JAVA_BOOLEAN.withName("use_mlock"),
            JAVA_BOOLEAN.withName("check_tensors"),
            MemoryLayout.paddingLayout(4));
    static final long MODEL_PARAMS_N_GPU_LAYERS = offset(MODEL_PARAMS, "n_gpu_layers");
    static final long MODEL_PARAMS_USE_MMAP = offset(MODEL_PARAMS, "use_mmap");

    // struct llama_context_params (120 bytes)
    static final StructLayout CONTEXT_PARAMS = MemoryLayout.structLayout(
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
    static final long CONTEXT_PARAMS_N_CTX = offset(CONTEXT_PARAMS, "n_ctx");
    static final long CONTEXT_PARAMS_N_BATCH = offset(CONTEXT_PARAMS, "n_batch");
    static final long CONTEXT_PARAMS_N_UBATCH = offset(CONTEXT_PARAMS, "n_ubatch");
    static final long CONTEXT_PARAMS_N_SEQ_MAX = offset(CONTEXT_PARAMS, "n_seq_max");
    static final long CONTEXT_PARAMS_N_THREADS = offset(CONTEXT_PARAMS, "n_threads");
    static final long CONTEXT_PARAMS_N_THREADS_BATCH = offset(CONTEXT_PARAMS, "n_threads_batch");
    static final long CONTEXT_PARAMS_NO_PERF = offset(CONTEXT_PARAMS, "no_perf");

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
    static final long BATCH_N_TOKENS = offset(BATCH, "n_tokens");
    static final long BATCH_TOKEN = offset(BATCH, "token");
    static final long BATCH_EMBD = offset(BATCH, "embd");
    static final long BATCH_POS = offset(BATCH, "pos");
    static final long BATCH_N_SEQ_ID = offset(BATCH, "n_seq_id");
    static final long BATCH_SEQ_ID = offset(BATCH, "seq_id");
    static final long BATCH_LOGITS = offset(BATCH, "logits");

    // struct llama_sampler_chain_params { bool no_perf; }
    static final StructLayout SAMPLER_CHAIN_PARAMS = MemoryLayout.structLayout(JAVA_BOOLEAN.withName("no_perf"));
    static final long SAMPLER_CHAIN_PARAMS_NO_PERF = offset(SAMPLER_CHAIN_PARAMS, "no_perf");

    // struct llama_chat_message { const char * role; const char * content; } (16 bytes)
    static final StructLayout CHAT_MESSAGE = MemoryLayout.structLayout(ADDRESS.withName("role"), ADDRESS.withName("content"));
    static final long CHAT_MESSAGE_ROLE = offset(CHAT_MESSAGE, "role");
    static final long CHAT_MESSAGE_CONTENT = offset(CHAT_MESSAGE, "content");

    // enum llama_token_attr
    static final int TOKEN_ATTR_UNKNOWN = 1;
    static final int TOKEN_ATTR_CONTROL = 1 << 3;

    private static final MethodHandle BACKEND_INIT = downcall("llama_backend_init", FunctionDescriptor.ofVoid());
    private static final MethodHandle LOG_SET = downcall("llama_log_set", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    private static final MethodHandle PRINT_SYSTEM_INFO = downcall("llama_print_system_info", FunctionDescriptor.of(ADDRESS));

    private static final MethodHandle MODEL_DEFAULT_PARAMS =
            downcall("llama_model_default_params", FunctionDescriptor.of(MODEL_PARAMS));
    private static final MethodHandle MODEL_LOAD_FROM_FILE =
            downcall("llama_model_load_from_file", FunctionDescriptor.of(ADDRESS, ADDRESS, MODEL_PARAMS));
    private static final MethodHandle MODEL_FREE = downcall("llama_model_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle MODEL_GET_VOCAB =
            downcall("llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle MODEL_N_CTX_TRAIN =
            downcall("llama_model_n_ctx_train", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle MODEL_SIZE = downcall("llama_model_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    private static final MethodHandle MODEL_N_LAYER =
            downcall("llama_model_n_layer", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle MODEL_N_EMBD = downcall("llama_model_n_embd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle MODEL_N_HEAD = downcall("llama_model_n_head", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle MODEL_N_HEAD_KV =
            downcall("llama_model_n_head_kv", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle MODEL_META_VAL_STR =
            downcall("llama_model_meta_val_str", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle MODEL_CHAT_TEMPLATE =
            downcall("llama_model_chat_template", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle CHAT_APPLY_TEMPLATE = downcall("llama_chat_apply_template",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_BOOLEAN, ADDRESS, JAVA_INT));

    private static final MethodHandle CONTEXT_DEFAULT_PARAMS =
            downcall("llama_context_default_params", FunctionDescriptor.of(CONTEXT_PARAMS));
    private static final MethodHandle INIT_FROM_MODEL =
            downcall("llama_init_from_model", FunctionDescriptor.of(ADDRESS, ADDRESS, CONTEXT_PARAMS));
    private static final MethodHandle FREE = downcall("llama_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle N_CTX = downcall("llama_n_ctx", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private static final MethodHandle VOCAB_N_TOKENS = downcall("llama_vocab_n_tokens", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle VOCAB_BOS = downcall("llama_vocab_bos", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle VOCAB_IS_EOG =
            downcall("llama_vocab_is_eog", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT));
    private static final MethodHandle VOCAB_GET_ATTR =
            downcall("llama_vocab_get_attr", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle VOCAB_GET_ADD_BOS =
            downcall("llama_vocab_get_add_bos", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
    private static final MethodHandle TOKENIZE = downcall("llama_tokenize", FunctionDescriptor.of(
            JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_BOOLEAN, JAVA_BOOLEAN));
    private static final MethodHandle TOKEN_TO_PIECE = downcall("llama_token_to_piece", FunctionDescriptor.of(
            JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_BOOLEAN));

    private static final MethodHandle DECODE = downcall("llama_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, BATCH));
    private static final MethodHandle GET_LOGITS_ITH =
            downcall("llama_get_logits_ith", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle KV_SELF_SEQ_RM =
            downcall("llama_kv_self_seq_rm", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle KV_SELF_SEQ_CP = downcall("llama_kv_self_seq_cp",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle KV_SELF_CLEAR = downcall("llama_kv_self_clear", FunctionDescriptor.ofVoid(ADDRESS));

    private static final MethodHandle SAMPLER_CHAIN_DEFAULT_PARAMS =
            downcall("llama_sampler_chain_default_params", FunctionDescriptor.of(SAMPLER_CHAIN_PARAMS));
    private static final MethodHandle SAMPLER_CHAIN_INIT =
            downcall("llama_sampler_chain_init", FunctionDescriptor.of(ADDRESS, SAMPLER_CHAIN_PARAMS));
    private static final MethodHandle SAMPLER_CHAIN_ADD =
            downcall("llama_sampler_chain_add", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    private static final MethodHandle SAMPLER_FREE = downcall("llama_sampler_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle SAMPLER_INIT_GREEDY = downcall("llama_sampler_init_greedy", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle SAMPLER_INIT_DIST =
            downcall("llama_sampler_init_dist", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle SAMPLER_INIT_TEMP =
            downcall("llama_sampler_init_temp", FunctionDescriptor.of(ADDRESS, JAVA_FLOAT));
    private static final MethodHandle SAMPLER_INIT_TOP_K =
            downcall("llama_sampler_init_top_k", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle SAMPLER_INIT_TOP_P =
            downcall("llama_sampler_init_top_p", FunctionDescriptor.of(ADDRESS, JAVA_FLOAT, JAVA_LONG));
    private static final MethodHandle SAMPLER_INIT_TYPICAL =
            downcall("llama_sampler_init_typical", FunctionDescriptor.of(ADDRESS, JAVA_FLOAT, JAVA_LONG));
    private static final MethodHandle SAMPLER_INIT_PENALTIES = downcall("llama_sampler_init_penalties",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT));
    private static final MethodHandle SAMPLER_SAMPLE =
            downcall("llama_sampler_sample", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle SAMPLER_ACCEPT =
            downcall("llama_sampler_accept", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));

    static {
        installLog();
        backendInit();
        LOG.info(() -> "llama.cpp " + build() + " loaded from " + LIBRARY.file());
        LOG.fine(() -> "llama.cpp system info: " + systemInfo());
    }

    private LlamaCpp() {
    }

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LIBRARY.symbols().find(name)
                .orElseThrow(() -> new IllegalStateException("the llama.cpp library has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    private static void installLog() {
        try {
            MethodHandle target = MethodHandles.lookup().findStatic(NativeLog.class, "log",
                    MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class));
            // Global arena: llama.cpp keeps the callback pointer for the life of the process.
            MemorySegment stub = LINKER.upcallStub(target, FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS), Arena.global());
            LOG_SET.invokeExact(stub, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
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
        try {
            // Points to a static buffer inside the library: read it, never free it.
            return ((MemorySegment) PRINT_SYSTEM_INFO.invokeExact()).reinterpret(Long.MAX_VALUE).getString(0).strip();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void backendInit() {
        try {
            BACKEND_INIT.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- model

    static MemorySegment modelDefaultParams(SegmentAllocator allocator) {
        try {
            return (MemorySegment) MODEL_DEFAULT_PARAMS.invokeExact(allocator);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** NULL when the file could not be loaded (the reason went to the log). */
    static MemorySegment modelLoadFromFile(MemorySegment path, MemorySegment params) {
        try {
            return (MemorySegment) MODEL_LOAD_FROM_FILE.invokeExact(path, params);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void modelFree(MemorySegment model) {
        try {
            MODEL_FREE.invokeExact(model);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment modelGetVocab(MemorySegment model) {
        try {
            return (MemorySegment) MODEL_GET_VOCAB.invokeExact(model);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int modelNCtxTrain(MemorySegment model) {
        try {
            return (int) MODEL_N_CTX_TRAIN.invokeExact(model);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Bytes of all the model's tensors. */
    static long modelSize(MemorySegment model) {
        try {
            return (long) MODEL_SIZE.invokeExact(model);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int modelNLayer(MemorySegment model) {
        try {
            return (int) MODEL_N_LAYER.invokeExact(model);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int modelNEmbd(MemorySegment model) {
        try {
            return (int) MODEL_N_EMBD.invokeExact(model);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int modelNHead(MemorySegment model) {
        try {
            return (int) MODEL_N_HEAD.invokeExact(model);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int modelNHeadKv(MemorySegment model) {
        try {
            return (int) MODEL_N_HEAD_KV.invokeExact(model);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Length of the value (which may exceed {@code size}, like snprintf), or -1 when the key is absent. */
    static int modelMetaValStr(MemorySegment model, MemorySegment key, MemorySegment buf, long size) {
        try {
            return (int) MODEL_META_VAL_STR.invokeExact(model, key, buf, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The GGUF's chat template (owned by the model), or NULL. {@code name} NULL means the default template. */
    static MemorySegment modelChatTemplate(MemorySegment model, MemorySegment name) {
        try {
            return (MemorySegment) MODEL_CHAT_TEMPLATE.invokeExact(model, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Bytes the rendered chat needs (possibly more than {@code length}), or a negative value for an unknown template. */
    static int chatApplyTemplate(MemorySegment template, MemorySegment messages, long count, boolean addAssistant,
                                 MemorySegment buf, int length) {
        try {
            return (int) CHAT_APPLY_TEMPLATE.invokeExact(template, messages, count, addAssistant, buf, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- context

    static MemorySegment contextDefaultParams(SegmentAllocator allocator) {
        try {
            return (MemorySegment) CONTEXT_DEFAULT_PARAMS.invokeExact(allocator);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** NULL when the context could not be created (the reason went to the log). */
    static MemorySegment initFromModel(MemorySegment model, MemorySegment params) {
        try {
            return (MemorySegment) INIT_FROM_MODEL.invokeExact(model, params);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void free(MemorySegment context) {
        try {
            FREE.invokeExact(context);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int nCtx(MemorySegment context) {
        try {
            return (int) N_CTX.invokeExact(context);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- vocabulary

    static int vocabNTokens(MemorySegment vocab) {
        try {
            return (int) VOCAB_N_TOKENS.invokeExact(vocab);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int vocabBos(MemorySegment vocab) {
        try {
            return (int) VOCAB_BOS.invokeExact(vocab);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static boolean vocabIsEog(MemorySegment vocab, int token) {
        try {
            return (boolean) VOCAB_IS_EOG.invokeExact(vocab, token);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int vocabGetAttr(MemorySegment vocab, int token) {
        try {
            return (int) VOCAB_GET_ATTR.invokeExact(vocab, token);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static boolean vocabGetAddBos(MemorySegment vocab) {
        try {
            return (boolean) VOCAB_GET_ADD_BOS.invokeExact(vocab);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Number of tokens written, or minus the number needed when {@code maxTokens} is too small. */
    static int tokenize(MemorySegment vocab, MemorySegment text, int textLength, MemorySegment tokens, int maxTokens,
                        boolean addSpecial, boolean parseSpecial) {
        try {
            return (int) TOKENIZE.invokeExact(vocab, text, textLength, tokens, maxTokens, addSpecial, parseSpecial);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Bytes written (not NUL-terminated), or minus the number needed when {@code length} is too small. */
    static int tokenToPiece(MemorySegment vocab, int token, MemorySegment buf, int length, int lstrip, boolean special) {
        try {
            return (int) TOKEN_TO_PIECE.invokeExact(vocab, token, buf, length, lstrip, special);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- decoding

    /**
     * 0 on success, else an error after which the KV cache is as it was. A batch must fit in one run of free KV
     * cells; when none is long enough, llama.h documents 1 but build b4916 returns -3 ("failed to prepare ubatch"):
     * see {@link #noRunOfFreeCells}.
     */
    static int decode(MemorySegment context, MemorySegment batch) {
        try {
            return (int) DECODE.invokeExact(context, batch);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Whether a {@link #decode} status means the batch found no run of free KV cells long enough for it. */
    static boolean noRunOfFreeCells(int status) {
        return status == 1 || status == -3;
    }

    /** The logits row of batch entry {@code i} (owned by the context, valid until the next decode), or NULL. */
    static MemorySegment getLogitsIth(MemorySegment context, int i) {
        try {
            return (MemorySegment) GET_LOGITS_ITH.invokeExact(context, i);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Removes sequence {@code seqId} (-1: every one) from its cells at positions {@code [p0, p1)} (-1: no bound). */
    static boolean kvSelfSeqRm(MemorySegment context, int seqId, int p0, int p1) {
        try {
            return (boolean) KV_SELF_SEQ_RM.invokeExact(context, seqId, p0, p1);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Adds sequence {@code dst} to the cells of sequence {@code src} at positions {@code [p0, p1)} (-1: no bound): the
     * cells are shared, not copied, and stay until no sequence holds them.
     */
    static void kvSelfSeqCp(MemorySegment context, int src, int dst, int p0, int p1) {
        try {
            KV_SELF_SEQ_CP.invokeExact(context, src, dst, p0, p1);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Empties the whole KV cache: every cell free, contents zeroed, the next sequence placed from cell 0. */
    static void kvSelfClear(MemorySegment context) {
        try {
            KV_SELF_CLEAR.invokeExact(context);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- sampling

    static MemorySegment samplerChainDefaultParams(SegmentAllocator allocator) {
        try {
            return (MemorySegment) SAMPLER_CHAIN_DEFAULT_PARAMS.invokeExact(allocator);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment samplerChainInit(MemorySegment params) {
        try {
            return (MemorySegment) SAMPLER_CHAIN_INIT.invokeExact(params);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The chain takes ownership of {@code sampler}: freeing the chain frees it. */
    static void samplerChainAdd(MemorySegment chain, MemorySegment sampler) {
        try {
            SAMPLER_CHAIN_ADD.invokeExact(chain, sampler);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void samplerFree(MemorySegment sampler) {
        try {
            SAMPLER_FREE.invokeExact(sampler);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment samplerInitGreedy() {
        try {
            return (MemorySegment) SAMPLER_INIT_GREEDY.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code seed} is a uint32; 0xFFFFFFFF (LLAMA_DEFAULT_SEED) makes llama.cpp draw a random one. */
    static MemorySegment samplerInitDist(int seed) {
        try {
            return (MemorySegment) SAMPLER_INIT_DIST.invokeExact(seed);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment samplerInitTemp(float temperature) {
        try {
            return (MemorySegment) SAMPLER_INIT_TEMP.invokeExact(temperature);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment samplerInitTopK(int k) {
        try {
            return (MemorySegment) SAMPLER_INIT_TOP_K.invokeExact(k);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment samplerInitTopP(float p, long minKeep) {
        try {
            return (MemorySegment) SAMPLER_INIT_TOP_P.invokeExact(p, minKeep);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment samplerInitTypical(float p, long minKeep) {
        try {
            return (MemorySegment) SAMPLER_INIT_TYPICAL.invokeExact(p, minKeep);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment samplerInitPenalties(int lastN, float repeat, float frequency, float presence) {
        try {
            return (MemorySegment) SAMPLER_INIT_PENALTIES.invokeExact(lastN, repeat, frequency, presence);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Applies the chain to the logits of batch entry {@code i}, picks a token and accepts it into the chain. */
    static int samplerSample(MemorySegment sampler, MemorySegment context, int i) {
        try {
            return (int) SAMPLER_SAMPLE.invokeExact(sampler, context, i);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void samplerAccept(MemorySegment sampler, int token) {
        try {
            SAMPLER_ACCEPT.invokeExact(sampler, token);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
