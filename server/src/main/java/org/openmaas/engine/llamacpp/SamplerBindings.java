package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.openmaas.engine.llamacpp.LlamaLibrary.defaultParams;
import static org.openmaas.engine.llamacpp.LlamaLibrary.free;
import static org.openmaas.engine.llamacpp.LlamaLibrary.function;
import static org.openmaas.engine.llamacpp.LlamaLibrary.offset;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * llama.cpp's {@code llama_sampler} functions: building a sampler chain, sampling with it and freeing it (see
 * {@link LlamaLibrary} for how they are bound).
 */
final class SamplerBindings {

    // struct llama_sampler_chain_params { bool no_perf; }
    static final StructLayout CHAIN_PARAMS = MemoryLayout.structLayout(JAVA_BOOLEAN.withName("no_perf"));
    static final long CHAIN_PARAMS_NO_PERF = offset(CHAIN_PARAMS, "no_perf");

    // struct llama_logit_bias { llama_token token; float bias; }
    static final StructLayout LOGIT_BIAS = MemoryLayout.structLayout(JAVA_INT.withName("token"),
            JAVA_FLOAT.withName("bias"));
    static final long LOGIT_BIAS_TOKEN = offset(LOGIT_BIAS, "token");
    static final long LOGIT_BIAS_BIAS = offset(LOGIT_BIAS, "bias");

    /**
     * {@code struct llama_sampler * llama_sampler_init_logit_bias(int32_t n_vocab, int32_t n_logit_bias,
     * const llama_logit_bias * logit_bias)}: adds each bias to its token's logit; the sampler copies the array.
     */
    public interface InitLogitBias {
        MemorySegment call(int vocabSize, int count, MemorySegment biases);
    }
    // struct llama_token_data { llama_token id; float logit; float p; }
    static final StructLayout TOKEN_DATA = MemoryLayout.structLayout(JAVA_INT.withName("id"),
            JAVA_FLOAT.withName("logit"), JAVA_FLOAT.withName("p"));
    static final long TOKEN_DATA_ID = offset(TOKEN_DATA, "id");
    static final long TOKEN_DATA_LOGIT = offset(TOKEN_DATA, "logit");
    static final long TOKEN_DATA_P = offset(TOKEN_DATA, "p");

    // struct llama_token_data_array { llama_token_data * data; size_t size; int64_t selected; bool sorted; }
    static final StructLayout TOKEN_DATA_ARRAY = MemoryLayout.structLayout(ADDRESS.withName("data"),
            JAVA_LONG.withName("size"), JAVA_LONG.withName("selected"), JAVA_BOOLEAN.withName("sorted"),
            MemoryLayout.paddingLayout(7));
    static final long ARRAY_DATA = offset(TOKEN_DATA_ARRAY, "data");
    static final long ARRAY_SIZE = offset(TOKEN_DATA_ARRAY, "size");
    static final long ARRAY_SELECTED = offset(TOKEN_DATA_ARRAY, "selected");
    static final long ARRAY_SORTED = offset(TOKEN_DATA_ARRAY, "sorted");

    /**
     * {@code struct llama_sampler * llama_sampler_chain_init(struct llama_sampler_chain_params params)}: the caller owns
     * the chain.
     */
    public interface ChainInit {
        MemorySegment call(MemorySegment params);
    }

    /**
     * {@code void llama_sampler_chain_add(struct llama_sampler * chain, struct llama_sampler * smpl)}: the chain takes
     * ownership of {@code sampler}: freeing the chain frees it.
     */
    public interface ChainAdd {
        void call(MemorySegment chain, MemorySegment sampler);
    }

    /** {@code struct llama_sampler * llama_sampler_init_greedy(void)} */
    public interface InitGreedy {
        MemorySegment call();
    }

    /**
     * A sampler of one int parameter: {@code struct llama_sampler * llama_sampler_init_dist(uint32_t seed)} (0xFFFFFFFF,
     * LLAMA_DEFAULT_SEED, makes llama.cpp draw a random seed) or {@code llama_sampler_init_top_k(int32_t k)}.
     */
    public interface InitWithInt {
        MemorySegment call(int value);
    }

    /** {@code struct llama_sampler * llama_sampler_init_temp(float t)} */
    public interface InitTemp {
        MemorySegment call(float temperature);
    }

