package org.openmaas.engine.llamacpp;

import java.nio.charset.StandardCharsets;

/**
 * Every token's bytes and kind, copied out of llama.cpp once at load so that detokenizing in the engine loop is pure
 * Java. Immutable; the arrays are never handed out.
 */
final class Vocabulary {

    private final byte[][] pieces;      // (token) -> UTF-8 bytes as llama_token_to_piece renders them, specials included
    private final boolean[] special;    // (token) -> control, unknown or end-of-generation
    private final boolean[] endOfGeneration; // (token) -> llama_vocab_is_eog

    Vocabulary(byte[][] pieces, boolean[] special, boolean[] endOfGeneration) {
        if (pieces.length != special.length || pieces.length != endOfGeneration.length) {
            throw new IllegalArgumentException("pieces, special and endOfGeneration must cover the same tokens");
        }
        this.pieces = pieces.clone();
        this.special = special.clone();
        this.endOfGeneration = endOfGeneration.clone();
    }

    int size() {
        return pieces.length;
    }

    /** The token's bytes; callers must not modify the array. */
    byte[] piece(int token) {
        return pieces[token];
    }

    /** The token's bytes decoded on their own (for alternatives, which are shown out of context). */
    String pieceText(int token) {
        return new String(pieces[token], StandardCharsets.UTF_8);
    }

    boolean isSpecial(int token) {
        return special[token];
    }

    boolean isEndOfGeneration(int token) {
        return endOfGeneration[token];
    }
}
