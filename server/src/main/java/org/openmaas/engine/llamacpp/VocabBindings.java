package org.openmaas.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.openmaas.engine.llamacpp.LlamaLibrary.count;
import static org.openmaas.engine.llamacpp.LlamaLibrary.function;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;

/**
 * llama.cpp's {@code llama_vocab} functions: the vocabulary's tokens and their kinds, tokenizing and rendering tokens
 * (see {@link LlamaLibrary} for how they are bound). The vocabulary belongs to its model.
 */
final class VocabBindings {

    // enum llama_token_attr
    static final int TOKEN_ATTR_UNKNOWN = 1;
    static final int TOKEN_ATTR_CONTROL = 1 << 3;

    /** {@code llama_token llama_vocab_bos(const struct llama_vocab * vocab)}, and {@code llama_vocab_eos}: -1 when there is none. */
    public interface Bos {
        int call(MemorySegment vocab);
    }

    /** {@code bool llama_vocab_is_eog(const struct llama_vocab * vocab, llama_token token)} */
    public interface IsEog {
        boolean call(MemorySegment vocab, int token);
    }

    /** {@code enum llama_token_attr llama_vocab_get_attr(const struct llama_vocab * vocab, llama_token token)} */
    public interface GetAttr {
        int call(MemorySegment vocab, int token);
    }

    /** {@code bool llama_vocab_get_add_bos(const struct llama_vocab * vocab)}, and {@code llama_vocab_get_add_eos} */
    public interface GetAddBos {
        boolean call(MemorySegment vocab);
    }

    /**
     * {@code int32_t llama_tokenize(const struct llama_vocab * vocab, const char * text, int32_t text_len,
     * llama_token * tokens, int32_t n_tokens_max, bool add_special, bool parse_special)}: the number of tokens
     * written, or minus the number needed when {@code maxTokens} is too small.
     */
    public interface Tokenize {
        int call(MemorySegment vocab, MemorySegment text, int textLength, MemorySegment tokens, int maxTokens,
                 boolean addSpecial, boolean parseSpecial);
    }

    /**
     * {@code int32_t llama_token_to_piece(const struct llama_vocab * vocab, llama_token token, char * buf,
     * int32_t length, int32_t lstrip, bool special)}: bytes written (not NUL-terminated), or minus the number needed
     * when {@code length} is too small.
     */
    public interface TokenToPiece {
        int call(MemorySegment vocab, int token, MemorySegment buf, int length, int lstrip, boolean special);
    }

    /** {@code int32_t llama_vocab_n_tokens(const struct llama_vocab * vocab)} */
    static final LlamaLibrary.Count N_TOKENS = count("llama_vocab_n_tokens");

    static final Bos BOS = function(Bos.class, "llama_vocab_bos", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final Bos EOS = function(Bos.class, "llama_vocab_eos", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final IsEog IS_EOG =
            function(IsEog.class, "llama_vocab_is_eog", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT));
    static final GetAttr GET_ATTR =
            function(GetAttr.class, "llama_vocab_get_attr", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final GetAddBos GET_ADD_BOS =
            function(GetAddBos.class, "llama_vocab_get_add_bos", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
    static final GetAddBos GET_ADD_EOS =
            function(GetAddBos.class, "llama_vocab_get_add_eos", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
    static final Tokenize TOKENIZE = function(Tokenize.class, "llama_tokenize", FunctionDescriptor.of(
            JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_BOOLEAN, JAVA_BOOLEAN));
    static final TokenToPiece TOKEN_TO_PIECE = function(TokenToPiece.class, "llama_token_to_piece", FunctionDescriptor.of(
            JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_BOOLEAN));

    private VocabBindings() {
    }
}
