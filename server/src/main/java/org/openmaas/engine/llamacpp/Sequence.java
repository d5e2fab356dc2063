package org.openmaas.engine.llamacpp;

import java.lang.foreign.MemorySegment;
import org.openmaas.engine.Generation;
import org.openmaas.engine.GenerationRequest;

/**
 * One admitted generation's mutable state: its slot, where its KV cells live, its sampler, how far it has got. Owned
 * and used by the engine thread only; the model's data stays in {@link LlamaModel}.
 */
final class Sequence {

    final Generation generation;
    final GenerationRequest request;
    final int slot;                // index in the engine's slots: one of the `slots` concurrent sequences
    final MemorySegment context;   // llama_context * holding its KV cells (the engine owns it)
    final int seqId;               // its llama_seq_id in that context
    final SamplerChain sampler;    // owned: closed when the sequence retires
    final Transcript transcript;
    private final int[] tokens;    // (prompt + maxNewTokens) the prompt, then each sampled token, in KV position order
    private int length;            // tokens known: the prompt and the tokens sampled so far
    private int position;          // tokens[0..position) are in the KV cache

    /** @param start prompt tokens whose KV cells the sequence already has (reused from a previous one) */
    Sequence(Generation generation, int slot, MemorySegment context, int seqId, SamplerChain sampler,
             Transcript transcript, int start) {
        this.generation = generation;
        this.request = generation.request();
        this.slot = slot;
        this.context = context;
        this.seqId = seqId;
        this.sampler = sampler;
        this.transcript = transcript;
        int[] prompt = request.promptTokens();
        if (start < 0 || start >= prompt.length) {
            throw new IllegalArgumentException("start " + start + " must leave the prompt's last token to decode");
        }
        this.tokens = new int[prompt.length + request.maxNewTokens()];
        System.arraycopy(prompt, 0, tokens, 0, prompt.length);
        this.length = prompt.length;
        this.position = start;
    }

    /** Tokens this sequence could decode now: 1 when generating, the prompt tokens not yet decoded otherwise. */
    int pending() {
        return length - position;
    }

    /** Token at KV position {@code position() + offset} for the next decode. */
    int tokenAt(int offset) {
        return tokens[position + offset];
    }

    int position() {
        return position;
    }

    /**
     * Whether the token at offset {@code offset} of this step is the last one known (the prompt's last, or the one
     * just sampled): its logits choose the next token.
     */
    boolean needsLogits(int offset) {
        return position + offset == length - 1;
    }

    /** The decode of {@code tokens} tokens succeeded. */
    void advance(int tokens) {
        position += tokens;
    }

    void setNextToken(int token) {
        tokens[length++] = token;
    }

    /** The token ids of this sequence's KV cells, {@code [0, position())}; shared, not copied: do not modify. */
    int[] cellTokens() {
        return tokens;
    }
}
