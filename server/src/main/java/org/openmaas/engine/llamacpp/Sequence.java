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
    private int position;          // tokens of this sequence in the KV cache (prompt first)
    private int nextToken = -1;    // sampled but not yet decoded; -1 while the prompt is being decoded

    Sequence(Generation generation, int slot, MemorySegment context, int seqId, SamplerChain sampler,
             Transcript transcript) {
        this.generation = generation;
        this.request = generation.request();
        this.slot = slot;
        this.context = context;
        this.seqId = seqId;
        this.sampler = sampler;
        this.transcript = transcript;
    }

    boolean generating() {
        return nextToken >= 0;
    }

    /** Tokens this sequence could decode now: 1 when generating, the prompt tokens not yet decoded otherwise. */
    int pending() {
        return generating() ? 1 : request.promptTokens().length - position;
    }

    /** Token at KV position {@code position() + offset} for the next decode. */
    int tokenAt(int offset) {
        return generating() ? nextToken : request.promptTokens()[position + offset];
    }

    int position() {
        return position;
    }

    /** Whether the token at offset {@code offset} of this step is the prompt's last, whose logits start generation. */
    boolean isLastPromptToken(int offset) {
        return !generating() && position + offset == request.promptTokens().length - 1;
    }

    /** The decode of {@code tokens} tokens succeeded. */
    void advance(int tokens) {
        position += tokens;
    }

    void setNextToken(int token) {
        nextToken = token;
    }
}
