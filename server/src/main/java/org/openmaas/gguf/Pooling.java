package org.openmaas.gguf;

/**
 * How an embedding model turns its token vectors into one vector per text: llama.cpp's {@code enum
 * llama_pooling_type}, stored in a GGUF as {@code {arch}.pooling_type}.
 */
public enum Pooling {
    /** No pooling: a generative model; the key is not written. */
    NONE(0),
    /** The average of every token's vector. */
    MEAN(1),
    /** The first token's vector (BERT's {@code [CLS]}). */
    CLS(2),
    /** The last token's vector, as decoder-only embedding models (Qwen3-Embedding) pool. */
    LAST(3);

    private final int value;

    Pooling(int value) {
        this.value = value;
    }

    /** The value llama.cpp reads. */
    public int value() {
        return value;
    }
}
