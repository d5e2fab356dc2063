package org.openmaas.gguf;

/**
 * The model architectures {@link RandomLlama} writes: Llama and two current ones built on it, with the tensors and
 * metadata keys llama.cpp expects of each (its {@code src/llama-arch.cpp} and {@code src/models/<arch>.cpp}).
 */
public enum Architecture {
    /** Llama 2/3: the base the others extend. */
    LLAMA("llama", false, false, false),
    /** Qwen3: RMS norms on each head's queries and keys; NeoX RoPE (llama.cpp picks it by architecture). */
    QWEN3("qwen3", true, false, false),
    /**
     * Gemma 3: query/key norms, norms after attention and after the FFN as well as before, the output projection tied
     * to the token embeddings, and sliding-window attention on five layers of every six.
     */
    GEMMA3("gemma3", true, true, true);

    /** The sliding window of Gemma 3's local layers: its real models use 512 (1B) to 1024 tokens. */
    static final int GEMMA3_SLIDING_WINDOW = 512;

    private final String key;
    private final boolean queryKeyNorms;
    private final boolean postNorms;
    private final boolean tiedOutput;

    Architecture(String key, boolean queryKeyNorms, boolean postNorms, boolean tiedOutput) {
        this.key = key;
        this.queryKeyNorms = queryKeyNorms;
        this.postNorms = postNorms;
        this.tiedOutput = tiedOutput;
    }

    /** {@code general.architecture}, and the prefix of the architecture's own metadata keys. */
    public String key() {
        return key;
    }

    /** {@code blk.N.attn_q_norm} and {@code blk.N.attn_k_norm}, one weight per value of a head. */
    boolean queryKeyNorms() {
        return queryKeyNorms;
    }

    /** {@code blk.N.post_attention_norm} and {@code blk.N.post_ffw_norm}. */
    boolean postNorms() {
        return postNorms;
    }

    /** No {@code output.weight}: llama.cpp computes the logits with {@code token_embd.weight}. */
    boolean tiedOutput() {
        return tiedOutput;
    }
}
