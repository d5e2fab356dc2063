package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A {@code llama_batch} whose arrays Java allocates once, sized for the engine's batch size, with exactly one
 * sequence id per token. Refilled every step by the engine thread.
 */
final class DecodeBatch {

    private final int capacity;
    // All owned by the arena given to the constructor (the engine thread's): valid until its loop ends.
    private final MemorySegment struct;    // struct llama_batch, passed by value to llama_decode
    private final MemorySegment tokens;    // (capacity) llama_token
    private final MemorySegment positions; // (capacity) llama_pos
    private final MemorySegment seqIds;    // (capacity) llama_seq_id; entry i is the one id of token i
    private final MemorySegment logits;    // (capacity) int8: 1 = compute logits for this token
    private int size;

    DecodeBatch(Arena arena, int capacity) {
        this.capacity = capacity;
        struct = arena.allocate(BatchBindings.BATCH);
        tokens = arena.allocate(JAVA_INT, capacity);
        positions = arena.allocate(JAVA_INT, capacity);
        seqIds = arena.allocate(JAVA_INT, capacity);
        logits = arena.allocate(JAVA_BYTE, capacity);
        MemorySegment seqIdCounts = arena.allocate(JAVA_INT, capacity); // (capacity) int32: always 1
        MemorySegment seqIdPointers = arena.allocate(ADDRESS, capacity); // (capacity) llama_seq_id *: into seqIds
        for (int i = 0; i < capacity; i++) {
            seqIdCounts.setAtIndex(JAVA_INT, i, 1);
            seqIdPointers.setAtIndex(ADDRESS, i, seqIds.asSlice(i * JAVA_INT.byteSize(), JAVA_INT));
        }
        point("token", tokens);
        point("embd", MemorySegment.NULL); // token ids, not embeddings
        point("pos", positions);
        point("n_seq_id", seqIdCounts);
        point("seq_id", seqIdPointers);
        point("logits", logits);
    }

    /** Sets the struct's pointer field {@code field}: the arrays are set once, only the token count changes. */
    private void point(String field, MemorySegment array) {
        struct.set(ADDRESS, LlamaLibrary.offset(BatchBindings.BATCH, field), array);
    }

    void clear() {
        size = 0;
    }

    /** Adds one token and returns its index in the batch, which is how its logits are found after decoding. */
    int add(int token, int position, int seqId, boolean wantLogits) {
        if (size == capacity) {
            throw new IllegalStateException("the batch holds at most " + capacity + " tokens");
        }
        tokens.setAtIndex(JAVA_INT, size, token);
        positions.setAtIndex(JAVA_INT, size, position);
        seqIds.setAtIndex(JAVA_INT, size, seqId);
        logits.set(JAVA_BYTE, size, wantLogits ? (byte) 1 : (byte) 0);
        return size++;
    }

    int size() {
        return size;
    }

    /** Decodes the batch in {@code context}: 0 on success, else llama_decode's status ({@link BatchBindings.Decode}). */
    int decode(MemorySegment context) {
        struct.set(JAVA_INT, BatchBindings.BATCH_N_TOKENS, size);
        return BatchBindings.DECODE.call(context, struct);
    }
}