    /**
     * A sampler keeping a probability mass: {@code struct llama_sampler * llama_sampler_init_top_p(float p,
     * size_t min_keep)} or {@code llama_sampler_init_typical(float p, size_t min_keep)}.
     */
    public interface InitWithMass {
        MemorySegment call(float p, long minKeep);
    }

    /**
     * {@code struct llama_sampler * llama_sampler_init_penalties(int32_t n_vocab, int32_t penalty_last_n,
     * float penalty_repeat, float penalty_freq, float penalty_present)}
     */
    public interface InitPenalties {
        MemorySegment call(int vocabSize, int lastN, float repeat, float frequency, float presence);
    }

    /**
     * {@code llama_token llama_sampler_sample(struct llama_sampler * smpl, struct llama_context * ctx, int32_t idx)}:
     * applies the chain to the logits of batch entry {@code i}, picks a token and accepts it into the chain.
     */
    public interface Sample {
        int call(MemorySegment sampler, MemorySegment context, int i);
    }

    /**
     * {@code struct llama_sampler * llama_sampler_init_grammar(const struct llama_vocab * vocab, const char * grammar_str,
     * const char * grammar_root)}: NULL when the grammar does not parse, or has left recursion or too many repetitions
     * (the reason goes to the log). The grammar and root are copied; the caller owns the sampler.
     */
    public interface InitGrammar {
        MemorySegment call(MemorySegment vocab, MemorySegment grammar, MemorySegment root);
    }

    /**
     * {@code void llama_sampler_apply(struct llama_sampler * smpl, llama_token_data_array * cur_p)}: masks or warps the
     * candidates (a grammar sets the logit of every token it does not allow to -INFINITY); a final sampler sets
     * {@code selected}.
     */
    public interface Apply {
        void call(MemorySegment sampler, MemorySegment candidates);
    }

    /** {@code void llama_sampler_accept(struct llama_sampler * smpl, llama_token token)} */
    public interface Accept {
        void call(MemorySegment sampler, int token);
    }

    static final LlamaLibrary.DefaultParams CHAIN_DEFAULT_PARAMS =
            defaultParams("llama_sampler_chain_default_params", CHAIN_PARAMS);
    static final ChainInit CHAIN_INIT =
            function(ChainInit.class, "llama_sampler_chain_init", FunctionDescriptor.of(ADDRESS, CHAIN_PARAMS));
    static final ChainAdd CHAIN_ADD =
            function(ChainAdd.class, "llama_sampler_chain_add", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    static final LlamaLibrary.Free FREE = free("llama_sampler_free");
    static final InitGreedy INIT_GREEDY =
            function(InitGreedy.class, "llama_sampler_init_greedy", FunctionDescriptor.of(ADDRESS));
    static final InitWithInt INIT_DIST =
            function(InitWithInt.class, "llama_sampler_init_dist", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    static final InitTemp INIT_TEMP =
            function(InitTemp.class, "llama_sampler_init_temp", FunctionDescriptor.of(ADDRESS, JAVA_FLOAT));
    static final InitWithInt INIT_TOP_K =
            function(InitWithInt.class, "llama_sampler_init_top_k", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    static final InitWithMass INIT_TOP_P = function(InitWithMass.class, "llama_sampler_init_top_p",
            FunctionDescriptor.of(ADDRESS, JAVA_FLOAT, JAVA_LONG));
    static final InitWithMass INIT_TYPICAL = function(InitWithMass.class, "llama_sampler_init_typical",
            FunctionDescriptor.of(ADDRESS, JAVA_FLOAT, JAVA_LONG));
    static final InitPenalties INIT_PENALTIES = function(InitPenalties.class, "llama_sampler_init_penalties",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT));
    static final InitLogitBias INIT_LOGIT_BIAS = function(InitLogitBias.class, "llama_sampler_init_logit_bias",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    static final Sample SAMPLE =
            function(Sample.class, "llama_sampler_sample", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    static final InitGrammar INIT_GRAMMAR = function(InitGrammar.class, "llama_sampler_init_grammar",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    static final Apply APPLY =
            function(Apply.class, "llama_sampler_apply", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    static final Accept ACCEPT =
            function(Accept.class, "llama_sampler_accept", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));

    private SamplerBindings() {
    }
}
